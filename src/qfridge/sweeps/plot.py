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
    # plot over the first two axes with more than one value (single-value axes are fixed)
    shown = [d for d in grid_dims if failed.sizes[d] > 1][:2]
    extra = {d: 0 for d in da.dims if d not in shown}
    sel = {d: 0 for d in grid_dims if d not in shown}
    da = da.isel(extra)
    fail = failed.isel(sel)
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    title = f"{ds.attrs.get('model', ds.attrs.get('function', ''))}: {quantity}"
    if extra:
        title += " at " + ", ".join(f"{d}[0]" for d in extra)
    values = np.asarray(da.values)
    finite = np.isfinite(values.real) if np.iscomplexobj(values) else np.isfinite(values)
    if not np.any(finite) or not shown:
        text = (f"all {int(fail.size)} points failed" if not np.any(finite)
                else f"{quantity} = {values.ravel()[0]:.6g} (a single grid point)")
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    elif len(shown) == 1:
        x = shown[0]
        da.plot.line(x=x, ax=ax, marker="." if da.size < 60 else None)
        if fail.any():
            xs = da[x].values[fail.values]
            ax.plot(xs, np.zeros_like(xs, dtype=float), "rx", label="failed")
            ax.legend()
    else:
        y, x = shown
        da.plot(x=x, y=y, ax=ax)
        if fail.any():
            yy, xx = np.nonzero(fail.transpose(y, x).values)
            ax.plot(da[x].values[xx], da[y].values[yy], "rx", ms=4, label="failed")
            ax.legend()
    if shown and np.any(finite):
        setters = ((shown[0], ax.set_xscale if len(shown) == 1 else ax.set_yscale),
                   *(((shown[1], ax.set_xscale),) if len(shown) > 1 else ()))
        for axis_name, setter in setters:
            if ds[axis_name].attrs.get("spacing") == "log":
                setter("log")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
