"""The steady-state solver layer: every route against QuTiP and exact answers, and the
self-checks (uniqueness, positivity, residual, memory) that refuse a wrong answer."""

import numpy as np
import pytest
import qutip
import scipy.sparse as sp

import qfridge as qf
from qfridge.engines.blocks import ChargeBlocks, ChargeError, block_liouvillian
from qfridge.engines.lindblad import JumpTerm, MasterEquation, Transition
from qfridge.engines.steady import (
    Krylov,
    Method,
    Preconditioner,
    SolverOptions,
    SteadyStateError,
    null_vector,
)


def _random_machine(rng, d):
    h = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    h = qutip.Qobj(h + h.conj().T)
    terms = []
    for _ in range(int(rng.integers(1, 4))):
        op = qutip.Qobj(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
        terms.append(JumpTerm(float(rng.uniform(0.05, 2.0)), op, 0.0))
    return MasterEquation(h, {"b": terms})


def test_fast_path_equals_qutip_on_100_random_machines():
    rng = np.random.default_rng(20261129)
    worst = 0.0
    for _ in range(100):
        me = _random_machine(rng, int(rng.integers(2, 9)))
        ours = me.solve()
        assert ours.info.method is Method.DENSE
        ref = qutip.steadystate(me.liouvillian())
        worst = max(worst, np.max(np.abs(ours.rho.full() - ref.full())))
        assert ours.info.residual < 1e-13
        assert ours.info.min_eigenvalue > -1e-12
    assert worst < 1e-12


@pytest.mark.parametrize("method", [Method.SPLU, Method.KRYLOV])
def test_sparse_routes_equal_the_dense_route(method):
    rng = np.random.default_rng(7)
    me = _random_machine(rng, 12)
    dense = me.solve(Method.DENSE)
    other = me.solve(SolverOptions(method=method))
    assert other.info.method is method
    assert np.max(np.abs(other.rho.full() - dense.rho.full())) < 1e-10
    assert other.info.residual < 1e-10


def test_bicgstab_route():
    me = _random_machine(np.random.default_rng(3), 10)
    ref = me.solve(Method.DENSE).rho.full()
    out = me.solve(SolverOptions(method=Method.KRYLOV, krylov=Krylov.BICGSTAB,
                                 preconditioner=Preconditioner.ILU))
    assert np.max(np.abs(out.rho.full() - ref)) < 1e-9


def test_qutip_route_is_an_explicit_choice():
    me = _random_machine(np.random.default_rng(5), 4)
    q = me.solve(Method.QUTIP)
    assert q.info.method is Method.QUTIP
    assert np.max(np.abs(q.rho.full() - me.steady_state().full())) < 1e-12


def test_dark_singlet_is_refused_with_numbers():
    """Two qubits with a collective coupling: the singlet is dark, two steady states."""
    h = 0.5 * (qutip.tensor(qutip.sigmaz(), qutip.qeye(2)) + qutip.tensor(qutip.qeye(2),
                                                                          qutip.sigmaz()))
    a = qutip.tensor(qutip.sigmax(), qutip.qeye(2)) + qutip.tensor(qutip.qeye(2), qutip.sigmax())
    bath = qf.BosonicBath(temperature=2.0, spectral_density=0.01, name="b")
    me = MasterEquation.global_secular(h, [(bath, a)])
    with pytest.raises(SteadyStateError, match="not unique.*reciprocal condition number"):
        me.steady_state()
    with pytest.raises(SteadyStateError, match="not unique"):
        me.solve(SolverOptions(method=Method.SPLU))


def test_two_disconnected_invariant_subspaces_are_refused():
    """Decay inside {0, 1} and inside {2, 3}: a two-dimensional null space."""
    def ket(i):
        return qutip.basis(4, i)

    h = qutip.Qobj(np.diag([0.0, 1.0, 2.0, 3.5]))
    jumps = [JumpTerm(0.1, ket(0) * ket(1).dag(), 1.0), JumpTerm(0.1, ket(2) * ket(3).dag(), 1.5)]
    me = MasterEquation(h, {"b": jumps})
    for method in (Method.DENSE, Method.SPLU, Method.KRYLOV):
        with pytest.raises(SteadyStateError, match="not unique|several steady states"):
            me.solve(SolverOptions(method=method), charge=None)


def test_stiff_rates_keep_relative_precision_of_tiny_populations():
    """Rates 1e-3 and 1e-12 on two transitions of a ladder: detailed balance fixes
    p_{k+1}/p_k = exp(-omega_k/T) whatever the rates (relative precision, not absolute)."""
    omegas, temp = (1.0, 1.2), 0.07
    h = qutip.Qobj(np.diag([0.0, omegas[0], sum(omegas)]))
    low = [qutip.basis(3, 0) * qutip.basis(3, 1).dag(), qutip.basis(3, 1) * qutip.basis(3, 2).dag()]
    baths = [qf.BosonicBath(temperature=temp, spectral_density=k, name=f"b{i}")
             for i, k in enumerate((1e-3, 1e-12))]
    me = MasterEquation.local(h, [(b, Transition(op, w)) for b, op, w in
                                  zip(baths, low, omegas, strict=True)])
    p = np.real(me.steady_state().diag())
    exact = np.exp(-np.array([0.0, omegas[0], sum(omegas)]) / temp)
    exact /= exact.sum()
    assert exact[2] < 1e-12
    assert np.max(np.abs(p / exact - 1)) < 1e-8


def test_rate_matrix_null_vector_and_options_validation():
    w = np.array([[0, 2.0, 0], [1.0, 0, 3.0], [0, 1.0, 0]])  # w[i, j]: rate j -> i
    g = w - np.diag(w.sum(axis=0))
    p, info = null_vector(g, np.ones(3))
    assert np.allclose(g @ p, 0, atol=1e-15) and abs(p.sum() - 1) < 1e-15
    p2, _ = null_vector(sp.csr_matrix(g), np.ones(3), SolverOptions(method=Method.SPLU))
    assert np.allclose(p, p2, atol=1e-14)
    with pytest.raises(ValueError, match="method must be a qfridge Method"):
        SolverOptions(method="direct")
    with pytest.raises(ValueError, match="tol must be"):
        SolverOptions(tol=-1.0)
    with pytest.raises(ValueError, match="weights must have shape"):
        null_vector(g, np.ones(2))


def test_memory_estimate_refuses_before_building():
    me = _random_machine(np.random.default_rng(1), 6)
    with pytest.raises(SteadyStateError, match="GiB"):
        me.solve(SolverOptions(method=Method.SPLU, memory_limit=1e3))


def _xxz(n, bx=0.0):
    ops = [[qutip.qeye(2)] * n for _ in range(n)]

    def site(op, i):
        lst = [qutip.qeye(2)] * n
        lst[i] = op
        return qutip.tensor(lst).to("csr")

    sx, sy, sz = (0.5 * o for o in (qutip.sigmax(), qutip.sigmay(), qutip.sigmaz()))
    del ops
    h = sum(site(sx, i) * site(sx, i + 1) + site(sy, i) * site(sy, i + 1)
            + 0.7 * site(sz, i) * site(sz, i + 1) for i in range(n - 1))
    h += sum((0.3 + 0.1 * i) * site(sz, i) + bx * site(sx, i) for i in range(n))
    return h, (lambda op, i: site(op, i))


def test_block_liouvillian_is_the_full_liouvillian_restricted():
    h, site = _xxz(3)
    cops = [np.sqrt(0.2) * site(qutip.sigmap(), 0), np.sqrt(0.1) * site(qutip.sigmam(), 2)]
    blocks = ChargeBlocks.from_charges(qf.engines.blocks.excitation_number([2, 2, 2]))
    lb = block_liouvillian(h, cops, blocks)
    full = qutip.liouvillian(h, cops)
    rng = np.random.default_rng(0)
    x = rng.normal(size=blocks.size) + 1j * rng.normal(size=blocks.size)
    rho = blocks.matrix(x).toarray()
    ref = qutip.vector_to_operator(full * qutip.operator_to_vector(
        qutip.Qobj(rho, dims=h.dims))).full()
    assert np.max(np.abs(blocks.matrix(lb @ x).toarray() - ref)) < 1e-13


def test_declared_charge_broken_by_a_jump_is_refused_by_name():
    h, site = _xxz(3)
    me = MasterEquation(h, {"hot": [JumpTerm(0.1, site(qutip.sigmap(), 0), 1.0)],
                            "cold": [JumpTerm(0.1, site(qutip.sigmax(), 2), 0.0)]})
    charges = qf.engines.blocks.excitation_number([2, 2, 2])
    with pytest.raises(ChargeError, match="jump operator 1 of bath 'cold'"):
        me.solve(charge=charges)
    with pytest.raises(ChargeError, match="Hamiltonian"):
        MasterEquation(_xxz(3, bx=0.2)[0], {}).solve(charge=charges)
    assert "small system" in me.solve(charge="auto").note  # D^2 = 64: dense, no blocks
    assert "no conserved charge" in me.sector("auto")[1]


def test_block_evolution_with_cooling_switched_off_equals_mesolve():
    """6-site XXZ chain, the left half cooled by sqrt(2) S^+ until t_off, then closed:
    the block propagation equals qutip.mesolve on the full space (piecewise)."""
    n, t_off = 6, 1.5
    h, site = _xxz(n)
    sz = 0.5 * qutip.sigmaz()
    cooled = MasterEquation(h, {"lead": [JumpTerm(2.0, 0.5 * site(qutip.sigmap(), i), 0.0)
                                         for i in range(n // 2)]})
    closed = MasterEquation(h, {})
    up, down = qutip.basis(2, 0), qutip.basis(2, 1)
    rho0 = qutip.ket2dm(qutip.tensor([down, up] * (n // 2)))
    e_ops = [site(sz, i) for i in range(n)] + [h]
    times = np.linspace(0.0, 3.0, 13)
    traj = qf.engines.lindblad.evolve_piecewise([(cooled, t_off), (closed, np.inf)], rho0,
                                                times, e_ops)
    assert "detected" in traj.note
    first = qutip.mesolve(h, rho0, times[times <= t_off], c_ops=cooled.collapse_operators(),
                          e_ops=e_ops, options={"atol": 1e-12, "rtol": 1e-10})
    mid = qutip.mesolve(h, rho0, [0.0, t_off], c_ops=cooled.collapse_operators(),
                        options={"atol": 1e-12, "rtol": 1e-10}).final_state
    second = qutip.mesolve(h, mid, times[times >= t_off], e_ops=e_ops,
                           options={"atol": 1e-12, "rtol": 1e-10})
    ref = np.vstack([np.array(first.expect).T, np.array(second.expect).T[1:]])
    assert np.max(np.abs(traj.expect - ref)) < 1e-7
    # first law with one bath: J_lead = d<H>/dt while cooling; 0 and <H> constant after
    on = times < t_off
    delta = 1e-4
    probe = cooled.propagate(rho0, [0.0, 0.75 - delta, 0.75, 0.75 + delta], [h])
    dh = (probe.expect[3, 0] - probe.expect[1, 0]) / (2 * delta)
    assert abs(probe.heat_currents["lead"][2] - dh) < 1e-7 * abs(dh)
    assert np.all(traj.heat_currents["lead"][~on] == 0.0)
    assert np.ptp(traj.expect[~on, -1]) < 1e-10


def test_time_limit_refuses_with_the_estimate_before_building():
    h, site = _xxz(6)
    me = MasterEquation(h, {"hot": [JumpTerm(0.1, site(qutip.sigmam(), 0), 1.0)],
                            "cold": [JumpTerm(0.1, site(qutip.sigmap(), 5), 1.0)]})
    with pytest.raises(SteadyStateError, match="estimated at .* s > time_limit") as err:
        me.solve(SolverOptions(time_limit=1e-9))
    assert err.value.reason == "time" and err.value.info["estimated_seconds"] > 1e-9
    assert me.solve(SolverOptions(time_limit=60.0)).info.method is Method.KRYLOV
