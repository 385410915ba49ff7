"""QuTiP interoperability (issue 15 s5): per-state quantities over a Result or a list of
states, a time-dependent drive in ``evolve``, and sweeps returning a Qobj or a Result."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath
from qfridge.core.validity import PremiseWarning
from qfridge.engines.lindblad import MasterEquation, Transition

OMEGA = 1.0
H_QUBIT = 0.5 * OMEGA * qutip.sigmaz()   # basis(2, 0) is the excited level


@pytest.fixture(scope="module")
def two_bath_qubit():
    """A qubit between a hot and a cold bath (local form), and its evolution from the
    excited level, long enough (rate sum 0.08, t = 300) to reach the steady state."""
    me = MasterEquation.local(H_QUBIT, [
        (BosonicBath(2.0, 0.05, name="hot"), Transition(qutip.sigmam(), OMEGA)),
        (BosonicBath(0.2, 0.03, name="cold"), Transition(qutip.sigmam(), OMEGA))])
    times = np.linspace(0.0, 300.0, 31)
    result = me.evolve(qutip.basis(2, 0), times,
                       options={"atol": 1e-12, "rtol": 1e-10})
    return me, times, result


# -- per-state quantities over a trajectory ----------------------------------------------

def test_heat_currents_of_a_result_equal_a_loop_over_its_states(two_bath_qubit):
    me, times, result = two_bath_qubit
    currents = me.heat_currents(result)
    assert set(currents) == {"hot", "cold"}
    for name, values in currents.items():
        assert values.shape == times.shape
        loop = [me.heat_currents(state)[name] for state in result.states]
        np.testing.assert_allclose(values, loop, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(me.heat_current(result, name), values)
    local = me.local_currents(result)
    np.testing.assert_allclose(local["cold"], [me.local_currents(s)["cold"]
                                               for s in result.states], atol=1e-15)
    residual = me.energy_balance_residual(result)
    assert residual.shape == times.shape
    np.testing.assert_allclose(residual, [me.energy_balance_residual(s)
                                          for s in result.states], atol=1e-15)
    spohn = me.spohn_terms(result.states)   # a list of states works as well
    assert spohn["hot"].shape == times.shape and np.all(spohn["hot"][1:] >= -1e-12)


def test_transient_currents_reach_the_steady_state_values(two_bath_qubit):
    me, _, result = two_bath_qubit
    transient = me.heat_currents(result)
    steady = me.heat_currents(me.solve().rho)
    for name in steady:
        assert abs(transient[name][0] - steady[name]) > 1e-3   # it starts far away ...
        assert transient[name][-1] == pytest.approx(steady[name], rel=1e-6)   # ... and arrives
    assert transient["hot"][-1] > 0 > transient["cold"][-1]   # heat flows hot -> cold


def test_kets_of_a_pure_evolution_are_made_density_matrices():
    me = MasterEquation.local(H_QUBIT, [
        (BosonicBath(1.0, 0.1, name="b"), Transition(qutip.sigmam(), OMEGA))])
    times = np.linspace(0.0, 2.0, 5)
    psi0 = (qutip.basis(2, 0) + qutip.basis(2, 1)).unit()
    pure = qutip.sesolve(H_QUBIT, psi0, times)
    assert pure.states[0].isket
    np.testing.assert_array_equal(
        me.heat_currents(pure)["b"],
        [me.heat_current(qutip.ket2dm(s), "b") for s in pure.states])


def test_a_result_without_states_is_refused_with_the_option_to_set(two_bath_qubit):
    me, times, result = two_bath_qubit
    expect_only = me.evolve(qutip.basis(2, 0), times[:3], e_ops=[qutip.sigmaz()])
    with pytest.raises(ValueError, match=r"without stored states.*store_states"):
        me.heat_currents(expect_only)
    with pytest.raises(ValueError, match="empty list"):
        me.heat_currents([])
    with pytest.raises(ValueError, match=r"state 1 of the trajectory.*unit trace"):
        me.heat_currents([qutip.ket2dm(qutip.basis(2, 0)), 2 * qutip.qeye(2)])
    with pytest.raises(ValueError, match="thermodynamics.*one steady state"):
        me.thermodynamics(result)


# -- a time-dependent drive ---------------------------------------------------------------

@pytest.fixture(scope="module")
def damped_qubit():
    """A qubit decaying at rate GAMMA into a bath at T = 0 (global form)."""
    return MasterEquation.global_secular(
        H_QUBIT, [(BosonicBath(0.0, GAMMA, name="bath"), qutip.sigmax())])


GAMMA = 0.02


def test_weak_resonant_drive_gives_the_optical_bloch_steady_response(damped_qubit):
    """V(t) = Omega cos(w t) sigma_x; in the rotating frame (RWA) the optical Bloch
    equations give P_e = Omega^2 / (gamma^2 + 2 Omega^2) and <sigma_x>(t) = -2 Omega gamma
    / (gamma^2 + 2 Omega^2) sin(w t); corrections are O(Omega / w) = 1 %."""
    rabi = 0.01
    period = 2 * np.pi / OMEGA
    late = np.linspace(800.0, 800.0 + period, 21)   # gamma t = 16: transients < 1e-3
    drive = qutip.QobjEvo([[rabi * qutip.sigmax(), lambda t: np.cos(OMEGA * t)]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)   # Omega / w = 0.01: no warning
        result = damped_qubit.evolve(qutip.basis(2, 1), np.r_[0.0, late], drive=drive,
                                     options={"atol": 1e-10, "rtol": 1e-8, "nsteps": 10**5})
    states = result.states[1:]
    excited = np.array([s.full()[0, 0].real for s in states])   # basis(2, 0) = e
    sx = np.array([qutip.expect(qutip.sigmax(), s) for s in states])
    p_e = rabi**2 / (GAMMA**2 + 2 * rabi**2)
    amplitude = 2 * rabi * GAMMA / (GAMMA**2 + 2 * rabi**2)
    np.testing.assert_allclose(excited, p_e, rtol=0.02)
    np.testing.assert_allclose(sx, -amplitude * np.sin(OMEGA * late), atol=0.02 * amplitude)
    # the per-state quantities follow the driven trajectory: the bath absorbs what the
    # drive feeds, gamma P_e omega on average
    assert np.mean(-damped_qubit.heat_currents(result)["bath"][1:]) == \
        pytest.approx(GAMMA * p_e * OMEGA, rel=0.02)


def test_undriven_limit_equals_the_static_evolution(damped_qubit):
    times = np.linspace(0.0, 20.0, 11)
    rho0 = qutip.ket2dm((qutip.basis(2, 0) + 1j * qutip.basis(2, 1)).unit())
    options = {"atol": 1e-12, "rtol": 1e-10}
    static = damped_qubit.evolve(rho0, times, options=options)
    silent = damped_qubit.evolve(rho0, times, options=options,
                                 drive=[[qutip.sigmax(), lambda t: 0.0 * np.cos(t)]])
    for a, b in zip(static.states, silent.states, strict=True):
        np.testing.assert_allclose(a.full(), b.full(), atol=1e-10)


def test_list_format_with_args_equals_the_qobjevo(damped_qubit):
    times = np.linspace(0.0, 5.0, 6)

    def coeff(t, w):
        return np.cos(w * t)

    as_list = damped_qubit.evolve(qutip.basis(2, 1), times, args={"w": OMEGA},
                                  drive=[0.001 * qutip.sigmaz(), [0.005 * qutip.sigmax(),
                                                                   coeff]])
    as_evo = damped_qubit.evolve(
        qutip.basis(2, 1), times, drive=qutip.QobjEvo(
            [0.001 * qutip.sigmaz(), [0.005 * qutip.sigmax(), coeff]], args={"w": OMEGA}))
    for a, b in zip(as_list.states, as_evo.states, strict=True):
        np.testing.assert_allclose(a.full(), b.full(), atol=1e-12)


def test_strong_drive_in_the_global_form_warns_with_the_numbers(damped_qubit):
    times = np.linspace(0.0, 1.0, 3)
    with pytest.warns(PremiseWarning, match="weak drive for the global form") as record:
        damped_qubit.evolve(qutip.basis(2, 1), times,
                            drive=[[0.5 * qutip.sigmax(), lambda t: np.cos(t)]])
    values = record[0].message.values
    assert values["drive_norm"] == pytest.approx(0.5)   # cos(0) = 1, spectral norm
    assert values["min_bohr_gap"] == pytest.approx(OMEGA)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        # a drive that commutes with H is allowed at any strength
        damped_qubit.evolve(qutip.basis(2, 1), times,
                            drive=[[0.5 * qutip.sigmaz(), lambda t: np.cos(t)]])
        local = MasterEquation.local(H_QUBIT, [
            (BosonicBath(0.0, GAMMA, name="bath"), Transition(qutip.sigmam(), OMEGA))])
        local.evolve(qutip.basis(2, 1), times,   # the local form's premise is not checked
                     drive=[[0.5 * qutip.sigmax(), lambda t: np.cos(t)]])


def test_bad_drives_are_refused_by_name(damped_qubit):
    times = np.linspace(0.0, 1.0, 3)
    with pytest.raises(ValueError, match="drive must be Hermitian"):
        damped_qubit.evolve(qutip.basis(2, 1), times, drive=[[qutip.sigmap(), lambda t: 1]])
    with pytest.raises(ValueError, match=r"drive has dimensions \[\[3\], \[3\]\]"):
        damped_qubit.evolve(qutip.basis(2, 1), times, drive=qutip.QobjEvo(qutip.num(3)))
    with pytest.raises(ValueError, match="drive must be a qutip.QobjEvo"):
        damped_qubit.evolve(qutip.basis(2, 1), times, drive="sigmax")


# -- sweeps returning a Qobj or a Result ---------------------------------------------------

def _two_qubit_machine(t_hot):
    """Two coupled qubits between a hot and a cold bath (global form)."""
    sm1 = qutip.tensor(qutip.sigmam(), qutip.qeye(2))
    sm2 = qutip.tensor(qutip.qeye(2), qutip.sigmam())
    h = 1.0 * sm1.dag() * sm1 + 1.6 * sm2.dag() * sm2 + 0.05 * (sm1.dag() * sm2 + sm2.dag() * sm1)
    return MasterEquation.global_secular(h, [
        (BosonicBath(t_hot, 0.01, name="hot"), sm1 + sm1.dag()),
        (BosonicBath(0.3, 0.01, name="cold"), sm2 + sm2.dag())])


def steady_point(t_hot):
    me = _two_qubit_machine(t_hot)
    return {"rho": me.solve().rho, "J_hot": me.heat_currents(me.solve().rho)["hot"]}


def evolved_point(gamma):
    me = MasterEquation.local(H_QUBIT, [
        (BosonicBath(0.5, gamma, name="b"), Transition(qutip.sigmam(), OMEGA))])
    return {"run": me.evolve(qutip.basis(2, 0), np.linspace(0.0, 10.0, 6),
                             e_ops={"sz": qutip.sigmaz()}, options={"store_states": True})}


def test_a_swept_qobj_is_a_labelled_complex_array_that_survives_the_store(tmp_path):
    from qfridge.sweeps import sweep, to_qobj

    grid = {"t_hot": np.array([0.5, 1.0, 2.0, 4.0])}
    store = tmp_path / "store"
    first = sweep(steady_point, grid, executor="serial", chunks=2, store=store,
                  progress=False)
    again = sweep(steady_point, grid, executor="serial", chunks=2, store=store,
                  progress=False)
    assert again.attrs["chunks_from_store"] == 2 and again.attrs["chunks_computed"] == 0
    for ds in (first, again):
        rho = ds["rho"]
        assert rho.dims == ("t_hot", "rho_row", "rho_col") and rho.dtype == np.complex128
        assert rho.attrs["qutip_dims"] == "[[2, 2], [2, 2]]"
        for t_hot in grid["t_hot"]:
            expected = _two_qubit_machine(t_hot).solve().rho
            back = to_qobj(rho.sel(t_hot=t_hot))
            assert back.dims == expected.dims
            np.testing.assert_allclose(back.full(), expected.full(), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(first["J_hot"].values, again["J_hot"].values)


def test_a_swept_result_stores_its_expectation_values_and_states_over_time(tmp_path):
    from qfridge.sweeps import sweep, to_qobj

    gammas = np.array([0.1, 0.3])
    ds = sweep(evolved_point, {"gamma": gammas}, executor="serial", store=tmp_path / "s",
               progress=False)
    ds = sweep(evolved_point, {"gamma": gammas}, executor="serial", store=tmp_path / "s",
               progress=False)   # read back from the store
    assert ds.attrs["chunks_computed"] == 0
    assert ds["run_expect_sz"].dims == ("gamma", "time")
    assert ds["run_states"].dims == ("gamma", "time", "run_states_row", "run_states_col")
    np.testing.assert_array_equal(ds["time"].values, np.linspace(0.0, 10.0, 6))
    for gamma in gammas:
        direct = evolved_point(gamma)["run"]
        np.testing.assert_allclose(ds["run_expect_sz"].sel(gamma=gamma), direct.expect[0],
                                   atol=1e-14)
        state = to_qobj(ds["run_states"].sel(gamma=gamma, time=10.0))
        np.testing.assert_allclose(state.full(), direct.states[-1].full(), atol=1e-14)


def test_qutip_values_in_sweeps_are_refused_where_they_cannot_go():
    from qfridge.sweeps import sweep, to_qobj
    from qfridge.sweeps.evaluate import VectorizedShapeError

    def sometimes(x):
        if x > 1:
            raise RuntimeError("no state here")
        return {"psi": qutip.basis(2, 0)}

    with pytest.warns(match="sweep points failed"):
        ds = sweep(sometimes, {"x": np.array([0.0, 2.0])}, executor="serial", progress=False)
    assert ds["psi"].dims == ("x", "psi_row", "psi_col")   # a ket: one column
    assert to_qobj(ds["psi"].sel(x=0.0)).isket
    with pytest.raises(ValueError, match=r"holds NaN.*point failed"):
        to_qobj(ds["psi"].sel(x=2.0))
    with pytest.raises(ValueError, match=r"2 dimensions\), got dimensions \('x', 'psi_row'"):
        to_qobj(ds["psi"])
    with pytest.raises(ValueError, match="with a 'qutip_dims' attribute"):
        to_qobj(ds["failed"])
    with pytest.raises(VectorizedShapeError, match="use vectorized=False"):
        sweep(lambda x: {"rho": qutip.qeye(2) / 2}, {"x": np.array([0.0, 1.0])},
              vectorized=True, progress=False)


def test_results_over_other_times_than_the_other_points_fail():
    from qfridge.sweeps import sweep

    def stretched(x):
        me = MasterEquation.local(H_QUBIT, [
            (BosonicBath(0.5, 0.1, name="b"), Transition(qutip.sigmam(), OMEGA))])
        return {"run": me.evolve(qutip.basis(2, 0), np.linspace(0.0, 1.0 + (x > 1), 3),
                                 e_ops=[qutip.sigmaz()])}

    grid = {"x": np.array([0.0, 1.0, 2.0])}
    for chunks in (3, 1):   # points of one chunk, and chunks of one point
        with pytest.warns(match="1 of 3 sweep points failed"):
            ds = sweep(stretched, grid, executor="serial", chunks=chunks, progress=False)
        assert list(ds["failed"].values) == [False, False, True]
        assert "coordinate" in str(ds["error"].sel(x=2.0).values)
        np.testing.assert_array_equal(ds["time"].values, [0.0, 0.5, 1.0])
