"""Phaseonium collision model (seed 001): exact Kraus maps, fixed points, cascade, limits."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.thermal import effective_temperature
from qfridge.core.validity import PremiseWarning
from qfridge.engines.collision import CollisionMap, KrausMap, cascade
from qfridge.models import phaseonium as ph

PARAMS = [(0.25, 1.585589386, 0.2), (0.5, 1.26768686, 1.25), (0.3, 0.4, 2.7), (0.0, 1.0, 0.6)]


@pytest.mark.parametrize("theta", [0.05, 0.4, 1.25, 3.0, 7.5])
def test_eq9_unitary_equals_bruteforce_exponential(theta):
    n_max = 20
    exact = (-1j * theta * ph.interaction(n_max)).expm()
    assert np.abs((ph.unitary(theta, n_max) - exact).full()).max() < 1e-12


@pytest.mark.parametrize("alpha,phi,theta", PARAMS)
def test_kraus_completeness_trace_and_positivity(alpha, phi, theta):
    n_max = 8
    single = ph.kraus_operators(alpha, phi, theta, n_max)
    casc = ph.cascade_kraus_operators(alpha, phi, theta, n_max)
    assert KrausMap(single).completeness_error() < 1e-13
    assert KrausMap(casc).completeness_error() < 1e-13
    # complete positivity: the Choi matrix is positive semidefinite
    choi = qutip.to_choi(qutip.kraus_to_super(single))
    assert np.linalg.eigvalsh(choi.full()).min() > -1e-12
    rho = qutip.rand_dm(n_max + 1, seed=9)
    out = KrausMap(single).apply(rho)
    assert out.tr() == pytest.approx(1.0, abs=1e-13)
    assert np.linalg.eigvalsh(out.full()).min() > -1e-13


@pytest.mark.parametrize("alpha,phi,theta", PARAMS)
def test_eq12_map_equals_exact_partial_trace(alpha, phi, theta):
    n_max = 10
    exact = CollisionMap((-1j * theta * ph.interaction(n_max)).expm(),
                         ph.phaseonium_state(alpha, phi))
    rho = qutip.rand_dm(n_max + 1, seed=2)
    mine = KrausMap(ph.kraus_operators(alpha, phi, theta, n_max)).apply(rho)
    assert np.abs((mine - exact.apply(rho)).full()).max() < 1e-13


@pytest.mark.parametrize("alpha,phi", [(0.25, 1.585589386), (0.5, 1.26768686), (0.3, 0.4)])
@pytest.mark.parametrize("theta", [0.1, 0.6, 1.25, 2.0])
def test_fixed_point_is_gibbs_at_t_phi_for_any_collision_time(alpha, phi, theta):
    n_max = 20
    fp = KrausMap(ph.kraus_operators(alpha, phi, theta, n_max)).fixed_point()
    t_phi = ph.steady_temperature(alpha, phi)
    assert np.allclose(np.real(fp.diag()), ph.gibbs_populations(t_phi, n_max), atol=1e-10)
    assert np.abs(fp.full() - np.diag(np.diag(fp.full()))).max() < 1e-10  # no coherences


def test_paper_temperatures_eq16_and_caption_errata():
    assert ph.steady_temperature(0.25, 1.585589386) == pytest.approx(0.5, rel=1e-6)
    assert ph.steady_temperature(0.5, 1.26768686) == pytest.approx(1.5, rel=1e-6)
    assert ph.steady_temperature(0.25, 2.404315987) == pytest.approx(1.5, rel=1e-6)
    # Fig. 4 caption calls these 1.5 and 0.5; Eq. 16 gives the opposite
    assert ph.steady_temperature(0.2517517, np.pi / 2) == pytest.approx(0.5, rel=1e-5)
    assert ph.steady_temperature(0.451963, np.pi / 2) == pytest.approx(1.5, rel=1e-5)
    assert ph.steady_temperature(0.0, 1.0) == 0.0
    # inverse functions
    assert ph.phi_for_temperature(0.25, 1.5) == pytest.approx(2.404315987, abs=1e-8)
    assert ph.alpha_for_temperature(np.pi / 2, 0.5) == pytest.approx(0.2517517, abs=1e-6)


def test_steady_temperature_domain_errors():
    with pytest.raises(ValueError, match="phi = 3.14159"):
        ph.steady_temperature(0.25, np.pi)
    with pytest.raises(ValueError, match="gamma_alpha/gamma_beta < 1"):
        ph.steady_temperature(0.8, 0.3)  # alpha^2 > beta^2 cos^2(phi/2)
    t = ph.steady_temperature(np.array([0.25, 0.8]), np.array([1.0, 0.3]), outside="nan")
    assert np.isfinite(t[0]) and np.isnan(t[1])
    with pytest.raises(ValueError, match="alpha"):
        ph.steady_temperature(1.2, 0.3)
    with pytest.raises(ValueError, match="alpha"):
        ph.PhaseoniumCavity(alpha=-0.1)
    with pytest.raises(ValueError, match="dt"):
        ph.PhaseoniumCavity(dt=-0.2)
    with pytest.raises(ValueError, match="n_max"):
        ph.PhaseoniumCavity(n_max=0)
    with pytest.raises(ValueError, match="no steady state"):
        ph.PhaseoniumCavity(phi=np.pi).temperature()


def test_trapping_angle_warns():
    with pytest.warns(PremiseWarning, match="trapping"):
        ph.PhaseoniumCavity(dt=np.pi / np.sqrt(2), n_max=10).kraus()


def test_eq18_energy_cost_of_coherence():
    alpha = np.linspace(0.05, 0.5, 7)[:, None]
    phi = np.linspace(0.0, 2.0, 5)[None, :]
    t_phi = ph.steady_temperature(alpha, phi, outside="nan")
    t_th = ph.thermal_ancilla_temperature(alpha)
    lhs = 1 / t_phi - 1 / t_th
    ok = np.isfinite(lhs)
    assert ok.sum() > 20
    assert np.allclose(lhs[ok], np.broadcast_to(np.log1p(np.cos(phi)), lhs.shape)[ok],
                       atol=1e-12)


def test_apparent_temperature_eq19_and_ancilla_after_collision_eq20():
    m = ph.PhaseoniumCavity(alpha=0.3, phi=1.1, dt=0.7, n_max=30)
    t_phi = m.temperature()
    assert ph.apparent_temperature(m.ancilla_state()) == pytest.approx(t_phi, rel=1e-10)
    after = m.ancilla_after_collision()
    assert np.abs((after - m.ancilla_after_collision_eq20()).full()).max() < 1e-10
    assert ph.apparent_temperature(after) == pytest.approx(t_phi, rel=1e-8)
    # populations unchanged, coherence modulus shrinks (|Tr C' rho*| < 1)
    assert np.allclose(np.diag(after.full()).real, np.diag(m.ancilla_state().full()).real,
                       atol=1e-10)
    assert abs(after.full()[1, 2]) < abs(m.ancilla_state().full()[1, 2])


@pytest.mark.parametrize("alpha,phi,theta", PARAMS[:3])
def test_cascade_eq24_equals_bruteforce_and_s1_marginal_is_single_map(alpha, phi, theta):
    n_max = 5
    u = ph.unitary(theta, n_max)
    brute = cascade([u, u], ph.phaseonium_state(alpha, phi))
    eq24 = KrausMap(ph.cascade_kraus_operators(alpha, phi, theta, n_max))
    rho = qutip.rand_dm([n_max + 1, n_max + 1], seed=3)  # correlated, with coherences
    out = eq24.apply(rho)
    assert np.abs((out - brute.apply(rho)).full()).max() < 1e-13
    single = KrausMap(ph.kraus_operators(alpha, phi, theta, n_max))
    assert np.abs((out.ptrace(0) - single.apply(rho.ptrace(0))).full()).max() < 1e-13


def test_three_cascade_engines_agree():
    n_max, alpha, phi, theta = 7, 0.3, 1.1, 0.7
    p1, p2 = ph.gibbs_populations(0.8, n_max), ph.gibbs_populations(1.3, n_max)
    rho = qutip.tensor(qutip.Qobj(np.diag(p1)), qutip.Qobj(np.diag(p2)))
    dense = KrausMap(ph.cascade_kraus_operators(alpha, phi, theta, n_max))
    blocks = ph.CascadeBlocks(p1, p2)
    m_e, op = ph.cascade_sector_operator(alpha, phi, theta, n_max)
    v = m_e.vector(rho)
    for _ in range(6):
        rho = dense.apply(rho)
        blocks.step(alpha, phi, theta)
        v = op @ v
    assert np.abs(blocks.density_matrix().full() - rho.full()).max() < 1e-14
    assert np.abs(m_e.density_matrix(v) - rho.full()).max() < 1e-14
    n1, n2 = blocks.photon_numbers()
    assert n1[0] == pytest.approx(qutip.expect(qutip.tensor(qutip.num(n_max + 1),
                                                            qutip.qeye(n_max + 1)), rho))
    assert blocks.trace()[0] == pytest.approx(1.0, abs=1e-13)


def test_eq_e4_photon_number_change_equals_the_map():
    n_max = 30
    p = ph.gibbs_populations(0.7, n_max)
    p[-3:] = 0.0  # E4 is untruncated: keep the top levels empty for an exact comparison
    p /= p.sum()
    rho = qutip.Qobj(np.diag(p))
    num = qutip.num(n_max + 1)
    for alpha, phi, theta in PARAMS:
        out = KrausMap(ph.kraus_operators(alpha, phi, theta, n_max)).apply(rho)
        delta = qutip.expect(num, out) - qutip.expect(num, rho)
        assert delta == pytest.approx(ph.photon_number_change(p, alpha, phi, theta), abs=1e-13)


def test_app_d_decoherence_d4_d6_and_cascade_steady_state():
    alpha, phi = float(ph.alpha_for_temperature(np.pi / 3, 0.5)), np.pi / 3
    for eps in (1.0, 0.5, 0.0):
        t2 = ph.decohered_temperature(alpha, phi, eps)
        t1 = ph.steady_temperature(alpha, phi)
        assert ph.decohered_temperature_d6(t1, alpha, phi, eps) == pytest.approx(t2, rel=1e-12)
    assert ph.decohered_temperature(alpha, phi, 1.0) == pytest.approx(0.5, rel=1e-9)
    # eps = 0: S2 sees the incoherent ancilla of Eq. 4
    assert ph.decohered_temperature(alpha, phi, 0.0) == pytest.approx(
        ph.thermal_ancilla_temperature(alpha), rel=1e-12)
    n_max, theta, eps = 6, 0.5, 0.5
    u = ph.unitary(theta, n_max)
    m = cascade([u, u], ph.phaseonium_state(alpha, phi), between=[ph.dephasing_kraus(eps)])
    fp = m.fixed_point()
    nums = [qutip.tensor(qutip.num(n_max + 1), qutip.qeye(n_max + 1)),
            qutip.tensor(qutip.qeye(n_max + 1), qutip.num(n_max + 1))]
    t1_sim, t2_sim = (effective_temperature(qutip.expect(o, fp), 1.0) for o in nums)
    # truncation at n_max = 6 shifts <n> slightly: compare with the truncated Gibbs values
    for t_sim, t_exact in ((t1_sim, ph.steady_temperature(alpha, phi)),
                           (t2_sim, ph.decohered_temperature(alpha, phi, eps))):
        n_trunc = ph.gibbs_populations(t_exact, n_max) @ np.arange(n_max + 1)
        assert t_sim == pytest.approx(effective_temperature(n_trunc, 1.0), rel=1e-8)
    with pytest.raises(ValueError, match="eg_factor"):
        ph.dephasing_kraus(0.5, eg_factor=1.0)  # would not be completely positive
    # beyond the paper: phase flips of g2 alone (e-g1 coherence kept, e-g2 x eps) are CP,
    # give the same reduced ancilla for S2, but correlate S1 and S2 and move T2 off D4
    flips = cascade([u, u], ph.phaseonium_state(alpha, phi),
                    between=[ph.dephasing_kraus(eps, eg_factor=(1.0, eps))])
    fp2 = flips.fixed_point()
    t2_flip = effective_temperature(qutip.expect(nums[1], fp2), 1.0)
    assert t2_flip > 1.01 * t2_sim
    assert qutip.entropy_mutual(fp2, 0, 1) > 1e-3
    assert qutip.entropy_mutual(fp, 0, 1) < 1e-10


def test_continuous_limit_b7_is_approached_as_theta_goes_to_zero():
    n_max, kappa, t_final = 10, 1.0, 3.0
    alpha, phi = 0.25, 1.585589386
    times = np.linspace(0, t_final, 31)
    h, c_ops = ph.cascade_master_equation(alpha, phi, kappa, n_max)
    p0 = ph.gibbs_populations(0.6, n_max)
    rho0 = qutip.tensor(qutip.Qobj(np.diag(p0)), qutip.Qobj(np.diag(p0)))
    nums = [qutip.tensor(qutip.num(n_max + 1), qutip.qeye(n_max + 1)),
            qutip.tensor(qutip.qeye(n_max + 1), qutip.num(n_max + 1))]
    me = qutip.mesolve(h, rho0, times, c_ops, e_ops=nums,
                       options={"atol": 1e-11, "rtol": 1e-9})
    cont = np.array([np.real(e) for e in me.expect])
    # B7 is quadratic: the closed moment equations give the same photon numbers exactly
    moments = ph.cascade_master_equation_photons(alpha, phi, kappa, (0.6, 0.6), times)
    assert np.abs(moments - cont).max() < 1e-6
    devs = []
    for theta in (0.2, 0.1, 0.05):
        dt = theta**2 / kappa
        res = ph.simulate_cascade(alpha, phi, theta, int(round(t_final / dt)), n_max,
                                  (0.6, 0.6), truncation_tolerance=1e-4)
        grid = res["step"] * dt
        disc = np.array([np.interp(times, grid, res[k][0]) for k in ("n1", "n2")])
        devs.append(np.abs(disc - cont).max())
    assert devs[2] < 2e-3
    assert devs[0] / devs[1] > 1.8 and devs[1] / devs[2] > 1.8  # first order in theta^2 ~ dt


def test_noisy_cascade_is_reproducible_and_engines_agree():
    kw = dict(alpha=0.25, phi=2.404315987, dt=0.2, n_steps=60, n_max=16, t_initial=(1.0, 1.0),
              phi_noise=0.2, n_runs=3, seed=123)
    a = ph.simulate_cascade(**kw)
    b = ph.simulate_cascade(**kw)
    c = ph.simulate_cascade(**kw, method="blocks")
    assert np.array_equal(a["T1"], b["T1"]) and np.array_equal(a["phi"], b["phi"])
    assert np.allclose(a["T2"], c["T2"], atol=1e-12)
    d = ph.simulate_cascade(**{**kw, "seed": 124})
    assert not np.allclose(a["T2"][:, -1], d["T2"][:, -1])
    # Delta-t noise needs the block engine; the sector engine refuses it clearly
    with pytest.raises(ValueError, match="dt_noise"):
        ph.simulate_cascade(**{**kw, "phi_noise": 0.0}, dt_noise=0.1, method="sectors")
    e = ph.simulate_cascade(**{**kw, "phi_noise": 0.0}, dt_noise=0.1)
    f = ph.simulate_cascade(**{**kw, "phi_noise": 0.0}, dt_noise=0.1)
    assert np.array_equal(e["T1"], f["T1"])


def test_truncation_too_small_warns():
    with pytest.warns(PremiseWarning, match="Fock truncation"):
        ph.simulate_cascade(0.5, 1.26768686, 0.3, 50, 4, (1.0, 1.0))


def test_model_quantities_and_steady_state():
    m = ph.PhaseoniumCavity(alpha=0.25, phi=2.404315987, dt=0.2, n_max=32)
    assert m.quantity("T_phi") == pytest.approx(1.5, rel=1e-7)
    assert m.quantity("gamma_ratio") == pytest.approx(np.exp(-1 / 1.5), rel=1e-7)
    out = m.collision_map().apply(m.steady_state())
    assert np.abs((out - m.steady_state()).full()).max() < 1e-14


def test_sector_fixed_points_single_cavity_and_cascade_are_gibbs():
    alpha, phi, theta = 0.25, 2.404315987, 0.3
    t_phi = ph.steady_temperature(alpha, phi)
    # single cavity, n_max = 120: the order-0 sector is the diagonal
    n_max = 120
    single = KrausMap(ph.kraus_operators(alpha, phi, theta, n_max)).sectors(np.arange(n_max + 1))
    assert np.allclose(single.fixed_point(), ph.gibbs_populations(t_phi, n_max), atol=1e-12)
    # cascade, n_max = 20 per cavity: the fixed point is the product of Gibbs states
    n_max = 20
    charges = (np.arange(n_max + 1)[:, None] + np.arange(n_max + 1)[None, :]).ravel()
    sec = KrausMap(ph.cascade_kraus_operators(alpha, phi, theta, n_max)).sectors(charges)
    fp = sec.density_matrix(sec.fixed_point())
    g = np.diag(ph.gibbs_populations(t_phi, n_max))
    assert np.abs(fp - np.kron(g, g)).max() < 1e-12


def test_population_step_is_the_kraus_map_on_populations():
    p0 = ph.gibbs_populations(1.0, 12)
    for alpha, phi, theta in PARAMS:
        rho = KrausMap(ph.kraus_operators(alpha, phi, theta, 12)).apply(qutip.Qobj(np.diag(p0)))
        assert np.abs(np.real(rho.diag()) - ph.population_step(p0, alpha, phi, theta)).max() \
            < 1e-14


FIG3_DT = {"fast": (0.05, 0.10, 0.15, 0.55, 0.60, 0.65), "slow": (1.15, 1.25, 1.35)}


@pytest.mark.parametrize("phi", [1.585589386, 2.404315987])  # T* = 0.5, 1.5 (Fig. 3)
def test_near_trapping_flags_fig3_slow_collision_times_only(phi):
    # Fig. 3 from T = 1: Dt = 1.15-1.35 take 10-300 x longer than Dt ~ 0.6 to settle
    # (theta sqrt(2m) ~ pi at m = 3, 4); the small Dt are slow for another reason (weak
    # coupling) and must not be flagged as trapping
    temps = (1.0, ph.steady_temperature(0.25, phi))
    ratios = {dt: ph.relaxation_bottleneck(0.25, phi, dt, temps)["ratio"]
              for dts in FIG3_DT.values() for dt in dts}
    assert all(ratios[dt] < 0.2 for dt in FIG3_DT["slow"]), ratios
    assert all(ratios[dt] > 0.4 for dt in FIG3_DT["fast"]), ratios
    with pytest.warns(PremiseWarning, match="near-trapping"):
        ph.simulate_cascade(0.25, phi, 1.25, 1, 20, (1.0, 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        ph.simulate_cascade(0.25, phi, 0.6, 1, 20, (1.0, 1.0))


def test_near_trapping_ignores_unpopulated_levels():
    # Dt = 0.55: theta sqrt(2m) = 0.99 pi at m = 16, far above the populated levels; a long
    # ladder (all levels a T = 10 state fills) has a tiny gap there, the populated one not
    populated = ph.relaxation_bottleneck(0.25, 1.585589386, 0.55, (1.0, 0.5))
    whole = ph.relaxation_bottleneck(0.25, 1.585589386, 0.55, (10.0,))
    assert populated["ratio"] > 0.5 and whole["ratio"] < 0.2
    assert whole["link"] == 16
