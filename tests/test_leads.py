"""Lead-derived Pauli rates (engines.leads) against closed forms, quadrature and exact
Lindblad dynamics of system + lead (seed 002, anti-thermalization)."""

import warnings

import numpy as np
import pytest
import qutip
from scipy.integrate import quad
from scipy.optimize import brentq

from qfridge.core.validity import PremiseWarning
from qfridge.engines.blocks import ChargeError
from qfridge.engines.leads import (
    Dispersion,
    FermionLead,
    QubitLead,
    lead_rates,
    spin_beta_fermion_lead,
    spin_beta_qubit_lead,
    tight_binding_integral,
    zeno_rates,
    zeno_relaxation_time,
)
from qfridge.engines.steady import SteadyStateError

# ---------------------------------------------------------------------------------------
# references written independently of the module
# ---------------------------------------------------------------------------------------


def _quad(f, a, b, points=()):
    """Adaptive quadrature split at ``points`` (the reference for every integral)."""
    cuts = sorted({a, b, *(p for p in points if a < p < b)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sum(quad(f, lo, hi, epsabs=0.0, epsrel=1e-13, limit=400)[0]
                   for lo, hi in zip(cuts[:-1], cuts[1:], strict=True))


def _i_ref(x, theta):
    return _quad(lambda k: np.sin(k) ** 2 / (x - np.cos(k)) ** 2, 0.0, theta)


def _band_ref(energy, mu, omega, p, eta=0.0, breaks=()):
    r"""(2/pi) \int_{p(eps - mu) > 0} sin^2 k / ((omega - |eps - mu|)^2 + eta^2), A10 as
    printed, with the Fermi points found here on a fine grid."""
    grid = np.linspace(0.0, np.pi, 4001)
    f = energy(grid) - mu
    fermi = [brentq(lambda k: energy(k) - mu, grid[i], grid[i + 1])
             for i in np.flatnonzero(np.sign(f[:-1]) * np.sign(f[1:]) < 0)]

    def integrand(k):
        e = energy(k) - mu
        if p * e <= 0:
            return 0.0
        return np.sin(k) ** 2 / ((omega - abs(e)) ** 2 + eta**2)

    return 2.0 / np.pi * _quad(integrand, 0.0, np.pi, [*fermi, *breaks])


def _dense_steady(h, c_ops):
    """Exact steady state by a dense LU of the Liouvillian (trace row replaced)."""
    n = h.shape[0]
    liou = qutip.liouvillian(h, c_ops).full()  # column-stacking vectorisation
    liou[0, :] = np.eye(n).reshape(-1, order="F")
    rhs = np.zeros(n * n, dtype=complex)
    rhs[0] = 1.0
    return qutip.Qobj(np.linalg.solve(liou, rhs).reshape(n, n, order="F"), dims=h.dims)


def _exact_qubit_lead(h_s, s_minus, gap, eps, gamma, beta=np.inf, nu=0.0):
    """System populations in the eigenbasis of H_S from exact Lindblad dynamics of
    system + lead qubit: H_L = -gap sigma_z/2, H_SL = s+ (S- + nu S+) + h.c., jumps
    sqrt(g-) s+, sqrt(g+) s- with g+/g- = exp(-beta gap), g- + g+ = gamma."""
    one = qutip.qeye(h_s.dims[0])
    a = s_minus + nu * s_minus.dag()
    h = (qutip.tensor(-gap * qutip.sigmaz() / 2, one) + qutip.tensor(qutip.qeye(2), h_s)
         + eps * (qutip.tensor(qutip.sigmap(), a) + qutip.tensor(qutip.sigmam(), a.dag())))
    g_minus = gamma / (1.0 + np.exp(-beta * gap))
    c_ops = [np.sqrt(g_minus) * qutip.tensor(qutip.sigmap(), one)]
    if gamma - g_minus > 0:
        c_ops.append(np.sqrt(gamma - g_minus) * qutip.tensor(qutip.sigmam(), one))
    rho = _dense_steady(h, c_ops)
    rho_s = rho.ptrace(list(range(1, 1 + len(h_s.dims[0])))).full()
    _, v = np.linalg.eigh(h_s.full())
    return np.real(np.einsum("ai,ab,bi->i", v.conj(), rho_s, v))


def _spin_chain(n, jz=1.0, jp=0.5, bz=-1.0, bx=0.0):
    """XXZ chain with S = sigma/2, longitudinal and transverse fields; S^- of site 0."""
    s = [op / 2 for op in (qutip.sigmax(), qutip.sigmay(), qutip.sigmaz())]

    def site(op, i):
        ops = [qutip.qeye(2)] * n
        ops[i] = op
        return qutip.tensor(ops)

    h = 0
    for i in range(n - 1):
        h += jp * (site(s[0], i) * site(s[0], i + 1) + site(s[1], i) * site(s[1], i + 1))
        h += jz * site(s[2], i) * site(s[2], i + 1)
    for i in range(n):
        h += bz * site(s[2], i) + bx * site(s[0], i)
    return h, site(qutip.sigmam(), 0), sum(site(s[2], i) for i in range(n))


def _beta_of(populations, energies):
    """Inverse temperatures p_{m+1}/p_m = exp(-beta (E_{m+1} - E_m)) of adjacent levels."""
    return np.log(populations[:-1] / populations[1:]) / np.diff(energies)


# ---------------------------------------------------------------------------------------
# I(x, theta), Eq. A12
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("x", "theta"), [
    (1.3, 1.0), (4.0, 2.9),                 # x > 1
    (-2.5, 2.0), (-1.05, 3.0),              # x < -1 (arctan with (1 + x) < 0)
    (0.3, 1.0), (-0.8, 2.0), (0.999, 0.04),  # |x| < 1, pole beyond theta (artanh branch)
    (-1.0, 2.5),                            # x = -1, theta < pi
    (1.0 + 1e-3, 1e-3), (2e3, 2.0), (-50.0, 0.3),  # terms cancel: quadrature fallback
])
def test_tight_binding_integral_branches_match_quadrature(x, theta):
    assert tight_binding_integral(x, theta) == pytest.approx(_i_ref(x, theta), rel=1e-10)


def test_tight_binding_integral_exact_limits():
    # theta = pi: I = pi (|x| / sqrt(x^2 - 1) - 1) on both sides (tan(theta/2) = inf)
    for x in (1.0 + 1e-9, 1.7, -1.7, -1.0 - 1e-6, 30.0):
        exact = np.pi * (abs(x) / np.sqrt((x - 1) * (x + 1)) - 1)
        assert tight_binding_integral(x, np.pi) == pytest.approx(exact, rel=1e-12)
    # x = -1: tan^2(k/2) integrates to 2 tan(theta/2) - theta
    for th in (0.3, 2.0, 3.1):
        assert tight_binding_integral(-1.0, th) == pytest.approx(2 * np.tan(th / 2) - th,
                                                                 rel=1e-13)
    assert tight_binding_integral(0.7, 0.0) == 0.0
    assert tight_binding_integral(1.0, 0.0) == 0.0
    # the pole cos k = x inside [0, theta] (endpoints included): the rate diverges
    for x, th in ((0.3, 1.5), (1.0, 0.2), (np.cos(1.2), 1.2), (-1.0, np.pi), (-0.99, np.pi)):
        assert tight_binding_integral(x, th) == np.inf
    out = tight_binding_integral(np.array([[1.5], [-2.0]]), np.array([0.5, 1.0, np.pi]))
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(np.pi * (2 / np.sqrt(3) - 1), rel=1e-13)


def test_tight_binding_integral_refuses_bad_input():
    with pytest.raises(ValueError, match="theta"):
        tight_binding_integral(2.0, 3.5)
    with pytest.raises(ValueError, match="x must be finite"):
        tight_binding_integral(np.nan, 1.0)


# ---------------------------------------------------------------------------------------
# A10 / A11 / A9 and the dispersion of App. C
# ---------------------------------------------------------------------------------------

J = 0.5


@pytest.mark.parametrize("mu", [-0.4, 0.25, -1.3, 1.3])  # in the band, below, above
def test_a11_closed_form_matches_a10_quadrature(mu):
    lead = FermionLead(J, mu)
    omega = np.array([-1.7, -0.2, 0.35, 2.6])
    for p in (1, -1):
        got = lead.kernel(omega, p)
        for w, g in zip(omega, got, strict=True):
            ref = _band_ref(lambda k: -2 * J * np.cos(k), mu, w, p)
            if np.isinf(g):  # resonance: omega inside the excitation window of channel p
                lo, hi = (max(0, mu - 2 * J), mu + 2 * J) if p < 0 else \
                    (max(0, -2 * J - mu), 2 * J - mu)
                assert lo <= w <= hi
            else:
                assert g == pytest.approx(ref, rel=1e-10, abs=1e-300)
    # outside the band one channel is empty: below it every mode is empty (no holes)
    if mu < -2 * J:
        assert np.all(lead.kernel(omega, -1) == 0) and lead.windows(-1).size == 0
    if mu > 2 * J:
        assert np.all(lead.kernel(omega, 1) == 0) and lead.windows(1).size == 0


def test_broadened_kernel_matches_quadrature():
    # closed form continued to complex x (range 1) and the tanh-sinh rule (range 3), both
    # through resonances where the Lorentzian of width eta is resolved
    for r, mu in ((1, 0.2), (3, -0.3)):
        lead = FermionLead(J, mu, range=r)
        disp = lead.dispersion
        for p, w in ((-1, 0.6), (-1, -0.01), (1, 0.9), (1, 2.5)):
            got = lead.kernel(np.array([w]), p, broadening=1e-3)[0]
            ref = _band_ref(disp.energy, mu, w, p, eta=1e-3,
                            breaks=_resonances(disp.energy, mu, w))
            assert got == pytest.approx(ref, rel=1e-9)


def _resonances(energy, mu, w):
    grid = np.linspace(0.0, np.pi, 4001)
    f = np.abs(energy(grid) - mu) - w
    return [brentq(lambda k: abs(energy(k) - mu) - w, grid[i], grid[i + 1])
            for i in np.flatnonzero(np.sign(f[:-1]) * np.sign(f[1:]) < 0)]


@pytest.mark.parametrize("r", [2, 3, 5])
def test_longer_range_kernel_matches_quadrature(r):
    disp = Dispersion(J, r)
    for mu in (-0.6, 0.35):
        lead = FermionLead(J, mu, range=r)
        for p in (1, -1):
            for w in (-0.9, -1e-3, 2.4):
                got = lead.kernel(np.array([w]), p)[0]
                ref = _band_ref(disp.energy, mu, w, p, breaks=disp.stationary_points)
                assert got == pytest.approx(ref, rel=1e-9)


def test_finite_lead_sum_converges_to_infinite_lead():
    # A9 -> A10: the sum over k = q pi/(l+1) is a trapezoid rule of an even, periodic
    # integrand: exact to rounding without a Fermi point (mu outside the band), O(1/l)
    # with one (the step at k_F)
    omega = np.array([-1.7, -0.45, -2.6])
    for mu, p in ((-1.4, 1), (1.4, -1)):
        inf = FermionLead(J, mu).kernel(omega, p)
        np.testing.assert_allclose(FermionLead(J, mu, sites=50).kernel(omega, p), inf,
                                   rtol=1e-13)
    mu = 0.37
    inf = FermionLead(J, mu).kernel(omega, -1)
    errors = [np.max(np.abs(FermionLead(J, mu, sites=l).kernel(omega, -1) / inf - 1))
              for l in (50, 200, 800)]
    # measured 0.027, 0.011, 0.0039
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 5.0 / 800
    # through lead_rates: the spin temperature of a 1600-site lead is the infinite lead's
    # to O(1/l) (measured 0.31 %)
    h, sm = 1.5 * qutip.jmat(0.5, "z"), qutip.jmat(0.5, "-")
    beta = []
    for l in (1600, None):
        p = lead_rates(h, sm, FermionLead(J, -0.2, sites=l), 1e-3, 1e-3).populations()
        beta.append(np.log(p[0] / p[1]) / 1.5)
    assert beta[0] == pytest.approx(beta[1], rel=1e-2)
    assert beta[1] == pytest.approx(spin_beta_fermion_lead(1.5, J, -0.2), rel=1e-12)


def test_dispersion_of_appendix_c():
    k = np.linspace(0, np.pi, 501)
    np.testing.assert_array_equal(Dispersion(0.7).energy(k), -1.4 * np.cos(k))
    assert Dispersion(0.7).coefficients == (0.0, 1.4)
    for r in range(1, 6):
        d = Dispersion(0.7, r)
        assert d.energy(np.pi) == pytest.approx(1.4, rel=1e-14)
        assert d.energy(0.0) == pytest.approx(-1.4, rel=1e-14)
        a, b = d.coefficients
        m = np.arange(1, r + 1)
        np.testing.assert_allclose(d.energy(k), a - b * (np.cos(np.outer(k, m)) / m).sum(1),
                                   rtol=1e-13, atol=1e-13)
    assert Dispersion(0.7).monotonic and np.all(np.diff(Dispersion(0.7).energy(k)) > 0)
    # range >= 2 is not monotonic: eps' = B sum_m sin(mk) = 0 at 2 pi n / r, 2 pi n/(r+1)
    np.testing.assert_allclose(Dispersion(0.7, 2).stationary_points, [2 * np.pi / 3])
    np.testing.assert_allclose(Dispersion(0.7, 3).stationary_points, [np.pi / 2, 2 * np.pi / 3])
    for r in (2, 3, 4, 5):
        d = Dispersion(0.7, r)
        assert not d.monotonic
        slope = np.diff(d.energy(k))
        assert np.any(slope < 0) and np.any(slope > 0)
    # range 2: the top of the band is eps(2 pi/3) = A + 3B/4 = 2.5 J, not eps(pi) = 2 J
    assert Dispersion(0.7, 2).band == pytest.approx((-1.4, 1.75), rel=1e-14)
    assert Dispersion(0.7, 3).band == pytest.approx((-1.4, 1.4), rel=1e-14)


# ---------------------------------------------------------------------------------------
# Appendix A: qubit leads, detailed balance, exact Lindblad
# ---------------------------------------------------------------------------------------

SPIN = 1.5
DS, DL = 1.0, 1.5


def _spin(s=SPIN):
    return DS * qutip.jmat(s, "z"), qutip.jmat(s, "-")


def test_a1_thermal_lead_gives_beta_s_and_matches_exact_lindblad():
    h, sm = _spin()
    beta_l = 0.7
    rates = lead_rates(h, sm, QubitLead(DL, beta_l), 1e-3, 1e-2)
    p = rates.populations()
    np.testing.assert_allclose(_beta_of(p, rates.energies), -DL / DS * beta_l, rtol=1e-10)
    assert spin_beta_qubit_lead(DS, DL, beta=beta_l) == pytest.approx(-DL / DS * beta_l)
    # the U(1) result is exact (DESIGN erratum), not only leading order: the agreement is
    # set by the exact solve, whose populations relax at ~gamma eps^2 = 1e-8 (measured
    # 1.5e-10); 1e-7 leaves room for other LAPACK builds
    exact = _exact_qubit_lead(h, sm, DL, 1e-3, 1e-2, beta=beta_l)
    np.testing.assert_allclose(p, exact, rtol=1e-7)
    # a lead kept at negative temperature heats the other way
    p_neg = lead_rates(h, sm, QubitLead(DL, -0.4), 1e-3, 1e-2).populations()
    np.testing.assert_allclose(_beta_of(p_neg, rates.energies), 0.6, rtol=1e-10)


def test_a5_u1_breaking_beta_and_sign_change():
    h, sm = _spin()
    nu_star = abs(DL - DS) / (DL + DS)  # = 0.2: beta_S changes sign here
    for nu in (0.1, nu_star, 0.35, 0.6):
        p = lead_rates(h, sm, QubitLead(DL, nu=nu), 1e-3, 1e-2).populations()
        beta = _beta_of(p, np.arange(4) * DS - SPIN * DS)
        expected = 2 / DS * np.log(abs(nu * (DL + DS) / (DL - DS)))
        np.testing.assert_allclose(beta, expected, rtol=1e-10, atol=1e-12)
        assert spin_beta_qubit_lead(DS, DL, nu) == pytest.approx(expected, abs=1e-14)
    assert spin_beta_qubit_lead(DS, DL, 0.15) < 0 < spin_beta_qubit_lead(DS, DL, 0.25)
    # finite lead temperature and nu together: the rates give the closed form too
    p = lead_rates(h, sm, QubitLead(DL, 0.7, 0.3), 1e-3, 1e-2).populations()
    np.testing.assert_allclose(_beta_of(p, np.arange(4) * DS - SPIN * DS),
                               spin_beta_qubit_lead(DS, DL, 0.3, 0.7), rtol=1e-10)


def test_a5_rates_match_exact_lindblad_to_next_order():
    # nu breaks U(1): the leading order is no longer exact. With broadening gamma/2 the
    # error is the next order in eps/|Delta_S - Delta_L| (measured 1.978e-5 at eps = 1e-3,
    # 1.978e-3 at eps = 1e-2: x100) and does not depend on eps/gamma (1.9776e-3 at
    # eps/gamma = 10, 1.9811e-3 at 0.1) — the premise is the lead's admixture, not
    # eps << gamma. Without broadening gamma/|Delta_S - Delta_L| enters too (2.9e-4 at
    # eps = 1e-3, gamma = 1e-2; 2.8e-2 at gamma = 0.1).
    h, sm = _spin()
    lead = QubitLead(DL, nu=0.5)
    err = {}
    for eps, gamma in ((1e-3, 1e-2), (1e-2, 1e-3), (1e-2, 1e-1)):
        exact = _exact_qubit_lead(h, sm, DL, eps, gamma, nu=0.5)
        p = lead_rates(h, sm, lead, eps, gamma, broadening=gamma / 2).populations()
        err[eps, gamma] = np.max(np.abs(p / exact - 1))
    assert 1e-5 < err[1e-3, 1e-2] < 4e-5
    assert err[1e-2, 1e-3] == pytest.approx(100 * err[1e-3, 1e-2], rel=0.05)
    assert err[1e-2, 1e-1] == pytest.approx(err[1e-2, 1e-3], rel=0.05)
    bare = lead_rates(h, sm, lead, 1e-3, 1e-2).populations()
    exact = _exact_qubit_lead(h, sm, DL, 1e-3, 1e-2, nu=0.5)
    assert 5 * err[1e-3, 1e-2] < np.max(np.abs(bare / exact - 1)) < 1e-3


def test_broadening_reproduces_exact_lindblad_near_resonance():
    # XXZ chain with a transverse field (no charge), cooled qubit lead at site 0. Several
    # transitions lie within gamma of Delta_L: the leading-order rates (eta = 0) are off
    # there; eta = gamma/2 is the width of the decaying lead excitation. Measured max
    # population error: 1.2e-2 (eta = 0) and 2.6e-5 (eta = gamma/2).
    h, sm, _ = _spin_chain(4, bz=0.0, bx=1.0)
    gap, eps, gamma = 0.5, 1e-3, 1e-2
    with pytest.warns(PremiseWarning, match="narrow lead"):
        bare = lead_rates(h, sm, QubitLead(gap), eps, gamma)
    broad = lead_rates(h, sm, QubitLead(gap), eps, gamma, broadening=gamma / 2)
    exact = _exact_qubit_lead(h, sm, gap, eps, gamma)
    err_bare = np.max(np.abs(bare.populations() - exact))
    err_broad = np.max(np.abs(broad.populations() - exact))
    assert err_bare > 3e-3
    assert err_broad < 2e-4
    assert err_broad < err_bare / 50


# ---------------------------------------------------------------------------------------
# Free-fermion lead: spin temperatures, threshold, Zeno limit
# ---------------------------------------------------------------------------------------

def test_fermion_lead_spin_temperature_follows_a11():
    # H_S = Delta_S S^z for spin 1/2 and 1: adjacent-level rates give a thermal state
    # with beta_S = log(I-/I+)/Delta_S (below Eq. A12), crossing zero inside the band
    ds = 1.5
    betas = []
    for mu in (-0.8, -0.4, -0.1, 0.3):
        for s in (0.5, 1.0):
            lr = lead_rates(ds * qutip.jmat(s, "z"), qutip.jmat(s, "-"), FermionLead(J, mu),
                            1e-3, 1e-2)
            beta = _beta_of(lr.populations(), lr.energies)
            i_plus = _i_ref((mu - ds) / (2 * J), np.arccos(mu / (2 * J)))
            i_minus = _i_ref((ds - mu) / (2 * J), np.arccos(-mu / (2 * J)))
            np.testing.assert_allclose(beta, np.log(i_minus / i_plus) / ds, rtol=1e-9)
        betas.append(spin_beta_fermion_lead(ds, J, mu))
    assert betas[0] < betas[1] < 0 < betas[2] < betas[3]
    # below the band no mode is filled: only heating; above the threshold: divergent cooling
    assert spin_beta_fermion_lead(ds, J, -1.2) == -np.inf
    assert spin_beta_fermion_lead(ds, J, 0.6) == np.inf


def test_longer_range_lead_extends_heating():
    # Fig. 2(c) / App. C: with r = 3 fewer modes lie below a given mu, so the spin is
    # still heated (beta_S < 0) where the nearest-neighbour lead already cools it
    h, sm = 1.5 * qutip.jmat(0.5, "z"), qutip.jmat(0.5, "-")
    beta = {}
    for r in (1, 3):
        p = lead_rates(h, sm, FermionLead(J, 0.0, range=r), 1e-3, 1e-2).populations()
        beta[r] = np.log(p[0] / p[1]) / 1.5
    assert beta[3] < 0 < beta[1]


def test_resonance_beyond_threshold_is_refused_then_broadened():
    ds, mu = 1.5, 1.1  # mu + 2 J = 2.1 > Delta_S: a hole can absorb the lowering energy
    h, sm = ds * qutip.jmat(0.5, "z"), qutip.jmat(0.5, "-")
    with pytest.warns(PremiseWarning, match="narrow lead"):
        lr = lead_rates(h, sm, FermionLead(J, mu), 1e-3, 1e-2)
    assert np.isinf(lr.rates[0, 1]) and np.isfinite(lr.rates[1, 0])
    assert lr.divergent().tolist() == [[1, 0]]
    with pytest.raises(SteadyStateError, match=r"E_i - E_j = 1\.5.*mu_L \+ 2J_L = 2\.1.*"
                                               r"broadening > 0") as info:
        lr.populations()
    assert info.value.reason == "divergent"
    p = lead_rates(h, sm, FermionLead(J, mu), 1e-3, 1e-2, broadening=5e-3).populations()
    assert p[0] > 1 - 1e-6  # resonant cooling: the spin ends in its ground state


def test_zeno_rates_and_relaxation_time():
    eps, gamma = 0.02, 3.0
    for mu in (-2.0, -0.7, -0.3, 0.0, 0.45, 1.0, 3.0):
        up, down = zeno_rates(J, mu, eps, gamma)
        m = np.clip(mu / (2 * J), -1, 1)
        assert up == pytest.approx(4 * eps**2 / (np.pi * gamma)
                                   * (np.arccos(m) - m * np.sqrt(1 - m * m)), rel=1e-14)
        assert up + down == pytest.approx(4 * eps**2 / gamma, rel=1e-14)
        assert 2 / (up + down) == pytest.approx(zeno_relaxation_time(eps, gamma), rel=1e-14)
    assert zeno_relaxation_time(eps, gamma) == pytest.approx(gamma / (2 * eps**2))
    assert zeno_rates(J, -5.0, eps, gamma)[1] == 0.0  # empty lead: no cooling


def test_relaxation_time_of_two_levels():
    h, sm = 1.5 * qutip.jmat(0.5, "z"), qutip.jmat(0.5, "-")
    lr = lead_rates(h, sm, FermionLead(J, -0.2), 1e-3, 1e-2)
    up, down = lr.rates[1, 0], lr.rates[0, 1]
    assert up > 0 and down > 0
    assert lr.relaxation_time() == pytest.approx(1 / (up + down), rel=1e-12)
    # absolute rates: gamma eps^2 / (2 pi J^2) * I (A11)
    i_minus = _i_ref((1.5 + 0.2) / (2 * J), np.arccos(0.2 / (2 * J)))
    assert down == pytest.approx(1e-2 * 1e-6 / (2 * np.pi * J**2) * i_minus, rel=1e-10)


# ---------------------------------------------------------------------------------------
# many-body systems: charge blocks, states, observables
# ---------------------------------------------------------------------------------------

def test_charge_blocks_give_the_full_space_result():
    h, sm, sz = _spin_chain(6, bz=-2.0)
    lead = FermionLead(J, -0.3)
    blocked = lead_rates(h, sm, lead, 1e-3, 1e-2, broadening=5e-3, charge="auto")
    full = lead_rates(h, sm, lead, 1e-3, 1e-2, broadening=5e-3)
    assert len(blocked.vectors) == 7 and len(full.vectors) == 1
    assert blocked.sectors is not None and full.sectors is None
    # same physics: <S^z>, <H> and the state itself
    for op in (sz, h):
        assert blocked.expect(op) == pytest.approx(full.expect(op), rel=1e-9, abs=1e-12)
        assert blocked.expect(op) == pytest.approx((blocked.state() * op).tr().real, rel=1e-12)
    diff = (blocked.state() - full.state()).full()
    assert np.max(np.abs(diff)) < 1e-9
    assert blocked.state().tr() == pytest.approx(1.0)
    # the same rate between the same pair of levels (matched by energy)
    order_b, order_f = np.argsort(blocked.energies), np.argsort(full.energies)
    wb = blocked.rates.toarray()[np.ix_(order_b, order_b)]
    wf = full.rates.toarray()[np.ix_(order_f, order_f)]
    np.testing.assert_allclose(wb, wf, rtol=1e-7, atol=1e-9 * wf.max())


def test_photon_lowering_operator_is_a_valid_coupling():
    # a truncated cavity with a uniform gap coupled through a (Fig. 3 with Delta' = Delta):
    # adjacent-level rates scale with n, so detailed balance gives p_n/p_{n+1} = I-/I+
    n, ds, mu = 8, 0.4, -0.9
    a = qutip.destroy(n)
    lr = lead_rates(ds * a.dag() * a, a, FermionLead(J, mu), 1e-3, 1e-2)
    ratio = _i_ref((ds - mu) / (2 * J), np.arccos(-mu / (2 * J))) / \
        _i_ref((mu - ds) / (2 * J), np.arccos(mu / (2 * J)))
    p = lr.populations()
    np.testing.assert_allclose(p[:-1] / p[1:], ratio, rtol=1e-9)


# ---------------------------------------------------------------------------------------
# premises and bad input
# ---------------------------------------------------------------------------------------

def test_premise_warnings_name_their_numbers():
    h, sm = _spin()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)  # no false alarm at eps/gamma = 10
        lead_rates(h, sm, QubitLead(DL, nu=0.5), 1e-2, 1e-3)
    with pytest.warns(PremiseWarning, match=r"ground state.*admixture = 0\.0[1-9]"):
        lead_rates(h, sm, QubitLead(DL, nu=0.5), 0.1, 1e-2)
    with pytest.warns(PremiseWarning, match=r"narrow lead.*detuning = 0\.002"):
        lead_rates(h, sm, QubitLead(DS + 0.002, nu=0.3), 1e-4, 1e-2)  # nu S^- lowers by DS


def test_bad_input_is_refused_by_name():
    h, sm = _spin()
    lead = QubitLead(DL)
    cases = [
        (lambda: FermionLead(0.0, 0.1), "hopping"),
        (lambda: FermionLead(0.5, np.inf), "chemical_potential"),
        (lambda: FermionLead(0.5, 0.1, sites=0), "sites"),
        (lambda: FermionLead(0.5, 0.1, range=0), "range"),
        (lambda: Dispersion(-1.0), "hopping"),
        (lambda: QubitLead(0.0), "gap"),
        (lambda: QubitLead(1.0, beta=np.nan), "beta"),
        (lambda: QubitLead(1.0, nu=np.inf), "nu"),
        (lambda: lead_rates(h, sm, lead, -1e-3, 1e-2), "epsilon"),
        (lambda: lead_rates(h, sm, lead, 1e-3, -1e-2), "gamma"),
        (lambda: lead_rates(h, sm, lead, 1e-3, 1e-2, broadening=-1.0), "broadening"),
        (lambda: lead_rates(h, qutip.destroy(3), lead, 1e-3, 1e-2), "lowering has dim"),
        (lambda: lead_rates(h + sm, sm, lead, 1e-3, 1e-2), "hamiltonian must be Hermitian"),
        (lambda: lead_rates(h, sm, "qubit", 1e-3, 1e-2), "lead must be"),
        (lambda: lead_rates(h, sm, lead, 1e-3, 1e-2, charge="spin"), "charge must be"),
        (lambda: lead_rates(h, sm, lead, 1e-3, 1e-2, charge=[0, 1]), "charge has 2"),
    ]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()
    hx = h + 0.3 * qutip.jmat(SPIN, "x")
    with pytest.raises(ChargeError, match="Hamiltonian .*charge is not conserved"):
        lead_rates(hx, sm, lead, 1e-3, 1e-2, charge=[0, 1, 2, 3])


def test_resonance_at_a_band_edge_diverges_for_every_range():
    # At mu_L = -2J_L + Delta the hole channel's top excitation energy equals Delta at the
    # band bottom k = 0, where sin^2 k / (Delta - |eps - mu|)^2 ~ 1/k^2: the integral
    # diverges for every range (rounding of the two energies must not hide it).
    from qfridge.engines.leads import FermionLead

    for r in (1, 2, 3):
        lead = FermionLead(0.5, -1.0 + 0.1, range=r)
        assert np.isinf(lead.kernel(np.array([0.1]), -1)[0])
        assert np.isfinite(lead.kernel(np.array([0.1 + 1e-6]), -1)[0])
