"""Seed 000: the exact collision stream against the closed forms it should reduce to."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.units import TWO_PI
from qfridge.core.validity import PremiseWarning
from qfridge.models._cavity_exact import (
    collision_map,
    effective_chi,
    exact_steady_state,
    population_transfer_matrix,
)
from qfridge.models.cavity_cooling import (
    WEAK_COLLISION_ERROR,
    WEAK_COLLISION_PHI,
    CorrelatedPairCooling,
    weak_collision_error,
)

TAU = 50e-9


def model(coupling, phi, **kw):
    """Table 2 (T_bath = 10 K, kappa = 1e4 /s, R = 5e6 /s) with g = phi / tau."""
    return CorrelatedPairCooling.paper_baseline(coupling, reading="phi", g=phi / TAU, **kw)


def closed(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        return m.n_star()


@pytest.mark.parametrize("coupling", ["one", "two"])
@pytest.mark.parametrize("exchange", [False, True])
def test_population_method_equals_qutip_superoperator(coupling, exchange):
    m = model(coupling, 0.4, t_bath=0.2, lam=TWO_PI * 0.3e6).with_detuning(TWO_PI * 3e6)
    a = exact_steady_state(m, n_levels=12, exchange_during_collision=exchange)
    b = exact_steady_state(m, n_levels=12, method="superoperator",
                           exchange_during_collision=exchange)
    np.testing.assert_allclose(a.populations, b.populations, atol=1e-11)
    # and the transfer matrix is the CollisionMap's action on Fock states
    cmap, p = collision_map(m, 12, exchange), population_transfer_matrix(m, 12, exchange)
    out = np.real(np.diag(cmap.apply(qutip.fock_dm(12, 4)).full()))
    np.testing.assert_allclose(out, p[:, 4], atol=1e-13)
    np.testing.assert_allclose(p.sum(axis=0), 1.0, atol=1e-13)


@pytest.mark.parametrize("coupling", ["one", "two"])
def test_exact_matches_closed_form_at_phi_0p05(coupling):
    """Issue 4: relative error of n* below 2 % at phi = 0.05 on resonance (chi = 2)."""
    m = model(coupling, 0.05)
    ex = exact_steady_state(m)
    rel = abs(closed(m) - ex.n_star) / ex.n_star
    assert rel < 0.02
    assert ex.top_population < 1e-10


@pytest.mark.parametrize("coupling", ["one", "two"])
def test_error_is_second_order_in_phi_at_fixed_stream_strength(coupling):
    """At fixed R phi^2 the closed form is the phi -> 0 limit; the error falls like phi^2."""
    errs = []
    for phi in (0.04, 0.02, 0.01):
        m = model(coupling, phi, rate=5e6 * (0.04 / phi) ** 2, t_bath=1.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PremiseWarning)   # R tau grows; not used here
            ex = exact_steady_state(m)
        errs.append(abs(closed(m) - ex.n_star) / ex.n_star)
    assert errs[0] / errs[1] == pytest.approx(4.0, rel=0.05)
    assert errs[1] / errs[2] == pytest.approx(4.0, rel=0.05)


def test_effective_chi_tends_to_two_and_one():
    m2, m1 = model("two", 0.01, t_bath=1.0), model("one", 0.01, t_bath=1.0)
    assert effective_chi(m2, exact_steady_state(m2).n_star) == pytest.approx(2.0, rel=2e-3)
    assert effective_chi(m1, exact_steady_state(m1).n_star) == pytest.approx(1.0, rel=2e-3)
    # larger angles saturate: chi_eff drops below 2 (Rabi oscillation, sin^2 < phi^2 n)
    m3 = model("two", 0.3, t_bath=1.0)
    assert effective_chi(m3, exact_steady_state(m3).n_star) < 1.9


def test_one_atom_exact_is_blind_to_pair_coherence():
    """Only atom A's marginal (r1, r2) enters the one-atom map: rho_nd drops out exactly."""
    m = model("one", 0.3, t_bath=0.5)
    p = population_transfer_matrix(m, 20)
    # a product pair state with the same marginal for A gives the same map
    w = m.pair_weights()
    r1 = w["rho_e"] + w["rho_d"]
    prod = np.kron(np.diag([1 - r1, r1]), np.diag([1 - r1, r1]))
    cmap = collision_map(m, 20)
    alt = type(cmap)(cmap.unitary, qutip.Qobj(prod, dims=[[4], [4]]))
    out = np.real(np.diag(alt.apply(qutip.fock_dm(20, 3)).full()))
    np.testing.assert_allclose(out, p[:, 3], atol=1e-13)


def test_detuned_exact_follows_sinc2_kernel_not_lorentzian():
    """Exact detuning dependence at small phi: the kappa -> 0 kernel tau^2 sinc^2 (Eq. 13)."""
    d = TWO_PI * 6e6     # Delta tau = 1.88: sinc^2(Delta tau/2) = 0.74, Lorentzian 0.066
    base = model("one", 0.02, t_bath=1.0).with_detuning(d)
    ex = exact_steady_state(base).n_star
    ker = closed(base.replace(detuning_filter="kernel"))
    lor = closed(base)
    assert abs(ker - ex) / ex < 2e-3
    assert abs(lor - ex) / ex > 0.03


def test_truncation_warning():
    m = model("one", 0.05)
    with pytest.warns(PremiseWarning, match="Fock truncation"):
        exact_steady_state(m, n_levels=20)


def test_exact_needs_scalars_and_known_method():
    m = model("one", 0.05).with_detuning(np.array([0.0, 1e6]))
    with pytest.raises(ValueError, match="omega"):
        exact_steady_state(m)
    with pytest.raises(ValueError, match="method"):
        exact_steady_state(model("one", 0.05), method="mc")


def test_one_atom_kappa0_exact_detailed_balance_at_any_phi():
    """One atom: P(n->n+1)/P(n+1->n) = r1/r2 exactly, so Eq. 30 holds even at phi >> 1."""
    for phi in (0.05, 1.3, 150.3):
        m = model("one", phi, kappa=0.0)
        ex = exact_steady_state(m, n_levels=40)
        r1, r2 = m.stream_coefficients()
        np.testing.assert_allclose(ex.populations[1:6] / ex.populations[:5], r1 / r2,
                                   rtol=1e-6)     # near-trapping states: conditioning
        assert ex.t_cav == pytest.approx(m.t_cav_kappa0(), rel=1e-7)


def test_two_atom_kappa0_exact_tends_to_eq38():
    m = model("two", 0.01, kappa=0.0)
    assert exact_steady_state(m, n_levels=30).t_cav == pytest.approx(m.t_cav_kappa0(),
                                                                     rel=1e-4)


def test_trapping_angle_breaks_the_kappa0_limit():
    """g tau = 50 pi (literal Table 2): the vacuum is a trap, sin(phi) = 0, P(0 -> 1) = 0."""
    m = CorrelatedPairCooling.paper_baseline("one")
    p = population_transfer_matrix(m, 6)
    assert p[1, 0] < 1e-20 and p[0, 0] == pytest.approx(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        t = exact_steady_state(m.replace(kappa=1e-3)).t_cav
    assert t > 1.5 * m.t_cav_kappa0()        # ~357 mK instead of 218 mK


@pytest.mark.parametrize("coupling, phi", [("one", 0.05), ("two", 0.157)])
def test_weak_collision_error_table_is_what_the_exact_stream_gives(coupling, phi):
    # two points of the documented table behind the weak-collision premise, recomputed
    i = WEAK_COLLISION_PHI.index(phi)
    m = model(coupling, phi)
    ex = exact_steady_state(m).n_star
    err = abs(closed(m) - ex) / ex
    assert err == pytest.approx(WEAK_COLLISION_ERROR[coupling][i], rel=0.01)
    assert weak_collision_error(phi, coupling) == pytest.approx(err, rel=0.01)
