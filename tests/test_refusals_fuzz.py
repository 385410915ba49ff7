"""Regression tests for fuzz findings: bad inputs are refused by name, valid ones pass."""

import numpy as np
import pytest
import qutip

from qfridge.core import thermal
from qfridge.core.resources import TooLargeError
from qfridge.engines import rates
from qfridge.engines.collective import CollectiveRateEquation, DickeBath
from qfridge.engines.collision import KrausMap, check_fock_truncation
from qfridge.models.absorption_fridge import AbsorptionFridge
from qfridge.models.kerr_resonators import KerrResonatorFridge


# 1. mean_energy -----------------------------------------------------------------------------
def test_mean_energy_refuses_nan_beta_and_bad_levels():
    with pytest.raises(ValueError, match="beta"):
        thermal.mean_energy([0, 1], float("nan"))
    with pytest.raises(ValueError, match="levels"):
        thermal.mean_energy([0, np.nan], 1.0)
    with pytest.raises(ValueError, match="levels"):
        thermal.mean_energy([0, np.inf], 1.0)
    with pytest.raises(ValueError, match="levels"):
        thermal.mean_energy([], 1.0)
    assert thermal.mean_energy([0, 1], np.inf) == 0.0
    assert thermal.mean_energy([0, 1], -np.inf) == 1.0
    assert thermal.mean_energy([0, 1], 0.0) == pytest.approx(0.5)


# 2. heat currents ---------------------------------------------------------------------------
W = np.array([[0.0, 1.0], [2.0, 0.0]])


@pytest.mark.parametrize("pops, match", [
    (np.array([np.nan, 0.5]), "populations must be finite"),
    (np.array([0.3, 0.3]), "populations must sum to 1"),
    (np.array([1.5, -0.5]), "populations must be >= 0"),
    (np.array([0.2, 0.3, 0.5]), r"populations must have shape \(\.\.\., 2\)"),
])
def test_heat_currents_refuse_bad_populations(pops, match):
    eq = rates.RateEquation(np.array([0.0, 1.0]), {"h": W})
    with pytest.raises(ValueError, match=match):
        eq.heat_currents(pops)


def test_heat_current_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="energies"):
        rates.heat_current(W, [0.0, 1.0, 2.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="populations"):
        rates.heat_current(np.stack([W] * 3), [0.0, 1.0], np.full((2, 2), 0.5))
    got = rates.heat_current(np.stack([W] * 3), [0.0, 1.0], np.full((3, 2), 0.5))
    assert np.allclose(got, 0.5)
    eq = rates.RateEquation(np.array([0.0, 1.0]), {"h": W})
    assert eq.heat_currents()["h"] == pytest.approx(0.0, abs=1e-12)


# 3. steady_state ----------------------------------------------------------------------------
@pytest.mark.parametrize("bad, match", [
    (np.zeros((0, 0)), "rates must describe at least 1 level"),
    ("abc", "rates must be a real numeric array"),
    ([[0, 1j], [1, 0]], "rates must be real"),
    ([[None, 1], [1, None]], "rates must be a real numeric array"),
])
def test_steady_state_refuses_bad_rates(bad, match):
    with pytest.raises(ValueError, match=match):
        rates.steady_state(bad)


def test_steady_state_one_level_is_trivial():
    assert np.array_equal(rates.steady_state([[3.0]]), [1.0])


# 4. gibbs_state -----------------------------------------------------------------------------
def test_gibbs_state_refuses_empty_hamiltonian():
    # QuTiP 5 already refuses to build an empty Qobj; either way it is a ValueError.
    with pytest.raises(ValueError):
        thermal.gibbs_state(qutip.Qobj(np.zeros((0, 0))), 1)
    rho = thermal.gibbs_state(qutip.sigmaz(), 1.0)
    assert rho.tr() == pytest.approx(1.0)


# 5. complex model parameters ----------------------------------------------------------------
def test_model_refuses_complex_parameter_by_name():
    with pytest.raises(ValueError, match="eps1"):
        AbsorptionFridge(eps1=2 + 1j)
    assert AbsorptionFridge(eps1=2.0).eps1 == 2.0


# 6. Kerr resonators too large ---------------------------------------------------------------
def test_kerr_resonators_refuse_huge_truncation():
    with pytest.raises(TooLargeError, match=r"N1 = 100000, N2 = 100000"):
        KerrResonatorFridge(N1=10**5, N2=10**5).heat_currents()
    j = KerrResonatorFridge(N1=3, N2=3).heat_currents(check=False)
    assert np.isfinite(j["C"])


# 7. Dicke engine too large ------------------------------------------------------------------
def test_collective_refuses_huge_n_qubits():
    eq = CollectiveRateEquation(10**6, 1.0, [DickeBath.thermal("h", 1, 0.5)])
    with pytest.raises(TooLargeError, match="n_qubits = 1000000"):
        eq.generator()
    with pytest.raises(TooLargeError, match="n_qubits = 1000000"):
        eq.steady_state()
    small = CollectiveRateEquation(4, 1.0, [DickeBath.thermal("h", 1, 0.5)])
    assert small.generator().shape == (small.basis.size,) * 2


# 8. Fock truncation check -------------------------------------------------------------------
def test_check_fock_truncation_refuses_nan():
    with pytest.raises(ValueError, match="rho_or_population"):
        check_fock_truncation(np.array([0.5, np.nan]))
    assert check_fock_truncation(np.array([1e-9, 1e-8])) is True


# 9. Kraus map inputs ------------------------------------------------------------------------
@pytest.mark.parametrize("bad, match", [
    (qutip.Qobj([[np.nan, 0], [0, 0]]), "must be finite"),
    (qutip.Qobj([[1, 1], [0, 0]]), "must be Hermitian"),
    (qutip.Qobj([[2, 0], [0, 0]]), "unit trace"),
    (qutip.fock_dm(3, 0), "dims"),
    (np.eye(2) / 2, "Qobj"),
])
def test_kraus_map_refuses_bad_states(bad, match):
    k = KrausMap([qutip.qeye(2)])
    with pytest.raises(ValueError, match=f"rho0 .*{match}"):
        k.repeat(bad, 2)
    with pytest.raises(ValueError, match=f"rho .*{match}"):
        k.apply(bad)


def test_kraus_map_accepts_states():
    k = KrausMap([qutip.qeye(2)])
    traj = k.repeat(qutip.basis(2, 0), 2, [qutip.num(2)])
    assert np.allclose(traj.expect[:, 0], 0.0)
    assert k.apply(qutip.fock_dm(2, 1)).tr() == pytest.approx(1.0)
