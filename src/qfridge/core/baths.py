r"""Baths: a temperature (and a chemical potential for fermions) plus a spectral density.

Conventions (:math:`\hbar = k_B = 1`):

* A spectral density :math:`K(\omega)` is a rate per unit coupling, defined for
  :math:`\omega > 0` and zero for :math:`\omega \le 0`.
* A system transition that **releases** energy :math:`\omega > 0` into a bosonic
  bath (emission) has rate :math:`K(\omega)(1 + n(\omega))`; the reverse
  (absorption from the bath) has rate :math:`K(\omega)n(\omega)`, with :math:`n` the
  Bose occupation at the bath's temperature. These two obey detailed balance,
  :math:`\text{absorption}/\text{emission} = e^{-\omega/T}`.
* :meth:`BosonicBath.rate` takes the *signed* energy the bath receives: positive
  for emission, negative for absorption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import checks
from .thermal import bose, fermi


class SpectralDensity:
    """Base class: subclasses implement :meth:`_evaluate` for :math:`\\omega > 0`."""

    def __call__(self, omega):
        omega = np.asarray(checks.finite("omega", omega), dtype=float)
        pos = omega > 0
        safe = np.where(pos, omega, 1.0)
        k = np.where(pos, np.asarray(self._evaluate(safe), dtype=float), 0.0)
        if np.any(k < 0) or not np.all(np.isfinite(k)):
            raise ValueError(f"spectral density {self!r} must be finite and >= 0, got values "
                             f"in [{np.nanmin(k):.4g}, {np.nanmax(k):.4g}]")
        return k.item() if k.ndim == 0 else k

    def _evaluate(self, omega):  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class FlatSpectralDensity(SpectralDensity):
    r"""Markovian (flat) bath: :math:`K(\omega) = \gamma` for :math:`\omega > 0`."""

    gamma: float

    def __post_init__(self):
        checks.non_negative("gamma", self.gamma)

    def _evaluate(self, omega):
        return np.full_like(omega, self.gamma)


@dataclass(frozen=True)
class OhmicSpectralDensity(SpectralDensity):
    r"""Ohmic bath with exponential cutoff.

    :math:`K(\omega) = \alpha\,\omega\,e^{-\omega/\omega_c}`.
    """

    alpha: float
    cutoff: float

    def __post_init__(self):
        checks.non_negative("alpha", self.alpha)
        checks.positive("cutoff", self.cutoff)

    def _evaluate(self, omega):
        return self.alpha * omega * np.exp(-omega / self.cutoff)


@dataclass(frozen=True)
class LinearSpectralDensity(SpectralDensity):
    r"""Ohmic without a smooth cutoff: :math:`K(\omega) = s\,\omega` for
    :math:`0 < \omega \le \epsilon_c` (the residual width of seed 004's Eq. 3 filter)."""

    slope: float
    cutoff: float = np.inf

    def __post_init__(self):
        checks.non_negative("slope", self.slope)
        if not self.cutoff > 0:
            raise ValueError(f"cutoff must be > 0, got {self.cutoff!r}")

    def _evaluate(self, omega):
        return np.where(omega <= self.cutoff, self.slope * omega, 0.0)


def lorentzian_filter(omega, coupling, center, cutoff=np.inf):
    r"""Seed 004, Eq. 3 with an upper cutoff, vectorised over every argument.

    .. math:: K(\omega) = \frac{\Gamma\omega}{(\omega - \Omega)^2 + \Gamma^2\omega^2}
              \quad (0 < \omega \le \epsilon_c), \qquad 0 \text{ otherwise}.

    The functional form behind :class:`LorentzianSpectralDensity`, for callers that
    sweep :math:`\Gamma`, :math:`\Omega` or :math:`\epsilon_c` as arrays.
    """
    omega = np.asarray(omega, dtype=float)
    width = np.where((omega > 0) & (omega <= cutoff), coupling * omega, 0.0)
    denom = (omega - center) ** 2 + width**2
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(width > 0, width / np.where(denom > 0, denom, 1.0), 0.0)


def thermal_rate(energy_released, temperature, density):
    r"""Signed-energy rate of a transition coupled to a bosonic bath, vectorised.

    :math:`K(\omega)(1 + n(\omega))` for :math:`\omega > 0` (the system gives
    :math:`\omega` to the bath), :math:`K(|\omega|)n(|\omega|)` for :math:`\omega < 0`,
    0 at :math:`\omega = 0`. ``density`` is a vectorised callable :math:`K(\omega)`
    evaluated at :math:`\omega > 0`; ``temperature`` (>= 0) broadcasts with the energies.
    """
    de = np.asarray(checks.finite("omega", energy_released), dtype=float)
    w = np.abs(de)
    safe = np.where(w > 0, w, 1.0)
    k = np.asarray(density(safe))
    n = np.asarray(bose(safe, temperature))
    rate = np.where(de > 0, k * (1.0 + n), np.where(de < 0, k * n, 0.0))
    return rate.item() if rate.ndim == 0 else rate


@dataclass(frozen=True)
class LorentzianSpectralDensity(SpectralDensity):
    r"""Lorentzian energy filter of seed 004, Eq. 3.

    .. math:: K(\omega) = \frac{\Gamma(\omega)}{(\omega - \Omega)^2 + \Gamma(\omega)^2},
              \qquad \Gamma(\omega) = \Gamma\,\omega\,\Theta(\epsilon_c - \omega).

    The paper prints :math:`\Theta(\omega - \epsilon_c)`; with
    :math:`\epsilon_c = 10`–:math:`20\,k_BT` that would switch off every transition
    the paper studies, so the cutoff is read as an **upper** cutoff (erratum, see
    docs). :math:`K = 0` for :math:`\omega \le 0` and for :math:`\omega > \epsilon_c`.

    Parameters
    ----------
    coupling : float
        :math:`\Gamma` (dimensionless: :math:`\Gamma(\omega) = \Gamma\omega`).
    center : float
        :math:`\Omega`, the filter resonator's energy.
    cutoff : float
        :math:`\epsilon_c > 0`.
    """

    coupling: float
    center: float
    cutoff: float = np.inf

    def __post_init__(self):
        checks.non_negative("coupling (Gamma)", self.coupling)
        checks.finite("center (Omega)", self.center)
        if not self.cutoff > 0:
            raise ValueError(f"cutoff (epsilon_c) must be > 0, got {self.cutoff!r}")

    def _evaluate(self, omega):
        return lorentzian_filter(omega, self.coupling, self.center, self.cutoff)

    def pseudomodes(self) -> tuple:
        r"""Eq. 3 as one damped mode: :math:`K = g^2\kappa(\omega)/((\omega-\Omega)^2 +
        \kappa(\omega)^2/4)` with :math:`g^2 = 1/2` and the residual (Ohmic) width
        :math:`\kappa(\omega) = 2\Gamma\omega\,\Theta(\epsilon_c - \omega)`; ``()`` when
        :math:`\Gamma = 0`. See :func:`qfridge.engines.pseudomode.embed`."""
        if self.coupling == 0:
            return ()
        return ((np.sqrt(0.5), self.center, LinearSpectralDensity(2.0 * self.coupling,
                                                                  self.cutoff)),)


@dataclass(frozen=True)
class RLCSpectralDensity(SpectralDensity):
    r"""Bath filtered by an RLC resonator (seed 003, Eqs. B16–B19).

    .. math:: K(\omega) = \gamma_0 \frac{\omega/\omega_{LC}}
              {1 + Q^2(\omega/\omega_{LC} - \omega_{LC}/\omega)^2},

    so that :math:`K(\omega_{LC}) = \gamma_0`, the rate of a qubit in resonance
    with the circuit; detuned qubits see a Lorentzian-like suppression of
    width :math:`\omega_{LC}/Q`.
    """

    gamma0: float
    resonance: float
    quality_factor: float

    def __post_init__(self):
        checks.non_negative("gamma0", self.gamma0)
        checks.positive("resonance (omega_LC)", self.resonance)
        checks.positive("quality_factor (Q)", self.quality_factor)

    def _evaluate(self, omega):
        x = omega / self.resonance
        return self.gamma0 * x / (1.0 + self.quality_factor**2 * (x - 1.0 / x) ** 2)


@dataclass(frozen=True)
class PseudomodeSpectralDensity(SpectralDensity):
    r"""A sum of Lorentzians, each exactly a damped harmonic mode (a pseudomode).

    .. math:: K(\omega) = \sum_m \frac{g_m^2\,\kappa_m}{(\omega - \Omega_m)^2
              + (\kappa_m/2)^2} \quad (\omega > 0),

    the golden-rule rate that a mode of frequency :math:`\Omega_m`, coupled to the system
    by :math:`g_m A(a_m + a_m^\dagger)` and damped at rate :math:`\kappa_m` (energy decay,
    the line's full width), gives a transition of energy :math:`\omega`
    (:math:`\int K\,d\omega/2\pi \to g_m^2` per mode). Weak coupling to such a bath is
    the global master equation with this :math:`K`; beyond it,
    :func:`qfridge.engines.pseudomode.embed` puts the modes into the system.

    Parameters
    ----------
    modes : sequence of (coupling g, frequency Omega, width kappa)
    """

    modes: tuple

    def __post_init__(self):
        modes = tuple(tuple(float(x) for x in m) for m in self.modes)
        if not modes or any(len(m) != 3 for m in modes):
            raise ValueError("modes must be one or more (coupling, frequency, width) triples, "
                             f"got {self.modes!r}")
        for g, omega, kappa in modes:
            checks.finite("pseudomode coupling", g)
            checks.positive("pseudomode frequency", omega)
            checks.positive("pseudomode width (kappa)", kappa)
        object.__setattr__(self, "modes", modes)

    def _evaluate(self, omega):
        return sum(g**2 * kappa / ((omega - w0) ** 2 + 0.25 * kappa**2)
                   for g, w0, kappa in self.modes)

    def pseudomodes(self) -> tuple:
        r"""``(g, Omega, residual density)`` per mode; the residual is flat (:math:`\kappa`)."""
        return tuple((g, w0, FlatSpectralDensity(kappa)) for g, w0, kappa in self.modes)


@dataclass(frozen=True)
class ScaledSpectralDensity(SpectralDensity):
    r""":math:`\lambda^2 K(\omega)`: another density with the system–bath coupling scaled
    :math:`V \to \lambda V` (``factor`` = :math:`\lambda^2 \ge 0`); its pseudomodes are
    the other's with :math:`g \to \lambda g` and the same residual."""

    density: SpectralDensity
    factor: float

    def __post_init__(self):
        checks.non_negative("factor (lambda^2)", self.factor)
        object.__setattr__(self, "density", as_spectral_density(self.density))

    def _evaluate(self, omega):
        return self.factor * np.asarray(self.density(omega))

    def pseudomodes(self) -> tuple:
        inner = getattr(self.density, "pseudomodes", None)
        if inner is None:
            raise ValueError(f"{self.density!r} has no pseudomode form to scale")
        return tuple((g * np.sqrt(self.factor), w0, res) for g, w0, res in inner())


@dataclass(frozen=True)
class CallableSpectralDensity(SpectralDensity):
    """Any user function ``K(omega)`` (vectorised), checked to be finite and >= 0."""

    function: Callable = field(compare=False)
    name: str = "user"

    def _evaluate(self, omega):
        return self.function(omega)


def as_spectral_density(spec) -> SpectralDensity:
    """A number becomes a flat density; a callable is wrapped; a density passes through."""
    if isinstance(spec, SpectralDensity):
        return spec
    if callable(spec):
        return CallableSpectralDensity(spec)
    return FlatSpectralDensity(float(checks.non_negative("gamma", spec)))


class _SignedRates:
    """``emission_rate``/``absorption_rate`` of a bath from its signed-energy ``rate``."""

    def emission_rate(self, omega):
        r"""Rate of a transition giving energy :math:`|\omega|` to the bath
        (:math:`K(1+n)` for a thermal bath)."""
        return self.rate(np.abs(omega))

    def absorption_rate(self, omega):
        r"""Rate of a transition taking energy :math:`|\omega|` from the bath
        (:math:`Kn` for a thermal bath)."""
        return self.rate(-np.abs(omega))


@dataclass(frozen=True)
class BosonicBath(_SignedRates):
    r"""A bosonic bath at temperature :math:`T` with spectral density :math:`K(\omega)`.

    ``temperature = 0`` is allowed (pure emission). Rates, with the sign
    convention of this module: :meth:`emission_rate` :math:`= K(1+n)`,
    :meth:`absorption_rate` :math:`= K n`.
    """

    temperature: float
    spectral_density: SpectralDensity | float | Callable
    name: str = "bath"

    def __post_init__(self):
        checks.non_negative(f"temperature of bath {self.name!r}", self.temperature)
        object.__setattr__(self, "spectral_density", as_spectral_density(self.spectral_density))

    def occupation(self, omega):
        """Bose occupation :math:`n(\\omega)` at the bath's temperature (omega > 0)."""
        return bose(omega, self.temperature)

    def rate(self, omega):
        r"""Signed-energy rate: :math:`\omega > 0` emission, :math:`\omega < 0` absorption.

        :math:`\gamma(\omega) = K(|\omega|)(1 + n(|\omega|))` for :math:`\omega > 0` and
        :math:`K(|\omega|) n(|\omega|)` for :math:`\omega < 0`; 0 at :math:`\omega = 0`.
        """
        return thermal_rate(omega, self.temperature, self.spectral_density)


@dataclass(frozen=True)
class WorkReservoir(_SignedRates):
    r"""A bath at infinite temperature: it drives every transition it couples to at the
    same rate :math:`\gamma` in both directions, so it exchanges energy without entropy —
    work (the incoherent model of a maser's output field or of a classical noisy drive).

    Engines treat it like a :class:`BosonicBath`; the thermodynamics layer
    (:mod:`qfridge.engines.thermo`) counts its current as work, not heat.
    """

    gamma: float
    name: str = "work"
    temperature: float = field(default=float("inf"), init=False)

    def __post_init__(self):
        checks.non_negative(f"gamma of work reservoir {self.name!r}", self.gamma)

    def rate(self, omega):
        r""":math:`\gamma` for any non-zero energy (0 at :math:`\omega = 0`)."""
        w = np.asarray(checks.finite("omega", omega), dtype=float)
        rate = np.where(w != 0, self.gamma, 0.0)
        return rate.item() if rate.ndim == 0 else rate


@dataclass(frozen=True)
class FermionicBath:
    r"""A fermionic lead at temperature :math:`T` and chemical potential :math:`\mu`.

    ``tunnelling`` is the tunnelling rate :math:`\Gamma(\epsilon)`: a number
    (wide band) or a vectorised callable of the energy, defined for every sign
    of :math:`\epsilon` (unlike a bosonic spectral density). A system transition
    that takes a particle of energy :math:`\epsilon` from the lead has rate
    :math:`\Gamma(\epsilon) f(\epsilon)`; one that gives a particle to the lead has
    :math:`\Gamma(\epsilon)(1 - f(\epsilon))`.
    """

    temperature: float
    tunnelling: float | Callable
    chemical_potential: float = 0.0
    name: str = "lead"

    def __post_init__(self):
        checks.non_negative(f"temperature of lead {self.name!r}", self.temperature)
        checks.finite("chemical_potential", self.chemical_potential)
        if not callable(self.tunnelling):
            checks.non_negative("tunnelling", self.tunnelling)

    def _gamma(self, energy):
        e = np.asarray(checks.finite("energy", energy), dtype=float)
        g = self.tunnelling(e) if callable(self.tunnelling) else np.full_like(e, self.tunnelling)
        return np.asarray(checks.non_negative(f"tunnelling rate of lead {self.name!r}", g))

    def occupation(self, energy):
        return fermi(energy, self.temperature, self.chemical_potential)

    def tunnel_in_rate(self, energy):
        """Rate for a particle of energy ``energy`` to enter the system from the lead."""
        return self._gamma(energy) * self.occupation(energy)

    def tunnel_out_rate(self, energy):
        """Rate for a particle of energy ``energy`` to leave the system into the lead."""
        return self._gamma(energy) * (1.0 - np.asarray(self.occupation(energy)))
