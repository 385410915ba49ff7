"""The worked examples in examples/*.py run as a user runs them (small size) and check
their own physics (each script asserts what it shows); here: exit code, numbers, figure."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# script -> lines its output must contain
CASES = {
    "maser.py": ["SSD efficiency 0.666667", "always with eta = 0.666667 <= Carnot"],
    "qubit_chain.py": ["3-qubit XX chain", "secular approximation", "audit at g = 0.05",
                       "0 fail"],
    "damped_oscillator.py": ["<n> = n_B to < 1e-6 at every T"],
    "own_machine_dask.py": ["Dask cluster: 2 workers", "on dask:tcp://", "COP = 0.500000",
                            "0 fail"],
}


def test_every_example_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(CASES)


@pytest.mark.parametrize("script", sorted(CASES))
def test_example_runs(script, tmp_path):
    out = tmp_path / (Path(script).stem + ".png")
    env = {**os.environ, "MPLBACKEND": "Agg", "QFRIDGE_EXAMPLES_SMALL": "1"}
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), "--small", "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for expected in CASES[script]:
        assert expected in proc.stdout, (expected, proc.stdout)
    assert f"figure: {out}" in proc.stdout
    assert out.stat().st_size > 10_000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
