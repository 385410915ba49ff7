"""The BLAS thread policy: limits are set where the work runs and restored after."""

import os

import dask
import numpy as np
import pytest
import threadpoolctl

from qfridge.core.threads import blas_thread_counts, blas_threads, owned_cores
from qfridge.sweeps import Axis, sweep

distributed = pytest.importorskip("dask.distributed")

GRID = {"x": Axis([0.0, 1.0, 2.0, 3.0], "natural units")}


def blas_report(x):
    """A sweep point reporting the BLAS threads it runs with, as threadpoolctl sees them
    (an independent check of qfridge.core.threads), and the process it runs in."""
    counts = [lib["num_threads"] for lib in threadpoolctl.threadpool_info()
              if lib["user_api"] == "blas"]
    return {"threads": max(counts), "pid": os.getpid()}


def blas_in_process():
    return max(blas_thread_counts().values())


def test_blas_threads_sets_and_restores():
    before = blas_thread_counts()
    assert len(before) >= 2  # NumPy's and SciPy's OpenBLAS
    with blas_threads(1):
        assert set(blas_thread_counts().values()) == {1}
        assert blas_report(0.0)["threads"] == 1
        with blas_threads(None):
            assert set(blas_thread_counts().values()) == {owned_cores()}
        assert set(blas_thread_counts().values()) == {1}
    assert blas_thread_counts() == before
    with pytest.raises(RuntimeError, match="inside"), blas_threads(1):
        raise RuntimeError("inside")
    assert blas_thread_counts() == before
    with pytest.raises(ValueError, match="positive"), blas_threads(0):
        pass


def test_owned_cores_is_the_affinity_mask():
    assert 1 <= owned_cores() <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert owned_cores() == len(os.sched_getaffinity(0))


def test_process_pool_workers_run_single_threaded():
    with blas_threads(2):  # the forked workers inherit 2 threads unless the pool limits them
        ds = sweep(blas_report, GRID, executor="processes", chunks=1, progress=False)
        assert blas_in_process() == 2  # the driver keeps its own setting
    assert set(ds["pid"].values.tolist()) - {os.getpid()}, "ran in worker processes"
    assert ds["threads"].values.tolist() == [1, 1, 1, 1]


def test_dask_worker_process_task_runs_single_threaded():
    # a forked worker inherits the driver's 2 BLAS threads: Dask's nanny sets
    # OPENBLAS_NUM_THREADS=1 for spawned workers only (and spawning takes seconds)
    with blas_threads(2), \
            dask.config.set({"distributed.worker.multiprocessing-method": "fork"}), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        ds = sweep(blas_report, GRID, executor=client, chunks=2, progress=False)
        outside_tasks = list(client.run(blas_in_process).values())
    assert os.getpid() not in ds["pid"].values, "ran in a separate worker process"
    assert ds["threads"].values.tolist() == [1, 1, 1, 1]
    assert outside_tasks == [2]  # the worker's own setting is restored after each chunk


def test_in_process_dask_worker_thread_runs_single_threaded():
    before = blas_thread_counts()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        ds = sweep(blas_report, GRID, executor=client, chunks=2, progress=False)
    assert np.all(ds["pid"].values == os.getpid())  # same process, a worker thread
    assert ds["threads"].values.tolist() == [1, 1, 1, 1]
    assert blas_thread_counts() == before


@pytest.mark.parametrize(("argv", "threads"), [([], 1), (["--blas-threads", "0"], None),
                                               (["--blas-threads", "2"], 2)])
def test_reproduce_command_passes_its_blas_threads(tmp_path, monkeypatch, argv, threads):
    import qfridge.reproduce.runner as runner
    from qfridge.cli import main

    seen = {}

    def fake_reproduce(seeds, out, ctx, threads, jobs=None):
        seen["threads"] = threads
        return []

    monkeypatch.setattr(runner, "reproduce", fake_reproduce)
    assert main(["reproduce", "002", "--out", str(tmp_path), *argv]) == 0
    assert seen["threads"] == threads
