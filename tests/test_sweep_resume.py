"""A sweep killed with SIGKILL part-way resumes from its store: same result, no point twice."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import xarray as xr

SCRIPT = textwrap.dedent('''
    import sys
    import time

    import numpy as np

    from qfridge.sweeps import Axis, sweep


    def point(x, y, log):
        with open(log, "a") as fh:  # one line per call, appended before the work
            fh.write(f"{x!r} {y!r}\\n")
        time.sleep(0.04)
        return {"z": np.sin(3 * x) * np.cos(2 * y) + 1e-3 * x * y,
                "w": np.array([x, y, x * y])}


    if __name__ == "__main__":
        executor, log, out = sys.argv[1:4]
        store = sys.argv[4] if len(sys.argv) > 4 else None
        grid = {"x": Axis.linspace(0.0, 1.0, 8, "rad/s"), "y": Axis.linspace(0.0, 2.0, 9, "K")}
        ds = sweep(point, grid, fixed={"log": log}, executor=executor, chunks=6, store=store,
                   progress=False)
        ds.drop_attrs().to_netcdf(out)
''')


def _run(script, *args):
    return subprocess.run([sys.executable, str(script), *map(str, args)], check=True,
                          capture_output=True, text=True, timeout=120)


def _calls(log):
    if not log.exists():
        return []
    return [tuple(float(v) for v in line.split()) for line in log.read_text().splitlines()]


def _stored_points(store):
    points = set()
    for path in (store / "chunks").glob("chunk-*.nc"):
        with xr.open_dataset(path) as chunk:
            points |= {(float(x), float(y)) for x in chunk.x.values for y in chunk.y.values}
    return points


def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path):
    script = tmp_path / "run_sweep.py"
    script.write_text(SCRIPT)
    store, log = tmp_path / "sweep.store", tmp_path / "calls.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(script), "serial", str(log),
                             str(tmp_path / "never.nc"), str(store)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while len(list((store / "chunks").glob("chunk-*.nc"))) < 4:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep did not store 4 chunks in 60 s"
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    done_before = _stored_points(store)
    n_total = 8 * 9
    assert 0 < len(done_before) < n_total, "the kill must land part-way"
    calls_before = len(_calls(log))

    _run(script, "processes", log, tmp_path / "resumed.nc", store)
    after = _calls(log)[calls_before:]
    assert len(after) == len(set(after)), "a point was computed twice after the restart"
    assert not set(after) & done_before, "a stored point was recomputed"
    assert len(after) == n_total - len(done_before)

    _run(script, "serial", tmp_path / "reference.log", tmp_path / "reference.nc")
    with xr.open_dataset(tmp_path / "resumed.nc") as resumed, \
            xr.open_dataset(tmp_path / "reference.nc") as reference:
        assert resumed.load().identical(reference.load())
        assert not resumed["failed"].any()
        assert resumed["z"].values.tobytes() == reference["z"].values.tobytes()
        np.testing.assert_array_equal(resumed["w"].sel(x=1.0, y=2.0).values, [1.0, 2.0, 2.0])
    assert not list((store / "chunks").glob(".tmp-*")), "temporary files left behind"
