"""Evaluate one chunk of a sweep (this runs on the workers).

A chunk is a rectangular block of the grid. The result is an ``xarray.Dataset``
over the block's coordinates with one variable per quantity the function
returned (a ``qutip.Qobj`` or ``Result`` becomes labelled arrays,
:mod:`qfridge.sweeps.qutip_values`; a DataArray keeps its attributes), plus
``failed`` (bool), ``error`` (the message, ``""`` where the point succeeded) and
``warnings`` (what the point warned, ``"Category: message | ..."``).
A point fails when the function raises, returns something that is not a mapping
of numbers, returns variables or shapes that differ from the other points, or
returns a non-finite number; failed points hold NaN in every variable, and
``failed`` says so.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Mapping

import numpy as np
import xarray as xr

from .qutip_values import expand, is_qutip_value

DEFAULT_NAME = "value"
"""Variable name used when the function returns a bare number instead of a mapping."""

RESERVED = ("failed", "error", "warnings")
"""Per-point bookkeeping variables; a function may not return quantities with these names."""


@contextlib.contextmanager
def _recording(sink: list):
    """Record the warnings raised inside (the active filters still apply: an ``"error"``
    filter still raises, so e.g. strict premises make the point fail)."""
    with warnings.catch_warnings(record=True) as caught:
        try:
            yield
        finally:
            for w in caught:
                text = f"{w.category.__name__}: {w.message}"
                if text not in sink:
                    sink.append(text)


def _join(messages: list[str]) -> str:
    text = " | ".join(messages)
    return text if len(text) <= 1000 else text[:997] + "..."


def _describe(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= 500 else text[:497] + "..."


def _expand_all(out: Mapping) -> dict:
    """The returned mapping with every ``Qobj``/``Result`` replaced by its arrays."""
    flat: dict = {}
    for name, value in out.items():
        for key, item in expand(name, value).items():
            if key in flat:
                raise ValueError(f"returned variable {key!r} twice (once from a qutip value)")
            flat[key] = item
    return flat


def _normalise(out, grid_dims: tuple[str, ...]
               ) -> dict[str, tuple[tuple, np.ndarray, dict, dict]]:
    """Point-wise output → name → (extra dims, values, extra coords, attributes)."""
    if not isinstance(out, Mapping):
        out = {DEFAULT_NAME: out}
    result = {}
    for name, value in _expand_all(out).items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"returned variable names must be identifiers, got {name!r}")
        if name in grid_dims or name in RESERVED:
            raise ValueError(f"returned variable {name!r} clashes with a grid axis or the "
                             f"reserved names {RESERVED}")
        if isinstance(value, xr.DataArray):
            dims = tuple(str(d) for d in value.dims)
            coords = {str(k): np.asarray(v.values) for k, v in value.coords.items()
                      if v.dims and v.dims[0] in dims and len(v.dims) == 1}
            arr = np.asarray(value.values)
            attrs = dict(value.attrs)
        else:
            arr = np.asarray(value)
            dims = tuple(f"{name}_dim{i}" for i in range(arr.ndim))
            coords, attrs = {}, {}
        if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise ValueError(f"returned {name!r} must be numeric, got {value!r:.100}")
        clash = set(dims) & set(grid_dims)
        if clash:
            raise ValueError(f"returned {name!r} has dims {sorted(clash)} that are grid axes")
        result[name] = (dims, arr, coords, attrs)
    return result


def _nonfinite(name: str, arr: np.ndarray) -> str | None:
    if arr.dtype == bool or np.issubdtype(arr.dtype, np.integer):
        return None
    if not np.all(np.isfinite(arr)):
        shown = arr.item() if arr.ndim == 0 else f"array with {np.sum(~np.isfinite(arr))} " \
                                                 "non-finite entries"
        return f"returned a non-finite {name} ({shown})"
    return None


def _fill_dtype(dtype) -> np.dtype:
    return np.result_type(dtype, np.float64)


class VectorizedShapeError(ValueError):
    """A vectorised function returned something that is not one value per point of the
    chunk (e.g. one scalar for the whole chunk). Not a point failure: the sweep stops."""


class PointTimeout(Exception):
    """A point ran longer than the sweep's per-point time limit."""


_POINT_TRACKER = None
"""Set on process-pool workers: called as ``tracker(chunk_id, index)`` before each point
(``index`` ``None`` for a vectorised call), so a worker that dies can be traced to its point."""


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise :class:`PointTimeout` in the block after ``seconds`` (SIGALRM; main thread of a
    POSIX process only, elsewhere no limit)."""
    import signal
    import threading

    if not seconds or not hasattr(signal, "setitimer") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum, frame):
        raise PointTimeout(f"point exceeded the time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call_point(func, point, fixed, names, timeout):
    with _time_limit(timeout):
        return _normalise(func(**point, **fixed), tuple(names))


LAYOUT_CONFLICT = "but most points"
"""In the error of a point whose variables/shapes differ from the others of its chunk."""


def evaluate_pointwise(func, names, values, fixed, *, timeout=None, skip=None, cid=None,
                       layout=None) -> xr.Dataset:
    """Call ``func(**point, **fixed)`` at every point of the block.

    The points that return the most common set of variables and shapes define the
    block's layout; a point returning anything else fails with a message saying so
    (so one odd point, even the first, never makes the others fail); ``layout`` (name →
    (dims, shape)), when given, is the expected one instead. ``skip`` maps a
    point index to a failure message recorded without calling ``func`` (points that
    killed their worker). ``SystemExit`` raised by ``func`` is a point failure too.
    """
    shape = tuple(len(v) for v in values)
    outputs: dict[tuple, dict] = {}
    errors = np.full(shape, "", dtype=object)
    warned = np.full(shape, "", dtype=object)
    skip = skip or {}
    expected = layout
    for idx in np.ndindex(*shape):
        if idx in skip:
            errors[idx] = skip[idx]
            continue
        point = {n: values[a][i].item() for a, (n, i) in enumerate(zip(names, idx, strict=True))}
        messages: list[str] = []
        if _POINT_TRACKER is not None:
            _POINT_TRACKER(cid, idx)
        try:
            with _recording(messages):
                outputs[idx] = _call_point(func, point, fixed, names, timeout)
        except (Exception, SystemExit) as err:  # noqa: BLE001 - recorded per point, the sweep goes on
            errors[idx] = _describe(err)
        finally:
            warned[idx] = _join(messages)
    if _POINT_TRACKER is not None:
        _POINT_TRACKER(cid, "done")
    layouts = {idx: tuple(sorted((k, d, a.shape) for k, (d, a, _, _) in out.items()))
               for idx, out in outputs.items()}
    layout = None
    coords: dict[str, np.ndarray] = {}
    attrs: dict[str, dict] = {}
    results: dict[tuple, dict] = {}
    if layouts:
        counts: dict[tuple, int] = {}
        for key in layouts.values():
            counts[key] = counts.get(key, 0) + 1
        best = max(counts.values())
        majority = next(k for k in layouts.values() if counts[k] == best)  # ties: first seen
        if expected is not None:
            majority = tuple(sorted((k, tuple(d), tuple(s)) for k, (d, s) in expected.items()))
        layout = {k: (d, s) for k, d, s in majority}
        for idx, out in outputs.items():
            if layouts[idx] != majority:
                this = {k: (d, s) for k, d, s in layouts[idx]}
                errors[idx] = (f"returned {sorted(this)} with dims/shapes {this}, but "
                               f"most of the sweep's points returned {layout}"
                               if expected is not None else
                               f"returned {sorted(this)} with dims/shapes {this}, "
                               f"{LAYOUT_CONFLICT} ({best}) returned {layout}")
                continue
            moved = sorted(k for _, (_, _, c, _) in out.items() for k, v in c.items()
                           if k in coords and not np.array_equal(coords[k], v))
            if moved:
                errors[idx] = (f"returned coordinates {moved} with other values than the "
                               "other points (a coordinate labels the whole sweep)")
                continue
            for name, (_, _, c, a) in out.items():
                attrs.setdefault(name, a)
                for k, v in c.items():
                    coords.setdefault(k, v)
            bad = [m for k, (_, a, _, _) in out.items() if (m := _nonfinite(k, a))]
            if bad:
                errors[idx] = "; ".join(bad)
            results[idx] = {k: a for k, (_, a, _, _) in out.items()}
    return _assemble_block(names, values, shape, results, errors, warned, layout, coords,
                           attrs)


def _assemble_block(names, values, shape, results, errors, warned, layout, coords, attrs
                    ) -> xr.Dataset:
    data_vars = {}
    if layout:
        for name, (dims, extra) in layout.items():
            dtype = _fill_dtype(np.result_type(np.float64,
                                               *[r[name].dtype for r in results.values()]))
            arr = np.full(shape + extra, np.nan, dtype=dtype)
            for idx, r in results.items():
                arr[idx] = r[name]
            data_vars[name] = (tuple(names) + dims, arr, attrs.get(name, {}))
    failed = errors != ""
    data_vars["failed"] = (tuple(names), failed)
    data_vars["error"] = (tuple(names), errors.astype(str))
    data_vars["warnings"] = (tuple(names), warned.astype(str))
    all_coords = {n: v for n, v in zip(names, values, strict=True)}
    all_coords.update({k: v for k, v in coords.items() if k not in all_coords})
    return xr.Dataset(data_vars, coords=all_coords)


def evaluate_vectorized(func, names, values, fixed, *, timeout=None, cid=None) -> xr.Dataset:
    """Call ``func`` once with broadcast arrays of the block; on an exception fall back to
    point-wise calls so the failing points are found and recorded."""
    shape = tuple(len(v) for v in values)
    mesh = np.meshgrid(*values, indexing="ij")
    messages: list[str] = []
    if _POINT_TRACKER is not None:
        _POINT_TRACKER(cid, None)
    try:
        with _recording(messages), _time_limit(timeout and timeout * int(np.prod(shape))):
            out = func(**dict(zip(names, mesh, strict=True)), **fixed)
        if not isinstance(out, Mapping):
            out = {DEFAULT_NAME: out}
        data_vars = {}
        coords: dict[str, np.ndarray] = {}
        errors = np.full(shape, "", dtype=object)
        for name, value in out.items():
            if is_qutip_value(value):
                raise VectorizedShapeError(
                    f"vectorized function returned a {type(value).__name__} as {name!r}: a "
                    "qutip value is one point's, use vectorized=False to return it")
            attrs = {}
            if isinstance(value, xr.DataArray):
                attrs = dict(value.attrs)
                missing = set(names) - set(value.dims)
                if missing:
                    value = value.expand_dims({n: len(values[names.index(n)])
                                               for n in names if n in missing})
                value = value.transpose(*names, ...)
                dims = tuple(str(d) for d in value.dims)
                coords.update({str(k): np.asarray(v.values) for k, v in value.coords.items()
                               if len(v.dims) == 1 and v.dims[0] not in names})
                arr = np.asarray(value.values)
            else:
                arr = np.asarray(value)
                if arr.size == 1 and int(np.prod(shape)) > 1:
                    raise VectorizedShapeError(
                        f"vectorized function returned one value of {name!r} (shape "
                        f"{arr.shape}) for a chunk of {int(np.prod(shape))} points (shape "
                        f"{shape}); it must return one value per point (an array of the "
                        "chunk's shape); a scalar is not broadcast. Use vectorized=False for "
                        "a point function")
                arr = np.broadcast_to(arr, shape).copy()
                dims = tuple(names)
            if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
                raise ValueError(f"returned {name!r} must be numeric")
            if arr.shape[:len(shape)] != shape:
                raise ValueError(f"returned {name!r} has shape {arr.shape}, expected {shape}")
            if np.issubdtype(arr.dtype, np.inexact):
                axes = tuple(range(len(shape), arr.ndim))
                bad = ~np.all(np.isfinite(arr), axis=axes) if axes else ~np.isfinite(arr)
                for idx in zip(*np.nonzero(bad), strict=True):
                    msg = f"returned a non-finite {name}"
                    errors[idx] = msg if not errors[idx] else f"{errors[idx]}; {msg}"
            data_vars[name] = (dims, arr, attrs)
    except VectorizedShapeError:
        raise
    except (Exception, SystemExit):  # noqa: BLE001 - localise the failure point by point
        scalar_values = [np.asarray(v) for v in values]
        return evaluate_pointwise(func, names, scalar_values, fixed, timeout=timeout, cid=cid)
    data_vars["failed"] = (tuple(names), errors != "")
    data_vars["error"] = (tuple(names), errors.astype(str))
    # one call for the whole chunk: its warnings belong to every point of the chunk
    data_vars["warnings"] = (tuple(names), np.full(shape, _join(messages)).astype(str))
    all_coords = {n: v for n, v in zip(names, values, strict=True)}
    all_coords.update({k: v for k, v in coords.items() if k not in all_coords})
    return xr.Dataset(data_vars, coords=all_coords)


def evaluate_chunk(func, names, values, fixed, vectorized, *, timeout=None, skip=None,
                   cid=None, layout=None) -> xr.Dataset:
    """One chunk: ``func`` may be a callable or its cloudpickle bytes. ``timeout``: seconds
    per point (a vectorised call gets the chunk's points times that); ``skip``: point
    index → failure message, recorded without calling ``func`` (forces point-wise)."""
    if isinstance(func, bytes):
        import cloudpickle

        func = cloudpickle.loads(func)
    if vectorized and not skip and layout is None:
        return evaluate_vectorized(func, names, values, fixed, timeout=timeout, cid=cid)
    return evaluate_pointwise(func, names, [np.asarray(v) for v in values], fixed,
                              timeout=timeout, skip=skip, cid=cid, layout=layout)
