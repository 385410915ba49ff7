"""Thermodynamics of any machine: entropy production, work, efficiency, COP and bounds
(issue 12), against closed forms and across engines."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath, WorkReservoir
from qfridge.core.thermal import bose
from qfridge.core.validity import PremiseWarning
from qfridge.engines.collective import CollectiveRateEquation, DickeBath, full_space_system
from qfridge.engines.fcs import current_cumulants, rate_cumulants
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.engines.rates import RateEquation
from qfridge.engines.thermo import ModeError, Thermodynamics
from systems import qubit_two_bath_current


def three_level(omega_c, omega_h, hot, cold, third):
    """Levels 0, omega_c, omega_h: ``hot`` on 0-2, ``cold`` on 0-1, ``third`` on 1-2
    (Scovil–Schulz-DuBois)."""
    h = qutip.Qobj(np.diag([0.0, omega_c, omega_h]))

    def pair(i, j):
        return qutip.basis(3, i) * qutip.basis(3, j).dag()

    return MasterEquation.global_secular(
        h, [(hot, pair(0, 2) + pair(2, 0)), (cold, pair(0, 1) + pair(1, 0)),
            (third, pair(1, 2) + pair(2, 1))])


def test_three_level_maser_efficiency_is_scovil_schulz_dubois():
    """Global form with a work reservoir (T = inf) on the lasing transition: eta =
    1 - omega_c/omega_h exactly (one hot quantum per emitted photon), below Carnot."""
    omega_c, omega_h, t_c, t_h = 1.0, 3.0, 0.5, 10.0
    me = three_level(omega_c, omega_h, BosonicBath(t_h, 0.01, name="hot"),
                     BosonicBath(t_c, 0.01, name="cold"), WorkReservoir(0.01, name="field"))
    th = me.thermodynamics()
    assert th.work_reservoirs == ["field"] and th.mode == "engine"
    assert th.power_output == pytest.approx(-th.currents["field"], rel=1e-12)
    assert th.efficiency() == pytest.approx(1 - omega_c / omega_h, rel=1e-10)
    assert th.efficiency() <= th.carnot_bound() == pytest.approx(1 - t_c / t_h)
    assert th.entropy_production > 0
    assert abs(th.energy_balance) < 1e-12 * th.scale
    # the same machine in the Pauli limit and in the local form (no interaction: all equal)
    pauli = me.rate_equation().thermodynamics()
    assert pauli.efficiency() == pytest.approx(th.efficiency(), rel=1e-10)
    assert pauli.entropy_production == pytest.approx(th.entropy_production, rel=1e-8)


def test_maser_below_threshold_is_refused_as_an_engine_and_cools_as_a_refrigerator():
    """Without inversion (hot bath too cold) the work reservoir drives the machine: it is
    a refrigerator with COP = omega_c/(omega_h - omega_c) below T_c/(T_h - T_c)."""
    omega_c, omega_h, t_c, t_h = 1.0, 3.0, 1.0, 1.2
    me = three_level(omega_c, omega_h, BosonicBath(t_h, 0.01, name="hot"),
                     BosonicBath(t_c, 0.01, name="cold"), WorkReservoir(0.01, name="field"))
    th = me.thermodynamics()
    assert th.mode == "refrigerator"
    with pytest.raises(ModeError, match="delivers no work"):
        th.efficiency()
    assert th.cop() == pytest.approx(omega_c / (omega_h - omega_c), rel=1e-10)
    assert th.cop() <= th.carnot_bound("refrigerator") == pytest.approx(t_c / (t_h - t_c))


def test_absorption_refrigerator_cop_and_its_bound():
    """Three baths, no work: COP = J_c/J_hot = omega_c/(omega_h - omega_c) and the
    absorption bound (1 - T_r/T_d)/(T_r/T_c - 1)."""
    omega_c, omega_h, t_c, t_r, t_d = 1.0, 3.0, 1.0, 1.1, 20.0
    me = three_level(omega_c, omega_h, BosonicBath(t_r, 0.01, name="room"),
                     BosonicBath(t_c, 0.01, name="cold"), BosonicBath(t_d, 0.01, name="drive"))
    th = me.thermodynamics()
    assert th.mode == "refrigerator" and th.work_reservoirs == []
    assert th.cop() == pytest.approx(omega_c / (omega_h - omega_c), rel=1e-10)
    bound = (1 - t_r / t_d) / (t_r / t_c - 1)
    assert th.carnot_bound() == pytest.approx(bound, rel=1e-12)
    assert th.cop() <= bound


def test_qubit_between_two_baths_entropy_production_closed_form_every_engine():
    """sigma = J (1/T_c - 1/T_h) with J of seed 003 Eq. 26 (N = 1): global and local
    Lindblad, Pauli, batched Pauli and the collective engine agree."""
    omega, g_h, g_c, t_h, t_c = 1.0, 0.02, 0.03, 2.0, 0.5
    hot, cold = BosonicBath(t_h, g_h, name="h"), BosonicBath(t_c, g_c, name="c")
    j = qubit_two_bath_current(omega, g_h, g_c, t_h, t_c)
    sigma = j * (1 / t_c - 1 / t_h)
    h, sm = omega * qutip.num(2), qutip.destroy(2)
    glob = MasterEquation.global_secular(h, [(hot, sm + sm.dag()), (cold, sm + sm.dag())])
    local = MasterEquation.local(h, [(hot, Transition(sm, omega)), (cold, Transition(sm, omega))])
    coll = CollectiveRateEquation(1, omega, [
        DickeBath.thermal("h", g_h, bose(omega, t_h)), DickeBath.thermal("c", g_c, bose(omega,
                                                                                       t_c))])
    for th in (glob.thermodynamics(), local.thermodynamics(),
               glob.rate_equation().thermodynamics(), coll.thermodynamics()):
        assert float(th.currents["h"]) == pytest.approx(j, rel=1e-10)
        assert th.entropy_production == pytest.approx(sigma, rel=1e-10)
        assert th.mode == "dissipator"
        with pytest.raises(ModeError, match="not cooled"):
            th.cop()
    assert coll.temperatures["h"] == pytest.approx(t_h, rel=1e-12)


def test_batched_pauli_thermodynamics_equals_single_problems():
    """A (K,)-batch of the three-level machine gives per point what K single calls give;
    points that are not engines are NaN in the batch (and refused singly)."""
    temps = np.array([0.9, 1.2, 1.4, 2.0, 5.0, 11.0])   # lasing needs T_h > 1.5 T_c = 0.75
    singles, matrices = [], []
    for t_h in temps:
        me = three_level(1.0, 3.0, BosonicBath(t_h, 0.01, name="hot"),
                         BosonicBath(0.5, 0.01, name="cold"), WorkReservoir(0.01, name="field"))
        req = me.rate_equation()
        singles.append(req.thermodynamics())
        matrices.append(req.rates)
    batch = RateEquation(req.energies, {b: np.stack([m[b] for m in matrices])
                                        for b in req.rates},
                         {**req.temperatures, "hot": temps}).thermodynamics()
    eta = batch.efficiency()
    for k, th in enumerate(singles):
        assert batch.entropy_production[k] == pytest.approx(th.entropy_production, rel=1e-10)
        if th.mode == "engine":
            assert eta[k] == pytest.approx(th.efficiency(), rel=1e-10)
        else:
            assert np.isnan(eta[k])
    assert {"engine", "refrigerator"} <= set(batch.mode)


@pytest.mark.parametrize("n_qubits", [2, 3, 4])
def test_collective_engine_thermodynamics_equals_full_space(n_qubits):
    """Dicke engine vs the full 2^N Lindblad: same currents, sigma, noise and third
    cumulant (one collective and one local bath: a unique steady state)."""
    baths = [DickeBath.thermal("h", 0.02, bose(1.0, 3.0)),
             DickeBath.thermal("c", 0.01, bose(1.0, 0.4), collective=False)]
    coll = CollectiveRateEquation(n_qubits, 1.0, baths)
    me, _ = full_space_system(n_qubits, 1.0, baths)
    full = MasterEquation(me.hamiltonian, me.jumps, temperatures=coll.temperatures)
    a, b = coll.thermodynamics(), full.thermodynamics()
    assert a.entropy_production == pytest.approx(b.entropy_production, rel=1e-8)
    for bath in ("h", "c"):
        assert a.currents[bath] == pytest.approx(b.currents[bath], rel=1e-8)
        # counting statistics: the Dicke-level rate process vs the tilted full Liouvillian
        dicke = rate_cumulants(coll.rate_equation(), bath)
        lindblad = current_cumulants(full, bath)
        assert float(dicke.noise) == pytest.approx(lindblad.noise, rel=1e-10)
        assert float(dicke.third) == pytest.approx(lindblad.third, rel=1e-9)


def two_qubits(omega2, g, t1=1.0, t2=1.2):
    sm = [qutip.tensor(qutip.destroy(2), qutip.qeye(2)),
          qutip.tensor(qutip.qeye(2), qutip.destroy(2))]
    h = sm[0].dag() * sm[0] + omega2 * sm[1].dag() * sm[1] \
        + g * (sm[0].dag() * sm[1] + sm[1].dag() * sm[0])
    return MasterEquation.local(h, [(BosonicBath(t1, 0.01, name="a"), Transition(sm[0], 1.0)),
                                    (BosonicBath(t2, 0.01, name="b"), Transition(sm[1], omega2))])


@pytest.mark.parametrize("g", [0.001, 0.05, 0.2])
def test_local_form_second_law_violation_is_reported_where_it_starts(g):
    """Local master equation of two exchange-coupled qubits (omega_1 = 1, T_1 = 1 < T_2 =
    1.2): its currents Tr[H D_b rho] follow the occupations n_1(omega_1) - n_2(omega_2),
    so heat runs from the colder bath to the hotter one exactly when omega_2/T_2 >
    omega_1/T_1 (Levy & Kosloff 2014) — at every coupling g, with sigma/J independent of
    g. The check reports it there and only there; Spohn's form stays >= 0."""
    onset = 1.2   # omega_2 = omega_1 T_2/T_1
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        below = two_qubits(onset - 0.05, g).thermodynamics()
    assert below.entropy_production > 0
    with pytest.warns(PremiseWarning, match="second law") as record:
        above = two_qubits(onset + 0.05, g).thermodynamics()
    assert above.entropy_production < 0 and above.spohn_entropy_production > 0
    assert all(v >= -1e-15 for v in above.spohn.values())
    assert record[0].message.values["spohn_entropy_production"] > 0
    # sigma / J_a is -(1/T_1 - 1/T_2) whatever g: energy leaves bath a and enters b
    assert above.entropy_production / above.currents["a"] == pytest.approx(
        -(1 / 1.0 - 1 / 1.2), rel=1e-6)
    at = two_qubits(onset, g).thermodynamics(check=False)
    assert abs(float(at.currents["a"])) < 1e-12


def test_damped_oscillator_premise_check_has_no_false_alarm_at_any_truncation():
    """Issue 12: K = 0.005, omega = 1, T = 1 (rates ~ 0.008): no warning at N = 5, 20, 60;
    the same oscillator at K = 0.05 and a qubit with gamma = omega/2 are warned."""
    for n in (5, 20, 60):
        a = qutip.destroy(n)
        with warnings.catch_warnings():
            warnings.simplefilter("error", PremiseWarning)
            MasterEquation.global_secular(a.dag() * a, [(BosonicBath(1.0, 0.005), a + a.dag())])
    a = qutip.destroy(60)
    with pytest.warns(PremiseWarning, match="weak coupling") as rec:
        MasterEquation.global_secular(a.dag() * a, [(BosonicBath(1.0, 0.05), a + a.dag())])
    assert rec[0].message.values["mean_linewidth"] == pytest.approx(0.1285, rel=1e-3)
    with pytest.warns(PremiseWarning, match="weak coupling"):
        MasterEquation.global_secular(qutip.sigmaz() / 2, [(BosonicBath(0.0, 0.5),
                                                            qutip.sigmax())])


def test_secular_premise_compares_with_gaps_of_transitions_that_carry_weight():
    """Two near-degenerate transitions (gap 0.01) both populated: the secular premise fires
    at rates 0.01; with one of them unreachable (no coupling) it does not."""
    h = qutip.Qobj(np.diag([0.0, 1.0, 1.01]))
    x01 = qutip.basis(3, 0) * qutip.basis(3, 1).dag()
    x02 = qutip.basis(3, 0) * qutip.basis(3, 2).dag()
    with pytest.warns(PremiseWarning, match="secular") as rec:
        MasterEquation.global_secular(h, [(BosonicBath(1.0, 0.01), x01 + x02 + (x01 + x02).dag())])
    assert rec[-1].message.values["min_bohr_gap"] == pytest.approx(0.01, rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        MasterEquation.global_secular(h, [(BosonicBath(1.0, 0.01), x01 + x01.dag())],
                                      check=True)


def test_local_premise_fires_for_strongly_coupled_chain_not_weakly():
    """3-qubit XX chain (omega = 1) between baths at T = 2 and 0.5: the local form's own
    premise (bath rates flat over the interaction's splitting) fires at g = 2 and is
    silent at g = 0.05."""
    sm = [qutip.tensor(*[qutip.destroy(2) if k == j else qutip.qeye(2) for k in range(3)])
          for j in range(3)]

    def build(g):
        h = sum(s.dag() * s for s in sm) + g * sum(
            sm[j].dag() * sm[j + 1] + sm[j + 1].dag() * sm[j] for j in range(2))
        return MasterEquation.local(h, [(BosonicBath(2.0, 0.01, name="h"),
                                         Transition(sm[0], 1.0)),
                                        (BosonicBath(0.5, 0.01, name="c"),
                                         Transition(sm[2], 1.0))])

    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        build(0.05)
    with pytest.warns(PremiseWarning) as rec:
        build(2.0)
    premises = {w.message.premise for w in rec}
    assert "local form (bath rates flat over the interaction's splitting)" in premises


def test_thermodynamics_refuses_bad_input_and_unknown_temperatures():
    with pytest.raises(ValueError, match="no temperature for bath"):
        Thermodynamics({"h": 1.0}, {"c": 1.0})
    with pytest.raises(ValueError, match="must be >= 0"):
        Thermodynamics({"h": 1.0}, {"h": -1.0})
    with pytest.raises(ValueError, match="current of bath 'h'"):
        Thermodynamics({"h": np.nan}, {"h": 1.0})
    me = MasterEquation(qutip.num(2), {})
    with pytest.raises(ValueError, match="temperatures are unknown"):
        me.thermodynamics(qutip.fock_dm(2, 0))
    th = Thermodynamics({"h": 1.0, "c": -1.0}, {"h": 2.0, "c": 1.0})
    with pytest.raises(ValueError, match="cold must be one of"):
        th.cop("x")
    with pytest.raises(ValueError, match="mode must be"):
        th.carnot_bound("pump")


def test_driven_power_enters_the_balance_and_the_efficiency():
    """An external drive's power (Floquet engines pass it): P_in = -sum J in a steady
    state; a machine that receives power and cools the cold bath has COP = J_c/P_in."""
    th = Thermodynamics({"h": -3.0, "c": 1.0}, {"h": 2.0, "c": 1.0}, power=2.0)
    assert th.energy_balance == 0.0 and th.work_input == 2.0
    assert th.cop() == pytest.approx(0.5)
    assert th.carnot_bound("refrigerator") == pytest.approx(1.0 / (2.0 - 1.0))
    assert th.entropy_production == pytest.approx(3.0 / 2.0 - 1.0)


def test_floquet_driven_qubit_thermodynamics():
    """A driven qubit between two baths (Floquet–Markov): the drive's power closes the
    energy balance to 1e-10, sigma >= 0; a resonant drive only heats (dissipator, power
    in); an undriven machine has P = 0 and the static global form's sigma."""
    from qfridge.core.baths import OhmicSpectralDensity
    from qfridge.engines.floquet import FloquetMarkov

    hot = BosonicBath(2.0, OhmicSpectralDensity(1e-3, 5.0), "hot")
    cold = BosonicBath(0.3, OhmicSpectralDensity(1e-3, 5.0), "cold")
    qubit, sx = 0.5 * qutip.sigmaz(), qutip.sigmax()
    th = FloquetMarkov(qubit, 0.05 * sx, 1.0, [(hot, sx), (cold, sx)]).thermodynamics()
    assert abs(th.energy_balance) < 1e-10 * th.scale
    assert th.work_input > 0 and th.mode == "dissipator" and th.entropy_production > 0
    with pytest.raises(ModeError, match="delivers no work"):
        th.efficiency()
    undriven = FloquetMarkov(qubit, 0 * sx, 1.37, [(hot, sx), (cold, sx)]).thermodynamics()
    static = MasterEquation.global_secular(qubit, [(hot, sx), (cold, sx)]).thermodynamics()
    assert abs(undriven.work_input) < 1e-14
    assert undriven.entropy_production == pytest.approx(static.entropy_production, rel=1e-8)


def test_redfield_thermodynamics_tends_to_the_global_secular_one():
    """Two exchange-coupled qubits (gap 0.2 >> rates 1e-4): Redfield's sigma is the global
    form's to 1e-5 relative; both positive."""
    from qfridge.core.baths import OhmicSpectralDensity
    from qfridge.engines.redfield import Redfield

    sm = [qutip.tensor(qutip.destroy(2), qutip.qeye(2)),
          qutip.tensor(qutip.qeye(2), qutip.destroy(2))]
    h = sum(s.dag() * s for s in sm) + 0.1 * (sm[0].dag() * sm[1] + sm[1].dag() * sm[0])
    couplings = [(BosonicBath(1.0, OhmicSpectralDensity(1e-4, 5.0), "hot"), sm[0] + sm[0].dag()),
                 (BosonicBath(0.2, OhmicSpectralDensity(1e-4, 5.0), "cold"), sm[1] + sm[1].dag())]
    rf = Redfield(h, couplings).thermodynamics()
    glob = MasterEquation.global_secular(h, couplings).thermodynamics()
    assert rf.entropy_production > 0
    assert rf.entropy_production == pytest.approx(glob.entropy_production, rel=1e-5)
