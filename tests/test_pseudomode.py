"""Pseudomode embedding (issue 13 item 3, issue 12's exact reference for Redfield): a
Lorentzian bath as damped modes inside the system."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath, PseudomodeSpectralDensity
from qfridge.core.validity import PremiseWarning
from qfridge.engines.lindblad import MasterEquation
from qfridge.engines.pseudomode import embed
from qfridge.engines.redfield import Redfield
from systems import qubit_two_bath_current


def lorentzian_bath(name, temperature, g, omega=1.0, kappa=0.2):
    return BosonicBath(temperature, PseudomodeSpectralDensity([(g, omega, kappa)]), name=name)


def bath_correlation(density, times):
    """C(t) = int_0^inf K(w) e^{-iwt} dw / 2 pi at T = 0, on a fine grid."""
    w = np.linspace(1e-6, 20.0, 200_001)
    return np.trapezoid(density(w) * np.exp(-1j * np.outer(times, w)), w, axis=1) / (2 * np.pi)


def test_mode_reproduces_the_bath_correlation_function():
    """T = 0: the damped mode's <X(t)X(0)> (QuTiP, X = g(a + a^dag)) equals the bath's C(t)
    up to the Lorentzian's tail below omega = 0, which the mode carries and K does not:
    the difference falls with kappa/Omega (0.05 -> 0.01). (At T > 0 a Lorentzian that stays
    finite at omega -> 0 has an infrared-divergent thermal part, ~K(0) T ln(1/omega_min):
    the mapping is then judged by the currents it gives, next test.)"""
    g, omega = 0.1, 1.0
    times = np.linspace(0.0, 20.0, 21)
    errors = []
    for kappa in (0.05, 0.01):
        density = PseudomodeSpectralDensity([(g, omega, kappa)])
        a = qutip.destroy(4)
        x = g * (a + a.dag())
        mode = qutip.correlation_2op_1t(omega * a.dag() * a, None, times,
                                        [np.sqrt(kappa) * a], x, x)
        errors.append(np.max(np.abs(mode - bath_correlation(density, times))) / g**2)
    assert errors[1] < 0.01
    assert errors[1] < 0.5 * errors[0]


def test_weak_coupling_limit_is_the_global_master_equation():
    """A qubit between two Lorentzian baths, resonant with both modes: as g -> 0 the
    embedded currents approach the global form's (seed 003 Eq. 26 with K = 4g^2/kappa):
    -4.3 % at g = 0.02, -0.5 % at g = 0.005."""
    h, a = qutip.num(2), qutip.sigmax()
    diffs = []
    for g in (0.02, 0.005):
        couplings = [(lorentzian_bath("h", 0.3, g), a), (lorentzian_bath("c", 0.15, g), a)]
        emb = embed(h, couplings, levels=6)
        exact = emb.heat_currents()["h"]
        k = 4 * g**2 / 0.2
        closed = qubit_two_bath_current(1.0, k, k, 0.3, 0.15)
        glob = MasterEquation.global_secular(h, couplings)
        assert glob.heat_currents(glob.solve().rho)["h"] == pytest.approx(closed, rel=1e-10)
        diffs.append(abs(exact - closed) / closed)
    assert diffs[1] < 0.01 and diffs[1] < diffs[0]


def test_strong_coupling_balance_and_departure_from_weak_coupling():
    """g = kappa: energy is conserved exactly in the embedded machine (sum J = 0), the
    second law holds, and the weak-coupling (global) current is far off (the embedded one
    is 81 % below it: the modes are dressed and the qubit's line is split)."""
    h, a = qutip.num(2), qutip.sigmax()
    couplings = [(lorentzian_bath("h", 0.3, 0.2), a), (lorentzian_bath("c", 0.15, 0.2), a)]
    emb = embed(h, couplings, levels=8)
    th = emb.thermodynamics()
    assert abs(th.energy_balance) < 1e-10 * th.scale
    assert th.entropy_production > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)   # the global form is stretched
        glob = MasterEquation.global_secular(h, couplings)
    j_glob = glob.heat_currents(glob.solve().rho)["h"]
    assert abs(j_glob - th.currents["h"]) > 0.2 * abs(th.currents["h"])


def test_redfield_against_the_exact_pseudomode_reference():
    """Two qubits 0.004 apart (exchange 0.002) with rates ~0.002: the secular form is 26 %
    off the exact (embedded) current, Redfield 0.7 % (issue 12's Redfield test)."""
    sm1 = qutip.tensor(qutip.destroy(2), qutip.qeye(2))
    sm2 = qutip.tensor(qutip.qeye(2), qutip.destroy(2))
    h = sm1.dag() * sm1 + sm2.dag() * sm2 + 0.002 * (sm1.dag() * sm2 + sm2.dag() * sm1)
    couplings = [(lorentzian_bath("h", 0.3, 0.01), sm1 + sm1.dag()),
                 (lorentzian_bath("c", 0.15, 0.01), sm2 + sm2.dag())]
    embedded = embed(h, couplings, levels=6)
    assert embedded.check_equilibrium() < 1e-6     # resonant modes: the mapping holds at T > 0
    exact = embedded.heat_currents()["h"]
    rf = Redfield(h, couplings)
    j_rf = rf.heat_currents(rf.solve())["h"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        glob = MasterEquation.global_secular(h, couplings)
    j_glob = glob.heat_currents(glob.solve().rho)["h"]
    assert abs(j_rf - exact) < 0.01 * exact
    assert abs(j_glob - exact) > 0.2 * exact


def test_truncation_is_warned_and_convergence_measured():
    h, a = qutip.num(2), qutip.sigmax()
    hot = [(lorentzian_bath("h", 2.0, 0.02), a)]       # n(1) = 1.5: 4 levels are too few
    with pytest.warns(PremiseWarning, match="pseudomode truncation"):
        embed(h, hot, levels=4).solve()
    cold = [(lorentzian_bath("h", 0.3, 0.02), a), (lorentzian_bath("c", 0.15, 0.02), a)]
    ok, change = embed(h, cold, levels=6).converged()
    assert ok and change < 1e-5


def test_refusals():
    h = qutip.num(2)
    with pytest.raises(ValueError, match="needs a PseudomodeSpectralDensity"):
        embed(h, [(BosonicBath(1.0, 0.01, name="flat"), qutip.sigmax())])
    with pytest.raises(ValueError, match="one number per mode"):
        embed(h, [(lorentzian_bath("h", 0.5, 0.1), qutip.sigmax())], levels=[4, 4])
    with pytest.raises(ValueError, match="must be Hermitian"):
        embed(h, [(lorentzian_bath("h", 0.5, 0.1), qutip.destroy(2))])
    with pytest.raises(ValueError, match="pseudomode width"):
        PseudomodeSpectralDensity([(0.1, 1.0, 0.0)])


def test_equilibrium_check_passes_on_resonance_and_catches_detuned_modes():
    """At equal temperatures every current must vanish. Resonant modes: it does (the
    mapping is consistent). Two modes at 2.0 and 2.2 on one qubit at 2.0 (seed 004
    Fig. 10's L and R filters), T = 1: the qubit samples R's tail, where R's damping
    gives n(2.2) instead of n(2.0), and heat circulates L -> R: warned with the numbers."""
    h, a = qutip.num(2), qutip.sigmax()
    resonant = [(lorentzian_bath("h", 0.3, 0.02), a), (lorentzian_bath("c", 0.15, 0.02), a)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        assert embed(h, resonant, levels=6).check_equilibrium() < 1e-9
    detuned = [(lorentzian_bath("L", 1.3, 0.3, omega=2.0, kappa=0.08), a),
               (lorentzian_bath("R", 1.0, 0.3, omega=2.2, kappa=0.088), a)]
    emb = embed(2.0 * h, detuned, levels=10)
    with pytest.warns(PremiseWarning, match="pseudomode thermal factor") as rec:
        ratio = emb.check_equilibrium()
    assert ratio > 0.01
    found = [w.message for w in rec if w.message.premise == "pseudomode thermal factor"]
    assert found[0].values["equilibrium_current"] > 0
