import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath, OhmicSpectralDensity
from qfridge.core.validity import PremiseViolation, PremiseWarning, strict_premises
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.engines.rates import steady_state
from systems import gibbs, qubit_two_bath_current, random_four_level


def _qubit(omega=1.3):
    return 0.5 * omega * qutip.sigmaz(), qutip.sigmam(), qutip.sigmax()


def _oscillator(omega=0.9, n=12):
    a = qutip.destroy(n)
    return omega * a.dag() * a, a, a + a.dag()


@pytest.mark.parametrize("system", ["qubit", "oscillator"])
@pytest.mark.parametrize("form", ["local", "global"])
def test_single_bath_relaxes_to_gibbs(system, form):
    omega, t = (1.3, 0.8) if system == "qubit" else (0.9, 1.1)
    h, lower, coupling = _qubit(omega) if system == "qubit" else _oscillator(omega)
    bath = BosonicBath(t, OhmicSpectralDensity(0.002, 5.0))
    if form == "local":
        me = MasterEquation.local(h, [(bath, Transition(lower, omega))])
    else:
        me = MasterEquation.global_secular(h, [(bath, coupling)])
    rho = me.steady_state()
    assert np.max(np.abs((rho - gibbs(h, t)).full())) < 1e-10
    assert abs(me.heat_currents(rho)["bath"]) < 1e-12


@pytest.mark.parametrize("form", ["local", "global"])
def test_equal_temperatures_give_no_current(form):
    h, coupling_1, coupling_2 = random_four_level(np.random.default_rng(1))
    baths = [BosonicBath(0.7, 0.003, name="a"), BosonicBath(0.7, 0.005, name="b")]
    if form == "global":
        couplings = list(zip(baths, [coupling_1, coupling_2], strict=True))
        me = MasterEquation.global_secular(h, couplings)
    else:
        e = np.real(np.diag(h.full()))          # |01>: e1, |10>: e2 (basis 0 = excited)
        me = MasterEquation.local(h, [(baths[0], Transition(_lowering(coupling_1), e[1])),
                                      (baths[1], Transition(_lowering(coupling_2), e[2]))])
    currents = me.heat_currents(me.steady_state())
    # the global form is exactly detailed-balanced; the local form only at zero exchange g:
    # its equal-temperature current is of order K g^2 (a known artefact of local master
    # equations), far below K g
    g = abs(h.full()[1, 2])
    bound = 1e-12 if form == "global" else 0.005 * g**2
    assert max(abs(j) for j in currents.values()) < bound


def _lowering(x: qutip.Qobj) -> qutip.Qobj:
    """The lowering part of sigma_x on one qubit of the pair: basis 0 is the excited state,
    so lowering maps a smaller index to a larger one (the lower triangle)."""
    return qutip.Qobj(np.tril(x.full()), dims=x.dims)


def test_unequal_temperatures_currents_sum_to_zero_hot_to_cold():
    h, c1, c2 = random_four_level(np.random.default_rng(2))
    hot, cold = BosonicBath(2.0, 0.002, name="hot"), BosonicBath(0.4, 0.004, name="cold")
    me = MasterEquation.global_secular(h, [(hot, c1), (cold, c2)])
    rho = me.steady_state()
    j = me.heat_currents(rho)
    assert j["hot"] > 0 > j["cold"]
    assert abs(j["hot"] + j["cold"]) < 1e-10 * abs(j["hot"])
    assert me.energy_balance_residual(rho) < 1e-10


@pytest.mark.parametrize("form", ["local", "global"])
def test_qubit_between_two_flat_baths_matches_closed_form(form):
    omega, gh, gc, th, tc = 1.0, 0.01, 0.02, 2.0, 0.5
    h, lower, x = _qubit(omega)
    hot, cold = BosonicBath(th, gh, name="h"), BosonicBath(tc, gc, name="c")
    if form == "local":
        me = MasterEquation.local(h, [(hot, Transition(lower, omega)),
                                      (cold, Transition(lower, omega))])
    else:
        me = MasterEquation.global_secular(h, [(hot, x), (cold, x)])
    j = me.heat_currents(me.steady_state())
    exact = qubit_two_bath_current(omega, gh, gc, th, tc)
    assert j["h"] == pytest.approx(exact, rel=1e-10)
    assert j["c"] == pytest.approx(-exact, rel=1e-10)


def test_batched_pauli_equals_lindblad_populations_four_level():
    rng = np.random.default_rng(3)
    stack, expected, currents = [], [], []
    for _ in range(5):
        h, c1, c2 = random_four_level(rng)
        me = MasterEquation.global_secular(
            h, [(BosonicBath(0.5 + rng.random(), 0.001, name="a"), c1),
                (BosonicBath(0.5 + rng.random(), 0.002, name="b"), c2)])
        rho = me.steady_state()
        vals, vecs = np.linalg.eigh(h.full())
        expected.append(np.real(np.einsum("ia,ij,ja->a", vecs.conj(), rho.full(), vecs)))
        pauli = me.rate_equation()
        stack.append(pauli.total_rates)
        currents.append((me.heat_currents(rho), pauli.heat_currents()))
    populations = steady_state(np.array(stack))
    np.testing.assert_allclose(populations, np.array(expected), atol=1e-10)
    for lind, rate in currents:
        for name in lind:
            assert rate[name] == pytest.approx(lind[name], rel=1e-8, abs=1e-14)


def test_degenerate_bohr_frequencies_grouped():
    # Two identical qubits coupled collectively: degenerate Bohr frequencies must be
    # grouped into one jump operator (otherwise the dark state is lost).
    sm = [qutip.tensor(qutip.sigmam(), qutip.qeye(2)), qutip.tensor(qutip.qeye(2), qutip.sigmam())]
    h = sum(s.dag() * s for s in sm)
    x = sum(s + s.dag() for s in sm)
    me = MasterEquation.global_secular(h, [(BosonicBath(0.0, 0.01), x)])
    assert len(me.jumps["bath"]) == 1
    collective = sum(sm)
    np.testing.assert_allclose(me.jumps["bath"][0].operator.full(), collective.full(), atol=1e-12)


def test_time_evolution_approaches_steady_state():
    h, lower, _ = _qubit(1.0)
    me = MasterEquation.local(h, [(BosonicBath(0.5, 0.2), Transition(lower, 1.0))])
    result = me.evolve(qutip.basis(2, 0), np.linspace(0, 60, 5), e_ops=[qutip.sigmaz()])
    steady = qutip.expect(qutip.sigmaz(), me.steady_state())
    assert result.expect[0][-1] == pytest.approx(steady, abs=1e-4)
    assert me.liouvillian().issuper


def test_dissipators_sum_with_hamiltonian_to_liouvillian():
    h, c1, c2 = random_four_level(np.random.default_rng(4))
    me = MasterEquation.global_secular(h, [(BosonicBath(1.0, 0.001, name="a"), c1),
                                           (BosonicBath(0.3, 0.001, name="b"), c2)])
    total = -1j * (qutip.spre(h) - qutip.spost(h)) + me.dissipator("a") + me.dissipator("b")
    assert np.max(np.abs((total - me.liouvillian()).full())) < 1e-12


# -- bad input ----------------------------------------------------------------------------
def test_non_hermitian_hamiltonian_raises():
    with pytest.raises(ValueError, match="hamiltonian must be Hermitian"):
        MasterEquation.local(qutip.sigmap(), [])


def test_dimension_mismatch_raises():
    h, _, _ = _qubit()
    with pytest.raises(ValueError, match="coupling operator of bath 'bath' has dimensions"):
        MasterEquation.global_secular(h, [(BosonicBath(1.0, 0.1), qutip.destroy(3))])


def test_nan_in_hamiltonian_raises():
    with pytest.raises(ValueError, match="hamiltonian must be finite"):
        MasterEquation.local(qutip.Qobj(np.array([[np.nan, 0], [0, 1.0]])), [])


def test_negative_transition_frequency_and_duplicate_names_raise():
    with pytest.raises(ValueError, match="transition frequency must be > 0"):
        Transition(qutip.sigmam(), -1.0)
    h, lower, _ = _qubit()
    with pytest.raises(ValueError, match="share the name"):
        MasterEquation.local(h, [(BosonicBath(1.0, 0.1), Transition(lower, 1.3)),
                                 (BosonicBath(2.0, 0.1), Transition(lower, 1.3))])


def test_unknown_bath_name_raises():
    h, lower, _ = _qubit()
    me = MasterEquation.local(h, [(BosonicBath(1.0, 0.1, name="hot"), Transition(lower, 1.3))])
    with pytest.raises(ValueError, match="unknown bath 'cold'"):
        me.heat_current(me.steady_state(), "cold")


def test_pauli_refuses_degenerate_spectrum():
    h = qutip.Qobj(np.diag([0.0, 1.0, 1.0]))
    me = MasterEquation.global_secular(h, [(BosonicBath(1.0, 0.001), qutip.Qobj(np.ones((3, 3))))])
    with pytest.raises(ValueError, match="non-degenerate"):
        me.rate_equation()


# -- premises -----------------------------------------------------------------------------
def test_strong_coupling_warns_with_numbers():
    h, _, x = _qubit(1.0)
    pattern = r"weak coupling.*max_rate = 0\.5.*min_bohr_frequency = 1"
    with pytest.warns(PremiseWarning, match=pattern):
        MasterEquation.global_secular(h, [(BosonicBath(0.0, 0.5), x)])


def test_secular_violation_warns_and_strict_mode_raises():
    # Nearly degenerate Bohr frequencies 1.0 and 1.01 with rates 0.005.
    h = qutip.Qobj(np.diag([0.0, 1.0, 2.01]))
    a = qutip.Qobj(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))
    bath = BosonicBath(0.5, 0.005)
    with pytest.warns(PremiseWarning, match="secular approximation") as record:
        MasterEquation.global_secular(h, [(bath, a)])
    assert record[0].message.premise.startswith("secular")
    assert record[0].message.values["min_bohr_gap"] == pytest.approx(0.01)
    with strict_premises(), pytest.raises(PremiseViolation, match="secular"):
        MasterEquation.global_secular(h, [(bath, a)])
