r"""Seed 000: cavity cooling by a Poisson stream of correlated atom pairs.

Figures 1(a–d), 2(a–d), 3(a–d), 4, 5, 7 from the closed forms of
:class:`qfridge.models.cavity_cooling.CorrelatedPairCooling`, plus one new figure comparing
the closed forms with the exact collision stream (:mod:`qfridge.models._cavity_exact`).

Two readings of Table 2's coupling are shown wherever they differ:

* **"Table 2"**: :math:`g/2\pi = 0.5` GHz literally, :math:`\phi = g\tau = 157` rad — the
  closed forms are evaluated far outside their weak-collision premise (as the paper did
  if it used this value);
* **"φ-reading"**: :math:`g/2\pi = 0.5` MHz, :math:`\phi = 0.157`, the table's stated φ.

Everything else is Table 2 with λ/2π = 5 GHz, κ = 10⁴ s⁻¹, χ = 2, T_bath = 10 K unless a
caption says otherwise (see ``CorrelatedPairCooling.paper_baseline``).
"""

from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from scipy.optimize import brentq

from ..core.units import HBAR, K_B, TWO_PI
from ..core.validity import PremiseWarning, strict_premises
from ..models._cavity_exact import effective_chi, exact_steady_state
from ..models.cavity_cooling import CorrelatedPairCooling
from ..sweeps import SweepPointWarning, sweep
from ..sweeps.api import first_failure
from .registry import Citation, Claim, Figure, Paper

TAU = 50e-9
COUPLINGS = ("one", "two")
READINGS = ("table", "phi")
READING_LABEL = {"table": r"Table 2: $g/2\pi$ = 0.5 GHz ($\phi$ = 157)",
                 "phi": r"$\phi$-reading: $g/2\pi$ = 0.5 MHz ($\phi$ = 0.157)"}
PANEL_TITLE = {"one": "one-atom coupling", "two": "two-atom coupling"}
EQUAL_T = r"$T_{\rm cav} = T_{\rm atom}$"
RATIO = "cavity temperature over atom temperature T_cav/T_atom"
NSTAR = "steady-state cavity photon number n*"
G_FIG1_GHZ = (0.05, 0.15, 0.5)
KAPPA_FIG4 = (0.0, 1.0, 10.0, 1e2, 1e3, 1e4)
TBATH_FIG7 = (0.1, 0.5, 1.0, 4.0)


def base(coupling="one", reading="table", **kw) -> CorrelatedPairCooling:
    return CorrelatedPairCooling.paper_baseline(coupling, reading=reading, **kw)


def _quiet(fn):
    """Evaluate ``fn()`` collecting premise warnings; returns (value, sorted premise names).

    The paper's own parameters violate premises on purpose (that is the point of showing
    them), so strict mode is switched off here; the violated premises are kept in each
    dataset's ``premises_violated`` attribute and the captions say so.
    """
    with warnings.catch_warnings(record=True) as rec, strict_premises(False):
        warnings.simplefilter("always", PremiseWarning)
        value = fn()
    names = sorted({w.message.premise for w in rec if isinstance(w.message, PremiseWarning)})
    return value, names


def _dataset(data, coords, premises, note=""):
    ds = xr.Dataset(data, coords=coords)
    ds.attrs["premises_violated"] = "; ".join(sorted(set(premises))) or "none"
    if note:
        ds.attrs["note"] = note
    return ds


def _ghz(x):
    return np.asarray(x) / TWO_PI / 1e9


# ----------------------------------------------------------------------------- Fig. 1
def compute_fig1(ctx) -> xr.Dataset:
    d_ghz = np.linspace(-1.0, 1.0, ctx.pick(801, 201))
    g = TWO_PI * np.array(G_FIG1_GHZ)[:, None] * 1e9
    ratio, nstar, prem = [], [], []
    for c in COUPLINGS:
        m = base(c, g=g).with_detuning(TWO_PI * d_ghz[None, :] * 1e9)
        (r, n), p = _quiet(lambda m=m: (m.t_cav_ratio(), m.n_star()))
        ratio.append(r)
        nstar.append(n)
        prem += p
    coords = {"coupling": ("coupling", list(COUPLINGS)),
              "g_over_2pi": ("g_over_2pi", np.array(G_FIG1_GHZ), {"units": "GHz"}),
              "detuning_over_2pi": ("detuning_over_2pi", d_ghz, {"units": "GHz"})}
    dims = ("coupling", "g_over_2pi", "detuning_over_2pi")
    return _dataset({"T_cav_over_T_atom": (dims, np.array(ratio),
                                           {"units": "1", "long_name": RATIO}),
                     "n_star": (dims, np.array(nstar), {"units": "photons", "long_name": NSTAR})},
                    coords, prem)


def plot_fig1(ds, ctx):
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.8), sharex=True, layout="constrained")
    for col, c in enumerate(COUPLINGS):
        for g in ds.g_over_2pi.values:
            sel = ds.sel(coupling=c, g_over_2pi=g)
            lab = f"$g/2\\pi$ = {g * 1e3:g} MHz ($\\phi$ = {TWO_PI * g * 1e9 * TAU:.3g})"
            axes[0, col].plot(ds.detuning_over_2pi * 1e3, sel.T_cav_over_T_atom, label=lab)
            axes[1, col].plot(ds.detuning_over_2pi * 1e3, sel.n_star, label=lab)
        axes[0, col].axhline(1.0, color="k", lw=0.6, ls=":", label=EQUAL_T)
        axes[0, col].set_title(f"({'ab'[col]}) {PANEL_TITLE[c]}")
        axes[1, col].set_title(f"({'cd'[col]}) {PANEL_TITLE[c]}")
        axes[0, col].set_yscale("log")
        axes[1, col].set_yscale("log")
        axes[1, col].set_xlabel(r"$\Delta/2\pi$ (MHz)")
    axes[0, 0].set_ylabel(r"$T_{\rm cav}/T_{\rm atom}$")
    axes[1, 0].set_ylabel(r"$n^*$")
    # below the panels: inside (a) it covered the T_cav = T_atom line
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=4,
               fontsize=8)
    fig.suptitle("Fig. 1: closed forms vs detuning (Table 2, $T_{\\rm bath}$ = 10 K, "
                 "$\\kappa = 10^4$ s$^{-1}$)", fontsize=10)
    return fig


# ----------------------------------------------------------------------------- Fig. 2
def compute_fig2(ctx) -> xr.Dataset:
    kappa = np.geomspace(1e-1, 1e12, ctx.pick(261, 66))
    g_hz = np.geomspace(1e4, 1e9, ctx.pick(251, 61))
    rk, rg, prem = [], [], []
    for c in COUPLINGS:
        rows = []
        for rd in READINGS:
            v, p = _quiet(lambda c=c, rd=rd: base(c, rd, kappa=kappa).t_cav_ratio())
            rows.append(v)
            prem += p
        rk.append(rows)
        v, p = _quiet(lambda c=c: base(c, g=TWO_PI * g_hz).t_cav_ratio())
        rg.append(v)
        prem += p
    coords = {"coupling": ("coupling", list(COUPLINGS)), "reading": ("reading", list(READINGS)),
              "kappa": ("kappa", kappa, {"units": "1/s"}),
              "g_over_2pi": ("g_over_2pi", g_hz / 1e6, {"units": "MHz"})}
    return _dataset({
        "ratio_vs_kappa": (("coupling", "reading", "kappa"), np.array(rk),
                           {"units": "1", "long_name": f"{RATIO} on resonance vs kappa"}),
        "ratio_vs_g": (("coupling", "g_over_2pi"), np.array(rg),
                       {"units": "1", "long_name": f"{RATIO} on resonance vs g"})}, coords, prem)


def plot_fig2(ds, ctx):
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.8), layout="constrained")
    for col, c in enumerate(COUPLINGS):
        ax = axes[0, col]
        for rd in READINGS:
            ax.loglog(ds.kappa, ds.ratio_vs_kappa.sel(coupling=c, reading=rd),
                      label=READING_LABEL[rd])
        ax.set_xlabel(r"$\kappa$ (s$^{-1}$)")
        ax.set_title(f"({'ab'[col]}) {PANEL_TITLE[c]}, $\\Delta = 0$")
        ax = axes[1, col]
        ax.loglog(ds.g_over_2pi, ds.ratio_vs_g.sel(coupling=c), color="C2")
        ax.axvline(0.1 / TAU / TWO_PI / 1e6, color="k", ls=":", lw=0.8,
                   label=r"$\phi = g\tau = 0.1$")
        ax.axvline(0.5, color="C1", ls="--", lw=0.8, label=r"$\phi$-reading g")
        ax.axvline(500, color="C0", ls="--", lw=0.8, label="Table 2 g")
        ax.set_xlabel(r"$g/2\pi$ (MHz)")
        ax.set_title(f"({'cd'[col]}) {PANEL_TITLE[c]}, $\\kappa = 10^4$ s$^{{-1}}$, $\\Delta$ = 0")
        for a in axes[:, col]:
            a.axhline(1.0, color="k", lw=0.6, ls=":", label=EQUAL_T)
            a.set_ylabel(r"$T_{\rm cav}/T_{\rm atom}$")
    # (a, b) below the panels: inside, it covered the T_cav = T_atom line or a curve
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=3,
               fontsize=8)
    axes[1, 0].legend(fontsize=7)
    fig.suptitle("Fig. 2: phonon damping and coupling strength ($T_{\\rm bath}$ = 10 K)",
                 fontsize=10)
    return fig


# ----------------------------------------------------------------------------- Fig. 3
def compute_fig3(ctx) -> xr.Dataset:
    lam_ghz = np.linspace(0.0, 8.0, ctx.pick(321, 81))
    d_ghz = np.linspace(-1.0, 1.0, ctx.pick(601, 121))
    g_hz = np.geomspace(1e5, 1e9, ctx.pick(401, 81))
    rl, maps, prem = [], [], []
    for c in COUPLINGS:
        rows = []
        for rd in READINGS:
            v, p = _quiet(lambda c=c, rd=rd: base(c, rd, lam=TWO_PI * lam_ghz * 1e9).t_cav_ratio())
            rows.append(v)
            prem += p
        rl.append(rows)
        m = base(c, g=TWO_PI * g_hz[None, :]).with_detuning(TWO_PI * d_ghz[:, None] * 1e9)
        v, p = _quiet(m.t_cav_ratio)
        maps.append(v)
        prem += p
    coords = {"coupling": ("coupling", list(COUPLINGS)), "reading": ("reading", list(READINGS)),
              "lambda_over_2pi": ("lambda_over_2pi", lam_ghz, {"units": "GHz"}),
              "detuning_over_2pi": ("detuning_over_2pi", d_ghz, {"units": "GHz"}),
              "g_over_2pi": ("g_over_2pi", g_hz / 1e6, {"units": "MHz"})}
    return _dataset({
        "ratio_vs_lambda": (("coupling", "reading", "lambda_over_2pi"), np.array(rl),
                            {"units": "1", "long_name": f"{RATIO} on resonance vs lambda"}),
        "ratio_map": (("coupling", "detuning_over_2pi", "g_over_2pi"), np.array(maps),
                      {"units": "1", "long_name": f"{RATIO} over detuning and g"})},
        coords, prem)


def plot_fig3(ds, ctx):
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for col, c in enumerate(COUPLINGS):
        ax = axes[0, col]
        for rd in READINGS:
            ax.plot(ds.lambda_over_2pi, ds.ratio_vs_lambda.sel(coupling=c, reading=rd),
                    label=READING_LABEL[rd])
        ax.axvline(5.0, color="k", ls=":", lw=0.8, label=r"Table 2 $\lambda$")
        ax.set_yscale("log")
        ax.set_xlabel(r"$\lambda/2\pi$ (GHz)")
        ax.set_ylabel(r"$T_{\rm cav}/T_{\rm atom}$")
        ax.set_title(f"({'ab'[col]}) {PANEL_TITLE[c]}, $\\Delta = 0$")
        ax = axes[1, col]
        z = np.log10(ds.ratio_map.sel(coupling=c).values)
        mesh = ax.pcolormesh(ds.detuning_over_2pi * 1e3, ds.g_over_2pi, z.T, shading="auto",
                             cmap="coolwarm", vmin=-0.5, vmax=2.5)
        ax.contour(ds.detuning_over_2pi * 1e3, ds.g_over_2pi, z.T, levels=[0.0],
                   colors="k", linewidths=1.0)  # T_cav = T_atom (named in the title)
        ax.axhline(0.1 / TAU / TWO_PI / 1e6, color="w", ls="--", lw=1.0)
        ax.text(-950, 0.1 / TAU / TWO_PI / 1e6 * 0.6, r"$\phi$ = 0.1 (weak collisions below)",
                color="w", fontsize=7)
        ax.set_yscale("log")
        ax.set_xlabel(r"$\Delta/2\pi$ (MHz)")
        ax.set_ylabel(r"$g/2\pi$ (MHz)")
        ax.set_title(f"({'cd'[col]}) {PANEL_TITLE[c]}; black line: {EQUAL_T}", fontsize=10)
        fig.colorbar(mesh, ax=ax, label=r"$\log_{10}(T_{\rm cav}/T_{\rm atom})$")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle("Fig. 3: exchange coupling and the (Δ, g) cooling landscape "
                 "($T_{\\rm bath}$ = 10 K, $\\kappa = 10^4$ s$^{-1}$)", fontsize=10)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- Fig. 4
def compute_fig4(ctx) -> xr.Dataset:
    d_mhz = np.linspace(-50.0, 50.0, ctx.pick(401, 101))
    kap = np.array(KAPPA_FIG4)[:, None]
    out, prem = [], []
    for c in COUPLINGS:
        m = base(c, "phi", kappa=kap).with_detuning(TWO_PI * d_mhz[None, :] * 1e6)
        v, p = _quiet(m.t_cav_ratio)
        out.append(v)
        prem += p
    coords = {"coupling": ("coupling", list(COUPLINGS)),
              "kappa": ("kappa", np.array(KAPPA_FIG4), {"units": "1/s"}),
              "detuning_over_2pi": ("detuning_over_2pi", d_mhz, {"units": "MHz"})}
    return _dataset({"T_cav_over_T_atom": (("coupling", "kappa", "detuning_over_2pi"),
                                           np.array(out), {"units": "1", "long_name": RATIO})},
                    coords, prem)


def plot_fig4(ds, ctx):
    fig, axes = plt.subplots(1, 2, figsize=(11.5, 4), sharey=True, layout="constrained")
    for col, c in enumerate(COUPLINGS):
        for k in ds.kappa.values:
            axes[col].plot(ds.detuning_over_2pi, ds.T_cav_over_T_atom.sel(coupling=c, kappa=k),
                           label=f"$\\kappa$ = {k:g} s$^{{-1}}$")
        axes[col].set_yscale("log")
        axes[col].axhline(1.0, color="k", lw=0.6, ls=":", label=EQUAL_T)
        axes[col].set_xlabel(r"$\Delta/2\pi$ (MHz)")
        axes[col].set_title(f"({'ab'[col]}) {PANEL_TITLE[c]}")
    axes[0].set_ylabel(r"$T_{\rm cav}/T_{\rm atom}$")
    # right of the panels: inside (a), it covered the kappa = 0 and 1 curves
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right center", fontsize=8)
    fig.suptitle(r"Fig. 4: phonon damping, $\phi$-reading ($g/2\pi$ = 0.5 MHz), "
                 r"$T_{\rm bath}$ = 10 K", fontsize=10)
    return fig


# ----------------------------------------------------------------------------- Fig. 5
def compute_fig5(ctx) -> xr.Dataset:
    d_mhz = np.linspace(-50.0, 50.0, ctx.pick(201, 51))
    out, prem = [], []
    for c in COUPLINGS:
        m = base(c, kappa=0.0).with_detuning(TWO_PI * d_mhz * 1e6)
        v, p = _quiet(m.t_cav_ratio)
        out.append(v)
        prem += p
    coords = {"coupling": ("coupling", list(COUPLINGS)),
              "detuning_over_2pi": ("detuning_over_2pi", d_mhz, {"units": "MHz"})}
    return _dataset({"T_cav_over_T_atom": (("coupling", "detuning_over_2pi"), np.array(out),
                                           {"units": "1", "long_name": RATIO})},
                    coords, prem)


def plot_fig5(ds, ctx):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for col, c in enumerate(COUPLINGS):
        axes[col].plot(ds.detuning_over_2pi, ds.T_cav_over_T_atom.sel(coupling=c),
                       color=f"C{col}")
        axes[col].set_xlabel(r"$\Delta/2\pi$ (MHz)")
        axes[col].set_ylabel(r"$T_{\rm cav}/T_{\rm atom}$")
        axes[col].set_title(f"{PANEL_TITLE[c]}, $\\kappa = 0$")
    fig.suptitle(r"Fig. 5: $\kappa = 0$; $\omega = \omega_1 + \Delta$ enters the pair weights",
                 fontsize=10)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- Fig. 7
def compute_fig7(ctx) -> xr.Dataset:
    kappa = np.geomspace(1e-1, 1e12, ctx.pick(261, 66))
    tb = np.array(TBATH_FIG7)[:, None]
    out, prem = [], []
    for c in COUPLINGS:
        rows = []
        for rd in READINGS:
            v, p = _quiet(lambda c=c, rd=rd: base(c, rd, kappa=kappa[None, :], t_bath=tb).t_cav())
            rows.append(np.asarray(v) * 1e3)
            prem += p
        out.append(rows)
    coords = {"coupling": ("coupling", list(COUPLINGS)), "reading": ("reading", list(READINGS)),
              "t_bath": ("t_bath", np.array(TBATH_FIG7), {"units": "K"}),
              "kappa": ("kappa", kappa, {"units": "1/s"})}
    return _dataset({"T_cav": (("coupling", "reading", "t_bath", "kappa"), np.array(out),
                               {"units": "mK", "long_name": "cavity temperature T_cav"})},
                    coords, prem)


def plot_fig7(ds, ctx):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for col, c in enumerate(COUPLINGS):
        ax = axes[col]
        for i, t in enumerate(ds.t_bath.values):
            for rd, ls in zip(READINGS, ("--", "-"), strict=True):
                ax.loglog(ds.kappa, ds.T_cav.sel(coupling=c, reading=rd, t_bath=t), ls=ls,
                          color=f"C{i}",
                          label=f"$T_{{\\rm bath}}$ = {t * 1e3:g} mK" if rd == "phi" else None)
        ax.set_xlabel(r"$\kappa$ (s$^{-1}$)")
        ax.set_title(f"({'ab'[col]}) {PANEL_TITLE[c]} (solid: $\\phi$-reading, "
                     "dashed: Table 2 g)", fontsize=9)
    axes[0].set_ylabel(r"$T_{\rm cav}$ (mK)")
    axes[0].legend(fontsize=7)
    fig.suptitle("Fig. 7: $T_{\\rm cav}$ vs cavity–bath damping", fontsize=10)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- new: exact
def _exact_pair(m):
    (closed, ex), prem = _quiet(lambda: (m.n_star(), exact_steady_state(m)))
    return float(closed), ex, prem


def _exact_vs_phi_point(coupling: str, phi: float) -> dict:
    """Closed-form and exact n* at one collision angle (premises recorded by the sweep)."""
    m = base(coupling, "phi", g=phi / TAU)
    with strict_premises(False):
        closed, res = float(m.n_star()), exact_steady_state(m)
    return {"n_star_closed": closed, "n_star_exact": res.n_star,
            "chi_eff": effective_chi(m, res.n_star)}


def compute_exact(ctx) -> xr.Dataset:
    phis = np.geomspace(0.005, 3.0, ctx.pick(31, 13))
    d_mhz = np.linspace(-40.0, 40.0, ctx.pick(41, 17))
    # The (coupling, phi) grid is a qfridge.sweeps.sweep, so that
    # `qfridge reproduce 000 --scheduler ADDRESS` computes it on a Dask cluster.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SweepPointWarning)   # kept per point instead
        grid = sweep(_exact_vs_phi_point, {"coupling": list(COUPLINGS), "phi": phis},
                     executor=ctx.executor, progress=ctx.progress)
    if int(grid["failed"].sum()):
        raise RuntimeError(f"exact-vs-phi point failed: {first_failure(grid)}")
    prem = sorted({name for text in grid["warnings"].values.ravel()
                   for name in re.findall(r"premise '([^']+)' violated", str(text))})
    cl, ex, chi = (grid[v].values for v in ("n_star_closed", "n_star_exact", "chi_eff"))
    det = np.zeros((3, d_mhz.size))
    for j, d in enumerate(d_mhz):
        m = base("one", "phi", g=0.05 / TAU).with_detuning(TWO_PI * d * 1e6)
        det[0, j], res, p = _exact_pair(m)
        det[2, j] = res.n_star
        det[1, j], p2 = _quiet(m.replace(detuning_filter="kernel").n_star)
        prem += p + p2
    coords = {"coupling": ("coupling", list(COUPLINGS)), "phi": ("phi", phis, {"units": "rad"}),
              "model": ("model", ["closed form, Lorentzian L (Eq. 14)",
                                  "closed form, exact kernel I/I(0) (Eq. 10)",
                                  "exact collision stream"]),
              "detuning_over_2pi": ("detuning_over_2pi", d_mhz, {"units": "MHz"})}
    return _dataset({
        "n_star_closed": (("coupling", "phi"), cl,
                          {"units": "photons", "long_name": f"{NSTAR}, closed form"}),
        "n_star_exact": (("coupling", "phi"), ex,
                         {"units": "photons", "long_name": f"{NSTAR}, exact collision stream"}),
        "chi_eff": (("coupling", "phi"), chi,
                    {"units": "1", "long_name": "effective chi matching the exact n*"}),
        "n_star_vs_detuning": (("model", "detuning_over_2pi"), det,
                               {"units": "photons",
                                "long_name": f"{NSTAR}, one-atom, phi = 0.05"})},
        coords, prem)


def plot_exact(ds, ctx):
    fig, axes = plt.subplots(2, 2, figsize=(11.5, 7.5), layout="constrained")
    phi = ds.phi.values
    for i, c in enumerate(COUPLINGS):
        cl, ex = ds.n_star_closed.sel(coupling=c), ds.n_star_exact.sel(coupling=c)
        axes[0, 0].loglog(phi, ex, "o-", ms=3, color=f"C{i}", label=f"exact, {c}-atom")
        axes[0, 0].loglog(phi, cl, "--", color=f"C{i}",
                          label=f"closed form, {c}-atom" + (r" ($\chi$ = 2)" if c == "two"
                                                            else ""))
        axes[0, 1].loglog(phi, np.abs(cl - ex) / ex, "o-", ms=3, color=f"C{i}",
                          label=f"{c}-atom")
        axes[1, 0].semilogx(phi, ds.chi_eff.sel(coupling=c), "o-", ms=3, color=f"C{i}",
                            label=f"{c}-atom")
    axes[0, 1].loglog(phi, 0.02 * (phi / 0.05) ** 2, "k:", label=r"$\propto\phi^2$")
    axes[0, 1].loglog(phi, 0.02 * (phi / 0.05) ** 4, "k-.", lw=0.7,
                      label=r"$\propto\phi^4$ (fixed R)")
    axes[0, 1].axhline(0.02, color="r", lw=0.7, ls="--", label="2 %")
    axes[0, 1].axvline(0.05, color="gray", lw=0.7, label=r"$\phi$ = 0.05 (panel d)")
    axes[0, 1].set_ylim(1e-5, 10)
    for ax in (axes[0, 0], axes[0, 1], axes[1, 0]):
        ax.axvline(0.157, color="gray", lw=0.7, ls="--", label=r"$\phi$-reading, $\phi$ = 0.157")
        ax.set_xlabel(r"$\phi = g\tau$ (rad)")
    axes[0, 0].set_ylabel(r"$n^*$")
    axes[0, 0].set_title(r"(a) $n^*$ vs $\phi$ on resonance")
    axes[0, 1].set_ylabel("relative error of closed form")
    axes[0, 1].set_title("(b) |closed − exact| / exact")
    axes[1, 0].set_ylabel(r"effective $\chi$")
    axes[1, 0].set_title(r"(c) $\chi$ implied by the exact stream (n* matched)")
    axes[1, 0].set_ylim(0, 2.2)
    styles = ("--", "-.", "o")
    for k, lab in enumerate(ds.model.values):
        y = ds.n_star_vs_detuning.sel(model=lab)
        if styles[k] == "o":
            axes[1, 1].plot(ds.detuning_over_2pi, y, "o", ms=3, color="k", label=lab)
        else:
            axes[1, 1].plot(ds.detuning_over_2pi, y, styles[k], label=lab)
    axes[1, 1].set_xlabel(r"$\Delta/2\pi$ (MHz)")
    axes[1, 1].set_ylabel(r"$n^*$")
    axes[1, 1].set_title(r"(d) one-atom, $\phi$ = 0.05: detuning lineshape")
    for ax in axes.flat[:3]:
        ax.legend(fontsize=7)
    axes[1, 1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # not on the dip
    fig.suptitle(r"Exact collision stream vs closed forms (Table 2, $T_{\rm bath}$ = 10 K, "
                 r"$\kappa = 10^4$ s$^{-1}$, $R = 5\times10^6$ s$^{-1}$; g varied)", fontsize=10)
    return fig


# ----------------------------------------------------------------------------- claims
def _mK(model) -> np.ndarray:
    """T_cav in mK (premise warnings collected; the notes state the premises)."""
    t, _ = _quiet(model.t_cav)
    return np.asarray(t) * 1e3


def _fmt(values) -> str:
    return ", ".join(f"{v:.1f}" for v in np.ravel(values))


def _range_claims() -> list[Claim]:
    """Abstract / Sec. 4.3: 50-120 mK at a ~1 K bath for kappa from 10 Hz to 1 kHz; the
    introduction's 50-20 mK with the reservoir at T_atom = 30-80 mK."""
    kap = np.array([10.0, 1e3])
    ours = _mK(base("two", "phi", kappa=kap, t_bath=1.0))
    cyc = _mK(base("two", "phi", kappa=TWO_PI * kap, t_bath=1.0))
    k100 = _mK(base("two", "phi", kappa=np.array([1e2, TWO_PI * 1e2]), t_bath=1.0))
    lit = _mK(base("two", kappa=kap, t_bath=1.0))
    one = _mK(base("one", "phi", kappa=kap, t_bath=1.0))
    common = ("Two-atom coupling, Table 2 with g/2pi = 0.5 MHz (phi = 0.157, the stated phi), "
              "T_bath = 1 K, kappa in 1/s as everywhere in this reproduction; ours at "
              f"kappa = 10, 1e3 1/s: {_fmt(ours)} mK. Other readings at the same two kappa: "
              f"kappa as 2 pi x Hz {_fmt(cyc)} mK; literal Table 2 g {_fmt(lit)} mK (the "
              f"stream swamps the bath); one-atom coupling {_fmt(one)} mK (never below Eq. "
              "30's 218 mK); Sec. 4.3's '10-100 Hz' lower end, kappa = 100 (1/s, 2 pi Hz): "
              f"{_fmt(k100)} mK. No reading gives both ends. '50' and '120' read to their "
              "last digit (+- 5 mK)")
    lo_t, hi_t = (_quiet(lambda t=t: base("two", t_atom=t).t_cav_kappa0())[0] * 1e3
                  for t in (0.03, 0.08))
    at10 = _mK(base("two", "phi", t_atom=np.array([0.03, 0.08]), kappa=10.0, t_bath=1.0))
    intro = ("Reading: the reservoir-dominated limit kappa -> 0 (Eq. 38, any T_bath) at the "
             "sentence's own reservoir temperatures T_atom = 30 and 80 mK, two-atom coupling, "
             "lambda/2pi = 5 GHz. Its 'even though' (a cavity colder than the reservoir) "
             "supports this over reading '50 - 20' as the abstract's 50-120 mK with a lost '1' "
             "(see abstract_tcav_range_*). At a 1 K bath with kappa = 10 1/s (phi-reading) "
             f"T_atom = 30, 80 mK give {_fmt(at10)} mK. '20' and '50' read as one significant "
             "figure (+- 5 mK)")
    return [
        Claim.compare("abstract_tcav_range_low_mK", "Abstract, Sec. 4.3: T_cav is 50-120 mK "
                      "at a ~1 K bath for kappa from 10 Hz to 1 kHz: the low end (ours at "
                      "kappa = 10 1/s)", 50.0, ours[0], "mK", rtol=0.0, atol=5.0,
                      note=f"{common}. Ours is below the range: at kappa = 10 1/s the stream "
                           "still dominates the 1 K bath"),
        Claim.compare("abstract_tcav_range_high_mK", "Abstract, Sec. 4.3: T_cav is 50-120 mK "
                      "at a ~1 K bath for kappa from 10 Hz to 1 kHz: the high end (ours at "
                      "kappa = 1e3 1/s)", 120.0, ours[1], "mK", rtol=0.0, atol=5.0,
                      note=f"{common}. Ours is below the range; kappa read as 2 pi x 1 kHz "
                           "comes near 120 mK, but that reading puts the low end at 39 mK"),
        Claim.compare("intro_tcav_range_low_mK", "Introduction: the reservoir drives the "
                      "cavity to 50-20 mK while T_atom = 30-80 mK: the low end (ours at "
                      "T_atom = 30 mK)", 20.0, lo_t, "mK", rtol=0.0, atol=5.0, note=intro),
        Claim.compare("intro_tcav_range_high_mK", "Introduction: the reservoir drives the "
                      "cavity to 50-20 mK while T_atom = 30-80 mK: the high end (ours at "
                      "T_atom = 80 mK)", 50.0, hi_t, "mK", rtol=0.0, atol=5.0, note=intro),
    ]


def _excited_population(f_ghz: float, t_kelvin: float) -> float:
    """Thermal excited population 1/(1 + e^{hf/k_BT}) of a qubit at f (GHz, cyclic)."""
    return float(1.0 / (1.0 + np.exp(HBAR * TWO_PI * f_ghz * 1e9 / (K_B * t_kelvin))))


def _qubit_frequency_ghz(population: float, t_kelvin: float) -> float:
    """The qubit frequency (GHz, cyclic) at which a thermal qubit at ``t_kelvin`` is excited
    with probability ``population`` (the inverse of :func:`_excited_population`)."""
    return float(K_B * t_kelvin * np.log(1.0 / population - 1.0) / (HBAR * TWO_PI) / 1e9)


def _reset_claims() -> list[Claim]:
    """Secs. 4.2-4.3: residual excited populations of ~1-3 % at 5-7 GHz are 30-80 mK."""
    r1 = base("one").stream_coefficients()[0]
    mk = {p: [1e3 * f / _qubit_frequency_ghz(p, 1.0) for f in (5.0, 7.0)] for p in (0.01, 0.03)}
    note = ("A qubit's thermal excited population p = 1/(1 + e^{hf/k_BT}); the paper's 5-7 GHz "
            "encoded as 6 +- 1 GHz; the ends paired in order (1 % <-> 30 mK, 3 % <-> 80 mK; "
            f"the reverse pairing needs {_qubit_frequency_ghz(0.03, 0.03):.2f} GHz and "
            f"{_qubit_frequency_ghz(0.01, 0.08):.2f} GHz). At 5-7 GHz, 1 % is "
            f"{mk[0.01][0]:.0f}-{mk[0.01][1]:.0f} mK and 3 % is {mk[0.03][0]:.0f}-"
            f"{mk[0.03][1]:.0f} mK; p = e^(-hf/k_BT) changes these by < 1 %. Table 2's own "
            f"pair (lambda/2pi = 5 GHz at 50 mK) leaves atom A excited with r1 = {r1:.3f}: "
            "half of it sits in (|eg> - |ge>)/sqrt 2, degenerate with |gg> at lambda = omega")
    return [
        Claim.compare("reset_1pct_at_30mK_qubit_frequency_GHz", "Secs. 4.2-4.3: a residual "
                      "excited population of ~1 % at 5-7 GHz is a 30 mK qubit (ours: the "
                      "frequency at which it is)", 6.0, _qubit_frequency_ghz(0.01, 0.03), "GHz",
                      rtol=0.0, atol=1.0,
                      note=f"{note}. 1 % at 30 mK needs a 2.9 GHz qubit: at 5 GHz a 30 mK qubit "
                           f"is excited with {100 * _excited_population(5.0, 0.03):.2g} %"),
        Claim.compare("reset_3pct_at_80mK_qubit_frequency_GHz", "Secs. 4.2-4.3: a residual "
                      "excited population of ~3 % at 5-7 GHz is an 80 mK qubit (ours: the "
                      "frequency at which it is)", 6.0, _qubit_frequency_ghz(0.03, 0.08), "GHz",
                      rtol=0.0, atol=1.0, note=note),
    ]


def _kappa_doubling(coupling: str, reading: str, t_bath: float) -> float:
    """The kappa (1/s) at which T_cav reaches twice its kappa -> 0 value (resonance)."""
    m = base(coupling, reading, t_bath=t_bath)
    t0 = float(m.t_cav_kappa0())
    return float(10.0 ** brentq(lambda lk: _quiet(m.replace(kappa=10.0 ** lk).t_cav)[0]
                                - 2.0 * t0, -6.0, 14.0, xtol=1e-10))


def _trend_claims() -> list[Claim]:
    """Qualitative statements, each quantified by a number defined in its statement."""
    k1, k2 = (_kappa_doubling(c, "phi", 10.0) for c in COUPLINGS)
    k1b, k2b = (_kappa_doubling(c, "phi", 1.0) for c in COUPLINGS)
    t_at_10 = _mK(base("two", "phi", kappa=10.0)), _mK(base("one", "phi", kappa=10.0))
    robust = k2 / k1
    # Fig. 1: minimum over the detuning of T_cav/T_atom at the figure's three g values
    d = TWO_PI * np.linspace(-1.0, 1.0, 801) * 1e9
    mins = {c: [float(np.min(_quiet(base(c, g=TWO_PI * g * 1e9).with_detuning(d).t_cav_ratio)[0]))
                for g in G_FIG1_GHZ] for c in COUPLINGS}
    mins_phi = {c: [float(np.min(_quiet(base(c, g=TWO_PI * g * 1e6).with_detuning(d / 100)
                                        .t_cav_ratio)[0])) for g in (0.15, 0.5, 1.5)]
                for c in COUPLINGS}
    steps = np.concatenate([np.asarray(mins[c][1:]) / mins[c][:-1] for c in COUPLINGS])
    steps_phi = np.concatenate([np.asarray(mins_phi[c][1:]) / mins_phi[c][:-1]
                                for c in COUPLINGS])
    deepens = bool(np.all(steps < 1.0) and np.all(steps_phi < 1.0))
    # Fig. 3(b): T_cav/T_atom over lambda/2pi in [0, 8] GHz (the plotted range), two atoms
    lam = TWO_PI * np.linspace(0.0, 8.0, 321) * 1e9
    r_phi = _quiet(base("two", "phi", lam=lam).t_cav_ratio)[0]
    r_lit = _quiet(base("two", lam=lam).t_cav_ratio)[0]
    r_k0 = base("two", lam=lam).t_cav_kappa0() / 0.05
    lam_min = float(lam[np.argmin(r_lit)] / TWO_PI / 1e9)
    mono = bool(np.all(np.diff(r_phi) < 0))
    return [
        Claim("sec34_two_atom_more_robust_kappa_doubling_ratio", "Sec. 3.4: two-atom coupling "
              "is substantially more robust to phonon leakage (ours: kappa at which T_cav "
              "doubles from its kappa -> 0 value, two-atom over one-atom; > 1 means more "
              "robust)", 1.0, robust, "1", agrees=bool(robust > 1.0),
              note=f"Agreement means ours > 1. Table 2 (T_bath = 10 K, Delta = 0): T_cav "
                   f"doubles at kappa = {k1:.4g} 1/s (one-atom) and {k2:.3g} 1/s (two-atom); "
                   f"at T_bath = 1 K {k1b:.0f} and {k2b:.0f} 1/s; the ratio is the same for "
                   "the literal Table 2 g (kappa scales with R phi^2). Opposite to the paper: "
                   "the two-atom kappa -> 0 state rests on a tiny up-rate (r1^(2) = "
                   f"{base('two').stream_coefficients()[0]:.1e} vs r1 = 0.25), which a little "
                   "bath heating overwhelms. In absolute terms the two-atom cavity is colder "
                   f"at every kappa (at 10 1/s, phi-reading: {t_at_10[0]:.0f} vs "
                   f"{t_at_10[1]:.0f} mK), the paper's 'retains its refrigeration advantage'"),
        Claim("fig1_minimum_deepens_with_g", "Fig. 1: the minimum of T_cav/T_atom over the "
              "detuning deepens as g grows (ours: the largest ratio of successive minima, "
              "both couplings, at the plotted g/2pi = 0.05, 0.15, 0.5 GHz; < 1 means deeper)",
              1.0, float(steps.max()), "1", agrees=deepens,
              note="Agreement means every successive ratio < 1, at the plotted g and at "
                   "g/2pi = 0.15, 0.5, 1.5 MHz (phi = 0.047, 0.157, 0.47; Delta/2pi in [-10, "
                   "10] MHz). Minima at the plotted g (phi >> 1, stream-dominated, so the "
                   f"trend is slight): one-atom {', '.join(f'{x:.4g}' for x in mins['one'])}; "
                   f"two-atom {', '.join(f'{x:.4g}' for x in mins['two'])}. At the MHz values "
                   f"one-atom {', '.join(f'{x:.3g}' for x in mins_phi['one'])}; two-atom "
                   f"{', '.join(f'{x:.3g}' for x in mins_phi['two'])}"),
        Claim("fig3b_ratio_decreases_monotonically_with_lambda", "Fig. 3(b): two-atom "
              "T_cav/T_atom decreases monotonically with lambda (ours: its value at "
              "lambda/2pi = 8 GHz over that at 0, phi-reading, T_bath = 10 K, kappa = 1e4 1/s, "
              "Delta = 0; monotonic decrease on lambda/2pi in [0, 8] GHz required)",
              1.0, float(r_phi[-1] / r_phi[0]), "1", agrees=mono,
              note="Agreement means every step of a 321-point grid on the plotted lambda "
                   "range (ours; the paper states none) decreases. At the phi-reading (the "
                   "stated phi = 0.157) the 10 K bath dominates and a larger Z weakens the "
                   f"stream: the ratio rises from {r_phi[0]:.3g} to {r_phi[-1]:.3g} (its "
                   f"minimum at lambda/2pi = {lam[np.argmin(r_phi)] / TWO_PI / 1e9:.2g} GHz). "
                   "The literal Table 2 g reproduces the statement up to lambda/2pi = "
                   f"{lam_min:.2g} GHz ({r_lit[0]:.3g} -> {r_lit.min():.4g}), then rises "
                   f"to {r_lit[-1]:.4g} at 8 GHz; only the kappa -> 0 limit (Eq. 38, "
                   f"{r_k0[0]:.3g} -> {r_k0[-1]:.4g}) decreases over the whole range"),
    ]


def claims(ctx) -> list[Claim]:
    one, two = base("one"), base("two")
    t1, t2 = one.t_cav_kappa0() * 1e3, two.t_cav_kappa0() * 1e3
    out = [
        Claim.compare("tcav_kappa0_one_atom_mK", "Fig. 7(a): one-atom T_cav for kappa -> 0",
                      219.0, t1, "mK", rtol=0.0, atol=0.5,
                      note="Eq. 30 with Table 2, lambda/2pi = 5 GHz (read like omega). '~219' "
                           "read to its last digit (219 +- 0.5): ours, 218.46, rounds to 218: "
                           "a last-digit difference (219 is 218.46 rounded twice, via 218.5), "
                           "not a different reading"),
        Claim.compare("tcav_kappa0_two_atom_mK", "Fig. 7(b): two-atom T_cav for kappa -> 0",
                      25.0, t2, "mK", rtol=0.0, atol=0.5,
                      note="'~25' has two significant figures (25 +- 0.5). Eq. 38 with Table 2 "
                           "gives 26.95 mK, 7.8 % above it: 25 mK = T_atom/2 is the "
                           "lambda -> infinity limit of Eq. 38, which no reading of Table 2 "
                           "reaches"),
        Claim.compare("tcav_ratio_kappa0_one_atom", "Figs. 1, 2, 4: one-atom T_cav/T_atom "
                      "saturates near ~4 as kappa -> 0", 4.0, t1 / 50.0, "1", rtol=0.0,
                      atol=0.5, role="restatement",
                      note="tcav_kappa0_one_atom_mK in units of T_atom, counted there; '~4' "
                           "read as one significant figure (4 +- 0.5)"),
        Claim.compare("tcav_ratio_kappa0_two_atom", "Figs. 1, 2, 4: two-atom T_cav/T_atom "
                      "reaches ~0.5 as kappa -> 0", 0.5, t2 / 50.0, "1", rtol=0.0,
                      atol=0.05, role="restatement",
                      note="tcav_kappa0_two_atom_mK in units of T_atom, counted there; '~0.5' "
                           "read as one significant figure (0.5 +- 0.05)"),
    ]
    spread = 0.0
    for c in COUPLINGS:
        t, _ = _quiet(lambda c=c: base(c, kappa=0.0, t_bath=np.array(TBATH_FIG7)).t_cav())
        spread = max(spread, float(np.ptp(t) / np.mean(t)))
    out.append(Claim.compare(
        "tcav_kappa0_independent_of_tbath", "Fig. 7: T_cav(kappa = 0) does not depend on "
        "T_bath (max relative spread over T_bath = 0.1, 0.5, 1, 4 K, one- and two-atom)",
        0.0, spread, "1", rtol=0.0, atol=1e-12, role="identity",
        note="true by construction: kappa = 0 exactly in Eq. 25 removes the bath term"))
    spread10 = 0.0
    for c in COUPLINGS:
        t, _ = _quiet(lambda c=c: base(c, "phi", kappa=10.0,
                                       t_bath=np.array(TBATH_FIG7)).t_cav())
        spread10 = max(spread10, float(np.ptp(t) / np.mean(t)))
    out.append(Claim.compare(
        "tcav_spread_tbath_kappa_10_per_s_phi_reading", "Relative spread of T_cav over "
        "T_bath = 0.1-4 K at kappa = 10 1/s with g/2pi = 0.5 MHz (phi = 0.157)", None,
        spread10, "1",
        note="beyond the paper: how quickly the kappa -> 0 independence is lost at the "
             "stated phi; the two-atom stream's up-rate R chi phi^2 r1^(2) is only ~17 1/s"))
    out.append(Claim.compare(
        "table2_phi_rad", "Table 2: collision angle phi = g tau", 0.16, float(one.phi()),
        "rad", rtol=0.0, atol=0.005,
        note="'~0.16' read to its last digit. g/2pi = 0.5 GHz and tau = 50 ns give "
             "g tau = 157 rad; the stated 0.16 follows "
             "from g/2pi = 0.5 MHz (0.157 rad). Evaluating the literal baseline raises the "
             "weak-collision PremiseWarning"))
    for phi, tag in ((0.05, "0p05"), (0.157, "0p157")):
        for c in COUPLINGS:
            m = base(c, "phi", g=phi / TAU)
            closed, res, _ = _exact_pair(m)
            rel = abs(closed - res.n_star) / res.n_star
            if not (phi == 0.157 and c == "one"):
                out.append(Claim.compare(
                    f"exact_vs_closed_form_rel_err_phi_{tag}_{c}_atom",
                    f"|n*_closed - n*_exact| / n*_exact at phi = {phi}, Delta = 0, "
                    f"{c}-atom coupling", None, rel, "1",
                    note="beyond the paper: exact collision stream (Fock space "
                         f"{res.n_levels} levels, top population {res.top_population:.1e}) "
                         "vs Eq. 25; Table 2 with g = phi/tau, T_bath = 10 K"
                         + (", chi = 2" if c == "two" else "")))
            if c == "two":
                out.append(Claim.compare(
                    f"exact_effective_chi_phi_{tag}", f"chi implied by the exact two-atom "
                    f"stream at phi = {phi} (closed-form n* matched to exact)", None,
                    effective_chi(m, res.n_star), "1",
                    note="beyond the paper: chi = 2 is the exact second-order value for "
                         "equal in-phase couplings; larger phi lowers it (Rabi saturation)"))
    for c in COUPLINGS:
        lit = base(c)                                    # literal Table 2: phi = 157 rad
        ex0, _ = _quiet(lambda lit=lit: exact_steady_state(lit.replace(kappa=1e-3)))
        out.append(Claim.compare(
            f"exact_tcav_kappa0plus_{c}_atom_table2_mK", f"Exact collision stream, kappa -> 0+ "
            f"(1e-3 1/s), literal Table 2 (phi = g tau = 50 pi), {c}-atom coupling",
            219.0 if c == "one" else 25.0, ex0.t_cav * 1e3, "mK", rtol=0.0, atol=0.5,
            note="beyond the paper: " + (
                "g tau = 50 pi exactly, so sin(g tau sqrt(n+1)) = 0 at n = k^2 - 1: the vacuum "
                "and n = 3, 8, 15, ... are micromaser trapping states and the bath, however "
                "weak, sets the populations across them. Away from trapping angles the exact "
                "one-atom map obeys detailed balance p(n+1)/p(n) = r1/r2 and Eq. 30 is exact "
                "for any phi (tested)" if c == "one" else
                "the exact two-atom kappa -> 0 temperature depends weakly on phi "
                "(26.95 mK at small phi, 27.25 mK at phi = 50 pi); the paper's '~25' "
                "(25 +- 0.5) is the lambda -> infinity limit, as for Eq. 38")))
        exk, _ = _quiet(lambda lit=lit: exact_steady_state(lit))
        closed_k, _ = _quiet(lit.t_cav)
        out.append(Claim.compare(
            f"exact_tcav_table2_{c}_atom_mK", f"Exact collision stream at the literal Table 2 "
            f"baseline (phi = 157 rad, kappa = 1e4 1/s, T_bath = 10 K), {c}-atom", None,
            exk.t_cav * 1e3, "mK",
            note=f"beyond the paper: the closed form gives {closed_k * 1e3:.1f} mK here; at "
                 "phi >> 1 each collision exchanges at most one quantum (sin^2 <= 1, not "
                 "phi^2 n), so the real stream is far weaker than Eq. 25 assumes"))
    for c, lo in (("one", "one"), ("two", "two")):
        rt, _ = _quiet(lambda c=c: base(c, "phi").relaxation_time())
        out.append(Claim.compare(
            f"relaxation_time_{lo}_atom_us", "Sec. 4.2: cavity-cooling time constants of "
            "order 10-100 us (paper range encoded as 55 +- 45 us)", 55.0, rt * 1e6, "us",
            rtol=0.0, atol=45.0,
            note="1/Gamma_down at the phi-reading (g/2pi = 0.5 MHz), T_bath = 10 K, "
                 "kappa = 1e4 1/s; the literal Table 2 g gives ~16 ps"
                 + ("" if c == "one" else ". Below the range: chi = 2 doubles the stream's "
                    "damping R chi phi^2 (r2 - r1); chi = 1 gives the one-atom 14 us")))
    m = base("two", "phi")
    a_up, gam = _quiet(lambda: (float(m.j_up()), float(m.gamma_down())))[0]
    n = a_up / gam
    out.append(Claim.compare(
        "sec31_detailed_balance_identity", "Sec. 3.1: stream-induced detailed balance (ours: "
        "A_up/A_down - n*/(1 + n*), two-atom, phi-reading, Table 2)", 0.0,
        a_up / (a_up + gam) - n / (1.0 + n), "1", rtol=0.0, atol=1e-12, role="identity",
        note="true by construction of Eq. 25 (A_down - A_up = Gamma_down). Erratum: the paper "
             "writes A_up/(A_down - A_up) = n*/(1 + n*); with its own A_up, A_down that "
             f"left side is n* itself ({n:.4g} here, against n*/(1 + n*) = {n / (1 + n):.4g}); "
             "A_up/A_down = n*/(1 + n*) is what holds"))
    return out + _range_claims() + _reset_claims() + _trend_claims()


CAP_COMMON = ("Closed forms of seed 000 (Eqs. 23-26, 37) with Table 2: omega1/2pi = 5 GHz, "
              "atoms at omega = omega1 + Delta, lambda/2pi = 5 GHz (read like omega), "
              "T_atom = 50 mK, tau = 50 ns, R = 5e6 1/s, chi = 2 for two-atom coupling. ")

FIGURES = [
    Figure("fig1_detuning", CAP_COMMON + "T_cav/T_atom (a, b) and n* (c, d) vs detuning for "
           "one- and two-atom coupling, T_bath = 10 K, kappa = 1e4 1/s (Table 2). The paper "
           "does not give its three g values: we use g/2pi = 0.05, 0.15, 0.5 GHz (the last is "
           "Table 2's literal g) and Delta/2pi in [-1, 1] GHz, where the heating wings appear. "
           "All three have phi = g tau >> 1 and |Delta| up to 0.2 omega1: outside the weak-"
           "collision and RWA premises the closed forms assume.", compute_fig1, plot_fig1),
    Figure("fig2_kappa_and_g", CAP_COMMON + "(a, b) T_cav/T_atom vs kappa on resonance for "
           "the literal Table 2 g (g/2pi = 0.5 GHz, phi = 157) and the phi-reading (g/2pi = "
           "0.5 MHz, phi = 0.157): the crossover to the bath moves by ~1e6 in kappa. "
           "(c, d) vs g/2pi (10 kHz-1 GHz, our range), kappa = 1e4 1/s, T_bath = 10 K; the "
           "dotted line is phi = 0.1: the stream dominates the 10 K bath only at phi >~ 1.",
           compute_fig2, plot_fig2),
    Figure("fig3_lambda_and_maps", CAP_COMMON + "(a, b) T_cav/T_atom vs lambda/2pi in [0, 8] "
           "GHz (our range) on resonance for both g readings, T_bath = 10 K, kappa = 1e4 1/s. "
           "The paper's monotonic decrease for two atoms (b) holds with the literal g only "
           "up to lambda/2pi ~ 6.9 GHz (over the whole 0-8 GHz only in the kappa -> 0 "
           "limit); at the phi-reading the 10 K bath dominates and T_cav rises with lambda "
           "for both couplings (larger Z, smaller r2 - r1). "
           "(c, d) log10(T_cav/T_atom) over Delta/2pi in [-1, 1] GHz and g/2pi in [0.1 MHz, "
           "1 GHz] (log), our ranges; black contour: T_cav = T_atom (two-atom only); dashed "
           "white: phi = 0.1.", compute_fig3, plot_fig3),
    Figure("fig4_kappa_detuning", CAP_COMMON + "T_cav/T_atom vs Delta/2pi in [-50, 50] MHz for "
           "kappa = 0, 1, 10, 100, 1e3, 1e4 1/s (the paper does not state its kappa values or "
           "x axis; we chose detuning), g/2pi = 0.5 MHz (phi-reading, phi = 0.157), "
           "T_bath = 10 K.", compute_fig4, plot_fig4),
    Figure("fig5_kappa0_detuning", CAP_COMMON + "kappa = 0: T_cav/T_atom vs Delta/2pi in "
           "[-50, 50] MHz; the detuning enters only through omega = omega1 + Delta in the pair "
           "weights (L(Delta) cancels, Eqs. 29, 38). Both curves fall linearly with Delta; the "
           "two-atom relative slope is ~3.5x weaker.", compute_fig5, plot_fig5),
    Figure("fig7_tcav_vs_kappa", CAP_COMMON + "T_cav vs kappa for T_bath = 0.1, 0.5, 1, 4 K on "
           "resonance; solid: phi-reading (g/2pi = 0.5 MHz), dashed: literal Table 2 g "
           "(0.5 GHz). kappa -> 0 gives 218.5 mK (one-atom) and 26.9 mK (two-atom) for every "
           "T_bath.", compute_fig7, plot_fig7),
    Figure("fig_exact_vs_phi", "New (beyond the paper): the exact collision stream (cavity "
           "Fock space x 4-level pair with coherence rho_nd, U = exp(-i H_int tau), partial "
           "trace, steady state of R(Phi - 1) + L_bath) vs the closed form Eq. 25, on "
           "resonance, Table 2 with g = phi/tau, T_bath = 10 K, kappa = 1e4 1/s, chi = 2. "
           "(a) n*; (b) relative error, below 2 % at phi = 0.05; at fixed R it falls like "
           "phi^4 at small phi (phi^2 per collision x the stream's phi^2 share of the steady "
           "state; at fixed R phi^2 it falls like phi^2, see tests), "
           "~6-10 % at the stated phi = 0.157 (dashed grey); (c) the chi (two-atom) and "
           "one-atom enhancement implied by the exact n*; (d) one-atom, phi = 0.05: the exact "
           "detuning dependence follows the exact kernel I(Delta)/I(0) (Eq. 10; sinc^2 here "
           "since kappa tau << 1), not the Lorentzian of Eq. 14, which is ~5x too narrow.",
           compute_exact, plot_exact),
]

PAPER = Paper(
    seed="000",
    title="Cavity cooling by a stream of correlated atom pairs",
    figures=FIGURES,
    claims=claims,
    notes=("Readings (docs/seed000.md): lambda/2pi = 5 GHz (read like omega); kappa '10 kHz' "
           "= 1e4 1/s; chi = 2; T_bath = 10 K for Figs. 1-5 (Table 2), 0.1-4 K for Fig. 7. "
           "Table 2's g/2pi = 0.5 GHz gives phi = g tau = 157 rad, not 0.16; figures show both "
           "that literal value and g/2pi = 0.5 MHz (phi = 0.157, the stated phi), which also "
           "matches the paper's 10-100 us time constants. With the paper's Lorentzian filter "
           "the leverage chi phi^2 L(Delta) grows monotonically with tau, so the 'optimal tau' "
           "of Sec. 2.3 is the edge of the premise window."),
    citation=Citation(
        title="Quantum Correlation-Assisted Cooling of Microwave Cavities Below the Ambient "
              "Temperature",
        authors=("Daryoosh Vashaee", "Jahanfar Abouie")),
)
