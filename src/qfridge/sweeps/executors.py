"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Every runner takes a list of chunk tasks and yields ``(chunk_id, Dataset)`` as
each chunk finishes, so the caller can store it at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from ..core.threads import blas_threads, owned_cores, single_threaded_blas
from .evaluate import evaluate_chunk

EXECUTOR_NAMES = ("serial", "processes", "dask")


def describe_executor(executor) -> str:
    """A short human-readable name of an executor (for attributes and logs)."""
    if isinstance(executor, str):
        return executor
    if _is_dask_client(executor):
        return f"dask:{executor.scheduler.address}"
    return type(executor).__name__


def _is_dask_client(obj) -> bool:
    return type(obj).__module__.startswith("distributed") and hasattr(obj, "submit") \
        and hasattr(obj, "gather")


def check_executor(executor) -> None:
    """Refuse an executor we cannot use, naming what is accepted."""
    if isinstance(executor, str):
        if executor in EXECUTOR_NAMES or "://" in executor:
            return
        raise ValueError(f"executor must be one of {list(EXECUTOR_NAMES)}, a Dask scheduler "
                         f"address like 'tcp://host:8786', a dask.distributed.Client or a "
                         f"concurrent.futures.Executor; got {executor!r}")
    if _is_dask_client(executor) or isinstance(executor, cf.Executor):
        return
    raise ValueError(f"executor must be 'serial', 'processes', a Dask scheduler address, a "
                     f"dask.distributed.Client or a concurrent.futures.Executor; "
                     f"got {executor!r}")


def run_chunks(executor, func, tasks, fixed, vectorized, timeout=None, layout=None):
    """Yield ``(chunk_id, Dataset)`` for every task ``(chunk_id, names, values)``.

    ``timeout``: seconds per point (``"serial"``, ``"processes"`` and process-based
    executors; threads and Dask workers cannot interrupt a point and ignore it).
    """
    if not tasks:
        return
    if executor == "serial":
        for cid, names, values in tasks:
            yield cid, evaluate_chunk(func, names, values, fixed, vectorized, timeout=timeout,
                                      cid=cid, layout=layout)
        return
    if executor == "processes":
        yield from _run_process_pool(func, tasks, fixed, vectorized, timeout, layout)
        return
    if isinstance(executor, cf.Executor):
        yield from _run_futures(executor, func, tasks, fixed, vectorized, timeout, layout)
        return
    yield from _run_dask(executor, func, tasks, fixed, vectorized, layout)


def _run_futures(pool: cf.Executor, func, tasks, fixed, vectorized, timeout=None, layout=None):
    import cloudpickle

    payload = cloudpickle.dumps(func)  # closures and lambdas work too
    futures = {pool.submit(evaluate_chunk, payload, names, values, fixed, vectorized,
                           timeout=timeout, cid=cid, layout=layout): cid
               for cid, names, values in tasks}
    try:
        for fut in cf.as_completed(futures):
            yield futures[fut], fut.result()
    finally:
        for fut in futures:
            fut.cancel()


# --- the local process pool: workers that die, hang or outlive their parent -------------

_TRACK_BYTES = 512


def _worker_init(track_dir: str, parent: int, timeout) -> None:
    """Pool worker set-up: one BLAS thread; exit when the parent dies; record the point in
    progress (so a worker that dies can be traced to its point); a hard time limit."""
    import faulthandler
    import json
    import threading
    import time

    from . import evaluate

    single_threaded_blas()
    with contextlib.suppress(Exception):  # Linux: SIGKILL us when the parent dies
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)

    def _watch_parent():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=_watch_parent, daemon=True, name="qfridge-parent-watch").start()
    fd = os.open(os.path.join(track_dir, str(os.getpid())), os.O_RDWR | os.O_CREAT, 0o600)
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    hard = _hard_limit(timeout)

    def tracker(cid, idx):
        done = isinstance(idx, str)
        os.pwrite(fd, json.dumps(None if done else [cid, idx, time.time()])
                  .encode().ljust(_TRACK_BYTES), 0)
        if hard:
            if done:
                faulthandler.cancel_dump_traceback_later()
            else:  # stuck outside Python (SIGALRM cannot interrupt it): stop the worker
                faulthandler.dump_traceback_later(hard, exit=True, file=devnull)

    evaluate._POINT_TRACKER = tracker


def _hard_limit(timeout):
    return 2 * float(timeout) + 0.5 if timeout else None


def _in_progress(track_dir: str) -> list[tuple]:
    """``(chunk_id, index, seconds running)`` each worker of a broken pool was evaluating."""
    import json
    import time

    out = []
    for path in os.scandir(track_dir):
        with contextlib.suppress(Exception):
            with open(path.path, "rb") as fh:
                entry = json.loads(fh.read().decode().strip() or "null")
            if entry:
                cid, idx, started = entry
                out.append((tuple(cid), None if idx is None else tuple(idx),
                            time.time() - started))
        os.unlink(path.path)
    return out


def _pool(workers: int, track_dir: str, timeout):
    import multiprocessing

    # fork: workers inherit the imported modules (qutip takes ~1 s to import)
    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                  initializer=_worker_init,
                                  initargs=(track_dir, os.getpid(), timeout))


def _death(pool) -> str:
    import signal

    codes = []
    for proc in list(getattr(pool, "_processes", {}) .values()):
        with contextlib.suppress(Exception):
            proc.join(1)
            if proc.exitcode is not None and proc.exitcode != -signal.SIGTERM:
                codes.append(proc.exitcode)
    if not codes:
        return "the worker process died while evaluating this point"
    code = codes[0]
    if code < 0:
        with contextlib.suppress(ValueError):
            return (f"the worker process was killed by {signal.Signals(-code).name} while "
                    "evaluating this point")
    return f"the worker process exited (code {code}) while evaluating this point"


def _isolate(payload, names, values, idx, fixed, timeout, track_dir) -> str | None:
    """Evaluate one suspect point alone in a fresh one-worker pool: the failure message if
    it kills its worker, else ``None``."""
    import time

    point_values = [v[i:i + 1] for v, i in zip(values, idx, strict=True)]
    start = time.monotonic()
    pool = _pool(1, track_dir, timeout)
    try:
        pool.submit(evaluate_chunk, payload, names, point_values, fixed, False,
                    timeout=timeout).result()
        return None
    except BrokenProcessPool:
        hard = _hard_limit(timeout)
        if hard and time.monotonic() - start >= 0.9 * hard:
            return (f"PointTimeout: point exceeded the time limit of {timeout:g} s and did "
                    "not return to Python; its worker process was stopped")
        return "WorkerDied: " + _death(pool)
    except Exception:  # noqa: BLE001 - an ordinary failure: the chunk run records it
        return None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _in_progress(track_dir)


def _run_process_pool(func, tasks, fixed, vectorized, timeout, layout=None):
    """Chunks on a local process pool. A worker that dies (``os._exit``, a segfault, the
    hard time limit) breaks the pool: the finished chunks are kept, each point the workers
    were evaluating is re-run alone to find the one that kills its worker, which is
    recorded as failed, and the remaining chunks run again in a fresh pool."""
    import tempfile

    import cloudpickle

    payload = cloudpickle.dumps(func)  # closures and lambdas work too
    pending = {cid: (names, values) for cid, names, values in tasks}
    skip: dict[tuple, dict[tuple, str]] = {}
    pointwise: set[tuple] = set()
    fruitless = 0
    with tempfile.TemporaryDirectory(prefix="qfridge-pool-") as track_dir:
        while pending:
            pool = _pool(min(owned_cores(), len(pending)), track_dir, timeout)
            broken = False
            try:
                futures = {pool.submit(evaluate_chunk, payload, names, values, fixed,
                                       vectorized and cid not in pointwise, timeout=timeout,
                                       skip=skip.get(cid), cid=cid, layout=layout): cid
                           for cid, (names, values) in pending.items()}
                for fut in cf.as_completed(futures):
                    try:
                        result = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        break
                    del pending[futures[fut]]
                    yield futures[fut], result
                if broken:  # chunks that finished before the pool broke
                    for fut, cid in futures.items():
                        if cid in pending and fut.done() and not fut.cancelled() \
                                and fut.exception() is None:
                            del pending[cid]
                            yield cid, fut.result()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown(wait=True, cancel_futures=True)
            if not broken:
                break
            progress = False
            hard = _hard_limit(timeout)
            for cid, idx, running in _in_progress(track_dir):
                if cid not in pending:
                    continue
                if hard and idx is not None and running >= 0.9 * hard:
                    skip.setdefault(cid, {})[idx] = (
                        f"PointTimeout: point exceeded the time limit of {timeout:g} s and did "
                        "not return to Python; its worker process was stopped")
                    progress = True
                    continue
                if idx is None:  # a vectorised call died: localise point by point
                    progress |= cid not in pointwise
                    pointwise.add(cid)
                    continue
                if idx in skip.get(cid, {}):
                    continue
                names, values = pending[cid]
                message = _isolate(payload, names, values, idx, fixed, timeout, track_dir)
                if message:
                    skip.setdefault(cid, {})[idx] = message
                    progress = True
            fruitless = 0 if progress else fruitless + 1
            if fruitless >= 3:  # the pool breaks outside any point: give up on the rest
                for cid, (names, values) in list(pending.items()):
                    shape = tuple(len(v) for v in values)
                    every = {idx: "WorkerDied: the process pool broke repeatedly outside any "
                             "point evaluation" for idx in np.ndindex(*shape)}
                    del pending[cid]
                    yield cid, evaluate_chunk(None, names, values, fixed, False, skip=every)


def _evaluate_single_threaded(func, names, values, fixed, vectorized, layout=None):
    """A chunk on a Dask worker, with one BLAS thread: the cluster runs one task per
    core (Dask's nanny workers start single-threaded anyway; in-process and
    nanny-less workers would not)."""
    with blas_threads(1):
        return evaluate_chunk(func, names, values, fixed, vectorized, layout=layout)


def _run_dask(executor, func, tasks, fixed, vectorized, layout=None):
    from dask.distributed import Client, as_completed, default_client

    with contextlib.ExitStack() as stack:
        if executor == "dask":
            client = default_client()
        elif isinstance(executor, str):
            client = stack.enter_context(Client(executor, set_as_default=False))
        else:
            client = executor
        [func_future] = client.scatter([func], broadcast=True, hash=False)
        futures = {}
        for cid, names, values in tasks:
            key = f"qfridge-sweep-chunk-{'-'.join(map(str, cid))}-{os.urandom(4).hex()}"
            fut = client.submit(_evaluate_single_threaded, func_future, names, values, fixed,
                                vectorized, layout, pure=False, key=key)
            futures[fut.key] = (fut, cid)
        try:
            for fut, result in as_completed([f for f, _ in futures.values()],
                                            with_results=True, loop=client.loop):
                yield futures[fut.key][1], result
        finally:
            client.cancel([f for f, _ in futures.values()])
