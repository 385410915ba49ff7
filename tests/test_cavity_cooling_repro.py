"""Seed 000 reproduction: the claims the issue names, with their values."""

import pytest

from qfridge.reproduce.registry import Context
from qfridge.reproduce.seed000 import PAPER

REQUIRED = {
    "tcav_kappa0_one_atom_mK", "tcav_kappa0_two_atom_mK", "tcav_ratio_kappa0_one_atom",
    "tcav_ratio_kappa0_two_atom", "tcav_kappa0_independent_of_tbath", "table2_phi_rad",
    "exact_vs_closed_form_rel_err_phi_0p05_two_atom",
}


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in PAPER.claims(Context(quick=True))}


def test_claim_ids_and_values(claims):
    assert REQUIRED <= set(claims)
    assert claims["tcav_kappa0_one_atom_mK"].ours == pytest.approx(218.46, abs=0.01)
    assert claims["tcav_kappa0_one_atom_mK"].agrees
    assert claims["tcav_kappa0_two_atom_mK"].ours == pytest.approx(26.95, abs=0.01)
    assert claims["tcav_ratio_kappa0_one_atom"].ours == pytest.approx(4.369, abs=1e-3)
    assert claims["tcav_ratio_kappa0_two_atom"].ours == pytest.approx(0.5389, abs=1e-4)
    assert claims["tcav_kappa0_independent_of_tbath"].ours < 1e-12
    phi = claims["table2_phi_rad"]
    assert phi.ours == pytest.approx(157.08, abs=0.01) and phi.agrees is False
    assert "0.5 MHz" in phi.note
    err = claims["exact_vs_closed_form_rel_err_phi_0p05_two_atom"]
    assert err.paper is None and 0.0 < err.ours < 0.02
    assert claims["exact_effective_chi_phi_0p05"].ours == pytest.approx(1.935, abs=0.01)
    # literal Table 2 (g tau = 50 pi): trapping states move the exact one-atom kappa -> 0+ limit
    trap = claims["exact_tcav_kappa0plus_one_atom_table2_mK"]
    assert trap.agrees is False and trap.ours == pytest.approx(356.8, abs=1.0)
    assert claims["exact_tcav_kappa0plus_two_atom_table2_mK"].ours == pytest.approx(27.25, abs=0.05)


def test_every_disagreement_is_explained(claims):
    for c in claims.values():
        if c.agrees is False:
            assert len(c.note) > 30, c.id


def test_figure_names():
    names = [f.name for f in PAPER.figures]
    assert names == ["fig1_detuning", "fig2_kappa_and_g", "fig3_lambda_and_maps",
                     "fig4_kappa_detuning", "fig5_kappa0_detuning", "fig7_tcav_vs_kappa",
                     "fig_exact_vs_phi"]
    ds = PAPER.figures[4].compute(Context(quick=True))
    one = ds.T_cav_over_T_atom.sel(coupling="one").values
    assert one[0] > one[-1]          # Fig. 5: falls with Delta
