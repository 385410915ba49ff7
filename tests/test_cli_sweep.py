"""``qfridge sweep CONFIG.toml``: example configs, bad configs (exit 2), failures (exit 1)."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from qfridge.cli import main
from qfridge.core.thermal import bose
from qfridge.models.base import Model, parameter, register_model
from qfridge.sweeps.config import ConfigError, load_config

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.toml"))


@register_model
@dataclasses.dataclass(frozen=True)
class SweepTestOscillator(Model):
    """A mode of frequency ``omega`` at temperature ``T``: closed-form occupation.

    Fails on purpose when ``omega`` exceeds ``limit`` (to test failure records).
    """

    omega: float = parameter("angular_frequency", doc="mode frequency")
    T: float = parameter("temperature", doc="temperature")
    limit: float = parameter("angular_frequency", 1e12, doc="above this, refuse")

    QUANTITIES = {"n": "occupation"}

    def occupation(self):
        if np.any(np.asarray(self.omega) > self.limit):
            raise ValueError(f"omega = {self.omega:.3g} rad/s is above the limit")
        hbar_over_kb = 7.638232577577646e-12  # K s
        return bose(np.asarray(self.omega) * hbar_over_kb, np.asarray(self.T))


def _write(tmp_path, text):
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    return path


GOOD = """
model = "SweepTestOscillator"
quantity = "n"
[fixed]
limit = "100 GHz"
[grid]
omega = { linspace = ["1 GHz", "10 GHz", 10] }
T = { values = ["20 mK", "50 mK", "100 mK"] }
"""


@pytest.mark.parametrize("config", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_configs_run(config, tmp_path, capsys):
    out = tmp_path / f"{config.stem}.nc"
    code = main(["sweep", str(config), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert out.exists() and out.with_suffix(".png").stat().st_size > 1000
    with xr.open_dataset(out) as ds:
        quantity = ds.attrs["quantity"]
        assert not ds["failed"].any()
        assert np.all(np.isfinite(ds[quantity].values))
        assert ds[quantity].ndim >= 1
        assert ds[quantity].attrs["units"] and ds[quantity].attrs["long_name"]


def test_every_sweep_quantity_declares_units_and_long_name():
    """Issue 15: a model quantity's sweep variable carries units and long_name."""
    from qfridge.models.base import MODELS

    for name, cls in MODELS.items():
        if not cls.__module__.startswith("qfridge."):
            continue   # a model a test registered
        assert set(cls.QUANTITY_UNITS) == set(cls.QUANTITIES), name
        for q in cls.QUANTITIES:
            attrs = cls.quantity_attrs(q)
            assert attrs["units"] and attrs["long_name"], (name, q)


def test_good_config_values_units_and_outputs(tmp_path, capsys):
    path = _write(tmp_path, GOOD.replace('limit = "100 GHz"', 'limit = "100 GHz"\nT = "1 K"'))
    assert main(["sweep", str(path), "--out", str(tmp_path / "a.nc")]) == 2
    assert "both fixed and grid" in capsys.readouterr().err
    path = _write(tmp_path, GOOD)
    assert main(["sweep", str(path), "--out", str(tmp_path / "a.nc"), "--quiet"]) == 0
    assert "30/30 points" in capsys.readouterr().out
    with xr.open_dataset(tmp_path / "a.nc") as ds:
        assert ds["omega"].attrs["units"] == "rad/s"
        assert ds["omega"].attrs["display_unit"] == "GHz"
        np.testing.assert_allclose(ds["omega"].values, 2 * np.pi * np.linspace(1e9, 1e10, 10))
        np.testing.assert_allclose(ds["T"].values, [0.02, 0.05, 0.1])
        hbar_over_kb = 7.638232577577646e-12
        w, t = np.meshgrid(ds["omega"].values, ds["T"].values, indexing="ij")
        np.testing.assert_allclose(ds["n"].values, 1 / np.expm1(w * hbar_over_kb / t),
                                   rtol=1e-12)
        assert ds.attrs["model"] == "SweepTestOscillator" and ds.attrs["vectorized"] == 1
    assert (tmp_path / "a.png").stat().st_size > 1000


@pytest.mark.parametrize("text, message", [
    (GOOD.replace("SweepTestOscillator", "NoSuchFridge"), "unknown model 'NoSuchFridge'"),
    (GOOD.replace('quantity = "n"', 'quantity = "J"'), "has no quantity 'J'"),
    (GOOD.replace('limit = "100 GHz"', 'T_bath = "50 mK"'), r"no parameter\(s\) \['T_bath'\]"),
    (GOOD.replace('"20 mK"', '"5 GHz"'), "'T' is a temperature, got a frequency"),
    (GOOD.replace('limit = "100 GHz"', 'limit = "5 mK"'), "'limit' is a angular_frequency"),
    (GOOD.replace("10] }", "0] }"), "grid axis 'omega' is empty"),
    (GOOD.replace('["20 mK", "50 mK", "100 mK"]', "[]"), "grid axis 'T' is empty"),
    (GOOD.replace('limit = "100 GHz"', "limit = 1e12"), "give it with a unit"),
    (GOOD.replace('"1 GHz"', '"1 GHz/s"'), "unknown unit"),
    (GOOD.replace('"1 GHz", "10 GHz", 10', '"1 GHz", "10 GHz"'), "needs \\[start, stop, num\\]"),
    (GOOD.replace("[fixed]", "[fixed]\nomega = '1 GHz'"), "both fixed and grid"),
    ("model = [", "not valid TOML"),
    (GOOD + "\n[sweep]\nexecutor = 'threads'\n", "executor must be"),
])
def test_bad_configs_exit_2_with_one_line(tmp_path, capsys, text, message):
    path = _write(tmp_path, text)
    assert main(["sweep", str(path), "--out", str(tmp_path / "x.nc"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qfridge sweep: ") and "\n" not in err
    assert pytest.importorskip("re").search(message, err), err
    assert not (tmp_path / "x.nc").exists()


def test_missing_config_file(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_failed_points_exit_1_and_are_recorded(tmp_path, capsys):
    text = GOOD.replace('limit = "100 GHz"', 'T = "50 mK"\nlimit = "5 GHz"').replace(
        'T = { values = ["20 mK", "50 mK", "100 mK"] }\n', "")
    path = _write(tmp_path, text + '\n[sweep]\nvectorized = false\nexecutor = "serial"\n')
    assert main(["sweep", str(path), "--out", str(tmp_path / "f.nc"), "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "5 of 10 points failed" in captured.err and "above the limit" in captured.err
    with xr.open_dataset(tmp_path / "f.nc") as ds:
        assert ds["failed"].values.tolist() == [False] * 5 + [True] * 5
        assert np.all(np.isnan(ds["n"].values[5:])) and np.all(np.isfinite(ds["n"].values[:5]))


def test_store_and_scheduler(tmp_path, capsys):
    distributed = pytest.importorskip("dask.distributed")
    path = _write(tmp_path, GOOD
                  + '\n[sweep]\nvectorized = false\nchunks = 5\nstore = "run.store"\n')
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None,
                                  silence_logs=40) as cluster:
        assert main(["sweep", str(path), "--out", str(tmp_path / "d.nc"), "--quiet",
                     "--scheduler", cluster.scheduler_address]) == 0
    assert "(dask:" in capsys.readouterr().out
    assert len(list((tmp_path / "run.store" / "chunks").glob("chunk-*.nc"))) == 10  # (1, 3) blocks
    # resumed from the store: nothing recomputed, same numbers
    assert main(["sweep", str(path), "--out", str(tmp_path / "e.nc"), "--quiet"]) == 0
    with xr.open_dataset(tmp_path / "d.nc") as d, xr.open_dataset(tmp_path / "e.nc") as e:
        assert e.attrs["chunks_computed"] == 0
        assert d["n"].values.tobytes() == e["n"].values.tobytes()
    changed = path.read_text().replace('"10 GHz"', '"11 GHz"')
    path.write_text(changed)
    assert main(["sweep", str(path), "--out", str(tmp_path / "g.nc"), "--quiet"]) == 2
    assert "holds a different sweep" in capsys.readouterr().err


def test_load_config_refuses_unknown_keys(tmp_path):
    with pytest.raises(ConfigError, match="unknown config key"):
        load_config(_write(tmp_path, "plot = true\n" + GOOD))


def test_reproduce_scheduler_hands_a_dask_client_to_the_context(tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    import qfridge.reproduce.runner as runner

    seen = {}

    def fake_reproduce(seeds, out, ctx, log=print, threads=None, jobs=None):
        seen["threads"] = threads
        seen["executor"] = ctx.executor
        seen["address"] = ctx.executor.scheduler.address
        seen["workers"] = len(ctx.executor.scheduler_info()["workers"])
        return []

    monkeypatch.setattr(runner, "reproduce", fake_reproduce)
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None,
                                  silence_logs=40) as cluster:
        assert main(["reproduce", "000", "--out", str(tmp_path), "--quiet",
                     "--scheduler", cluster.scheduler_address]) == 0
        assert seen["address"] == cluster.scheduler_address and seen["workers"] == 1
        assert seen["threads"] == 1  # reproductions run with one BLAS thread by default
    assert isinstance(seen["executor"], distributed.Client)
    assert seen["executor"].status == "closed"  # closed when the command ends


def test_every_point_failing_still_writes_outputs(tmp_path, capsys):
    text = GOOD.replace('limit = "100 GHz"', 'limit = "0.5 GHz"')
    path = _write(tmp_path, text + '\n[sweep]\nvectorized = false\nexecutor = "serial"\n')
    assert main(["sweep", str(path), "--out", str(tmp_path / "all.nc"), "--quiet"]) == 1
    assert "30 of 30 points failed" in capsys.readouterr().err
    with xr.open_dataset(tmp_path / "all.nc") as ds:
        assert ds["failed"].all() and np.isnan(ds["n"]).all()
    assert (tmp_path / "all.png").exists()


@pytest.mark.parametrize("kind, value", [("angular_frequency", 4e9), ("temperature", 0.05),
                                         ("rate", 1e4), ("time", 5e-8)])
def test_unitless_value_error_suggests_the_same_value(kind, value):
    # the suggested example must be the value the plain number would have meant
    import re

    from qfridge.models.base import coerce
    from qfridge.sweeps.config import ConfigError, _value

    with pytest.raises(ConfigError) as err:
        _value("x", kind, value)
    example = re.search(r"e\.g\. '([^']+)'", str(err.value)).group(1)
    assert coerce("x", kind, example) == pytest.approx(value, rel=1e-5)
