"""Keldysh NEGF engine (seed 004, Sec. IV B): closed forms, exact limits, sum rules,
grid convergence, agreement with the master equation at weak coupling, bad input."""

import warnings

import numpy as np
import pytest

from qfridge.core.baths import BosonicBath, LorentzianSpectralDensity, OhmicSpectralDensity
from qfridge.core.thermal import bose
from qfridge.core.validity import PremiseViolation, PremiseWarning, strict_premises
from qfridge.engines.negf import (
    EnergyGrid,
    NEGFOptions,
    default_grid,
    exchange_bubble,
    hilbert_transform,
    solve_kerr_resonators,
)
from qfridge.reproduce import seed004_negf as s4
from qfridge.reproduce.registry import Context

# Fig. 10 with the Kramers-Kronig real part is outside the second-order premise (the test
# below checks that it warns); elsewhere that warning is expected and not the subject.
pytestmark = pytest.mark.filterwarnings(
    "ignore:premise 'exchange bubble perturbative:qfridge.core.validity.PremiseWarning")

FIG10 = s4.FIG10
READINGS = ("kramers_kronig", "neglect")
SCHEMES = ("mean_field_bubble", "self_consistent_bubble")


# -- numerical kernels against closed forms --------------------------------------------------
def test_hilbert_transform_of_lorentzian():
    # H[1/(1+x^2)](x) = x/(1+x^2) with H[f](x) = (1/pi) P int f(y)/(x-y) dy
    x = np.linspace(-200, 200, 8001)
    h = hilbert_transform(1.0 / (1.0 + x**2))
    inner = np.abs(x) < 5
    assert np.max(np.abs(h[inner] - x[inner] / (1 + x[inner] ** 2))) < 1e-4


def test_exchange_bubble_of_lorentzians_closed_form():
    # a_j = n_j A_j, a_k^< = n_k A_k, a_k^> = (1+n_k) A_k, A Lorentzians of FWHM kappa:
    # S_k(nu) = n_k(1+n_k) 2 kappa_k/(nu^2+kappa_k^2); gamma^< = Dz^2 n_j n_k(1+n_k) *
    # 2 w/((omega - e_j)^2 + w^2) with half width w = kappa_k + kappa_j/2.
    x = np.linspace(-60, 60, 24001)
    step = x[1] - x[0]
    kj, kk, ej, ek, nj, nk, dz = 0.3, 0.5, 1.0, -0.7, 0.2, 0.4, 0.3

    def lor(e, k):
        return k / ((x - e) ** 2 + k**2 / 4)

    gl, gg = exchange_bubble(nj * lor(ej, kj), (1 + nj) * lor(ej, kj), nk * lor(ek, kk),
                             (1 + nk) * lor(ek, kk), dz, step)
    w = kk + kj / 2
    expect_l = dz**2 * nj * nk * (1 + nk) * 2 * w / ((x - ej) ** 2 + w**2)
    expect_g = dz**2 * (1 + nj) * nk * (1 + nk) * 2 * w / ((x - ej) ** 2 + w**2)
    inner = np.abs(x - ej) < 3
    assert np.max(np.abs(gl[inner] - expect_l[inner])) < 2e-3 * expect_l.max()
    assert np.max(np.abs(gg[inner] - expect_g[inner])) < 2e-3 * expect_g.max()


# -- exact limits ----------------------------------------------------------------------------
@pytest.mark.parametrize("reading", READINGS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_zero_current_at_zero_bias(reading, scheme):
    opts = NEGFOptions(real_part=reading, scheme=scheme)
    eq = s4.negf_point(0.0, gamma_L=0.02, options=opts, **FIG10)
    biased = s4.negf_point(0.3, gamma_L=0.02, options=opts, **FIG10)
    assert abs(biased.current_C) > 1e-7 and abs(biased.currents["L"]) > 1e-3
    for value in eq.currents.values():
        assert abs(value) < 1e-14
    # fluctuation-dissipation (KMS) of the full Green's function, exchange included
    omega, a2, big_a = eq.omega, eq.spectral["a2_lesser"], eq.spectral["A2"]
    mask = (omega > 0.05) & (big_a > 1e-6 * big_a.max())
    assert np.allclose(a2[mask], bose(omega[mask], 1.0) * big_a[mask], rtol=1e-9, atol=0)


def test_hartree_only_gives_no_current_into_C():
    # seed 004 below Eq. 29: without the exchange bubble J_C vanishes identically
    res = s4.negf_point(0.5, gamma_L=0.02, options=NEGFOptions(exchange=False), **FIG10)
    assert abs(res.current_C) < 1e-16
    assert abs(res.currents["L"]) > 1e-3


def test_weak_coupling_single_resonator_closed_form():
    # Delta_z = 0: resonator 1 between L and R. As lambda^2 -> 0 the NEGF occupation and
    # current approach n = (K_L n_L + K_R n_R)/(K_L + K_R) and
    # J_L = lambda^2 eps K_L K_R (n_L - n_R)/(K_L + K_R) (one mode, sequential).
    b1, b2 = s4.fridge_baths(0.4, gamma_L=0.3, gamma_R=0.3, gamma_C=0.3, delta_z=0.0,
                             filter_delta_z=0.2)
    lam2, eps = 1e-3, 2.0
    kl, kr = (float(b.spectral_density(eps)) for b in b1)
    nl, nr = bose(eps, 1.4), bose(eps, 1.0)
    res = solve_kerr_resonators(eps, eps, 0.0, b1, b2, coupling_scale=lam2,
                                grid=EnergyGrid(-3.15, 11.2, 40001))
    assert res.occupation[0] == pytest.approx((kl * nl + kr * nr) / (kl + kr), rel=5e-3)
    expect = lam2 * eps * kl * kr * (nl - nr) / (kl + kr)
    assert res.currents["L"] == pytest.approx(expect, rel=5e-3)
    assert res.currents["R"] == pytest.approx(-expect, rel=5e-3)
    assert abs(res.current_C) < 1e-16


def test_hartree_shift_places_the_mean_field_peak():
    # smooth Ohmic baths, real part neglected: A2_mf peaks at eps2 + Delta_z <n1>, and the
    # weakly broadened occupation is the Bose value at the shifted level (up to O(alpha))
    b1 = [BosonicBath(1.5, OhmicSpectralDensity(0.005, 50.0), "L")]
    b2 = [BosonicBath(1.0, OhmicSpectralDensity(0.005, 50.0), "C")]
    grid = EnergyGrid(-2.0, 12.0, 28001)
    res = solve_kerr_resonators(2.0, 3.0, 0.5, b1, b2, grid=grid,
                                options=NEGFOptions(real_part="neglect", exchange=False))
    n1, n2 = res.occupation_mean_field
    assert n1 == pytest.approx(bose(2.0 + 0.5 * n2, 1.5), rel=5e-3)
    peak = res.omega[np.argmax(res.spectral["A2_mf"])]
    assert abs(peak - (3.0 + 0.5 * n1)) <= grid.step


# -- sum rules, identities, conservation ----------------------------------------------------
def test_spectral_sum_rules_and_eq30_identity():
    res = s4.negf_point(0.3, gamma_L=0.02, **FIG10)  # Kramers-Kronig (default)
    for key, value in res.sum_rules.items():
        assert value == pytest.approx(1.0, abs=1e-6), key
    # mean-field spectral functions are Lorentzian-like and >= 0; with the bubble, bosonic
    # A(omega) takes the sign of omega in equilibrium (KMS) and the off-equilibrium
    # negative weight stays tiny
    for key in ("A1_mf", "A2_mf"):
        assert res.spectral[key].min() >= 0
    eq = s4.negf_point(0.0, gamma_L=0.02, **FIG10)
    for key in ("A1", "A2"):
        signed = eq.spectral[key] * np.sign(eq.omega)
        assert signed.min() >= -1e-12 * signed.max()
        negative = np.minimum(res.spectral[key], 0).sum() * res.grid.step / (2 * np.pi)
        assert -3e-4 < negative <= 0  # measured -1.1e-4 (A1), dT = 0.3
    assert res.current_C_eq30 == pytest.approx(res.current_C, rel=1e-10)
    # <n> = int a^< dw/2pi: resonator 1 (driven by the hot bath L) is more occupied
    assert 0 < res.occupation[1] < res.occupation[0]


def test_sum_rule_violation_is_reported_on_a_coarse_grid():
    with pytest.warns(PremiseWarning, match="grid resolves the spectral functions"):
        s4.negf_point(0.3, gamma_L=0.02, grid=EnergyGrid(-1.0, 8.0, 40), **FIG10)


def test_energy_conservation():
    sc = s4.negf_point(0.5, gamma_L=0.02, options=NEGFOptions(scheme="self_consistent_bubble"),
                       **FIG10)
    assert sc.converged
    assert sc.energy_balance_residual < 1e-8  # Phi-derivable: exact to rounding
    mf = s4.negf_point(0.5, gamma_L=0.02, **FIG10)
    # the paper's non-self-consistent bubble is not conserving: measured ~2e-4 of J_L
    assert 1e-8 < mf.energy_balance_residual < 1e-3


# -- convergence -----------------------------------------------------------------------------
@pytest.mark.parametrize("reading", READINGS)
def test_grid_refinement_and_range_convergence(reading):
    opts = NEGFOptions(real_part=reading)
    b1, b2 = s4.fridge_baths(0.3, gamma_L=0.02, **FIG10)
    base = default_grid(2.0, 2.0, b1 + b2)
    j = [solve_kerr_resonators(2.0, 2.0, 0.2, b1, b2, grid=g, options=opts).current_C
         for g in (base, base.refined(2), base.refined(4))]
    assert abs(j[1] - j[0]) < 3e-5 * abs(j[2])
    assert abs(j[2] - j[1]) < 0.5 * abs(j[1] - j[0]) + 1e-12 * abs(j[2])  # converging
    wide = EnergyGrid(-7.0, 17.0, int(24.0 / base.step) + 1)
    j_wide = solve_kerr_resonators(2.0, 2.0, 0.2, b1, b2, grid=wide, options=opts).current_C
    assert j_wide == pytest.approx(j[0], rel=1e-5)


def test_non_convergence_is_reported():
    with pytest.warns(PremiseWarning, match="NEGF self-consistency converged"):
        res = s4.negf_point(0.3, gamma_L=0.02, options=NEGFOptions(max_iter=2), **FIG10)
    assert not res.converged and res.iterations == 2 and res.residual > res.options.tol
    with strict_premises(), pytest.raises(PremiseViolation):
        s4.negf_point(0.3, gamma_L=0.02, options=NEGFOptions(max_iter=2), **FIG10)
    ok = s4.negf_point(0.3, gamma_L=0.02, **FIG10)
    assert ok.converged and ok.residual < ok.options.tol and ok.iterations < 100


# -- master equation at weak coupling ----------------------------------------------------------
def test_agrees_with_master_equation_at_weak_coupling():
    # Delta_z = 0.1 kappa_2 << kappa << filter width: NEGF/ME -> 1 linearly in lambda^2
    # (measured: 1.1453 at lambda^2 = 0.01, 1.0429 at 0.003, 1.0125 at 0.001).
    wc = s4.weak_coupling_comparison(coupling_scales=(0.01, 0.003))
    r_coarse, r_fine = wc["ratios"]
    assert abs(r_fine - 1) < 0.06
    assert abs(r_fine - 1) < 0.4 * abs(r_coarse - 1)
    assert wc["extrapolated_ratio"] == pytest.approx(1.0, abs=0.01)


def test_master_equation_helper_truncation_and_bias():
    me0 = s4.master_equation_point(0.0, gamma_L=0.02, **FIG10)
    me = s4.master_equation_point(0.3, gamma_L=0.02, **FIG10)
    assert all(abs(v) < 1e-12 for v in me0["J"].values())
    assert me["top_population"] < 1e-3
    assert me["J"]["C"] > 0  # the sequential picture cools C (Fig. 10 inset)
    assert abs(sum(me["J"].values())) < 1e-9 * abs(me["J"]["L"])


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, name", [
    (dict(gamma_L=-0.01), "gamma_L"),
    (dict(gamma_C=-1.0), "gamma_C"),
    (dict(cutoff=0.0), "cutoff"),
    (dict(cutoff=-7.0), "cutoff"),
    (dict(T=0.0), "T"),
    (dict(T_C=-1.0), "T_C"),
    (dict(coupling_scale=-1.0), "coupling_scale"),
])
def test_bad_model_input(kwargs, name):
    pars = dict(FIG10, gamma_L=0.02)
    pars.update(kwargs)
    with pytest.raises(ValueError, match=name):
        s4.negf_point(0.3, **pars)


def test_bad_engine_input():
    b1, b2 = s4.fridge_baths(0.3, gamma_L=0.02, **FIG10)
    cold = [BosonicBath(0.0, LorentzianSpectralDensity(0.02, 2.2, 7.0), "C")]
    with pytest.raises(ValueError, match="temperature"):
        solve_kerr_resonators(2.0, 2.0, 0.2, b1, cold)
    with pytest.raises(ValueError, match="grid"):
        solve_kerr_resonators(2.0, 2.0, 0.2, b1, b2, grid=(0, 1, 100))
    with pytest.raises(ValueError, match="delta_z"):
        solve_kerr_resonators(2.0, 2.0, np.nan, b1, b2)
    with pytest.raises(ValueError, match="distinct"):
        solve_kerr_resonators(2.0, 2.0, 0.2, b1, [BosonicBath(1.0, 0.1, "L")])
    with pytest.raises(ValueError, match="coupling \\(Gamma\\)"):
        LorentzianSpectralDensity(-0.02, 2.0, 7.0)


@pytest.mark.parametrize("args, name", [
    ((1.0, 0.0, 100), "omega_max"),
    ((0.0, 1.0, 3), "points"),
    ((0.0, 1.0, 100.5), "points"),
    ((np.nan, 1.0, 100), "omega_min"),
    ((0.0, np.inf, 100), "omega_max"),
])
def test_bad_grid(args, name):
    with pytest.raises(ValueError, match=name):
        EnergyGrid(*args)


@pytest.mark.parametrize("kwargs, name", [
    (dict(real_part="principal"), "real_part"), (dict(scheme="gw"), "scheme"),
    (dict(mixing=0.0), "mixing"), (dict(tol=-1.0), "tol"), (dict(max_iter=0), "max_iter"),
])
def test_bad_options(kwargs, name):
    with pytest.raises(ValueError, match=name):
        NEGFOptions(**kwargs)


# -- the reproduction ------------------------------------------------------------------------
def test_fig10_quick_dataset():
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)  # the figure must be premise-clean
        ds = s4.compute_fig10(Context(quick=True))
    assert set(ds.J_C_negf.dims) == {"real_part", "gamma_L", "delta_T"}
    for var in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[var].attrs, var
    assert bool(ds.converged.all())
    # (a) is inside the second-order premise, (b) is not (recorded, stated in the caption)
    assert float(ds.xc_over_bath_width.sel(real_part="neglect").max()) < 0.02
    assert float(ds.xc_over_bath_width.sel(real_part="kramers_kronig").min()) > 1
    kk = ds.sum_rule_A2.sel(real_part="kramers_kronig")
    assert float(abs(kk - 1).max()) < 1e-6
    assert float(abs(ds.J_C_negf.isel(delta_T=0)).max()) < 1e-15
    neg = ds.J_C_negf.sel(real_part="neglect").isel(delta_T=slice(1, None))
    assert float(neg.min()) > 0  # cools with Re Sigma^r neglected
    assert float(ds.J_C_negf.sel(real_part="kramers_kronig").isel(delta_T=-1).max()) < 0
    # the master equation cools far more than NEGF (the paper's Fig. 10 vs its inset)
    assert float(ds.J_C_me.isel(delta_T_me=-1).min()) > 100 * float(neg.max())
    # the exact reference heats C at every dT > 0 (docs/negf.md), like the causal reading
    ref = ds.J_C_reference
    assert float(abs(ref.isel(delta_T_ref=0)).max()) < 1e-14
    assert float(ref.isel(delta_T_ref=slice(1, None)).max()) < 0
    with pytest.warns(PremiseWarning, match="exchange bubble perturbative"):
        s4.negf_point(0.5, gamma_L=0.02, **FIG10)  # Kramers-Kronig reading warns when alone
    fig = s4.plot_fig10(ds, Context(quick=True))
    assert len(fig.axes) == 2 and len(fig.axes[0].child_axes) == 1  # (a) with inset, (b)


def test_fig10_readings_causal_heats_dropped_real_part_cools():
    """The facts behind seed 004's Fig. 10 claims (issue 13): with the causal (Kramers-
    Kronig) Sigma^r, bath C is heated at dT = 0.3 and 1.8 for both Gamma_L; with Re Sigma^r
    dropped it is cooled there; the refined peak of a parabola is exact."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        for gl, dt in ((0.02, 0.6), (0.01, 1.8)):
            kk = s4.negf_point(dt, gamma_L=gl, options=NEGFOptions(real_part="kramers_kronig"),
                               **s4.FIG10).current_C
            dropped = s4.negf_point(dt, gamma_L=gl, options=NEGFOptions(real_part="neglect"),
                                    **s4.FIG10).current_C
            assert kk < 0 < dropped
    d_t = np.linspace(0.0, 1.0, 11)
    x, j = s4._peak(-(d_t - 0.437) ** 2 + 2.0, d_t)
    assert x == pytest.approx(0.437, abs=1e-12) and j == pytest.approx(2.0 - 0.037**2)
