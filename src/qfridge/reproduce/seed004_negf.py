r"""Seed 004, Sec. IV B and Appendix C: Keldysh NEGF of the Kerr-coupled resonators (Fig. 10).

:func:`negf_point` solves one point of the paper's two-resonator fridge with
:func:`qfridge.engines.negf.solve_kerr_resonators`; :func:`master_equation_point` gives
the sequential-tunnelling (Pauli, Eq. 14) current of the same machine with QuTiP via
:meth:`qfridge.engines.lindblad.MasterEquation.local`, the jump operators resolved by
the other resonator's photon number (:math:`a_1\Pi_{n_2}` at
:math:`\epsilon_1 + n_2\Delta_z`, :math:`a_2\Pi_{n_1}` at :math:`\epsilon_2 + n_1\Delta_z`),
which is Eqs. 14–19 written as a Lindblad equation.

Choices the paper leaves open, stated in the captions and in ``docs/negf.md``:
:math:`T = 1` (energies in :math:`k_BT`); Eq. 3 used as printed with the upper cutoff
(erratum) and no extra coupling prefactor; the real part of the retarded self-energies
(Fig. 10 shows both readings); the bubble built from the Hartree Green's functions.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import qutip
import xarray as xr

from ..core import checks
from ..core.baths import BosonicBath, LorentzianSpectralDensity, ScaledSpectralDensity
from ..core.validity import PremiseWarning
from ..engines.lindblad import MasterEquation, Transition
from ..engines.negf import EnergyGrid, NEGFOptions, NEGFResult, solve_kerr_resonators
from ..engines.pseudomode import embed
from .registry import Claim, Figure

J_UNIT = "(k_B T)^2/hbar"

#: Fig. 10 parameters (seed 004, caption of Fig. 10); T = 1, T_C = T.
FIG10 = dict(eps1=2.0, eps2=2.0, delta_z=0.2, gamma_R=0.02, gamma_C=0.02, cutoff=7.0)
FIG10_GAMMA_L = (0.01, 0.02)
#: Fock levels per resonator for the master-equation inset (top-level population < 1e-3).
ME_LEVELS = 6


def fridge_baths(delta_T: float, *, eps1: float = 2.0, eps2: float = 2.0, delta_z: float = 0.2,
                 gamma_L: float = 0.02, gamma_R: float = 0.02, gamma_C: float = 0.02,
                 cutoff: float = 7.0, T: float = 1.0, T_C: float | None = None,
                 filter_delta_z: float | None = None):
    r"""Baths of seed 004's resonator fridge (Eq. 3 filters, Fig. 10 placement).

    :math:`\Omega_L = \epsilon_1`, :math:`\Omega_R = \epsilon_1 + \Delta_z`,
    :math:`\Omega_C = \epsilon_2 + \Delta_z`; :math:`T_L = T + \Delta T`, :math:`T_R = T`,
    :math:`T_C` (default :math:`T`, as in Fig. 10). ``filter_delta_z`` places the filters
    for another :math:`\Delta_z` than the machine's (default: the same). Returns
    ``(baths1, baths2)``; bath names ``"L"``, ``"R"``, ``"C"``.
    """
    checks.finite("delta_z", delta_z)
    dzf = delta_z if filter_delta_z is None else checks.finite("filter_delta_z", filter_delta_z)
    checks.finite("delta_T", delta_T)
    checks.positive("T", T)
    T_C = T if T_C is None else T_C
    checks.positive("T_C", T_C)
    if not T + delta_T > 0:
        raise ValueError(f"T_L = T + delta_T must be > 0, got T={T!r}, delta_T={delta_T!r}")
    for name, value in (("gamma_L", gamma_L), ("gamma_R", gamma_R), ("gamma_C", gamma_C)):
        checks.non_negative(name, value)
    checks.positive("cutoff (epsilon_c)", cutoff)
    baths1 = [BosonicBath(T + delta_T, LorentzianSpectralDensity(gamma_L, eps1, cutoff), "L"),
              BosonicBath(T, LorentzianSpectralDensity(gamma_R, eps1 + dzf, cutoff), "R")]
    baths2 = [BosonicBath(T_C, LorentzianSpectralDensity(gamma_C, eps2 + dzf, cutoff), "C")]
    return baths1, baths2


def negf_point(delta_T: float, *, eps1: float = 2.0, eps2: float = 2.0, delta_z: float = 0.2,
               gamma_L: float = 0.02, gamma_R: float = 0.02, gamma_C: float = 0.02,
               cutoff: float = 7.0, T: float = 1.0, T_C: float | None = None,
               grid: EnergyGrid | None = None, options: NEGFOptions | None = None,
               coupling_scale: float = 1.0, filter_delta_z: float | None = None) -> NEGFResult:
    """NEGF steady state of the seed-004 resonator fridge at one thermal bias.

    Currents positive = energy leaves the bath (``result.current_C > 0``: C is cooled).
    Parameters as in :func:`fridge_baths`; the rest go to
    :func:`~qfridge.engines.negf.solve_kerr_resonators`.
    """
    baths1, baths2 = fridge_baths(delta_T, eps1=eps1, eps2=eps2, delta_z=delta_z,
                                  gamma_L=gamma_L, gamma_R=gamma_R, gamma_C=gamma_C,
                                  cutoff=cutoff, T=T, T_C=T_C, filter_delta_z=filter_delta_z)
    return solve_kerr_resonators(eps1, eps2, delta_z, baths1, baths2, grid=grid,
                                 options=options, coupling_scale=coupling_scale)


def _resonators(levels: int, eps1: float, eps2: float, delta_z: float):
    r""":math:`a_1, a_2` and :math:`H = \epsilon_1 n_1 + \epsilon_2 n_2 + \Delta_z n_1 n_2`
    (seed 004, Eq. 12) with ``levels`` Fock states per resonator."""
    a1 = qutip.tensor(qutip.destroy(levels), qutip.qeye(levels))
    a2 = qutip.tensor(qutip.qeye(levels), qutip.destroy(levels))
    n1, n2 = a1.dag() * a1, a2.dag() * a2
    return a1, a2, eps1 * n1 + eps2 * n2 + delta_z * n1 * n2


#: Total excitations (resonators + filter modes) kept by the pseudomode reference. J_C at
#: dT = 0.3 (Fig. 10, Gamma_L = 0.02): -1.150e-5 (8), -1.176e-5 (10), -1.182e-5 (12), i.e.
#: 3 % below the converged value at 8, 0.7 % at 10 (tests/test_pseudomode.py, docs/negf.md).
REFERENCE_EXCITATIONS = 8


def pseudomode_reference(delta_T: float, *, eps1: float = 2.0, eps2: float = 2.0,
                         delta_z: float = 0.2, gamma_L: float = 0.02, gamma_R: float = 0.02,
                         gamma_C: float = 0.02, cutoff: float = 7.0, T: float = 1.0,
                         T_C: float | None = None, filter_delta_z: float | None = None,
                         max_excitations: int = REFERENCE_EXCITATIONS,
                         coupling_scale: float = 1.0) -> dict:
    r"""Strong-coupling reference for the resonator fridge: no NEGF approximation.

    Each Eq. 3 filter is exactly a damped mode (:math:`g = 1/\sqrt2`, frequency
    :math:`\Omega_\eta`, residual Ohmic width :math:`2\Gamma_\eta\omega`) coupled to its
    resonator by exchange; the two resonators, the three modes and the Kerr term are solved
    together (:func:`qfridge.engines.pseudomode.embed`, ``residual="global"``: the residual
    baths with the thermal factor of each Bohr frequency), truncated at ``max_excitations``
    in total. At :math:`\Delta_z = 0`, where the causal NEGF is exact, the occupation and
    :math:`J_L` agree with it to 0.5 % and 0.4 % (10 excitations): the residual's
    Born–Markov error. ``coupling_scale`` is :math:`\lambda^2` of
    :func:`negf_point` (every filter's :math:`g \to \lambda g`).
    Returns ``{"J": currents, "n1", "n2", "top_population", "secular_coherence"}``
    (currents positive = energy leaves the bath).
    """
    baths1, baths2 = fridge_baths(delta_T, eps1=eps1, eps2=eps2, delta_z=delta_z,
                                  gamma_L=gamma_L, gamma_R=gamma_R, gamma_C=gamma_C,
                                  cutoff=cutoff, T=T, T_C=T_C, filter_delta_z=filter_delta_z)
    max_excitations = checks.integer_at_least("max_excitations", max_excitations, 1)
    if coupling_scale != 1.0:
        baths1, baths2 = ([replace(b, spectral_density=ScaledSpectralDensity(
            b.spectral_density, coupling_scale)) for b in baths] for baths in (baths1, baths2))
    a1, a2, h = _resonators(max_excitations + 1, eps1, eps2, delta_z)
    emb = embed(h, [(b, a1) for b in baths1] + [(b, a2) for b in baths2],
                levels=max_excitations + 1, residual="global", max_excitations=max_excitations)
    state = emb.solve(check=False)
    return {"J": emb.heat_currents(state), "n1": emb.expect(a1.dag() * a1, state),
            "n2": emb.expect(a2.dag() * a2, state),
            "top_population": emb.top_populations(state)["shell"],
            "secular_coherence": emb.secular_coherence(state)}


def master_equation_point(delta_T: float, *, eps1: float = 2.0, eps2: float = 2.0,
                          delta_z: float = 0.2, gamma_L: float = 0.02, gamma_R: float = 0.02,
                          gamma_C: float = 0.02, cutoff: float = 7.0, T: float = 1.0,
                          T_C: float | None = None, levels: int = ME_LEVELS,
                          filter_delta_z: float | None = None) -> dict:
    r"""Sequential (Pauli, seed 004 Eqs. 14–19) steady state with QuTiP.

    Returns ``{"J": {bath: current}, "n1", "n2", "top_population"}``; currents positive =
    energy leaves the bath. ``levels`` Fock states per resonator (:math:`N_i` of the paper).
    Scaling every spectral density by :math:`\lambda^2` scales these currents by
    :math:`\lambda^2` exactly (the populations do not change), so no scale is taken here.
    """
    levels = checks.integer_at_least("levels", levels, 2)
    baths1, baths2 = fridge_baths(delta_T, eps1=eps1, eps2=eps2, delta_z=delta_z,
                                  gamma_L=gamma_L, gamma_R=gamma_R, gamma_C=gamma_C,
                                  cutoff=cutoff, T=T, T_C=T_C, filter_delta_z=filter_delta_z)
    a1, a2, h = _resonators(levels, eps1, eps2, delta_z)
    n1, n2 = a1.dag() * a1, a2.dag() * a2

    def proj(k, which):
        basis = qutip.fock_dm(levels, k)
        return (qutip.tensor(qutip.qeye(levels), basis) if which == 2
                else qutip.tensor(basis, qutip.qeye(levels)))

    tr1 = [Transition(a1 * proj(k, 2), eps1 + delta_z * k) for k in range(levels)]
    tr2 = [Transition(a2 * proj(k, 1), eps2 + delta_z * k) for k in range(levels)]
    me = MasterEquation.local(h, [(b, tr1) for b in baths1] + [(b, tr2) for b in baths2])
    rho = me.steady_state()
    pops = np.real(np.diag(rho.full())).reshape(levels, levels)
    top = float(max(pops[-1, :].sum(), pops[:, -1].sum()))
    return {"J": me.heat_currents(rho), "n1": float(qutip.expect(n1, rho)),
            "n2": float(qutip.expect(n2, rho)), "top_population": top}


# -- Fig. 10 ---------------------------------------------------------------------------------
_READINGS = {"neglect": "Re Sigma^r = 0 (paper-like reading)",
             "kramers_kronig": "Re Sigma^r by Kramers-Kronig (causal)"}

CAPTION_FIG10 = (
    "Seed 004, Fig. 10: heat current J_C out of bath C (positive = C is cooled) vs thermal "
    "bias dT from Keldysh NEGF (Hartree mean field self-consistent in <n1>, <n2>, plus the "
    "exchange bubble of Eq. 29 built from the mean-field Green's functions; current by "
    "Eq. 30 with the qfridge sign, i.e. minus Eq. 30 as printed), for Gamma_L = 0.01 and "
    "0.02. Parameters of the caption: Gamma_R = Gamma_C = 0.02, eps1 = eps2 = 2 k_BT, "
    "Omega_L = eps1, Omega_R = eps1 + Delta_z, Omega_C = eps2 + Delta_z, Delta_z = 0.2 k_BT, "
    "eps_c = 7 k_BT (upper cutoff, erratum), T_R = T_C = T = 1, T_L = T + dT. Eq. 3 is used as "
    "printed (no coupling prefactor). Choices the paper leaves open: (a) the real part of the "
    "retarded self-energies neglected (Sigma^r = -i K/2, our reading of Eq. 21; the spectral "
    "sum rule then fails, int A dw/2pi ~ 0.42); (b) the causal alternative, real part by "
    "Kramers-Kronig: Eq. 3's Lorentzian has area pi, i.e. a filter mode coupled with "
    "g = 1/sqrt(2) k_BT, whose Lamb shift splits the resonator into polaritons and C is "
    "heated; there the lower polariton (~1.4 k_BT) barely couples to C and the exchange "
    "width exceeds its bath width 6-14 times, so the bubble is not perturbative (stored as "
    "xc_over_bath_width; <= 0.01 in (a)). Inset of (a): the sequential master equation "
    "(Eqs. 14-19 as a QuTiP Lindblad "
    "with number-resolved jumps, N1 = N2 = 6 levels) on the same parameters. Open circles "
    "in (b): the strong-coupling reference without NEGF approximations (each filter an "
    "embedded damped mode, Kerr term exact, 8 excitations, 6 in quick mode; "
    "pseudomode_reference): C is "
    "heated at every dT, like the causal reading, 1.5x more strongly. Energy grid "
    "[-3.15, 11.2] k_BT with spacing 2e-3 (4e-3 in quick mode).")


def compute_fig10(ctx) -> xr.Dataset:
    """J_C(dT) by NEGF (two real-part readings) and by the master equation."""
    d_t = np.linspace(0.0, 1.0, ctx.pick(41, 21))
    d_t_me = np.linspace(0.0, 1.0, ctx.pick(21, 11))
    spacing = ctx.pick(2e-3, 4e-3)
    grid = EnergyGrid(-3.15, 11.2, int(round(14.35 / spacing)) + 1)
    negf = np.zeros((len(_READINGS), len(FIG10_GAMMA_L), d_t.size))
    conv = np.zeros_like(negf, dtype=bool)
    sumrule = np.zeros_like(negf)
    xc_ratio = np.zeros_like(negf)
    for i, reading in enumerate(_READINGS):
        opts = NEGFOptions(real_part=reading)
        for j, gl in enumerate(FIG10_GAMMA_L):
            for k, dt in enumerate(d_t):
                with warnings.catch_warnings():
                    # recorded below as xc_over_bath_width and stated in the caption
                    warnings.filterwarnings("ignore", ".*exchange bubble perturbative",
                                            PremiseWarning)
                    res = negf_point(float(dt), gamma_L=gl, grid=grid, options=opts, **FIG10)
                negf[i, j, k] = res.current_C
                conv[i, j, k] = res.converged
                sumrule[i, j, k] = res.sum_rules["A2"]
                xc_ratio[i, j, k] = res.exchange_width_ratio
    me = np.zeros((len(FIG10_GAMMA_L), d_t_me.size))
    d_t_ref = np.linspace(0.0, 1.0, ctx.pick(11, 6))
    excitations = ctx.pick(REFERENCE_EXCITATIONS, 6)
    ref = np.zeros((len(FIG10_GAMMA_L), d_t_ref.size))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        for j, gl in enumerate(FIG10_GAMMA_L):
            for k, dt in enumerate(d_t_me):
                me[j, k] = master_equation_point(float(dt), gamma_L=gl, **FIG10)["J"]["C"]
            for k, dt in enumerate(d_t_ref):
                ref[j, k] = pseudomode_reference(float(dt), gamma_L=gl,
                                                 max_excitations=excitations, **FIG10)["J"]["C"]
    return xr.Dataset(
        {"J_C_negf": (("real_part", "gamma_L", "delta_T"), negf,
                      {"units": J_UNIT, "long_name": "J_C (NEGF), positive = C cooled"}),
         "converged": (("real_part", "gamma_L", "delta_T"), conv.astype(np.int8),
                       {"units": "1", "long_name": "NEGF self-consistency converged (1 = yes)"}),
         "sum_rule_A2": (("real_part", "gamma_L", "delta_T"), sumrule,
                         {"units": "1", "long_name": "int A_2 dw/2pi"}),
         "xc_over_bath_width": (("real_part", "gamma_L", "delta_T"), xc_ratio,
                                {"units": "1", "long_name": "exchange width / bath width at "
                                 "the mean-field peak (premise: <= 1)"}),
         "J_C_me": (("gamma_L", "delta_T_me"), me,
                    {"units": J_UNIT, "long_name": "J_C (master equation, Eqs. 14-19)"}),
         "J_C_reference": (("gamma_L", "delta_T_ref"), ref,
                           {"units": J_UNIT, "long_name": "J_C (pseudomode reference, "
                            f"{excitations} excitations)"})},
        coords={"real_part": ("real_part", list(_READINGS), {"units": "1"}),
                "gamma_L": ("gamma_L", np.array(FIG10_GAMMA_L), {"units": "1"}),
                "delta_T": ("delta_T", d_t, {"units": "k_B T"}),
                "delta_T_me": ("delta_T_me", d_t_me, {"units": "k_B T"}),
                "delta_T_ref": ("delta_T_ref", d_t_ref, {"units": "k_B T"})},
        attrs={"grid_points": grid.points, "grid_min": grid.omega_min,
               "grid_max": grid.omega_max, "me_levels": ME_LEVELS,
               "reference_excitations": excitations})


def plot_fig10(ds: xr.Dataset, ctx):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    colors = {0.01: "tab:blue", 0.02: "tab:red"}
    for ax, reading, label in zip(axes, _READINGS, ("(a) ", "(b) "), strict=True):
        for gl in ds.gamma_L.values:
            y = ds.J_C_negf.sel(real_part=reading, gamma_L=gl)
            ax.plot(ds.delta_T, y * 1e6, color=colors.get(float(gl), "k"),
                    label=rf"$\Gamma_L = {float(gl):g}$")
        if reading == "kramers_kronig":
            for gl in ds.gamma_L.values:
                ax.plot(ds.delta_T_ref, ds.J_C_reference.sel(gamma_L=gl) * 1e6, "o",
                        mfc="none", mec=colors.get(float(gl), "k"), ms=5,
                        label=rf"reference, $\Gamma_L = {float(gl):g}$")
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.set_xlabel(r"$\Delta T / T$")
        ax.set_ylabel(r"$J_C$  [$10^{-6}\,(k_BT)^2/\hbar$]")
        ax.set_title(label + "NEGF, " + _READINGS[reading], fontsize=9)
        ax.legend(fontsize=8, loc="lower left" if reading == "kramers_kronig" else "lower right")
    inset = axes[0].inset_axes([0.1, 0.56, 0.36, 0.34])
    for gl in ds.gamma_L.values:
        inset.plot(ds.delta_T_me, ds.J_C_me.sel(gamma_L=gl) * 1e3,
                   color=colors.get(float(gl), "k"))
    inset.set_title(r"master eq., $J_C$ [$10^{-3}(k_BT)^2/\hbar$]", fontsize=7)
    inset.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


FIGURES: list = [Figure("fig10", CAPTION_FIG10, compute_fig10, plot_fig10)]


# -- claims ----------------------------------------------------------------------------------
def _peak(j: np.ndarray, d_t: np.ndarray) -> tuple[float, float]:
    """``(dT, J_C)`` of the largest ``j`` on the grid ``d_t``, the position refined by a
    parabola through the three points around it."""
    k = int(np.argmax(j))
    if 0 < k < d_t.size - 1:
        y0, y1, y2 = j[k - 1], j[k], j[k + 1]
        den = y0 - 2 * y1 + y2
        shift = 0.5 * (d_t[1] - d_t[0]) * (y0 - y2) / den if den != 0 else 0.0
        return float(d_t[k] + shift), float(j.max())
    return float(d_t[k]), float(j.max())


def weak_coupling_comparison(coupling_scales=(0.01, 0.003), delta_z_over_kappa: float = 0.1,
                             delta_T: float = 0.3, gamma: float = 0.3) -> dict:
    r"""NEGF vs master equation as the bath coupling :math:`\lambda^2 \to 0`.

    Broad filters (:math:`\Gamma_\eta = 0.3`, so that the Markov premise
    :math:`\lambda^2K \ll \Gamma\Omega` holds), :math:`\Delta_z = 0.1\kappa_2` with
    :math:`\kappa_2 = \lambda^2K_C(\epsilon_2)` (second order in :math:`\Delta_z` is then
    controlled), other parameters of Fig. 10 with :math:`T_C = T`. Returns the ratios
    :math:`J_C^{NEGF}/J_C^{ME}` and their Richardson extrapolation to :math:`\lambda^2 = 0`
    (linear in :math:`\lambda^2`).
    """
    pars = dict(FIG10, gamma_L=gamma, gamma_R=gamma, gamma_C=gamma)
    dz_filter = pars.pop("delta_z")  # filters stay at the Fig. 10 positions
    _, baths2 = fridge_baths(delta_T, delta_z=dz_filter, **pars)
    k_c = float(baths2[0].spectral_density(pars["eps2"]))
    ratios = []
    for lam2 in coupling_scales:
        dz = delta_z_over_kappa * lam2 * k_c
        spacing = lam2 * k_c / 60.0
        grid = EnergyGrid(-0.35, 7.35, int(np.ceil(7.7 / spacing)) + 1)
        res = negf_point(delta_T, delta_z=dz, filter_delta_z=dz_filter, grid=grid,
                         coupling_scale=lam2, **pars)
        me = master_equation_point(delta_T, delta_z=dz, filter_delta_z=dz_filter, levels=8,
                                   **pars)["J"]["C"]
        ratios.append(res.current_C / (lam2 * me))
    s = np.asarray(coupling_scales, dtype=float)
    r = np.asarray(ratios)
    extrap = float(r[-1] - (r[-2] - r[-1]) * s[-1] / (s[-2] - s[-1])) if r.size > 1 else r[-1]
    return {"coupling_scales": s, "ratios": r, "extrapolated_ratio": extrap}


#: The NEGF reading the claims are scored with: the paper's Eq. 22 defines
#: Sigma^r = sum_k |V|^2 g^r, which carries its real part (causal); dropping it is a choice
#: the paper never states (and it breaks the spectral sum rule). Both are reported.
DEFAULT_READING = "kramers_kronig"

#: dT of the reference scans in the claims: the paper's two maxima (0.15, 0.7) and around.
REFERENCE_DT = (0.05, 0.15, 0.3, 0.7, 1.0, 1.5)
#: Kerr strengths of the convergence test (filters kept at the Fig. 10 places, dT = 0.3).
CONVERGENCE_DZ = (0.2, 0.1, 0.05)


def _reference_scan(gamma_L: float) -> np.ndarray:
    return np.array([pseudomode_reference(x, gamma_L=gamma_L, **FIG10)["J"]["C"]
                     for x in REFERENCE_DT])


def _at(values: np.ndarray, grid: np.ndarray, x: float) -> float:
    """``values`` at the grid point closest to ``x``."""
    return float(values[int(np.argmin(np.abs(grid - x)))])


def _convergence_claim() -> Claim:
    """NEGF (both readings) over the reference as the Kerr term shrinks: the second-order
    bubble is exact to O(Delta_z^2), so the right reading's ratio must tend to 1."""
    ratios = {rp: [] for rp in _READINGS}
    for dz in CONVERGENCE_DZ:
        pars = dict(FIG10, delta_z=dz)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PremiseWarning)
            ref = pseudomode_reference(0.3, gamma_L=0.02, filter_delta_z=FIG10["delta_z"],
                                       **pars)["J"]["C"]
            for rp in _READINGS:
                j = negf_point(0.3, gamma_L=0.02, filter_delta_z=FIG10["delta_z"],
                               options=NEGFOptions(real_part=rp), **pars).current_C
                ratios[rp].append(j / ref)
    listing = {rp: ", ".join(f"{r:.3f}" for r in ratios[rp]) for rp in _READINGS}
    return Claim.compare(
        "negf_causal_reading_converges_to_reference",
        "J_C(NEGF, Re Sigma^r by Kramers-Kronig) / J_C(exact reference) at Delta_z = "
        f"{CONVERGENCE_DZ[-1]:g} (filters at the Fig. 10 places, Gamma_L = 0.02, dT = 0.3): "
        "tends to 1 as Delta_z -> 0 for the right reading",
        None, ratios["kramers_kronig"][-1], "1",
        note=f"Ratios at Delta_z = {', '.join(f'{d:g}' for d in CONVERGENCE_DZ)}: causal "
        f"{listing['kramers_kronig']}; Re Sigma^r dropped {listing['neglect']} (wrong sign at "
        "every Delta_z). With 10 excitations the causal ratio is 0.678, 0.877, 0.989 and "
        "1.022 at Delta_z = 0.2, 0.1, 0.05, 0.025: the causal NEGF is the reading that "
        "converges to the exact answer, and at Fig. 10's Delta_z = 0.2 its second-order "
        "bubble misses a third of the heating of C.")


#: Bath couplings lambda^2 (every filter's g -> lambda g) of the weaker-coupling comparison.
WEAKER_COUPLINGS = (1.0, 0.3, 0.1)


def _weaker_coupling_claim() -> Claim:
    """The reference, both NEGF readings and the master equation as the filters' coupling
    is weakened (Fig. 10 otherwise, Gamma_L = 0.02, dT = 0.3)."""
    me = master_equation_point(0.3, gamma_L=0.02, **FIG10)["J"]["C"]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        for lam2 in WEAKER_COUPLINGS:
            ref = pseudomode_reference(0.3, gamma_L=0.02, coupling_scale=lam2, **FIG10)
            negf = [negf_point(0.3, gamma_L=0.02, coupling_scale=lam2,
                               options=NEGFOptions(real_part=rp), **FIG10).current_C
                    for rp in _READINGS]
            rows.append((lam2, ref["J"]["C"], ref["secular_coherence"], negf, lam2 * me))
    listing = "; ".join(
        f"lambda^2 = {lam2:g}: reference {ref:.3g} (secular estimate {sec:.2f}), NEGF "
        + ", ".join(f"{rp} {j:.3g}" for rp, j in zip(_READINGS, negf, strict=True))
        + f", master equation {m:.3g}" for lam2, ref, sec, negf, m in rows)
    return Claim.compare(
        "pseudomode_reference_cools_at_weaker_coupling",
        f"J_C of the exact reference at lambda^2 = {WEAKER_COUPLINGS[1]:g} (every filter's "
        "coupling g -> lambda g; Fig. 10 otherwise, Gamma_L = 0.02, dT = 0.3): positive = C "
        "cooled", None, rows[1][1], J_UNIT,
        note=listing + ". The strong filter coupling of Fig. 10 (lambda^2 = 1) is what "
        "turns cooling into heating; at weaker coupling C is cooled, less than the master "
        "equation says, and neither NEGF reading follows the reference there (the "
        "non-self-consistent bubble overshoots as lambda^2 falls, docs/negf.md).")


def _quadratic_claim() -> Claim:
    """At Delta_z = 0 the fridge is quadratic and the causal NEGF is exact: the reference's
    own error."""
    pars = dict(FIG10, delta_z=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        errors = []
        for dt in (0.0, 0.3):
            ref = pseudomode_reference(dt, gamma_L=0.02, filter_delta_z=FIG10["delta_z"],
                                       max_excitations=10, **pars)
            exact = negf_point(dt, gamma_L=0.02, filter_delta_z=FIG10["delta_z"], **pars)
            errors.append((ref["n1"] / exact.occupation[0] - 1.0,
                           ref["J"]["L"] / exact.currents["L"] - 1.0 if dt > 0 else None))
    return Claim.compare(
        "pseudomode_reference_exact_at_zero_kerr",
        "|n_1(reference) / n_1(exact) - 1| at Delta_z = 0, dT = 0 (a quadratic machine, "
        "where the causal NEGF is exact), 10 excitations",
        None, abs(errors[0][0]), "1",
        note=f"At dT = 0.3: n_1 off by {errors[1][0]:+.2%}, J_L by {errors[1][1]:+.2%}. The "
        "Re Sigma^r-dropped NEGF gives n_1 = 0.052 instead of 0.305 here (-83 %) and J_L "
        "+69 % too large.")


def _cooling_scan(gamma_L: float, reading: str, d_t: np.ndarray) -> np.ndarray:
    """NEGF J_C over ``d_t`` (the KK reading is outside the bubble's premise: its
    PremiseWarning is summarised in the notes, as in the figure)."""
    opts = NEGFOptions(real_part=reading)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*exchange bubble perturbative", PremiseWarning)
        return np.array([negf_point(float(x), gamma_L=gamma_L, options=opts, **FIG10).current_C
                         for x in d_t])


def claims(ctx) -> list[Claim]:
    """NEGF numbers of seed 004 Sec. IV B (Fig. 10), scored against the pseudomode
    reference (:func:`pseudomode_reference`), and our own checks."""
    out = []
    d_t = np.linspace(0.0, 3.0, 31)
    scans = {(gl, rp): _cooling_scan(gl, rp, d_t) for gl in FIG10_GAMMA_L for rp in _READINGS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)   # truncation: stated in the notes
        reference = {gl: _reference_scan(gl) for gl in FIG10_GAMMA_L}
    ref_cools = {gl: bool(reference[gl].max() > 0) for gl in FIG10_GAMMA_L}
    ref_text = ("Exact reference (pseudomode embedding of the three filters, Kerr term exact, "
                f"{REFERENCE_EXCITATIONS} excitations, 3 % truncation error): J_C at dT = "
                + ", ".join(f"{x:g}" for x in REFERENCE_DT) + ": {} ({}).")
    for gl, paper, tag in ((0.02, 0.15, "0p02"), (0.01, 0.7, "0p01")):
        x_neglect, j_neglect = _peak(scans[(gl, "neglect")], d_t)
        j = scans[(gl, DEFAULT_READING)]
        r = reference[gl]
        note = (ref_text.format(", ".join(f"{v:.3g}" for v in r),
                                "C is cooled" if ref_cools[gl] else
                                "C is heated at every dT: no maximum of cooling exists")
                + f" Causal NEGF (Re Sigma^r by Kramers-Kronig): largest J_C {j.max():.2g} "
                f"over dT in [0, 3] (C never cooled; at dT = 0.3 it is "
                f"{_at(j, d_t, 0.3) / r[REFERENCE_DT.index(0.3)]:.2f} x the reference). "
                f"Dropping Re Sigma^r (non-causal, sum rule ~0.42) cools C with a maximum at "
                f"dT = {x_neglect:.3g} T (J_C = {j_neglect:.3g}): the paper's behaviour, but of "
                "the wrong sign against the reference, so the paper's figure is not reproduced "
                "by any causal treatment.")
        cools = ref_cools[gl]
        ours = _peak(r, np.asarray(REFERENCE_DT))[0] if cools else None
        out.append(Claim(f"fig10_dT_of_max_cooling_GL{tag}",
                         f"J_C(dT) is largest (C cooled most) at dT ~ {paper} T for Gamma_L = "
                         f"{gl} (ours: the exact reference; none when C is never cooled)",
                         paper, ours, "T", bool(cools and abs(ours - paper) <= 0.3 * paper),
                         note + " (tolerance: rtol=0.3)"))
    neglect_ratio = (scans[(0.02, "neglect")].max() / scans[(0.01, "neglect")].max())
    both_cool = all(ref_cools.values())
    ratio = reference[0.02].max() / reference[0.01].max() if both_cool else None
    out.append(Claim(
        "fig10_cooling_falls_with_gamma_L",
        "Fig. 10: 'a large decrease in cooling when Gamma_L goes from 0.01 to 0.02' (ours: "
        "largest cooling of the exact reference at Gamma_L = 0.02 over that at 0.01; 'large' "
        "read as < 0.5)", 0.5, ratio, "1", bool(both_cool and ratio < 0.5),
        ("Exact reference: " + ("ratio as shown" if both_cool else
                                "C is heated at every dT for both Gamma_L, so there is no "
                                "cooling to decrease (nor in the causal NEGF reading)")
         + f"; with Re Sigma^r dropped the NEGF ratio is {neglect_ratio:.3f} (a large decrease, "
         "as the paper says, in the reading the reference contradicts).")))
    d_me = np.linspace(0.0, 1.0, 6)   # J_C(ME) rises monotonically on [0, 1]
    me_peak = {gl: max(master_equation_point(float(x), gamma_L=gl, **FIG10)["J"]["C"]
                       for x in d_me) for gl in FIG10_GAMMA_L}
    me_ratio = me_peak[0.02] / me_peak[0.01]
    out.append(Claim(
        "fig10_me_cooling_barely_changes_with_gamma_L",
        "Fig. 10 inset: the master equation shows no such decrease (ours: max J_C(Gamma_L = "
        "0.02) / max J_C(0.01) over dT in [0, 1], Eqs. 14-19; 'no large decrease' read as "
        "> 0.5)", 1.0, me_ratio, "1", bool(me_ratio > 0.5),
        f"Agreement means ours > 0.5 (max J_C = {me_peak[0.01]:.4g} and {me_peak[0.02]:.4g})."))
    best = max(reference[gl].max() for gl in FIG10_GAMMA_L)
    neglect_best = max(scans[(gl, "neglect")].max() for gl in FIG10_GAMMA_L)
    out.append(Claim(
        "fig10_me_much_larger_than_negf",
        "Fig. 10: 'the cooling from the master equation is much larger than from NEGF' (ours: "
        "largest ME cooling / largest cooling of the exact reference over Gamma_L and dT; "
        "'much larger' read as > 10; no cooling counts as infinitely larger)",
        10.0, max(me_peak.values()) / best if best > 0 else None, "1",
        bool(best <= 0 or max(me_peak.values()) / best > 10),
        ("The exact reference " + ("never cools C" if best <= 0 else
                                   f"cools C by at most {best:.3g}")
         + f" while the master equation cools it by up to {max(me_peak.values()):.3g}: the "
         "sequential (weak-coupling) picture fails at these couplings. With Re Sigma^r "
         f"dropped the NEGF ratio is {max(me_peak.values()) / neglect_best:.3g}; the causal "
         "NEGF reading never cools either.")))
    weak_dt = (0.1, 0.3, 1.0)
    weak_pars = dict(FIG10, delta_z=0.02)
    weak = {rp: max(negf_point(x, gamma_L=0.02, options=NEGFOptions(real_part=rp),
                               **weak_pars).current_C for x in weak_dt)
            for rp in _READINGS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        weak_ref = max(pseudomode_reference(x, gamma_L=0.02, **weak_pars)["J"]["C"]
                       for x in weak_dt)
    out.append(Claim(
        "negf_no_cooling_weak_nonlinearity",
        "No cooling for Delta_z << pi*Gamma*eps (= 0.126 at Gamma = 0.02, eps = 2): largest "
        "J_C over dT in {0.1, 0.3, 1} at Delta_z = 0.02, other Fig. 10 parameters, Gamma_L = "
        "0.02 (ours: the exact reference; the statement means <= 0)",
        0.0, weak_ref, J_UNIT, bool(weak_ref <= 0),
        f"Agreement means ours <= 0. NEGF: {weak[DEFAULT_READING]:.3g} (causal), "
        f"{weak['neglect']:.3g} (Re Sigma^r dropped); all three give no cooling."))
    out.append(_convergence_claim())
    out.append(_weaker_coupling_claim())
    out.append(_quadratic_claim())
    with warnings.catch_warnings():  # KK reading: outside the second-order premise (caption)
        warnings.filterwarnings("ignore", ".*exchange bubble perturbative", PremiseWarning)
        j0 = max(abs(negf_point(0.0, gamma_L=gl, options=NEGFOptions(real_part=rp),
                                **FIG10).current_C)
                 for gl in FIG10_GAMMA_L for rp in _READINGS)
    out.append(Claim.compare(
        "negf_zero_current_at_zero_bias",
        "NEGF |J_C| at dT = 0 (all baths at T), max over Gamma_L and real-part readings",
        None, j0, J_UNIT, note="exact value 0 (KMS of every self-energy); rounding level"))
    wc = weak_coupling_comparison()
    out.append(Claim.compare(
        "negf_vs_master_equation_weak_coupling_rel_diff",
        "|J_C(NEGF)/J_C(ME) - 1| extrapolated to lambda^2 -> 0 (bath coupling V -> lambda V, "
        "Gamma = 0.3 filters, Delta_z = 0.1 kappa_2, dT = 0.3)",
        None, abs(wc["extrapolated_ratio"] - 1.0), "1",
        note="ratios " + ", ".join(f"{r:.4f} at lambda^2 = {s:g}" for s, r in
                                   zip(wc["coupling_scales"], wc["ratios"], strict=True))
        + "; Richardson extrapolation linear in lambda^2"))
    return out
