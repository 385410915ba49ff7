"""Floquet–Markov engine: energy balance, the undriven limit, a resonantly driven qubit
against the RWA closed form, QuTiP's floquet_tensor as an independent reference, premise
warnings and refusals."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath, FlatSpectralDensity, OhmicSpectralDensity
from qfridge.core.validity import PremiseWarning
from qfridge.engines.floquet import FloquetMarkov
from qfridge.engines.lindblad import MasterEquation
from systems import random_four_level

QUBIT = 0.5 * qutip.sigmaz()
SX = qutip.sigmax()


def hot_cold(strength=1e-3):
    return (BosonicBath(2.0, OhmicSpectralDensity(strength, 5.0), "hot"),
            BosonicBath(0.3, OhmicSpectralDensity(strength, 5.0), "cold"))


def silent(*args, **kwargs):
    """A FloquetMarkov built with every PremiseWarning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        return FloquetMarkov(*args, **kwargs)


@pytest.mark.parametrize("amplitude, frequency", [(0.1, 0.7), (0.05, 1.0), (0.4, 1.3)])
def test_driven_qubit_between_two_baths_balances_energy(amplitude, frequency):
    """sum_B J_B + P = 0 (P from the photon count, not from the balance): |.| < 1e-10 of
    the largest term (measured <= 2.2e-19 absolute); at resonance (amplitude 0.05) the
    drive does work P = 8.18e-4 that both baths absorb."""
    hot, cold = hot_cold()
    fm = silent(QUBIT, amplitude * SX, frequency, [(hot, SX), (cold, SX)])
    currents, power = fm.heat_currents(), fm.power()
    scale = max(abs(power), *map(abs, currents.values()))
    assert abs(power) > 1e-6
    assert abs(sum(currents.values()) + power) < 1e-10 * scale
    assert fm.solve().info.residual < 1e-12


@pytest.mark.parametrize("frequency", [5.3, 1.37])
def test_undriven_limit_is_the_global_secular_master_equation(frequency):
    """V = 0, the four-level system of tests/systems.py: the state and the currents of
    MasterEquation.global_secular (trace distance 4e-15, currents 1e-10 relative) —
    also when Omega = 1.37 folds the quasi-energies into a zone narrower than the
    spectrum (the sidebands re-unfold them); the power is 0. As V -> 0 the currents
    approach it continuously, ∝ V^2 (relative change at V = 1e-3: 5.7e-4 at Omega = 5.3,
    1.1e-2 at Omega = 1.37, where the drive mixes the near-degenerate folded
    quasi-energies; 100x more at V = 1e-2 in both)."""
    h, a1, a2 = random_four_level(np.random.default_rng(3))
    hot, cold = hot_cold()
    me = MasterEquation.global_secular(h, [(hot, a1), (cold, a2)])
    rho = me.solve().rho
    reference = me.heat_currents(rho)
    with warnings.catch_warnings():  # Omega = 1.37: a folded gap of 0.005 (premise test below)
        warnings.simplefilter("ignore", PremiseWarning)
        drive = qutip.tensor(SX, SX)
        fm = [FloquetMarkov(h, v * drive, frequency, [(hot, a1), (cold, a2)])
              for v in (0.0, 1e-3, 1e-2)]
    assert (fm[0].density_matrix(0.0) - rho).norm("tr") < 1e-8
    currents = fm[0].heat_currents()
    for name, value in reference.items():
        assert currents[name] == pytest.approx(value, rel=1e-8)
    assert abs(fm[0].power()) < 1e-15
    errors = [max(abs(f.heat_currents()[n] / reference[n] - 1) for n in reference)
              for f in fm[1:]]
    assert errors[0] < 2e-2 and errors[1] / errors[0] == pytest.approx(100.0, rel=0.05)


def test_resonant_qubit_at_zero_temperature_against_the_rwa():
    r"""Resonant drive, one flat bath at T = 0: the drive pumps (P > 0) what the bath
    absorbs (J < 0). For gamma << Rabi << omega the dressed (Mollow) states are equally
    populated and P = gamma omega / 2 exactly in the RWA: measured 0.99995, 0.99969,
    0.99875 of it at amplitudes 0.02, 0.05, 0.1 — the deviation ∝ amplitude^2
    (counter-rotating terms)."""
    gamma = 1e-3
    bath = BosonicBath(0.0, FlatSpectralDensity(gamma), "zero")
    deviations = []
    for amplitude in (0.02, 0.05, 0.1):
        fm = silent(QUBIT, amplitude * SX, 1.0, [(bath, SX)])
        power, current = fm.power(), fm.heat_currents()["zero"]
        assert power > 0 > current
        assert power + current == pytest.approx(0.0, abs=1e-15)
        deviations.append(1.0 - power / (0.5 * gamma))
    deviations = np.array(deviations)
    assert 0 < deviations[0] < 1e-4
    np.testing.assert_allclose(deviations[1:] / deviations[:-1], [6.25, 4.0], rtol=0.02)


@pytest.mark.parametrize("amplitude, frequency, t_bath", [(0.05, 1.0, 0.0), (0.3, 0.8, 0.5)])
def test_populations_match_qutip_floquet_tensor(amplitude, frequency, t_bath):
    """QuTiP computes the quasi-energies, its own Fourier components and the Floquet–Markov
    tensor (rates 2 pi S(eps_a - eps_b + k Omega)|X|^2, so S = bath.rate / 2 pi); its
    steady state in the Floquet basis has our populations (1e-9)."""
    bath = BosonicBath(t_bath, OhmicSpectralDensity(1e-3, 5.0), "b")
    fm = silent(QUBIT, amplitude * SX, frequency, [(bath, SX)])
    omega = frequency
    basis = qutip.FloquetBasis(
        qutip.QobjEvo([QUBIT, [amplitude * SX, lambda t: np.cos(omega * t)]]),
        2 * np.pi / frequency, options={"atol": 1e-13, "rtol": 1e-12})
    tensor = qutip.floquet_tensor(basis, [SX], [lambda w: np.asarray(bath.rate(w)) / (2 * np.pi)],
                                  kmax=8)
    np.testing.assert_allclose(basis.e_quasi, fm.quasi_energies, atol=1e-9)
    reference = np.real(qutip.steadystate(tensor).diag())
    np.testing.assert_allclose(fm.solve().populations, reference, atol=1e-9)


def test_premise_warnings():
    hot, cold = hot_cold()
    with pytest.warns(PremiseWarning, match="sideband sum converged") as record:
        FloquetMarkov(QUBIT, 2.0 * SX, 1.0, [(hot, SX)], n_sidebands=2)
    assert record[0].message.values["relative_weight_at_edge"] > 1e-8
    with pytest.warns(PremiseWarning, match="Floquet secular") as record:
        FloquetMarkov(QUBIT, 1e-4 * SX, 1.0, [(hot, SX), (cold, SX)])  # Rabi gap < rates
    values = record[0].message.values
    assert values["max_rate"] > 0.1 * values["min_quasi_energy_gap"]


def test_refusals():
    hot, _ = hot_cold()
    sm = qutip.sigmam()
    with pytest.raises(ValueError, match="coupling operator of bath 'hot' must be Hermitian"):
        FloquetMarkov(QUBIT, SX, 1.0, [(hot, sm)])
    with pytest.raises(ValueError, match="drive"):
        FloquetMarkov(QUBIT, sm, 1.0, [(hot, SX)])
    with pytest.raises(ValueError, match="frequency"):
        FloquetMarkov(QUBIT, SX, -1.0, [(hot, SX)])
    with pytest.raises(ValueError, match="n_sidebands"):
        FloquetMarkov(QUBIT, SX, 1.0, [(hot, SX)], n_sidebands=0)
    fm = silent(QUBIT, 0.05 * SX, 1.0, [(hot, SX)])
    with pytest.raises(ValueError, match="populations"):
        fm.heat_currents([0.7, 0.7])
    with pytest.raises(ValueError, match="unknown bath"):
        fm.rate_matrix("cold")
