import numpy as np
import pytest

from qfridge.engines.rates import RateEquation, generator, heat_current, steady_state
from qfridge.engines.steady import SteadyStateError


def test_two_level_detailed_balance():
    # rates[i, j] = rate j -> i; down = 1 -> 0 rate 2, up = 0 -> 1 rate 0.5
    w = np.array([[0.0, 2.0], [0.5, 0.0]])
    np.testing.assert_allclose(steady_state(w), [0.8, 0.2])


def test_batched_shapes_and_generator_kernel():
    rng = np.random.default_rng(0)
    w = rng.random((3, 7, 5, 5))
    p = steady_state(w)
    assert p.shape == (3, 7, 5)
    np.testing.assert_allclose(p.sum(-1), 1.0)
    np.testing.assert_allclose(np.einsum("...ij,...j->...i", generator(w), p), 0.0, atol=1e-14)
    assert np.all(p > 0)


def test_large_batch_matches_single_solves():
    rng = np.random.default_rng(1)
    w = rng.random((2000, 4, 4)) * rng.random((2000, 1, 1)) * 1e3
    p = steady_state(w)
    for k in (0, 999, 1999):
        np.testing.assert_allclose(p[k], steady_state(w[k]), rtol=1e-12)


def test_three_level_cycle_current_and_energy_balance():
    # A three-level maser-like system between a hot and a cold bath.
    e = np.array([0.0, 1.0, 3.0])
    hot = np.zeros((3, 3))
    cold = np.zeros((3, 3))
    th, tc = 5.0, 0.5
    hot[2, 0], hot[0, 2] = np.exp(-3.0 / th), 1.0
    cold[1, 0], cold[0, 1] = np.exp(-1.0 / tc), 1.0
    cold[2, 1], cold[1, 2] = np.exp(-2.0 / tc), 1.0
    eq = RateEquation(e, {"hot": hot, "cold": cold})
    j = eq.heat_currents()
    assert j["hot"] > 0 > j["cold"]
    assert j["hot"] + j["cold"] == pytest.approx(0.0, abs=1e-15)
    p = eq.steady_state()
    assert heat_current(hot, e, p) == pytest.approx(j["hot"])


def test_bad_rate_input():
    with pytest.raises(ValueError, match=r"shape \(\.\.\., d, d\)"):
        steady_state(np.ones((2, 3)))
    with pytest.raises(ValueError, match=">= 0 off the diagonal"):
        steady_state(np.array([[0.0, -1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="rates must be finite"):
        steady_state(np.array([[0.0, np.nan], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="no unique steady state"):
        steady_state(np.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match="3 levels but there are 2 energies"):
        RateEquation(np.array([0.0, 1.0]), {"b": np.ones((3, 3))})


def test_reducible_rate_matrices_are_refused_not_answered():
    """Two closed classes: no unique steady state. Every one of 2000 random two-block
    matrices is refused (before, 1182 of them came back with an arbitrary answer)."""
    from qfridge.engines.steady import SteadyStateError

    rng = np.random.default_rng(11)
    for _ in range(2000):
        d1, d2 = rng.integers(1, 4, size=2)
        w = np.zeros((d1 + d2, d1 + d2))
        w[:d1, :d1] = rng.uniform(0.1, 1.0, (d1, d1))
        w[d1:, d1:] = rng.uniform(0.1, 1.0, (d2, d2))
        with pytest.raises(SteadyStateError, match="no unique steady state"):
            steady_state(w)
    # in a stack, the bad problem is named: the second has state 2 isolated (1 -> 0 only)
    stack = np.stack([np.ones((3, 3)), [[0, 1, 0], [0, 0, 0], [0, 0, 0]]])
    with pytest.raises(SteadyStateError, match="1 rate problem.*problem 1"):
        steady_state(stack)


def test_stiff_irreducible_ladder_keeps_relative_precision():
    """Rates 1e-3 and 1e-12 on a thermal ladder: detailed balance fixes the populations
    whatever the rates; the 1e-14 population comes out to relative 1e-12."""
    temp, omegas, strengths = 0.07, (1.0, 1.2), (1e-3, 1e-12)
    w = np.zeros((3, 3))
    for k, (om, kk) in enumerate(zip(omegas, strengths, strict=True)):
        n = 1.0 / np.expm1(om / temp)
        w[k, k + 1], w[k + 1, k] = kk * (1 + n), kk * n
    p = steady_state(w)
    exact = np.exp(-np.array([0.0, omegas[0], sum(omegas)]) / temp)
    exact /= exact.sum()
    assert exact[2] < 1e-12
    assert np.max(np.abs(p / exact - 1)) < 1e-12


def test_detailed_balance_matches_the_rate_matrix_and_takes_infinite_limits():
    from qfridge.engines.rates import detailed_balance

    rng = np.random.default_rng(5)
    up, down = rng.uniform(0.1, 2.0, 6), rng.uniform(0.1, 2.0, 6)
    w = np.diag(up, -1) + np.diag(down, 1)     # w[to, from]
    np.testing.assert_allclose(detailed_balance(up, down), steady_state(w), rtol=1e-12)
    # an infinitely fast jump empties the level it leaves; the limit of large finite rates
    big = 1e9
    for i, j in ((4, None), (None, 1)):
        u, d = up.copy(), down.copy()
        if i is not None:
            d[i] = np.inf
        if j is not None:
            u[j] = np.inf
        uf, df = np.where(np.isinf(u), big, u), np.where(np.isinf(d), big, d)
        np.testing.assert_allclose(detailed_balance(u, d), detailed_balance(uf, df),
                                   atol=1e-8)
    p = detailed_balance(up, np.where(np.arange(6) == 4, np.inf, down))
    assert np.all(p[5:] == 0) and p[:5].sum() == pytest.approx(1.0)
    with pytest.raises(SteadyStateError, match="two closed classes"):
        detailed_balance([1.0, 0.0, np.inf], [1.0, 1.0, 1.0])
    with pytest.raises(SteadyStateError, match="undefined"):
        detailed_balance([1.0, 0.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="up rates"):
        detailed_balance([-1.0], [1.0])
