"""Collision engine: exact maps, cascades, the charge-sector fast path, noise, truncation."""

import numpy as np
import pytest
import qutip

from qfridge.core.validity import PremiseWarning
from qfridge.engines import collision as col


def _thermal_qubit(p_excited):
    return qutip.Qobj(np.diag([1 - p_excited, p_excited]))


def test_partial_swap_fixed_point_is_the_ancilla_state():
    # qubit system, qubit ancilla, partial swap exp(-i g t (s+ a- + s- a+)): the unique
    # fixed point of repeated collisions is the ancilla state itself (homogenisation).
    sm = qutip.destroy(2)
    h = qutip.tensor(sm.dag(), sm) + qutip.tensor(sm, sm.dag())
    eta = _thermal_qubit(0.3)
    m = col.CollisionMap.from_interaction(h, eta, 0.4)
    fp = m.fixed_point()
    assert np.allclose(fp.full(), eta.full(), atol=1e-10)
    km = m.as_kraus_map()
    assert km.completeness_error() < 1e-13
    rho = qutip.rand_dm(2, seed=3)
    assert np.allclose(km.apply(rho).full(), m.apply(rho).full(), atol=1e-13)
    # repeated application converges to eta, expectation recorded per step
    traj = m.repeat(qutip.basis(2, 0), 200, [qutip.num(2)])
    assert traj.expect.shape == (201, 1)
    assert traj.expect[0, 0] == pytest.approx(0.0)
    assert traj.expect[-1, 0] == pytest.approx(0.3, abs=1e-8)


def test_kraus_map_rejects_incomplete_set():
    with pytest.raises(ValueError, match="not complete"):
        col.KrausMap([0.5 * qutip.qeye(3)])


def test_cascade_of_one_system_is_the_single_map_and_s1_marginal():
    n = 5
    a = qutip.destroy(n)
    sm = qutip.destroy(2)
    h = qutip.tensor(a, sm.dag()) + qutip.tensor(a.dag(), sm)
    u = (-1j * 0.7 * h).expm()
    eta = _thermal_qubit(0.2)
    single = col.CollisionMap(u, eta)
    one = col.cascade([u], eta)
    rho = qutip.rand_dm(n, seed=1)
    assert np.allclose(one.apply(rho).full(), single.apply(rho).full(), atol=1e-13)
    two = col.cascade([u, u], eta)
    assert two.system_dims == [n, n]
    rho12 = qutip.rand_dm([n, n], seed=2)
    out = two.apply(rho12)
    # the first system does not see the second one
    assert np.allclose(out.ptrace(0).full(), single.apply(rho12.ptrace(0)).full(), atol=1e-12)


def test_cascade_with_identity_channel_between_equals_plain_cascade():
    n = 4
    a = qutip.destroy(n)
    sm = qutip.destroy(2)
    u = (-1j * 0.5 * (qutip.tensor(a, sm.dag()) + qutip.tensor(a.dag(), sm))).expm()
    eta = _thermal_qubit(0.4)
    plain = col.cascade([u, u], eta)
    with_id = col.cascade([u, u], eta, between=[[qutip.qeye(2)]])
    rho = qutip.rand_dm([n, n], seed=4)
    assert np.allclose(plain.apply(rho).full(), with_id.apply(rho).full(), atol=1e-13)
    with pytest.raises(ValueError, match="between"):
        col.cascade([u, u], eta, between=[])


def _two_mode_jc_map(n=4, theta=0.8, p=0.3):
    a = qutip.tensor(qutip.destroy(n), qutip.qeye(n))
    b = qutip.tensor(qutip.qeye(n), qutip.destroy(n))
    sm = qutip.destroy(2)
    # the qubit talks to a + b: every Kraus operator changes n_a + n_b by -1, 0 or +1
    h = qutip.tensor(a + b, sm.dag()) + qutip.tensor(a.dag() + b.dag(), sm)
    m = col.CollisionMap.from_interaction(h, _thermal_qubit(p), theta)
    charges = (np.arange(n)[:, None] + np.arange(n)[None, :]).ravel()
    return m.as_kraus_map(), charges


def test_sector_map_equals_dense_map_on_block_diagonal_states():
    km, charges = _two_mode_jc_map()
    sec = km.sectors(charges)
    assert sorted(set(sec.shifts)) == [-1, 0, 1]
    # a random state block-diagonal in total photon number
    rng = np.random.default_rng(0)
    d = charges.size
    x = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    x = x * (charges[:, None] == charges[None, :])
    rho = x @ x.conj().T
    rho = qutip.Qobj(rho / np.trace(rho), dims=[[4, 4], [4, 4]])
    v = sec.vector(rho)
    for _ in range(3):
        v = sec.apply(v)
        rho = km.apply(rho)
    assert np.allclose(sec.density_matrix(v), rho.full(), atol=1e-13)
    n_total = qutip.Qobj(np.diag(charges.astype(float)), dims=[[4, 4], [4, 4]])
    assert sec.weights(n_total) @ v == pytest.approx(qutip.expect(n_total, rho), abs=1e-12)
    # a state with coherence between different total numbers is refused
    with pytest.raises(ValueError, match="outside the sector"):
        sec.vector(qutip.rand_dm([4, 4], seed=1))
    # order-1 coherences evolve in their own sector
    sec1 = km.sectors(charges, order=1)
    y = x * (charges[:, None] - charges[None, :] == 1)
    r1 = sec1.apply(sec1.vector(y))
    dense = sum(k.full() @ y @ k.full().conj().T for k in km.kraus())
    assert np.allclose(sec1.density_matrix(r1), dense, atol=1e-13)


def test_sector_map_rejects_kraus_without_fixed_charge_shift():
    a = qutip.destroy(4)
    x = (a + a.dag()) / 10
    with pytest.raises(ValueError, match=r"kraus\[0\] does not change the charge"):
        col.SectorMap([x], np.arange(4))


def test_noise_is_reproducible_from_a_seed():
    g1 = col.spawn_generators(42, 3)
    g2 = col.spawn_generators(42, 3)
    d1 = [col.draw_parameters(g, 5, dt=col.Normal(0.4, 0.2), phi=1.0) for g in g1]
    d2 = [col.draw_parameters(g, 5, dt=col.Normal(0.4, 0.2), phi=1.0) for g in g2]
    for a, b in zip(d1, d2, strict=True):
        assert np.array_equal(a["dt"], b["dt"])
        assert np.all(a["phi"] == 1.0)
    assert not np.array_equal(d1[0]["dt"], d1[1]["dt"])  # independent streams
    other = col.draw_parameters(col.spawn_generators(43, 1)[0], 5, dt=col.Normal(0.4, 0.2))
    assert not np.array_equal(other["dt"], d1[0]["dt"])
    with pytest.raises(ValueError, match="std"):
        col.Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="rng"):
        col.draw_parameters(42, 5, dt=0.1)


def test_ensemble_statistics_of_a_known_distribution():
    stats = col.ensemble_statistics(lambda g: g.normal(2.0, 0.5, size=3), 4000, seed=7)
    assert stats.samples.shape == (4000, 3)
    assert np.allclose(stats.mean, 2.0, atol=0.05)
    assert np.allclose(stats.std, 0.5, atol=0.03)


def test_truncation_check_warns_with_the_numbers():
    rho = qutip.tensor(qutip.thermal_dm(6, 2.0), qutip.thermal_dm(6, 0.01))
    top = col.top_level_populations(rho)
    assert top[0] == pytest.approx(rho.ptrace(0).diag()[-1].real)
    with pytest.warns(PremiseWarning, match="Fock truncation"):
        col.check_fock_truncation(rho)
    assert col.check_fock_truncation(1e-9)
