"""Full counting statistics (engines.fcs) against references computed another way:
closed forms of a two-state chain, QuTiP's countstat_current_noise, and Cauchy-integral
derivatives of the leading eigenvalue of a dense tilted Liouvillian built with QuTiP."""

import math

import numpy as np
import pytest
import qutip
from hypothesis import given, settings
from hypothesis import strategies as st
from qutip import countstat_current_noise

from qfridge.core.baths import BosonicBath
from qfridge.engines.fcs import (
    current_cumulants,
    rate_cumulants,
    tur_check,
    tur_ratio,
)
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.engines.rates import RateEquation
from qfridge.engines.steady import SolverOptions
from systems import random_four_level


def occupation(omega, temperature):
    return 1.0 / np.expm1(omega / temperature)


def taylor(f, orders, radius, points=64):
    """Derivatives f^(n)(0) by the trapezoid rule on the Cauchy integral (exponentially
    accurate for an analytic f)."""
    theta = 2 * np.pi * np.arange(points) / points
    values = np.array([f(radius * np.exp(1j * t)) for t in theta])
    return [math.factorial(n) * np.mean(values * np.exp(-1j * n * theta)).real / radius**n
            for n in orders]


def leading_eigenvalue(matrix):
    ev = np.linalg.eigvals(matrix)
    return ev[np.argmin(np.abs(ev))]


def entropy_production(currents, temperatures):
    """sigma = -sum_b J_b / T_b."""
    return -sum(currents[b] / temperatures[b] for b in currents)


def qubit_rates(omega, t_h, g_h, t_c, g_c):
    """(a_h, b_h, a_c, b_c): up (absorption) and down (emission) rates of each bath."""
    n_h, n_c = occupation(omega, t_h), occupation(omega, t_c)
    return g_h * n_h, g_h * (1 + n_h), g_c * n_c, g_c * (1 + n_c)


def qubit_closed_form(omega, a_h, b_h, a_c, b_c):
    """Mean, noise and third cumulant of the energy taken from bath h by a two-state chain.

    lambda(s) = -G/2 + sqrt(G^2/4 + f(s)), f = (a_h e^{s w} + a_c)(b_h e^{-s w} + b_c) - ab,
    G = a + b: f' = w(a_h b_c - a_c b_h), f'' = w^2(a_h b_c + a_c b_h), f''' = w^2 f'.
    """
    big = a_h + a_c + b_h + b_c
    f1 = omega * (a_h * b_c - a_c * b_h)
    f2 = omega**2 * (a_h * b_c + a_c * b_h)
    f3 = omega**2 * f1
    return (f1 / big, f2 / big - 2 * f1**2 / big**3,
            f3 / big - 6 * f1 * f2 / big**3 + 12 * f1**3 / big**5)


def qubit(omega, t_h, g_h, t_c, g_c):
    h = 0.5 * omega * qutip.sigmaz()
    return MasterEquation.global_secular(h, [(BosonicBath(t_h, g_h, name="h"), qutip.sigmax()),
                                             (BosonicBath(t_c, g_c, name="c"), qutip.sigmax())],
                                         check=False)


QUBIT = (1.0, 2.0, 0.01, 0.5, 0.02)   # omega, T_h, gamma_h, T_c, gamma_c


def test_qubit_cumulants_match_closed_form_and_two_state_eigenvalue():
    omega = QUBIT[0]
    a_h, b_h, a_c, b_c = qubit_rates(*QUBIT)
    closed = qubit_closed_form(omega, a_h, b_h, a_c, b_c)

    def tilted(s):   # [[g<-g, g<-e], [e<-g, e<-e]]
        return np.array([[-(a_h + a_c), b_h * np.exp(-s * omega) + b_c],
                         [a_h * np.exp(s * omega) + a_c, -(b_h + b_c)]])

    numeric = taylor(lambda s: leading_eigenvalue(tilted(s)), (1, 2, 3), radius=0.05)
    np.testing.assert_allclose(numeric, closed, rtol=1e-9)   # the closed form's algebra
    got = current_cumulants(qubit(*QUBIT), "h")
    np.testing.assert_allclose([got.mean, got.noise, got.third], closed, rtol=1e-10)
    assert (got.bath, got.weights) == ("h", "energy")
    assert got.mean > 0 and got.third != 0


def qutip_qubit(omega, a_h, b_h, a_c, b_c):
    """The qubit's Liouvillian, steady state and bath h's (down, up) collapse operators, by
    QuTiP alone (countstat_current_noise gets the steady state: without it, QuTiP's
    steadystate(L, c_ops) would add the counted c_ops to L a second time)."""
    sm = qutip.sigmam()
    c_h = [np.sqrt(b_h) * sm, np.sqrt(a_h) * sm.dag()]
    c_c = [np.sqrt(b_c) * sm, np.sqrt(a_c) * sm.dag()]
    liou = qutip.liouvillian(0.5 * omega * qutip.sigmaz(), c_h + c_c)
    return liou, qutip.steadystate(liou), c_h


def test_qubit_noise_matches_qutip_countstat():
    omega = QUBIT[0]
    liou, rhoss, (down, up) = qutip_qubit(omega, *qubit_rates(*QUBIT))
    j_down, j_up = qutip.sprepost(down, down.dag()), qutip.sprepost(up, up.dag())
    # energy weights: +omega for absorption (up), -omega for emission (down)
    current, noise, _ = countstat_current_noise(
        liou, [down, up], rhoss=rhoss, J_ops=[omega**2 * (j_up + j_down)],
        I_ops=[omega * (j_up - j_down)])
    got = current_cumulants(qubit(*QUBIT), "h")
    np.testing.assert_allclose(got.mean, current[0], rtol=1e-10)
    np.testing.assert_allclose(got.noise, noise[0, 0, 0], rtol=1e-8)


def test_qubit_particle_third_cumulant_matches_qutip_skewness():
    # QuTiP's third cumulant weights its first term by w, correct for weights +-1 only
    liou, rhoss, (down, up) = qutip_qubit(QUBIT[0], *qubit_rates(*QUBIT))
    j_down, j_up = qutip.sprepost(down, down.dag()), qutip.sprepost(up, up.dag())
    current, noise, skew = countstat_current_noise(
        liou, [down, up], rhoss=rhoss, J_ops=[j_up + j_down], I_ops=[j_up - j_down])
    got = current_cumulants(qubit(*QUBIT), "h", weights="particle")
    np.testing.assert_allclose([got.mean, got.noise, got.third],
                               [current[0], noise[0, 0, 0], skew[0, 0]], rtol=1e-8)
    assert got.weights == "particle"


def tilted_liouvillian(me, bath, weights):
    """Dense L(s) = L0 + sum_k (e^{s w_k} - 1) gamma_k L_k . L_k^dagger, by QuTiP."""
    l0 = qutip.liouvillian(me.hamiltonian, me.collapse_operators()).full()
    jumps = [(w, qutip.sprepost(np.sqrt(t.rate) * t.operator,
                                np.sqrt(t.rate) * t.operator.dag()).full())
             for w, t in zip(weights, me.jumps[bath], strict=True)]
    return lambda s: l0 + sum((np.exp(s * w) - 1.0) * j for w, j in jumps)


def local_four_level():
    h, _, _ = random_four_level(np.random.default_rng(7))
    e = np.linalg.eigvalsh(h.full())
    sm1 = qutip.tensor(qutip.sigmam(), qutip.qeye(2))
    sm2 = qutip.tensor(qutip.qeye(2), qutip.sigmam())
    w1, w2 = e[1] - e[0], e[2] - e[0]
    return MasterEquation.local(h, [(BosonicBath(3.0, 0.04, name="h"), Transition(sm1, w1)),
                                    (BosonicBath(0.4, 0.03, name="c"), Transition(sm2, w2))])


def test_third_cumulant_matches_tilted_liouvillian_eigenvalue():
    # local form with an exchange coupling: coherences take part in the statistics
    me = local_four_level()
    for bath in ("h", "c"):
        weights = [-t.energy for t in me.jumps[bath]]
        lam = tilted_liouvillian(me, bath, weights)
        reference = taylor(lambda s, lam=lam: leading_eigenvalue(lam(s)), (1, 2, 3),
                           radius=0.02)
        got = current_cumulants(me, bath)
        np.testing.assert_allclose([got.mean, got.noise, got.third], reference, rtol=1e-6)
        # the local form counts the local current sum_k (-E_k) gamma_k Tr[L^+ L rho]
        rho = me.solve().rho
        local = sum(-t.energy * t.rate * qutip.expect(t.operator.dag() * t.operator, rho)
                    for t in me.jumps[bath])
        np.testing.assert_allclose(got.mean, local, rtol=1e-10)


def test_global_machine_matches_rate_equation_and_heat_currents():
    h, a1, a2 = random_four_level(np.random.default_rng(3))
    me = MasterEquation.global_secular(h, [(BosonicBath(2.5, 0.02, name="h"), a1),
                                           (BosonicBath(0.3, 0.01, name="c"), a2)])
    req = me.rate_equation()
    currents = me.heat_currents(me.solve().rho)
    for bath in ("h", "c"):
        quantum = current_cumulants(me, bath)
        classical = rate_cumulants(req, bath)
        np.testing.assert_allclose(quantum.mean, currents[bath], rtol=1e-10)
        np.testing.assert_allclose([quantum.mean, quantum.noise, quantum.third],
                                   [classical.mean, classical.noise, classical.third],
                                   rtol=1e-8)


def test_dense_and_sparse_routes_and_orders_agree():
    me = local_four_level()
    dense = current_cumulants(me, "h")
    sparse = current_cumulants(me, "h", options=SolverOptions(dense_max=1))
    np.testing.assert_allclose([sparse.mean, sparse.noise, sparse.third],
                               [dense.mean, dense.noise, dense.third], rtol=1e-10)
    first = current_cumulants(me, "h", order=1, rho=me.solve().rho)
    second = current_cumulants(me, "h", order=2)
    assert (first.noise, first.third, second.third) == (None, None, None)
    np.testing.assert_allclose([first.mean, second.noise], [dense.mean, dense.noise],
                               rtol=1e-12)


def test_custom_weights_equal_named_ones():
    me = local_four_level()
    energy = current_cumulants(me, "c")
    by_callable = current_cumulants(me, "c", weights=lambda term: -term.energy)
    particle = current_cumulants(me, "c", weights="particle")
    by_sequence = current_cumulants(me, "c", weights=[-np.sign(t.energy)
                                                      for t in me.jumps["c"]])
    assert by_callable.weights == by_sequence.weights == "custom"
    np.testing.assert_allclose([by_callable.mean, by_callable.noise, by_callable.third],
                               [energy.mean, energy.noise, energy.third], rtol=1e-12)
    np.testing.assert_allclose([by_sequence.mean, by_sequence.noise, by_sequence.third],
                               [particle.mean, particle.noise, particle.third], rtol=1e-12)
    # one quantum of the cold transition carries its frequency
    omega = me.jumps["c"][0].energy
    np.testing.assert_allclose(energy.mean, omega * particle.mean, rtol=1e-12)


def detailed_balance_stack(rng, shape, d=4):
    """Random rate equations: d levels, three baths on different transitions, rates
    obeying local detailed balance; returns (RateEquation, temperatures)."""
    energies = np.sort(rng.random(shape + (d,)) * 3.0, axis=-1)
    temps = {"h": 2.0 + rng.random(shape), "c": 0.2 + 0.3 * rng.random(shape),
             "r": 0.6 + 0.4 * rng.random(shape)}
    masks = {"h": [(0, 2), (1, 3)], "c": [(0, 1), (2, 3)], "r": [(0, 3), (1, 2)]}
    rates = {}
    for bath, pairs in masks.items():
        w = np.zeros(shape + (d, d))
        for lo, hi in pairs:
            g = 0.01 + 0.05 * rng.random(shape)
            n = occupation(energies[..., hi] - energies[..., lo], temps[bath])
            w[..., lo, hi] = g * (1 + n)   # hi -> lo: emission into the bath
            w[..., hi, lo] = g * n
        rates[bath] = w
    return RateEquation(energies, rates), temps


def test_batched_rate_cumulants_equal_single_calls():
    req, _ = detailed_balance_stack(np.random.default_rng(11), (2, 3))
    for weights in ("energy", "particle"):
        batch = rate_cumulants(req, "c", weights=weights)
        assert batch.mean.shape == batch.noise.shape == batch.third.shape == (2, 3)
        for idx in np.ndindex(2, 3):
            single = rate_cumulants(RateEquation(req.energies[idx],
                                                 {b: w[idx] for b, w in req.rates.items()}),
                                    "c", weights=weights)
            np.testing.assert_allclose([batch.mean[idx], batch.noise[idx], batch.third[idx]],
                                       [single.mean, single.noise, single.third], rtol=1e-12)
    heat = req.heat_currents()["c"]
    np.testing.assert_allclose(rate_cumulants(req, "c", order=1).mean, heat, rtol=1e-10)


@settings(max_examples=20, deadline=None)
@given(omega=st.floats(0.5, 3.0), t_c=st.floats(0.05, 5.0),
       ratio=st.one_of(st.floats(0.05, 0.95), st.floats(1.05, 20.0)),
       g_h=st.floats(1e-3, 0.05), g_c=st.floats(1e-3, 0.05))
def test_tur_holds_for_qubit_between_two_baths(omega, t_c, ratio, g_h, g_c):
    t_h = ratio * t_c   # bath "h" hotter or colder than "c", never equal
    me = qubit(omega, t_h, g_h, t_c, g_c)
    got = current_cumulants(me, "h")
    sigma = entropy_production(me.heat_currents(me.solve().rho), {"h": t_h, "c": t_c})
    a_h, b_h, a_c, b_c = qubit_rates(omega, t_h, g_h, t_c, g_c)
    mean, noise, _ = qubit_closed_form(omega, a_h, b_h, a_c, b_c)
    sigma_ref = mean * (1 / t_c - 1 / t_h)   # J_c = -J_h
    np.testing.assert_allclose(sigma, sigma_ref, rtol=1e-8)
    q = tur_ratio(sigma, got.mean, got.noise)
    np.testing.assert_allclose(q, sigma_ref * noise / mean**2, rtol=1e-6)
    assert q >= 2 - 1e-9
    assert tur_check(sigma, got.mean, got.noise)


def test_tur_holds_on_batched_grid():
    req, temps = detailed_balance_stack(np.random.default_rng(5), (50, 4))
    sigma = entropy_production(req.heat_currents(), temps)
    assert np.all(sigma > 0)
    for bath in ("h", "c", "r"):
        for weights in ("energy", "particle"):
            got = rate_cumulants(req, bath, weights=weights, order=2)
            assert got.third is None
            q = tur_ratio(sigma, got.mean, got.noise)
            assert q.shape == (50, 4)
            assert np.all(q >= 2 - 1e-9), q.min()
            assert np.all(tur_check(sigma, got.mean, got.noise))


def test_tur_ratio_and_check_numbers():
    np.testing.assert_allclose(tur_ratio([1.0, 3.0], [1.0, 2.0], [2.0, 1.0]), [2.0, 0.75])
    assert tur_ratio(1.0, 0.0, 1.0) == np.inf
    np.testing.assert_array_equal(tur_check([1.0, 3.0, 0.0], [1.0, 2.0, 0.0],
                                            [2.0, 1.0, 1.0]), [True, False, True])


def test_bad_input_is_refused_by_name():
    me = qubit(*QUBIT)
    req = me.rate_equation()
    with pytest.raises(ValueError, match="unknown bath 'x'"):
        current_cumulants(me, "x")
    with pytest.raises(ValueError, match="unknown bath 'x'"):
        rate_cumulants(req, "x")
    for order in (0, 4, True, 2.0):
        with pytest.raises(ValueError, match="order must be 1, 2 or 3"):
            current_cumulants(me, "h", order=order)
        with pytest.raises(ValueError, match="order must be 1, 2 or 3"):
            rate_cumulants(req, "h", order=order)
    with pytest.raises(ValueError, match="rho must have unit trace"):
        current_cumulants(me, "h", rho=2 * qutip.fock_dm(2, 0))
    with pytest.raises(ValueError, match="rho must be the steady state"):
        current_cumulants(me, "h", rho=qutip.fock_dm(2, 0))
    with pytest.raises(ValueError, match="weights must hold one number per jump term"):
        current_cumulants(me, "h", weights=[1.0])
    with pytest.raises(ValueError, match="weights must be 'energy', 'particle'"):
        current_cumulants(me, "h", weights="heat")
    with pytest.raises(ValueError, match="weights must be 'energy', 'particle'"):
        rate_cumulants(req, "h", weights=np.ones(3))
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        tur_check(1.0, 1.0, 1.0, rtol=-1.0)
