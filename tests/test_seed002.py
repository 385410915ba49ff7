"""Seed 002 reproduction: the paper's numbers, the readings, and the cross-checks the issue
names (each against the paper or an independent reference, never a stored output)."""

import numpy as np
import pytest

from qfridge.engines.leads import (
    FermionLead,
    QubitLead,
    heating_cooling_integrals,
    tight_binding_integral,
)
from qfridge.engines.rates import steady_state
from qfridge.models.anti_thermal import (
    AntiThermalChain,
    NonlinearCavity,
    SpinSystem,
    exact_qubit_lead_state,
)
from qfridge.reproduce import seed002 as s
from qfridge.reproduce.registry import Context


def test_fig2c_threshold_and_closed_form():
    # the onset of sympathetic cooling at mu_L + 2 J_L = Delta_S (paper), found as the
    # point where the engine's cooling rate diverges
    assert s.threshold_mu(1.5, 0.5) == pytest.approx(0.5, abs=1e-9)
    assert s.threshold_mu(0.8, 0.5) == pytest.approx(-0.2, abs=1e-9)
    # beta_S from the engine = log(I-/I+)/Delta_S with I+- of the closed form A12
    for mu in (-0.9, -0.5, 0.0, 0.3):
        i_plus, i_minus = heating_cooling_integrals(1.5, mu, 0.5)
        assert s._spin_half_beta(1.5, FermionLead(0.5, mu)) == pytest.approx(
            np.log(i_minus / i_plus) / 1.5, rel=1e-9)
    # below the band every mode is empty: only heating, beta_S = -inf
    assert s._spin_half_beta(1.5, FermionLead(0.5, -1.2)) == -np.inf


def test_a1_and_a2_from_rates_and_exact_lindblad():
    # A1: beta_S = -(Delta_L/Delta_S) beta_L, exactly (U(1) coupling), also for the full
    # Lindblad of spin + lead qubit
    assert s._spin_half_beta(1.0, QubitLead(1.5, beta=0.7)) == pytest.approx(-1.05, rel=1e-10)
    exact = s._spin_beta_exact(SpinSystem(1.0, 1.0), QubitLead(1.5, beta=0.7), 1e-2, 5e-2)
    assert exact == pytest.approx(-1.05, rel=1e-7)
    # A5: closed form and its sign change at nu = |D_L - D_S|/(D_L + D_S)
    for nu in (0.1, 0.35, 0.8):
        assert s._spin_half_beta(1.0, QubitLead(1.5, nu=nu)) == pytest.approx(
            2 * np.log(nu * 2.5 / 0.5), rel=1e-9)
    assert s._spin_half_beta(1.0, QubitLead(1.5, nu=0.2)) == pytest.approx(0.0, abs=1e-12)


def test_fig3_detailed_balance_equals_the_direct_rate_matrix_solve():
    # with a finite width every rate is finite: the birth-death detailed balance and the
    # full rate-matrix solve (engines.rates) must give the same state
    cav = NonlinearCavity(0.2, 0.1, 5, 12)
    lead = FermionLead(0.5, -0.88)
    direct = cav.lead_rates(lead, 1e-3, 0.02, broadening=0.01)
    np.testing.assert_allclose(s.cavity_populations(cav, lead, broadening=0.01),
                               steady_state(direct.rates.toarray()), rtol=1e-9, atol=1e-15)
    # at leading order the resonant cooling above N empties those levels
    p = s.cavity_populations(cav, FermionLead(0.5, -0.9))
    assert np.all(p[6:] == 0) and np.argmax(p) == 5


def test_fig8_fidelity_formula_is_the_large_n_limit_of_the_rate_matrix():
    # App. C: F = 1 - I-/I+ is p_N for N >> 1; check against detailed balance at N = 60
    cav = NonlinearCavity(0.2, 0.1, 60, 62)
    p = s.cavity_populations(cav, FermionLead(0.5, -0.9))
    f, r = s.fock_fidelity(0.5, 0.4)
    assert p[60] == pytest.approx(float(f), rel=1e-9)
    i_plus, i_minus = heating_cooling_integrals(0.2, -0.9, 0.5)
    assert float(r) == pytest.approx((i_plus - i_minus) * 0.2**2 / 4 / 0.5**2, rel=1e-12)


def test_fig7_third_quantization_meets_rates_and_zeno():
    # small eps, gamma, long lead: the rate-equation <S^z> (A11); Zeno: tau = gamma/2eps^2
    sz, _ = s.fig7_point(-0.8, 0.01, 0.05, 300)
    assert sz == pytest.approx(s.fig7_rates(-0.8)[0], rel=0.03)
    _, tau = s.fig7_point(0.0, 0.2, 40.0, 60)
    assert tau == pytest.approx(40.0 / (2 * 0.2**2), rel=2e-3)


def test_fig4_bands_heat_while_the_whole_chain_cools_a_little():
    # 6 qubits keep it cheap; the paper's picture: every band inverted (negative fitted T)
    chain = AntiThermalChain(n_sites=6, j_z=1.0, j_perp=0.5, b_z=-5.0)
    r = chain.lead_rates(FermionLead(0.5, -0.1), 1e-4, 0.02, charge=chain.magnetisation())
    p = r.populations()
    from qfridge.core.thermal import sector_temperatures

    fits = sector_temperatures(r.energies, p, r.sectors)
    assert len(fits) == 5 and all(f.is_negative for f in fits.values())
    assert np.isclose(p.sum(), 1.0)


def test_exact_reference_and_broadening_on_a_chain_with_transverse_field():
    chain = AntiThermalChain(n_sites=3, j_z=1.0, j_perp=0.5, b_z=-1.0, b_x=0.5)
    lead = QubitLead(1.0)
    exact = exact_qubit_lead_state(chain.hamiltonian(), chain.lowering(), lead, 5e-3, 0.05,
                                   s.EXACT_OPTIONS)
    bare = chain.lead_rates(lead, 5e-3, 0.05)
    broad = chain.lead_rates(lead, 5e-3, 0.05, broadening=0.025)
    err_bare = np.abs(bare.populations() - bare.eigen_populations(exact)).max()
    err_broad = np.abs(broad.populations() - broad.eigen_populations(exact)).max()
    assert err_broad < 1e-3 and err_broad < err_bare / 5


def test_fig5_gradient_measure_and_settings():
    ctx = Context(quick=True, settings={"fig6b_sites": "x"})
    with pytest.raises(ValueError, match="fig6b_sites"):
        ctx.setting("fig6b_sites", 10, int)
    assert "fig6b_sites" in s.PAPER.settings
    gib, sec = s._fig6b_estimate(15)
    assert 20 < gib < 30 and sec > 3600   # the paper's 15 qubits: ~24 GiB, hours
    assert tight_binding_integral(2.0, np.pi) > 0
