"""Regression tests for inputs a fuzz campaign found silently wrong or unclear.

Each refusal is paired with the correct, physical input next to it (no false alarms).
"""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core import thermal
from qfridge.core.baths import BosonicBath
from qfridge.core.validity import PremiseWarning
from qfridge.engines import collision as col
from qfridge.engines.collective import DickeBasis, DickeState
from qfridge.engines.lindblad import MasterEquation, Transition, evolve_piecewise
from qfridge.engines.steady import SteadyStateError

I2 = qutip.qeye(2)


def _pair():
    """Two resonant qubits (splitting 1) and the collective coupling sigma_x x 1 + 1 x sigma_x."""
    h = 0.5 * (qutip.tensor(qutip.sigmaz(), I2) + qutip.tensor(I2, qutip.sigmaz()))
    a = qutip.tensor(qutip.sigmax(), I2) + qutip.tensor(I2, qutip.sigmax())
    return h, a


def _qubit_me():
    h = 0.5 * qutip.sigmaz()
    return h, MasterEquation.local(h, [(BosonicBath(0.5, 0.01, name="hot"),
                                        Transition(qutip.sigmam(), 1.0))])


# -- 1. dark singlet: non-unique steady state, energy balance of vanishing currents -------
def test_dark_singlet_steady_state_is_refused_as_non_unique():
    h, a = _pair()
    me = MasterEquation.global_secular(h, [(BosonicBath(0.5, 0.01, name="hot"), a)])
    with pytest.raises(SteadyStateError, match="not unique"):
        me.solve()
    with pytest.raises(SteadyStateError, match="not unique"):
        me.steady_state()


def test_energy_balance_of_rounding_level_currents_is_not_order_one():
    h, a = _pair()
    me = MasterEquation.global_secular(h, [(BosonicBath(0.5, 0.01, name="hot"), a),
                                           (BosonicBath(0.2, 0.01, name="cold"), a)])
    singlet = (qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 1))
               - qutip.tensor(qutip.basis(2, 1), qutip.basis(2, 0))).unit()
    rho = qutip.ket2dm(singlet)
    # rounding-level currents (5e-18 against 5e-18 would read 1.0 as a plain ratio)
    noisy = rho + 1e-17 * qutip.Qobj(np.diag([1.0, -1.0, 0.0, 0.0]), dims=rho.dims)
    assert all(abs(j) < 1e-15 for j in me.heat_currents(noisy).values())
    assert me.energy_balance_residual(noisy) < 1e-6
    assert me.energy_balance_residual(rho) == 0.0
    # a real imbalance (a state far from steady) still reads as one
    excited = qutip.ket2dm(qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 0)))
    assert me.energy_balance_residual(excited) > 0.5


# -- 2. non-Hermitian coupling operator -----------------------------------------------------
def test_global_secular_refuses_non_hermitian_coupling_by_bath_name():
    h = 0.5 * qutip.sigmaz()
    with pytest.raises(ValueError, match="coupling operator of bath 'hot' must be Hermitian"):
        MasterEquation.global_secular(h, [(BosonicBath(0.5, 0.01, name="hot"), qutip.sigmam())])
    MasterEquation.global_secular(h, [(BosonicBath(0.5, 0.01, name="hot"), qutip.sigmax())])


# -- 3. local transitions: ladder relation [H, L] = -omega L --------------------------------
@pytest.mark.parametrize("op, omega, match", [
    (qutip.sigmap(), 1.0, "does not lower the energy"),
    (qutip.sigmam(), 5.0, "lowers the energy by exactly 1, not by the stated frequency 5"),
])
def test_local_transition_with_wrong_operator_or_frequency(op, omega, match):
    # refused, not warned: the rates would invert a thermal population or be evaluated
    # at a frequency the operator does not carry
    h = 0.5 * qutip.sigmaz()
    bath = BosonicBath(0.5, 0.01, name="hot")
    with pytest.raises(ValueError, match=match):
        MasterEquation.local(h, [(bath, Transition(op, omega))])


def test_local_transition_of_weakly_interacting_qubits_is_accepted():
    sm1, sm2 = qutip.tensor(qutip.sigmam(), I2), qutip.tensor(I2, qutip.sigmam())
    h = 1.0 * sm1.dag() * sm1 + 1.7 * sm2.dag() * sm2 + 0.05 * (sm1.dag() * sm2 + sm2.dag() * sm1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        MasterEquation.local(h, [(BosonicBath(1.0, 0.01, name="a"), Transition(sm1, 1.0)),
                                 (BosonicBath(0.5, 0.01, name="b"), Transition(sm2, 1.7))])


# -- 4. degeneracy_tol, rho for the currents, times and rho0 for the evolutions ------------
@pytest.mark.parametrize("tol", [-1e-9, np.nan, 1.0, 5.0])
def test_degeneracy_tol_refused(tol):
    h = 0.5 * qutip.sigmaz()
    with pytest.raises(ValueError, match="degeneracy_tol"):
        MasterEquation.global_secular(h, [(BosonicBath(0.5, 0.01), qutip.sigmax())],
                                      degeneracy_tol=tol)


def test_heat_currents_refuse_unnormalised_or_non_hermitian_rho():
    _, me = _qubit_me()
    with pytest.raises(ValueError, match="rho must have unit trace.*trace 2"):
        me.heat_currents(qutip.Qobj(np.diag([1.0, 1.0])))
    with pytest.raises(ValueError, match="rho must be Hermitian"):
        me.heat_currents(qutip.Qobj(np.array([[0.5, 0.3], [0.0, 0.5]])))
    with pytest.raises(ValueError, match="rho must be finite"):
        me.heat_currents(qutip.Qobj(np.diag([np.nan, 1.0])))
    me.heat_currents(qutip.Qobj(np.diag([0.5, 0.5]) + 1e-12))  # rounding is fine


@pytest.mark.parametrize("times", [[0.0, 2.0, 1.0], [0.0, np.nan, 1.0], []])
def test_evolutions_refuse_bad_times(times):
    _, me = _qubit_me()
    rho0 = qutip.ket2dm(qutip.basis(2, 0))
    for run in (lambda: me.evolve(rho0, times), lambda: me.propagate(rho0, times),
                lambda: evolve_piecewise([(me, np.inf)], rho0, times)):
        with pytest.raises(ValueError, match="times must be"):
            run()


def test_evolutions_refuse_rho0_of_trace_two():
    _, me = _qubit_me()
    rho0 = qutip.Qobj(np.diag([1.0, 1.0]))
    for run in (lambda: me.evolve(rho0, [0.0, 1.0]), lambda: me.propagate(rho0, [0.0, 1.0])):
        with pytest.raises(ValueError, match="rho0 must have unit trace"):
            run()
    assert me.propagate(qutip.basis(2, 0), [0.0, 1.0]).final_state.tr() == pytest.approx(1.0)


# -- 5. collision engine ----------------------------------------------------------------------
def test_collision_map_refuses_non_unitary_u():
    eta = qutip.ket2dm(qutip.basis(2, 1))
    u = qutip.Qobj(1.01 * np.eye(4), dims=[[2, 2], [2, 2]])
    with pytest.raises(ValueError, match="unitary must be unitary.*= 0.0201"):
        col.CollisionMap(u, eta)
    col.CollisionMap(qutip.Qobj(np.eye(4), dims=[[2, 2], [2, 2]]), eta)


@pytest.mark.parametrize("eta, match", [
    (qutip.Qobj(np.diag([np.nan, 1.0])), "ancilla_state must be finite"),
    (qutip.Qobj(np.array([[0.5, 0.2], [0.0, 0.5]])), "ancilla_state must be Hermitian"),
    (qutip.Qobj(np.diag([1.5, -0.5])), "ancilla_state must be positive"),
    (qutip.Qobj(np.diag([1.0, 1.0])), "ancilla_state must have unit trace"),
])
def test_collision_map_refuses_bad_ancilla_states(eta, match):
    with pytest.raises(ValueError, match=match):
        col.CollisionMap(qutip.Qobj(np.eye(4), dims=[[2, 2], [2, 2]]), eta)


def test_kraus_completeness_fails_on_nan():
    # QuTiP's dense -> CSR conversion drops NaN entries: the completeness check read 1, not NaN
    with pytest.raises(ValueError, match=r"kraus\[0\] must be finite"):
        col.KrausMap([qutip.Qobj(np.array([[np.nan, 0], [0, 1.0]]))])
    with pytest.raises(ValueError, match="unitary must be finite"):
        col.CollisionMap(qutip.Qobj(np.diag([np.nan, 1, 1, 1.0]), dims=[[2, 2], [2, 2]]),
                         qutip.ket2dm(qutip.basis(2, 1)))
    col.KrausMap([qutip.qeye(2)])


def test_long_collision_duration_warns_with_the_drift():
    sm = qutip.sigmam()
    h_int = qutip.tensor(sm.dag(), sm) + qutip.tensor(sm, sm.dag())
    eta = qutip.ket2dm(qutip.basis(2, 1))
    with pytest.warns(PremiseWarning, match="accurate collision unitary") as rec:
        cmap = col.CollisionMap.from_interaction(h_int, eta, 1e12)
    assert rec[0].message.values["drift"] > 1e-10
    out = cmap.apply(qutip.ket2dm(qutip.basis(2, 0)))
    assert out.tr() == pytest.approx(1.0, abs=1e-12)  # rebuilt U preserves the trace
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        col.CollisionMap.from_interaction(h_int, eta, 0.3)


def test_draw_parameters_refuses_nan_or_wrong_length_callables():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="phi must be finite"):
        col.draw_parameters(rng, 3, phi=lambda r, n: np.r_[0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"phi: the callable returned shape \(2,\), "
                                         r"expected \(3,\)"):
        col.draw_parameters(rng, 3, phi=lambda r, n: np.zeros(2))
    out = col.draw_parameters(rng, 3, phi=lambda r, n: r.normal(size=n))
    assert out["phi"].shape == (3,)


# -- 6. thermal helpers -----------------------------------------------------------------------
def test_apparent_temperature_refuses_an_empty_transition():
    with pytest.raises(ValueError, match="no population"):
        thermal.apparent_temperature(1.0, 0.0, 0.0)
    assert thermal.apparent_temperature(1.0, np.exp(-2.0), 1.0) == pytest.approx(0.5)


def test_effective_temperature_of_a_tiny_occupation():
    # T = omega / ln(1 + 1/n) = 1 / (ln(1 + n) - ln n) = 1 / (320 ln 10) at n = 1e-320
    assert thermal.effective_temperature(1e-320, 1.0) == pytest.approx(1 / (320 * np.log(10)),
                                                                         rel=1e-3)
    assert thermal.effective_temperature(1e-320, 1.0) == pytest.approx(1.357e-3, rel=1e-3)
    for n in (1e-300, 1e-5, 0.3, 1.0, 2.0, 1e8):  # inverse of bose
        t = thermal.effective_temperature(n, 1.0)
        assert thermal.bose(1.0, t) == pytest.approx(n, rel=1e-12)


def test_bose_refuses_an_overflowing_occupation():
    with pytest.raises(ValueError, match="overflows.*omega/T = 1e-320"):
        thermal.bose(1e-320, 1.0)
    assert thermal.bose(1e-300, 1.0) == pytest.approx(1e300, rel=1e-12)


def test_gibbs_state_refuses_nan_or_non_hermitian_hamiltonian():
    with pytest.raises(ValueError, match="hamiltonian must be finite"):
        thermal.gibbs_state(qutip.Qobj(np.diag([np.nan, 1.0])), 1.0)
    with pytest.raises(ValueError, match="hamiltonian must be Hermitian"):
        thermal.gibbs_state(qutip.sigmap(), 1.0)
    assert thermal.gibbs_state(qutip.sigmaz(), 1.0).tr() == pytest.approx(1.0)


@pytest.mark.parametrize("pops", [[0.5, -0.1, 0.6], [0.5, np.nan, 0.5]])
def test_sector_temperatures_refuse_negative_or_nan_populations(pops):
    with pytest.raises(ValueError, match="populations must be"):
        thermal.sector_temperatures([0.0, 1.0, 2.0], pops, [0, 0, 0])


@pytest.mark.parametrize("call", [
    lambda: thermal.bose(1.0, 1j),
    lambda: thermal.fermi(1.0, 1 + 0j),
    lambda: thermal.gibbs_state(qutip.sigmaz(), 1 + 1j),
])
def test_complex_temperatures_refused_by_name(call):
    with pytest.raises(ValueError, match="temperature must be real"):
        call()


# -- 7. DickeState ------------------------------------------------------------------------------
@pytest.mark.parametrize("scale, shift, match", [(1.0, 0.6, ">= 0"), (5.0, 0.0, "sum to 1")])
def test_dicke_state_refuses_non_states(scale, shift, match):
    basis = DickeBasis(2)
    p = np.zeros(basis.size)
    p[0], p[1] = 0.5 - shift, 0.5 + shift
    with pytest.raises(ValueError, match=match):
        DickeState(basis, scale * p)
    DickeState(basis, np.full(basis.size, 1.0 / basis.size))


def test_non_unique_steady_state_from_an_initial_state_is_the_long_time_limit():
    # the dark-singlet machine: refused without an initial state; with one, the state it
    # reaches, checked against QuTiP's exp(L t) at a long time
    sx = qutip.sigmax()
    h = 0.5 * (qutip.tensor(qutip.sigmaz(), qutip.qeye(2))
               + qutip.tensor(qutip.qeye(2), qutip.sigmaz()))
    a = qutip.tensor(sx, qutip.qeye(2)) + qutip.tensor(qutip.qeye(2), sx)
    me = MasterEquation.global_secular(h, [(BosonicBath(0.7, 0.01, name="b"), a)])
    with pytest.raises(SteadyStateError, match="not unique"):
        me.solve()
    up, down = qutip.basis(2, 0), qutip.basis(2, 1)
    singlet = (qutip.tensor(up, down) - qutip.tensor(down, up)).unit()
    for rho0 in (qutip.ket2dm(qutip.tensor(up, up)), qutip.ket2dm(singlet),
                 0.5 * qutip.ket2dm(singlet) + 0.5 * qutip.ket2dm(qutip.tensor(up, down))):
        ss = me.solve(initial=rho0)
        assert "2 steady states" in ss.note
        late = qutip.vector_to_operator((me.liouvillian() * 1e5).expm()
                                        * qutip.operator_to_vector(rho0))
        np.testing.assert_allclose(ss.rho.full(), late.full(), atol=1e-8)
        assert abs(ss.rho.tr() - 1) < 1e-12
    # the singlet is dark: it stays put
    np.testing.assert_allclose(me.steady_state(initial=qutip.ket2dm(singlet)).full(),
                               qutip.ket2dm(singlet).full(), atol=1e-10)


def test_fuzz_findings_in_the_master_equation_are_refused_by_name():
    h = 0.5 * qutip.sigmaz()
    me = MasterEquation.local(h, [(BosonicBath(0.5, 0.01, name="b"),
                                   Transition(qutip.sigmam(), 1.0))])
    not_positive = qutip.Qobj(np.diag([1.5, -0.5]))
    with pytest.raises(ValueError, match="rho must be positive.*-0.5"):
        me.heat_currents(not_positive)
    with pytest.raises(ValueError, match="rho0 must be positive"):
        me.propagate(not_positive, [0.0, 1.0])
    with pytest.raises(ValueError, match="segment end times must be numbers"):
        evolve_piecewise([(me, np.nan), (me, np.inf)], qutip.fock_dm(2, 0), [0.0, 3.0])
    with pytest.raises(ValueError, match=r"couplings\[0\] must pair a bath"):
        MasterEquation.local(h, [(1.0, Transition(qutip.sigmam(), 1.0))])
    with pytest.raises(ValueError, match=r"couplings\[0\] must pair a bath"):
        MasterEquation.global_secular(h, [(1.0, qutip.sigmax())])


def test_qutip_route_on_a_non_unique_problem_says_why():
    # two decoupled decaying qubits that never talk: QuTiP's bare "Matrix is singular"
    # becomes a SteadyStateError that points at the self-checked default route
    from qfridge.engines.steady import Method

    h = qutip.Qobj(np.diag([0.0, 1.0, 5.0, 6.0]))
    down = qutip.Qobj(np.array([[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0.0]]))
    me = MasterEquation.local(h, [(BosonicBath(0.0, 0.1, name="b"), Transition(down, 1.0))])
    with pytest.raises(SteadyStateError, match="not unique"):
        me.solve()
    with pytest.raises(SteadyStateError) as err:
        me.solve(Method.QUTIP)
    assert "qutip.steadystate failed" in str(err.value) and "default route" in str(err.value)
