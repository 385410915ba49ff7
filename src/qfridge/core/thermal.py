r"""Thermal occupations and effective temperatures (:math:`\hbar = k_B = 1`).

All functions are vectorised over NumPy arrays and overflow-safe.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from . import checks


def _real(name: str, value):
    """``value`` after refusing a complex number (NumPy would silently drop its imaginary
    part when it is cast to float)."""
    arr = np.asarray(value)
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} must be real, got {value!r}")
    return value


def _inverse_temperature(temperature, name: str = "temperature"):
    t = np.asarray(checks.non_negative(name, _real(name, temperature)), dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(t > 0, 1.0 / np.where(t > 0, t, 1.0), np.inf)


def bose(omega, temperature):
    r"""Bose–Einstein occupation :math:`n(\omega) = 1/(e^{\omega/T} - 1)`.

    Parameters
    ----------
    omega : array_like
        Mode energy (angular frequency in natural units). Must not be 0 at
        :math:`T > 0` (the occupation diverges).
    temperature : array_like
        :math:`k_B T` in the same units, >= 0.

    Returns
    -------
    ndarray or float
        :math:`n(\omega)`. At :math:`T = 0` it is 0 for :math:`\omega > 0`. For
        :math:`\omega < 0` it obeys :math:`n(-\omega) = -(1 + n(\omega))`, so that
        :math:`K(\omega)n(\omega)` with an odd spectral density gives the right
        emission/absorption rates. Large :math:`\omega/T` underflows to 0 without
        overflow warnings.

    Raises
    ------
    ValueError
        At :math:`\omega = 0` with :math:`T > 0`, and when :math:`|\omega|/T` is below
        :math:`1/\mathrm{float\_max} \approx 5.6\times10^{-309}` (e.g. a subnormal
        :math:`\omega = 10^{-320}` at :math:`T = 1`): the occupation
        :math:`\approx T/|\omega|` then exceeds the largest float, and ``inf`` would
        poison every rate built from it.
    """
    omega = np.asarray(checks.finite("omega", _real("omega", omega)), dtype=float)
    beta = _inverse_temperature(temperature)
    finite_beta = np.isfinite(beta)
    x = np.where(finite_beta, omega * np.where(finite_beta, beta, 0.0),
                 np.copysign(np.inf, omega))
    if np.any(x == 0):
        raise ValueError("bose(omega, T) diverges at omega = 0 with T > 0; got omega = 0")
    tiny = np.abs(x) < 1.0 / np.finfo(float).max
    if np.any(tiny):
        k = np.flatnonzero(np.broadcast_to(tiny, x.shape).ravel())[0]
        xs = np.broadcast_to(x, x.shape).ravel()
        raise ValueError(f"bose(omega, T) overflows: omega/T = {xs[k]:.3g} gives an occupation "
                         "~T/|omega| beyond the largest float 1.8e308 (omega subnormal or T "
                         "huge)")
    with np.errstate(over="ignore", invalid="ignore"):
        n = np.where(x > 0, 1.0 / np.expm1(np.minimum(np.abs(x), 700.0)), 0.0)
        n = np.where(x > 700.0, 0.0, n)
        neg = -1.0 - 1.0 / np.expm1(np.minimum(np.abs(x), 700.0))
        n = np.where(x < 0, np.where(x < -700.0, -1.0, neg), n)
    return n.item() if n.ndim == 0 else n


def fermi(energy, temperature, chemical_potential=0.0):
    r"""Fermi–Dirac occupation :math:`f = 1/(e^{(\epsilon - \mu)/T} + 1)`.

    At :math:`T = 0` it is a step: 1 below :math:`\mu`, 0 above, 1/2 at it.
    """
    e = np.asarray(checks.finite("energy", _real("energy", energy)), dtype=float)
    mu = np.asarray(checks.finite("chemical_potential",
                                  _real("chemical_potential", chemical_potential)), dtype=float)
    beta = _inverse_temperature(temperature)
    x = e - mu
    with np.errstate(invalid="ignore"):
        f = np.where(np.isinf(beta), np.where(x < 0, 1.0, np.where(x > 0, 0.0, 0.5)),
                     expit(-x * np.where(np.isinf(beta), 0.0, beta)))
    return f.item() if np.ndim(f) == 0 else f


def effective_temperature(occupation, omega):
    r"""Temperature of a bosonic mode from its mean occupation (Bose inversion).

    :math:`T = \omega / \ln(1 + 1/\bar n)` (seed 000, Eq. 26). Returns 0 for
    :math:`\bar n = 0`; a negative occupation is not a thermal state and raises.
    Below :math:`\bar n = 1` the logarithm is taken as :math:`\ln(1+\bar n) - \ln\bar n`,
    so :math:`1/\bar n` never overflows (:math:`\bar n = 10^{-320}` gives
    :math:`T = \omega/736.83`, not 0).
    """
    n = np.asarray(checks.non_negative("occupation", _real("occupation", occupation)),
                   dtype=float)
    omega = np.asarray(checks.positive("omega", _real("omega", omega)), dtype=float)
    safe = np.where(n > 0, n, 1.0)
    log = np.where(safe < 1.0, np.log1p(np.minimum(safe, 1.0)) - np.log(safe),
                   np.log1p(1.0 / np.maximum(safe, 1.0)))
    t = np.where(n > 0, omega / log, 0.0)
    return t.item() if t.ndim == 0 else t


def apparent_temperature(omega, excited_weight, ground_weight):
    r"""Apparent temperature of a transition of energy :math:`\omega`.

    :math:`T = \omega / \ln(w_g / w_e)`, where :math:`w_e` (:math:`w_g`) is the
    weight of the upper (lower) end of the transition, e.g. for a transition with
    lowering operator :math:`L`: :math:`w_e = \langle L^\dagger L\rangle`,
    :math:`w_g = \langle L L^\dagger\rangle` (seed 001, Eq. 19, with the
    numerator/denominator read so that a Gibbs state gives its own temperature).
    Population inversion gives a negative temperature; :math:`w_e = w_g` gives
    :math:`\pm\infty`. Both weights 0 (the transition holds no population) is refused:
    no temperature is defined.
    """
    omega = np.asarray(checks.positive("omega", _real("omega", omega)), dtype=float)
    we = np.asarray(checks.non_negative("excited_weight", _real("excited_weight",
                                                                excited_weight)), dtype=float)
    wg = np.asarray(checks.non_negative("ground_weight", _real("ground_weight",
                                                              ground_weight)), dtype=float)
    if np.any((we == 0) & (wg == 0)):
        raise ValueError("excited_weight and ground_weight are both 0: the transition holds "
                         "no population, so it has no temperature")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(wg) - np.log(we)
        t = np.where(log_ratio == 0, np.inf, omega / log_ratio)
    return t.item() if t.ndim == 0 else t


@dataclass(frozen=True)
class BoltzmannFit:
    r"""Result of fitting populations to :math:`p_i \propto e^{-E_i/T}`.

    Attributes
    ----------
    temperature : float
        The fitted :math:`T`; negative for an inverted distribution, ``inf`` for a
        flat one.
    residual : float
        Root-mean-square residual of :math:`\ln p_i` about the fitted line: 0 for
        an exactly thermal distribution.
    """

    temperature: float
    residual: float

    @property
    def is_negative(self) -> bool:
        """True for a population inversion (negative absolute temperature)."""
        return bool(self.temperature < 0)

    def __str__(self) -> str:
        kind = "negative temperature (population inversion)" if self.is_negative else "T"
        return f"{kind} = {self.temperature:.6g} (log-population rms residual {self.residual:.2g})"


def boltzmann_fit(energies, populations) -> BoltzmannFit:
    r"""Fit :math:`\ln p_i = -E_i/T - \ln Z` by least squares over levels with :math:`p_i > 0`.

    Negative temperatures are allowed and reported (:attr:`BoltzmannFit.is_negative`).
    """
    e = np.asarray(checks.finite("energies", _real("energies", energies)), dtype=float).ravel()
    p = np.asarray(checks.non_negative("populations", _real("populations", populations)),
                   dtype=float).ravel()
    if e.shape != p.shape:
        raise ValueError(f"energies and populations must have the same length, got "
                         f"{e.size} and {p.size}")
    keep = p > 0
    if keep.sum() < 2 or np.ptp(e[keep]) == 0:
        raise ValueError("a Boltzmann fit needs at least two populated levels of different "
                         f"energy; got energies {e.tolist()} with populations {p.tolist()}")
    slope, intercept = np.polyfit(e[keep], np.log(p[keep]), 1)
    resid = np.log(p[keep]) - (slope * e[keep] + intercept)
    temperature = np.inf if slope == 0 else -1.0 / slope
    return BoltzmannFit(float(temperature), float(np.sqrt(np.mean(resid**2))))


def sector_temperatures(energies, populations, sectors) -> dict:
    """Boltzmann fits per conserved-charge sector (e.g. magnetisation of a spin chain).

    ``sectors`` labels each level; returns ``{label: BoltzmannFit}`` for every
    sector with at least two populated levels of different energy. Energies must be
    finite and populations finite and >= 0.
    """
    e = np.asarray(checks.finite("energies", _real("energies", energies)), dtype=float).ravel()
    p = np.asarray(checks.non_negative("populations", _real("populations", populations)),
                   dtype=float).ravel()
    s = np.asarray(sectors).ravel()
    if not (e.shape == p.shape == s.shape):
        raise ValueError(f"energies, populations and sectors must have equal lengths, got "
                         f"{e.size}, {p.size}, {s.size}")
    fits = {}
    for label in np.unique(s):
        m = (s == label) & (p > 0)
        if m.sum() >= 2 and np.ptp(e[m]) > 0:
            fits[label.item() if hasattr(label, "item") else label] = boltzmann_fit(e[m], p[m])
    return fits


def mean_energy(levels, beta):
    r""":math:`\langle E\rangle_\beta = \sum_i E_i e^{-\beta E_i}/Z` for any real
    :math:`\beta` (negative: an inverted distribution; :math:`\pm\infty`: the top or the
    bottom level). Computed with the exponent shifted by its maximum (no overflow)."""
    e = np.asarray(checks.finite("levels", _real("levels", levels)), dtype=float).ravel()
    if e.size == 0:
        raise ValueError("levels must hold at least one energy, got an empty array")
    b = np.asarray(_real("beta", beta))
    if b.ndim != 0 or not np.issubdtype(b.dtype, np.number) or np.isnan(b):
        raise ValueError(f"beta must be a real number or +-inf (not NaN), got {beta!r}")
    beta = float(b)
    if np.isinf(beta):
        return float(e.min() if beta > 0 else e.max())
    x = -beta * (e - e.mean())
    w = np.exp(x - x.max())
    return float(w @ e / w.sum())


def energy_inverse_temperature(levels, energy) -> float:
    r"""The inverse temperature whose Gibbs state of ``levels`` has mean energy ``energy``.

    Solves :math:`\langle E\rangle_\beta = E` for :math:`\beta \in \mathbb{R}`;
    :math:`\langle E\rangle_\beta` decreases strictly in :math:`\beta`, so the answer is
    unique: positive below the level mean, 0 at it, negative above it (an energy above the
    infinite-temperature value means a negative temperature), :math:`\pm\infty` at the
    bottom or top level. Used for the temperature of a subsystem "from its energy" (seed
    002, Fig. 5). An energy outside ``[min(levels), max(levels)]`` is refused.
    """
    from scipy.optimize import brentq

    e = np.asarray(checks.finite("levels", levels), dtype=float).ravel()
    energy = float(checks.finite("energy", energy))
    lo, hi = float(e.min()), float(e.max())
    if hi - lo == 0:
        raise ValueError(f"levels must not all be equal, got {e.tolist()}")
    tol = 1e-12 * (hi - lo)
    if not lo - tol <= energy <= hi + tol:
        raise ValueError(f"energy {energy:.6g} lies outside the spectrum [{lo:.6g}, {hi:.6g}]")
    if energy <= lo + tol:
        return np.inf
    if energy >= hi - tol:
        return -np.inf
    # <E>_beta - E changes sign on [-b, b] once b exceeds the scale where the extreme level
    # dominates; double b until it does.
    b = 1.0 / (hi - lo)
    while not mean_energy(e, b) < energy < mean_energy(e, -b):
        b *= 2.0
    return float(brentq(lambda x: mean_energy(e, x) - energy, -b, b, xtol=1e-14 * b,
                        rtol=1e-13))


def gibbs_state(hamiltonian, temperature):
    r"""The Gibbs state :math:`e^{-H/T}/Z` of a Hermitian QuTiP operator at :math:`T > 0`.

    The spectrum is shifted by its minimum before exponentiation, so large
    :math:`H/T` does not overflow. A temperature of 0 or below is refused: use
    the ground state explicitly instead.
    """
    import qutip

    if not isinstance(hamiltonian, qutip.Qobj) or not hamiltonian.isoper:
        raise ValueError(f"hamiltonian must be an operator Qobj, got {hamiltonian!r}")
    checks.positive("temperature", _real("temperature", temperature))
    if 0 in hamiltonian.shape:
        raise ValueError(f"hamiltonian must not be empty, got shape {hamiltonian.shape}")
    h = hamiltonian.full()
    checks.finite("hamiltonian", h)
    asym = float(np.max(np.abs(h - h.conj().T))) if h.size else 0.0
    scale = float(np.max(np.abs(h))) if h.size else 0.0
    if not (asym <= 1e-12 * max(1.0, scale)):
        raise ValueError(f"hamiltonian must be Hermitian; max |H - H^dagger| = {asym:.3g}")
    energies, vectors = np.linalg.eigh(h)
    weights = np.exp(-(energies - energies.min()) / temperature)
    rho = (vectors * (weights / weights.sum())) @ vectors.conj().T
    return qutip.Qobj(rho, dims=hamiltonian.dims)
