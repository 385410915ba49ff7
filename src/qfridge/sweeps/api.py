"""``sweep``: evaluate a function over a grid into a labelled ``xarray.Dataset``."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import math
import time
import warnings
from collections.abc import Callable, Mapping

import numpy as np
import xarray as xr

from .executors import check_executor, describe_executor, run_chunks
from .grid import Axis, as_axes, block_shape, blocks
from .store import ChunkCorrupt, ChunkStore


class SweepFailureWarning(RuntimeWarning):
    """Some points of a sweep failed; the Dataset's ``failed``/``error`` say which and why."""


class SweepPointWarning(UserWarning):
    """The function warned at some points (e.g. a violated premise); the Dataset's
    ``warnings`` variable holds each point's messages."""


def _function_name(func) -> str:
    target = func if inspect.isfunction(func) or inspect.ismethod(func) else type(func)
    module = getattr(target, "__module__", "?")
    qualname = getattr(target, "__qualname__", repr(target))
    return f"{module}.{qualname}"


def progress_label(func, axes=(), n_points: int | None = None) -> str:
    """What a sweep runs, in words for its progress bar: ``"AbsorptionFridge.J_C over 400
    points (dT x delta_z)"`` (a function's ``progress_label`` attribute, else its name)."""
    import functools

    label = getattr(func, "progress_label", None)
    if not isinstance(label, str) or not label:
        target = func.func if isinstance(func, functools.partial) else func
        if not (inspect.isfunction(target) or inspect.ismethod(target)):
            target = type(target)
        label = getattr(target, "__qualname__", "") or "function"
        label = label.rsplit("<locals>.", 1)[-1]
        label = "function" if "<lambda>" in label else label.lstrip("_")
    where = " x ".join(axes)
    if n_points is not None:
        return f"{label} over {n_points:,} points" + (f" ({where})" if where else "")
    return f"{label} over {where}" if where else label


class LineProgress:
    """A progress report for a non-interactive log: a plain line (no carriage returns) once
    the sweep has run for ``delay`` seconds, then at most every ``interval`` seconds, e.g.
    ``"AbsorptionFridge.J_C over 400 points (dT x delta_z): 120/400 pt (30 %), 12.0 s, about
    28 s left"``, and a last line when any was printed.

    Has the part of tqdm's interface a sweep uses (``update``, ``close``, context manager).
    """

    def __init__(self, total: int, initial: int = 0, label: str = "sweep",
                 interval: float = 10.0, delay: float = 1.0, file=None,
                 clock=time.perf_counter):
        import sys

        self.total, self.n, self.label = int(total), int(initial), label
        self.interval, self.clock = interval, clock
        self.file = file if file is not None else sys.stderr
        self.t0 = clock()
        self.last = self.t0 + delay - interval  # the first line after ``delay``
        self.start_n = self.n
        self.printed = False

    def _line(self, final: bool = False) -> str:
        elapsed = self.clock() - self.t0
        done = self.n - self.start_n
        text = (f"{self.label}: {self.n:,}/{self.total:,} pt "
                f"({100 * self.n / max(self.total, 1):.0f} %), {elapsed:.1f} s")
        if not final and done > 0 and self.n < self.total:
            left = elapsed / done * (self.total - self.n)
            text += f", about {left:.0f} s left" if left >= 1 else ", under 1 s left"
        return text

    def update(self, n: int = 1) -> None:
        self.n += int(n)
        now = self.clock()
        if now - self.last >= self.interval:
            self.last = now
            self.printed = True
            print(self._line(), file=self.file, flush=True)

    def close(self) -> None:
        if self.printed:
            print(self._line(final=True) + " (done)" if self.n >= self.total
                  else self._line(final=True), file=self.file, flush=True)
            self.printed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def progress_bar(total: int, initial: int = 0, label: str = "sweep", enabled: bool = True,
                 interactive: bool | None = None):
    """A tqdm bar on a terminal; on a non-interactive stderr (a log file, CI) a
    :class:`LineProgress` (a line after 1 s, then one every 10 s: never one huge line of
    carriage returns);
    a disabled tqdm bar when ``enabled`` is False."""
    import sys

    from tqdm.auto import tqdm

    if interactive is None:
        interactive = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if enabled and not interactive:
        return LineProgress(total, initial, label)
    return tqdm(total=total, initial=initial, unit="pt", delay=1.0, disable=not enabled,
                desc=label, dynamic_ncols=True)


def _function_identity(func) -> dict:
    ident = {"name": _function_name(func)}
    if not (inspect.isfunction(func) or inspect.ismethod(func)):
        ident["repr"] = repr(func)
        target = type(func)
    else:
        target = func
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        source = None
    if source is not None:
        ident["source_sha256"] = hashlib.sha256(source.encode()).hexdigest()
    return ident


def _canonical(value):
    """A JSON-able, deterministic description of a fixed-parameter value."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else repr(v)
    if isinstance(value, complex | np.complexfloating):
        return {"complex": [_canonical(value.real), _canonical(value.imag)]}
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return [_canonical(v) for v in value.tolist()]
        return {"array": str(value.dtype), "shape": list(value.shape),
                "sha256": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return {"repr": repr(value)}


def _axis_values(axis: Axis) -> list:
    return [_canonical(v) for v in axis.values.tolist()]


def sweep(func: Callable, grid: Mapping, *, fixed: Mapping | None = None, executor=None,
          store=None, chunks=None, progress: bool = True, vectorized: bool = False,
          timeout: float | None = None, max_points: int | None = None,
          allow_large: bool = False) -> xr.Dataset:
    r"""Evaluate ``func`` at every point of a grid and collect the results in a Dataset.

    Parameters
    ----------
    func : callable
        Called as ``func(**point, **fixed)`` with one keyword per grid axis. Returns
        a mapping of quantity name → value, where a value is a number, a NumPy
        array (its dimensions are named ``<name>_dim0``, ...), an
        ``xarray.DataArray`` with named dimensions (coordinates and attributes are
        kept), or (point-wise sweeps) a ``qutip.Qobj`` — a complex array over
        ``<name>_row``, ``<name>_col`` with its QuTiP dims in the ``qutip_dims``
        attribute, read back with :func:`~qfridge.sweeps.to_qobj` — or a QuTiP
        ``Result`` — ``<name>_expect_<key>`` over ``time``, and ``<name>_states``
        when it stored states (:mod:`qfridge.sweeps.qutip_values`); a bare value
        is stored as ``"value"``. Must be picklable (cloudpickle) for the
        ``"processes"`` and Dask executors.
    grid : mapping
        Axis name → 1-D values (array-like, :class:`~qfridge.sweeps.Axis` with a
        unit, or an ``xarray.DataArray`` whose ``units`` attribute is kept). The
        Dataset has one dimension per axis, in this order.
    fixed : mapping, optional
        Further keyword arguments passed unchanged at every point. Recorded in the
        Dataset's attributes and in the store's identity; values need a
        deterministic ``repr`` when they are not numbers, strings, arrays or
        containers of those.
    executor : str, Executor or dask.distributed.Client, optional
        ``"serial"``; ``"processes"`` (a local process pool over all cores, the
        default for point-wise sweeps); a ``dask.distributed.Client``; a Dask
        scheduler address ``"tcp://host:8786"`` (a client is opened and closed for
        this sweep); ``"dask"`` (the current default client); or any
        ``concurrent.futures.Executor``. Vectorised sweeps default to ``"serial"``.
    store : str or path, optional
        Directory of a resumable store: every finished chunk is written there
        atomically as soon as it is done, and a re-run with the same store computes
        only the missing chunks. A store made by a different function, grid, fixed
        parameters or chunking is refused (:class:`~qfridge.sweeps.StoreMismatch`).
    chunks : int or mapping, optional
        Chunk size: an int (target points per chunk) or a mapping axis → extent.
        Default for point-wise sweeps: about 200 chunks, but at least 64 points per
        chunk (fewer only to keep 8 chunks), so per-chunk costs (a store write,
        a task round trip) stay a few percent; 65 536 points per chunk for
        vectorised ones. Chunks are the unit of work, of progress and of storage.
    progress : bool
        Show a tqdm bar over chunks (points/s, ETA) once the sweep has run for 1 s, named
        after what runs (:func:`progress_label`); when stderr is not a terminal, a plain
        line every 10 s instead (:class:`LineProgress`).
    vectorized : bool
        ``func`` accepts arrays: it is called once per chunk with broadcast arrays
        (shape of the chunk, ``indexing="ij"``) and returns arrays of that shape
        (or DataArrays with the grid dimensions plus extra ones). If such a call
        raises, the chunk is re-evaluated point by point to localise the failures.

    Returns
    -------
    xarray.Dataset
        One variable per returned quantity; ``failed`` (bool, per grid point),
        ``error`` (the exception or the reason, ``""`` where the point succeeded) and
        ``warnings`` (what ``func`` warned at the point, e.g. violated premises; for a
        vectorised chunk, the warnings of its one call, on every point of the chunk).
        Warnings are summarised once per category as a :class:`SweepPointWarning`
        instead of being printed once per point; warning filters still apply inside
        ``func`` (an ``"error"`` filter makes the point fail).
        A point fails when ``func`` raises (``SystemExit`` included), returns a
        non-finite value, returns variables or shapes that differ from most points,
        or (``"processes"``) kills its worker process (``os._exit``, a segfault); its
        values are NaN and ``failed`` is True, and a :class:`SweepFailureWarning`
        is issued. Attributes: ``qfridge_version``, ``function``, ``fixed`` (JSON),
        ``executor``, ``seconds``, ``n_points``, ``n_failed``, ``n_warned``, ``chunks_computed``,
        ``chunks_from_store``.

    Examples
    --------
    >>> import numpy as np
    >>> from qfridge.sweeps import Axis, sweep
    >>> def lorentzian(x, width):
    ...     return {"y": width / (x**2 + width**2)}
    >>> ds = sweep(lorentzian, {"x": Axis.linspace(-1, 1, 5, "rad/s")},
    ...            fixed={"width": 0.5}, executor="serial", progress=False)
    >>> ds.y.dims, ds.x.attrs["units"], int(ds.failed.sum())
    (('x',), 'rad/s', 0)
    """
    if not callable(func):
        raise ValueError(f"func must be callable, got {func!r}")
    axes = as_axes(grid)
    names = list(axes)
    fixed = dict(fixed or {})
    clash = set(fixed) & set(names)
    if clash:
        raise ValueError(f"fixed parameters {sorted(clash)} are also grid axes")
    if executor is None:
        executor = "serial" if vectorized else "processes"
    check_executor(executor)
    shape = tuple(len(a) for a in axes.values())
    check_size(shape, names, max_points, allow_large)
    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    extent = block_shape(shape, names, chunks, vectorized)
    all_blocks = list(blocks(shape, extent))
    description = {
        "function": _function_identity(func),
        "vectorized": bool(vectorized),
        "grid": {n: {"values": _axis_values(a), "unit": a.unit} for n, a in axes.items()},
        "axis_order": names,
        "fixed": _canonical(fixed),
        "chunk_extent": list(extent),
    }
    start = time.perf_counter()
    with (ChunkStore(store, description, func=func) if store is not None
          else contextlib.nullcontext()) as chunk_store:   # the lock is released on any exit

        results: dict[tuple, xr.Dataset] = {}
        tasks = []
        for cid, slices in all_blocks:
            if chunk_store is not None and chunk_store.has(cid):
                try:
                    results[cid] = chunk_store.load(cid)
                    continue
                except ChunkCorrupt as err:   # moved, foreign or bit-flipped: recompute it
                    warnings.warn(f"store chunk {chunk_store.chunk_path(cid)} is corrupt "
                                  f"({err}); recomputing it", RuntimeWarning, stacklevel=2)
                except Exception as err:  # noqa: BLE001 - unreadable chunk: recompute it
                    warnings.warn(f"store chunk {chunk_store.chunk_path(cid)} unreadable "
                                  f"({err}); recomputing it", RuntimeWarning, stacklevel=2)
            values = [axes[n].values[s] for n, s in zip(names, slices, strict=True)]
            tasks.append((cid, names, values))
        from_store = len(results)
        sizes = {cid: int(np.prod([s.stop - s.start for s in slices]))
                 for cid, slices in all_blocks}

        with progress_bar(int(np.prod(shape)), initial=sum(sizes[c] for c in results),
                          label=progress_label(func, names, int(np.prod(shape))),
                          enabled=progress) as bar:
            for cid, chunk in run_chunks(executor, func, tasks, fixed, vectorized,
                                                timeout):
                if chunk_store is not None:
                    chunk_store.save(cid, chunk)
                results[cid] = chunk
                bar.update(sizes[cid])

        # chunks whose points disagree on the returned variables/shapes decided locally (a tie
        # in a small chunk): re-run them against the layout most of the sweep's points have
        layout = _majority_layout(results, len(names))
        redo = [(cid, names, [axes[n].values[s] for n, s in zip(names, slices, strict=True)])
                for cid, slices in all_blocks if _disagrees(results[cid], layout, len(names))]
        if redo:
            for cid, chunk in run_chunks(executor, func, redo, fixed, vectorized, timeout,
                                         layout=layout):
                if chunk_store is not None:
                    chunk_store.save(cid, chunk)
                results[cid] = chunk

    ds = _assemble(axes, shape, all_blocks, results)
    n_failed = int(ds["failed"].sum())
    from .. import __version__

    ds.attrs.update({
        "qfridge_version": __version__,
        "function": _function_name(func),
        "fixed": json.dumps(_canonical(fixed), sort_keys=True),
        "vectorized": int(bool(vectorized)),
        "executor": describe_executor(executor),
        "seconds": time.perf_counter() - start,
        "n_points": int(np.prod(shape)),
        "n_failed": n_failed,
        "n_warned": int((ds["warnings"] != "").sum()),
        "chunks_computed": len(tasks),
        "chunks_from_store": from_store,
    })
    _summarise_warnings(ds, names)
    if n_failed:
        where, msg = first_failure(ds)
        warnings.warn(f"{n_failed} of {ds.attrs['n_points']} sweep points failed (first at "
                      f"{where}: {msg}); see the Dataset's 'failed' and 'error' variables",
                      SweepFailureWarning, stacklevel=2)
    return ds


MAX_POINTS = 10**7
"""Default largest grid :func:`sweep` starts without ``allow_large=True``."""


class SweepTooLarge(ValueError):
    """The grid has more points than ``max_points``; pass ``allow_large=True`` to run it."""


def grid_size_message(n_points: int, names, shape, limit: int) -> str:
    sizes = " x ".join(f"{n}={k}" for n, k in zip(names, shape, strict=True))
    hours = n_points * 1e-3 / 3600
    return (f"the grid has {n_points:,} points ({sizes}), more than the limit of {limit:,}; "
            f"at 1 ms per point on one core that is about {hours:,.3g} hours")


def check_size(shape, names, max_points=None, allow_large=False) -> int:
    """The number of grid points; :class:`SweepTooLarge` above ``max_points``."""
    n_points = math.prod(int(k) for k in shape)
    limit = MAX_POINTS if max_points is None else max_points
    if isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 1:
        raise ValueError(f"max_points must be an int >= 1, got {max_points!r}")
    if n_points > limit and not allow_large:
        raise SweepTooLarge(grid_size_message(n_points, names, shape, int(limit))
                            + " (pass allow_large=True or raise max_points to run it)")
    return n_points


def first_failure(ds: xr.Dataset) -> tuple[dict, str] | None:
    """``({axis: value}, message)`` of the first failed point of a sweep, or ``None``."""
    failed = ds["failed"]
    hits = np.argwhere(failed.values)
    if not len(hits):
        return None
    idx = tuple(hits[0])
    where = {d: ds[d].values[i].item() for d, i in zip(failed.dims, idx, strict=True)}
    return where, str(ds["error"].values[idx])


def _summarise_warnings(ds: xr.Dataset, names: list[str]) -> None:
    """One :class:`SweepPointWarning` per warning category instead of one per point."""
    flat = ds["warnings"].values.ravel()
    if not np.any(flat != ""):
        return
    firsts: dict[str, tuple[int, int, str]] = {}  # category -> (count, first index, message)
    for i, text in enumerate(flat):
        if not text:
            continue
        for category in {m.split(":", 1)[0] for m in text.split(" | ")}:
            count, first, message = firsts.get(category, (0, i, text))
            firsts[category] = (count + 1, first, message)
    shape = ds["warnings"].shape
    for category, (count, first, message) in firsts.items():
        idx = np.unravel_index(first, shape)
        where = {n: ds[n].values[i].item() for n, i in zip(names, idx, strict=True)}
        warnings.warn(f"{category} at {count} of {flat.size} sweep points (first at {where}: "
                      f"{message}); see the Dataset's 'warnings' variable",
                      SweepPointWarning, stacklevel=3)


def _majority_layout(results, ndim: int) -> dict[str, tuple]:
    """Per quantity, the (extra dims, extra shape) most successful points returned."""
    votes: dict[str, dict[tuple, int]] = {}
    for chunk in results.values():
        weight = max(1, int((~chunk["failed"].values).sum()))
        for name, var in chunk.data_vars.items():
            if name in ("failed", "error", "warnings"):
                continue
            key = (tuple(var.dims[ndim:]), tuple(var.shape[ndim:]))
            votes.setdefault(name, {})
            votes[name][key] = votes[name].get(key, 0) + weight
    return {name: next(k for k, v in counts.items() if v == max(counts.values()))
            for name, counts in votes.items()}


def _disagrees(chunk: xr.Dataset, layout: dict, ndim: int) -> bool:
    from .evaluate import LAYOUT_CONFLICT

    quantities = {n: (tuple(v.dims[ndim:]), tuple(v.shape[ndim:]))
                  for n, v in chunk.data_vars.items() if n not in ("failed", "error", "warnings")}
    if quantities and quantities != layout:
        return True
    return bool(np.char.find(chunk["error"].values.astype(str), LAYOUT_CONFLICT).max() >= 0)


def _assemble(axes: dict[str, Axis], shape, all_blocks, results) -> xr.Dataset:
    """Place every chunk's values at its position in the full grid."""
    names = list(axes)
    # per quantity, the (dims, extra shape) most of the successful points have; a chunk
    # that disagrees has its points failed (one odd chunk never aborts the sweep)
    votes: dict[str, dict[tuple, int]] = {}
    dtypes: dict[str, np.dtype] = {}
    extra_coords: dict[str, xr.DataArray] = {}
    attrs: dict[str, dict] = {}
    for cid, _ in all_blocks:
        chunk = results[cid]
        weight = max(1, int((~chunk["failed"].values).sum()))
        for name, var in chunk.data_vars.items():
            if name in ("failed", "error", "warnings"):
                continue
            key = (var.dims[len(names):], var.shape[len(names):])
            votes.setdefault(name, {})
            votes[name][key] = votes[name].get(key, 0) + weight
    layout: dict[str, tuple] = {}
    for name, counts in votes.items():
        best = max(counts.values())
        layout[name] = next(k for k, v in counts.items() if v == best)
    odd: dict[tuple, str] = {}
    for cid, _ in all_blocks:
        chunk = results[cid]
        for name, (dims, extra) in layout.items():
            if name in chunk.data_vars:
                var = chunk[name]
                this = (var.dims[len(names):], var.shape[len(names):])
                if this != (dims, extra):
                    odd[cid] = (f"returned {name!r} with dims {this[0]} shape {this[1]}, but "
                                f"most points returned dims {dims} shape {extra}")
                    continue
                dtypes[name] = np.result_type(var.dtype, np.float64, dtypes.get(name, np.float64))
        if cid in odd:
            continue
        for cname, coord in chunk.coords.items():
            if cname in names:
                continue
            if cname not in extra_coords:
                extra_coords[cname] = coord.variable
            elif not np.array_equal(extra_coords[cname].values, coord.values):
                odd[cid] = (f"returned coordinate {cname!r} with other values than the "
                            "other chunks' points (a coordinate labels the whole sweep)")
    layout = {name: (dims, extra, dtypes.get(name, np.float64))
              for name, (dims, extra) in layout.items()}
    arrays = {name: np.full(shape + extra, np.nan, dtype=dtype)
              for name, (_, extra, dtype) in layout.items()}
    failed = np.zeros(shape, dtype=bool)
    error = np.full(shape, "", dtype=object)
    warned = np.full(shape, "", dtype=object)
    for cid, slices in all_blocks:
        chunk = results[cid]
        failed[slices] = chunk["failed"].values
        error[slices] = chunk["error"].values
        if "warnings" in chunk.data_vars:
            warned[slices] = chunk["warnings"].values
        if cid in odd:
            block_err = error[slices]
            block_err[~failed[slices]] = odd[cid]
            error[slices] = block_err
            failed[slices] = True
            continue
        for name in arrays:
            if name in chunk.data_vars:
                arrays[name][slices] = chunk[name].values
                if chunk[name].attrs:
                    attrs.setdefault(name, dict(chunk[name].attrs))
    # a quantity missing from a chunk whose points did not all fail would be a silent NaN
    for name, arr in arrays.items():
        missing = np.isnan(arr.reshape(shape + (-1,)).real).all(axis=-1) & ~failed
        if np.any(missing):
            failed |= missing
            error[missing] = f"no value of {name!r} returned at this point"
    coords = {n: xr.Variable((n,), a.values, attrs={"units": a.unit, **a.attrs})
              for n, a in axes.items()}
    coords.update(extra_coords)
    data_vars = {name: (tuple(names) + layout[name][0], arr, attrs.get(name, {}))
                 for name, arr in arrays.items()}
    data_vars["failed"] = (tuple(names), failed, {"description": "True where func failed"})
    data_vars["error"] = (tuple(names), error.astype(str),
                          {"description": "the failure message, empty where func succeeded"})
    data_vars["warnings"] = (tuple(names), warned.astype(str),
                             {"description": "warnings func raised at this point ('Category: "
                                             "message' joined by ' | '), empty if none"})
    return xr.Dataset(data_vars, coords=coords)
