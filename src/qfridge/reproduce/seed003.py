r"""Seed 003: the Dicke superradiant heat valve — Figs. 3(a,b), 4(a-d), 5(a,b), 6 and claims.

Natural units for Figs. 3, 4, 6: rates in units of :math:`\omega_0`, temperatures in units
of :math:`T_0 = \hbar\omega_0/k_B`, currents in units of :math:`\hbar\omega_0^2`.
Fig. 5 uses the circuit-QED set of Table 1 with the "GHz" rates read as cyclic
(:math:`\gamma = 2\pi\times 0.5` GHz); ratios of currents do not depend on that reading.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..core.units import HBAR, K_B
from ..core.validity import PremiseWarning
from ..engines.collective import piqs_steady_state
from ..models.dicke_valve import (
    DickeHeatValve,
    detuned_pair_current,
    detuned_qubit_current,
    effective_temperature,
    independent_current,
    mean_jz,
    sector_bound,
    sector_current,
)
from ..sweeps import SweepPointWarning, sweep
from ..sweeps.api import first_failure
from .registry import Citation, Claim, Figure, Paper

QH = "heat current from the hot bath Q_h"
GAMMA = 0.1          # gamma_h = gamma_c = omega0/10 (Figs. 3, 4)
GAMMA_P = 1e-3       # gamma_p = 1e-3 omega0 (Fig. 4)
T_C_FIG4 = 1 / 3     # T_c = T0/3 (Fig. 4)
TH_FIG4 = {"a": 1.0, "c": 3.0}   # T_h = T0 (a, b); T_h = 3 T0 (c, d)
QUALITY = 20.0       # Q_i of the resonators (Fig. 5b caption)
J_FIG3 = (0.5, 1.0, 2.0, 4.0, 8.0)
J_FIG6 = (0.5, 1.0, 2.0, 4.0, 8.0)
TP_FIG5A_MK = (50.0, 100.0, 150.0, 250.0, 500.0)


def _t0_over_tstar(case: str) -> float:
    return 1.0 / effective_temperature(1.0, GAMMA, GAMMA, TH_FIG4[case], T_C_FIG4)


def _fig4_tp_ratios(case: str) -> tuple[float, ...]:
    """T0/T_p values: hot (< 1), T_p = T*, cold (>= 3 or 10), as the text describes."""
    ts = _t0_over_tstar(case)
    return (0.1, 0.5, ts, 10.0, 100.0) if case == "a" else (0.1, ts, 1.0, 3.0, 10.0)


# ----------------------------------------------------------------------------- Fig. 3
def compute_fig3a(ctx) -> xr.Dataset:
    x = np.linspace(0.05, 3.0, ctx.pick(150, 50))   # T0/T_h
    t_h = 1.0 / x
    t_c = t_h / 3.0
    j = np.array(J_FIG3)[:, None]
    q = sector_current(j, 1.0, GAMMA, GAMMA, t_h[None, :], t_c[None, :]) / j
    q_ind = independent_current(1, 1.0, GAMMA, GAMMA, t_h, t_c) * 2.0  # N = 2J -> /J
    q_lim = sector_bound(1.0, 1.0, GAMMA, GAMMA, t_h, t_c)
    return xr.Dataset(
        {"Qh_per_J": (("J", "T0_over_Th"), q,
                      {"units": "hbar*omega0^2", "long_name": f"{QH} per J"}),
         "Qind_per_J": (("T0_over_Th",), q_ind,
                        {"units": "hbar*omega0^2", "long_name": f"{QH} per J, independent "
                         "qubits (Eq. 26)"}),
         "Qlim_per_J": (("T0_over_Th",), q_lim,
                        {"units": "hbar*omega0^2", "long_name": f"{QH} per J, limit (Eq. 28)"})},
        coords={"J": ("J", np.array(J_FIG3), {"units": "1"}),
                "T0_over_Th": ("T0_over_Th", x, {"units": "1"})})


def plot_fig3a(ds, ctx):
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for j in ds.J.values:
        ax.plot(ds.T0_over_Th, ds.Qh_per_J.sel(J=j), label=f"J = {j:g}")
    ax.plot(ds.T0_over_Th, ds.Qind_per_J, "k--", label=r"$\dot Q^{\rm ind}_h/J$ (Eq. 26)")
    ax.plot(ds.T0_over_Th, ds.Qlim_per_J, "r:", label=r"$\dot Q^{\rm lim}_h/J$ (Eq. 28)")
    ax.set_xlabel(r"$T_0/T_h$")
    ax.set_ylabel(r"$\dot Q_h/(J\hbar\omega_0^2)$")
    ax.set_yscale("log")
    ax.set_title("Fig. 3(a): fixed sector J, $T_h/T_c = 3$, $\\gamma_{h,c} = \\omega_0/10$")
    ax.legend(fontsize=7)
    return fig


def compute_fig3b(ctx) -> xr.Dataset:
    j = np.arange(1, 17) / 2.0
    x = np.array([0.1, 0.3, 0.5, 0.7, 1.0, 2.0])
    t_h = 1.0 / x[:, None]
    q = sector_current(j[None, :], 1.0, GAMMA, GAMMA, t_h, t_h / 3.0) / j[None, :]
    q_lim = sector_bound(1.0, 1.0, GAMMA, GAMMA, t_h[:, 0], t_h[:, 0] / 3.0)
    return xr.Dataset(
        {"Qh_per_J": (("T0_over_Th", "J"), q,
                      {"units": "hbar*omega0^2", "long_name": f"{QH} per J"}),
         "Qlim_per_J": (("T0_over_Th",), q_lim,
                        {"units": "hbar*omega0^2", "long_name": f"{QH} per J, limit (Eq. 28)"})},
        coords={"J": ("J", j, {"units": "1"}), "T0_over_Th": ("T0_over_Th", x, {"units": "1"})})


def plot_fig3b(ds, ctx):
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for k, x in enumerate(ds.T0_over_Th.values):
        line, = ax.plot(ds.J, ds.Qh_per_J.sel(T0_over_Th=x), "o", ms=4,
                        label=f"$T_0/T_h$ = {x:g}")
        ax.axhline(float(ds.Qlim_per_J[k]), ls=":", color=line.get_color())
    ax.set_xlabel("J")
    ax.set_ylabel(r"$\dot Q_h/(J\hbar\omega_0^2)$")
    ax.set_yscale("log")
    ax.set_title("Fig. 3(b): Eq. 24 vs J; dotted: $\\dot Q^{\\rm lim}_h/J$ (Eq. 28)")
    ax.legend(fontsize=7, ncol=2)
    return fig


# ----------------------------------------------------------------------------- Fig. 4
def _fig4_point(case: str, tp_index: int, N: int) -> dict:
    """One point of Fig. 4: Q_h/N and normalised <J^2> with the parasitic bath."""
    t0_over_tp = _fig4_tp_ratios(case)[tp_index]
    model = DickeHeatValve.natural(int(N), TH_FIG4[case], T_C_FIG4, GAMMA, GAMMA, GAMMA_P,
                                   1.0 / t0_over_tp)
    return {"Qh_per_N": model.heat_current_hot(natural=True) / N,
            "J2_normalised": model.mean_j_squared() / (N / 2 * (N / 2 + 1))}


@lru_cache(maxsize=2)
def _fig4_data(n_max: int, executor, progress: bool) -> xr.Dataset:
    """Fig. 4 over N = 1..n_max: the (case, T_p, N) grid is a :func:`qfridge.sweeps.sweep`,
    so ``qfridge reproduce 003 --scheduler ADDRESS`` runs it on a Dask cluster."""
    n_values = np.arange(1, n_max + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SweepPointWarning)   # recorded per point instead
        grid = sweep(_fig4_point, {"case": ["a", "c"], "tp_index": np.arange(5), "N": n_values},
                     executor=executor, progress=progress)
    if int(grid["failed"].sum()):
        where, msg = first_failure(grid)
        raise RuntimeError(f"Fig. 4 point {where} failed: {msg}")
    warned = grid["warnings"].str.contains("PremiseWarning").any(dim=("case", "tp_index"))
    flagged = n_values[warned.values]
    q_ind = np.array([independent_current(1, 1.0, GAMMA, GAMMA, TH_FIG4[c], T_C_FIG4)
                      for c in ("a", "c")])
    q_lim = np.array([sector_bound(0.5, 1.0, GAMMA, GAMMA, TH_FIG4[c], T_C_FIG4)
                      for c in ("a", "c")])
    q_sector = np.array([sector_current(n_values / 2, 1.0, GAMMA, GAMMA, TH_FIG4[c], T_C_FIG4)
                         / n_values for c in ("a", "c")])
    tp_ratio = np.array([_fig4_tp_ratios(c) for c in ("a", "c")])
    return xr.Dataset(
        {"Qh_per_N": (("case", "tp_index", "N"), grid["Qh_per_N"].values,
                      {"units": "hbar*omega0^2", "long_name": f"{QH} per qubit"}),
         "J2_normalised": (("case", "tp_index", "N"), grid["J2_normalised"].values,
                           {"units": "1", "long_name": "<J^2> / [N/2 (N/2 + 1)]"}),
         "T0_over_Tp": (("case", "tp_index"), tp_ratio,
                        {"units": "1", "long_name": "T_0 over parasitic-bath temperature T_p"}),
         "Qind_per_N": (("case",), q_ind, {"units": "hbar*omega0^2",
                                           "long_name": f"{QH} per qubit, independent (Eq. 26)"}),
         "Qlim_per_N": (("case",), q_lim, {"units": "hbar*omega0^2",
                                           "long_name": f"{QH} per qubit, J = N/2 (Eq. 28)"}),
         "Qsector_per_N": (("case", "N"), q_sector,
                           {"units": "hbar*omega0^2", "long_name": f"{QH} per qubit, J = N/2, "
                            "no parasitic bath (Eq. 24)"})},
        coords={"case": ["a", "c"], "tp_index": np.arange(5), "N": n_values},
        attrs={"premise_warning_from_N": int(flagged.min()) if flagged.size else -1})


def compute_fig4(ctx) -> xr.Dataset:
    return _fig4_data(100, ctx.executor, ctx.progress).sel(N=slice(1, 12)).copy()


def compute_fig4_extended(ctx) -> xr.Dataset:
    ds = _fig4_data(100, ctx.executor, ctx.progress)
    if ctx.quick:
        keep = np.unique(np.r_[1:13, np.geomspace(12, 100, 12).round().astype(int)])
        ds = ds.sel(N=keep)
    return ds.copy()


def _plot_fig4(ds, log_n: bool, title: str):
    fig, axes = plt.subplots(2, 2, figsize=(12.5, 7), sharex=True, layout="constrained")
    for a, case in enumerate(("a", "c")):
        top, bottom = axes[0, a], axes[1, a]
        for b in ds.tp_index.values:
            r = float(ds.T0_over_Tp.sel(case=case, tp_index=b))
            label = f"$T_0/T_p$ = {r:.3g}"
            top.plot(ds.N, ds.Qh_per_N.sel(case=case, tp_index=b), "o-", ms=3, lw=0.8,
                     label=label)
            bottom.plot(ds.N, ds.J2_normalised.sel(case=case, tp_index=b), "o-", ms=3, lw=0.8,
                        label=label)
        top.axhline(float(ds.Qind_per_N.sel(case=case)), color="k", ls="--",
                    label=r"independent (Eq. 26)")
        top.axhline(float(ds.Qlim_per_N.sel(case=case)), color="r", ls=":", lw=0.8,
                    label=r"$\dot Q^{\rm lim}_h/N$, J = N/2 (Eq. 28)")
        top.plot(ds.N, ds.Qsector_per_N.sel(case=case), "k^", ms=4,
                 label="J = N/2, no parasitic bath (Eq. 24)")
        th = TH_FIG4[case]
        top.set_title(f"({'a' if case == 'a' else 'c'}) $T_h$ = {th:g} $T_0$")
        bottom.set_title(f"({'b' if case == 'a' else 'd'}) $T_h$ = {th:g} $T_0$")
        top.set_ylabel(r"$\dot Q_h/(N\hbar\omega_0^2)$")
        bottom.set_ylabel(r"$\langle J^2\rangle/[\frac{N}{2}(\frac{N}{2}+1)]$")
        bottom.set_xlabel("N")
        # outside the panel: inside, it hid curves and the Eq. 26 line of (a)
        top.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        if log_n:
            top.set_xscale("log")
            bottom.set_yscale("log")
    fig.suptitle(title, fontsize=10)
    return fig


def plot_fig4(ds, ctx):
    return _plot_fig4(ds, False, "Fig. 4: parasitic bath, $\\gamma_p = 10^{-3}\\omega_0$, "
                                 "$T_c = T_0/3$, $\\gamma_{h,c} = \\omega_0/10$")


def plot_fig4_extended(ds, ctx):
    return _plot_fig4(ds, True, "Fig. 4 extended to N = 100 (beyond the paper)")


# ----------------------------------------------------------------------------- Fig. 5
def _kelvin_to_energy(t):
    return np.asarray(t) * K_B / HBAR


def compute_fig5a(ctx) -> xr.Dataset:
    n_values = np.arange(1, 11)
    tps = np.array(TP_FIG5A_MK)
    q = np.zeros((tps.size, n_values.size))
    flagged = []
    for a, tp in enumerate(tps):
        for b, n in enumerate(n_values):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", PremiseWarning)
                q[a, b] = DickeHeatValve.table1(int(n), T_p=tp * 1e-3).heat_current_hot() / n
            if caught:
                flagged.append(int(n))
    q_ind = DickeHeatValve.table1(1).independent_current()
    return xr.Dataset(
        {"Qh_per_N": (("Tp", "N"), q * 1e15, {"units": "fW", "long_name": f"{QH} per qubit"}),
         "Qind_per_N": ((), q_ind * 1e15,
                        {"units": "fW", "long_name": f"{QH} per qubit, independent (Eq. 26)"})},
        coords={"Tp": ("Tp", tps, {"units": "mK"}), "N": n_values},
        attrs={"premise_warning_from_N": min(flagged) if flagged else -1})


def plot_fig5a(ds, ctx):
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for tp in ds.Tp.values:
        ax.plot(ds.N, ds.Qh_per_N.sel(Tp=tp), "o-", ms=4, lw=0.8, label=f"$T_p$ = {tp:g} mK")
    ax.axhline(float(ds.Qind_per_N), color="k", ls="--", label="independent (Eq. 26)")
    ax.set_xlabel("N")
    ax.set_ylabel(r"$\dot Q_h/N$ (fW)")
    ax.set_title("Fig. 5(a): Table 1 parameters (rates read as cyclic GHz)")
    ax.legend(fontsize=7)
    return fig


def _fig5b_point(tp_kelvin: float, gamma_1_ghz: float = 0.5, rates: str = "cyclic"):
    """(Q_coll, Q_ind, 2 Q_det, Q_ind with parasitic) in W for N = 2 at T_p."""
    m = DickeHeatValve.table1(2, T_p=tp_kelvin, rates=rates)
    scale = 2 * np.pi if rates == "cyclic" else 1.0
    g1 = scale * gamma_1_ghz * 1e9
    e = _kelvin_to_energy
    q_det = HBAR * detuned_pair_current(m.omega0, m.omega0 / 2, m.omega0, QUALITY, g1,
                                        e(m.T_h), e(m.T_c), m.gamma_p, e(m.T_p))
    q_ind_p = 2 * HBAR * detuned_qubit_current(m.omega0, m.gamma_h, e(m.T_h), e(m.T_c),
                                               m.gamma_p, e(m.T_p))
    return m.heat_current_hot(), m.independent_current(), 2 * q_det, q_ind_p


def compute_fig5b(ctx) -> xr.Dataset:
    tps = np.linspace(50.0, 500.0, ctx.pick(91, 31))
    rows = np.array([_fig5b_point(tp * 1e-3) for tp in tps]) * 1e15
    return xr.Dataset(
        {"Qh_collective": (("Tp",), rows[:, 0],
                           {"units": "fW", "long_name": f"{QH}, N = 2 collective"}),
         "Qh_independent": (("Tp",), rows[:, 1],
                            {"units": "fW", "long_name": f"{QH}, N = 2 independent"}),
         "two_Qh_detuned": (("Tp",), rows[:, 2],
                            {"units": "fW", "long_name": f"2 x {QH} of the detuned pair (Eq. D4)"}),
         "Qh_independent_with_parasitic": (("Tp",), rows[:, 3],
                                           {"units": "fW", "long_name": f"{QH}, N = 2 "
                                            "independent, with the parasitic bath"})},
        coords={"Tp": ("Tp", tps, {"units": "mK"})})


def plot_fig5b(ds, ctx):
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    ax.plot(ds.Tp, ds.Qh_collective, "b-", label=r"collective $\dot Q_h$ (N = 2)")
    ax.plot(ds.Tp, ds.Qh_independent, "r--", label=r"independent $\dot Q^{\rm ind}_h$ (Eq. 26)")
    ax.plot(ds.Tp, ds.two_Qh_detuned, "g:", lw=2, label=r"$2\dot Q^{\rm det}_h$ (Eq. D4)")
    ax.plot(ds.Tp, ds.Qh_independent_with_parasitic, color="0.6", lw=0.8,
            label="independent + parasitic bath (ours)")
    ax.set_xlabel(r"$T_p$ (mK)")
    ax.set_ylabel(r"$\dot Q_h$ (fW)")
    ax.set_title("Fig. 5(b): N = 2, Table 1, $\\gamma_1$ = 0.5 GHz, Q = 20")
    ax.legend(fontsize=7)
    return fig


# ----------------------------------------------------------------------------- Fig. 6
def compute_fig6(ctx) -> xr.Dataset:
    t = np.geomspace(0.02, 50.0, ctx.pick(200, 60))
    j = np.array(J_FIG6)
    jz = mean_jz(j[:, None], t[None, :])
    return xr.Dataset({"Jz": (("J", "T_over_T0"), jz,
                              {"units": "1",
                               "long_name": "thermal <J_z> in sector J (Eq. C9)"})},
                      coords={"J": j, "T_over_T0": ("T_over_T0", t, {"units": "1"})})


def plot_fig6(ds, ctx):
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    for j in ds.J.values:
        line, = ax.plot(ds.T_over_T0, -ds.Jz.sel(J=j), label=f"J = {j:g}")
        t = ds.T_over_T0.values
        ax.plot(t, j * (j + 1) / (3 * t), ":", color=line.get_color(), lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 20)
    ax.set_xlabel(r"$k_BT/\hbar\omega_0$")
    ax.set_ylabel(r"$-\langle J_z\rangle_{J,T}$")
    ax.set_title("Fig. 6: Eq. C9; dotted: high-T form C11")
    ax.legend(fontsize=7)
    return fig


# ----------------------------------------------------------------------------- claims
def claims(ctx) -> list[Claim]:
    out = []
    for case, paper in (("a", 1.42), ("c", 0.57)):
        out.append(Claim.compare(
            f"fig4{case}_T0_over_Tstar", f"T0/T* for Fig. 4({case}) (Eq. 16)", paper,
            _t0_over_tstar(case), "1", rtol=0.01,
            note=f"T_h = {TH_FIG4[case]:g} T0, T_c = T0/3, gamma_h = gamma_c"))

    r50 = _fig5b_point(0.050)
    r450 = _fig5b_point(0.450)
    r50_1ghz = _fig5b_point(0.050, gamma_1_ghz=1.0)
    r50_ang = _fig5b_point(0.050, rates="angular")
    out.append(Claim.compare(
        "fig5b_ratio_collective_over_independent_Tp50mK",
        "collective / independent (Eq. 26) heat current, N = 2, T_p = 50 mK", 1.13,
        r50[0] / r50[1], "1", rtol=0.01,
        note=(f"paper: 'approximately 13%'. With the parasitic bath also acting on the "
              f"independent qubits the ratio is {r50[0] / r50[3]:.4f}. Identical for angular "
              f"rates ({r50_ang[0] / r50_ang[1]:.6f})")))
    out.append(Claim.compare(
        "fig5b_ratio_collective_over_independent_Tp450mK",
        "collective / independent (Eq. 26) heat current, N = 2, T_p = 450 mK", 0.96,
        r450[0] / r450[1], "1", rtol=0.01,
        note=(f"paper: 'reduction of about 4%'; ours {100 * (1 - r450[0] / r450[1]):.1f}%. "
              f"With the parasitic bath on the independent qubits too: "
              f"{r450[0] / r450[3]:.4f}")))
    out.append(Claim.compare(
        "fig5b_2Qdet_over_Qind_Tp50mK", "2 Q_det (Eq. D4) / Q_ind (Eq. 26), T_p = 50 mK", 1.0,
        r50[2] / r50[1], "1", rtol=0.05,
        note=(f"gamma_1 = 0.5 GHz (Table 1 and the Fig. 5 caption); App. D's gamma_1 = 1 GHz "
              f"gives {r50_1ghz[2] / r50_1ghz[1]:.3f}, incompatible with the paper's "
              f"2Q_det ~ Q_ind. gamma_2 from Eq. D5 with Q = 20. 2Q_det is twice the resonant "
              f"qubit's current with the parasitic bath ({r50[3] / r50[1]:.4f} of Eq. 26) plus "
              f"{100 * (r50[2] - r50[3]) / r50[2]:.3f}% from the detuned qubit")))

    ds = _fig4_data(12, ctx.executor, False)
    for case in ("a", "c"):
        sel = ds.Qh_per_N.sel(case=case, N=8).values
        ratios = ds.T0_over_Tp.sel(case=case).values
        b = int(np.argmin(np.abs(ratios - 10.0)))
        sector = float(ds.Qsector_per_N.sel(case=case, N=8))
        out.append(Claim.compare(
            f"fig4{case}_Qh_per_N_N8_T0_over_Tp_10",
            f"Q_h/N at N = 8, T0/T_p = 10, Fig. 4({case})", None, float(sel[b]),
            "hbar*omega0^2",
            note=(f"gamma_h = gamma_c = omega0/10, gamma_p = 1e-3 omega0, T_c = T0/3, "
                  f"T_h = {TH_FIG4[case]:g} T0; J = N/2 sector without parasitic bath "
                  f"(Eq. 24): {sector:.5g}; independent (Eq. 26): "
                  f"{float(ds.Qind_per_N.sel(case=case)):.5g}")))

    worst = 0.0
    for case in ("a", "c"):
        t_star = effective_temperature(1.0, GAMMA, GAMMA, TH_FIG4[case], T_C_FIG4)
        for n in range(1, 9):
            m = DickeHeatValve.natural(n, TH_FIG4[case], T_C_FIG4, GAMMA, GAMMA, GAMMA_P, t_star)
            worst = max(worst, abs(m.heat_current_hot(True) / m.independent_current(True) - 1))
    out.append(Claim.compare(
        "tp_equals_tstar_gives_independent_current",
        "max over N <= 8 (Fig. 4 a and c) of |Q_h/Q_ind - 1| at T_p = T*", 0.0, worst, "1",
        atol=1e-9,
        note="exact: all three baths then balance at T*, the steady state is the product "
             "Gibbs state, and Eq. 22 gives Eq. 26"))

    ratio_a = float(ds.Qh_per_N.sel(case="a", N=8).values[3] / ds.Qsector_per_N.sel(case="a",
                                                                                   N=8))
    out.append(Claim.compare(
        "fig4a_cold_parasitic_matches_J_sector_N8",
        "Fig. 4(a): Q_h(T0/T_p = 10) / Q_h(J = N/2 sector) at N = 8", 1.0, ratio_a, "1",
        rtol=0.02, note="paper: 'coincides with the one ... constrained to J = N/2'"))

    big = 20000
    t_star_c = effective_temperature(1.0, GAMMA, GAMMA, TH_FIG4["c"], T_C_FIG4)
    eq29 = 1.0 / np.tanh(1.0 / (2 * t_star_c))
    ours29 = sector_current(big / 2, 1.0, GAMMA, GAMMA, TH_FIG4["c"], T_C_FIG4) / \
        independent_current(big, 1.0, GAMMA, GAMMA, TH_FIG4["c"], T_C_FIG4)
    out.append(Claim.compare(
        "eq29_thermodynamic_limit_ratio_fig4c",
        f"Eq. 24 at J = N/2 over Eq. 26 for N = {big} vs coth(T0/2T*) (Eq. 29), Fig. 4(c) "
        "temperatures", float(eq29), float(ours29), "1", rtol=1e-3))

    _, info = piqs_steady_state(8, 1.0, DickeHeatValve.natural(
        8, 1.0, T_C_FIG4, GAMMA, GAMMA, GAMMA_P, 0.1).baths())
    out.append(Claim.compare(
        "piqs_trace_defect_N8", "qutip.piqs Liouvillian trace-preservation defect, N = 8 "
        "(max column sum over max |L|)", None, info["trace_defect"], "1",
        note="qutip.piqs 5.3 stores its rate coefficients as C float (single precision); "
             "our engine's columns sum to 0 to ~1e-16"))
    return out


NOTES = (
    "Natural units for Figs. 3, 4, 6 (rates / omega0, temperatures / T0 = hbar omega0/k_B, "
    "currents / hbar omega0^2). Steady states with the parasitic bath come from the "
    "permutation-symmetric rate equation over Dicke levels (qfridge.engines.collective), "
    "which equals the full 2^N Lindblad steady state to ~1e-14 for N <= 6. Table 1 rates "
    "'0.5 GHz', '0.01 GHz' are read as cyclic (gamma = 2 pi x 0.5 GHz, gamma/omega0 = 0.125, "
    "the 'approximately 10%' of Sec. V); the angular reading changes only the fW scale "
    "(by 1/2pi), not any ratio. Appendix D uses gamma_1 = 0.5 GHz (Table 1, Fig. 5 caption), "
    "not the 1 GHz printed in App. D.")

PAPER = Paper(
    seed="003",
    title="The Dicke superradiant heat valve",
    figures=[
        Figure("fig3a", "Fig. 3(a): Q_h/(J hbar omega0^2) in a fixed sector J (Eq. 24 with "
               "C9 at T*, Eq. 16) vs T0/T_h for J = 1/2, 1, 2, 4, 8; T_c = T_h/3 (the text's "
               "reading of the caption's ratio 3), gamma_h = gamma_c = omega0/10. Dashed: "
               "independent qubits, Eq. 26 (per J, N = 2J); dotted: Q_lim/J, Eq. 28. The "
               "plotted J values and the T0/T_h range (0.05-3) are our choice.",
               compute_fig3a, plot_fig3a),
        Figure("fig3b", "Fig. 3(b): Q_h/(J hbar omega0^2) vs J = 1/2 ... 8 (N = 1 ... 16) "
               "for T0/T_h = 0.1, 0.3, 0.5, 0.7, 1, 2 (our choice of values), T_c = T_h/3, "
               "gamma_h = gamma_c = omega0/10; dotted lines: Eq. 28 per J.",
               compute_fig3b, plot_fig3b),
        Figure("fig4", "Fig. 4(a-d): Q_h/N and <J^2>/[N/2(N/2+1)] vs N = 1..12 with the local "
               "parasitic bath (gamma_p = 1e-3 omega0), exact steady state of Eq. 33; "
               "gamma_h = gamma_c = omega0/10, T_c = T0/3; (a,b) T_h = T0, (c,d) T_h = 3 T0. "
               "T0/T_p values (the paper gives them only in words): (a,b) 0.1, 0.5, T0/T* = "
               "1.424, 10, 100; (c,d) 0.1, T0/T* = 0.574, 1, 3, 10. Dashed: Eq. 26; "
               "triangles: J = N/2 without the parasitic bath (Eq. 24); red dotted: Eq. 28 "
               "per qubit at J = N/2 (a bound only for that sector). For N >= 11, "
               "N gamma > omega0 (premise warning: the superradiant linewidth exceeds omega0).",
               compute_fig4, plot_fig4),
        Figure("fig4_extended", "Fig. 4 extended to N = 100 (beyond the paper), same "
               "parameters, log N axis: the collective advantage Q_h/N saturates at Eq. 28 "
               "for a cold parasitic bath and decays for a hot one as <J^2> falls. Born-Markov "
               "premise N gamma <= omega0 is violated for N >= 11 (the model is evaluated as "
               "written).", compute_fig4_extended, plot_fig4_extended),
        Figure("fig5a", "Fig. 5(a): Q_h/N in fW vs N = 1..10 with Table 1 parameters: "
               "omega0/2pi = 4 GHz, gamma_h = gamma_c = 2pi x 0.5 GHz and gamma_p = 2pi x 0.01 "
               "GHz (GHz rates read as cyclic), T_h = 384 mK, T_c = 96 mK; T_p = 50, 100, 150, "
               "250, 500 mK (our choice within Table 1's 50-500 mK). Dashed: Eq. 26. For N >= 9, "
               "N gamma > omega0 (premise warning, model evaluated as written).",
               compute_fig5a, plot_fig5a),
        Figure("fig5b", "Fig. 5(b): N = 2, Q_h in fW vs T_p = 50-500 mK, Table 1 parameters "
               "(cyclic GHz rates). Blue: collective (exact, with parasitic bath); red dashed: "
               "Eq. 26 (no parasitic bath, as in the paper); green dotted: 2 Q_det (Eqs. "
               "D1-D4) with omega1/2pi = 4 GHz, omega2/2pi = 2 GHz, gamma_1 = 0.5 GHz "
               "(Table 1; App. D's 1 GHz would double it), gamma_2 from Eq. D5 with Q = 20, "
               "omega_LC = omega0; grey: independent qubits with the parasitic bath (ours).",
               compute_fig5b, plot_fig5b),
        Figure("fig6", "Fig. 6: -<J_z>_{J,T} (Eq. C9) vs k_B T/hbar omega0 for J = 1/2, 1, 2, "
               "4, 8 (our choice); dotted: high-temperature form J(J+1) T0/3T (Eq. C11); at "
               "low T it saturates at J (Eq. C10).", compute_fig6, plot_fig6),
    ],
    claims=claims,
    notes=NOTES,
    citation=Citation(doi="10.1103/PhysRevResearch.6.043128"),  # the text has no title page
)
