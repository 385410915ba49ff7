"""reproduce runs seeds side by side in worker processes: the same files as one after the
other, the timings of every block kept, results in the order asked."""

import json
import os

import pytest

from qfridge.reproduce import registry
from qfridge.reproduce.registry import Context
from qfridge.reproduce.runner import default_jobs, reproduce

TINY = (
    "import os\nimport numpy as np\nimport xarray as xr\nimport matplotlib.pyplot as plt\n"
    "from qfridge.reproduce.registry import Claim, Figure, Paper\n"
    "def compute(ctx):\n"
    "    x = np.linspace(0, 1, 11)\n"
    "    return xr.Dataset({{'y': ('x', {k} * x ** 2, {{'units': '1'}}), 'pid': os.getpid()}},"
    " coords={{'x': x}})\n"
    "def plot(ds, ctx):\n    fig, ax = plt.subplots()\n    ds.y.plot(ax=ax)\n    return fig\n"
    "def claims(ctx):\n    return [Claim.compare('k', 'y(1) = k', {k}, {k} * 1.0, '1')]\n"
    "PAPER = Paper(seed='{seed}', title='tiny {seed}', figures=[Figure('fig1', 'y', compute,"
    " plot)], claims=claims)\n")


@pytest.fixture
def two_tiny_seeds(tmp_path, monkeypatch):
    for seed, k in (("901", 2.0), ("902", 3.0)):
        (tmp_path / f"tiny{seed}.py").write_text(TINY.format(seed=seed, k=k))
        monkeypatch.setitem(registry.SEED_MODULES, seed, f"tiny{seed}")
        monkeypatch.setitem(registry.SEED_TITLES, seed, f"tiny {seed}")
    monkeypatch.syspath_prepend(str(tmp_path))
    return ["901", "902"]


def test_side_by_side_equals_one_after_the_other(tmp_path, two_tiny_seeds):
    import xarray as xr

    ctx = Context(quick=True, progress=False)
    serial = reproduce(two_tiny_seeds, tmp_path / "serial", ctx, jobs=1)
    parallel = reproduce(two_tiny_seeds, tmp_path / "parallel", ctx, jobs=2)
    assert [r.seed for r in parallel] == two_tiny_seeds
    pids = set()
    for seed in two_tiny_seeds:
        for name in ("claims.json",):
            assert (tmp_path / "serial" / seed / name).read_text() == \
                (tmp_path / "parallel" / seed / name).read_text()
        a = xr.open_dataset(tmp_path / "serial" / seed / "fig1.nc", engine="h5netcdf")
        b = xr.open_dataset(tmp_path / "parallel" / seed / "fig1.nc", engine="h5netcdf")
        assert (a.y == b.y).all() and int(a.pid) == os.getpid()
        pids.add(int(b.pid))
    assert os.getpid() not in pids          # computed in worker processes
    for out in ("serial", "parallel"):
        timings = json.loads((tmp_path / out / "timings.json").read_text())["quick"]
        assert set(timings) == {"901/fig1", "901/claims", "902/fig1", "902/claims"}
    assert [c.ours for r in parallel for c in r.claims] == \
        [c.ours for r in serial for c in r.claims] == [2.0, 3.0]


def test_default_jobs():
    assert default_jobs(["000"], Context(quick=True)) == 1
    assert default_jobs(["000", "001"], Context(quick=True, executor="tcp")) == 1
    assert 1 <= default_jobs(["000", "001", "002"], Context(quick=True)) <= 3
