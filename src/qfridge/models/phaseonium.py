r"""Cavities heated or cooled by a beam of phaseonium atoms (seed 001).

A phaseonium atom is a three-level Λ atom (excited :math:`|e\rangle`, degenerate
grounds :math:`|g_1\rangle, |g_2\rangle`) whose grounds carry a coherence of phase
:math:`\phi` (seed 001, Eq. 5; basis order :math:`e, g_1, g_2`):

.. math:: \eta = \begin{pmatrix}\alpha^2 & 0 & 0\\ 0 & \beta^2/2 & \beta^2 e^{-i\phi}/2\\
          0 & \beta^2 e^{i\phi}/2 & \beta^2/2\end{pmatrix},\qquad \alpha^2+\beta^2 = 1,

with :math:`\alpha` the excited-state *amplitude* (population :math:`\alpha^2`). It meets
a resonant cavity mode for a time :math:`\Delta t` through (Eq. 8, interaction
picture, :math:`\hbar = 1`)

.. math:: V = \Omega[a(\sigma_1^+ + \sigma_2^+) + a^\dagger(\sigma_1^- + \sigma_2^-)],

so the collision is :math:`U = e^{-i\theta V/\Omega}` with :math:`\theta = \Omega\Delta t`
(Eq. 9). Only the bright ground state :math:`|g_+\rangle = (|g_1\rangle+|g_2\rangle)/\sqrt2`
couples; its population is :math:`\gamma_\beta/2` with
:math:`\gamma_\beta = \beta^2(1+\cos\phi)` and :math:`\gamma_\alpha = 2\alpha^2`. The cavity
map has the five Kraus operators of Eq. 12 built from (Eq. 10)

.. math:: C = \cos(\theta\sqrt{2aa^\dagger}),\quad C' = \cos(\theta\sqrt{2a^\dagger a}),\quad
          S = a^\dagger\frac{\sin(\theta\sqrt{2aa^\dagger})}{\sqrt{2aa^\dagger}},

and its fixed point is the Gibbs state at :math:`T_\phi = -\omega/\ln(\gamma_\alpha/\gamma_\beta)`
(Eq. 16) for any :math:`\theta` (barring trapping angles, see below).

Readings made here (see docs/seed001.md):

* Fock truncation at ``n_max``: :math:`C, C', S` are the functions of the *truncated*
  :math:`a` (so :math:`S|n_{\max}\rangle = 0`, :math:`C|n_{\max}\rangle = |n_{\max}\rangle`);
  then Eq. 9 equals :math:`e^{-i\theta V}` of the truncated :math:`V` exactly and the
  truncated map is exactly trace preserving with the truncated Gibbs state as fixed point.
* Eq. 19 as printed gives :math:`-T_\phi` (its ratio is inverted); we use
  :math:`T = \omega/\ln(w_g/w_e)` so that it equals :math:`T_\phi` as the text says.
* Eq. 20 places :math:`\Gamma^\dagger` above the diagonal; with Eq. 5's convention
  (:math:`e^{-i\phi}` above) the element above the diagonal is :math:`\beta^2\Gamma/2`.
* App. D defines :math:`\gamma_\beta = b + (c + c^*)`, i.e. :math:`b + 2\,\mathrm{Re}\,c`;
  Eqs. D3–D6 write :math:`\mathrm{Re}\,c` where :math:`2\,\mathrm{Re}\,c` is meant.
* Trapping angles: if :math:`\sin(\theta\sqrt{2m}) = 0` for some
  :math:`1 \le m \le n_{\max}`, the link :math:`m-1 \leftrightarrow m` is cut and the fixed
  point is not unique (the paper's "for every initial state" fails); a
  :class:`~qfridge.core.validity.PremiseWarning` is emitted. *Near* such an angle on a
  populated level, thermalization slows by orders of magnitude: the slowest relaxation
  rate of the populated ladder is compared with the ladder's without its bottleneck
  (:func:`relaxation_bottleneck`) and a warning names both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import qutip
import scipy.linalg
import scipy.sparse

from ..core import checks
from ..core.thermal import apparent_temperature as _apparent_temperature
from ..core.validity import check_premise
from ..engines.collision import (
    KrausMap,
    Normal,
    SectorMap,
    check_fock_truncation,
    combine_sectors,
    spawn_generators,
)
from .base import Model, parameter, register_model

# ------------------------------------------------------------------------------------
# Closed forms (vectorised)
# ------------------------------------------------------------------------------------


def gamma_alpha(alpha):
    r""":math:`\gamma_\alpha = 2\alpha^2` (seed 001, after Eq. 12)."""
    a = np.asarray(checks.in_range("alpha", alpha, 0.0, 1.0), dtype=float)
    return 2.0 * a**2


def gamma_beta(alpha, phi):
    r""":math:`\gamma_\beta = \beta^2(1+\cos\phi)`, :math:`\beta^2 = 1-\alpha^2` (seed 001)."""
    a = np.asarray(checks.in_range("alpha", alpha, 0.0, 1.0), dtype=float)
    p = np.asarray(checks.finite("phi", phi), dtype=float)
    return (1.0 - a**2) * (1.0 + np.cos(p))


def steady_temperature(alpha, phi, omega=1.0, outside: str = "raise"):
    r"""Steady-state cavity temperature :math:`T_\phi` (seed 001, Eq. 16).

    .. math:: k_BT_\phi = -\hbar\omega/\ln(\gamma_\alpha/\gamma_\beta),\qquad
              \frac{\gamma_\alpha}{\gamma_\beta} = \frac{2\alpha^2}{\beta^2(1+\cos\phi)}.

    Defined only for :math:`\gamma_\alpha/\gamma_\beta < 1`; ``outside="raise"`` raises a
    ``ValueError`` naming alpha and phi (e.g. at :math:`\phi=\pi`), ``"nan"`` returns NaN
    there. :math:`\alpha = 0` gives 0 (the vacuum).
    """
    checks.one_of("outside", outside, ("raise", "nan"))
    ga, gb = np.broadcast_arrays(gamma_alpha(alpha), gamma_beta(alpha, phi))
    omega = np.asarray(checks.positive("omega", omega), dtype=float)
    bad = ~(ga < gb)
    if outside == "raise" and np.any(bad):
        a_b = np.broadcast_to(np.asarray(alpha, float), bad.shape)[bad].ravel()[0]
        p_b = np.broadcast_to(np.asarray(phi, float), bad.shape)[bad].ravel()[0]
        raise ValueError(
            "no steady state: T_phi (seed 001, Eq. 16) needs gamma_alpha/gamma_beta < 1, i.e. "
            f"alpha^2 < (1 - alpha^2) cos^2(phi/2); got alpha = {a_b:.6g}, phi = {p_b:.6g} "
            f"(gamma_alpha = {2 * a_b**2:.4g}, "
            f"gamma_beta = {(1 - a_b**2) * (1 + np.cos(p_b)):.4g})")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(bad, np.nan, ga / np.where(gb > 0, gb, 1.0))
        t = np.where(ratio > 0, -omega / np.log(np.where(ratio > 0, ratio, 0.5)), 0.0)
        t = np.where(bad, np.nan, t)
    return t.item() if t.ndim == 0 else t


def thermal_ancilla_temperature(alpha, omega=1.0):
    r"""Temperature of the incoherent ancilla of Eq. 4: :math:`e^{-\omega/T} = 2\alpha^2/\beta^2`.

    Eq. 18 relates it to :math:`T_\phi`: :math:`\omega/T_\phi - \omega/T = \ln(1+\cos\phi)`.
    Needs :math:`2\alpha^2 < \beta^2` (else the populations are not thermal-like).
    """
    # diag(alpha^2, beta^2/2, beta^2/2) has bright population beta^2/2: Eq. 16 at phi = pi/2
    return steady_temperature(alpha, np.pi / 2, omega)


def phi_for_temperature(alpha, temperature, omega=1.0):
    r"""Phase :math:`\phi\in[0,\pi)` giving :math:`T_\phi` = ``temperature`` (inverse of Eq. 16)."""
    a = np.asarray(checks.in_range("alpha", alpha, 0.0, 1.0), dtype=float)
    t = np.asarray(checks.positive("temperature", temperature), dtype=float)
    cos_phi = 2 * a**2 * np.exp(omega / t) / (1 - a**2) - 1
    if np.any(np.abs(cos_phi) > 1):
        raise ValueError(f"no phi gives temperature {temperature} at alpha = {alpha}")
    return np.arccos(cos_phi)


def alpha_for_temperature(phi, temperature, omega=1.0):
    r"""Amplitude :math:`\alpha` giving :math:`T_\phi` = ``temperature`` at phase ``phi``."""
    p = np.asarray(checks.finite("phi", phi), dtype=float)
    t = np.asarray(checks.positive("temperature", temperature), dtype=float)
    x = (1 + np.cos(p)) * np.exp(-omega / t) / 2  # alpha^2 / beta^2
    return np.sqrt(x / (1 + x))


def decohered_temperature(alpha, phi, epsilon, omega=1.0):
    r"""Temperature :math:`T_2^*` of the second cavity when the ancilla coherence has decayed by
    :math:`\epsilon(\bar t)` in flight (seed 001, App. D, Eq. D4, with :math:`2\,\mathrm{Re}\,c`):

    .. math:: k_BT_2^* = -\hbar\omega/\ln\frac{2a}{b + 2\epsilon\,\mathrm{Re}\,c}
              = -\hbar\omega/\ln\frac{2\alpha^2}{\beta^2(1+\epsilon\cos\phi)}.
    """
    e = np.asarray(checks.in_range("epsilon", epsilon, 0.0, 1.0), dtype=float)
    a = np.asarray(checks.in_range("alpha", alpha, 0.0, 1.0), dtype=float)
    p = np.asarray(checks.finite("phi", phi), dtype=float)
    # cos(phi_eff) = eps cos(phi): Eq. 16 with gamma_beta -> beta^2 (1 + eps cos phi)
    return steady_temperature(a, np.arccos(np.clip(e * np.cos(p), -1, 1)), omega)


def decohered_temperature_d6(t1, alpha, phi, epsilon, omega=1.0):
    r"""Eq. D6 (with :math:`2\,\mathrm{Re}\,c`, see :func:`decohered_temperature`):

    .. math:: T_2^*/\omega = T_1^*/[\omega - T_1^*\ln((b+2\mathrm{Re}c)/(b+2\epsilon\mathrm{Re}c))].
    """
    a = np.asarray(alpha, float)
    b, two_re_c = 1 - a**2, (1 - a**2) * np.cos(phi)
    log_ratio = np.log((b + two_re_c) / (b + epsilon * two_re_c))
    return omega * t1 / (omega - t1 * log_ratio)


def photon_number_change(populations, alpha, phi, theta):
    r"""Mean photon-number change per collision (seed 001, Eq. E4).

    .. math:: \Delta\langle n\rangle = \sum_n p_n\left\{\frac{\gamma_\alpha}{2}
              \sin^2[\theta\sqrt{2(n+1)}] - \frac{\gamma_\beta}{2}\sin^2(\theta\sqrt{2n})\right\}

    (untruncated: the top level may still emit upwards).
    """
    p = np.asarray(populations, dtype=float)
    n = np.arange(p.shape[-1])
    ga, gb = gamma_alpha(alpha), gamma_beta(alpha, phi)
    th = np.asarray(theta, dtype=float)[..., None]
    rate = 0.5 * ga[..., None] * np.sin(th * np.sqrt(2 * (n + 1)))**2 \
        - 0.5 * gb[..., None] * np.sin(th * np.sqrt(2 * n))**2 if np.ndim(ga) else \
        0.5 * ga * np.sin(th * np.sqrt(2 * (n + 1)))**2 - 0.5 * gb * np.sin(th * np.sqrt(2 * n))**2
    return np.sum(p * rate, axis=-1)


# ------------------------------------------------------------------------------------
# Quantum objects
# ------------------------------------------------------------------------------------


def phaseonium_state(alpha, phi) -> qutip.Qobj:
    r"""The phaseonium density matrix of Eq. 5 (basis :math:`e, g_1, g_2`; :math:`\epsilon = 0`)."""
    a = float(checks.in_range("alpha", alpha, 0.0, 1.0))
    p = float(checks.finite("phi", phi))
    b2 = 1 - a**2
    m = np.array([[a**2, 0, 0], [0, b2 / 2, b2 / 2 * np.exp(-1j * p)],
                  [0, b2 / 2 * np.exp(1j * p), b2 / 2]])
    return qutip.Qobj(m)


def thermal_ancilla(alpha) -> qutip.Qobj:
    r"""The incoherent ancilla of Eq. 4: :math:`\mathrm{diag}(\alpha^2, \beta^2/2, \beta^2/2)`."""
    a = float(checks.in_range("alpha", alpha, 0.0, 1.0))
    return qutip.Qobj(np.diag([a**2, (1 - a**2) / 2, (1 - a**2) / 2]))


def ladder_operators() -> tuple[qutip.Qobj, qutip.Qobj]:
    r""":math:`\sigma^+ = \sigma_1^+ + \sigma_2^+` and :math:`\sigma^- = (\sigma^+)^\dagger`.

    Seed 001, Eq. 7; basis order :math:`e, g_1, g_2`.
    """
    e, g1, g2 = (qutip.basis(3, i) for i in range(3))
    sp_ = e * g1.dag() + e * g2.dag()
    return sp_, sp_.dag()


def interaction(n_max: int) -> qutip.Qobj:
    r""":math:`V/\Omega = a(\sigma_1^+ + \sigma_2^+) + a^\dagger(\sigma_1^- + \sigma_2^-)` (Eq. 8),
    cavity ⊗ atom, cavity truncated at ``n_max`` photons."""
    n_max = checks.integer_at_least("n_max", n_max, 1)
    a = qutip.destroy(n_max + 1)
    s_plus, s_minus = ladder_operators()
    return qutip.tensor(a, s_plus) + qutip.tensor(a.dag(), s_minus)


def mode_tables(theta, n_max: int):
    r"""Fock-diagonal coefficients of :math:`C, C', S, S^\dagger` of the truncated mode.

    Returns ``(c, cp, s_up, s_dn)``, each of shape ``theta.shape + (n_max + 1,)``:
    :math:`C|n\rangle = c_n|n\rangle`, :math:`C'|n\rangle = c'_n|n\rangle`,
    :math:`S|n\rangle = s^\uparrow_n|n+1\rangle`,
    :math:`S^\dagger|n\rangle = s^\downarrow_n|n-1\rangle`,
    with :math:`c_n = \cos\theta\sqrt{2(n+1)}`, :math:`c'_n = \cos\theta\sqrt{2n}`,
    :math:`s^\uparrow_n = \sin(\theta\sqrt{2(n+1)})/\sqrt2` (seed 001, Eq. 10) and the
    truncation :math:`c_{n_{\max}} = 1`, :math:`s^\uparrow_{n_{\max}} = 0`.
    """
    th = np.asarray(theta, dtype=float)[..., None]
    n = np.arange(n_max + 1)
    c = np.cos(th * np.sqrt(2 * (n + 1)))
    c[..., -1] = 1.0
    cp = np.cos(th * np.sqrt(2 * n)) + 0 * th
    s_up = np.sin(th * np.sqrt(2 * (n + 1))) / np.sqrt(2)
    s_up[..., -1] = 0.0
    s_dn = np.zeros_like(s_up)
    s_dn[..., 1:] = s_up[..., :-1]
    return c, cp, s_up, s_dn


def photon_operators(theta, n_max: int) -> tuple[qutip.Qobj, qutip.Qobj, qutip.Qobj]:
    r""":math:`C, C', S` of Eq. 10 for the cavity truncated at ``n_max``."""
    c, cp, s_up, _ = mode_tables(float(theta), n_max)
    return (qutip.Qobj(np.diag(c)), qutip.Qobj(np.diag(cp)),
            qutip.Qobj(np.diag(s_up[:-1], -1)))


def unitary(theta, n_max: int) -> qutip.Qobj:
    r"""The collision unitary :math:`e^{-i\theta V/\Omega}` assembled from Eq. 9 (cavity ⊗ atom)."""
    c, cp, s = photon_operators(theta, n_max)
    one = qutip.qeye(n_max + 1)
    e, g1, g2 = (qutip.basis(3, i) for i in range(3))
    blocks = {(0, 0): c, (0, 1): -1j * s.dag(), (0, 2): -1j * s.dag(),
              (1, 0): -1j * s, (1, 1): 0.5 * (cp + one), (1, 2): 0.5 * (cp - one),
              (2, 0): -1j * s, (2, 1): 0.5 * (cp - one), (2, 2): 0.5 * (cp + one)}
    kets = (e, g1, g2)
    return sum(qutip.tensor(op, kets[r] * kets[col].dag()) for (r, col), op in blocks.items())


def _check_trapping(theta, n_max, tol=1e-3):
    m = np.arange(1, n_max + 1)
    worst = float(np.min(np.abs(np.sin(np.abs(float(theta)) * np.sqrt(2 * m)))))
    return check_premise(
        worst > tol, "no trapping state (sin(theta sqrt(2m)) != 0 for 1 <= m <= n_max)",
        "a vanishing transition cuts the photon ladder, so the fixed point is not unique",
        stacklevel=4, theta=float(theta), min_abs_sin=worst)


def population_rates(alpha, phi, theta, n_max: int):
    r"""Jump probabilities per collision of the single-cavity map on Fock populations (Eq. C3).

    The map of Eq. 11 creates no coherences, so the populations evolve alone, as a
    birth–death chain. Returns ``(up, down)``, each of shape ``theta.shape + (n_max + 1,)``:
    ``up[n]`` :math:`= P(n\to n+1) = (\gamma_\alpha/2)\sin^2\theta\sqrt{2(n+1)}` (0 at
    ``n_max``, the truncation) and ``down[n]`` :math:`= P(n\to n-1) =
    (\gamma_\beta/2)\sin^2\theta\sqrt{2n}`.
    """
    _, _, s_up, s_dn = mode_tables(theta, n_max)
    ga = np.asarray(gamma_alpha(alpha), float)
    gb = np.asarray(gamma_beta(alpha, phi), float)
    return ga[..., None] * s_up**2, gb[..., None] * s_dn**2


def population_step(p, alpha, phi, theta) -> np.ndarray:
    """One collision of the single-cavity map (Eq. 11) on Fock populations ``p``
    (shape ``(..., n_max + 1)``; ``alpha``, ``phi``, ``theta`` broadcast over ``...``)."""
    p = np.asarray(p, float)
    up, dn = population_rates(alpha, phi, theta, p.shape[-1] - 1)
    out = p * (1 - up - dn)
    out[..., 1:] += (up * p)[..., :-1]
    out[..., :-1] += (dn * p)[..., 1:]
    return out


def populated_levels(temperatures, omega=1.0, populated=0.99) -> int:
    """The smallest ``n_p`` such that levels ``0..n_p`` hold at least ``populated`` of the
    population of every Gibbs state at ``temperatures``."""
    t = float(np.max(temperatures))
    q = np.exp(-omega / t)
    return max(int(np.ceil(np.log(1 - populated) / np.log(q))) - 1, 1)


def relaxation_bottleneck(alpha, phi, theta, temperatures, omega=1.0,
                          populated=0.99) -> dict:
    r"""Slowest relaxation rate of the single-cavity map on its populated levels vs a typical one.

    Levels :math:`0..n_p` hold at least ``populated`` of the population of the hottest Gibbs
    state in ``temperatures`` (pass the steady :math:`T_\phi` and the initial temperatures:
    levels nobody populates cannot slow anything). On them the populations follow a
    birth–death chain whose link :math:`m-1\leftrightarrow m` has strength
    :math:`s_m = \sin^2\theta\sqrt{2m}` (:func:`population_rates`); a link with
    :math:`\theta\sqrt{2m}` near a multiple of :math:`\pi` is a bottleneck. Returns
    ``slowest`` (:math:`1-\lambda_1` of that chain, per collision), ``typical`` (the same
    with every link at the median strength of the populated links: the ladder without its
    bottleneck), ``ratio`` = slowest / typical, ``n_populated`` and the weakest link
    ``link`` with its ``strength`` and ``phase`` :math:`\theta\sqrt{2m}`.
    """
    n_p = populated_levels(temperatures, omega, populated)
    m = np.arange(1, n_p + 1)
    strength = np.sin(abs(float(theta)) * np.sqrt(2 * m))**2
    ga, gb = float(gamma_alpha(alpha)), float(gamma_beta(alpha, phi))

    def rate(s):
        gen = np.zeros((n_p + 1, n_p + 1))
        i = m - 1
        gen[i + 1, i] += ga / 2 * s
        gen[i, i] -= ga / 2 * s
        gen[i, i + 1] += gb / 2 * s
        gen[i + 1, i + 1] -= gb / 2 * s
        ev = np.sort(np.real(np.linalg.eigvals(gen)))
        return float(-ev[-2])

    slow, typical = rate(strength), rate(np.full(n_p, np.median(strength)))
    weak = int(np.argmin(strength))
    return {"slowest": slow, "typical": typical,
            "ratio": slow / typical if typical > 0 else float("nan"), "n_populated": n_p,
            "link": int(m[weak]), "strength": float(strength[weak]),
            "phase": float(abs(float(theta)) * np.sqrt(2 * m[weak]))}


def _check_near_trapping(alpha, phi, theta, temperatures, omega=1.0, ratio_min=0.2):
    """Warn when a populated link's :math:`\\theta\\sqrt{2m}` is near a multiple of
    :math:`\\pi`: the slowest relaxation rate falls below ``ratio_min`` x the typical one."""
    t_star = steady_temperature(alpha, phi, omega, outside="nan")
    if not np.isfinite(t_star) or float(theta) == 0:
        return True
    b = relaxation_bottleneck(alpha, phi, theta, (float(t_star), *temperatures), omega)
    return check_premise(
        not b["ratio"] < ratio_min,
        "no near-trapping state (theta sqrt(2m) not close to a multiple of pi on the "
        "populated levels)",
        f"the link {b['link'] - 1} <-> {b['link']} is nearly cut (theta sqrt(2m) = "
        f"{b['phase']:.3f}, {b['phase'] / np.pi:.3f} pi): thermalization is "
        f"{1 / b['ratio']:.3g} times slower than on a ladder without this bottleneck",
        stacklevel=4, theta=float(theta), slowest_rate=b["slowest"],
        typical_rate=b["typical"], ratio=b["ratio"], n_populated=b["n_populated"])


def kraus_operators(alpha, phi, theta, n_max: int) -> list[qutip.Qobj]:
    r"""The five Kraus operators of the single-cavity map (seed 001, Eq. 12).

    :math:`E_0 = \sqrt{1-\gamma_\alpha/2-\gamma_\beta/2}\,\mathbb{1}`,
    :math:`E_1 = \sqrt{\gamma_\alpha/2}\,C`, :math:`E_2 = \sqrt{\gamma_\alpha}\,S`,
    :math:`E_3 = \sqrt{\gamma_\beta/2}\,C'`, :math:`E_4 = \sqrt{\gamma_\beta}\,S^\dagger`.
    """
    ga, gb = float(gamma_alpha(alpha)), float(gamma_beta(alpha, phi))
    c, cp, s = photon_operators(theta, n_max)
    one = qutip.qeye(n_max + 1)
    return [np.sqrt(max(1 - ga / 2 - gb / 2, 0.0)) * one, np.sqrt(ga / 2) * c,
            np.sqrt(ga) * s, np.sqrt(gb / 2) * cp, np.sqrt(gb) * s.dag()]


def cascade_kraus_operators(alpha, phi, theta, n_max: int) -> list[qutip.Qobj]:
    r"""The five Kraus operators of the two-cavity cascade map (seed 001, Eq. 24).

    First factor = cavity :math:`S_1` (met first). :math:`E_1 = \sqrt{\gamma_\alpha/2}
    (C\otimes C - 2S\otimes S^\dagger)`, :math:`E_2 = \sqrt{\gamma_\alpha}(S\otimes C' +
    C\otimes S)`, :math:`E_3 = \sqrt{\gamma_\beta}(S^\dagger\otimes C + C'\otimes S^\dagger)`,
    :math:`E_4 = \sqrt{\gamma_\beta/2}(C'\otimes C' - 2S^\dagger\otimes S)`, :math:`E_0 \propto 1`.
    """
    ga, gb = float(gamma_alpha(alpha)), float(gamma_beta(alpha, phi))
    c, cp, s = photon_operators(theta, n_max)
    sd = s.dag()
    t = qutip.tensor
    one = t(qutip.qeye(n_max + 1), qutip.qeye(n_max + 1))
    return [np.sqrt(max(1 - ga / 2 - gb / 2, 0.0)) * one,
            np.sqrt(ga / 2) * (t(c, c) - 2 * t(s, sd)),
            np.sqrt(ga) * (t(s, cp) + t(c, s)),
            np.sqrt(gb) * (t(sd, c) + t(cp, sd)),
            np.sqrt(gb / 2) * (t(cp, cp) - 2 * t(sd, s))]


def apparent_temperature(eta: qutip.Qobj, omega: float = 1.0) -> float:
    r"""Apparent temperature of an ancilla (seed 001, Eq. 19, sign read so a Gibbs-like
    ancilla gives its own temperature):
    :math:`T = \omega/\ln(\langle\sigma^-\sigma^+\rangle/\langle\sigma^+\sigma^-\rangle)`,
    :math:`\sigma^\pm = \sigma_1^\pm + \sigma_2^\pm`. Eq. 19 as printed has the inverse
    ratio and would give :math:`-T_\phi`."""
    s_plus, s_minus = ladder_operators()
    w_e = qutip.expect(s_plus * s_minus, eta)
    w_g = qutip.expect(s_minus * s_plus, eta)
    return float(_apparent_temperature(omega, w_e, w_g))


def gibbs_populations(temperature, n_max: int, omega: float = 1.0) -> np.ndarray:
    """Truncated Gibbs populations :math:`p_n \\propto e^{-n\\omega/T}`, n = 0..n_max."""
    t = float(checks.non_negative("temperature", temperature))
    n = np.arange(n_max + 1)
    if t == 0:
        p = (n == 0).astype(float)
    else:
        p = np.exp(-n * omega / t)
    return p / p.sum()


def dephasing_kraus(epsilon, eg_factor=None) -> list[qutip.Qobj]:
    r"""Ancilla channel multiplying the :math:`g_1`–:math:`g_2` coherence by :math:`\epsilon`
    (seed 001, App. D).

    A Schur (element-wise) multiplier on the ancilla density matrix (basis :math:`e, g_1,
    g_2`) by :math:`M = \begin{pmatrix}1&t_1&t_2\\t_1&1&\epsilon\\t_2&\epsilon&1
    \end{pmatrix}`, with Kraus operators :math:`\sqrt{\lambda_i}\,\mathrm{diag}(v_i)` from
    :math:`M=\sum_i\lambda_i v_iv_i^\dagger`; it is completely positive iff :math:`M \ge 0`.
    A channel touching only the :math:`g_1`–:math:`g_2` element (:math:`t_1 = t_2 = 1`) is
    not CP. ``eg_factor`` gives :math:`t_1 = t_2 = t` (a number) or :math:`(t_1, t_2)`;
    the default :math:`t = \sqrt{(1+\epsilon)/2}` is the mildest symmetric choice
    (:math:`t^2 \le (1+\epsilon)/2`). ``(1, epsilon)`` is random phase flips of
    :math:`|g_2\rangle` alone. The paper's D1–D2 do not fix the e–g factors.
    """
    e = float(checks.in_range("epsilon", epsilon, 0.0, 1.0))
    t = np.sqrt((1 + e) / 2) if eg_factor is None else eg_factor
    t1, t2 = (float(t), float(t)) if np.ndim(t) == 0 else (float(t[0]), float(t[1]))
    m = np.array([[1, t1, t2], [t1, 1, e], [t2, e, 1]])
    lam, vec = np.linalg.eigh(m)
    if lam.min() < -1e-12:
        raise ValueError(f"eg_factor = {eg_factor} with epsilon = {e} is not completely "
                         f"positive (multiplier matrix has eigenvalue {lam.min():.3g}); for "
                         f"equal factors use t <= sqrt((1 + epsilon)/2) = "
                         f"{np.sqrt((1 + e) / 2):.6g}")
    return [qutip.Qobj(np.diag(np.sqrt(lv) * vec[:, i])) for i, lv in enumerate(lam)
            if lv > 1e-14]


def cascade_master_equation(alpha, phi, rate_scale, n_max: int):
    r"""Continuous-time limit of the cascade (seed 001, App. B, Eq. B7).

    .. math:: \dot\rho = -i[H_{\rm eff},\rho] + \gamma'_\alpha\mathcal D[a^\dagger+b^\dagger]\rho
              + \gamma'_\beta\mathcal D[a+b]\rho,\quad
              H_{\rm eff} = \tfrac{i}{2}(\gamma'_\beta-\gamma'_\alpha)(a^\dagger b - b^\dagger a),

    :math:`\gamma'_{\alpha,\beta} = \gamma_{\alpha,\beta}\,\Omega^2\Delta t` with
    ``rate_scale`` :math:`=\Omega^2\Delta t`. Returns ``(H_eff, [c_ops])`` for ``qutip.mesolve``.
    """
    k = float(checks.positive("rate_scale", rate_scale))
    ga, gb = float(gamma_alpha(alpha)) * k, float(gamma_beta(alpha, phi)) * k
    a = qutip.tensor(qutip.destroy(n_max + 1), qutip.qeye(n_max + 1))
    b = qutip.tensor(qutip.qeye(n_max + 1), qutip.destroy(n_max + 1))
    h = 0.5j * (gb - ga) * (a.dag() * b - b.dag() * a)
    return h, [np.sqrt(ga) * (a.dag() + b.dag()), np.sqrt(gb) * (a + b)]


def cascade_master_equation_photons(alpha, phi, rate_scale, t_initial, times):
    r"""Mean photon numbers of both cavities under Eq. B7, exactly (no Fock truncation).

    B7 is quadratic, so the second moments close (App. E, Eq. E5): with
    :math:`\kappa = (\gamma'_\beta-\gamma'_\alpha)/2`,
    :math:`\dot N_{11} = -2\kappa N_{11} + \gamma'_\alpha`,
    :math:`\dot N_{22} = -2\kappa(N_{22} + 2\,\mathrm{Re}\,N_{12}) + \gamma'_\alpha`,
    :math:`\dot N_{12} = -2\kappa(N_{11} + N_{12}) + \gamma'_\alpha`
    (:math:`N_{11} = \langle a^\dagger a\rangle`, :math:`N_{22} = \langle b^\dagger b\rangle`,
    :math:`N_{12} = \langle a^\dagger b\rangle`, real for thermal product initial states).
    Cavities start in Gibbs states at ``t_initial``; ``times`` must be evenly spaced from 0.
    Returns shape (2, len(times)).
    """
    k = float(checks.positive("rate_scale", rate_scale))
    ga, gb = float(gamma_alpha(alpha)) * k, float(gamma_beta(alpha, phi)) * k
    kap = (gb - ga) / 2
    # x = (N11, N22, 2 Re N12, 1)
    gen = np.array([[-2 * kap, 0, 0, ga], [0, -2 * kap, -2 * kap, ga],
                    [-4 * kap, 0, -2 * kap, 2 * ga], [0, 0, 0, 0]])
    times = np.asarray(times, float)
    if times[0] != 0 or (times.size > 2 and not np.allclose(np.diff(times), times[1])):
        raise ValueError("times must be evenly spaced from 0")
    step = scipy.linalg.expm(gen * (times[1] if times.size > 1 else 0.0))
    x = np.array([*(1 / np.expm1(1 / np.asarray(t_initial, float))), 0.0, 1.0])
    out = np.empty((2, times.size))
    for i in range(times.size):
        out[:, i] = x[:2]
        x = step @ x
    return out


# ------------------------------------------------------------------------------------
# Fast cascade dynamics on the total-photon-number blocks
# ------------------------------------------------------------------------------------


def _shift(arr, axis, k):
    """``out[..., i + k, ...] = arr[..., i, ...]`` along ``axis``, zero-filled."""
    if k == 0:
        return arr
    out = np.zeros_like(arr)
    src = [slice(None)] * arr.ndim
    dst = [slice(None)] * arr.ndim
    if k > 0:
        src[axis], dst[axis] = slice(0, -k), slice(k, None)
    else:
        src[axis], dst[axis] = slice(-k, None), slice(0, k)
    out[tuple(dst)] = arr[tuple(src)]
    return out


class CascadeBlocks:
    r"""The two-cavity state on its total-photon-number blocks, batched over runs.

    ``X[r, N, n1, m1]`` :math:`= \langle n_1, N-n_1|\rho^{(r)}|m_1, N-m_1\rangle`: the Kraus
    operators of Eq. 24 change :math:`N = n_1+n_2` by a fixed amount (0 or ±1), so a state
    block-diagonal in :math:`N` stays so. Each Kraus operator is a sum of two products of
    single-mode "shift × diagonal" operators, so :math:`E X E^\dagger` is a handful of
    element-wise products and index shifts; :math:`\theta` and :math:`\phi` may differ per
    run and per step at no extra cost (hand-written; QuTiP has no such representation).
    Everything is real: the Kraus operators and thermal states are real in the Fock basis.
    """

    def __init__(self, p1, p2):
        p1, p2 = np.atleast_2d(p1), np.atleast_2d(p2)
        if p1.shape != p2.shape:
            raise ValueError(f"p1 and p2 must have the same shape, got {p1.shape}, {p2.shape}")
        runs, d = p1.shape
        self.n_max = d - 1
        nb = 2 * d - 1
        big_n = np.arange(nb)[:, None]
        n1 = np.arange(d)[None, :]
        self._n2 = big_n - n1
        self._valid = (self._n2 >= 0) & (self._n2 <= self.n_max)
        self._n2c = np.clip(self._n2, 0, self.n_max)
        x = np.zeros((runs, nb, d, d))
        diag = p1[:, None, :] * np.take(p2, self._n2c, axis=1) * self._valid
        idx = np.arange(d)
        x[:, :, idx, idx] = diag
        self.x = x

    @property
    def runs(self) -> int:
        return self.x.shape[0]

    def diagonal(self) -> np.ndarray:
        """Populations ``P[r, N, n1]`` of :math:`|n_1, N-n_1\\rangle`."""
        return np.einsum("rNii->rNi", self.x)

    def photon_numbers(self) -> tuple[np.ndarray, np.ndarray]:
        """:math:`\\langle n_1\\rangle, \\langle n_2\\rangle` per run."""
        diag = self.diagonal()
        n1 = np.arange(self.n_max + 1)[None, None, :]
        return (diag * n1).sum(axis=(1, 2)), (diag * np.where(self._valid, self._n2, 0)).sum(
            axis=(1, 2))

    def marginals(self) -> tuple[np.ndarray, np.ndarray]:
        """Photon-number distributions of each cavity, shape (runs, n_max + 1)."""
        diag = self.diagonal()
        p1 = diag.sum(axis=1)
        p2 = np.zeros_like(p1)
        for n2 in range(self.n_max + 1):
            p2[:, n2] = (diag * (self._n2 == n2)).sum(axis=(1, 2))
        return p1, p2

    def trace(self) -> np.ndarray:
        return self.diagonal().sum(axis=(1, 2))

    def density_matrix(self, run: int = 0) -> qutip.Qobj:
        """The full two-cavity density matrix of one run (dims [[d, d], [d, d]])."""
        d = self.n_max + 1
        rho = np.zeros((d, d, d, d))
        for big_n in range(2 * d - 1):
            ok = np.nonzero(self._valid[big_n])[0]
            blk = self.x[run, big_n][np.ix_(ok, ok)]
            for i, n1 in enumerate(ok):
                rho[n1, big_n - n1, ok, big_n - ok] = blk[i]
        return qutip.Qobj(rho.reshape(d * d, d * d), dims=[[d, d], [d, d]])

    def _u(self, f1, f2):
        """Row coefficients :math:`f_1(n_1)f_2(N-n_1)` of a product term, shape (r, N, n1)."""
        return f1[:, None, :] * np.take(f2, self._n2c, axis=1) * self._valid

    def step(self, alpha, phi, theta):
        r"""Apply one cascade collision (Eq. 22/24) with per-run ``alpha``, ``phi``, ``theta``."""
        r = self.runs
        alpha = np.broadcast_to(np.asarray(alpha, float), (r,))
        phi = np.broadcast_to(np.asarray(phi, float), (r,))
        theta = np.broadcast_to(np.asarray(theta, float), (r,))
        ga, gb = gamma_alpha(alpha), gamma_beta(alpha, phi)
        p_dark = np.clip(1 - ga / 2 - gb / 2, 0.0, None)
        c, cp, s_up, s_dn = mode_tables(theta, self.n_max)
        u = self._u
        # (weight, total shift, [(coefficient, row coefficients, n1 shift)])
        ops = [
            (ga / 2, 0, [(1.0, u(c, c), 0), (-2.0, u(s_up, s_dn), 1)]),
            (ga, 1, [(1.0, u(s_up, cp), 1), (1.0, u(c, s_up), 0)]),
            (gb, -1, [(1.0, u(s_dn, c), -1), (1.0, u(cp, s_dn), 0)]),
            (gb / 2, 0, [(1.0, u(cp, cp), 0), (-2.0, u(s_dn, s_up), -1)]),
        ]
        x = self.x
        out = p_dark[:, None, None, None] * x
        for weight, total, terms in ops:
            left = sum(k * _shift(uu[..., None] * x, 2, a1) for k, uu, a1 in terms)
            both = sum(k * _shift(left * uu[..., None, :], 3, a1) for k, uu, a1 in terms)
            out = out + weight[:, None, None, None] * _shift(both, 1, total)
        self.x = out


def simulate_cascade(alpha, phi, dt, n_steps: int, n_max: int, t_initial=(1.0, 1.0),
                     dt_noise: float = 0.0, phi_noise: float = 0.0, n_runs: int = 1,
                     seed=None, omega: float = 1.0, every: int = 1,
                     truncation_tolerance: float = 1e-6, method: str = "auto") -> dict:
    r"""Temperatures of both cascade cavities after each collision, over an ensemble of runs.

    Cavities start in Gibbs states at ``t_initial``; each collision ``k`` of run ``r`` uses
    :math:`\Delta t_{rk} \sim \mathcal N(\Delta t, \sigma_{\Delta t}^2)` and
    :math:`\phi_{rk} \sim \mathcal N(\phi, \sigma_\phi^2)` drawn from generators spawned from
    ``seed``. The map is even in :math:`\theta` (:math:`\theta\to-\theta` flips the sign of
    whole Kraus operators), so a negative draw of :math:`\Delta t` acts as :math:`|\Delta t|`.
    Temperatures are the Bose inversion of :math:`\langle n_i\rangle`
    (:func:`qfridge.core.thermal.effective_temperature`).

    ``method``: ``"sectors"`` (needs a fixed ``dt``: the map is
    :math:`\alpha^2M_e + (\gamma_{\beta,k}/2)M_+ + p_{-,k}`, two sparse products per step
    for all runs at once, :func:`cascade_sector_maps`), ``"blocks"`` (:class:`CascadeBlocks`,
    any per-step :math:`\theta_k`), ``"auto"`` (sectors when ``dt_noise == 0``).

    Returns a dict with ``step`` (recorded collision numbers), ``n1``, ``n2`` (runs × steps),
    ``T1``, ``T2``, and the drawn ``dt``, ``phi`` (runs × n_steps).
    """
    from ..core.thermal import effective_temperature

    checks.one_of("method", method, ("auto", "sectors", "blocks"))
    n_steps = checks.integer_at_least("n_steps", n_steps, 0)
    n_runs = checks.integer_at_least("n_runs", n_runs, 1)
    n_max = checks.integer_at_least("n_max", n_max, 1)
    checks.non_negative("dt", dt)
    checks.non_negative("dt_noise", dt_noise)
    checks.non_negative("phi_noise", phi_noise)
    gens = spawn_generators(seed, n_runs)
    dts = np.array([Normal(dt, dt_noise).sample(g, n_steps) for g in gens]).reshape(
        n_runs, n_steps)
    phis = np.array([Normal(phi, phi_noise).sample(g, n_steps) for g in gens]).reshape(
        n_runs, n_steps)
    if dt_noise == 0:
        _check_trapping(dt, n_max)
        _check_near_trapping(alpha, phi, dt, t_initial, omega)
    p0 = [np.tile(gibbs_populations(t, n_max, omega), (n_runs, 1)) for t in t_initial]
    if phi_noise == 0 and dt_noise == 0:
        steady_temperature(alpha, phi, omega)  # raises outside the domain of Eq. 16
    recorded = list(range(0, n_steps + 1, every))
    if recorded[-1] != n_steps:
        recorded.append(n_steps)
    n1 = np.empty((n_runs, len(recorded)))
    n2 = np.empty_like(n1)
    top = 0.0
    j = 0
    if method == "sectors" and dt_noise > 0:
        raise ValueError("method='sectors' needs a fixed collision time (dt_noise = 0), got "
                         f"dt_noise = {dt_noise}")
    if method == "blocks" or (method == "auto" and dt_noise > 0):
        state = CascadeBlocks(*p0)
        for k in range(n_steps + 1):
            if k:
                state.step(alpha, phis[:, k - 1], np.abs(dts[:, k - 1]))
            if k == recorded[j]:
                n1[:, j], n2[:, j] = state.photon_numbers()
                m1, m2 = state.marginals()
                top = max(top, float(m1[:, -1].max()), float(m2[:, -1].max()))
                j += 1
    else:
        m_e, m_p, a2 = cascade_sector_maps(alpha, dt, n_max)
        d = n_max + 1
        rows, cols = m_e.rows, m_e.cols
        on_diag = rows == cols
        k1, k2 = rows // d, rows % d
        vec = np.where(on_diag[:, None], p0[0][:, k1].T * p0[1][:, k2].T, 0.0)
        w = np.array([np.where(on_diag, k1, 0), np.where(on_diag, k2, 0),
                      on_diag & (k1 == n_max), on_diag & (k2 == n_max)], dtype=float)
        w = scipy.sparse.csr_matrix(w)  # nonzero on the populations only
        gb_half = gamma_beta(alpha, phis) / 2  # (runs, n_steps)
        p_dark = 1 - a2 - gb_half
        # one stacked product per step: [a2 M_e; M_+] @ vec (the weight gamma_beta,k / 2
        # is a per-run scalar, so it multiplies the column after the product)
        stacked = scipy.sparse.vstack([a2 * m_e.matrix, m_p.matrix], format="csr")
        size = m_e.size
        for k in range(n_steps + 1):
            if k:
                both = stacked @ vec
                vec *= p_dark[:, k - 1]
                vec += both[:size]
                lower = both[size:]
                lower *= gb_half[:, k - 1]
                vec += lower
            if k == recorded[j]:
                obs = w @ vec
                n1[:, j], n2[:, j] = obs[0], obs[1]
                top = max(top, float(obs[2:].max()))
                j += 1
    check_fock_truncation(top, tolerance=truncation_tolerance)
    return {"step": np.array(recorded), "n1": n1, "n2": n2,
            "T1": effective_temperature(np.clip(n1, 0, None), omega),
            "T2": effective_temperature(np.clip(n2, 0, None), omega),
            "dt": dts, "phi": phis, "top_population": top}


def cascade_sector_maps(alpha, theta, n_max: int) -> tuple[SectorMap, SectorMap, float]:
    r"""Cascade map split by the ancilla's initial component, on the :math:`N`-diagonal blocks.

    Returns ``(M_e, M_plus, alpha2)`` with the map
    :math:`\Phi = \alpha^2 M_e + (\gamma_\beta/2) M_+ + (1-\alpha^2-\gamma_\beta/2)\,\mathbb 1`
    (Eq. 24 grouped by :math:`|e\rangle`, :math:`|g_+\rangle`, :math:`|g_-\rangle`), so that a
    random :math:`\phi_k` only changes the weights.
    """
    c, cp, s = photon_operators(theta, n_max)
    sd = s.dag()
    t = qutip.tensor
    from_e = [t(c, c) - 2 * t(s, sd), np.sqrt(2) * (t(s, cp) + t(c, s))]
    from_plus = [np.sqrt(2) * (t(sd, c) + t(cp, sd)), t(cp, cp) - 2 * t(sd, s)]
    d = n_max + 1
    charges = (np.arange(d)[:, None] + np.arange(d)[None, :]).ravel()
    return SectorMap(from_e, charges), SectorMap(from_plus, charges), float(alpha)**2


def cascade_sector_operator(alpha, phi, theta, n_max: int):
    """The full cascade map (Eq. 24) as one sparse matrix on the :math:`N`-diagonal blocks."""
    m_e, m_p, a2 = cascade_sector_maps(alpha, theta, n_max)
    gb = float(gamma_beta(alpha, phi))
    import scipy.sparse as sp
    return m_e, combine_sectors([m_e, m_p], [a2, gb / 2]) + (1 - a2 - gb / 2) * sp.identity(
        m_e.size, format="csr")


# ------------------------------------------------------------------------------------
# The model
# ------------------------------------------------------------------------------------


@register_model
@dataclass(frozen=True)
class PhaseoniumCavity(Model):
    r"""A cavity mode (or a cascade of two) driven by a beam of phaseonium atoms (seed 001).

    Parameters (natural units: energies in :math:`\hbar\omega`, times in :math:`1/\Omega`,
    temperatures in :math:`\hbar\omega/k_B`):

    * ``alpha`` — excited-state amplitude :math:`\alpha` (population :math:`\alpha^2`), in [0, 1]
    * ``phi`` — ground-state coherence phase :math:`\phi` (rad)
    * ``dt`` — collision time :math:`\Delta t` in units of :math:`1/\Omega`
      (so :math:`\theta = \Omega\Delta t` = ``dt``)
    * ``omega`` — cavity quantum :math:`\hbar\omega` (sets the temperature unit), default 1
    * ``n_max`` — Fock truncation per cavity

    Hamiltonian, Kraus map and fixed point: see the module docstring (Eqs. 5, 8–12, 16).
    """

    alpha: float = parameter("dimensionless", 0.25, "excited-state amplitude (population alpha^2)")
    phi: float = parameter("dimensionless", 1.585589386, "ground-state coherence phase, rad")
    dt: float = parameter("dimensionless", 0.2, "collision time in units of 1/Omega (= theta)")
    omega: float = parameter("energy", 1.0, "cavity quantum hbar*omega (temperature unit)")
    n_max: int = parameter("integer", 30, "Fock truncation per cavity (photons)")

    QUANTITIES: ClassVar[dict[str, str]] = {
        "T_phi": "temperature", "gamma_ratio": "gamma_ratio",
        "T_thermal_ancilla": "thermal_ancilla_temperature",
    }
    QUANTITY_UNITS: ClassVar[dict[str, tuple[str, str]]] = {
        "T_phi": ("energy unit of omega (k_B = 1)", "steady temperature T_phi (Eq. 16)"),
        "gamma_ratio": ("1", "gamma_alpha / gamma_beta"),
        "T_thermal_ancilla": ("energy unit of omega (k_B = 1)",
                              "temperature of the incoherent ancilla (Eq. 18)")}

    def __post_init__(self):
        super().__post_init__()
        checks.in_range("alpha", self.alpha, 0.0, 1.0)
        checks.finite("phi", self.phi)
        checks.non_negative("dt", self.dt)
        checks.positive("omega", self.omega)
        checks.integer_at_least("n_max", self.n_max, 1)

    @property
    def theta(self):
        r""":math:`\theta = \Omega\Delta t`."""
        return self.dt

    def gamma_alpha(self):
        return gamma_alpha(self.alpha)

    def gamma_beta(self):
        return gamma_beta(self.alpha, self.phi)

    def gamma_ratio(self):
        r""":math:`\gamma_\alpha/\gamma_\beta` (< 1 for a steady state)."""
        with np.errstate(divide="ignore"):
            return self.gamma_alpha() / self.gamma_beta()

    def temperature(self):
        """:math:`T_\\phi` of Eq. 16 (raises outside :math:`\\gamma_\\alpha/\\gamma_\\beta<1`)."""
        return steady_temperature(self.alpha, self.phi, self.omega)

    def thermal_ancilla_temperature(self):
        """Temperature of the incoherent ancilla of Eq. 4 (Eq. 18)."""
        return thermal_ancilla_temperature(self.alpha, self.omega)

    def ancilla_state(self) -> qutip.Qobj:
        return phaseonium_state(self.alpha, self.phi)

    def unitary(self) -> qutip.Qobj:
        return unitary(self.theta, self.n_max)

    def kraus(self) -> list[qutip.Qobj]:
        _check_trapping(self.theta, self.n_max)
        _check_near_trapping(self.alpha, self.phi, self.theta, (), self.omega)
        return kraus_operators(self.alpha, self.phi, self.theta, self.n_max)

    def collision_map(self) -> KrausMap:
        """Single-cavity map (Eq. 11–12)."""
        return KrausMap(self.kraus())

    def cascade_map(self) -> KrausMap:
        """Two-cavity cascade map (Eq. 22–24)."""
        _check_trapping(self.theta, self.n_max)
        _check_near_trapping(self.alpha, self.phi, self.theta, (), self.omega)
        return KrausMap(cascade_kraus_operators(self.alpha, self.phi, self.theta, self.n_max))

    def steady_state(self) -> qutip.Qobj:
        """The Gibbs fixed point at :math:`T_\\phi` (Eq. 17), truncated at ``n_max``."""
        p = gibbs_populations(self.temperature(), self.n_max, self.omega)
        check_fock_truncation(p[-1])
        return qutip.Qobj(np.diag(p))

    def ancilla_after_collision(self, cavity: qutip.Qobj | None = None) -> qutip.Qobj:
        r"""Ancilla state after one collision with ``cavity`` (default: the Gibbs steady
        state), by partial trace of the exact unitary (Eq. 20)."""
        rho = self.steady_state() if cavity is None else cavity
        u = self.unitary()
        joint = u * qutip.tensor(rho, self.ancilla_state()) * u.dag()
        return joint.ptrace(1)

    def ancilla_after_collision_eq20(self, cavity: qutip.Qobj | None = None) -> qutip.Qobj:
        r"""Eq. 20–21: populations unchanged, coherence
        :math:`\beta^2\Gamma/2` with :math:`\Gamma = \cos\phi - i\sin\phi\,\mathrm{Tr}[C'\rho^*]`
        (placed above the diagonal, see the module docstring)."""
        rho = self.steady_state() if cavity is None else cavity
        _, cp, _ = photon_operators(self.theta, self.n_max)
        gam = np.cos(self.phi) - 1j * np.sin(self.phi) * qutip.expect(cp, rho)
        b2 = 1 - self.alpha**2
        return qutip.Qobj(np.array([[self.alpha**2, 0, 0], [0, b2 / 2, b2 / 2 * gam],
                                    [0, b2 / 2 * np.conj(gam), b2 / 2]]))

    def decohered_temperature(self, epsilon):
        """:math:`T_2^*` of App. D (Eq. D4)."""
        return decohered_temperature(self.alpha, self.phi, epsilon, self.omega)
