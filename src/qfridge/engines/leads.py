r"""Pauli rates of a system coupled to a cooled lead (anti-thermalization, seed 002).

A system :math:`H_S` is coupled weakly, :math:`\epsilon H_{SL}`, to a *lead* that a
Markovian bath keeps in its ground state (a qubit lead may also be kept thermal) at the
rate :math:`\gamma`. To second order in :math:`\epsilon` the populations of the system's
eigenstates :math:`H_S|E_i\rangle = E_i|E_i\rangle` obey a Pauli rate equation whose
rates come from the first-order admixture of lead excitations into the dressed states
(paper Eqs. 1–2, A3, A6–A9): a jump of the lead's bath from the dressed state
:math:`|g, E_i\rangle_\epsilon` lands in :math:`|g, E_j\rangle_\epsilon`,

.. math::
    \Gamma_{i\to j} = \gamma\sum_{\kappa} \frac{\epsilon^2\,
        |\langle \kappa, E_j|H_{SL}|g, E_i\rangle|^2}{(E_i - E_j - \omega_\kappa)^2 + \eta^2},

summed over the lead excitations :math:`\kappa` of energy :math:`\omega_\kappa > 0`.
:math:`\eta = 0` is the paper's leading order; ``broadening`` :math:`\eta > 0` gives each
denominator the Lorentzian width of the decaying lead excitation (below).

**Qubit lead** (:class:`QubitLead`; Eq. 2, A3–A5). :math:`H_L = -\Delta_L\sigma^z/2` with
Pauli :math:`\sigma^z` (ground state :math:`\uparrow`, gap :math:`\Delta_L`),
:math:`H_{SL} = \sigma^+ A + \sigma^- A^\dagger` with :math:`A = S^- + \nu S^+`
(:math:`S^-` = ``lowering``; :math:`\nu = 0` is the :math:`U(1)` coupling of A3/A4, A5
otherwise), jump operators :math:`\sqrt{\gamma_-}\sigma^+` (cooling) and
:math:`\sqrt{\gamma_+}\sigma^-` with :math:`\gamma_+/\gamma_- = e^{-\beta_L\Delta_L}`,
:math:`\gamma_- + \gamma_+ = \gamma`. Summing A3 over the lead populations
:math:`P_\uparrow + P_\downarrow = 1` gives

.. math::
    \Gamma_{i\to j} = \epsilon^2\left[\frac{\gamma_-|\langle E_j|A^\dagger|E_i\rangle|^2}
        {(E_i - E_j - \Delta_L)^2 + \eta^2}
      + \frac{\gamma_+|\langle E_j|A|E_i\rangle|^2}{(E_i - E_j + \Delta_L)^2 + \eta^2}\right].

**Free-fermion lead** (:class:`FermionLead`; Eqs. 4, A6–A12). A chain of :math:`l` sites
(or infinite) with modes :math:`\chi_k = [2/(l+1)]^{1/2}\sum_n \sin(kn)\,c_n`,
:math:`k = q\pi/(l+1)`, dispersion :math:`\varepsilon_L(k)` (:class:`Dispersion`),
coupled at site 1 by :math:`H_{SL} = c_1 S^- + c_1^\dagger S^+` and cooled to its ground
state: modes with :math:`\varepsilon_L(k) < \mu_L` filled (their hole excitations go with
:math:`S^-`, A8), the others empty (particle excitations, with :math:`S^+`). With
:math:`p = \pm` for :math:`S^\pm`,

.. math::
    \Gamma_{i\to j} = \gamma\epsilon^2\sum_{p=\pm}|\langle E_j|S^p|E_i\rangle|^2
        F_p(E_i - E_j), \qquad
    F_p(\omega) = \frac{2}{\pi}\int_{p(\varepsilon_L(k) - \mu_L) > 0}
        \frac{dk\,\sin^2 k}{(\omega - |\varepsilon_L(k) - \mu_L|)^2 + \eta^2}

for an infinite lead (A10); a finite lead replaces :math:`(2/\pi)\int dk` by
:math:`\sum_q 2/(l+1)` (A9). For nearest-neighbour hopping, :math:`\eta = 0`, infinite
:math:`l`: :math:`F_p(\omega) = I(x_p, \theta_p)/(2\pi J_L^2)` with
:math:`x_p = (\omega + p\mu_L)/(2J_L)`, :math:`\theta_p = \arccos(p\mu_L/2J_L)` (A11) and
:math:`I` of :func:`tight_binding_integral` (A12). Outside the band the arccos argument
is clipped: below it every mode is empty (:math:`\theta_- = 0`), above it every mode is
filled (:math:`\theta_+ = 0`).

**Broadening.** The lead excitation decays at :math:`\gamma` (qubit: :math:`\gamma_- +
\gamma_+ = \gamma`; fermion: every mode), so the coherence between
:math:`|g,E_i\rangle` and :math:`|\kappa,E_j\rangle` decays at :math:`\gamma/2`:
``broadening = gamma / 2`` is the Lorentzian half-width that reproduces exact Lindblad
dynamics near resonances and (near-)degeneracies (erratum for 002, docs/seed002.md; measured in
``tests/test_leads.py``). With ``broadening = 0`` a transition whose energy lies in the
lead's excitation spectrum has an infinite rate: it is kept as ``inf`` and
:meth:`LeadRates.populations` refuses it, naming the transition.

**Premises** (checked, :class:`~qfridge.core.validity.PremiseWarning`):

* *The lead stays in its ground (thermal) state*: the dressed states admix at most a
  small weight :math:`P_i = \sum_j\Gamma_{i\to j}/\gamma` of lead excitations. The paper
  phrases this as :math:`\epsilon \ll \gamma`; what the leading-order result needs is
  :math:`P_i \ll 1` — at fixed :math:`\epsilon/|E_i - E_j \mp \Delta_L|` the error against
  exact Lindblad does not change with :math:`\epsilon/\gamma` between 0.1 and 100
  (measured; ``tests/test_leads.py`` checks 0.1 and 10), so a check on
  :math:`\epsilon/\gamma` alone would raise false alarms. Near a resonance, with
  ``broadening`` :math:`\gamma/2`, :math:`P_i \le 4\epsilon^2|M|^2/\gamma^2`: there the
  check is the paper's :math:`\epsilon \ll \gamma`. Warned when :math:`\max_i P_i >`
  :data:`ADMIXTURE_LIMIT`.
* *The lead's width is small* (:math:`\gamma \ll` the detuning of every allowed
  transition from the lead's excitation spectrum), checked when ``broadening == 0``.

**Readings of the paper** (errata for 002 where marked; docs/seed002.md):

* the qubit lead's gap is :math:`\Delta_L` (:math:`H_L = -\Delta_L\sigma^z/2`; A1's
  :math:`-\Delta_L\sigma^z`, a gap :math:`2\Delta_L`, fails A2 — erratum); Eq. 2's
  second expression is the rate (its first has a typo in the bra — erratum);
* A1 gives only :math:`\gamma_+/\gamma_-`; here :math:`\gamma_- + \gamma_+ = \gamma`,
  the lead's relaxation rate at every temperature, which is the main text's
  :math:`\sqrt\gamma\sigma^+` at :math:`\beta_L = \infty`; :math:`\nu` may be complex
  (:math:`H_{SL} = \sigma^+ S^- + \nu\sigma^+S^+ + \mathrm{h.c.}`);
* a mode exactly at :math:`\varepsilon_L(k) = \mu_L` counts as empty (the main text's
  "otherwise" for :math:`L_k = \sqrt\gamma\chi_k`);
* :math:`|\alpha_1(k)|^2 = \sin^2 k` for every hopping range (App. C changes only the
  dispersion);
* for range :math:`r \ge 2` the dispersion of App. C is *not* monotonic
  (:class:`Dispersion`); the filled set :math:`\{k: \varepsilon_L(k) < \mu_L\}` may then
  have several Fermi points and is integrated as such. The paper's statement survives:
  longer-range hopping fills fewer modes at a given :math:`\mu_L` and extends the
  heating region (``tests/test_leads.py``).

Conventions: :math:`\hbar = k_B = 1`; every energy (``hamiltonian``, gap, hopping,
chemical potential, ``broadening``) and rate (``gamma``, the result) in one common unit.
``rates[j, i]`` is the rate of :math:`i \to j` (the convention of
:mod:`qfridge.engines.rates`).

Written by hand: no library computes perturbative lead-induced rates. QuTiP's
``steadystate``/``mesolve`` on system + lead are the exact reference the tests compare
against; diagonalisation is LAPACK's, the steady state uses :mod:`qfridge.engines.rates`
and :mod:`qfridge.engines.steady`. The closed forms of A11/A12 (and their analytic
continuation to complex argument for the broadened rates) and a double-exponential
quadrature for longer-range leads are written here.
"""

from __future__ import annotations

import contextlib
import functools
import time
from dataclasses import dataclass

import numpy as np
import qutip
import scipy.linalg as sla
import scipy.optimize
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import scipy.special
from scipy.sparse.csgraph import breadth_first_order

from ..core import checks
from ..core.threads import blas_threads
from ..core.validity import check_premise
from . import rates as _rates
from .blocks import ChargeBlocks, as_charges, check_charge, csr, detect_charge
from .lindblad import check_hamiltonian, check_operator
from .steady import Method, SolverOptions, SteadyStateError, null_vector

__all__ = [
    "ADMIXTURE_LIMIT", "Dispersion", "FermionLead", "QubitLead", "LeadRates", "lead_rates",
    "tight_binding_integral", "zeno_rates", "zeno_relaxation_time", "spin_beta_fermion_lead",
    "spin_beta_qubit_lead",
]

#: Largest lead-excitation admixture :math:`\max_i\sum_j\Gamma_{i\to j}/\gamma` accepted
#: without a warning: the admixture is :math:`(\epsilon|M|/|\Delta|)^2`, so 0.01 is the
#: usual reading of :math:`\ll` (factor 0.1) for the mixing amplitude. Measured against
#: exact Lindblad (spin 3/2, qubit lead, nu = 0.05-0.5, beta_L = 0.7 or inf): the largest
#: relative population error was 2-40 times the admixture, i.e. 2-40 % at this limit.
ADMIXTURE_LIMIT = 1e-2

#: Charge blocks up to this size are diagonalised with one BLAS thread (small dense
#: kernels, the policy of :mod:`qfridge.core.threads`); larger ones use the caller's setting.
SMALL_BLOCK = 1024

#: Above this many levels, populations and relaxation times use the sparse (or dense
#: LAPACK) steady-state layer instead of the batched Pauli solver.
DENSE_LEVELS = 2000


# ---------------------------------------------------------------------------------------
# The integral I(x, theta) of Eq. A12 and its broadened continuation
# ---------------------------------------------------------------------------------------

#: The closed forms are replaced by quadrature where their largest term exceeds the
#: result by this factor (rounding then exceeds ~1e-12 of the result).
_CANCELLATION = 4e3


def tight_binding_integral(x, theta) -> np.ndarray:
    r""":math:`I(x,\theta) = \int_0^\theta dk\,\sin^2 k/(x - \cos k)^2` (Eq. A12).

    Closed form on every branch, from :math:`I = \sin\theta/(\cos\theta - x) - \theta +
    xJ` with :math:`J = \int_0^\theta dk/(x - \cos k)`:

    * :math:`|x| > 1`: :math:`J = \frac{2}{\sqrt{x^2-1}}\arctan\frac{(1+x)\tan(\theta/2)}
      {\sqrt{x^2-1}}` (A12 as printed; valid for :math:`x < -1` too, evaluated with
      ``arctan2`` so that :math:`\theta = \pi` needs no :math:`\tan(\pi/2)`);
    * :math:`-1 < x < \cos\theta` (the pole :math:`\cos k = x` beyond :math:`\theta`):
      :math:`J = -\frac{2}{\sqrt{1-x^2}}\,\mathrm{artanh}\Bigl(\tan\frac{\theta}{2}
      \sqrt{\frac{1+x}{1-x}}\Bigr)`, the analytic continuation;
    * :math:`x = -1`, :math:`\theta < \pi`: :math:`I = 2\tan(\theta/2) - \theta`;
    * :math:`\theta = 0`: 0;
    * :math:`\cos\theta \le x \le 1` (the pole in :math:`[0, \theta]`, :math:`\theta > 0`):
      ``inf`` — the leading-order rate diverges there.

    Where the closed form's terms cancel (the result more than 4000 times smaller than
    its largest term: a pole far from a short interval), quadrature replaces it
    (Gauss–Legendre, checked by a second order; adaptive tanh-sinh if they differ), so
    the result keeps ~1e-12 relative accuracy.

    Parameters
    ----------
    x : array_like
        Real, finite.
    theta : array_like
        In :math:`[0, \pi]`; broadcast against ``x``.

    Returns
    -------
    ndarray
        :math:`I \ge 0` (``inf`` on the pole branch), the broadcast shape.
    """
    xa = np.asarray(checks.finite("x", x), dtype=float)
    ta = np.asarray(checks.in_range("theta", theta, 0.0, np.pi), dtype=float)
    xa, ta = np.broadcast_arrays(xa, ta)
    return _tb_integral(xa.ravel(), ta.ravel()).reshape(xa.shape)[()]


def _tb_integral(x: np.ndarray, th: np.ndarray, c: np.ndarray | None = None) -> np.ndarray:
    """:func:`tight_binding_integral` without input checks; ``c`` = cos(theta) when the
    caller knows it exactly (theta = arccos(c)), so that the pole test is exact."""
    out = np.zeros(x.shape)
    c = np.cos(th) if c is None else c
    pole = (th > 0) & (x >= c) & (x <= 1.0)
    out[pole] = np.inf
    m = (th > 0) & ~pole
    if not np.any(m):
        return out
    xm, tm, cm = x[m], th[m], c[m]
    j = np.empty(xm.shape)
    outer = np.abs(xm) > 1.0
    xo = xm[outer]
    root = np.sqrt((xo - 1.0) * (xo + 1.0))
    slope = np.sign(1.0 + xo) * np.sqrt((xo + 1.0) / (xo - 1.0))
    j[outer] = 2.0 / root * np.arctan2(slope * np.sin(tm[outer] / 2), np.cos(tm[outer] / 2))
    edge = xm == -1.0  # theta < pi here (theta = pi is on the pole branch)
    j[edge] = -np.tan(tm[edge] / 2)
    inner = ~outer & ~edge  # -1 < x < cos(theta)
    xi = xm[inner]
    arg = np.tan(tm[inner] / 2) * np.sqrt((1.0 + xi) / (1.0 - xi))
    j[inner] = -2.0 / np.sqrt((1.0 - xi) * (1.0 + xi)) * np.arctanh(arg)
    first = np.sin(tm) / (cm - xm)
    val = first - tm + xm * j
    scale = np.abs(first) + tm + np.abs(xm * j)
    lost = ~(scale <= _CANCELLATION * np.abs(val))
    if np.any(lost):
        val[lost] = _tb_quadrature(xm[lost], tm[lost], 0.0)
    out[m] = val
    return out


_GL = [np.polynomial.legendre.leggauss(n) for n in (48, 64)]


def _tb_quadrature(x, th, eta) -> np.ndarray:
    r""":math:`\int_0^\theta \sin^2k/((x-\cos k)^2+\eta^2)\,dk` where the closed form's
    terms cancel: there the pole is far from the interval on its scale, so 48- and
    64-point Gauss–Legendre agree (to 1e-13) and the 64-point value is taken; where they
    do not, the nested tanh-sinh rule."""
    shared = th.size > 0 and np.all(th == th[0])
    est = []
    for nodes, weights in _GL:
        if shared:
            k = 0.5 * th[0] * (1.0 + nodes)
            wk = 0.5 * th[0] * weights * np.sin(k) ** 2
            ck = np.cos(k)
            est.append(np.concatenate([(1.0 / ((x[rows, None] - ck) ** 2 + eta**2)) @ wk
                                       for rows in _chunks(np.arange(x.size), k.size)])
                       if x.size else np.zeros(0))
        else:
            k = 0.5 * th[:, None] * (1.0 + nodes)
            f = np.sin(k) ** 2 / ((x[:, None] - np.cos(k)) ** 2 + eta**2)
            est.append(0.5 * th * (f @ weights))
    out = est[1]
    bad = np.flatnonzero(~(np.abs(est[1] - est[0]) <= 1e-13 * np.abs(est[1])))
    if bad.size:
        xb = x[bad]

        def integrand(k, rows):
            return np.sin(k) ** 2 / ((xb[rows, None] - np.cos(k)) ** 2 + eta**2)
        if shared:
            out[bad] = _tanh_sinh(integrand, 0.0, float(th[0]), bad.size)
        else:
            out[bad] = _tanh_sinh(integrand, np.zeros(bad.size), th[bad], bad.size)
    return out


def _tb_integral_broadened(x: np.ndarray, eta: float, th: np.ndarray) -> np.ndarray:
    r""":math:`\int_0^\theta dk\,\sin^2 k/((x - \cos k)^2 + \eta^2)` for :math:`\eta > 0`.

    :math:`= \mathrm{Im}\,K(x - i\eta, \theta)/\eta` with :math:`K(z,\theta) = \int_0^\theta
    \sin^2k/(z - \cos k)\,dk = (1 - z^2)J(z,\theta) + z\theta + \sin\theta` and
    :math:`J(z,\theta) = -\frac{2}{(1+z)a}\mathrm{artanh}\frac{\tan(\theta/2)}{a}`,
    :math:`a^2 = (1-z)/(1+z)`. For non-real :math:`z`, :math:`a` is not real and
    :math:`1 \mp t/a` stays in one half-plane for :math:`t \in [0, \tan(\theta/2)]`, so
    the principal branch is the continuous one (either root :math:`a` gives the same
    :math:`J`); at :math:`\theta = \pi` the artanh tends to
    :math:`\tfrac{i\pi}{2}\mathrm{sign}\,\mathrm{Im}(1/a)`.
    """
    out = np.zeros(x.shape)
    m = th > 0
    if not np.any(m):
        return out
    xm, tm = x[m], th[m]
    z = xm - 1j * eta
    a = np.sqrt((1.0 - z) / (1.0 + z))
    top = tm >= np.pi
    w = np.where(top, 0.0, np.tan(np.where(top, 0.0, tm) / 2)) / a
    art = np.where(top, 0.5j * np.pi * np.sign((1.0 / a).imag), np.arctanh(w))
    j = -2.0 / ((1.0 + z) * a) * art
    t1 = (1.0 - z * z) * j
    val = (t1 + z * tm + np.sin(tm)).imag / eta
    scale = np.abs(t1) / eta + tm  # rounding of the imaginary parts (z*theta: exact)
    lost = ~(scale <= _CANCELLATION * np.abs(val))
    if np.any(lost):
        val[lost] = _tb_quadrature(xm[lost], tm[lost], eta)
    out[m] = val
    return out


# ---------------------------------------------------------------------------------------
# Dispersion and the double-exponential rule for general bands
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dispersion:
    r"""Lead dispersion :math:`\varepsilon_L(k) = A_r - B_r\sum_{m=1}^r \cos(mk)/m` (App. C).

    :math:`A_r, B_r` are fixed by :math:`\varepsilon_L(\pi) = -\varepsilon_L(0) = 2J_L`:
    with :math:`H_r = \sum_{m\le r} 1/m` and :math:`a_r = \sum_{m \le r}(-1)^{m+1}/m`,
    :math:`B_r = 4J_L/(H_r + a_r)`, :math:`A_r = 2J_L(H_r - a_r)/(H_r + a_r)`; ``range = 1``
    gives :math:`-2J_L\cos k` exactly.

    Only ``range = 1`` is monotonic on :math:`[0, \pi]`: :math:`\varepsilon_L'(k) = B_r
    \sum_m \sin(mk) = B_r\sin(rk/2)\sin((r+1)k/2)/\sin(k/2)` changes sign at
    :math:`k = 2\pi n/r` and :math:`2\pi n/(r+1)` inside :math:`(0, \pi)` for every
    :math:`r \ge 2` (:attr:`stationary_points`). For ``range = 2`` the band top is then
    :math:`\varepsilon_L(2\pi/3) = 2.5J_L`, not :math:`\varepsilon_L(\pi) = 2J_L`
    (:attr:`band` gives the true extremes). The rates integrate the filled set
    :math:`\{k: \varepsilon_L(k) < \mu_L\}` as it is, with all its Fermi points.

    Parameters
    ----------
    hopping : float
        :math:`J_L > 0` (energy).
    range : int
        Hopping range :math:`r \ge 1`.
    """

    hopping: float
    range: int = 1

    def __post_init__(self):
        checks.positive("hopping", self.hopping)
        object.__setattr__(self, "hopping", float(self.hopping))
        object.__setattr__(self, "range", checks.integer_at_least("range", self.range, 1))

    @property
    def coefficients(self) -> tuple[float, float]:
        """:math:`(A_r, B_r)`."""
        m = np.arange(1, self.range + 1)
        harmonic = float(np.sum(1.0 / m))
        alternating = float(np.sum((-1.0) ** (m + 1) / m))
        b = 4.0 * self.hopping / (harmonic + alternating)
        a = 2.0 * self.hopping * (harmonic - alternating) / (harmonic + alternating)
        return a, b

    def energy(self, k) -> np.ndarray:
        r""":math:`\varepsilon_L(k)` (vectorised)."""
        k = np.asarray(k, dtype=float)
        if self.range == 1:
            return -2.0 * self.hopping * np.cos(k)
        a, b = self.coefficients
        total = np.zeros(k.shape)
        for m in range(1, self.range + 1):
            total += np.cos(m * k) / m
        return a - b * total

    @functools.cached_property
    def stationary_points(self) -> np.ndarray:
        r"""The :math:`k \in (0, \pi)` where :math:`\varepsilon_L'(k) = 0` (sorted)."""
        r = self.range
        pts = [2 * np.pi * n / r for n in range(1, r) if 2 * n < r]
        pts += [2 * np.pi * n / (r + 1) for n in range(1, r + 1) if 2 * n < r + 1]
        return np.array(sorted(pts))

    @property
    def monotonic(self) -> bool:
        """Whether :math:`\\varepsilon_L` increases monotonically on :math:`[0, \\pi]`."""
        return self.stationary_points.size == 0

    @property
    def band(self) -> tuple[float, float]:
        """(lowest, highest) :math:`\\varepsilon_L`: :math:`(-2J_L, 2J_L)` for ``range``
        1 and 3; ``range`` 2 reaches :math:`2.5J_L` (see the class docstring)."""
        pts = np.r_[self.stationary_points, np.pi]
        return -2.0 * self.hopping, float(max(2.0 * self.hopping, self.energy(pts).max()))

    def fermi_points(self, mu: float) -> np.ndarray:
        r"""The :math:`k \in (0, \pi)` with :math:`\varepsilon_L(k) = \mu` (sorted)."""
        edges = np.r_[0.0, self.stationary_points, np.pi]
        out = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            flo, fhi = float(self.energy(lo)) - mu, float(self.energy(hi)) - mu
            if flo * fhi < 0:
                out.append(scipy.optimize.brentq(lambda k: float(self.energy(k)) - mu, lo, hi,
                                                 xtol=1e-15, rtol=4 * np.finfo(float).eps))
            elif fhi == 0.0 and hi < np.pi:
                out.append(hi)
        return np.array(sorted(out))

    def pieces(self, mu: float) -> list[tuple[float, float, int, float, float]]:
        r"""The :math:`[a, b] \subset [0, \pi]` on which :math:`\varepsilon_L` is monotonic
        and :math:`\varepsilon_L - \mu` keeps its sign :math:`p = \pm 1`, as
        ``(a, b, p, e_a, e_b)`` with the excitation energies :math:`e = |\varepsilon_L -
        \mu|` at the ends (exactly 0 at a Fermi point)."""
        fermi = self.fermi_points(mu)
        cuts = np.unique(np.r_[0.0, self.stationary_points, fermi, np.pi])
        out = []
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            if b > a:
                p = 1 if float(self.energy(0.5 * (a + b))) >= mu else -1
                ea = 0.0 if a in fermi else abs(float(self.energy(a)) - mu)
                eb = 0.0 if b in fermi else abs(float(self.energy(b)) - mu)
                out.append((float(a), float(b), p, ea, eb))
        return out


def _tanh_sinh_levels(h0: float = 1 / 8, levels: int = 5, tmax: float = 3.3):
    """Nested tanh-sinh nodes on (0, 1): level 0 has step h0, level L adds the odd
    multiples of h0/2^L. Each entry: (u, 1 - u, weight without h, h). |t| <= 3.3 reaches
    ~1e-17 of the interval from each end."""
    out = []
    for level in range(levels + 1):
        h = h0 / 2**level
        n = int(np.floor(tmax / h))
        j = np.arange(-n, n + 1)
        if level:
            j = j[j % 2 != 0]
        t = j * h
        s = 0.5 * np.pi * np.sinh(t)
        out.append((1.0 / (1.0 + np.exp(-2.0 * s)), 1.0 / (1.0 + np.exp(2.0 * s)),
                    0.5 * np.pi * np.cosh(t) / (2.0 * np.cosh(s) ** 2), h))
    return out


_TS_LEVELS = _tanh_sinh_levels()
#: Relative change between successive tanh-sinh levels accepted as converged (the
#: error of the finer level is then far below it: the rule converges quadratically).
_TS_TOL = 1e-9


def _chunks(rows: np.ndarray, width: int):
    step = max(1, 2**22 // max(1, width))
    return (rows[i:i + step] for i in range(0, rows.size, step))


def _tanh_sinh(integrand, a, b, n: int) -> np.ndarray:
    r""":math:`\int_a^b f_r(k)\,dk` for rows :math:`r < n` by the nested tanh-sinh rule,
    refined row by row until two levels agree to :data:`_TS_TOL`. ``integrand(k, rows)``
    returns :math:`f_r(k)` with shape (len(rows), nodes); ``k`` is 1-D when ``a`` and
    ``b`` are scalars (shared interval), else (len(rows), nodes)."""
    shared = np.ndim(a) == 0 and np.ndim(b) == 0
    raw, est = np.zeros(n), np.zeros(n)
    active = np.arange(n)
    for level, (u, v, w, h) in enumerate(_TS_LEVELS):
        if shared:
            length = b - a
            k = np.where(u <= 0.5, a + length * u, b - length * v)
            for rows in _chunks(active, k.size):
                raw[rows] += integrand(k, rows) @ (length * w)
        else:
            for rows in _chunks(active, u.size):
                aa, bb = a[rows, None], b[rows, None]
                length = bb - aa
                k = np.where(u <= 0.5, aa + length * u, bb - length * v)
                raw[rows] += np.sum(integrand(k, rows) * (length * w), axis=1)
        new = h * raw[active]
        if level:
            done = np.abs(new - est[active]) <= _TS_TOL * np.abs(new)
            est[active] = new
            active = active[~done]
        else:
            est[active] = new
        if not active.size:
            break
    return est


def _tanh_sinh_band(disp: Dispersion, mu: float, omega: np.ndarray, eta: float, a, b
                    ) -> np.ndarray:
    r""":math:`\int_a^b dk\,\sin^2k/((\omega - |\varepsilon_L(k) - \mu|)^2 + \eta^2)` per
    ``omega`` (``a``, ``b``: scalars, or arrays like ``omega``)."""
    def integrand(k, rows):
        om = omega[rows, None]
        return np.sin(k) ** 2 / ((om - np.abs(disp.energy(k) - mu)) ** 2 + eta**2)
    return _tanh_sinh(integrand, a, b, omega.size)


#: Relative distance from a window end within which a transition counts as resonant
#: (rounding of energies computed along different paths is ~1e-16 relative).
_EDGE_RTOL = 1e-12


def _band_integrals(disp: Dispersion, mu: float, omega: np.ndarray, eta: float,
                    p: int) -> np.ndarray:
    r""":math:`F_p(\omega)` of the module docstring for an infinite lead, by the nested
    tanh-sinh rule on every monotonic piece of the region :math:`p(\varepsilon_L - \mu) >
    0`, split at the resonance :math:`|\varepsilon_L(k) - \mu| = \omega` when
    :math:`\eta > 0` (``inf`` there when :math:`\eta = 0`). Near-singular behaviour then
    sits at piece ends (stationary points, Fermi points, resonances), where the rule's
    nodes cluster double-exponentially."""
    out = np.zeros(omega.shape)
    for a, b, sign, ea, eb in disp.pieces(mu):
        if sign != p:
            continue
        lo, hi = min(ea, eb), max(ea, eb)
        if eta == 0.0:
            # a resonance at a window end (a band edge or stationary point, where the
            # integral still diverges) must not be missed by rounding of the two energies
            tol = _EDGE_RTOL * max(1.0, abs(lo), abs(hi))
            res = (omega >= lo - tol) & (omega <= hi + tol)
            out[res] = np.inf
            rest = np.flatnonzero(~res)
            out[rest] += _tanh_sinh_band(disp, mu, omega[rest], 0.0, a, b)
            continue
        split = (omega > lo) & (omega < hi)
        whole = np.flatnonzero(~split)
        out[whole] += _tanh_sinh_band(disp, mu, omega[whole], eta, a, b)
        rows = np.flatnonzero(split)
        if rows.size:
            kres = _invert_piece(disp, mu, a, b, omega[rows], increasing=eb > ea)
            left, right = np.full(rows.size, a), np.full(rows.size, b)
            out[rows] += _tanh_sinh_band(disp, mu, omega[rows], eta, left, kres)
            out[rows] += _tanh_sinh_band(disp, mu, omega[rows], eta, kres, right)
    return out * (2.0 / np.pi)


def _invert_piece(disp, mu, a, b, target, increasing: bool) -> np.ndarray:
    """The k in [a, b] with |eps(k) - mu| = target on a monotonic piece (bisection)."""
    lo = np.full(target.shape, a)
    hi = np.full(target.shape, b)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        above = np.abs(disp.energy(mid) - mu) > target
        if increasing:
            hi = np.where(above, mid, hi)
            lo = np.where(above, lo, mid)
        else:
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
    return 0.5 * (lo + hi)


# ---------------------------------------------------------------------------------------
# Leads
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FermionLead:
    r"""A free-fermion chain cooled to its ground state (App. A3, Eqs. 4, A6–A12).

    :math:`H_L = \sum_k[\varepsilon_L(k) - \mu_L]\chi_k^\dagger\chi_k` with the
    :class:`Dispersion` of ``range`` :math:`r`, modes
    :math:`\chi_k = [2/(l+1)]^{1/2}\sum_n\sin(kn)c_n`, coupled at site 1 through
    :math:`H_{SL} = c_1 S^- + c_1^\dagger S^+`. Its bath (one Lindblad operator
    :math:`\sqrt\gamma\chi_k^\dagger` per filled mode, :math:`\sqrt\gamma\chi_k` per empty
    mode) keeps it in the ground state: modes with :math:`\varepsilon_L(k) < \mu_L` filled
    (hole excitations, paired with the system's lowering operator :math:`S^-`), the
    others (:math:`\varepsilon_L(k) \ge \mu_L`) empty (particle excitations, paired with
    :math:`S^+`), Eqs. A7–A8. The overlap with site 1 is :math:`|\alpha_1(k)|^2 =
    \sin^2 k` for every range: App. C changes only the dispersion. (For :math:`r \ge 2`
    the eigenmodes of an open chain are not exactly sine modes — the longer hops reflect
    at the ends; the paper keeps :math:`\sin^2 k`, and so does this class.)

    Parameters
    ----------
    hopping : float
        :math:`J_L > 0` (energy): the band is :math:`[-2J_L, 2J_L]` for ``range`` 1.
    chemical_potential : float
        :math:`\mu_L` (energy), any finite value; outside the band every mode is empty
        (below) or filled (above).
    sites : int or None
        :math:`l \ge 1`; ``None``: an infinite lead (A10–A12).
    range : int
        Hopping range :math:`r \ge 1` of the dispersion.
    """

    hopping: float
    chemical_potential: float
    sites: int | None = None
    range: int = 1

    def __post_init__(self):
        checks.positive("hopping", self.hopping)
        checks.finite("chemical_potential", self.chemical_potential)
        if np.iscomplexobj(np.asarray(self.chemical_potential)):
            raise ValueError(f"chemical_potential must be real, got {self.chemical_potential!r}")
        object.__setattr__(self, "hopping", float(self.hopping))
        object.__setattr__(self, "chemical_potential", float(self.chemical_potential))
        if self.sites is not None:
            object.__setattr__(self, "sites", checks.integer_at_least("sites", self.sites, 1))
        object.__setattr__(self, "range", checks.integer_at_least("range", self.range, 1))

    @property
    def dispersion(self) -> Dispersion:
        return Dispersion(self.hopping, self.range)

    def modes(self) -> tuple[np.ndarray, np.ndarray]:
        """Momenta :math:`k_q = q\\pi/(l+1)` and energies of a finite lead."""
        if self.sites is None:
            raise ValueError("an infinite lead (sites=None) has a continuum of modes")
        k = np.arange(1, self.sites + 1) * np.pi / (self.sites + 1)
        return k, self.dispersion.energy(k)

    def windows(self, p: int) -> np.ndarray:
        r"""Excitation energies :math:`|\varepsilon_L(k) - \mu_L|` of channel ``p`` (+1:
        particles, -1: holes) as closed intervals, shape (n, 2); a finite lead's modes
        are points (lo = hi). A transition :math:`i \to j` of that channel is resonant
        when :math:`E_i - E_j` lies in one of them."""
        mu = self.chemical_potential
        if self.sites is not None:
            _, e = self.modes()
            sel = e >= mu if p > 0 else e < mu
            pts = np.sort(np.abs(e[sel] - mu))
            return np.stack([pts, pts], axis=1)
        disp = self.dispersion
        rows = []
        for _, _, sign, ea, eb in disp.pieces(mu):
            if sign == p:
                rows.append((min(ea, eb), max(ea, eb)))
        return np.array(rows, dtype=float).reshape(-1, 2)

    def kernel(self, omega, p: int, broadening: float = 0.0) -> np.ndarray:
        r""":math:`F_p(\omega)` of the module docstring (the rate per :math:`\gamma\epsilon^2
        |\langle E_j|S^p|E_i\rangle|^2` at :math:`\omega = E_i - E_j`); ``inf`` on a
        resonance when ``broadening == 0``."""
        omega = np.asarray(omega, dtype=float)
        flat = omega.ravel()
        mu, j = self.chemical_potential, self.hopping
        if self.sites is not None:
            k, e = self.modes()
            sel = e >= mu if p > 0 else e < mu
            ex = np.abs(e[sel] - mu)
            wq = 2.0 / (self.sites + 1) * np.sin(k[sel]) ** 2
            out = np.zeros(flat.shape)
            if ex.size:
                for chunk in np.array_split(np.arange(flat.size),
                                            max(1, flat.size * ex.size // 2**22 + 1)):
                    with np.errstate(divide="ignore"):
                        out[chunk] = (1.0 / ((flat[chunk, None] - ex[None, :]) ** 2
                                             + broadening**2)) @ wq
            return out.reshape(omega.shape)
        if self.range == 1:
            x = (flat + p * mu) / (2.0 * j)
            c = np.full(flat.shape, np.clip(p * mu / (2.0 * j), -1.0, 1.0))
            th = np.arccos(c)
            if broadening == 0.0:
                val = _tb_integral(x, th, c)
            else:
                val = _tb_integral_broadened(x, broadening / (2.0 * j), th)
            return (val / (2.0 * np.pi * j * j)).reshape(omega.shape)
        uniq, inverse = np.unique(flat, return_inverse=True)
        val = _band_integrals(self.dispersion, mu, uniq, float(broadening), p)
        return val[inverse].reshape(omega.shape)

    def describe(self) -> str:
        """The lead's numbers, for messages."""
        lo, hi = self.dispersion.band
        size = "infinite" if self.sites is None else f"{self.sites}-site"
        return (f"{size} fermion lead with band [{lo:.6g}, {hi:.6g}] (J_L = {self.hopping:.6g}, "
                f"range {self.range}), mu_L = {self.chemical_potential:.6g}: holes cost "
                f"mu_L - eps_L(k) in {_fmt_windows(self.windows(-1))}, particles "
                f"eps_L(k) - mu_L in {_fmt_windows(self.windows(1))}; a lowering transition "
                f"of the system is resonant when it releases a hole energy (for range 1 and "
                f"an infinite lead: the threshold mu_L + 2J_L = "
                f"{self.chemical_potential + 2 * self.hopping:.6g})")


def _fmt_windows(w: np.ndarray) -> str:
    if w.size == 0:
        return "(none)"
    if np.all(w[:, 0] == w[:, 1]):
        return f"{w.shape[0]} levels from {w[0, 0]:.6g} to {w[-1, 0]:.6g}"
    return ", ".join(f"[{lo:.6g}, {hi:.6g}]" for lo, hi in w)


@dataclass(frozen=True)
class QubitLead:
    r"""A single-qubit lead (Eq. 2, App. A1–A2).

    :math:`H_L = -\Delta_L\sigma^z/2` (Pauli :math:`\sigma^z`; ground state
    :math:`\uparrow`, gap :math:`\Delta_L` — an erratum, docs/seed002.md), coupled through
    :math:`H_{SL} = \sigma^+ S^- + \nu\sigma^+ S^+ + \mathrm{h.c.}` (A5; :math:`\nu = 0`
    is the :math:`U(1)` coupling of A3/A4), with jump operators
    :math:`\sqrt{\gamma_-}\sigma^+` (cooling) and :math:`\sqrt{\gamma_+}\sigma^-`,

    .. math:: \gamma_- = \frac{\gamma}{1 + e^{-\beta_L\Delta_L}}, \qquad
              \gamma_+ = \frac{\gamma\,e^{-\beta_L\Delta_L}}{1 + e^{-\beta_L\Delta_L}},

    so :math:`\gamma_+/\gamma_- = e^{-\beta_L\Delta_L}` (A3) and :math:`\gamma_- + \gamma_+
    = \gamma` is the lead's relaxation rate at every temperature; at
    :math:`\beta_L = \infty` the single operator :math:`\sqrt\gamma\sigma^+` of the main
    text.

    Parameters
    ----------
    gap : float
        :math:`\Delta_L > 0` (energy).
    beta : float
        :math:`\beta_L` (1/energy); ``inf``: cooled to the ground state; negative
        values (an inverted lead) and ``-inf`` are allowed.
    nu : float or complex
        :math:`\nu`, the :math:`U(1)`-breaking amplitude.
    """

    gap: float
    beta: float = np.inf
    nu: float = 0.0

    def __post_init__(self):
        checks.positive("gap", self.gap)
        object.__setattr__(self, "gap", float(self.gap))
        b = np.asarray(self.beta)
        if b.ndim or not np.issubdtype(b.dtype, np.number) or np.iscomplexobj(b) or np.isnan(b):
            raise ValueError(f"beta must be a real number (inf allowed), got {self.beta!r}")
        object.__setattr__(self, "beta", float(self.beta))
        checks.finite("nu", self.nu)

    def split(self, gamma: float) -> tuple[float, float]:
        """:math:`(\\gamma_-, \\gamma_+)` for the lead's total rate ``gamma``."""
        x = self.beta * self.gap
        return float(gamma * scipy.special.expit(x)), float(gamma * scipy.special.expit(-x))

    def describe(self) -> str:
        return (f"qubit lead with gap Delta_L = {self.gap:.6g} (resonances at E_i - E_j = "
                f"+Delta_L for the cooling channel, -Delta_L for the heating channel), "
                f"beta_L = {self.beta:.6g}, nu = {self.nu}")


# ---------------------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class LeadRates:
    r"""Pauli rates in the eigenbasis of :math:`H_S` (from :func:`lead_rates`).

    Levels are numbered block after block (charge sectors in ascending order, one block
    without a charge), sorted by energy within each block.

    Attributes
    ----------
    energies : ndarray, shape (d,)
        System eigenenergies.
    rates : scipy.sparse.csr_matrix, shape (d, d)
        ``rates[j, i]`` = :math:`\Gamma_{i\to j}` (the convention of
        :mod:`qfridge.engines.rates`: ``[to, from]``), absolute (the factor
        :math:`\gamma\epsilon^2` included; energy units). ``inf`` marks a resonant
        transition at ``broadening = 0``. Diagonal entries are 0.
    sectors : ndarray of int or None
        Charge of each level (``None`` without a charge).
    vectors : tuple of ndarray
        Eigenvectors of each block, columns in level order, rows over :attr:`basis`.
    basis : tuple of ndarray
        Hilbert-space basis indices of each block.
    dims : list
        QuTiP dims of the Hamiltonian.
    lead : FermionLead or QubitLead
    epsilon, gamma, broadening : float
        The inputs.
    seconds : float
        Wall time of :func:`lead_rates`.
    """

    energies: np.ndarray
    rates: sp.csr_matrix
    sectors: np.ndarray | None
    vectors: tuple
    basis: tuple
    dims: list
    lead: FermionLead | QubitLead
    epsilon: float
    gamma: float
    broadening: float
    seconds: float = 0.0

    @property
    def dimension(self) -> int:
        return int(self.energies.size)

    def divergent(self) -> np.ndarray:
        """The resonant transitions (infinite rates) as rows ``(from, to)``."""
        coo = self.rates.tocoo()
        bad = np.isinf(coo.data)
        return np.stack([coo.col[bad], coo.row[bad]], axis=1)

    def generator(self) -> sp.csr_matrix:
        r""":math:`M = W - \mathrm{diag}(\sum_j W_{ji})` (sparse), :math:`\dot p = Mp`."""
        self._refuse_divergent()
        w = self.rates
        return (w - sp.diags(np.asarray(w.sum(axis=0)).ravel())).tocsr()

    def _refuse_divergent(self) -> None:
        pairs = self.divergent()
        if not pairs.size:
            return
        e = self.energies
        shown = []
        for i, j in pairs[:3]:
            shown.append(f"level {i} (E = {e[i]:.8g}) -> level {j} (E = {e[j]:.8g}), "
                         f"E_i - E_j = {e[i] - e[j]:.8g}")
        raise SteadyStateError(
            f"{len(pairs)} transition rate(s) diverge at leading order (broadening = 0): "
            f"{'; '.join(shown)}. The transition energy lies in the lead's excitation "
            f"spectrum ({self.lead.describe()}). Pass broadening > 0 (gamma/2 = "
            f"{self.gamma / 2:.6g} reproduces exact Lindblad dynamics)",
            {"divergent": pairs, "energies": e}, reason="divergent")

    @functools.cached_property
    def _populations(self) -> np.ndarray:
        self._refuse_divergent()
        d = self.dimension
        if d == 1:
            return np.ones(1)
        if d <= DENSE_LEVELS:
            return _rates.steady_state(self.rates.toarray())
        m = self.generator()
        opts = SolverOptions(method=Method.DENSE) if m.nnz >= 0.05 * d * d else SolverOptions()
        x, _ = null_vector(m, np.ones(d), opts, what="lead-rate steady state")
        x = np.real(x)
        x = np.clip(x, 0.0, None) if np.all(x > -1e-10) else x
        return x / x.sum()

    def populations(self) -> np.ndarray:
        """Steady-state populations of the levels (sum 1).

        Dense batched Pauli solver up to :data:`DENSE_LEVELS` levels, the steady-state
        layer (:func:`~qfridge.engines.steady.null_vector`: sparse LU, or dense LAPACK
        for a dense rate matrix) beyond.

        Raises
        ------
        SteadyStateError
            A divergent rate (reason ``"divergent"``: the transition, its energies and
            the lead's resonance window are named), or no unique steady state (a
            reducible rate matrix, e.g. a sector the coupling never leaves).
        """
        return self._populations.copy()

    def relaxation_time(self) -> float:
        r"""Population relaxation time :math:`1/\min|\mathrm{Re}\,\lambda|` over the nonzero
        eigenvalues :math:`\lambda` of the rate generator.

        For a two-level system :math:`1/(\Gamma_\uparrow + \Gamma_\downarrow)`. (The
        Liouvillian gap of App. B's Zeno limit, :math:`\tau = \gamma/(2\epsilon^2)`, is
        the coherence time, twice this.)

        When the rates obey detailed balance (Kolmogorov's criterion: every transition
        has its reverse and :math:`\prod W_{i\to j}/W_{j\to i} = 1` around every cycle,
        to 1e-8 — always for a ladder of adjacent levels), the generator is similar to
        the symmetric :math:`S_{ij} = \sqrt{W_{ij}W_{ji}}`, :math:`S_{ii} = M_{ii}`,
        whose eigenvalues are well conditioned; otherwise the eigenvalues of the
        generator itself are used (ill-conditioned when it is far from normal). Dense
        up to :data:`DENSE_LEVELS` levels or for a dense generator, shift-invert Lanczos
        / Arnoldi near zero otherwise.
        """
        self.populations()  # refuses divergent and non-unique problems first
        m = self.generator()
        d = self.dimension
        if d == 1:
            return float("inf")
        dense = d <= DENSE_LEVELS or m.nnz >= 0.05 * d * d
        w = self.rates
        wt = w.T.tocsr()
        reversible = _reversible(w, wt)
        scale = float(abs(m.diagonal()).max())
        if reversible:
            sym = w.multiply(wt).sqrt() + sp.diags(m.diagonal())
            if dense:
                lam = sla.eigvalsh(sym.toarray())
            else:
                lam = spla.eigsh(sym.tocsc(), k=min(3, d - 1), sigma=-1e-12 * scale,
                                 which="LM", return_eigenvectors=False)
        elif dense:
            lam = sla.eigvals(m.toarray())
        else:
            lam = spla.eigs(m.tocsc(), k=min(6, d - 2), sigma=-1e-12 * scale,
                            return_eigenvectors=False)
        lam = np.delete(lam, np.argmin(np.abs(lam)))
        return float(1.0 / np.min(np.abs(np.real(lam))))

    def state(self) -> qutip.Qobj:
        r""":math:`\rho = \sum_i p_i|E_i\rangle\langle E_i|` as a Qobj with the Hamiltonian's
        dims (sparse, block-diagonal storage above 64 levels when a charge was used)."""
        p = self.populations()
        d = self.dimension
        if len(self.vectors) == 1:  # one block over the whole space, in basis order
            v = self.vectors[0]
            return qutip.Qobj((v * p) @ v.conj().T, dims=self.dims)
        start, rows, cols, vals = 0, [], [], []
        for idx, v in zip(self.basis, self.vectors, strict=True):
            n = idx.size
            block = (v * p[start:start + n]) @ v.conj().T
            start += n
            r, c = np.meshgrid(idx, idx, indexing="ij")
            rows.append(r.ravel())
            cols.append(c.ravel())
            vals.append(block.ravel())
        mat = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(d, d))
        return qutip.Qobj(mat.toarray() if d <= 64 else mat, dims=self.dims)

    def eigen_populations(self, rho) -> np.ndarray:
        r""":math:`\langle E_i|\rho|E_i\rangle` of any state of the system, in level order —
        e.g. an exact Lindblad steady state, to compare with :meth:`populations`."""
        if not isinstance(rho, qutip.Qobj) or rho.dims != [self.dims[0], self.dims[0]]:
            raise ValueError(f"rho must be a density-matrix Qobj with dims "
                             f"{[self.dims[0], self.dims[0]]}, got "
                             f"{getattr(rho, 'dims', type(rho).__name__)}")
        mat = rho.full()
        return np.concatenate([np.real(np.einsum("ai,ab,bi->i", v.conj(),
                                                 mat[np.ix_(idx, idx)], v))
                               for idx, v in zip(self.basis, self.vectors, strict=True)])

    def expect(self, op) -> float | complex:
        r""":math:`\mathrm{Tr}[O\rho]` in the steady state (real for Hermitian ``op``)."""
        if not isinstance(op, qutip.Qobj) or op.dims != self.dims:
            raise ValueError(f"op must be an operator Qobj with dims {self.dims}, got "
                             f"{getattr(op, 'dims', type(op).__name__)}")
        p = self.populations()
        m = csr(op)
        total, start = 0.0 + 0.0j, 0
        for idx, v in zip(self.basis, self.vectors, strict=True):
            n = idx.size
            sub = m[idx][:, idx]
            diag = np.sum(v.conj() * (sub @ v), axis=0)
            total += diag @ p[start:start + n]
            start += n
        if abs(total.imag) <= 1e-12 * max(1.0, abs(total.real)):
            return float(total.real)
        return complex(total)


def _reversible(w: sp.csr_matrix, wt: sp.csr_matrix, tol: float = 1e-8) -> bool:
    r"""Whether the rates ``w[j, i]`` (i -> j) obey detailed balance, without using the
    populations (tiny ones lose their relative precision): potentials
    :math:`\phi_j - \phi_i = \log(W_{ji}/W_{ij})` along a spanning tree of each
    connected component must fit every other edge (Kolmogorov's criterion)."""
    if (w.astype(bool) != wt.astype(bool)).nnz:
        return False  # a transition without its reverse
    upper = sp.triu(w, k=1).tocoo()
    if not upper.nnz:
        return True
    forward = np.asarray(wt[upper.row, upper.col]).ravel()  # W[col, row]: row -> col
    ratio = np.log(forward) - np.log(upper.data)  # phi_col - phi_row
    steps = sp.csr_matrix((np.r_[ratio, -ratio], (np.r_[upper.row, upper.col],
                                                  np.r_[upper.col, upper.row])), shape=w.shape)
    phi = np.full(w.shape[0], np.nan)
    for root in range(w.shape[0]):
        if not np.isnan(phi[root]):
            continue
        order, pred = breadth_first_order(steps, root, directed=False,
                                          return_predecessors=True)
        kids = order[1:]
        parents = pred[kids]
        step = np.asarray(steps[parents, kids]).ravel()
        phi[root] = 0.0
        for node, parent, x in zip(kids.tolist(), parents.tolist(), step.tolist(),
                                   strict=True):
            phi[node] = phi[parent] + x
    misfit = np.abs(phi[upper.col] - phi[upper.row] - ratio)
    return bool(np.all(misfit <= tol * (1.0 + np.abs(ratio))))


def _charges(hamiltonian: qutip.Qobj, charge) -> np.ndarray | None:
    if charge is None:
        return None
    if isinstance(charge, str):
        if charge != "auto":
            raise ValueError(f"charge must be None, 'auto' or an integer array, got {charge!r}")
        return detect_charge(hamiltonian, [])
    q = as_charges(charge)
    if q.size != hamiltonian.shape[0]:
        raise ValueError(f"charge has {q.size} entries but the hamiltonian has "
                         f"{hamiltonian.shape[0]} levels")
    check_charge(hamiltonian, [], q)
    return q


def lead_rates(hamiltonian, lowering, lead, epsilon, gamma, *, broadening=0.0,
               charge=None) -> LeadRates:
    r"""Leading-order Pauli rates of a system coupled to a cooled lead.

    Parameters
    ----------
    hamiltonian : qutip.Qobj
        :math:`H_S` (Hermitian; energy).
    lowering : qutip.Qobj
        The system operator :math:`S^-` of :math:`H_{SL}` (its adjoint is :math:`S^+`):
        a spin lowering operator, a photon annihilation operator, a site operator of a
        chain — any operator with the Hamiltonian's dims.
    lead : FermionLead or QubitLead
    epsilon : float
        :math:`\epsilon \ge 0` (energy), the system–lead coupling.
    gamma : float
        :math:`\gamma > 0` (energy = rate), the lead's cooling rate.
    broadening : float
        :math:`\eta \ge 0` (energy): :math:`1/\Delta^2 \to 1/(\Delta^2 + \eta^2)` in every
        energy denominator. 0 is the paper's leading order; ``gamma / 2`` is the width
        of the decaying lead excitation and reproduces exact Lindblad dynamics near
        resonances.
    charge : None, "auto" or array of int
        A charge conserved by :math:`H_S` (one integer per basis state, or a diagonal
        Qobj): :math:`H_S` is then diagonalised per sector and the matrix elements of
        the coupling computed only between connected sectors. ``"auto"`` detects the
        excitation number of the tensor-product basis (total :math:`S^z`, photon
        number) with :func:`~qfridge.engines.blocks.detect_charge`.

    Returns
    -------
    LeadRates

    Warns
    -----
    PremiseWarning
        When the lead's excitation admixture :math:`\max_i\sum_j\Gamma_{i\to j}/\gamma`
        exceeds :data:`ADMIXTURE_LIMIT` (the lead does not stay in its ground state),
        and, with ``broadening == 0``, when an allowed transition lies within
        :math:`\gamma` of the lead's excitation spectrum (:math:`\gamma` is not small
        compared with that detuning).
    """
    start = time.perf_counter()
    h = check_hamiltonian(hamiltonian)
    low = check_operator("lowering", lowering, h)
    if not isinstance(lead, FermionLead | QubitLead):
        raise ValueError(f"lead must be a FermionLead or a QubitLead, got {lead!r}")
    eps = float(checks.non_negative("epsilon", epsilon))
    gam = float(checks.positive("gamma", gamma))
    eta = float(checks.non_negative("broadening", broadening))
    q = _charges(h, charge)
    d = h.shape[0]
    blocks = ChargeBlocks.from_charges(np.zeros(d, dtype=np.int64) if q is None else q)

    # diagonalise H_S block by block (small blocks: one BLAS thread, core.threads policy)
    hp = blocks.permuted(h)
    real = not np.any(hp.data.imag) if np.iscomplexobj(hp.data) else True
    small = max(blocks.block_dimensions) <= SMALL_BLOCK
    with blas_threads(1) if small else contextlib.nullcontext():
        energies, vectors = [], []
        for sl in blocks.slices:
            sub = hp[sl, sl].toarray()
            e, v = np.linalg.eigh(sub.real if real else sub)
            energies.append(e)
            vectors.append(v)
    energy = np.concatenate(energies)

    # channels: (system operator, kernel(omega) -> rate per |matrix element|^2, windows)
    lp = blocks.permuted(low)
    channels = []
    if isinstance(lead, QubitLead):
        g_minus, g_plus = lead.split(gam)
        nu = lead.nu
        a_op = lp + nu * lp.conj().T if nu != 0 else lp
        a_op = sp.csr_matrix(a_op)
        if g_minus > 0:
            channels.append((a_op.conj().T.tocsr(), _lorentz(eps**2 * g_minus, lead.gap, eta),
                             np.array([[lead.gap, lead.gap]]), "cooling (gamma_-, A^dagger)"))
        if g_plus > 0:
            channels.append((a_op, _lorentz(eps**2 * g_plus, -lead.gap, eta),
                             np.array([[-lead.gap, -lead.gap]]), "heating (gamma_+, A)"))
    else:
        for p, op, name in ((1, lp.conj().T.tocsr(), "particle (S^+)"), (-1, lp, "hole (S^-)")):
            win = lead.windows(p)
            if win.size:
                channels.append((op, _fermion_kernel(lead, p, eta, gam * eps**2), win, name))

    rows, cols, vals = [], [], []
    min_detuning = (np.inf, None)
    for op, kern, win, name in channels:
        with blas_threads(1) if small else contextlib.nullcontext():
            entries = _transitions(op, blocks, energies, vectors)
        if entries is None:
            continue
        r, c, w, omega = entries
        rows.append(r)
        cols.append(c)
        vals.append(w * kern(omega))
        det = _distance(omega, win)
        at = int(np.argmin(det))
        if det[at] < min_detuning[0]:
            min_detuning = (float(det[at]), (int(c[at]), int(r[at]), float(omega[at]), name))
    if rows:
        w_all = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                      np.concatenate(cols))), shape=(d, d))
    else:
        w_all = sp.csr_matrix((d, d))
    w_all.eliminate_zeros()
    result = LeadRates(
        energies=energy, rates=w_all,
        sectors=None if q is None else np.repeat(blocks.values, blocks.block_dimensions),
        vectors=tuple(vectors), basis=tuple(blocks.indices), dims=h.dims, lead=lead,
        epsilon=eps, gamma=gam, broadening=eta, seconds=time.perf_counter() - start)
    _check_premises(result, min_detuning)
    return result


def _transitions(op: sp.csr_matrix, blocks: ChargeBlocks, energies: list, vectors: list):
    r"""Every level pair :math:`i \to j` that ``op`` (in the charge-ordered basis)
    connects with a non-negligible weight: ``(j, i, |<E_j|op|E_i>|^2, E_i - E_j)``, or
    ``None``. Only the block pairs that ``op`` connects are computed (block-sparse with
    a charge), each as :math:`V_t^\dagger\,op_{tb}\,V_b`."""
    d = blocks.dimension
    starts = np.r_[0, np.cumsum(blocks.block_dimensions)]
    block_of = np.repeat(np.arange(len(blocks.slices)), blocks.block_dimensions)
    local = np.arange(d) - starts[block_of]
    coo = op.tocoo()
    nz = coo.data != 0
    r_all, c_all, v_all = coo.row[nz], coo.col[nz], coo.data[nz]
    if not v_all.size:
        return None
    # amplitudes below 1e-10 of the largest column norm are rounding, not transitions
    col_norm = np.sqrt(np.bincount(c_all, np.abs(v_all) ** 2, minlength=d).max())
    tol = (1e-10 * col_norm) ** 2
    src, tgt = block_of[c_all], block_of[r_all]
    order = np.lexsort((tgt, src))
    key = src[order] * len(blocks.slices) + tgt[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(key)) + 1, key.size]
    out_r, out_c, out_w, out_om = [], [], [], []
    for g0, g1 in zip(bounds[:-1], bounds[1:], strict=True):
        sel = order[g0:g1]
        b, t = int(src[sel[0]]), int(tgt[sel[0]])
        sub = sp.csr_matrix((v_all[sel], (local[r_all[sel]], local[c_all[sel]])),
                            shape=(vectors[t].shape[0], vectors[b].shape[0]))
        amp = vectors[t].conj().T @ (sub @ vectors[b])
        w = amp.real**2 + amp.imag**2 if np.iscomplexobj(amp) else amp**2
        if t == b:
            np.fill_diagonal(w, 0.0)
        keep = np.flatnonzero(w > tol)
        if not keep.size:
            continue
        jj, ii = np.divmod(keep, w.shape[1])
        out_r.append(starts[t] + jj)
        out_c.append(starts[b] + ii)
        out_w.append(w.ravel()[keep])
        out_om.append(energies[b][ii] - energies[t][jj])  # E_i - E_j
    if not out_w:
        return None
    return tuple(np.concatenate(x) for x in (out_r, out_c, out_w, out_om))


def _lorentz(scale: float, centre: float, eta: float):
    def kern(omega):
        with np.errstate(divide="ignore"):
            return scale / ((omega - centre) ** 2 + eta**2)
    return kern


def _fermion_kernel(lead: FermionLead, p: int, eta: float, scale: float):
    def kern(omega):
        return scale * lead.kernel(omega, p, eta)
    return kern


def _distance(omega: np.ndarray, windows: np.ndarray) -> np.ndarray:
    """Distance of each omega from the union of closed intervals ``windows`` (n, 2)."""
    if windows.shape[0] > 8 and np.all(windows[:, 0] == windows[:, 1]):
        pts = windows[:, 0]  # sorted points (finite lead)
        pos = np.clip(np.searchsorted(pts, omega), 1, pts.size - 1)
        return np.minimum(np.abs(omega - pts[pos - 1]), np.abs(omega - pts[pos]))
    out = np.full(omega.shape, np.inf)
    for lo, hi in windows:
        out = np.minimum(out, np.maximum(np.maximum(lo - omega, omega - hi), 0.0))
    return out


def _check_premises(result: LeadRates, min_detuning) -> None:
    w = result.rates
    finite = w.copy()
    finite.data = np.where(np.isfinite(finite.data), finite.data, 0.0)
    outflow = np.asarray(finite.sum(axis=0)).ravel()
    if outflow.size:
        worst = int(np.argmax(outflow))
        admix = float(outflow[worst] / result.gamma)
        check_premise(
            admix <= ADMIXTURE_LIMIT, "lead stays in its ground state (small admixture)",
            "the dressed levels admix a sizeable weight of lead excitations "
            "(sum_j Gamma_{i->j} / gamma); the leading-order rates need it small: lower "
            "epsilon", stacklevel=4, admixture=admix, limit=ADMIXTURE_LIMIT, level=worst,
            epsilon=result.epsilon, gamma=result.gamma)
    det, where = min_detuning
    if result.broadening == 0.0 and where is not None:
        i, j, omega, name = where
        check_premise(
            det >= result.gamma, "narrow lead (gamma << detuning from the lead's spectrum)",
            f"the {name} transition from level {i} to level {j} (E_i - E_j = {omega:.8g}) "
            f"lies within gamma of the lead's excitation energies ({result.lead.describe()}); "
            "the leading-order rate is then off (or infinite): pass broadening = gamma / 2",
            stacklevel=4, detuning=det, gamma=result.gamma)


# ---------------------------------------------------------------------------------------
# Closed forms of the paper
# ---------------------------------------------------------------------------------------

def zeno_rates(hopping, chemical_potential, epsilon, gamma) -> tuple[float, float]:
    r"""Quantum-Zeno rates :math:`(\Gamma_+, \Gamma_-)` of Eq. B1 (:math:`\gamma \gg J_L,
    \Delta_S`): :math:`L_\pm = \sqrt{\Gamma_\pm}S^\pm` with

    .. math:: \Gamma_\pm = \frac{4\epsilon^2}{\pi\gamma}\left[\arccos(\pm\tilde\mu)
              \mp\tilde\mu\sqrt{1 - \tilde\mu^2}\right], \qquad
              \tilde\mu = \mu_L/(2J_L)\ \text{clipped to}\ [-1, 1].

    :math:`\Gamma_+ + \Gamma_- = 4\epsilon^2/\gamma` for every :math:`\mu_L`.
    """
    checks.positive("hopping", hopping)
    checks.finite("chemical_potential", chemical_potential)
    checks.non_negative("epsilon", epsilon)
    checks.positive("gamma", gamma)
    m = float(np.clip(chemical_potential / (2.0 * hopping), -1.0, 1.0))
    pref = 4.0 * epsilon**2 / (np.pi * gamma)
    root = np.sqrt(1.0 - m * m)
    return float(pref * (np.arccos(m) - m * root)), float(pref * (np.arccos(-m) + m * root))


def zeno_relaxation_time(epsilon, gamma) -> float:
    r""":math:`\tau = 2/(\Gamma_+ + \Gamma_-) = \gamma/(2\epsilon^2)` (App. B; the
    Liouvillian gap — populations relax in :math:`\tau/2`)."""
    checks.positive("epsilon", epsilon)
    checks.positive("gamma", gamma)
    return float(gamma / (2.0 * epsilon**2))


def heating_cooling_integrals(delta, mu, hopping):
    r""":math:`(I_+, I_-)` below Eq. A12 for a level spacing :math:`\Delta` (vectorised):
    :math:`I_\pm = I(\pm(\mu_L - \Delta)/(2J_L), \arccos(\pm\mu_L/2J_L))`, the heating
    and cooling rates of an infinite nearest-neighbour lead in the units of Eq. A11."""
    x = (np.asarray(mu) - np.asarray(delta)) / (2 * hopping)
    c = np.clip(np.asarray(mu) / (2 * hopping), -1, 1)
    return (tight_binding_integral(x, np.arccos(c)), tight_binding_integral(-x, np.arccos(-c)))


def spin_beta_fermion_lead(delta_s, hopping, mu) -> float:
    r"""Steady inverse temperature of :math:`H_S = \Delta_S S^z` (any spin) coupled to an
    infinite nearest-neighbour fermion lead (below Eq. A12):
    :math:`\beta_S = \log(I_-/I_+)/\Delta_S`,
    :math:`I_\pm = I(\pm(\mu_L - \Delta_S)/(2J_L), \arccos(\pm\mu_L/2J_L))`.

    ``inf`` beyond the threshold :math:`\mu_L + 2J_L \ge \Delta_S` (the cooling rate
    diverges) and above the band; ``-inf`` below it (no filled mode: pure heating).
    """
    checks.positive("delta_s", delta_s)
    checks.positive("hopping", hopping)
    checks.finite("mu", mu)
    i_plus, i_minus = (float(i) for i in heating_cooling_integrals(delta_s, mu, hopping))
    if i_minus == np.inf or i_plus == 0.0:
        return float("inf")
    if i_minus == 0.0:
        return float("-inf")
    return float(np.log(i_minus / i_plus) / delta_s)


def spin_beta_qubit_lead(delta_s, gap, nu=0.0, beta=np.inf) -> float:
    r"""Steady inverse temperature of :math:`H_S = \Delta_S S^z` coupled to a
    :class:`QubitLead` (leading order, App. A1–A2):

    .. math:: \beta_S = \frac{1}{\Delta_S}\log\frac{\gamma_-|\nu|^2/(\Delta_S-\Delta_L)^2
              + \gamma_+/(\Delta_S+\Delta_L)^2}{\gamma_-/(\Delta_S+\Delta_L)^2
              + \gamma_+|\nu|^2/(\Delta_S-\Delta_L)^2},

    which is :math:`-(\Delta_L/\Delta_S)\beta_L` for :math:`\nu = 0` (A3/A4) and
    :math:`(2/\Delta_S)\log|\nu(\Delta_L+\Delta_S)/(\Delta_L-\Delta_S)|` for
    :math:`\beta_L = \infty` (A5).
    """
    checks.positive("delta_s", delta_s)
    lead = QubitLead(gap, beta, nu)
    if nu == 0:  # gamma_+/gamma_- = exp(-beta_L Delta_L) exactly
        return float(-lead.gap * lead.beta / delta_s)
    g_minus, g_plus = lead.split(1.0)
    n2 = abs(lead.nu) ** 2
    off, on = (delta_s - lead.gap) ** 2, (delta_s + lead.gap) ** 2
    if off == 0.0:
        if g_plus > 0:
            raise ValueError(f"delta_s = gap = {gap!r} with nu != 0 and a finite beta: both "
                             "rates diverge at leading order; use lead_rates with broadening")
        return float("inf")
    down = g_minus * n2 / off + g_plus / on
    up = g_minus / on + g_plus * n2 / off
    return float(np.log(down / up) / delta_s)
