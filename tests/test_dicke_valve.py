"""Seed 003 closed forms and the DickeHeatValve model."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.baths import RLCSpectralDensity
from qfridge.core.thermal import bose
from qfridge.core.units import HBAR, K_B, Frequency
from qfridge.core.validity import PremiseWarning
from qfridge.engines.collective import CollectiveRateEquation, DickeBath
from qfridge.models.dicke_valve import (
    DickeHeatValve,
    detuned_pair_current,
    detuned_qubit_current,
    effective_temperature,
    extensive_bound,
    high_temperature_current,
    independent_current,
    mean_jz,
    sector_bound,
    sector_current,
    thermodynamic_limit_ratio,
)

G = 0.1


def eq22_current(rho, jm, gamma, n):
    """Eq. 22 evaluated on a density matrix."""
    jp = jm.dag()
    return -gamma * (1 + n) * qutip.expect(jp * jm, rho) + gamma * n * qutip.expect(jm * jp, rho)


@pytest.mark.parametrize("n_qubits", [2, 3, 4])
@pytest.mark.parametrize("t_h", [0.4, 1.0, 3.0])
def test_eq24_equals_numerical_steady_state_in_top_sector(n_qubits, t_h):
    """Eq. 24 (with C9 at T*) = QuTiP steady state of Eq. 9 in the J = N/2 sector."""
    j = n_qubits / 2
    t_c, g_h, g_c = 1 / 3, 0.1, 0.06
    jm = qutip.jmat(j, "-")
    n_h, n_c = bose(1.0, t_h), bose(1.0, t_c)
    cops = [np.sqrt(g_h * (1 + n_h)) * jm, np.sqrt(g_h * n_h) * jm.dag(),
            np.sqrt(g_c * (1 + n_c)) * jm, np.sqrt(g_c * n_c) * jm.dag()]
    rho = qutip.steadystate(qutip.jmat(j, "z"), cops)
    numeric = eq22_current(rho, jm, g_h, n_h)
    assert sector_current(j, 1.0, g_h, g_c, t_h, t_c) == pytest.approx(numeric, rel=1e-10)
    # the sector state is thermal at T* (Eqs. 16-18)
    t_star = effective_temperature(1.0, g_h, g_c, t_h, t_c)
    assert qutip.expect(qutip.jmat(j, "z"), rho) == pytest.approx(mean_jz(j, t_star), rel=1e-10)


def test_one_qubit_reduces_to_eq26():
    m = DickeHeatValve.natural(1, 1.7, 0.5, 0.1, 0.04)
    ref = independent_current(1, 1.0, 0.1, 0.04, 1.7, 0.5)
    assert m.heat_current_hot(natural=True) == pytest.approx(ref, rel=1e-12)
    assert sector_current(0.5, 1.0, 0.1, 0.04, 1.7, 0.5) == pytest.approx(ref, rel=1e-12)
    assert m.heat_current_cold(natural=True) == pytest.approx(-ref, rel=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_parasitic_bath_at_tstar_gives_exactly_the_independent_current(n):
    t_star = effective_temperature(1.0, G, G, 3.0, 1 / 3)
    m = DickeHeatValve.natural(n, 3.0, 1 / 3, G, G, 1e-3, t_star)
    assert m.heat_current_hot(True) == pytest.approx(m.independent_current(True), rel=1e-10)
    assert m.heat_current_parasitic(True) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n,t_p", [(4, 0.1), (10, 2.0)])
def test_three_currents_sum_to_zero(n, t_p):
    q = DickeHeatValve.natural(n, 3.0, 1 / 3, G, G, 1e-3, t_p).heat_currents(natural=True)
    assert abs(q["hot"] + q["cold"] + q["parasitic"]) < 1e-12 * abs(q["hot"])


def test_mean_jz_matches_direct_sum_and_limits():
    for j in (0.5, 1.0, 3.5, 8.0):
        m = np.arange(-j, j + 1)
        for t in (0.05, 0.7, 3.0, 40.0, 1e3):
            w = np.exp(-m / t)
            assert mean_jz(j, t) == pytest.approx((m * w).sum() / w.sum(), rel=1e-12)
    assert mean_jz(6.0, 0.0) == -6.0                                   # Eq. C10
    assert mean_jz(6.0, 0.01) == pytest.approx(-6.0, rel=1e-12)
    assert mean_jz(2.0, 1e5) == pytest.approx(-2 * 3 / 3e5, rel=1e-8)  # Eq. C11
    # Eq. C12: <J_z>_{J,T} / (2J <J_z>_{1/2,T}) -> coth(T0/2T) for J -> infinity
    t, big = 0.8, 1e6
    ratio = mean_jz(big, t) / (2 * big * mean_jz(0.5, t))
    assert ratio == pytest.approx(1.0 / np.tanh(1 / (2 * t)), rel=1e-5)


def test_bounds_and_thermodynamic_limit():
    t_h, t_c = 3.0, 1 / 3
    for n in (1, 4, 16, 100):
        q = sector_current(n / 2, 1.0, G, G, t_h, t_c)
        assert q <= sector_bound(n / 2, 1.0, G, G, t_h, t_c) * (1 + 1e-12)        # Eq. 28
        assert q <= extensive_bound(n, 1.0, G, G, t_h, t_c) * (1 + 1e-12)          # Eq. 25
    n = 200000
    ratio = sector_current(n / 2, 1.0, G, G, t_h, t_c) / independent_current(n, 1.0, G, G,
                                                                              t_h, t_c)
    assert ratio == pytest.approx(thermodynamic_limit_ratio(1.0, G, G, t_h, t_c), rel=1e-4)
    # Eq. 30: high-temperature form, J T0 << T*
    hot = 200.0
    for j in (0.5, 1.0, 2.0):
        assert high_temperature_current(j, 1.0, G, G, hot, hot / 3) == pytest.approx(
            sector_current(j, 1.0, G, G, hot, hot / 3), rel=1e-3)
    # Eq. 28 saturated at low temperature (Eq. C10)
    assert sector_current(8, 1.0, G, G, 0.1, 0.05) == pytest.approx(
        sector_bound(8, 1.0, G, G, 0.1, 0.05), rel=1e-5)


def test_tstar_between_bath_temperatures_and_paper_values():
    assert 1 / effective_temperature(1.0, G, G, 1.0, 1 / 3) == pytest.approx(1.42, abs=0.005)
    assert 1 / effective_temperature(1.0, G, G, 3.0, 1 / 3) == pytest.approx(0.57, abs=0.005)
    t = effective_temperature(1.0, np.array([0.1, 0.3]), 0.2, 2.0, 0.5)
    assert np.all((t > 0.5) & (t < 2.0))


def test_sector_initial_states_without_parasitic_bath():
    """J^2 conserved: the current depends on the initial sector weights (Eq. 17)."""
    ground = DickeHeatValve.natural(4, 3.0, 1 / 3)
    assert ground.heat_current_hot(True) == pytest.approx(
        sector_current(2, 1.0, G, G, 3.0, 1 / 3), rel=1e-12)
    j1 = DickeHeatValve.natural(4, 3.0, 1 / 3, initial=1.0)
    assert j1.heat_current_hot(True) == pytest.approx(sector_current(1, 1.0, G, G, 3.0, 1 / 3),
                                                      rel=1e-12)
    mixed = DickeHeatValve.natural(4, 3.0, 1 / 3, initial="mixed")
    # P_J = d_J (2J+1)/2^N: J=2: 5/16, J=1: 9/16, J=0: 2/16
    expect = (5 * sector_current(2, 1.0, G, G, 3.0, 1 / 3)
              + 9 * sector_current(1, 1.0, G, G, 3.0, 1 / 3)) / 16
    assert mixed.heat_current_hot(True) == pytest.approx(expect, rel=1e-12)
    assert mixed.mean_j_squared() == pytest.approx((5 * 6 + 9 * 2) / 16, rel=1e-12)


def test_detuned_qubit_formula_matches_engine_for_one_qubit():
    """Eqs. D1-D4: one qubit with local hot, cold, parasitic baths (N = 1 engine is exact)."""
    w, g, gp, th, tc, tp = 1.0, 0.1, 0.02, 2.0, 0.5, 0.26
    eng = CollectiveRateEquation(1, w, [DickeBath.thermal("h", g, bose(w, th)),
                                        DickeBath.thermal("c", g, bose(w, tc)),
                                        DickeBath.thermal("p", gp, bose(w, tp), False)])
    q = eng.heat_current(eng.steady_state(), "h")
    assert detuned_qubit_current(w, g, th, tc, gp, tp) == pytest.approx(q, rel=1e-12)
    # without parasitic bath and a fully detuned second qubit: 2 Q_det -> Q_ind(N=2)
    q2 = detuned_pair_current(w, w / 2, w, 1e6, g, th, tc, 0.0, tp)
    assert 2 * q2 == pytest.approx(independent_current(2, w, g, g, th, tc), rel=1e-9)


def test_fig5b_ratios_do_not_depend_on_cyclic_or_angular_rates():
    for tp in ("50 mK", "450 mK"):
        cyc = DickeHeatValve.table1(2, T_p=tp)
        ang = DickeHeatValve.table1(2, T_p=tp, rates="angular")
        assert cyc.gamma_h / ang.gamma_h == pytest.approx(2 * np.pi)
        assert cyc.ratio_to_independent() == pytest.approx(ang.ratio_to_independent(),
                                                           rel=1e-10)
        assert cyc.heat_current_hot() / ang.heat_current_hot() == pytest.approx(2 * np.pi)
        e = K_B / HBAR
        dets = [detuned_pair_current(m.omega0, m.omega0 / 2, m.omega0, 20.0, m.gamma_h,
                                     m.T_h * e, m.T_c * e, m.gamma_p, m.T_p * e)
                / m.independent_current(True) / m.omega0**2 for m in (cyc, ang)]
        assert dets[0] == pytest.approx(dets[1], rel=1e-10)


def test_table1_and_circuit_constructor():
    m = DickeHeatValve.table1(3)
    assert m.omega0 == pytest.approx(2 * np.pi * 4e9)
    p = m.natural_parameters
    assert p["gamma_h"] == pytest.approx(0.125)
    assert p["t_h"] == pytest.approx(2.0, rel=1e-3)   # 384 mK <-> 8 GHz
    assert p["t_c"] == pytest.approx(0.5, rel=1e-3)   # 96 mK <-> 2 GHz
    # Eq. B19 at resonance: gamma = 4 hbar omega0 R G^2; detuned by the RLC filter
    w0 = Frequency.cyclic(4, "GHz").angular_rad_per_s
    c = DickeHeatValve.from_circuit(2, "4 GHz", "4 GHz", 50.0, 50.0, 20.0, 20.0, 1e12, 2e12,
                                    "384 mK", "96 mK")
    assert c.gamma_h == pytest.approx(4 * HBAR * w0 * 50.0 * 1e24, rel=1e-12)
    assert c.gamma_c == pytest.approx(4 * c.gamma_h, rel=1e-12)
    d = DickeHeatValve.from_circuit(2, "4 GHz", "5 GHz", 50.0, 50.0, 20.0, 20.0, 1e12, 1e12,
                                    "384 mK", "96 mK")
    wlc = 2 * np.pi * 5e9
    ref = RLCSpectralDensity(4 * HBAR * wlc * 50.0 * 1e24, wlc, 20.0)(w0)
    assert d.gamma_h == pytest.approx(ref, rel=1e-12)
    x = w0 / wlc
    assert d.gamma_h == pytest.approx(4 * HBAR * w0 * 50 * 1e24 / (1 + 400 * (x - 1 / x) ** 2))


@pytest.mark.parametrize("kwargs,name", [
    ({"n_qubits": 0}, "n_qubits"), ({"n_qubits": 2.5}, "n_qubits"),
    ({"gamma_h": -1.0}, "gamma_h"), ({"gamma_p": -1e3}, "gamma_p"),
    ({"T_h": 0.0}, "T_h"), ({"T_c": -0.1}, "T_c"), ({"T_p": -1.0}, "T_p"),
    ({"omega0": 0.0}, "omega0"), ({"initial": "excited"}, "initial"),
    ({"initial": 0.7}, "J = 0.7"),
])
def test_bad_inputs_raise_naming_the_argument(kwargs, name):
    base = dict(n_qubits=3, omega0="4 GHz", gamma_h="0.5 GHz", gamma_c="0.5 GHz",
                T_h="384 mK", T_c="96 mK")
    base.update(kwargs)
    with pytest.raises(ValueError, match=name):
        DickeHeatValve(**base)


def test_premise_warnings():
    strong = DickeHeatValve.natural(2, 1.0, 1 / 3, gamma_h=0.5, gamma_c=0.5)
    with pytest.warns(PremiseWarning, match="weak coupling"):
        strong.heat_current_hot()
    many = DickeHeatValve.natural(20, 1.0, 1 / 3, 0.1, 0.1, 1e-3, 0.1)
    with pytest.warns(PremiseWarning, match="collective linewidth"):
        many.heat_current_hot()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PremiseWarning)
        DickeHeatValve.table1(2).heat_current_hot()


def test_quantities_and_units():
    m = DickeHeatValve.table1(2, T_p="100 mK")
    assert m.quantity("Q_h") == pytest.approx(m.heat_current_hot(True) * HBAR * m.omega0**2)
    assert m.quantity("T_star") == pytest.approx(
        effective_temperature(1.0, 0.125, 0.125, m.natural_parameters["t_h"],
                              m.natural_parameters["t_c"]) * HBAR * m.omega0 / K_B)
    assert 1e-15 < m.quantity("Q_h") < 1e-14   # a few fW
    assert 0 < m.quantity("J2") <= 2.0
