"""Pseudomode embedding (issue 13 item 3, issue 12's exact reference for Redfield): a
Lorentzian bath as damped modes inside the system."""

import warnings
from dataclasses import replace

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath, PseudomodeSpectralDensity
from qfridge.core.thermal import bose
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
    is 81 % below it: the modes are dressed and the qubit's line is split). The split line
    (+-0.2 at T = 0.15) is where the local residual's frozen n(Omega) fails: warned."""
    h, a = qutip.num(2), qutip.sigmax()
    couplings = [(lorentzian_bath("h", 0.3, 0.2), a), (lorentzian_bath("c", 0.15, 0.2), a)]
    emb = embed(h, couplings, levels=8)
    with pytest.warns(PremiseWarning, match="pseudomode thermal factor"):
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
    with pytest.raises(ValueError, match="residual must be one of"):
        embed(h, [(lorentzian_bath("h", 0.5, 0.1), qutip.sigmax())], residual="nonlocal")
    with pytest.raises(ValueError, match="max_excitations"):
        embed(h, [(lorentzian_bath("h", 0.5, 0.1), qutip.sigmax())], max_excitations=0)
    with pytest.raises(ValueError, match="rate_equation"):
        embed(h, [(lorentzian_bath("h", 0.5, 0.1), qutip.sigmax())]).rate_equation()
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


def test_global_residual_thermalises_the_polaritons_at_their_own_frequencies():
    """A resonator (1.0) exchange-coupled (g = 0.3 >> kappa = 0.02) to one resonant
    Lorentzian at T = 0.5: resonator and mode form polaritons at 0.7 and 1.3, each occupied
    at its own Bose factor, so <n> -> (n(0.7) + n(1.3)) / 2 = 0.2038 as kappa -> 0. The
    global residual gets it (2e-6); the local residual keeps n(1.0) = 0.1565 (-23 %) and
    says so."""
    a = qutip.destroy(12)
    bath = [(lorentzian_bath("b", 0.5, 0.3, kappa=0.02), a)]
    polaritons = 0.5 * (bose(0.7, 0.5) + bose(1.3, 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        glob = embed(a.dag() * a, bath, levels=12, residual="global", max_excitations=11)
        assert glob.expect(a.dag() * a) == pytest.approx(polaritons, rel=1e-4)
    local = embed(a.dag() * a, bath, levels=12, max_excitations=11)
    with pytest.warns(PremiseWarning, match="pseudomode thermal factor") as rec:
        n_local = local.expect(a.dag() * a)
    assert n_local == pytest.approx(bose(1.0, 0.5), rel=1e-6)
    found = [w.message for w in rec if w.message.premise == "pseudomode thermal factor"]
    assert found[0].values["relative_change"] > 1.0


def test_global_residual_has_no_current_at_equal_temperatures():
    """Seed 004's detuned L and R filters on one qubit, both baths at T = 1: the local
    residual drives heat from L to R (previous test); the global residual's rates obey
    detailed balance at every Bohr frequency, so every current vanishes to rounding."""
    a = qutip.sigmax()
    same = [(lorentzian_bath("L", 1.0, 0.3, omega=2.0, kappa=0.08), a),
            (lorentzian_bath("R", 1.0, 0.3, omega=2.2, kappa=0.088), a)]
    emb = embed(2.0 * qutip.num(2), same, levels=10, residual="global")
    currents = emb.heat_currents()
    assert max(abs(j) for j in currents.values()) < 1e-14
    hot = [(replace(same[0][0], temperature=1.3), a), same[1]]
    th = embed(2.0 * qutip.num(2), hot, levels=10, residual="global").thermodynamics()
    assert th.currents["L"] > 0 and abs(th.energy_balance) < 1e-12 * th.scale
    assert th.entropy_production > 0


def test_global_residual_refuses_silence_when_its_secular_premise_fails():
    """Weak coupling (g = 0.02 << kappa = 0.2), a qubit resonant with two modes: the
    extended levels are 2g apart, far inside the residual width, and the Pauli equation
    over them carries heat straight between the modes: 0.0036 against the exact weak-coupling
    value 1.4e-4 (25x). The first-order coherence estimate (0.75) says so."""
    h, a = qutip.num(2), qutip.sigmax()
    g = 0.02
    couplings = [(lorentzian_bath("h", 0.3, g), a), (lorentzian_bath("c", 0.15, g), a)]
    with pytest.warns(PremiseWarning, match="pseudomode secular residual") as rec:
        emb = embed(h, couplings, levels=6, residual="global")
        j = emb.heat_currents()["h"]
    k = 4 * g**2 / 0.2
    assert j > 10 * qubit_two_bath_current(1.0, k, k, 0.3, 0.15)
    found = [w.message for w in rec if w.message.premise == "pseudomode secular residual"]
    assert found[0].values["coherence"] > 0.5


def test_rotating_wave_coupling_conserves_excitations():
    """A non-Hermitian system operator couples by exchange, g(a^dag c + c^dag a): the
    extended Hamiltonian splits into excitation-number blocks (one per number kept), and
    the local and global residuals agree where both premises hold (polaritons split by
    2g = 0.02 >> kappa = 0.001, and by much less than T = 0.3)."""
    a = qutip.destroy(6)
    bath = [(lorentzian_bath("b", 0.3, 0.01, kappa=0.001), a)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        glob = embed(a.dag() * a, bath, levels=6, residual="global", max_excitations=5)
        _, blocks = glob._eigen()
        assert len(blocks) == 6
        n_local = embed(a.dag() * a, bath, levels=6, max_excitations=5).expect(a.dag() * a)
        assert glob.expect(a.dag() * a) == pytest.approx(n_local, rel=1e-3)
