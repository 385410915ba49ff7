"""Shared test settings: a non-interactive matplotlib backend, one BLAS thread per worker."""

import matplotlib

matplotlib.use("Agg")


def pytest_configure(config):
    """Each pytest-xdist worker runs with one BLAS thread: the workers already use every
    core, and OpenBLAS threads that busy-wait on an oversubscribed machine turned a 0.6 s
    test into 104 s (qfridge.core.threads explains the policy)."""
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):
        from qfridge.core.threads import single_threaded_blas

        single_threaded_blas()
