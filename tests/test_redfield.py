"""Bloch–Redfield engine: secular limit, energy balance, Gibbs state, the near-degenerate
case where the secular approximation fails, the positivity report, refusals."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath, OhmicSpectralDensity
from qfridge.core.validity import PremiseWarning
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.engines.redfield import Redfield
from systems import gibbs

SM1 = qutip.tensor(qutip.sigmam(), qutip.qeye(2))
SM2 = qutip.tensor(qutip.qeye(2), qutip.sigmam())


def two_qubits(g, coupling, detuning=0.0, t_hot=1.0, t_cold=0.2):
    """Two exchange-coupled qubits (1 and 1 + detuning), each with its own Ohmic bath."""
    h = SM1.dag() * SM1 + (1.0 + detuning) * SM2.dag() * SM2 \
        + g * (SM1.dag() * SM2 + SM2.dag() * SM1)
    hot = BosonicBath(t_hot, OhmicSpectralDensity(coupling, 5.0), "hot")
    cold = BosonicBath(t_cold, OhmicSpectralDensity(coupling, 5.0), "cold")
    return h, [(hot, SM1 + SM1.dag()), (cold, SM2 + SM2.dag())]


def global_secular(h, couplings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)  # (d) is built to violate them
        me = MasterEquation.global_secular(h, couplings)
    return me, me.solve().rho


def spectrum(bath):
    """QuTiP's noise spectrum: S(w > 0) is the emission rate, as bath.rate (checked in the
    secular-limit test below through the agreement of the whole generator)."""
    return lambda w: float(bath.rate(w))


def test_secular_limit_difference_scales_with_coupling():
    """Gap between Bohr frequencies 2g = 0.2 >> rates: Redfield -> global secular, the
    state's trace distance is ∝ the coupling (0.0151, 0.00148, 0.000147)."""
    distances, current_errors = [], []
    for coupling in (1e-2, 1e-3, 1e-4):
        h, couplings = two_qubits(0.1, coupling)
        rf = Redfield(h, couplings)
        state = rf.solve()
        me, rho = global_secular(h, couplings)
        distances.append((state.rho - rho).norm("tr"))
        j_rf, j_me = rf.heat_currents(state), me.heat_currents(rho)
        current_errors.append(max(abs(j_rf[b] - j_me[b]) / abs(j_me[b]) for b in j_me))
    distances = np.array(distances)
    np.testing.assert_allclose(distances[:-1] / distances[1:], 10.0, rtol=0.05)
    assert distances[-1] < 2e-4
    assert current_errors[0] < 1e-2 and current_errors[-1] < 1e-6


def test_generator_matches_qutip_bloch_redfield_tensor():
    """Independent implementation: QuTiP's non-secular tensor (sec_cutoff=-1), same bath
    rates, gives the same generator (1e-17) — this also fixes the spectrum sign."""
    h, couplings = two_qubits(0.005, 1e-2, t_cold=0.0)
    rf = Redfield(h, couplings)
    ref = qutip.bloch_redfield_tensor(h, [(a, spectrum(b)) for b, a in couplings],
                                      sec_cutoff=-1, fock_basis=True)
    assert np.max(np.abs((ref - rf.liouvillian()).full())) < 1e-14
    parts = sum((rf.dissipator(b.name) for b, _ in couplings), qutip.liouvillian(h))
    assert np.max(np.abs((parts - rf.liouvillian()).full())) < 1e-14


def test_energy_balance_in_steady_state():
    for g, detuning in ((0.1, 0.0), (0.005, 0.0), (0.2, 0.1)):
        h, couplings = two_qubits(g, 1e-2, detuning)
        rf = Redfield(h, couplings)
        state = rf.solve()
        currents = rf.heat_currents(state)
        assert currents["hot"] > 0 > currents["cold"]
        assert abs(sum(currents.values())) < 1e-10 * abs(currents["hot"])
        assert rf.energy_balance_residual(state) < 1e-10


def test_single_thermal_bath_gives_gibbs():
    """Without the Lamb shift the Gibbs state is an exact zero of a Redfield dissipator
    whose rates obey detailed balance (Lambda rho_G = rho_G Lambda^dagger), so the check
    is tight: 1e-10 at weak coupling and still at a stronger one."""
    h, (hot, _) = two_qubits(0.05, 1e-3)
    a = SM1 + SM1.dag() + 0.3 * (SM2 + SM2.dag()) + 0.2 * qutip.tensor(qutip.sigmaz(),
                                                                          qutip.sigmaz())
    for strength in (1e-3, 0.1):
        bath = BosonicBath(0.4, OhmicSpectralDensity(strength, 5.0), "only")
        rf = Redfield(h, [(bath, a)])
        state = rf.solve()
        assert (state.rho - gibbs(h, 0.4)).norm("tr") < 1e-10
        assert abs(rf.heat_currents(state)["only"]) < 1e-12


def test_near_degenerate_redfield_beats_global_secular():
    """g = 0.005 < rates: the two single-excitation levels are 0.01 apart, the secular
    approximation fails. As g -> 0 the qubits decouple and the current must vanish;
    the global secular form keeps 1.48e-3 (its incoherent hopping ignores g), Redfield
    gives 6.0e-4 and agrees with (i) the local Lindblad form, derived independently and
    valid for g << omega (to 3e-5 relative), (ii) QuTiP's Bloch–Redfield steady state."""
    h, couplings = two_qubits(0.005, 1e-2)
    rf = Redfield(h, couplings)
    state = rf.solve()
    j_rf = rf.heat_currents(state)["hot"]
    me, rho = global_secular(h, couplings)
    j_secular = me.heat_currents(rho)["hot"]
    assert j_secular > 2.0 * j_rf
    assert (state.rho - rho).norm("tr") > 0.2
    (hot, _), (cold, _) = couplings
    local = MasterEquation.local(h, [(hot, Transition(SM1, 1.0)), (cold, Transition(SM2, 1.0))])
    j_local = local.heat_currents(local.solve().rho)["hot"]
    assert abs(j_rf - j_local) < 1e-4 * abs(j_local)
    ref = qutip.steadystate(qutip.bloch_redfield_tensor(
        h, [(a, spectrum(b)) for b, a in couplings], sec_cutoff=-1, fock_basis=True))
    assert (ref - state.rho).norm("tr") < 1e-10
    # the secular error does not go away with g: at g = 0.002 Redfield's current is 4.1x
    # smaller (g^2 / (g^2 + rate^2)-like: between 2.5 and 6.25), the secular one unchanged
    h2, couplings2 = two_qubits(0.002, 1e-2)
    rf2 = Redfield(h2, couplings2)
    j_rf2 = rf2.heat_currents(rf2.solve())["hot"]
    me2, rho2 = global_secular(h2, couplings2)
    assert 0.005 / 0.002 < j_rf / j_rf2 < (0.005 / 0.002) ** 2
    assert me2.heat_currents(rho2)["hot"] == pytest.approx(j_secular, rel=1e-3)


def test_positivity_report():
    """Strong coupling (rates ~ omega), hot 0.3 / cold 0: most negative eigenvalue
    -3.5e-4, reported and warned; the weak-coupling version is positive, silent."""
    h, couplings = two_qubits(0.2, 1.0, detuning=0.1, t_hot=0.3, t_cold=0.0)
    with pytest.warns(PremiseWarning, match="positive Redfield steady state") as record:
        state = Redfield(h, couplings).solve()
    assert state.min_eigenvalue < -1e-4 and not state.positive
    assert state.info.min_eigenvalue == state.min_eigenvalue
    assert record[0].message.values["min_eigenvalue"] == state.min_eigenvalue
    h, couplings = two_qubits(0.2, 1e-2, detuning=0.1, t_hot=0.3, t_cold=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        weak = Redfield(h, couplings).solve()
    assert weak.positive and weak.min_eigenvalue > 0


def test_refusals():
    h, ((hot, _), _) = two_qubits(0.1, 1e-2)
    with pytest.raises(ValueError, match="coupling operator of bath 'hot' must be Hermitian"):
        Redfield(h, [(hot, SM1)])
    with pytest.raises(ValueError, match="share the name"):
        Redfield(h, [(hot, SM1 + SM1.dag()), (hot, SM2 + SM2.dag())])
    with pytest.raises(ValueError, match="must pair a bath"):
        Redfield(h, [(1.0, SM1 + SM1.dag())])
    rf = Redfield(h, [(hot, SM1 + SM1.dag())])
    with pytest.raises(ValueError, match="unit trace"):
        rf.heat_currents(2 * gibbs(h, 1.0))
    with pytest.raises(ValueError, match="unknown bath"):
        rf.dissipator("cold")
