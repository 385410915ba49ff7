r"""A user's own machine, described by data (a TOML file or a dict): subsystems, their
interactions, baths, and optionally a periodic drive.

.. math::

    H = \sum_k H_k + \sum_{(k,l)} g_{kl}\,V_{kl}, \qquad
    H_k = \omega_k a_k^\dagger a_k \ (\text{qubit, oscillator}) \ \text{or}\
    \sum_n E_n |n\rangle\langle n| \ (\text{levels}),

with :math:`V_{kl}` = ``exchange`` :math:`a_k^\dagger a_l + a_l^\dagger a_k`, ``xx``
:math:`(a_k + a_k^\dagger)(a_l + a_l^\dagger)` or ``zz`` :math:`a_k^\dagger a_k\,
a_l^\dagger a_l` (:math:`a_k` the lowering operator: :math:`\sigma^-`, the truncated
:math:`a`, or :math:`|i\rangle\langle j|` of a ``levels`` subsystem's chosen transition).
Each bath couples to one subsystem's transition: in the local form through the lowering
operator :math:`a_k` at its bare frequency, in the global form through :math:`a_k +
a_k^\dagger`. Natural units (:math:`\hbar = k_B = 1`); a temperature ``"inf"`` makes a
work reservoir. The file format is documented in docs/thermodynamics.md::

    form = "global"                       # or "local"
    [[subsystem]]
    kind = "qubit"                        # "qubit", "oscillator" (levels = N), "levels"
    frequency = 1.0
    [[subsystem]]
    kind = "levels"
    energies = [0.0, 1.0, 3.0]
    [[interaction]]
    between = [0, 1]
    kind = "exchange"
    strength = 0.05
    [[bath]]
    name = "hot"
    temperature = 10.0                    # or "inf": a work reservoir
    subsystem = 1
    transition = [0, 2]                   # levels subsystems: which pair of levels
    spectral_density = {kind = "flat", gamma = 0.01}   # or {kind = "ohmic", alpha, cutoff}
    [drive]                               # optional: H0 + amplitude (a_k + a_k^dag) cos(w t)
    subsystem = 0
    amplitude = 0.05
    frequency = 1.0
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import qutip

from ..core import checks
from ..core.baths import BosonicBath, OhmicSpectralDensity, WorkReservoir
from ..engines.lindblad import MasterEquation, Transition

KINDS = ("qubit", "oscillator", "levels")
INTERACTIONS = ("exchange", "xx", "zz")
FORMS = ("global", "local")


class MachineError(ValueError):
    """A machine description that cannot be built, naming the entry and the value."""


def _number(where: str, value, *, positive=False, allow_inf=False) -> float:
    if isinstance(value, str):
        if allow_inf and value.strip().lower() in ("inf", "infinity"):
            return float("inf")
        raise MachineError(f"{where} must be a number in natural units (hbar = k_B = 1; see "
                           f"docs/units.md to convert), got {value!r}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MachineError(f"{where} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) and not (allow_inf and value == np.inf):
        raise MachineError(f"{where} must be finite, got {value!r}")
    if positive and not value > 0:
        raise MachineError(f"{where} must be > 0, got {value!r}")
    return value


def _keys(where: str, entry: dict, allowed: set[str], required: set[str] = frozenset()):
    if not isinstance(entry, dict):
        raise MachineError(f"{where} must be a table, got {entry!r}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise MachineError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(required - set(entry))
    if missing:
        raise MachineError(f"{where}: missing key(s) {missing}")


@dataclass(frozen=True)
class Subsystem:
    """One part of the machine: ``kind`` qubit / oscillator (``levels`` kept) / levels
    (``energies``); ``transition`` (i, j), i < j, is the pair of levels a ``levels``
    subsystem's lowering operator :math:`|i\\rangle\\langle j|` connects."""

    kind: str
    frequency: float = 0.0
    levels: int = 2
    energies: tuple = ()

    @property
    def dimension(self) -> int:
        return len(self.energies) if self.kind == "levels" else self.levels

    def hamiltonian(self) -> qutip.Qobj:
        if self.kind == "levels":
            return qutip.Qobj(np.diag(self.energies))
        return self.frequency * qutip.num(self.dimension)

    def lowering(self, transition=None) -> tuple[qutip.Qobj, float]:
        """The lowering operator and the energy it releases (for ``levels``: of
        ``transition`` (i, j), default the two lowest levels)."""
        if self.kind != "levels":
            return qutip.destroy(self.dimension), self.frequency
        i, j = transition if transition is not None else (0, 1)
        op = qutip.basis(self.dimension, i) * qutip.basis(self.dimension, j).dag()
        return op, float(self.energies[j] - self.energies[i])


@dataclass(frozen=True)
class BathSpec:
    """A bath: name, temperature (``inf``: work reservoir), the subsystem (and for levels
    the transition) it couples to, and its spectral density (flat ``gamma`` or ohmic
    ``alpha, cutoff``)."""

    name: str
    temperature: float
    subsystem: int
    transition: tuple | None
    density: tuple

    def bath(self):
        kind, *values = self.density
        if not np.isfinite(self.temperature):
            if kind != "flat":
                raise MachineError(f"bath {self.name!r}: a work reservoir (temperature inf) "
                                   "needs a flat spectral density {kind = 'flat', gamma}")
            return WorkReservoir(values[0], name=self.name)
        spec = values[0] if kind == "flat" else OhmicSpectralDensity(*values)
        return BosonicBath(self.temperature, spec, name=self.name)


@dataclass(frozen=True)
class Machine:
    """A machine from data (see the module docstring for the format and the Hamiltonian).

    Build it with :meth:`from_toml` or :meth:`from_dict`; :meth:`master_equation` gives
    its :class:`~qfridge.engines.lindblad.MasterEquation` (``form`` global or local),
    :meth:`redfield` and :meth:`floquet` the other engines of the same baths, and
    :func:`qfridge.engines.audit.audit` audits it.
    """

    subsystems: tuple
    interactions: tuple = ()
    baths: tuple = ()
    form: str = "global"
    drive: tuple | None = None
    name: str = "machine"
    source: dict = field(default_factory=dict, compare=False, repr=False)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path) -> Machine:
        """Read a machine file (TOML; format in the module docstring)."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MachineError(f"no machine file {path}") from None
        except tomllib.TOMLDecodeError as err:
            raise MachineError(f"{path} is not valid TOML: {err}") from None
        data.setdefault("name", path.stem)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> Machine:
        """Build from a dict with the TOML file's structure (errors name the entry)."""
        _keys("machine", data, {"name", "form", "subsystem", "interaction", "bath", "drive"},
              {"subsystem", "bath"})
        form = data.get("form", "global")
        if form not in FORMS:
            raise MachineError(f"form must be one of {FORMS}, got {form!r}")
        subs = [cls._subsystem(k, s) for k, s in enumerate(_list("subsystem", data))]
        inter = [cls._interaction(k, s, len(subs)) for k, s in
                 enumerate(_list("interaction", data, required=False))]
        baths = [cls._bath(k, b, subs) for k, b in enumerate(_list("bath", data))]
        names = [b.name for b in baths]
        if len(set(names)) != len(names):
            raise MachineError(f"bath names must be distinct, got {names}")
        drive = None
        if "drive" in data:
            d = data["drive"]
            _keys("drive", d, {"subsystem", "amplitude", "frequency"},
                  {"subsystem", "amplitude", "frequency"})
            drive = (_index("drive.subsystem", d["subsystem"], len(subs)),
                     _number("drive.amplitude", d["amplitude"]),
                     _number("drive.frequency", d["frequency"], positive=True))
        return cls(tuple(subs), tuple(inter), tuple(baths), form, drive,
                   str(data.get("name", "machine")), dict(data))

    @staticmethod
    def _subsystem(k: int, s: dict) -> Subsystem:
        where = f"subsystem[{k}]"
        _keys(where, s, {"kind", "frequency", "levels", "energies"}, {"kind"})
        kind = s["kind"]
        if kind not in KINDS:
            raise MachineError(f"{where}.kind must be one of {KINDS}, got {kind!r}")
        if kind == "levels":
            if "energies" not in s:
                raise MachineError(f"{where}: a levels subsystem needs energies = [...]")
            e = tuple(_number(f"{where}.energies", x) for x in s["energies"])
            if len(e) < 2:
                raise MachineError(f"{where}.energies needs at least 2 levels, got {e}")
            return Subsystem(kind, energies=e)
        omega = _number(f"{where}.frequency", s.get("frequency"), positive=True)
        levels = 2 if kind == "qubit" else s.get("levels")
        if kind == "oscillator":
            levels = checks.integer_at_least(f"{where}.levels", levels, 2)
        return Subsystem(kind, omega, levels)

    @staticmethod
    def _interaction(k: int, s: dict, n: int) -> tuple:
        where = f"interaction[{k}]"
        _keys(where, s, {"between", "kind", "strength"}, {"between", "strength"})
        kind = s.get("kind", "exchange")
        if kind not in INTERACTIONS:
            raise MachineError(f"{where}.kind must be one of {INTERACTIONS}, got {kind!r}")
        pair = s["between"]
        if not isinstance(pair, list) or len(pair) != 2:
            raise MachineError(f"{where}.between must be two subsystem indices, got {pair!r}")
        a, b = (_index(f"{where}.between", x, n) for x in pair)
        if a == b:
            raise MachineError(f"{where}.between must name two different subsystems")
        return (a, b, kind, _number(f"{where}.strength", s["strength"]))

    @staticmethod
    def _bath(k: int, b: dict, subs: list[Subsystem]) -> BathSpec:
        where = f"bath[{k}]"
        _keys(where, b, {"name", "temperature", "subsystem", "transition",
                         "spectral_density"}, {"temperature", "subsystem", "spectral_density"})
        name = str(b.get("name", f"bath{k}"))
        temp = _number(f"{where}.temperature", b["temperature"], allow_inf=True)
        if temp < 0:
            raise MachineError(f"{where}.temperature must be >= 0, got {temp}")
        index = _index(f"{where}.subsystem", b["subsystem"], len(subs))
        transition = None
        if subs[index].kind == "levels":
            t = b.get("transition", [0, 1])
            d = subs[index].dimension
            if not (isinstance(t, list) and len(t) == 2 and all(isinstance(x, int) for x in t)
                    and 0 <= t[0] < d and 0 <= t[1] < d
                    and subs[index].energies[t[1]] > subs[index].energies[t[0]]):
                raise MachineError(f"{where}.transition must be [i, j] with E_j > E_i among "
                                   f"{d} levels, got {t!r}")
            transition = tuple(t)
        elif "transition" in b:
            raise MachineError(f"{where}.transition applies to a levels subsystem only")
        spec = b["spectral_density"]
        _keys(f"{where}.spectral_density", spec, {"kind", "gamma", "alpha", "cutoff"}, {"kind"})
        if spec["kind"] == "flat":
            density = ("flat", _number(f"{where}.spectral_density.gamma", spec.get("gamma"),
                                       positive=True))
        elif spec["kind"] == "ohmic":
            density = ("ohmic", _number(f"{where}.spectral_density.alpha", spec.get("alpha"),
                                        positive=True),
                       _number(f"{where}.spectral_density.cutoff", spec.get("cutoff"),
                               positive=True))
        else:
            raise MachineError(f"{where}.spectral_density.kind must be 'flat' or 'ohmic', "
                               f"got {spec['kind']!r}")
        return BathSpec(name, temp, index, transition, density)

    # -- operators ----------------------------------------------------------------------
    def _embed(self, op: qutip.Qobj, k: int) -> qutip.Qobj:
        if len(self.subsystems) == 1:
            return op
        ops = [qutip.qeye(s.dimension) for s in self.subsystems]
        ops[k] = op
        return qutip.tensor(ops)

    def _lowering(self, k: int, transition=None) -> tuple[qutip.Qobj, float]:
        op, omega = self.subsystems[k].lowering(transition)
        return self._embed(op, k), omega

    def hamiltonian(self) -> qutip.Qobj:
        """:math:`H` of the module docstring (natural units)."""
        h = sum((self._embed(s.hamiltonian(), k) for k, s in enumerate(self.subsystems)),
                0 * self._embed(qutip.qeye(self.subsystems[0].dimension), 0))
        for a, b, kind, g in self.interactions:
            la, lb = self._lowering(a)[0], self._lowering(b)[0]
            if kind == "exchange":
                h += g * (la.dag() * lb + lb.dag() * la)
            elif kind == "xx":
                h += g * (la + la.dag()) * (lb + lb.dag())
            else:
                h += g * (la.dag() * la) * (lb.dag() * lb)
        return h

    def master_equation(self, form: str | None = None) -> MasterEquation:
        """The Lindblad master equation in ``form`` (default: the machine's)."""
        form = self.form if form is None else form
        if form not in FORMS:
            raise MachineError(f"form must be one of {FORMS}, got {form!r}")
        h = self.hamiltonian()
        if form == "local":
            return MasterEquation.local(h, [(b.bath(), Transition(*self._lowering(
                b.subsystem, b.transition))) for b in self.baths])
        return MasterEquation.global_secular(h, self.couplings())

    def couplings(self) -> list:
        """``(bath, A)`` pairs with :math:`A = a_k + a_k^\\dagger` (global form, Redfield,
        Floquet)."""
        out = []
        for b in self.baths:
            low = self._lowering(b.subsystem, b.transition)[0]
            out.append((b.bath(), low + low.dag()))
        return out

    def redfield(self):
        """The Bloch–Redfield engine of the same baths."""
        from ..engines.redfield import Redfield

        return Redfield(self.hamiltonian(), self.couplings())

    def floquet(self, n_sidebands: int = 8):
        """The Floquet–Markov engine of the driven machine (needs a ``[drive]``)."""
        from ..engines.floquet import FloquetMarkov

        if self.drive is None:
            raise MachineError("this machine has no [drive]; floquet() needs one")
        k, amplitude, omega = self.drive
        low = self._lowering(k)[0]
        return FloquetMarkov(self.hamiltonian(), amplitude * (low + low.dag()), omega,
                             self.couplings(), n_sidebands=n_sidebands)

    # -- for the audit ------------------------------------------------------------------
    @property
    def truncated_subsystems(self) -> list[int]:
        """Indices of the oscillators (truncated Fock spaces)."""
        return [k for k, s in enumerate(self.subsystems) if s.kind == "oscillator"]

    def refined(self, extra: int = 4) -> Machine:
        """The same machine with ``extra`` more Fock levels in every oscillator."""
        subs = tuple(replace(s, levels=s.levels + extra) if s.kind == "oscillator" else s
                     for s in self.subsystems)
        return replace(self, subsystems=subs)

    def levels_description(self) -> str:
        return ", ".join(f"{s.levels} levels in subsystem {k}"
                         for k, s in enumerate(self.subsystems) if s.kind == "oscillator")

    def description(self) -> str:
        """One line: the subsystems, interactions, baths and form."""
        parts = []
        for s in self.subsystems:
            parts.append(f"levels {list(s.energies)}" if s.kind == "levels" else
                         f"{s.kind} (omega = {s.frequency:g}"
                         + (f", {s.levels} levels)" if s.kind == "oscillator" else ")"))
        inter = "; ".join(f"{kind} {a}-{b} g = {g:g}" for a, b, kind, g in self.interactions)
        baths = "; ".join(f"{b.name} (T = {b.temperature:g}) on {b.subsystem}"
                          for b in self.baths)
        drive = "" if self.drive is None else \
            f"; drive on {self.drive[0]}, amplitude {self.drive[1]:g}, Omega {self.drive[2]:g}"
        return (f"{self.name}: " + " + ".join(parts) + (f"; {inter}" if inter else "")
                + f"; baths {baths}; {self.form} form" + drive)


def _list(key: str, data: dict, required: bool = True) -> list:
    value = data.get(key, [])
    if not isinstance(value, list) or (required and not value):
        raise MachineError(f"the machine needs at least one [[{key}]] table" if required
                           else f"[[{key}]] must be an array of tables, got {value!r}")
    return value


def _index(where: str, value, n: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise MachineError(f"{where} must be a subsystem index 0..{n - 1}, got {value!r}")
    return value
