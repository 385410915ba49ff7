"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

Every runner takes a list of chunk tasks and yields ``(chunk_id, Dataset)`` as
each chunk finishes, so the caller can store it at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os

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


def run_chunks(executor, func, tasks, fixed, vectorized):
    """Yield ``(chunk_id, Dataset)`` for every task ``(chunk_id, names, values)``."""
    if not tasks:
        return
    if executor == "serial":
        for cid, names, values in tasks:
            yield cid, evaluate_chunk(func, names, values, fixed, vectorized)
        return
    if executor == "processes":
        import multiprocessing

        workers = min(owned_cores(), len(tasks))
        # fork: workers inherit the imported modules (qutip takes ~1 s to import)
        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                                    initializer=single_threaded_blas) as pool:
            try:
                yield from _run_futures(pool, func, tasks, fixed, vectorized)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return
    if isinstance(executor, cf.Executor):
        yield from _run_futures(executor, func, tasks, fixed, vectorized)
        return
    yield from _run_dask(executor, func, tasks, fixed, vectorized)


def _run_futures(pool: cf.Executor, func, tasks, fixed, vectorized):
    import cloudpickle

    payload = cloudpickle.dumps(func)  # closures and lambdas work too
    futures = {pool.submit(evaluate_chunk, payload, names, values, fixed, vectorized): cid
               for cid, names, values in tasks}
    try:
        for fut in cf.as_completed(futures):
            yield futures[fut], fut.result()
    finally:
        for fut in futures:
            fut.cancel()


def _evaluate_single_threaded(func, names, values, fixed, vectorized):
    """A chunk on a Dask worker, with one BLAS thread: the cluster runs one task per
    core (Dask's nanny workers start single-threaded anyway; in-process and
    nanny-less workers would not)."""
    with blas_threads(1):
        return evaluate_chunk(func, names, values, fixed, vectorized)


def _run_dask(executor, func, tasks, fixed, vectorized):
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
                                vectorized, pure=False, key=key)
            futures[fut.key] = (fut, cid)
        try:
            for fut, result in as_completed([f for f, _ in futures.values()],
                                            with_results=True, loop=client.loop):
                yield futures[fut.key][1], result
        finally:
            client.cancel([f for f, _ in futures.values()])
