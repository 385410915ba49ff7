r"""Thermodynamics of a steady state: entropy production, work, efficiency, COP and bounds.

Every steady-state engine (:class:`~qfridge.engines.lindblad.MasterEquation` local and
global, the batched Pauli :class:`~qfridge.engines.rates.RateEquation`, the collective
:class:`~qfridge.engines.collective.CollectiveRateEquation`, Redfield and Floquet–Markov)
hands its per-bath currents and the baths' temperatures to one :class:`Thermodynamics`,
so that every quantity below has one definition (docs/thermodynamics.md).

Conventions (:math:`\hbar = k_B = 1`; the sign of docs/units.md):

* :math:`J_b > 0`: energy leaves bath :math:`b` into the machine.
* A bath at :math:`T_b = \infty` (:class:`~qfridge.core.baths.WorkReservoir`) exchanges
  work, not heat: it produces no entropy, and its current counts as work input.
* ``power`` is the work per unit time delivered by external drives (a periodic
  :math:`H(t)`); in a steady state :math:`P_{\rm in} = -\sum_b J_b`.
* Entropy production :math:`\sigma = -\sum_{b:\,T_b<\infty} J_b/T_b \ge 0` (second law).

Arrays broadcast: a batched engine passes currents of shape ``(...)``; a quantity that
is undefined at a point (a machine that is not an engine there, for :meth:`efficiency`)
is NaN there, while a scalar machine is refused with :class:`ModeError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..core import checks
from ..core.validity import check_premise

#: Relative size below which a current counts as zero (of the largest current).
CURRENT_TOL = 1e-9
#: Relative size (of :math:`\sum_b |J_b|/T_b`) of a negative entropy production that is
#: reported as a violation of the second law.
SECOND_LAW_TOL = 1e-8


class ModeError(ValueError):
    """The machine is not in the operating mode a quantity needs (with the numbers)."""


def _as_array(name: str, value) -> np.ndarray:
    return np.asarray(checks.finite(name, value), dtype=float)


@dataclass(frozen=True)
class Thermodynamics:
    r"""Currents of one steady state (or a grid of them) and what follows from them.

    Parameters
    ----------
    currents : mapping of bath name to float or ndarray
        :math:`J_b`, energy per unit time leaving bath :math:`b` (natural units).
    temperatures : mapping of bath name to float
        :math:`T_b \ge 0`; ``inf`` marks a work reservoir.
    power : float or ndarray
        :math:`P_{\rm in}`, work per unit time delivered by external drives (0 for an
        autonomous machine).
    local_currents : mapping, optional
        The jump-counted ("local") currents :math:`J_b^{\rm loc} = -\sum_k \epsilon_k
        \gamma_k \langle L_k^\dagger L_k\rangle` of a local master equation (they differ
        from :math:`J_b = \mathrm{Tr}[H\mathcal{D}_b\rho]` when subsystems interact).
    spohn : mapping, optional
        Spohn's per-bath entropy production :math:`\sigma_b = -\mathrm{Tr}[\mathcal{D}_b
        (\rho)\ln\rho] - J_b^{\rm loc}/T_b \ge 0` of a local master equation.
    """

    currents: Mapping[str, object]
    temperatures: Mapping[str, float]
    power: object = 0.0
    local_currents: Mapping[str, object] | None = None
    spohn: Mapping[str, float] | None = None
    _shape: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if not self.currents:
            raise ValueError("thermodynamics needs the current of at least one bath")
        missing = [b for b in self.currents if b not in self.temperatures]
        if missing:
            raise ValueError(f"no temperature for bath(s) {missing}; temperatures are given "
                             f"for {list(self.temperatures)}")
        temps = {}
        for b in self.currents:
            t = np.asarray(self.temperatures[b], dtype=float)
            if not np.all(t >= 0):
                raise ValueError(f"temperature of bath {b!r} must be >= 0 (inf for a work "
                                 f"reservoir), got {self.temperatures[b]!r}")
            if np.any(np.isinf(t)) and not np.all(np.isinf(t)):
                raise ValueError(f"bath {b!r} is a work reservoir (T = inf) at some points "
                                 "and a heat bath at others; give it one role")
            temps[b] = float(t) if t.ndim == 0 else t
        currents = {b: _as_array(f"current of bath {b!r}", j) for b, j in self.currents.items()}
        power = _as_array("power", self.power)
        shape = np.broadcast_shapes(power.shape, *(j.shape for j in currents.values()),
                                    *(np.shape(t) for t in temps.values()))
        object.__setattr__(self, "currents", currents)
        object.__setattr__(self, "temperatures", temps)
        object.__setattr__(self, "power", power)
        object.__setattr__(self, "_shape", shape)

    # -- bookkeeping ------------------------------------------------------------------
    @property
    def heat_baths(self) -> list[str]:
        """Baths at a finite temperature."""
        return [b for b, t in self.temperatures.items() if np.all(np.isfinite(t))]

    @property
    def work_reservoirs(self) -> list[str]:
        """Baths at infinite temperature (they exchange work)."""
        return [b for b, t in self.temperatures.items() if not np.all(np.isfinite(t))]

    def _temperature(self, b: str) -> np.ndarray:
        return np.broadcast_to(self.temperatures[b], self._shape)

    def _stack(self, names) -> np.ndarray:
        return np.array([np.broadcast_to(self.currents[b], self._shape) for b in names]
                        ).reshape((len(names),) + self._shape)

    @property
    def work_input(self):
        r""":math:`W_{\rm in} = P_{\rm in} + \sum_{b:\,T_b=\infty} J_b`: work per unit time
        the machine receives (drives and work reservoirs)."""
        return self._out(self.power + self._stack(self.work_reservoirs).sum(axis=0))

    @property
    def power_output(self):
        r""":math:`P_{\rm out} = -W_{\rm in}`: work per unit time the machine delivers."""
        return -self.work_input

    @property
    def scale(self):
        """Largest current or power (what "zero" is measured against)."""
        return self._out(np.maximum(np.abs(self._stack(list(self.currents))).max(axis=0),
                                    np.abs(np.broadcast_to(self.power, self._shape))))

    @property
    def energy_balance(self):
        r""":math:`\sum_b J_b + P_{\rm in}`: zero in a steady state of an energy-conserving
        engine (not of the local form with interacting subsystems)."""
        return self._out(self._stack(list(self.currents)).sum(axis=0) + self.power)

    @staticmethod
    def _out(x):
        x = np.asarray(x, dtype=float)
        return float(x) if x.ndim == 0 else x

    def _entropy(self, currents: Mapping[str, object]):
        total = np.zeros(self._shape)
        for b in self.heat_baths:
            j = np.broadcast_to(np.asarray(currents[b], dtype=float), self._shape)
            t = self._temperature(b)
            # a bath at T = 0 cannot give heat; heat it receives costs infinite entropy
            frozen = np.where(j < 0, np.inf, np.where(j > 0, -np.inf, 0.0))
            with np.errstate(divide="ignore", invalid="ignore"):
                total = total + np.where(t > 0, -j / t, frozen)
        return self._out(total)

    # -- second law -------------------------------------------------------------------
    @property
    def entropy_production(self):
        r""":math:`\sigma = -\sum_{b:\,T_b<\infty} J_b/T_b` (natural units: rate of entropy
        in units of :math:`k_B`)."""
        return self._entropy(self.currents)

    @property
    def spohn_entropy_production(self):
        r"""Spohn's form :math:`-\sum_b J^{\rm loc}_b/T_b` from the jump-counted currents
        of a local master equation (non-negative by Spohn's inequality); ``None`` when the
        engine is not local."""
        return None if self.local_currents is None else self._entropy(self.local_currents)

    def second_law_violation(self):
        r"""How much :math:`\sigma` falls below zero, relative to :math:`\sum_b |J_b|/T_b`
        (0 when the second law holds; the number a violation is reported with)."""
        flows = np.zeros(self._shape)
        for b in self.heat_baths:
            t = self._temperature(b)
            flows = flows + np.abs(np.broadcast_to(self.currents[b], self._shape)) / \
                np.where(t > 0, t, np.finfo(float).tiny)
        sigma = np.asarray(self.entropy_production)
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(flows > 0, np.maximum(-sigma, 0.0) / flows, 0.0)
        return self._out(rel)

    def check_second_law(self, what: str = "this steady state", stacklevel: int = 3) -> bool:
        """Warn (:class:`~qfridge.core.validity.PremiseWarning`) when :math:`\\sigma <
        -` :data:`SECOND_LAW_TOL` :math:`\\sum_b |J_b|/T_b` anywhere; return whether it
        holds. A local master equation of strongly coupled subsystems violates it."""
        rel = np.asarray(self.second_law_violation())
        worst = int(np.argmax(rel)) if rel.ndim else 0
        sigma = np.asarray(self.entropy_production).ravel()[worst]
        values = {"entropy_production": float(sigma), "relative_violation": float(rel.max())}
        for b in self.heat_baths:
            t = float(self._temperature(b).ravel()[worst])
            values[f"J_{b}/T_{b}"] = float(np.broadcast_to(self.currents[b], self._shape)
                                           .ravel()[worst]) / t if t > 0 else float("nan")
        if self.spohn_entropy_production is not None:
            values["spohn_entropy_production"] = float(
                np.asarray(self.spohn_entropy_production).ravel()[worst])
        return check_premise(
            bool(rel.max() <= SECOND_LAW_TOL), "second law (entropy production >= 0)",
            f"{what} has negative entropy production -sum_b J_b/T_b"
            + (" (a local master equation breaks it when the subsystems interact strongly; "
               "use the global form or Redfield)" if self.local_currents is not None else ""),
            stacklevel=stacklevel, **values)

    # -- operating modes --------------------------------------------------------------
    def _zero(self):
        return CURRENT_TOL * np.asarray(self.scale)

    def is_engine(self):
        """Whether the machine delivers work (:math:`P_{\\rm out} > 0`)."""
        return np.asarray(self.power_output) > self._zero()

    def cold_bath(self, cold: str | None = None) -> str:
        """The bath a refrigerator cools: ``cold`` checked, or the coldest heat bath."""
        if cold is not None:
            if cold not in self.heat_baths:
                raise ValueError(f"cold must be one of the heat baths {self.heat_baths}, "
                                 f"got {cold!r}")
            return cold
        if not self.heat_baths:
            raise ModeError("no heat bath (every bath is at infinite temperature)")
        return min(self.heat_baths, key=lambda b: float(np.mean(self.temperatures[b])))

    def is_refrigerator(self, cold: str | None = None):
        """Whether heat leaves the cold bath (default: the coldest heat bath)."""
        return np.broadcast_to(self.currents[self.cold_bath(cold)], self._shape) > self._zero()

    @property
    def mode(self):
        """``"engine"``, ``"refrigerator"`` (the coldest bath is cooled), ``"engine and
        refrigerator"`` or ``"dissipator"`` (neither: heat only flows downhill or work is
        turned into heat); an array of them for a grid."""
        engine, fridge = np.asarray(self.is_engine()), np.asarray(self.is_refrigerator())
        modes = np.where(engine & fridge, "engine and refrigerator",
                         np.where(engine, "engine", np.where(fridge, "refrigerator",
                                                             "dissipator")))
        return str(modes) if modes.ndim == 0 else modes

    def _positive_heat(self, exclude: str | None = None) -> np.ndarray:
        heat = np.zeros(self._shape)
        for b in self.heat_baths:
            if b != exclude:
                heat = heat + np.maximum(np.broadcast_to(self.currents[b], self._shape), 0.0)
        return heat

    def _require(self, where, what: str, why: str):
        where = np.asarray(where)
        if where.ndim == 0 and not bool(where):
            raise ModeError(f"{what} is undefined: {why}")

    def efficiency(self):
        r"""Engine efficiency :math:`\eta = P_{\rm out}/\sum_{b:\,J_b>0,\,T_b<\infty}J_b`.

        Raises :class:`ModeError` (scalar) or gives NaN (grid) where the machine delivers
        no work.
        """
        engine = self.is_engine()
        self._require(engine, "the efficiency",
                      f"the machine delivers no work (P_out = {self.power_output:.6g}, "
                      f"heat currents {self._numbers()})" if np.ndim(engine) == 0 else "")
        with np.errstate(invalid="ignore", divide="ignore"):
            eta = np.asarray(self.power_output) / self._positive_heat()
        return self._out(np.where(engine, eta, np.nan))

    def cop(self, cold: str | None = None):
        r"""Refrigerator coefficient of performance :math:`J_c/(W_{\rm in}^+ + \sum_{b\ne c:
        \,J_b>0,\,T_b<\infty}J_b)`: heat drawn from the cold bath per unit of resource
        (work, or heat from a hotter bath in an absorption refrigerator).

        ``cold`` defaults to the coldest heat bath. Raises :class:`ModeError` (scalar) or
        gives NaN (grid) where the cold bath is not cooled.
        """
        c = self.cold_bath(cold)
        fridge = self.is_refrigerator(c)
        self._require(fridge, "the COP", f"bath {c!r} is not cooled (J_{c} = "
                      f"{float(np.asarray(self.currents[c])):.6g} <= 0; currents "
                      f"{self._numbers()})" if np.ndim(fridge) == 0 else "")
        resource = np.maximum(np.asarray(self.work_input), 0.0) + self._positive_heat(c)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.broadcast_to(self.currents[c], self._shape) / resource
        return self._out(np.where(fridge, value, np.nan))

    def _extreme(self, sign: int, exclude: str | None, pick) -> np.ndarray:
        """The max/min (``pick``) temperature of the heat baths whose current has ``sign``."""
        out = np.full(self._shape, np.nan)
        for b in self.heat_baths:
            if b == exclude:
                continue
            j = np.broadcast_to(self.currents[b], self._shape)
            hit = sign * j > self._zero()
            t = self._temperature(b)
            out = np.where(hit, np.where(np.isnan(out), t, pick(out, t)), out)
        return out

    def carnot_bound(self, mode: str | None = None, cold: str | None = None):
        r"""The reversible bound of this operating point, from :math:`\sigma \ge 0`.

        * engine: :math:`\eta \le 1 - T_c/T_h`, :math:`T_h` the hottest bath that gives
          heat and :math:`T_c` the coldest that takes it (two baths: Carnot);
        * refrigerator (cold bath :math:`c`): with :math:`T_r` the coldest bath that takes
          heat and :math:`T_d` the hottest other bath that gives it,
          :math:`\mathrm{COP} \le (Q_d a + W b)/((Q_d + W) c)`, :math:`a = 1/T_r - 1/T_d`,
          :math:`b = 1/T_r`, :math:`c = 1/T_c - 1/T_r` — :math:`T_c/(T_r - T_c)` for a
          work-driven fridge and :math:`(1 - T_r/T_d)/(T_r/T_c - 1)` for an absorption one.

        ``mode`` defaults to ``"engine"`` when the machine is one, else ``"refrigerator"``.
        """
        if mode is None:
            mode = "engine" if np.all(self.is_engine()) else "refrigerator"
        if mode == "engine":
            engine = self.is_engine()
            self._require(engine, "the Carnot bound of an engine",
                          "the machine delivers no work")
            t_h = self._extreme(+1, None, np.maximum)
            t_c = self._extreme(-1, None, np.minimum)
            with np.errstate(invalid="ignore", divide="ignore"):
                bound = 1.0 - t_c / t_h
            return self._out(np.where(engine, bound, np.nan))
        if mode != "refrigerator":
            raise ValueError(f"mode must be 'engine' or 'refrigerator', got {mode!r}")
        c = self.cold_bath(cold)
        fridge = self.is_refrigerator(c)
        self._require(fridge, "the Carnot bound of a refrigerator", f"bath {c!r} is not cooled")
        t_c = self._temperature(c)
        t_r = self._extreme(-1, c, np.minimum)
        t_d = self._extreme(+1, c, np.maximum)
        q_d = self._positive_heat(c)
        w = np.maximum(np.asarray(self.work_input), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(q_d > 0, 1.0 / t_r - 1.0 / t_d, 0.0)
            bound = (q_d * a + w / t_r) / ((q_d + w) * (1.0 / t_c - 1.0 / t_r))
        return self._out(np.where(fridge, bound, np.nan))

    # -- presentation -----------------------------------------------------------------
    def _numbers(self) -> str:
        return ", ".join(f"J_{b} = {float(np.asarray(j).ravel()[0]):.6g}"
                         for b, j in self.currents.items())

    def summary(self) -> str:
        """One line per quantity (scalar machines)."""
        if self._shape:
            modes = sorted(set(np.ravel(self.mode)))
            return f"thermodynamics of a grid of shape {self._shape}; modes {modes}"
        lines = [f"  J_{b} = {float(j):+.6g}  (T = {self.temperatures[b]:.6g})"
                 for b, j in self.currents.items()]
        if float(self.power):
            lines.append(f"  P_in = {float(self.power):+.6g}")
        lines.append(f"  entropy production = {self.entropy_production:.6g}")
        if self.spohn_entropy_production is not None:
            lines.append(f"  Spohn (local) entropy production = "
                         f"{self.spohn_entropy_production:.6g}")
        lines.append(f"  mode: {self.mode}")
        if self.is_engine():
            lines.append(f"  efficiency = {self.efficiency():.6g} <= "
                         f"{self.carnot_bound('engine'):.6g}")
        if self.is_refrigerator():
            lines.append(f"  COP = {self.cop():.6g} <= {self.carnot_bound('refrigerator'):.6g}")
        return "\n".join(lines)
