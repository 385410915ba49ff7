"""Quick-look figure of a sweep: a line for one axis, a colour map for two."""

from __future__ import annotations

import numpy as np
import xarray as xr


def _display(ds: xr.Dataset) -> xr.Dataset:
    """Coordinates rescaled to the units they were given in (``display_unit`` attribute)."""
    out = ds.copy()
    for name in ds.dims:
        if name not in ds.coords:
            continue
        attrs = ds[name].attrs
        scale = attrs.get("display_scale")
        if scale and ds[name].dtype.kind in "fc":
            out = out.assign_coords({name: (name, ds[name].values / scale,
                                            {**attrs, "units": attrs.get("display_unit", "")})})
    return out


def quicklook(ds: xr.Dataset, quantity: str):
    """A matplotlib Figure of ``ds[quantity]`` over the first one or two grid axes.

    Further axes (and extra dimensions of the quantity) are shown at their first
    value; failed points are marked.
    """
    import matplotlib.pyplot as plt

    da = _display(ds)[quantity]
    failed = ds["failed"]
    grid_dims = list(failed.dims)
    extra = {d: 0 for d in da.dims if d not in grid_dims[:2]}
    sel = {d: 0 for d in grid_dims[2:]}
    da = da.isel(extra)
    fail = failed.isel(sel)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    title = f"{ds.attrs.get('model', ds.attrs.get('function', ''))}: {quantity}"
    if extra:
        title += " at " + ", ".join(f"{d}[0]" for d in extra)
    if len(grid_dims) == 1:
        x = grid_dims[0]
        da.plot.line(x=x, ax=ax, marker="." if da.size < 60 else None)
        if fail.any():
            xs = da[x].values[fail.values]
            ax.plot(xs, np.zeros_like(xs, dtype=float), "rx", label="failed")
            ax.legend()
    else:
        y, x = grid_dims[0], grid_dims[1]
        da.plot(x=x, y=y, ax=ax)
        if fail.any():
            yy, xx = np.nonzero(fail.values)
            ax.plot(da[x].values[xx], da[y].values[yy], "rx", ms=4, label="failed")
            ax.legend()
    for axis_name, setter in ((grid_dims[0], ax.set_xscale if len(grid_dims) == 1
                               else ax.set_yscale),
                              *(((grid_dims[1], ax.set_xscale),) if len(grid_dims) > 1 else ())):
        if ds[axis_name].attrs.get("spacing") == "log":
            setter("log")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
