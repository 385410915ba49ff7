r"""The Dicke superradiant heat valve (seed 003).

:math:`N` identical qubits, :math:`H_0 = \omega_0 J_z`, coupled *collectively* to a hot and
a cold bath (seed 003, Eqs. 9–11),

.. math:: \mathcal{D}_i\rho = \gamma_i(1+n_i)\,D[J_-]\rho + \gamma_i n_i\,D[J_+]\rho,
          \qquad i = h, c,

and optionally *locally* to a parasitic bath, :math:`\mathcal{D}_p = \sum_j \gamma_p(1+n_p)
D[\sigma_-^{(j)}] + \gamma_p n_p D[\sigma_+^{(j)}]` (Eqs. 31–33), with
:math:`n_i = 1/(e^{\omega_0/T_i}-1)` (Eq. 12) and :math:`\hbar = k_B = 1`.

Closed forms (module functions, natural units: ``omega0``, rates and temperatures in one
common energy unit, e.g. all in units of :math:`\omega_0`; vectorised over arrays):

* :func:`effective_temperature` — :math:`T^*` (Eq. 16);
* :func:`mean_jz` — :math:`\langle J_z\rangle_{J,T}` in a sector (Eq. C9);
* :func:`sector_current` — :math:`\dot Q_h = \frac{2\gamma_h\gamma_c}{\gamma_h+\gamma_c}
  \omega_0\langle -J_z\rangle_{J,T^*}(n_h - n_c)` in a fixed-:math:`J` sector (Eq. 24);
* :func:`independent_current` — :math:`N` independent qubits (Eq. 26);
* :func:`extensive_bound`, :func:`sector_bound` — Eqs. 25 and 28;
* :func:`thermodynamic_limit_ratio` — :math:`\coth(T_0/2T^*)` (Eq. 29);
* :func:`high_temperature_current` — Eq. 30;
* :func:`detuned_pair_current` — the detuned two-qubit protocol (Eqs. D1–D5).

The exact steady state with the parasitic bath comes from the permutation-symmetric
engine :mod:`qfridge.engines.collective`. Heat currents are positive when energy leaves
the bath (the paper's :math:`\dot Q_h` is the current out of the hot bath).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np

from ..core import checks
from ..core.baths import RLCSpectralDensity
from ..core.thermal import bose
from ..core.units import HBAR, K_B, TWO_PI, Frequency, Temperature
from ..core.validity import check_much_less, check_premise
from ..engines.collective import (
    CollectiveRateEquation,
    DickeBasis,
    DickeBath,
    DickeState,
    log_dicke_degeneracy,
)
from .base import Model, parameter, register_model

#: "gamma << omega0" is checked as gamma <= WEAK_COUPLING_FACTOR * omega0. The paper
#: uses gamma = omega0/10 (Figs. 3-4) and, read cyclically, 0.5/4 = 0.125 (Table 1),
#: and calls both "reasonably justified" (Sec. V).
WEAK_COUPLING_FACTOR = 0.2

INITIAL_CHOICES = ("ground", "mixed")

#: Physical scale used by :meth:`DickeHeatValve.natural` when none is given.
DEFAULT_OMEGA0 = Frequency.cyclic(1.0, "GHz")


def _out(x):
    x = np.asarray(x, dtype=float)
    return x.item() if x.ndim == 0 else x


# -------------------------------------------------------------------------- closed forms
def occupation(omega0, temperature):
    r"""Bose occupation :math:`n = 1/(e^{\omega_0/T} - 1)` (Eq. 12)."""
    return bose(omega0, temperature)


def effective_temperature(omega0, gamma_h, gamma_c, t_h, t_c):
    r"""Effective temperature :math:`T^*` of the collective baths (seed 003, Eq. 16).

    .. math:: T^* = \omega_0\Big/\ln\frac{\gamma_c(1+n_c) + \gamma_h(1+n_h)}
              {\gamma_c n_c + \gamma_h n_h}

    Vectorised; :math:`T_c < T^* < T_h`.
    """
    n_h, n_c = np.asarray(bose(omega0, t_h)), np.asarray(bose(omega0, t_c))
    up = gamma_c * n_c + gamma_h * n_h
    down = gamma_c * (1 + n_c) + gamma_h * (1 + n_h)
    with np.errstate(divide="ignore"):
        return _out(omega0 / np.log(down / up))


def mean_jz(j, temperature, omega0=1.0):
    r""":math:`\langle J_z\rangle_{J,T}` in the thermal state of one :math:`J` sector (Eq. C9).

    .. math:: \langle J_z\rangle_{J,T} = -J + \frac{1}{e^{\omega_0/T}-1}
              - \frac{2J+1}{e^{(2J+1)\omega_0/T}-1}

    (the paper writes the last term as :math:`(2J+1)/(1 - e^{(2J+1)\omega_0/T})`). For
    :math:`(2J+1)\omega_0/T < 10^{-2}` the series
    :math:`-[(2J+1)^2-1]x/12 + [(2J+1)^4-1]x^3/720`, :math:`x = \omega_0/T`, replaces the
    cancelling exponentials (its first term is Eq. C11). ``temperature = 0`` gives
    :math:`-J` (Eq. C10).
    """
    j = np.asarray(checks.non_negative("j", j), dtype=float)
    t = np.asarray(checks.non_negative("temperature", temperature), dtype=float)
    w = float(checks.positive("omega0", omega0)) if np.ndim(omega0) == 0 else \
        np.asarray(checks.positive("omega0", omega0), dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = np.where(t > 0, w / np.where(t > 0, t, 1.0), np.inf)
        c = 2 * j + 1
        small = c * x < 1e-2
        xs = np.where(small, x, 1.0)
        series = -(c**2 - 1) * xs / 12 + (c**4 - 1) * xs**3 / 720
        xl = np.where(small, 1.0, x)
        exact = -j + 1.0 / np.expm1(xl) - c / np.expm1(c * xl)
        exact = np.where(np.isinf(x), -j, exact)
    return _out(np.where(small, series, exact))


def sector_current(j, omega0, gamma_h, gamma_c, t_h, t_c):
    r"""Steady heat current out of the hot bath in a fixed-:math:`J` sector (Eq. 24).

    .. math:: \dot Q_h = \frac{2\gamma_h\gamma_c}{\gamma_h+\gamma_c}\,\omega_0\,
              \langle -J_z\rangle_{J,T^*}\,(n_h - n_c)

    In units of :math:`\hbar\omega_0^2` when rates are in units of :math:`\omega_0`.
    ``j = 1/2`` gives the single-qubit current.
    """
    t_star = effective_temperature(omega0, gamma_h, gamma_c, t_h, t_c)
    dn = np.asarray(bose(omega0, t_h)) - np.asarray(bose(omega0, t_c))
    g = 2 * gamma_h * gamma_c / (gamma_h + gamma_c)
    return _out(g * omega0 * (-np.asarray(mean_jz(j, t_star, omega0))) * dn)


def independent_current(n_qubits, omega0, gamma_h, gamma_c, t_h, t_c):
    r"""Heat current of :math:`N` independent qubits (Eq. 26).

    .. math:: \dot Q_h^{\rm ind} = N\omega_0\frac{\gamma_h\gamma_c}
              {\gamma_c(2n_c+1)+\gamma_h(2n_h+1)}(n_h - n_c)
    """
    n_h, n_c = np.asarray(bose(omega0, t_h)), np.asarray(bose(omega0, t_c))
    return _out(n_qubits * omega0 * gamma_h * gamma_c * (n_h - n_c)
                / (gamma_c * (2 * n_c + 1) + gamma_h * (2 * n_h + 1)))


def extensive_bound(n_qubits, omega0, gamma_h, gamma_c, t_h, t_c):
    r"""Upper bound :math:`\dot Q_h^{\max} = \frac{\gamma_h\gamma_c}{\gamma_h+\gamma_c}
    \omega_0 N(n_h - n_c)` (Eq. 25)."""
    dn = np.asarray(bose(omega0, t_h)) - np.asarray(bose(omega0, t_c))
    return _out(gamma_h * gamma_c / (gamma_h + gamma_c) * omega0 * n_qubits * dn)


def sector_bound(j, omega0, gamma_h, gamma_c, t_h, t_c):
    r""":math:`\dot Q_h^{\rm lim} = \frac{2\gamma_h\gamma_c}{\gamma_h+\gamma_c}\omega_0 J(n_h-n_c)`
    (Eq. 28), the low-temperature / large-:math:`J` limit of Eq. 24."""
    dn = np.asarray(bose(omega0, t_h)) - np.asarray(bose(omega0, t_c))
    return _out(2 * gamma_h * gamma_c / (gamma_h + gamma_c) * omega0 * np.asarray(j) * dn)


def thermodynamic_limit_ratio(omega0, gamma_h, gamma_c, t_h, t_c):
    r""":math:`\dot Q_h^{\rm lim}/\dot Q_h^{\rm ind} = \coth(T_0/2T^*)` at :math:`J = N/2`
    (Eq. 29, from Eq. C12), :math:`T_0 = \omega_0`."""
    t_star = np.asarray(effective_temperature(omega0, gamma_h, gamma_c, t_h, t_c))
    return _out(1.0 / np.tanh(omega0 / (2 * t_star)))


def high_temperature_current(j, omega0, gamma_h, gamma_c, t_h, t_c):
    r"""High-temperature form (:math:`J T_0 \ll T^*`) of Eq. 24 (Eq. 30, from Eq. C11).

    .. math:: \dot Q_h \simeq \frac{2}{3}\frac{\gamma_h\gamma_c}{\gamma_h+\gamma_c}
              \frac{T_0}{T^*}\,\omega_0\,J(J+1)(n_h - n_c)
    """
    t_star = np.asarray(effective_temperature(omega0, gamma_h, gamma_c, t_h, t_c))
    dn = np.asarray(bose(omega0, t_h)) - np.asarray(bose(omega0, t_c))
    j = np.asarray(j, dtype=float)
    return _out(2 / 3 * gamma_h * gamma_c / (gamma_h + gamma_c) * (omega0 / t_star) * omega0
                * j * (j + 1) * dn)


def rlc_rate(omega, omega_lc, quality_factor, gamma_resonant):
    r"""Rate of a qubit at :math:`\omega` through an RLC filter, as written in Eq. D5.

    .. math:: \gamma(\omega) = \frac{\gamma_1}{1 + Q^2(\omega/\omega_{LC} - \omega_{LC}/\omega)^2}

    Eq. B19 also carries a factor :math:`\omega/\omega_{LC}` (use
    :class:`qfridge.core.baths.RLCSpectralDensity` for it); Eq. D5 drops it.
    """
    omega = np.asarray(checks.positive("omega", omega), dtype=float)
    x = omega / checks.positive("omega_lc", omega_lc)
    return _out(gamma_resonant / (1 + quality_factor**2 * (x - 1 / x) ** 2))


def detuned_qubit_current(omega_k, gamma_k, t_h, t_c, gamma_p, t_p):
    r"""Heat current out of the hot bath through one qubit coupled locally to the hot and
    cold baths (rate :math:`\gamma_k` each) and the parasitic bath (Eqs. D1–D4).

    .. math:: \dot Q^{(k)} = \omega^{(k)}\gamma_k\,\frac{n_h^{(k)} - n^{*(k)}}{2n^{*(k)}+1},
              \qquad n^{*(k)} = \frac{\gamma_k(n_h+n_c) + \gamma_p n_p}{2\gamma_k + \gamma_p}

    i.e. Eq. D1 with the thermal populations of Eq. D2 at the temperature :math:`T^{*(k)}`
    of Eq. D3 (:math:`n^* = 1/(e^{\omega/T^*}-1)`), written out (the printed Eq. D4 is
    garbled in our copy).
    """
    n_h = np.asarray(bose(omega_k, t_h))
    n_c = np.asarray(bose(omega_k, t_c))
    n_p = np.asarray(bose(omega_k, t_p)) if np.any(np.asarray(gamma_p) > 0) else 0.0
    n_star = (gamma_k * (n_h + n_c) + gamma_p * n_p) / (2 * gamma_k + gamma_p)
    return _out(omega_k * gamma_k * (n_h - n_star) / (2 * n_star + 1))


def detuned_pair_current(omega_1, omega_2, omega_lc, quality_factor, gamma_1, t_h, t_c,
                         gamma_p, t_p):
    r""":math:`\dot Q_h^{\rm det}` of the detuned two-qubit protocol (Sec. IV, Eqs. D1–D5).

    Qubit 1 sits at :math:`\omega^{(1)}` with rate :math:`\gamma_1` to each bath, qubit 2 at
    :math:`\omega^{(2)}` with :math:`\gamma_2` from Eq. D5; both see the parasitic bath.
    Returns the sum of :func:`detuned_qubit_current` over the two qubits.
    """
    gamma_2 = rlc_rate(omega_2, omega_lc, quality_factor, 1.0) * gamma_1 / \
        rlc_rate(omega_1, omega_lc, quality_factor, 1.0)
    return _out(np.asarray(detuned_qubit_current(omega_1, gamma_1, t_h, t_c, gamma_p, t_p))
                + np.asarray(detuned_qubit_current(omega_2, gamma_2, t_h, t_c, gamma_p, t_p)))


# -------------------------------------------------------------------------- the model
@register_model
@dataclass(frozen=True)
class DickeHeatValve(Model):
    r"""N qubits carrying heat between two collective baths, with an optional local
    parasitic bath (seed 003, Eqs. 9–11 and 31–33).

    .. math:: \dot\rho = -i[\omega_0 J_z, \rho] + \mathcal{D}_h\rho + \mathcal{D}_c\rho
              + \mathcal{D}_p\rho

    Parameters are physical (``omega0`` in rad/s, rates in 1/s, temperatures in K;
    strings such as ``"4 GHz"`` are cyclic by their unit and converted to rad/s). Use
    :meth:`natural` to give everything in units of :math:`\omega_0` and
    :meth:`table1` / :meth:`from_circuit` for the paper's circuit-QED set.

    ``initial`` matters only without the parasitic bath (``gamma_p = 0``), where
    :math:`J^2` is conserved and the steady state keeps the initial sector weights
    :math:`P_J` (Eq. 17): ``"ground"`` (all qubits down, :math:`J = N/2`, Eq. 27),
    ``"mixed"`` (:math:`P_J = d_J(2J+1)/2^N`), a number :math:`J`, or a mapping
    ``{J: P_J}``.

    Heat currents are positive when energy leaves the bath (the bath is cooled).
    """

    n_qubits: int = parameter("integer", doc="number of qubits N >= 1")
    omega0: float = parameter("angular_frequency", doc="qubit splitting (rad/s)")
    gamma_h: float = parameter("rate", doc="collective coupling rate to the hot bath (1/s)")
    gamma_c: float = parameter("rate", doc="collective coupling rate to the cold bath (1/s)")
    T_h: float = parameter("temperature", doc="hot-bath temperature (K)")
    T_c: float = parameter("temperature", doc="cold-bath temperature (K)")
    gamma_p: float = parameter("rate", 0.0, doc="local parasitic coupling rate (1/s)")
    T_p: float = parameter("temperature", 0.0, doc="parasitic-bath temperature (K)")
    initial: object = parameter("choice", "ground",
                                doc="J-sector weights when gamma_p = 0: 'ground', 'mixed', "
                                    "J or {J: P_J}")

    QUANTITIES: ClassVar[dict[str, str]] = {
        "Q_h": "heat_current_hot",
        "Q_c": "heat_current_cold",
        "Q_p": "heat_current_parasitic",
        "Q_ind": "independent_current",
        "Q_sector": "sector_current",
        "ratio_to_independent": "ratio_to_independent",
        "T_star": "effective_temperature",
        "J2": "mean_j_squared",
    }
    QUANTITY_UNITS: ClassVar[dict[str, tuple[str, str]]] = {
        "Q_h": ("W", "heat current out of the hot bath"),
        "Q_c": ("W", "heat current out of the cold bath"),
        "Q_p": ("W", "heat current out of the parasitic bath"),
        "Q_ind": ("W", "independent-qubit current (Eq. 26)"),
        "Q_sector": ("W", "current in the sector J (Eq. 24)"),
        "ratio_to_independent": ("1", "Q_h / Q_h(independent qubits)"),
        "T_star": ("K", "effective temperature T* (Eq. 16)"),
        "J2": ("1", "<J^2> in the steady state")}

    def __post_init__(self):
        super().__post_init__()
        checks.integer_at_least("n_qubits", self.n_qubits, 1)
        checks.positive("omega0", self.omega0)
        checks.non_negative("gamma_h", self.gamma_h)
        checks.non_negative("gamma_c", self.gamma_c)
        checks.non_negative("gamma_p", self.gamma_p)
        if not np.all(np.asarray(self.gamma_h) + np.asarray(self.gamma_c) > 0):
            raise ValueError(f"gamma_h + gamma_c must be > 0, got gamma_h = {self.gamma_h!r}, "
                             f"gamma_c = {self.gamma_c!r}")
        checks.positive("T_h", self.T_h)
        checks.positive("T_c", self.T_c)
        checks.non_negative("T_p", self.T_p)
        self._sector_weights()  # validates ``initial``

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def natural(cls, n_qubits: int, t_h: float, t_c: float, gamma_h: float = 0.1,
                gamma_c: float = 0.1, gamma_p: float = 0.0, t_p: float = 0.0,
                initial="ground", omega0=DEFAULT_OMEGA0) -> DickeHeatValve:
        r"""Parameters in units of :math:`\omega_0` (rates) and :math:`\hbar\omega_0/k_B`
        (temperatures). The physical ``omega0`` only sets the scale of results in SI
        units; the ``*_natural`` results do not depend on it."""
        w = float(omega0.angular_rad_per_s) if isinstance(omega0, Frequency) else \
            float(checks.positive("omega0", omega0))
        kelvin = HBAR * w / K_B
        for name, val in (("t_h", t_h), ("t_c", t_c)):
            checks.positive(name, val)
        checks.non_negative("t_p", t_p)
        return cls(n_qubits=n_qubits, omega0=w, gamma_h=gamma_h * w, gamma_c=gamma_c * w,
                   T_h=t_h * kelvin, T_c=t_c * kelvin, gamma_p=gamma_p * w, T_p=t_p * kelvin,
                   initial=initial)

    @classmethod
    def table1(cls, n_qubits: int, T_p="50 mK", gamma_p="0.01 GHz", rates: str = "cyclic",
               initial="ground", gamma="0.5 GHz") -> DickeHeatValve:
        r"""The circuit-QED set of seed 003, Table 1: :math:`\omega_0/2\pi = 4` GHz,
        :math:`\gamma_h = \gamma_c = 0.5` GHz, :math:`\gamma_p = 0.01` GHz,
        :math:`T_h = 384` mK, :math:`T_c = 96` mK, :math:`T_p` = 50–500 mK.

        The paper does not say whether its "GHz" rates are cyclic or angular.
        ``rates="cyclic"`` (default) reads them like :math:`\omega_0`:
        :math:`\gamma = 2\pi \times 0.5` GHz, i.e. :math:`\gamma/\omega_0 = 0.125`, the
        "approximately 10%" of Sec. V; ``rates="angular"`` reads :math:`\gamma = 0.5\times
        10^9` s⁻¹. Only the scale of the currents changes (ratios of currents do not).

        ``gamma`` is :math:`\gamma_h = \gamma_c` (Table 1: 0.5 GHz). Appendix D prints
        :math:`\gamma_1 = 1` GHz "as per Table 1"; ``gamma="1 GHz"`` is that reading
        applied to both baths (it reproduces the Fig. 5b percentages, see docs/seed003.md).
        """
        checks.one_of("rates", rates, ("cyclic", "angular"))

        def rate(value):
            if isinstance(value, str):
                number, unit = value.split()
                if unit != "GHz":
                    raise ValueError(f"table1 rates are given in GHz, got {value!r}")
                value = float(number)
            return (TWO_PI if rates == "cyclic" else 1.0) * value * 1e9

        return cls(n_qubits=n_qubits, omega0=Frequency.cyclic(4.0, "GHz"),
                   gamma_h=rate(gamma), gamma_c=rate(gamma), T_h="384 mK",
                   T_c="96 mK", gamma_p=rate(gamma_p), T_p=T_p, initial=initial)

    @classmethod
    def from_circuit(cls, n_qubits: int, omega0, omega_lc, resistance_h: float,
                     resistance_c: float, quality_h: float, quality_c: float,
                     coupling_h: float, coupling_c: float, T_h, T_c, gamma_p=0.0, T_p=0.0,
                     initial="ground") -> DickeHeatValve:
        r"""Rates from the RLC circuits (seed 003, Eq. B19).

        .. math:: \gamma_i = \frac{4\hbar\omega_0 R_i G_i^2}
                  {1 + Q_i^2(\omega_0/\omega_{LC} - \omega_{LC}/\omega_0)^2}

        Parameters
        ----------
        omega0, omega_lc : Frequency, str or float
            Qubit and LC frequencies (float = rad/s).
        resistance_h, resistance_c : float
            :math:`R_i` in ohm.
        quality_h, quality_c : float
            Quality factors :math:`Q_i = \omega_{LC}/\kappa_i`.
        coupling_h, coupling_c : float
            :math:`G_i` in 1/(V s) (Eq. 4: :math:`H_{\rm int} = -\hbar G_i J_x V_i`).
        """
        from .base import coerce

        w0 = coerce("omega0", "angular_frequency", omega0)
        wlc = coerce("omega_lc", "angular_frequency", omega_lc)
        rates = []
        for tag, r, q, g in (("h", resistance_h, quality_h, coupling_h),
                             ("c", resistance_c, quality_c, coupling_c)):
            checks.positive(f"resistance_{tag}", r)
            checks.positive(f"quality_{tag}", q)
            checks.non_negative(f"coupling_{tag}", g)
            density = RLCSpectralDensity(4 * HBAR * wlc * r * g**2, wlc, q)
            rates.append(float(density(w0)))
        return cls(n_qubits=n_qubits, omega0=w0, gamma_h=rates[0], gamma_c=rates[1], T_h=T_h,
                   T_c=T_c, gamma_p=gamma_p, T_p=T_p, initial=initial)

    # -- natural units ------------------------------------------------------------------
    @property
    def natural_parameters(self) -> dict[str, float]:
        r"""Rates in units of :math:`\omega_0`, temperatures in units of :math:`T_0 =
        \hbar\omega_0/k_B`."""
        t0 = HBAR * self.omega0 / K_B
        return {"gamma_h": self.gamma_h / self.omega0, "gamma_c": self.gamma_c / self.omega0,
                "gamma_p": self.gamma_p / self.omega0, "t_h": self.T_h / t0,
                "t_c": self.T_c / t0, "t_p": self.T_p / t0}

    @property
    def power_unit(self) -> float:
        r""":math:`\hbar\omega_0^2` in watt (the natural unit of heat current)."""
        return HBAR * self.omega0**2

    def _nat(self):
        p = self.natural_parameters
        return p["gamma_h"], p["gamma_c"], p["t_h"], p["t_c"]

    # -- premises -----------------------------------------------------------------------
    def check_premises(self) -> bool:
        """Weak coupling (rates << omega0) and a collective linewidth N*gamma <= omega0."""
        g = max(self.gamma_h, self.gamma_c, self.gamma_p)
        ok = check_much_less(g, self.omega0, "weak coupling (Born-Markov, gamma << omega0)",
                             "max_rate", "omega0", factor=WEAK_COUPLING_FACTOR)
        big = self.n_qubits * max(self.gamma_h, self.gamma_c)
        ok &= check_premise(
            big <= self.omega0, "Markov approximation for the collective linewidth",
            "the superradiant linewidth N*gamma exceeds the qubit frequency omega0; the "
            "Lindblad equation (Eq. 9) is the model, not a controlled approximation, here",
            stacklevel=3, n_times_gamma=big, omega0=self.omega0)
        return bool(ok)

    # -- engine -------------------------------------------------------------------------
    def baths(self) -> list[DickeBath]:
        """The three baths for :mod:`qfridge.engines.collective`, rates in units of omega0."""
        p = self.natural_parameters
        out = [DickeBath.thermal("hot", p["gamma_h"], bose(1.0, p["t_h"])),
               DickeBath.thermal("cold", p["gamma_c"], bose(1.0, p["t_c"]))]
        if self.gamma_p > 0:
            n_p = bose(1.0, p["t_p"]) if p["t_p"] > 0 else 0.0
            out.append(DickeBath.thermal("parasitic", p["gamma_p"], n_p, collective=False))
        return out

    def rate_equation(self) -> CollectiveRateEquation:
        """The permutation-symmetric rate equation (natural units: omega0 = 1)."""
        return CollectiveRateEquation(self.n_qubits, 1.0, self.baths())

    def _sector_weights(self) -> np.ndarray:
        basis = DickeBasis(self.n_qubits)
        w = np.zeros(basis.j_values.size)
        init = self.initial
        if isinstance(init, str):
            checks.one_of("initial", init, INITIAL_CHOICES)
            if init == "ground":
                w[0] = 1.0
            else:
                logw = log_dicke_degeneracy(self.n_qubits, basis.j_values) + \
                    np.log(2 * basis.j_values + 1)
                w = np.exp(logw - logw.max())
        elif isinstance(init, Mapping):
            for jj, pj in init.items():
                w[basis.sector_index(jj)] += float(checks.non_negative(f"initial[{jj}]", pj))
        elif isinstance(init, int | float | np.integer | np.floating) and \
                not isinstance(init, bool):
            w[basis.sector_index(init)] = 1.0
        else:
            raise ValueError(f"initial must be 'ground', 'mixed', a total spin J or a mapping "
                             f"{{J: P_J}}, got {init!r}")
        if not w.sum() > 0:
            raise ValueError(f"initial gives no weight to any J sector: {init!r}")
        return w / w.sum()

    @cached_property
    def steady_state(self) -> DickeState:
        """The exact steady state (Dicke-basis populations), cached."""
        self.check_premises()
        eq = self.rate_equation()
        if eq.conserves_j:
            return eq.steady_state(self._sector_weights())
        return eq.steady_state()

    def heat_currents(self, natural: bool = False) -> dict[str, float]:
        r"""Steady heat current of every bath (Eq. 22), W (or :math:`\hbar\omega_0^2`).

        Positive = energy leaves that bath. Keys ``hot``, ``cold`` (and ``parasitic``).
        """
        q = self.rate_equation().heat_currents(self.steady_state)
        scale = 1.0 if natural else self.power_unit
        return {k: v * scale for k, v in q.items()}

    def heat_current_hot(self, natural: bool = False) -> float:
        """:math:`\\dot Q_h`, out of the hot bath (W, or natural units)."""
        return self.heat_currents(natural)["hot"]

    def heat_current_cold(self, natural: bool = False) -> float:
        """:math:`\\dot Q_c`, out of the cold bath (negative when it is heated)."""
        return self.heat_currents(natural)["cold"]

    def heat_current_parasitic(self, natural: bool = False) -> float:
        """Out of the parasitic bath (0 without it)."""
        return self.heat_currents(natural).get("parasitic", 0.0)

    def mean_j_squared(self) -> float:
        r""":math:`\langle J^2\rangle` in the steady state."""
        return self.steady_state.mean_j2

    # -- closed forms on this model ------------------------------------------------------
    def effective_temperature(self) -> float:
        """:math:`T^*` of Eq. 16, in K."""
        gh, gc, th, tc = self._nat()
        return effective_temperature(1.0, gh, gc, th, tc) * HBAR * self.omega0 / K_B

    def independent_current(self, natural: bool = False) -> float:
        """Eq. 26 for this N (no parasitic bath), W (or natural units)."""
        gh, gc, th, tc = self._nat()
        q = independent_current(self.n_qubits, 1.0, gh, gc, th, tc)
        return q * (1.0 if natural else self.power_unit)

    def sector_current(self, j=None, natural: bool = False) -> float:
        """Eq. 24 in the sector J (default N/2), W (or natural units)."""
        j = self.n_qubits / 2 if j is None else j
        DickeBasis(self.n_qubits).sector_index(j)
        gh, gc, th, tc = self._nat()
        return sector_current(j, 1.0, gh, gc, th, tc) * (1.0 if natural else self.power_unit)

    def ratio_to_independent(self) -> float:
        r""":math:`\dot Q_h/\dot Q_h^{\rm ind}` (collective advantage; Eq. 26 without the
        parasitic bath as reference, as in the paper's Fig. 5b)."""
        return self.heat_current_hot(True) / self.independent_current(True)

    def temperatures(self) -> dict[str, Temperature]:
        return {"T_h": Temperature(self.T_h), "T_c": Temperature(self.T_c),
                "T_p": Temperature(self.T_p)}
