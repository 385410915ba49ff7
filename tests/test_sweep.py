"""qfridge.sweeps.sweep: labels, executors, vectorised path, failures, stores, progress."""

import json
import warnings

import numpy as np
import pytest
import qutip
import xarray as xr

from qfridge.core.baths import BosonicBath
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.sweeps import Axis, StoreMismatch, SweepFailureWarning, sweep
from systems import qubit_two_bath_current


def qubit_currents(t_hot, t_cold, omega=1.0, gamma_h=0.01, gamma_c=0.02):
    """A qubit between two flat baths: Lindblad steady state and heat currents."""
    h = omega * qutip.num(2)
    lower = qutip.destroy(2)
    me = MasterEquation.local(h, [(BosonicBath(t_hot, gamma_h, name="hot"),
                                   Transition(lower, omega)),
                                  (BosonicBath(t_cold, gamma_c, name="cold"),
                                   Transition(lower, omega))])
    rho = me.steady_state()
    return {"J_hot": me.heat_current(rho, "hot"), "J_cold": me.heat_current(rho, "cold"),
            "populations": xr.DataArray(np.real(rho.diag()), dims=["level"],
                                        coords={"level": [0, 1]})}


def closed_form(x, y, scale=1.0):
    return {"f": scale * np.sin(x) * np.exp(-y), "g": x + 0 * y}


def fails_at_two(x):
    if x == 2:
        raise ZeroDivisionError("no physics at x = 2")
    if x == 3:
        return {"y": float("nan")}
    return {"y": 1.0 / x}


def test_lindblad_sweep_labels_and_physics():
    grid = {"t_hot": Axis.linspace(0.5, 2.0, 4, "natural units"),
            "t_cold": Axis([0.1, 0.3], "natural units")}
    ds = sweep(qubit_currents, grid, fixed={"gamma_h": 0.01}, executor="serial",
               progress=False)
    assert ds["J_hot"].dims == ("t_hot", "t_cold")
    assert ds["populations"].dims == ("t_hot", "t_cold", "level")
    assert list(ds["level"].values) == [0, 1]
    assert ds["t_hot"].attrs["units"] == "natural units"
    assert ds.attrs["function"].endswith("qubit_currents")
    assert json.loads(ds.attrs["fixed"]) == {"gamma_h": 0.01}
    assert ds.attrs["n_failed"] == 0 and not ds["failed"].any()
    assert ds.attrs["seconds"] > 0 and ds.attrs["qfridge_version"]
    th, tc = np.meshgrid(grid["t_hot"].values, grid["t_cold"].values, indexing="ij")
    expected = qubit_two_bath_current(1.0, 0.01, 0.02, th, tc)
    np.testing.assert_allclose(ds["J_hot"].values, expected, rtol=1e-8)
    np.testing.assert_allclose(ds["J_hot"] + ds["J_cold"], 0, atol=1e-12)


def test_processes_equal_serial_bit_for_bit():
    grid = {"x": np.linspace(0, 3, 7), "y": [0.0, 0.5, 1.0]}
    serial = sweep(closed_form, grid, fixed={"scale": 2.0}, executor="serial", progress=False)
    procs = sweep(closed_form, grid, fixed={"scale": 2.0}, executor="processes", chunks=4,
                  progress=False)
    assert procs.drop_attrs().identical(serial.drop_attrs())
    assert procs.attrs["executor"] == "processes"


def test_vectorized_matches_pointwise_and_calls_once_per_chunk():
    calls = []

    def vec(x, y, scale=1.0):
        calls.append(np.shape(x))
        return closed_form(x, y, scale)

    grid = {"x": np.linspace(0, 3, 50), "y": np.linspace(0, 1, 40)}
    fast = sweep(vec, grid, vectorized=True, chunks={"x": 25}, progress=False)
    assert calls == [(25, 40), (25, 40)]
    slow = sweep(closed_form, grid, executor="serial", progress=False)
    xr.testing.assert_allclose(fast.drop_attrs(), slow.drop_attrs(), rtol=0, atol=0)


def test_vectorized_failure_falls_back_to_points():
    def vec(x):
        x = np.asarray(x)
        if np.any(x == 2):
            raise ValueError("x = 2 is not allowed")
        return {"y": 1.0 / x}

    with pytest.warns(SweepFailureWarning, match="1 of 4"):
        ds = sweep(vec, {"x": [1.0, 2.0, 4.0, 5.0]}, vectorized=True, chunks=2, progress=False)
    assert ds["failed"].values.tolist() == [False, True, False, False]
    assert "x = 2 is not allowed" in str(ds["error"].values[1])
    np.testing.assert_array_equal(ds["y"].values[[0, 2, 3]], [1.0, 0.25, 0.2])


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_failures_recorded_others_finished(executor):
    with pytest.warns(SweepFailureWarning, match=r"2 of 5 sweep points failed"):
        ds = sweep(fails_at_two, {"x": [1, 2, 3, 4, 5]}, executor=executor, progress=False)
    assert ds["failed"].values.tolist() == [False, True, True, False, False]
    assert "ZeroDivisionError: no physics at x = 2" in str(ds["error"].sel(x=2).values)
    assert "non-finite y" in str(ds["error"].sel(x=3).values)
    assert ds["error"].sel(x=4).item() == ""
    np.testing.assert_array_equal(ds["y"].sel(x=[1, 4, 5]).values, [1.0, 0.25, 0.2])
    assert np.isnan(ds["y"].sel(x=2)) and ds.attrs["n_failed"] == 2
    # every NaN is explained by the failure mask
    assert not (np.isnan(ds["y"]) & ~ds["failed"]).any()


def test_store_resume_computes_only_missing_chunks(tmp_path):
    store = tmp_path / "run.store"
    grid = {"x": np.arange(6.0), "y": np.arange(4.0)}
    first = sweep(closed_form, grid, executor="serial", chunks=4, store=store, progress=False)
    assert first.attrs["chunks_computed"] == 6
    chunk_files = sorted((store / "chunks").glob("chunk-*.nc"))
    assert len(chunk_files) == 6
    chunk_files[2].unlink()
    again = sweep(closed_form, grid, executor="serial", chunks=4, store=store, progress=False)
    assert again.attrs["chunks_computed"] == 1 and again.attrs["chunks_from_store"] == 5
    assert again.drop_attrs().identical(first.drop_attrs())


def test_store_refuses_a_different_sweep(tmp_path):
    store = tmp_path / "s"
    grid = {"x": np.arange(4.0), "y": np.arange(3.0)}
    sweep(closed_form, grid, fixed={"scale": 1.0}, executor="serial", store=store,
          progress=False)
    with pytest.raises(StoreMismatch, match=r"different sweep .*fixed\['scale'\]"):
        sweep(closed_form, grid, fixed={"scale": 2.0}, executor="serial", store=store,
              progress=False)
    with pytest.raises(StoreMismatch, match=r"grid\['y'\]"):
        sweep(closed_form, {"x": np.arange(4.0), "y": np.arange(4.0)}, fixed={"scale": 1.0},
              executor="serial", store=store, progress=False)
    with pytest.raises(StoreMismatch, match="function"):
        sweep(fails_at_two, {"x": np.arange(1.0, 4.0)}, executor="serial", store=store,
              progress=False)
    other = tmp_path / "not-a-store"
    other.mkdir()
    (other / "data.txt").write_text("precious")
    with pytest.raises(StoreMismatch, match="without a qfridge manifest"):
        sweep(closed_form, grid, executor="serial", store=other, progress=False)


def test_store_keeps_failures(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SweepFailureWarning)
        a = sweep(fails_at_two, {"x": [1, 2, 3]}, executor="serial", store=tmp_path / "f",
                  progress=False)
        b = sweep(fails_at_two, {"x": [1, 2, 3]}, executor="serial", store=tmp_path / "f",
                  progress=False)
    assert b.attrs["chunks_computed"] == 0
    assert b.drop_attrs().identical(a.drop_attrs())


def test_progress_off_is_silent_and_on_shows_a_bar(capsys):
    import time

    def slow(x):
        time.sleep(0.3)
        return {"y": x}

    sweep(slow, {"x": [1.0, 2.0, 3.0, 4.0, 5.0]}, executor="serial", progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    sweep(slow, {"x": [1.0, 2.0, 3.0, 4.0, 5.0]}, executor="serial", progress=True)
    assert "pt" in capsys.readouterr().err


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="executor must be"):
        sweep(closed_form, {"x": [1.0], "y": [1.0]}, executor="threads")
    with pytest.raises(ValueError, match="grid axis 'x'.*empty"):
        sweep(closed_form, {"x": [], "y": [1.0]})
    with pytest.raises(ValueError, match=r"fixed parameters \['x'\] are also grid axes"):
        sweep(closed_form, {"x": [1.0], "y": [1.0]}, fixed={"x": 1.0})
    with pytest.raises(ValueError, match="chunks must be"):
        sweep(closed_form, {"x": [1.0], "y": [1.0]}, chunks=0)
    with pytest.raises(ValueError, match="func must be callable"):
        sweep(3, {"x": [1.0]})


def test_logspace_axis_and_bare_return():
    ds = sweep(lambda x: x**2, {"x": Axis.logspace(1.0, 100.0, 3, "GHz")}, executor="serial",
               progress=False)
    np.testing.assert_allclose(ds["value"].values, [1.0, 100.0, 10000.0])
    assert ds["x"].attrs["units"] == "GHz"


def warns_above_one(x):
    import warnings as w

    from qfridge.core.validity import check_premise

    if x > 1:
        w.warn(f"x = {x} is large", UserWarning, stacklevel=2)
        check_premise(x < 2, "small x", "x should stay below 2", x=x)
    return {"y": 2 * x}


def test_warnings_recorded_per_point_and_summarised_once():
    from qfridge.sweeps import SweepPointWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = sweep(warns_above_one, {"x": [0.5, 1.0, 1.5, 2.5, 3.5]}, executor="serial",
                   chunks=2, progress=False)
    summary = [str(w.message) for w in caught]
    assert all(issubclass(w.category, SweepPointWarning) for w in caught), summary
    assert len(caught) == 2  # one per category, not one per point
    assert any(s.startswith("UserWarning at 3 of 5") for s in summary)
    assert any(s.startswith("PremiseWarning at 2 of 5") for s in summary)
    assert ds["warnings"].values[0] == "" and ds["warnings"].values[1] == ""
    assert ds["warnings"].values[2] == "UserWarning: x = 1.5 is large"
    assert "PremiseWarning: premise 'small x' violated" in ds["warnings"].values[3]
    assert ds.attrs["n_warned"] == 3 and not ds["failed"].any()


def test_strict_premises_make_points_fail():
    from qfridge.core.validity import strict_premises
    from qfridge.sweeps import SweepPointWarning

    with strict_premises(), warnings.catch_warnings():
        warnings.simplefilter("ignore", SweepFailureWarning)
        warnings.simplefilter("ignore", SweepPointWarning)
        ds = sweep(warns_above_one, {"x": [0.5, 1.5, 2.5]}, executor="serial", progress=False)
    assert ds["failed"].values.tolist() == [False, False, True]
    assert "PremiseViolation" in str(ds["error"].values[2])
    assert "UserWarning: x = 2.5 is large" in str(ds["warnings"].values[2])


def fails_on_diagonal_corner(x, y):
    if x == 2 and y == 1:
        raise ArithmeticError("corner")
    if x == 1 and y == 3:
        raise ArithmeticError("other corner")
    return {"z": x * y}


def test_first_failure_names_the_right_point():
    with pytest.warns(SweepFailureWarning, match=r"first at \{'x': 1, 'y': 3\}: "
                                                  r"ArithmeticError: other corner"):
        ds = sweep(fails_on_diagonal_corner, {"x": [1, 2], "y": [1, 2, 3]}, executor="serial",
                   progress=False)
    assert ds["failed"].sum() == 2
