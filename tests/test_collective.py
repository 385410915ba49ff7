"""The permutation-symmetric Dicke rate equation against exact references."""

import time

import numpy as np
import pytest
import qutip

from qfridge.core.thermal import bose
from qfridge.engines.collective import (
    CollectiveRateEquation,
    DickeBasis,
    DickeBath,
    DickeState,
    dicke_degeneracy,
    full_space_system,
    piqs_steady_state,
)
from qfridge.engines.steady import Method


def three_baths(g_h=0.1, g_c=0.07, g_p=0.013, t_h=1.3, t_c=0.4, t_p=0.8):
    return [DickeBath.thermal("hot", g_h, bose(1.0, t_h)),
            DickeBath.thermal("cold", g_c, bose(1.0, t_c)),
            DickeBath.thermal("parasitic", g_p, bose(1.0, t_p), collective=False)]


@pytest.mark.parametrize("n", [1, 2, 5, 12, 33])
def test_degeneracies_count_the_whole_hilbert_space(n):
    basis = DickeBasis(n)
    d = dicke_degeneracy(n, basis.j_values)
    assert np.sum(d * (2 * basis.j_values + 1)) == 2.0**n
    assert basis.size == sum(int(2 * j + 1) for j in basis.j_values)
    idx = basis.index(basis.j, basis.m)
    np.testing.assert_array_equal(idx, np.arange(basis.size))


@pytest.mark.parametrize("n", [1, 2, 3, 8, 31])
def test_local_rates_sum_to_number_of_excited_spins(n):
    """Trace preservation: the local-emission rates out of (J, M) add up to gamma (N/2 + M)."""
    eq = CollectiveRateEquation(n, 1.0, [DickeBath("loc", 0.7, 0.0, collective=False)])
    src, _, rate = eq.transitions()
    out = np.bincount(src, weights=rate, minlength=eq.basis.size)
    np.testing.assert_allclose(out, 0.7 * (n / 2 + eq.basis.m), rtol=1e-13, atol=1e-15)
    eq = CollectiveRateEquation(n, 1.0, [DickeBath("loc", 0.0, 0.3, collective=False)])
    src, _, rate = eq.transitions()
    out = np.bincount(src, weights=rate, minlength=eq.basis.size)
    np.testing.assert_allclose(out, 0.3 * (n / 2 - eq.basis.m), rtol=1e-13, atol=1e-15)
    g = eq.generator()
    assert np.max(np.abs(np.asarray(g.sum(axis=0)))) < 1e-13


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_matches_full_lindblad_with_parasitic_bath(n):
    """Steady heat currents, <J_z> and <J^2> equal the 2^N Lindblad steady state to 1e-10."""
    baths = three_baths()
    eq = CollectiveRateEquation(n, 1.0, baths)
    state = eq.steady_state()
    ours = eq.heat_currents(state)
    me, jz = full_space_system(n, 1.0, baths)
    rho = me.steady_state(Method.QUTIP)  # independent reference: qutip.steadystate
    ref = me.heat_currents(rho)
    for name in ours:
        assert ours[name] == pytest.approx(ref[name], rel=1e-10, abs=1e-15)
    assert state.mean_jz == pytest.approx(qutip.expect(jz, rho), rel=1e-10)
    jm = me.jumps["hot"][0].operator  # J_- (the emission term of the hot bath)
    jx, jy = (jm + jm.dag()) / 2, (jm - jm.dag()) / 2j
    j2 = jx * jx + jy * jy + jz * jz
    assert state.mean_j2 == pytest.approx(qutip.expect(j2, rho), rel=1e-10)


def test_dynamics_match_full_lindblad():
    """Transient populations (not only the steady state) follow the full master equation."""
    n = 3
    baths = three_baths(g_p=0.05)
    eq = CollectiveRateEquation(n, 1.0, baths)
    times = np.array([0.0, 0.7, 3.0, 11.0])
    pops = eq.evolve(DickeState.ground(n), times)
    me, jz = full_space_system(n, 1.0, baths)
    psi0 = qutip.tensor([qutip.basis(2, 1)] * n)  # all spins down (sigma_z = -1)
    res = me.evolve(psi0, times, e_ops=[jz], options={"atol": 1e-12, "rtol": 1e-10})
    ours = pops @ eq.basis.m
    np.testing.assert_allclose(ours, res.expect[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(pops.sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("n", [2, 5, 9])
def test_single_collective_bath_is_thermal_in_every_sector(n):
    t = 0.6
    eq = CollectiveRateEquation(n, 1.0, [DickeBath.thermal("only", 0.2, bose(1.0, t))])
    state = eq.steady_state(DickeState.maximally_mixed(n).sector_populations)
    for j in eq.basis.j_values:
        p = state.sector(j)
        m = np.arange(-j, j + 1)
        w = np.exp(-m / t)
        np.testing.assert_allclose(p / p.sum(), w / w.sum(), rtol=1e-12)
    # the J weights are those of the initial state (Eq. 17)
    np.testing.assert_allclose(state.sector_populations,
                               DickeState.maximally_mixed(n).sector_populations, rtol=1e-12)


@pytest.mark.parametrize("n", [3, 40])
def test_collective_and_local_bath_at_one_temperature_give_gibbs(n):
    """Both baths at T: the unique steady state is the product Gibbs state exp(-J_z/T)/Z."""
    t = 0.9
    nb = bose(1.0, t)
    eq = CollectiveRateEquation(n, 1.0, [DickeBath.thermal("c", 0.1, nb),
                                         DickeBath.thermal("l", 0.004, nb, collective=False)])
    state = eq.steady_state()
    ref = DickeState.product_thermal(n, 1.0 / (np.exp(1.0 / t) + 1.0))
    np.testing.assert_allclose(state.populations, ref.populations, rtol=1e-9, atol=1e-300)
    assert all(abs(q) < 1e-12 for q in eq.heat_currents(state).values())


@pytest.mark.parametrize("n", [5, 60])
def test_currents_sum_to_zero(n):
    eq = CollectiveRateEquation(n, 1.0, three_baths())
    q = eq.heat_currents(eq.steady_state())
    assert abs(sum(q.values())) < 1e-12 * max(abs(v) for v in q.values())
    assert q["hot"] > 0 > q["cold"]


def test_piqs_agrees_and_its_trace_defect_is_measured():
    """qutip.piqs gives the same populations up to its single-precision coefficients."""
    n = 4
    baths = three_baths()
    eq = CollectiveRateEquation(n, 1.0, baths)
    ours = eq.steady_state()
    theirs, info = piqs_steady_state(n, 1.0, baths)
    assert info["max_coherence"] < 1e-12
    assert info["trace_defect"] < 1e-6
    np.testing.assert_allclose(theirs.populations, ours.populations, rtol=1e-4, atol=1e-7)
    assert eq.heat_current(theirs, "hot") == pytest.approx(eq.heat_current(ours, "hot"),
                                                          rel=1e-4)


def test_two_hundred_spins_with_parasitic_bath_is_fast():
    n = 200
    start = time.perf_counter()
    eq = CollectiveRateEquation(n, 1.0, three_baths(g_p=1e-3, t_p=0.1))
    state = eq.steady_state()
    q = eq.heat_currents(state)
    elapsed = time.perf_counter() - start
    assert elapsed < 10.0
    assert abs(state.trace - 1) < 1e-12
    assert np.max(np.abs(eq.generator() @ state.populations)) < 1e-12 * n**2
    assert abs(sum(q.values())) < 1e-10 * q["hot"]


def test_sector_populations_validation_and_errors():
    eq = CollectiveRateEquation(3, 1.0, [DickeBath.thermal("c", 0.1, 0.2)])
    state = eq.steady_state({0.5: 1.0})
    assert state.sector_populations[0] == 0.0
    with pytest.raises(ValueError, match="J = 1"):
        eq.steady_state({1: 1.0})
    with pytest.raises(ValueError, match="must not all vanish"):
        eq.steady_state({1.5: 0.0})
    loc = CollectiveRateEquation(3, 1.0, three_baths())
    with pytest.raises(ValueError, match="sector_populations"):
        loc.steady_state({1.5: 1.0})
    with pytest.raises(ValueError, match="n_qubits"):
        CollectiveRateEquation(0, 1.0, [])
    with pytest.raises(ValueError, match="omega0"):
        CollectiveRateEquation(2, -1.0, [])
    with pytest.raises(ValueError, match="emission rate of bath 'x'"):
        DickeBath("x", -0.1, 0.0)
    with pytest.raises(ValueError, match="distinct"):
        CollectiveRateEquation(2, 1.0, [DickeBath("a", 1, 0), DickeBath("a", 1, 0)])
    with pytest.raises(ValueError, match="unknown bath"):
        loc.heat_current(loc.steady_state(), "nope")


@pytest.mark.parametrize("n", [40, 100])
def test_parasitic_bath_at_tstar_is_exact_for_large_n(n):
    """T_p = T*: the product Gibbs state at T* is stationary, Q_h = Eq. 26 exactly (qutip.piqs
    misses this by ~1e-5 at these sizes because of its single-precision coefficients)."""
    g, t_h, t_c = 0.1, 3.0, 1 / 3
    n_h, n_c = bose(1.0, t_h), bose(1.0, t_c)
    t_star = 1.0 / np.log((2 + n_h + n_c) / (n_h + n_c))
    eq = CollectiveRateEquation(n, 1.0, [DickeBath.thermal("hot", g, n_h),
                                         DickeBath.thermal("cold", g, n_c),
                                         DickeBath.thermal("p", 1e-3, bose(1.0, t_star), False)])
    q = eq.heat_current(eq.steady_state(), "hot")
    q_ind = n * g * g * (n_h - n_c) / (g * (2 * n_c + 1) + g * (2 * n_h + 1))
    assert q == pytest.approx(q_ind, rel=1e-11)


def test_piqs_ordering_of_states():
    from qutip import piqs

    for n in (3, 4):
        np.testing.assert_allclose(DickeState.ground(n).to_piqs(), piqs.ground(n).full().real)
        basis = DickeBasis(n)
        k = basis.index(n / 2 - 1, n / 2 - 2)
        p = np.zeros(basis.size)
        p[k] = 1.0
        ref = piqs.dicke(n, n / 2 - 1, n / 2 - 2).full().real
        np.testing.assert_allclose(DickeState(basis, p).to_piqs(), ref)
