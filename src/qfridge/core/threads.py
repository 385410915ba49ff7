"""How many BLAS threads qfridge's linear algebra uses: one place for the policy.

NumPy and SciPy each bring their own OpenBLAS, and each starts one thread per
core. That pays off for large factorisations only. qfridge mostly calls small
dense kernels many times — ``eigvalsh`` of 169 × 169 reduced states inside
QuTiP's entropy functions, SuperLU on small Liouvillians, 4 × 4 solves per
sweep point — and there the threads cost more than they bring: their start-up
and synchronisation dominate, and on a 2-core machine shared with other work
(or with our own worker processes) the threads oversubscribe the cores and
wait for each other. Measured on a busy 2-core machine, SuperLU and small
``eigh`` calls ran 6–30× slower with 2 OpenBLAS threads than with 1, and seed
001's correlations figure (169 × 169 ``eigvalsh`` inside QuTiP's entropy
functions) took 50.6 s with 2 threads against 7.0 s with 1 (load average 8).
On a quieter machine (load ~1.4) a 169 × 169 ``eigvalsh`` took 3.6 ms with
either count — one thread loses nothing there — while an 800 × 800 one took
138 ms with 2 threads against 220 ms with 1.

The policy:

* **worker processes get one BLAS thread each** — the process pool's
  initializer and every Dask chunk task call into this module; the workers
  already use every core, so threads inside them only oversubscribe
  (:func:`single_threaded_blas`, :func:`blas_threads`);
* **small dense kernels run single-threaded** — ``qfridge reproduce`` computes
  its figures and claims under ``blas_threads(SMALL_KERNEL_THREADS)`` (its
  ``--blas-threads`` changes it): every figure there is dominated by small
  kernels; a serial sweep runs with whatever the caller set;
* **large factorisations may use the cores the process owns** —
  ``blas_threads(None)`` (= :func:`owned_cores`, the CPU affinity mask, not the
  machine's core count) around the call.

With pthreads OpenBLAS (the wheels of NumPy and SciPy) the thread count is
process-wide and, following threadpoolctl, only one Python thread at a time
may change it; a limit set by another thread is silently kept, and a thread
leaving its block restores the count for all. So give Dask workers one thread
each (``threads_per_worker=1``). Dask's nanny sets ``OPENBLAS_NUM_THREADS=1``
for the worker processes it spawns, but a forked or nanny-less worker, and an
in-process (``processes=False``) one, would run with the driver's count.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["SMALL_KERNEL_THREADS", "blas_thread_counts", "blas_threads", "owned_cores",
           "single_threaded_blas"]

SMALL_KERNEL_THREADS = 1
"""BLAS threads for work dominated by small dense kernels: ``qfridge reproduce``
(default of its ``--blas-threads``) and every sweep worker."""

_CACHE: dict[str, object] = {"modules": -1, "controller": None}


def owned_cores() -> int:
    """The number of CPU cores this process may run on (its affinity mask, which a
    batch system or ``taskset`` may restrict below the machine's core count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _controller():
    """A ``threadpoolctl.ThreadpoolController`` of the loaded BLAS libraries, cached.

    Scanning the loaded shared libraries takes about a millisecond, so the scan is
    cached and repeated only when a module was imported since (a new module may
    have loaded another BLAS). NumPy's and SciPy's BLAS are loaded first so that
    neither appears later inside a limited block at its full thread count.
    """
    if _CACHE["modules"] != len(sys.modules):
        import numpy  # noqa: F401 - loads NumPy's OpenBLAS
        import scipy.linalg  # noqa: F401 - loads SciPy's OpenBLAS
        from threadpoolctl import ThreadpoolController

        _CACHE["controller"] = ThreadpoolController().select(user_api="blas")
        _CACHE["modules"] = len(sys.modules)
    return _CACHE["controller"]


def blas_thread_counts() -> dict[str, int]:
    """Current thread count of every loaded BLAS library, by file path."""
    return {lib.filepath: lib.get_num_threads() for lib in _controller().lib_controllers}


@contextlib.contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` BLAS threads (``None``: :func:`owned_cores`), then
    restore every library's previous count, also on an exception. Nests.

    Cost of entering and leaving, measured on the 2-core development machine with
    NumPy's and SciPy's OpenBLAS loaded (fastest of several rounds, the range is the
    machine's load): 6–15 µs when every library already runs ``n`` threads
    (nothing is changed), 50–110 µs when the count changes (threadpoolctl's
    limiter on the cached controller). ``threadpoolctl.threadpool_limits`` rescans
    the loaded libraries on every call: 16 ms with QuTiP imported. Fine around a
    figure, a sweep chunk or a factorisation; not meant around every small kernel.
    """
    n = owned_cores() if n is None else int(n)
    if n < 1:
        raise ValueError(f"n must be a positive number of threads or None, got {n}")
    controller = _controller()
    if all(lib.get_num_threads() == n for lib in controller.lib_controllers):
        yield
        return
    with controller.limit(limits=n):
        yield


def single_threaded_blas() -> None:
    """One BLAS thread for the rest of this process's life: the initializer of sweep
    worker processes (the pool already runs one process per core)."""
    controller = _controller()
    if any(lib.get_num_threads() != 1 for lib in controller.lib_controllers):
        controller.limit(limits=1)
