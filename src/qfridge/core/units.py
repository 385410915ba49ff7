r"""Physical units, explicit and never guessed.

Engines work in natural units (:math:`\hbar = k_B = 1`): every energy, frequency
and temperature is a plain float in one common scale, and times are in the
inverse of that scale. Models accept physical inputs through this module.

Three rules:

* **Cyclic and angular frequencies are different types.** ``Frequency.cyclic(5, "GHz")``
  is :math:`f = 5` GHz; its angular value :math:`\omega = 2\pi f` is only obtained
  through the explicit ``.angular`` attribute (rad/s). ``Frequency.angular(...)``
  takes rad/s (or rad/ns, rad/µs). Nothing converts between the two implicitly.
* **Temperatures** are kelvin (``Temperature(50, "mK")``); their energy
  :math:`k_B T` is expressed as an angular frequency :math:`k_B T/\hbar` by
  ``.angular_frequency``.
* **Natural units** (:class:`NaturalUnits`) pick one energy scale (an angular
  frequency :math:`\omega_0`, or a temperature through :math:`k_B T/\hbar`) and
  turn physical quantities into dimensionless floats and back.

The string parser :func:`parse_quantity` reads ``"5 GHz"``, ``"31.4 rad/ns"``,
``"50 mK"``, ``"50 ns"`` and returns the matching type; a plain number with no
unit is refused (pass it to the explicit constructors instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import constants

HBAR = constants.hbar  #: J s
K_B = constants.k  #: J / K
TWO_PI = 2.0 * np.pi

_CYCLIC = {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9, "THz": 1e12}
_ANGULAR = {"rad/s": 1.0, "rad/ms": 1e3, "rad/us": 1e6, "rad/µs": 1e6, "rad/ns": 1e9}
_TIME = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "ps": 1e-12}
_TEMPERATURE = {"K": 1.0, "mK": 1e-3, "uK": 1e-6, "µK": 1e-6}
_RATE = {"1/s": 1.0, "/s": 1.0, "1/ms": 1e3, "1/us": 1e6, "1/µs": 1e6, "1/ns": 1e9}
_POWER = {"W": 1.0, "mW": 1e-3, "uW": 1e-6, "µW": 1e-6, "nW": 1e-9, "pW": 1e-12, "fW": 1e-15,
          "aW": 1e-18}


def _scaled(value, unit: str, table: dict[str, float], what: str):
    if unit not in table:
        raise ValueError(f"unknown {what} unit {unit!r}; expected one of {sorted(table)}")
    value = np.asarray(value, dtype=float) * table[unit]
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return value.item() if value.ndim == 0 else value


@dataclass(frozen=True)
class Frequency:
    """A frequency stored as its angular value in rad/s.

    Build it with :meth:`cyclic` (Hz, kHz, MHz, GHz) or :meth:`angular`
    (rad/s, rad/µs, rad/ns); read it with :attr:`angular` (rad/s) or
    :attr:`cyclic_hz` (Hz).
    """

    rad_per_s: float | np.ndarray

    @classmethod
    def cyclic(cls, value, unit: str = "Hz") -> Frequency:
        r"""Cyclic frequency :math:`f` in ``unit``; stored as :math:`\omega = 2\pi f`."""
        return cls(TWO_PI * _scaled(value, unit, _CYCLIC, "cyclic frequency"))

    @classmethod
    def angular(cls, value, unit: str = "rad/s") -> Frequency:
        r"""Angular frequency :math:`\omega` in ``unit`` (rad/s, rad/µs, rad/ns)."""
        return cls(_scaled(value, unit, _ANGULAR, "angular frequency"))

    @property
    def angular_rad_per_s(self):
        """The angular frequency in rad/s."""
        return self.rad_per_s

    @property
    def cyclic_hz(self):
        """The cyclic frequency in Hz."""
        return self.rad_per_s / TWO_PI

    @property
    def energy_joule(self):
        r""":math:`\hbar\omega` in joule."""
        return HBAR * self.rad_per_s

    def __str__(self) -> str:
        return f"{self.cyclic_hz / 1e9:.6g} GHz (cyclic) = {self.rad_per_s:.6g} rad/s"


@dataclass(frozen=True)
class Time:
    """A duration in seconds (constructors accept s, ms, µs/us, ns, ps)."""

    seconds: float | np.ndarray

    @classmethod
    def of(cls, value, unit: str = "s") -> Time:
        return cls(_scaled(value, unit, _TIME, "time"))

    def __str__(self) -> str:
        return f"{self.seconds:.6g} s"


@dataclass(frozen=True)
class Temperature:
    """A temperature in kelvin (constructors accept K, mK, µK/uK)."""

    kelvin: float | np.ndarray

    @classmethod
    def of(cls, value, unit: str = "K") -> Temperature:
        t = _scaled(value, unit, _TEMPERATURE, "temperature")
        if np.any(np.asarray(t) < 0):
            raise ValueError(f"temperature must be >= 0 K, got {value!r} {unit}")
        return cls(t)

    @property
    def angular_frequency(self):
        r""":math:`k_B T/\hbar` in rad/s: the temperature as an angular frequency."""
        return K_B * np.asarray(self.kelvin) / HBAR

    def __str__(self) -> str:
        return f"{self.kelvin * 1e3:.6g} mK"


@dataclass(frozen=True)
class Rate:
    """A rate (probability per unit time) in 1/s: no factor 2π is ever involved.

    ``Rate.of(10, "1/us")`` is 10⁷ s⁻¹. A rate can also be given as a
    :class:`Frequency`; then its *angular* value is the rate, so
    ``Frequency.cyclic(10, "kHz")`` means γ/2π = 10 kHz, the circuit-QED habit.
    """

    per_second: float | np.ndarray

    @classmethod
    def of(cls, value, unit: str = "1/s") -> Rate:
        r = _scaled(value, unit, _RATE, "rate")
        if np.any(np.asarray(r) < 0):
            raise ValueError(f"rate must be >= 0, got {value!r} {unit}")
        return cls(r)


@dataclass(frozen=True)
class Power:
    """A power (heat current) in watt (constructors accept W ... fW, aW)."""

    watt: float | np.ndarray

    @classmethod
    def of(cls, value, unit: str = "W") -> Power:
        return cls(_scaled(value, unit, _POWER, "power"))


Quantity = Frequency | Time | Temperature | Power | Rate

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY_RE = re.compile(rf"^\s*({_NUMBER})\s*([A-Za-zµ/1]+)\s*$")


def parse_quantity(text: str) -> Quantity:
    """Parse ``"<number> <unit>"`` into a typed quantity.

    Cyclic units (Hz ... GHz) give a :class:`Frequency` built with
    :meth:`Frequency.cyclic`; ``rad/...`` units give :meth:`Frequency.angular`;
    K/mK give :class:`Temperature`; s/ns/µs give :class:`Time`; W ... fW give
    :class:`Power`; 1/s, 1/µs, 1/ns give :class:`Rate`. A bare number is refused:
    the unit is never guessed.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected a string like '5 GHz', got {text!r}")
    m = _QUANTITY_RE.match(text)
    if m is None:
        raise ValueError(f"cannot read a quantity from {text!r}: expected '<number> <unit>', "
                         "e.g. '5 GHz', '31.4 rad/ns', '50 mK', '50 ns'")
    value, unit = float(m.group(1)), m.group(2)
    if unit in _CYCLIC:
        return Frequency.cyclic(value, unit)
    if unit in _ANGULAR:
        return Frequency.angular(value, unit)
    if unit in _TEMPERATURE:
        return Temperature.of(value, unit)
    if unit in _TIME:
        return Time.of(value, unit)
    if unit in _POWER:
        return Power.of(value, unit)
    if unit in _RATE:
        return Rate.of(value, unit)
    known = sorted({*_CYCLIC, *_ANGULAR, *_TEMPERATURE, *_TIME, *_POWER, *_RATE})
    raise ValueError(f"unknown unit {unit!r} in {text!r}; known units: {known}")


@dataclass(frozen=True)
class NaturalUnits:
    r"""Dimensionless units with :math:`\hbar = k_B = 1` and one energy scale.

    The scale is an angular frequency :math:`\omega_0` (rad/s). Then a frequency
    :math:`\omega` becomes :math:`\omega/\omega_0`, a temperature :math:`T` becomes
    :math:`k_B T/(\hbar\omega_0)`, a time :math:`t` becomes :math:`\omega_0 t`, and a
    power :math:`P` becomes :math:`P/(\hbar\omega_0^2)`.

    Build from a frequency (:meth:`of_frequency`) or from a temperature
    (:meth:`of_temperature`: energies in units of :math:`k_B T`).
    """

    omega0_rad_per_s: float

    def __post_init__(self):
        if not np.isfinite(self.omega0_rad_per_s) or self.omega0_rad_per_s <= 0:
            raise ValueError(f"the natural energy scale must be > 0 rad/s, got "
                             f"{self.omega0_rad_per_s!r}")

    @classmethod
    def of_frequency(cls, frequency: Frequency) -> NaturalUnits:
        return cls(float(frequency.angular_rad_per_s))

    @classmethod
    def of_temperature(cls, temperature: Temperature) -> NaturalUnits:
        return cls(float(temperature.angular_frequency))

    def frequency(self, f: Frequency):
        return np.asarray(f.angular_rad_per_s) / self.omega0_rad_per_s

    def temperature(self, t: Temperature):
        return np.asarray(t.angular_frequency) / self.omega0_rad_per_s

    def time(self, t: Time):
        return np.asarray(t.seconds) * self.omega0_rad_per_s

    def power(self, p: Power):
        return np.asarray(p.watt) / (HBAR * self.omega0_rad_per_s**2)

    def to_frequency(self, x) -> Frequency:
        return Frequency(np.asarray(x, dtype=float) * self.omega0_rad_per_s)

    def to_temperature(self, x) -> Temperature:
        return Temperature(np.asarray(x, dtype=float) * HBAR * self.omega0_rad_per_s / K_B)

    def to_time(self, x) -> Time:
        return Time(np.asarray(x, dtype=float) / self.omega0_rad_per_s)

    def to_power(self, x) -> Power:
        return Power(np.asarray(x, dtype=float) * HBAR * self.omega0_rad_per_s**2)

    def convert(self, q: Quantity):
        """Any typed quantity to its dimensionless value."""
        if isinstance(q, Frequency):
            return self.frequency(q)
        if isinstance(q, Temperature):
            return self.temperature(q)
        if isinstance(q, Time):
            return self.time(q)
        if isinstance(q, Power):
            return self.power(q)
        if isinstance(q, Rate):
            return np.asarray(q.per_second) / self.omega0_rad_per_s
        raise ValueError(f"cannot express {q!r} in natural units: not a typed quantity")
