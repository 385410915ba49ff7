"""QuTiP values in sweeps: a ``Qobj`` or a ``Result`` returned at a point becomes labelled
arrays, and :func:`to_qobj` turns a stored point back into a ``Qobj``.

* A ``Qobj`` named ``name`` is a complex array over the dimensions ``<name>_row`` and
  ``<name>_col`` (a ket has one column), with the attribute ``qutip_dims`` holding its
  QuTiP dims as JSON (e.g. ``"[[2, 2], [2, 2]]"``, a string so that it survives NetCDF).
* A ``Result`` (``qutip.mesolve``, ``sesolve``, ``mcsolve``, ...) named ``name`` gives
  ``<name>_expect_<key>`` for each of its expectation values (``key`` the index of the
  ``e_ops`` list or the key of the ``e_ops`` dict) over a dimension ``time`` with the
  result's times as coordinate, and, when it stored states, ``<name>_states`` over
  ``time``, ``<name>_states_row`` and ``<name>_states_col`` (with ``qutip_dims``).

Complex values are written by the stores as they are: h5netcdf writes NetCDF-4 complex
variables natively (an HDF5 compound type that h5netcdf and xarray read back as
``complex128``; write a swept Dataset yourself with ``ds.to_netcdf(path,
engine="h5netcdf")``, the scipy and netCDF4 engines refuse complex numbers).

QuTiP is not imported here: a value can only be a ``Qobj`` once the sweep function has
imported QuTiP.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import xarray as xr

QUTIP_DIMS = "qutip_dims"
"""Attribute holding a stored ``Qobj``'s QuTiP dims (JSON)."""

TIME = "time"
"""Dimension of a stored ``Result``'s expectation values and states."""


def _kind(value) -> str | None:
    """``"qobj"``, ``"result"`` or ``None`` (not a QuTiP value, or QuTiP not imported)."""
    qutip = sys.modules.get("qutip")
    if qutip is None:
        return None
    if isinstance(value, qutip.Qobj):
        return "qobj"
    if isinstance(value, qutip.solver.Result | qutip.solver.MultiTrajResult):
        return "result"
    return None


def is_qutip_value(value) -> bool:
    """Whether ``value`` is a ``Qobj`` or a QuTiP ``Result``."""
    return _kind(value) is not None


def _matrices(name: str, values: np.ndarray, dims, lead: tuple = (), coords=None
              ) -> xr.DataArray:
    return xr.DataArray(values, dims=lead + (f"{name}_row", f"{name}_col"), coords=coords,
                        attrs={QUTIP_DIMS: json.dumps(dims),
                               "long_name": f"{name} (a qutip.Qobj, read it with to_qobj)"})


def expand(name: str, value) -> dict:
    """``{name: value}``, with a ``Qobj`` or a ``Result`` replaced by its labelled arrays
    (module docstring); other values are returned unchanged.

    Raises
    ------
    ValueError
        A ``Result`` with neither expectation values nor states, or states of differing
        dims.
    """
    kind = _kind(value)
    if kind is None:
        return {name: value}
    if kind == "qobj":
        return {name: _matrices(name, value.full(), value.dims)}
    times = {TIME: np.asarray(value.times, dtype=float)}
    out = {f"{name}_expect_{key}": xr.DataArray(
        np.asarray(values), dims=(TIME,), coords=times,
        attrs={"long_name": f"expectation value of e_ops[{key!r}] of {name}"})
        for key, values in value.e_data.items()}
    states = list(value.states)
    if states:
        dims = states[0].dims
        if any(s.dims != dims for s in states):
            raise ValueError(f"returned {name!r} holds states of differing dims "
                             f"({sorted({str(s.dims) for s in states})})")
        out[f"{name}_states"] = _matrices(f"{name}_states",
                                          np.array([s.full() for s in states]), dims,
                                          (TIME,), times)
    if not out:
        raise ValueError(f"returned {name!r} is a QuTiP {type(value).__name__} without "
                         "expectation values or states: give the evolution e_ops or "
                         "options={'store_states': True}")
    return out


def to_qobj(array: xr.DataArray):
    """The ``qutip.Qobj`` a sweep stored at one point (module docstring).

    Parameters
    ----------
    array : xarray.DataArray
        A variable of a swept Dataset that came from a ``Qobj`` (it has the
        ``qutip_dims`` attribute), reduced to one point: select every grid axis (and
        ``time`` for a ``Result``'s states) first, e.g.
        ``to_qobj(ds["rho"].sel(T=0.5))``.

    Raises
    ------
    ValueError
        ``array`` is not such a variable, still has other dimensions than the matrix's
        two, or holds NaN (its point failed: see the Dataset's ``error``).
    """
    import qutip

    if not isinstance(array, xr.DataArray) or QUTIP_DIMS not in array.attrs:
        raise ValueError(f"array must be a DataArray a sweep stored from a Qobj (with a "
                         f"{QUTIP_DIMS!r} attribute), got {type(array).__name__}"
                         f"{'' if not isinstance(array, xr.DataArray) else ' ' + repr(array.name)}"
                         " without it")
    if array.ndim != 2:
        raise ValueError(f"array must be one point's matrix (2 dimensions), got dimensions "
                         f"{array.dims}: select one value of each other dimension first, "
                         "e.g. .sel(axis=value)")
    values = np.asarray(array.values)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"array {array.name!r} holds NaN at this point: the sweep point "
                         "failed (see the Dataset's 'error' variable)")
    return qutip.Qobj(values, dims=json.loads(array.attrs[QUTIP_DIMS]))


__all__ = ["QUTIP_DIMS", "TIME", "expand", "is_qutip_value", "to_qobj"]
