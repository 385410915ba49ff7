r"""Keldysh NEGF for two Kerr-coupled resonators (seed 004, Sec. IV B and Appendix C).

The system (seed 004, Eqs. 12–13, rotating-wave contact)

.. math::
    H_S = \epsilon_1 n_1 + \epsilon_2 n_2 + \Delta_z n_1 n_2, \qquad
    H_C = \sum_{k,\eta\in\{L,R\}} V_{k\eta} a_1^\dagger b_{k\eta}
        + \sum_k V_{kC} a_2^\dagger b_{kC} + \mathrm{h.c.}

is solved in the steady state on a uniform energy grid :math:`\omega_k`:

1. **Bath self-energies** (seed 004, Eqs. 22, 24): every bath :math:`\eta` enters
   through its spectral density :math:`K_\eta(\omega)` (the Lorentzian filter of
   Eq. 3, :class:`~qfridge.core.baths.LorentzianSpectralDensity`), times an optional
   overall ``coupling_scale`` :math:`\lambda^2` (1 = the paper):
   :math:`\Sigma^<_\eta = -i\lambda^2K_\eta n_\eta`,
   :math:`\Sigma^>_\eta = -i\lambda^2K_\eta(1+n_\eta)`, so that
   :math:`\mathrm{Im}\,\Sigma^r_\eta = -\lambda^2K_\eta/2` — the amplitude damping
   rate of the Lindblad equation with rates :math:`K(1+n)` and :math:`Kn`.
2. **Hartree mean field** (Eqs. 21, C7): resonator :math:`i` sits at
   :math:`\epsilon_i + \Delta_z\langle n_l\rangle` (:math:`l \ne i`), with
   :math:`\langle n_i\rangle = i\int G^<_{ii}\,d\omega/2\pi` iterated to
   self-consistency (linear mixing).
3. **Exchange-correlation bubble** (Eq. 29), built from the mean-field Green's
   functions: :math:`\Sigma^\lessgtr_{xc,j}(t) = -\Delta_z^2 G^\lessgtr_{jj}(t)
   G^\lessgtr_{kk}(t)G^\gtrless_{kk}(-t)`, i.e. on the grid

   .. math::
       \gamma^\lessgtr_{xc,j}(\omega) \equiv i\Sigma^\lessgtr_{xc,j}(\omega)
       = \Delta_z^2\int\frac{d\nu}{2\pi}\, a^\lessgtr_j(\omega-\nu)
         \int\frac{d\omega'}{2\pi} a^\lessgtr_k(\omega')a^\gtrless_k(\omega'-\nu),

   with :math:`a^< = iG^< = nA \ge 0` and :math:`a^> = iG^> = (1+n)A \ge 0`.
   The retarded part follows from Kramers–Kronig (see ``real_part``).
4. **Dyson/Keldysh** (Eqs. 26–28): :math:`G^r_j = [\omega - \epsilon_j -
   \Delta_z\langle n_l\rangle - \Sigma^r_{\mathrm{bath},j} - \Sigma^r_{xc,j}]^{-1}`,
   :math:`G^\lessgtr_j = G^r_j(\Sigma^\lessgtr_{\mathrm{bath},j}
   + \Sigma^\lessgtr_{xc,j})G^a_j`.
5. **Heat currents** (Meir–Wingreen, Eqs. 24 and 30), *positive = energy leaves the
   bath* (the qfridge convention, seed 004 Eq. 7):

   .. math::
       J_\eta = \int\frac{d\omega}{2\pi}\,\omega\left[a^>_j\gamma^<_\eta
                - a^<_j\gamma^>_\eta\right]
       \;\overset{\eta = C}{=}\;
       \int\frac{d\omega}{2\pi}\,\omega\,|G^r_{22}|^2\left[\gamma^>_{xc,2}\gamma^<_C
                - \gamma^<_{xc,2}\gamma^>_C\right].

   With the paper's own definitions (:math:`G^< = -i\langle a^\dagger a\rangle`,
   :math:`\Sigma^< = -inK`) Eqs. 24 and 30 *as printed* give the energy flowing
   **into** bath C; we use their negative so that cooling of C is :math:`J_C > 0`,
   as the paper's figures and text read.

Convolutions (the bubble) and the principal-value Hilbert transform are
vectorised over the grid with FFTs (``scipy.signal.fftconvolve``). This engine is
written by hand because no well-kept library solves bosonic Keldysh
mean-field + bubble problems on an energy grid; every choice the paper leaves
open is listed in ``docs/negf.md``.

Validity: second order in :math:`\Delta_z` beyond Hartree (the paper: "small to
intermediate non-linearity"), all orders in the bath coupling. The grid must
resolve the narrowest feature (spectral-function normalisation is checked) and
contain all the spectral weight.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.signal import fftconvolve

from ..core import checks
from ..core.baths import BosonicBath
from ..core.resources import require_memory
from ..core.validity import check_premise

RealPart = Literal["kramers_kronig", "neglect"]
_REAL_PARTS = ("kramers_kronig", "neglect")
_SCHEMES = ("mean_field_bubble", "self_consistent_bubble")


# -- grid ------------------------------------------------------------------------------------
#: Working memory per grid point (bytes): ~50 float64/complex arrays of the grid length
#: (Green's functions, bath functions, bubbles) and the FFT buffers of twice that length.
_BYTES_PER_POINT = 2048


@dataclass(frozen=True)
class EnergyGrid:
    r"""A uniform energy grid :math:`\omega_k = \omega_{\min} + k\,d\omega`, ``points`` values.

    Parameters
    ----------
    omega_min, omega_max : float
        Ends of the grid (energy, :math:`\hbar = 1`, units of the model, e.g. :math:`k_BT`).
    points : int
        Number of grid points (>= 16).
    """

    omega_min: float
    omega_max: float
    points: int

    def __post_init__(self):
        checks.finite("grid omega_min", self.omega_min)
        checks.finite("grid omega_max", self.omega_max)
        if not self.omega_max > self.omega_min:
            raise ValueError(f"grid omega_max must be > omega_min, got omega_min="
                             f"{self.omega_min!r}, omega_max={self.omega_max!r}")
        checks.integer_at_least("grid points", self.points, 16)

    @property
    def omega(self) -> np.ndarray:
        """The grid points."""
        return np.linspace(self.omega_min, self.omega_max, self.points)

    @property
    def step(self) -> float:
        """The spacing :math:`d\\omega`."""
        return (self.omega_max - self.omega_min) / (self.points - 1)

    def refined(self, factor: int = 2) -> EnergyGrid:
        """The same range with ``factor`` times finer spacing."""
        factor = checks.integer_at_least("factor", factor, 1)
        return EnergyGrid(self.omega_min, self.omega_max, factor * (self.points - 1) + 1)


@dataclass(frozen=True)
class NEGFOptions:
    """Numerical controls of :func:`solve_kerr_resonators`.

    Attributes
    ----------
    tol : float
        Convergence tolerance on the occupations :math:`\\max_i|\\Delta\\langle n_i\\rangle|`
        between iterations (and, for ``"self_consistent_bubble"``, on the relative change
        of the exchange self-energy).
    max_iter : int
        Iteration cap; when reached the result has ``converged = False`` and a
        :class:`~qfridge.core.validity.PremiseWarning` is emitted (an error in strict mode).
    mixing : float
        Linear mixing in (0, 1]: new = (1 - mixing) * old + mixing * update.
    real_part : {"kramers_kronig", "neglect"}
        How the real part of every retarded self-energy is obtained: from its
        imaginary part by the Kramers–Kronig (Hilbert) transform — causal, the
        spectral sum rule holds — or set to zero (wide-band-like reading, no
        Lamb shift; the sum rule then fails by the amount reported).
    scheme : {"mean_field_bubble", "self_consistent_bubble"}
        ``"mean_field_bubble"`` (the paper): the bubble (Eq. 29) is built once from
        the self-consistent Hartree Green's functions. ``"self_consistent_bubble"``:
        Hartree occupations and the bubble are both iterated with the full Green's
        functions (a conserving, Phi-derivable second-order scheme).
    exchange : bool
        Include the exchange-correlation bubble (False = Hartree only; then
        :math:`J_C = 0` identically, seed 004 below Eq. 29).
    sum_rule_tol : float
        Tolerated :math:`|\\int A\\,d\\omega/2\\pi - 1|`; beyond it a PremiseWarning
        ("grid resolves the spectral functions") is emitted. Not checked when
        ``real_part = "neglect"`` (the sum rule does not hold there by construction).
    """

    tol: float = 1e-10
    max_iter: int = 500
    mixing: float = 0.7
    real_part: RealPart = "kramers_kronig"
    scheme: str = "mean_field_bubble"
    exchange: bool = True
    sum_rule_tol: float = 1e-2

    def __post_init__(self):
        checks.positive("tol", self.tol)
        checks.integer_at_least("max_iter", self.max_iter, 1)
        checks.in_range("mixing", self.mixing, 1e-6, 1.0)
        checks.one_of("real_part", self.real_part, _REAL_PARTS)
        checks.one_of("scheme", self.scheme, _SCHEMES)
        checks.positive("sum_rule_tol", self.sum_rule_tol)


# -- results ---------------------------------------------------------------------------------
@dataclass
class NEGFResult:
    r"""Steady state of :func:`solve_kerr_resonators`.

    Currents are **positive when energy leaves the bath** (:math:`J_C > 0`: bath C is
    cooled).

    Attributes
    ----------
    omega : ndarray
        The energy grid.
    occupation_mean_field : tuple[float, float]
        Self-consistent Hartree :math:`\langle n_1\rangle, \langle n_2\rangle` (the values
        the Hartree shifts use in the ``"mean_field_bubble"`` scheme).
    occupation : tuple[float, float]
        :math:`\langle n_i\rangle = \int a^<_i\,d\omega/2\pi` from the full Green's functions.
    currents : dict[str, float]
        :math:`J_\eta` for every bath, from the full Green's function of the resonator
        it couples to (Meir–Wingreen, Eq. 24 with the qfridge sign).
    current_C_eq30 : float
        :math:`J_C` evaluated by Eq. 30 (equal to ``currents['C']`` to rounding).
    spectral : dict[str, ndarray]
        ``A1, A2`` (full), ``A1_mf, A2_mf`` (Hartree + baths only, at the final
        occupations), ``a2_lesser``, ``gamma_xc2_lesser``, ``gamma_xc2_greater`` on the grid.
    sum_rules : dict[str, float]
        :math:`\int A\,d\omega/2\pi` of the four spectral functions.
    energy_balance_residual : float
        :math:`|\sum_\eta J_\eta| / \max_\eta|J_\eta|` (0 when all currents are below
        1e-15 of the energy scale, i.e. rounding noise). Zero to rounding for the
        conserving ``"self_consistent_bubble"`` scheme; of order :math:`\Delta_z^4` for
        ``"mean_field_bubble"``.
    iterations, residual, converged
        Convergence report of the self-consistency loop.
    exchange_width_ratio : float
        Largest ratio, over the two resonators, of the exchange width
        :math:`\gamma^>_{xc} - \gamma^<_{xc}` to the bath width at the mean-field spectral
        peak. Above 1 the bubble is not a small correction and a PremiseWarning
        ("exchange bubble perturbative") is emitted.
    """

    omega: np.ndarray
    occupation_mean_field: tuple[float, float]
    occupation: tuple[float, float]
    currents: dict[str, float]
    current_C_eq30: float
    spectral: dict[str, np.ndarray]
    sum_rules: dict[str, float]
    energy_balance_residual: float
    iterations: int
    residual: float
    converged: bool
    options: NEGFOptions
    grid: EnergyGrid
    parameters: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    exchange_width_ratio: float = 0.0

    @property
    def current_C(self) -> float:
        """:math:`J_C` (positive = bath C is cooled)."""
        return self.currents["C"]

    def summary(self) -> str:
        """A short human-readable report."""
        cur = ", ".join(f"J_{k} = {v:.4g}" for k, v in self.currents.items())
        sr = ", ".join(f"{k} = {v:.6f}" for k, v in self.sum_rules.items())
        return (f"NEGF ({self.options.scheme}, real part: {self.options.real_part}) on "
                f"{self.grid.points} points [{self.grid.omega_min:g}, {self.grid.omega_max:g}]: "
                f"{'converged' if self.converged else 'NOT converged'} after {self.iterations} "
                f"iterations (residual {self.residual:.2e}); <n1>, <n2> = "
                f"{self.occupation[0]:.6g}, {self.occupation[1]:.6g}; {cur}; "
                f"energy-balance residual {self.energy_balance_residual:.2e}; sum rules: {sr}; "
                f"{self.seconds:.3f} s")

    def to_dataset(self):
        """Spectral functions and self-energies as an ``xarray.Dataset`` over ``omega``."""
        import xarray as xr

        data = {k: ("omega", v, {"units": "1/energy" if k.startswith("A") else "energy"})
                for k, v in self.spectral.items()}
        attrs = {f"J_{k}": v for k, v in self.currents.items()}
        attrs.update({"n1": self.occupation[0], "n2": self.occupation[1],
                      "converged": int(self.converged), "iterations": self.iterations,
                      "residual": self.residual, "current_sign": "positive = leaves the bath"})
        return xr.Dataset(data, coords={"omega": ("omega", self.omega, {"units": "energy"})},
                          attrs=attrs)


# -- numerical kernels -----------------------------------------------------------------------
def hilbert_transform(values: np.ndarray) -> np.ndarray:
    r"""Principal-value Hilbert transform on a uniform grid (values zero off the grid).

    :math:`\mathcal{H}[f](x) = \frac{1}{\pi}\,\mathrm{P}\!\int \frac{f(y)}{x - y}\,dy`,
    discretised with the Maclaurin (odd-neighbour) rule
    :math:`\mathcal{H}[f]_m = \frac{2}{\pi}\sum_{m-k\ \mathrm{odd}} f_k/(m-k)`, which
    avoids the singular point and converges fast for smooth :math:`f`. The grid
    spacing cancels. Evaluated as one FFT convolution. The last axis is the grid.
    """
    f = np.asarray(values, dtype=float)
    n = f.shape[-1]
    j = np.arange(-(n - 1), n)
    kernel = np.zeros(2 * n - 1)
    odd = (j % 2) != 0
    kernel[odd] = 2.0 / (np.pi * j[odd])
    full = fftconvolve(f, np.broadcast_to(kernel, f.shape[:-1] + kernel.shape), axes=-1)
    return full[..., n - 1: 2 * n - 1]


def _bubble(a_j: np.ndarray, a_k_in: np.ndarray, a_k_out: np.ndarray, dz: float,
            step: float) -> np.ndarray:
    r""":math:`\Delta_z^2\int\frac{d\nu}{2\pi}a_j(\omega-\nu)S_k(\nu)`, with
    :math:`S_k(\nu) = \int\frac{d\omega'}{2\pi}a^{in}_k(\omega')a^{out}_k(\omega'-\nu)`."""
    n = a_j.shape[-1]
    # S[j + n - 1] = sum_k a_in[k] a_out[k - j] dw/2pi, j = -(n-1) .. n-1
    s = fftconvolve(a_k_in, a_k_out[::-1]) * step / (2 * np.pi)
    conv = fftconvolve(a_j, s) * step / (2 * np.pi)
    out = dz**2 * conv[n - 1: 2 * n - 1]
    return np.maximum(out, 0.0)  # FFT rounding can leave -1e-17 where the exact value is 0


def exchange_bubble(a_j_lesser, a_j_greater, a_k_lesser, a_k_greater, delta_z: float,
                    step: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Exchange-correlation bubble of resonator :math:`j` (seed 004, Eq. 29) on a grid.

    .. math::
        \gamma^\lessgtr_{xc,j}(\omega) = i\Sigma^\lessgtr_{xc,j}(\omega)
        = \Delta_z^2\int\frac{d\nu}{2\pi}\,a^\lessgtr_j(\omega-\nu)\,S^\lessgtr_k(\nu),
        \qquad S^\lessgtr_k(\nu) = \int\frac{d\omega'}{2\pi}\,
        a^\lessgtr_k(\omega')\,a^\gtrless_k(\omega'-\nu),

    with :math:`a^< = iG^< \ge 0`, :math:`a^> = iG^> \ge 0` sampled on one uniform grid
    of spacing ``step`` (values outside the grid are zero). :math:`-S^<_k = P^<_k` is the
    density-fluctuation spectrum of resonator :math:`k`
    (:math:`\langle\delta n_k\delta n_k\rangle` in frequency). Returns
    ``(gamma_lesser, gamma_greater)``, both >= 0.
    """
    arrays = [np.asarray(a, dtype=float) for a in (a_j_lesser, a_j_greater, a_k_lesser,
                                                    a_k_greater)]
    shape = arrays[0].shape
    if len(shape) != 1 or any(a.shape != shape for a in arrays):
        raise ValueError("exchange_bubble needs four 1-D arrays of equal length, got shapes "
                         f"{[a.shape for a in arrays]}")
    checks.finite("delta_z", delta_z)
    checks.positive("step", step)
    ajl, ajg, akl, akg = arrays
    return _bubble(ajl, akl, akg, delta_z, step), _bubble(ajg, akg, akl, delta_z, step)


def _bath_functions(baths: Sequence[BosonicBath], omega: np.ndarray, scale: float):
    """Per bath: (gamma_lesser = lambda^2 K n, gamma_greater = lambda^2 K (1+n)) on the grid."""
    pos = omega > 0
    w = np.where(pos, omega, 1.0)
    out = []
    for bath in baths:
        less = np.where(pos, scale * np.asarray(bath.absorption_rate(w)), 0.0)
        great = np.where(pos, scale * np.asarray(bath.emission_rate(w)), 0.0)
        out.append((less, great))
    return out


def _green(omega, level, gamma_in, gamma_out, real_part: str, eta: float):
    r"""Retarded G (complex), a^< and a^> for total rates :math:`\gamma^<, \gamma^>`."""
    width = gamma_out - gamma_in  # i(Sigma^> - Sigma^<) = -2 Im Sigma^r
    re_sigma = 0.5 * hilbert_transform(width) if real_part == "kramers_kronig" else 0.0
    gr = 1.0 / (omega - level - re_sigma + 0.5j * width + 1j * eta)
    mod2 = np.abs(gr) ** 2
    return gr, mod2 * gamma_in, mod2 * gamma_out


def _check_baths(name: str, baths) -> list[BosonicBath]:
    if isinstance(baths, BosonicBath):
        baths = [baths]
    baths = list(baths)
    if not baths:
        raise ValueError(f"{name} must hold at least one BosonicBath, got none")
    for b in baths:
        if not isinstance(b, BosonicBath):
            raise ValueError(f"{name} must hold BosonicBath objects, got {b!r}")
        if not b.temperature > 0:
            raise ValueError(f"temperature of bath {b.name!r} in {name} must be > 0 for the "
                             f"NEGF engine, got {b.temperature!r}")
    return baths


def default_grid(eps1: float, eps2: float, baths: Sequence[BosonicBath],
                 points: int | None = None) -> EnergyGrid:
    r"""A grid covering every bath's support (up to its cutoff) with margins.

    With ``top`` the largest finite cutoff (or the largest level + 30 T_max without
    cutoff), the grid is ``[-0.45 top, 1.6 top]``: the bath continua end at ``top``, but
    the exchange bubble has tails beyond it (energy transfers up to ``top`` either way)
    whose Kramers–Kronig real part changes :math:`J_C` by ~3 % if they are cut at
    ``[-0.05 top, 1.05 top]`` and by < 1e-5 with this default (seed 004, Fig. 10
    parameters). Default ``points`` gives a spacing of about 2e-3 (energy units),
    which resolves the seed-004 filters (width :math:`\Gamma\Omega \approx 0.04`) to
    a relative 1e-5 in :math:`J_C`.
    """
    t_max = max(b.temperature for b in baths)
    cutoffs = [getattr(b.spectral_density, "cutoff", np.inf) for b in baths]
    finite_c = [c for c in cutoffs if np.isfinite(c)]
    top = max(finite_c) if finite_c else max(eps1, eps2) + 30.0 * t_max
    top = max(top, 1.5 * max(eps1, eps2))
    hi, lo = 1.6 * top, -0.45 * top
    if points is None:
        points = int(np.ceil((hi - lo) / 2e-3)) + 1
    return EnergyGrid(lo, hi, points)


# -- solver ----------------------------------------------------------------------------------
def solve_kerr_resonators(eps1: float, eps2: float, delta_z: float,
                          baths1: Sequence[BosonicBath], baths2: Sequence[BosonicBath], *,
                          grid: EnergyGrid | None = None, options: NEGFOptions | None = None,
                          coupling_scale: float = 1.0, eta: float = 0.0) -> NEGFResult:
    r"""Steady-state NEGF (Hartree + exchange bubble) of two Kerr-coupled resonators.

    Seed 004, Sec. IV B: Eqs. 21–30 and Appendix C. Model and conventions in the
    module docstring and ``docs/negf.md``.

    Parameters
    ----------
    eps1, eps2 : float
        Resonator energies :math:`\epsilon_{1,2} > 0` (energy units, :math:`\hbar = k_B =
        1`); a resonator below zero has no thermal state with a bosonic bath.
    delta_z : float
        Kerr (cross) non-linearity :math:`\Delta_z` (Eq. 12), any sign.
    baths1, baths2 : sequence of BosonicBath
        Baths of resonator 1 (L, R) and of resonator 2 (C), each with temperature > 0
        and a spectral density (seed 004: Lorentzian filter, Eq. 3). Bath names key
        the returned currents; they must be distinct.
    grid : EnergyGrid, optional
        Energy grid; :func:`default_grid` when omitted.
    options : NEGFOptions, optional
        Tolerance, iteration cap, mixing, real-part and scheme choices.
    coupling_scale : float
        :math:`\lambda^2 \ge 0` multiplying every :math:`K_\eta` (system–bath coupling
        :math:`V \to \lambda V`); 1 reproduces the paper. Small values give the
        weak-coupling limit in which the master equation applies.
    eta : float
        Extra :math:`i\eta` in every retarded denominator (>= 0; default 0).

    Returns
    -------
    NEGFResult
        Occupations, spectral functions, currents (positive = energy leaves the bath),
        sum rules and the convergence report.

    Warns
    -----
    PremiseWarning
        When the loop does not converge within ``max_iter``, when a spectral sum rule is
        violated by more than ``sum_rule_tol`` (grid too coarse or too narrow), or when
        the exchange width exceeds the bath width at a resonator's spectral peak (second
        order in :math:`\Delta_z` not controlled).
    """
    start = time.perf_counter()
    checks.positive("eps1 (a resonator energy; bosonic baths need it > 0)", eps1)
    checks.positive("eps2 (a resonator energy; bosonic baths need it > 0)", eps2)
    checks.finite("delta_z", delta_z)
    checks.non_negative("coupling_scale", coupling_scale)
    checks.non_negative("eta", eta)
    baths1 = _check_baths("baths1", baths1)
    baths2 = _check_baths("baths2", baths2)
    names = [b.name for b in baths1 + baths2]
    if len(set(names)) != len(names):
        raise ValueError(f"bath names must be distinct, got {names}")
    options = options or NEGFOptions()
    if grid is None:
        grid = default_grid(eps1, eps2, baths1 + baths2)
    if not isinstance(grid, EnergyGrid):
        raise ValueError(f"grid must be an EnergyGrid, got {grid!r}")
    require_memory(f"the NEGF solve on {grid.points} energy points", grid.points
                   * _BYTES_PER_POINT, "pass a coarser EnergyGrid, or check eps1, eps2 and the "
                   "bath cutoffs that set the default grid's range")
    omega, step = grid.omega, grid.step
    rp = options.real_part

    bath_fun1 = _bath_functions(baths1, omega, coupling_scale)
    bath_fun2 = _bath_functions(baths2, omega, coupling_scale)
    in1 = sum(f[0] for f in bath_fun1)
    out1 = sum(f[1] for f in bath_fun1)
    in2 = sum(f[0] for f in bath_fun2)
    out2 = sum(f[1] for f in bath_fun2)
    zeros = np.zeros_like(omega)
    norm = step / (2 * np.pi)

    def mean_field(n1, n2, x1=(zeros, zeros), x2=(zeros, zeros)):
        g1 = _green(omega, eps1 + delta_z * n2, in1 + x1[0], out1 + x1[1], rp, eta)
        g2 = _green(omega, eps2 + delta_z * n1, in2 + x2[0], out2 + x2[1], rp, eta)
        return g1, g2

    def bubbles(g1, g2):
        if not options.exchange or delta_z == 0:
            return (zeros, zeros), (zeros, zeros)
        _, a1l, a1g = g1
        _, a2l, a2g = g2
        return (exchange_bubble(a1l, a1g, a2l, a2g, delta_z, step),
                exchange_bubble(a2l, a2g, a1l, a1g, delta_z, step))

    n1 = n2 = 0.0
    x1 = x2 = (zeros, zeros)
    residual = np.inf
    iterations = 0
    sc = options.scheme == "self_consistent_bubble"
    for iterations in range(1, options.max_iter + 1):  # noqa: B007
        g1, g2 = mean_field(n1, n2, x1, x2) if sc else mean_field(n1, n2)
        new1, new2 = float(np.sum(g1[1]) * norm), float(np.sum(g2[1]) * norm)
        residual = max(abs(new1 - n1), abs(new2 - n2))
        if sc:
            nx1, nx2 = bubbles(g1, g2)
            for old, new in ((x1, nx1), (x2, nx2)):
                top = float(np.max(new[1]))
                if top > 0:
                    residual = max(residual, float(np.max(np.abs(new[1] - old[1]))) / top)
            mix = options.mixing
            x1 = tuple((1 - mix) * o + mix * n for o, n in zip(x1, nx1, strict=True))
            x2 = tuple((1 - mix) * o + mix * n for o, n in zip(x2, nx2, strict=True))
        n1 += options.mixing * (new1 - n1)
        n2 += options.mixing * (new2 - n2)
        if residual < options.tol:
            break
    converged = bool(residual < options.tol)
    check_premise(converged, "NEGF self-consistency converged",
                  "the Hartree/bubble loop did not reach the tolerance; raise max_iter or "
                  "lower mixing", stacklevel=2, iterations=iterations, residual=residual,
                  tol=options.tol)

    # final mean-field Green's functions and the bubble built from them
    g1_mf, g2_mf = mean_field(n1, n2)  # Hartree + baths only, at the final occupations
    if not sc:
        x1, x2 = bubbles(g1_mf, g2_mf)
    g1, g2 = mean_field(n1, n2, x1, x2)
    _, a1l, a1g = g1
    gr2, a2l, a2g = g2

    currents: dict[str, float] = {}
    for bath, (gl, gg) in zip(baths1, bath_fun1, strict=True):
        currents[bath.name] = float(np.sum(omega * (a1g * gl - a1l * gg)) * norm)
    for bath, (gl, gg) in zip(baths2, bath_fun2, strict=True):
        currents[bath.name] = float(np.sum(omega * (a2g * gl - a2l * gg)) * norm)
    mod2 = np.abs(gr2) ** 2
    eq30 = float(np.sum(omega * mod2 * (x2[1] * in2 - x2[0] * out2)) * norm)

    spectral = {"A1": a1g - a1l, "A2": a2g - a2l,
                "A1_mf": g1_mf[2] - g1_mf[1], "A2_mf": g2_mf[2] - g2_mf[1],
                "a2_lesser": a2l, "gamma_xc2_lesser": x2[0], "gamma_xc2_greater": x2[1]}
    sum_rules = {k: float(np.sum(spectral[k]) * norm) for k in ("A1", "A2", "A1_mf", "A2_mf")}
    if rp == "kramers_kronig":
        worst = max(abs(v - 1.0) for v in sum_rules.values())
        check_premise(worst <= options.sum_rule_tol,
                      "grid resolves the spectral functions",
                      "a spectral function does not integrate to 1 on the grid (too coarse, "
                      "too narrow, or a pole outside the bath continuum); refine or widen "
                      "the grid", stacklevel=2, worst_sum_rule_error=worst,
                      sum_rule_tol=options.sum_rule_tol, points=grid.points)
    # second order in Delta_z is controlled while the exchange width stays below the bath
    # width at each resonator's mean-field peak (Gamma_xc ~ Dz^2 n(1+n)/kappa << kappa)
    ratios = []
    for g_mf, (xl, xg), (bl, bg) in ((g1_mf, x1, (in1, out1)), (g2_mf, x2, (in2, out2))):
        k = int(np.argmax(g_mf[2] - g_mf[1]))
        bath_w = bg[k] - bl[k]
        ratios.append(float((xg[k] - xl[k]) / bath_w) if bath_w > 0 else
                      (np.inf if xg[k] - xl[k] > 0 else 0.0))
    xc_ratio = max(ratios)
    if options.exchange:
        check_premise(xc_ratio <= 1.0, "exchange bubble perturbative (second order in Delta_z)",
                      "the exchange-correlation width exceeds the bath width at a resonator's "
                      "mean-field peak, so the bubble is not a small correction",
                      stacklevel=2, xc_over_bath_width=xc_ratio, delta_z=delta_z)
    cur = np.array(list(currents.values()))
    scale = float(np.max(np.abs(cur))) if cur.size else 0.0
    # below ~1e-15 of the energy scale the currents are rounding noise (e.g. equilibrium)
    floor = 1e-15 * max(abs(eps1), abs(eps2), 1.0)
    balance = float(abs(cur.sum()) / scale) if scale > floor else 0.0
    occ = (float(np.sum(a1l) * norm), float(np.sum(a2l) * norm))
    params = {"eps1": float(eps1), "eps2": float(eps2), "delta_z": float(delta_z),
              "coupling_scale": float(coupling_scale), "eta": float(eta)}
    return NEGFResult(omega, (float(n1), float(n2)), occ, currents, eq30, spectral, sum_rules,
                      balance, iterations, float(residual), converged, options, grid, params,
                      time.perf_counter() - start, xc_ratio)
