"""Nothing silently wrong, no work lost: odd shapes, dying workers, time limits, huge grids,
CLI output checks, untrusted config files (see docs/sweeps.md, "Failures, limits and trust")."""

import errno
import faulthandler
import os
import signal
import time
import warnings

import numpy as np
import pytest
import xarray as xr

from qfridge.sweeps import SweepFailureWarning, sweep
from qfridge.sweeps.api import SweepTooLarge
from qfridge.sweeps.grid import block_shape


def _quiet(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SweepFailureWarning)
        return sweep(*args, progress=False, **kwargs)


def odd_first(x):
    return {"y": np.zeros(3) if x == 0 else np.ones(2) * x}


def odd_alone(x):
    return {"y": np.zeros(3) if x == 4 else np.ones(2) * x}


def test_odd_shape_fails_that_point_only(tmp_path):
    for func, bad, chunks in ((odd_first, 0, None), (odd_alone, 4, 1)):
        store = tmp_path / f"{func.__name__}-{chunks}"
        ds = _quiet(func, {"x": np.arange(6)}, executor="serial", chunks=chunks, store=store)
        assert ds["failed"].values.tolist() == [x == bad for x in range(6)]
        assert "most" in str(ds["error"].sel(x=bad).values)
        assert ds["y"].shape == (6, 2)
        again = _quiet(func, {"x": np.arange(6)}, executor="serial", chunks=chunks,
                       store=store)  # resume does not raise either
        assert again.attrs["chunks_computed"] == 0
        assert again["failed"].values.tolist() == ds["failed"].values.tolist()


def test_vectorized_scalar_is_refused_not_broadcast():
    with pytest.raises(ValueError, match="one value per point"):
        sweep(lambda x: {"y": np.sum(x)}, {"x": np.arange(5.0)}, vectorized=True,
              progress=False)


def dies(x):
    if x == 3:
        os._exit(3)
    if x == 5:
        faulthandler.disable()  # no traceback dump from pytest's handler
        os.kill(os.getpid(), signal.SIGSEGV)
    if x == 6:
        raise SystemExit("bye")
    return {"y": float(x)}


def test_dying_workers_fail_their_point_only():
    ds = _quiet(dies, {"x": np.arange(9)}, executor="processes", chunks=2)
    assert ds["failed"].values.tolist() == [x in (3, 5, 6) for x in range(9)]
    # the cause is read from the dead worker's exit code when the pool still holds it
    # (best effort: a broken pool may already have reaped it; the point fails either way)
    died_3, died_5 = str(ds["error"].sel(x=3).values), str(ds["error"].sel(x=5).values)
    assert "WorkerDied" in died_3 and "WorkerDied" in died_5
    assert "exited (code" not in died_3 or "exited (code 3)" in died_3
    assert "killed by" not in died_5 or "killed by SIGSEGV" in died_5
    assert "SystemExit: bye" in str(ds["error"].sel(x=6).values)
    np.testing.assert_array_equal(ds["y"].sel(x=[0, 1, 2, 4, 7, 8]).values, [0, 1, 2, 4, 7, 8])


def slow(x):
    if x == 1:
        time.sleep(30)
    if x == 2:  # SIGALRM blocked: only the hard limit (ending the worker) stops it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(30)
    return {"y": float(x)}


def test_time_limit_per_point():
    t = time.perf_counter()
    ds = _quiet(slow, {"x": np.arange(4)}, executor="processes", chunks=2, timeout=0.1)
    assert time.perf_counter() - t < 10
    assert ds["failed"].values.tolist() == [False, True, True, False]
    assert "time limit of 0.1 s" in str(ds["error"].sel(x=1).values)
    assert "time limit" in str(ds["error"].sel(x=2).values)
    ds = _quiet(slow, {"x": np.arange(2)}, executor="serial", timeout=0.2)
    assert ds["failed"].values.tolist() == [False, True]


def _sleeping_parent(pids):
    def f(x):
        with open(pids, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(60)
        return {"y": x}

    sweep(f, {"x": np.arange(4.0)}, executor="processes", chunks=1, progress=False)


def test_pool_workers_exit_when_the_parent_is_killed(tmp_path):
    import multiprocessing

    pids = tmp_path / "pids"
    proc = multiprocessing.get_context("fork").Process(target=_sleeping_parent, args=(pids,))
    proc.start()
    deadline = time.monotonic() + 30
    while not (pids.exists() and pids.read_text().count("\n") >= 1):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    workers = {int(p) for p in pids.read_text().split()}
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    deadline = time.monotonic() + 5
    alive = set(workers)
    while alive and time.monotonic() < deadline:
        alive = {p for p in alive if _alive(p)}
        time.sleep(0.05)
    assert not alive, f"workers {alive} outlived their killed parent"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is dead
        return fh.read().split(")")[-1].split()[0] != "Z"


def test_default_chunks_batch_small_points():
    assert block_shape((30, 20), ["x", "y"], None, False) == (3, 20)  # 10 chunks of 60
    assert block_shape((1000, 1000), ["x", "y"], None, False) == (5, 1000)  # 200 chunks
    assert block_shape((16,), ["x"], None, False) == (2,)  # still 8 chunks


def test_huge_grid_refused_unless_allowed():
    grid = {"a": np.arange(10**6), "b": np.arange(10**6)}
    t = time.perf_counter()
    with pytest.raises(SweepTooLarge, match=r"1,000,000,000,000 points .*hours"):
        sweep(lambda a, b: a, grid, progress=False)
    assert time.perf_counter() - t < 1
    with pytest.raises(SweepTooLarge, match="more than the limit of 10"):
        sweep(lambda a: a, {"a": np.arange(11)}, max_points=10, progress=False)
    ds = sweep(lambda a: a, {"a": np.arange(11)}, max_points=10, allow_large=True,
               executor="serial", progress=False)
    assert ds.attrs["n_points"] == 11


# --- the CLI and config files ----------------------------------------------------------

from qfridge.cli import main  # noqa: E402
from test_cli_sweep import GOOD  # noqa: E402  (registers SweepTestOscillator)

SERIAL = '\n[sweep]\nvectorized = false\nexecutor = "serial"\n'


def _cli(tmp_path, capsys, text, *extra, out="o.nc", name="s.toml"):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    code = main(["sweep", str(path), "--out", str(tmp_path / out), "--quiet", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_cli_out_checked_before_computing(tmp_path, capsys, monkeypatch):
    import qfridge.sweeps.config as config

    def never(*a, **k):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(config, "probe_vectorized", never)
    (tmp_path / "o.nc").write_text("unrelated precious data")
    code, err = _cli(tmp_path, capsys, GOOD)
    assert code == 2 and "already exists; pass --force" in err
    assert (tmp_path / "o.nc").read_text() == "unrelated precious data"
    (tmp_path / "d.nc").mkdir()
    assert _cli(tmp_path, capsys, GOOD, out="d.nc")[0] == 2
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if not os.access(ro, os.W_OK):  # root writes anywhere
            code, err = _cli(tmp_path, capsys, GOOD, out="ro/x.nc")
            assert code == 2 and "cannot write" in err
    finally:
        ro.chmod(0o700)
    monkeypatch.undo()
    code, err = _cli(tmp_path, capsys, GOOD + SERIAL, "--force")
    assert code == 0, err
    assert xr.open_dataset(tmp_path / "o.nc").close() is None


def test_cli_single_value_axis_and_all_failed_plot(tmp_path, capsys):
    one = GOOD.replace('"20 mK", "50 mK", "100 mK"', '"50 mK"')
    assert _cli(tmp_path, capsys, one + SERIAL, out="one.nc")[0] == 0
    single = one.replace('["1 GHz", "10 GHz", 10]', '["1 GHz", "10 GHz", 1]')
    assert _cli(tmp_path, capsys, single + SERIAL, out="single.nc")[0] == 0
    allfail = one.replace('limit = "100 GHz"', 'limit = "0.5 GHz"')
    code, err = _cli(tmp_path, capsys, allfail + SERIAL, out="allfail.nc")
    assert code == 1 and "10 of 10 points failed" in err and "no quick-look" not in err
    for name in ("one", "single", "allfail"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_cli_full_disk_is_one_line_exit_1_store_intact(tmp_path, capsys, monkeypatch):
    import qfridge.cli as cli
    from qfridge.sweeps.store import ChunkStore

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    text = GOOD + SERIAL + 'store = "run.store"\nchunks = 10\n'
    monkeypatch.setattr(cli, "_write_netcdf", full)
    code, err = _cli(tmp_path, capsys, text)
    assert code == 1 and "No space left on device" in err and "run.store" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "o.nc").exists()
    assert len(list((tmp_path / "run.store" / "chunks").glob("chunk-*.nc"))) == 4
    monkeypatch.undo()
    saved = []
    real = ChunkStore.save

    def fills_up(self, cid, chunk):
        if saved:
            full()
        saved.append(cid)
        real(self, cid, chunk)

    monkeypatch.setattr(ChunkStore, "save", fills_up)
    code, err = _cli(tmp_path, capsys, text.replace("run.store", "two.store"))
    assert code == 1 and "No space left" in err and len(err.strip().splitlines()) == 1
    assert len(list((tmp_path / "two.store" / "chunks").glob("*"))) == 1
    monkeypatch.undo()  # resumes from the store
    code, err = _cli(tmp_path, capsys, text, out="p.nc")
    assert code == 0, err
    with xr.open_dataset(tmp_path / "p.nc") as ds:
        assert ds.attrs["chunks_computed"] == 0


@pytest.mark.parametrize("extra, setting, code, message", [
    ((), 'executor = "tcp://127.0.0.1:1"', 2, "not trusted"),
    ((), 'store = "../elsewhere"', 2, "outside the config file's directory"),
    ((), 'store = "/tmp/abs.store"', 2, "outside the config file's directory"),
    ((), "max_points = 10", 2, r"30 points .* more than the limit of 10.*--yes"),
    (("--max-points", "10", "--yes"), "", 0, ""),
    ((), "timeout = -1", 2, "timeout must be a positive"),
])
def test_cli_untrusted_config_settings(tmp_path, capsys, extra, setting, code, message):
    import re

    executor = "" if "executor" in setting else 'executor = "serial"\n'
    text = GOOD + '\n[sweep]\nvectorized = false\n' + executor + setting + "\n"
    got, err = _cli(tmp_path, capsys, text, *extra)
    assert got == code, err
    assert re.search(message, err), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and not (tmp_path / "o.nc").exists()


def test_trusted_scheduler_and_allowed_store_load(tmp_path):
    from qfridge.sweeps.config import load_config

    path = tmp_path / "s.toml"
    path.write_text(GOOD + '[sweep]\nexecutor = "tcp://127.0.0.1:1"\nstore = "../x"\n')
    config = load_config(path, trust_scheduler=True, allow_outside_store=True)
    assert config.executor == "tcp://127.0.0.1:1" and config.store == tmp_path.parent / "x"
    path.write_text(GOOD + '[sweep]\nexecutor = "tcp://h:1"\ntrust_config_scheduler = true\n'
                    'store = "sub/run.store"\n')
    assert load_config(path).store == tmp_path / "sub" / "run.store"


def test_cli_unreadable_configs_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "bad.toml").write_bytes(b'model = "\xff\xfe"\n')
    code, err = _cli(tmp_path, capsys, None, name="bad.toml")
    assert code == 2 and "not UTF-8" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "dir.toml").mkdir()
    code, err = _cli(tmp_path, capsys, None, name="dir.toml")
    assert code == 2 and "is a directory" in err and len(err.strip().splitlines()) == 1
