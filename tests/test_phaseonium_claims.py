"""Seed 001 claims, computed at full accuracy (the same function the reproduction runs).

The asserted numbers are the paper's, at the precision it states; where our data disagree
with the paper, the test checks that the claim says so and why.
"""

import numpy as np
import pytest

from qfridge.models import phaseonium as ph
from qfridge.reproduce.registry import Context
from qfridge.reproduce.seed001 import PAPER

REQUIRED = {
    "tstar_fig5_cool", "tstar_fig5_heat", "tstar_fig6", "tstar_fig4_alpha_0p2517517",
    "tstar_fig4_alpha_0p451963", "tnoisy_fig5_cool_s0p2_cavity1",
    "tnoisy_fig5_heat_s0p2_cavity1", "tnoisy_fig5_heat_s0p35_cavity1", "tnoisy_fig6_cavity1",
    "tnoisy_fig6_cavity2", "kraus_vs_bruteforce_max_abs_err",
}
ERRATA = {"tstar_fig4_alpha_0p2517517", "tstar_fig4_alpha_0p451963", "tstar_fig3_phi_1p5855",
          "tstar_fig3_phi_2p4043"}
# the paper's long-time temperatures (value, +- spread): Fig. 5 and Fig. 6 captions
NOISY = {
    "fig5_cool_s0p2_cavity1": (0.498, 0.006), "fig5_cool_s0p2_cavity2": (0.498, 0.004),
    "fig5_heat_s0p2_cavity1": (1.50, 0.03), "fig5_heat_s0p2_cavity2": (1.50, 0.02),
    "fig5_heat_s0p35_cavity1": (1.52, 0.05), "fig5_heat_s0p35_cavity2": (1.52, 0.03),
    "fig6_cavity1": (1.37, 0.04), "fig6_cavity2": (1.37, 0.03),
}


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in PAPER.claims(Context(quick=True))}


def test_claim_ids_and_values(claims):
    assert REQUIRED <= set(claims)
    assert claims["tstar_fig5_cool"].ours == pytest.approx(0.5, rel=1e-6)
    assert claims["tstar_fig6"].ours == pytest.approx(1.5, rel=1e-6)
    # the caption errata: ours follows Eq. 16 and disagrees with the caption, with a note
    for cid in ERRATA:
        assert claims[cid].agrees is False and "caption swaps" in claims[cid].note
    assert claims["tstar_fig4_alpha_0p2517517"].ours == pytest.approx(0.5, rel=1e-5)
    assert claims["tnoisy_fig6_cavity1"].ours < 1.45  # clearly below T* = 1.5, as the paper says
    assert claims["kraus_vs_bruteforce_max_abs_err"].ours < 1e-12
    assert claims["cascade_vs_bruteforce_max_abs_err"].ours < 1e-12
    # App. D never evaluates D4 (unjudged); our simulation reaches D4 evaluated
    d4 = ph.decohered_temperature(ph.alpha_for_temperature(np.pi / 3, 0.5), np.pi / 3, 0.5)
    assert claims["t2star_decoherence_eps0p5"].paper is None
    assert claims["t2star_decoherence_eps0p5"].ours == pytest.approx(d4, rel=1e-3)


def test_noisy_temperatures_within_the_papers_spread(claims):
    for key, (value, spread) in NOISY.items():
        assert abs(claims[f"tnoisy_{key}"].ours - value) <= spread, key


def test_spreads_at_the_papers_precision(claims):
    # one significant figure: half a unit of its last digit; the std of 10 runs itself has a
    # ~24 % statistical uncertainty, so a disagreement must stay within that and be explained
    for key, (_, spread) in NOISY.items():
        c = claims[f"spread_{key}"]
        half_unit = 0.0005 if spread < 0.01 else 0.005
        if abs(c.ours - spread) <= half_unit:
            assert c.agrees is True, key
        else:
            assert c.agrees is False and "Disagreement" in c.note, key
            assert abs(c.ours / spread - 1) < 0.5, key


def test_thermalization_speed_statements(claims):
    # Fig. 3: the top row speeds up with Dt (both T*); the central row is flat at T* = 0.5
    for tag in ("tstar0p5", "tstar1p5"):
        assert claims[f"fig3_row1_speeds_up_with_dt_{tag}"].ours > 1
    assert claims["fig3_row2_speed_flat_tstar0p5"].ours <= 1.2
    # Fig. 4: noise in Dt slows the heating to T* = 1.5 (alpha = 0.451963)
    assert claims["fig4_dt_noise_slows_alpha_0p451963"].ours > 1
    # cavity S2 (the full cascade): heating slowed too (155 vs 145 collisions), cooling sped
    # up (69 vs 76), which the claim states as a disagreement with the paper
    assert claims["fig4_dt_noise_slows_s2_alpha_0p451963"].agrees is True
    cold = claims["fig4_dt_noise_slows_s2_alpha_0p2517517"]
    assert cold.ours < 1 and cold.agrees is False and "Disagreement" in cold.note
    # S2's step-to-step map is not positive: a negative population
    assert claims["s2_not_cp_divisible"].ours < 0 and claims["s2_not_cp_divisible"].agrees


def test_every_disagreement_is_explained_and_no_note_cites_outside_files(claims):
    for c in claims.values():
        assert "DESIGN" not in c.note, c.id
        if c.agrees is False:
            assert "Disagreement" in c.note or "caption swaps" in c.note, c.id
