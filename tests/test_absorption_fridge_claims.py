"""Seed 004 reproduction: the master-equation claims and the figure data."""

import numpy as np
import pytest

from qfridge.reproduce import seed004
from qfridge.reproduce.registry import Claim, Context

ISSUE_IDS = {
    "fig3_dT_of_max_cooling_dz0p1", "fig3_dT_of_max_cooling_dz0p2", "fig3_cooling_whole_range",
    "fig4_eps1_sign_change", "fig5_global_dx0p002_heating_up_to_dz", "fig5_local_dx0p002_cools",
    "fig7_ratio_resonator_over_qubit_dT0p3", "fig8_dz_of_max_cooling_N2N2",
    "fig8_dz_of_max_cooling_N3N3", "eq11_ratio_numeric_over_expansion",
}


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in seed004.master_equation_claims(Context(quick=True))}


def test_all_issue_claims_present_and_explained(claims):
    assert ISSUE_IDS <= set(claims)
    for c in claims.values():
        assert c.ours is not None and np.isfinite(c.ours), c.id
        if c.agrees is False:
            assert len(c.note) > 40, f"{c.id} disagrees without an explanation"


def test_claim_values(claims):
    assert claims["fig7_ratio_resonator_over_qubit_dT0p3"].ours > 2.0
    assert claims["fig7_ratio_resonator_over_qubit_dT0p3"].agrees is True
    assert claims["eq11_ratio_numeric_over_expansion"].ours == pytest.approx(0.986, abs=0.005)
    assert claims["eq10_threshold_ideal_filters"].agrees is True
    # Fig. 4's sign change sits where Eq. 10 puts it, Delta_z T_L/T_C.
    assert claims["fig4_eps1_sign_change"].ours == pytest.approx(0.1 * 1.3 / 0.7, abs=0.01)
    # Fig. 3 maximum is broad and near 0.23; cooling ends before the Eq. 10 limit 0.905.
    assert 0.2 < claims["fig3_dT_of_max_cooling_dz0p1"].ours < 0.26
    assert 0.6 < claims["fig3_cooling_whole_range"].ours < 1.9 / 2.1
    # Global heats below a finite Delta_z; the local form cools almost down to 0.
    g = claims["fig5_global_dx0p002_heating_up_to_dz"].ours
    loc = claims["fig5_local_dx0p002_cools"].ours
    assert 0.05 < g < 0.2 and 0 < loc < g
    # Fig. 8: the qutrit maximum sits at smaller Delta_z than the qubit one.
    assert (claims["fig8_dz_of_max_cooling_N3N3"].ours
            < claims["fig8_dz_of_max_cooling_N2N2"].ours < 0.2)


def test_claims_include_the_negf_part(monkeypatch):
    extra = Claim.compare("negf_sentinel", "s", None, 1.0, "1")
    monkeypatch.setattr(seed004, "master_equation_claims", lambda ctx: [])
    monkeypatch.setattr(seed004.seed004_negf, "claims", lambda ctx: [extra])
    assert seed004.claims(Context(quick=True)) == [extra]
    names = [f.name for f in seed004.PAPER.figures]
    assert names[:5] == ["fig3", "fig4", "fig5", "fig7", "fig8"]


def test_fig5_qutip_markers_lie_on_the_rate_curves():
    ds = seed004.fig5_compute(Context(quick=True))
    for form in ("local", "global"):
        curve = ds[f"J_C_{form}"].sel(delta_x=0.002)
        for z, j in zip(ds.delta_z_check.values, ds[f"J_C_{form}_qutip"].values, strict=True):
            point = seed004.AbsorptionFridge(delta_z=z, delta_x=0.002, **seed004.FIG5)
            assert j == pytest.approx(float(seed004._quiet(point.J_C, form)), rel=1e-6)
        assert curve.attrs["units"] == seed004.J_UNIT
    # Global energy balance holds to round-off on the whole grid.
    assert float(np.abs(ds.residual_global).max()) < 1e-13
