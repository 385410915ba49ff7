r"""``audit(machine)``: every check qfridge knows, run on one machine, one row each.

A machine is a :class:`~qfridge.engines.lindblad.MasterEquation` built with
:meth:`~qfridge.engines.lindblad.MasterEquation.local` or
:meth:`~qfridge.engines.lindblad.MasterEquation.global_secular` (it remembers its
baths and coupling operators, so the audit can build the other forms of the same
machine), or any object with a ``master_equation(form=None)`` method (a
:class:`qfridge.models.machine.Machine` read from a TOML file) or a ``lindblad(form=None)``
method (the paper models, e.g. ``AbsorptionFridge``).

Rows (docs/thermodynamics.md explains each):

* premises of the form (re-run, every PremiseWarning becomes a ``warn`` row);
* uniqueness of the steady state (reciprocal condition number of the solve) and the
  Liouvillian gap (relaxation time) up to :data:`GAP_MAX` unknowns;
* positivity and energy balance of the steady state;
* second law (entropy production, and Spohn's form for the local form);
* local vs global agreement of every current (direction and size);
* Redfield (non-secular) vs this engine — the reference when the secular premise fails —
  with the positivity of the Redfield state;
* truncation convergence (machines that declare truncated oscillators);
* the thermodynamic uncertainty ratio of every heat current (full counting statistics);
* efficiency or COP against its reversible bound, in the machine's operating mode.

Status: ``pass``, ``warn`` (a premise or an approximation is stretched: read the
numbers), ``fail`` (the result is not trustworthy: a violated law or no unique state),
``n/a`` (the check does not apply, with the reason).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ..core.validity import PremiseWarning
from .lindblad import MasterEquation
from .steady import SteadyStateError
from .thermo import Thermodynamics

#: Largest Liouvillian (unknowns, d^2) whose spectrum gives the gap (dense eigenvalues).
GAP_MAX = 1600
#: Largest system (levels) compared with Redfield (a dense d^2 x d^2 generator per bath).
REDFIELD_MAX = 36
#: Relative difference of a current between two forms that is reported as a warning.
AGREEMENT_TOL = 0.05
#: Population of a truncated oscillator's top level above which the truncation warns.
TRUNCATION_TOL = 1e-6

STATUSES = ("pass", "warn", "fail", "n/a")


@dataclass(frozen=True)
class AuditRow:
    """One check: its name, ``status`` (pass / warn / fail / n/a), the key number(s) as
    text and what they mean."""

    check: str
    status: str
    value: str
    detail: str

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")


@dataclass(frozen=True)
class Audit:
    """The audit of one machine: its rows and the quantities they were computed from.

    Attributes
    ----------
    rows : tuple of AuditRow
    machine : str
        One-line description of the machine.
    thermodynamics : Thermodynamics or None
        Of the audited steady state (``None`` when it has none).
    cumulants : dict
        :class:`~qfridge.engines.fcs.CurrentCumulants` of every heat bath's current.
    state : qutip.Qobj or None
        The audited steady state.
    """

    rows: tuple
    machine: str
    thermodynamics: Thermodynamics | None = None
    cumulants: dict = field(default_factory=dict)
    state: object = None

    @property
    def ok(self) -> bool:
        """No row failed."""
        return all(r.status != "fail" for r in self.rows)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    def __str__(self) -> str:
        width = max(len(r.check) for r in self.rows)
        lines = [f"audit of {self.machine}: {self.count('pass')} pass, {self.count('warn')} "
                 f"warn, {self.count('fail')} fail, {self.count('n/a')} n/a"]
        lines += [f"  {r.status:4s}  {r.check:{width}s}  {r.value}" for r in self.rows]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The rows as a Markdown table."""
        out = ["| check | status | value | detail |", "|---|---|---|---|"]
        out += [f"| {r.check} | {r.status} | {r.value} | {r.detail} |".replace("\n", " ")
                for r in self.rows]
        return "\n".join(out)


def _capture(build):
    """``(result, [PremiseWarning, ...])`` of ``build()`` with the warnings caught."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PremiseWarning)
        result = build()
    return result, [w.message for w in caught if isinstance(w.message, PremiseWarning)]


def _premise_rows(what: str, found) -> list[AuditRow]:
    if not found:
        return [AuditRow(f"premises ({what})", "pass", "none violated",
                         "every premise check of this form held")]
    return [AuditRow(f"premise: {w.premise}", "warn",
                     ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                               for k, v in w.values.items()), str(w)) for w in found]


def _global_couplings(me: MasterEquation):
    """``(bath, A)`` pairs of the global form of ``me``'s machine, or ``None``."""
    if me.couplings is None:
        return None
    if me.form == "global":
        return me.couplings
    return [(bath, sum((t.operator + t.operator.dag() for t in transitions),
                       0 * me.hamiltonian)) for bath, transitions in me.couplings]


def _builder(machine):
    """The machine's ``form -> MasterEquation`` method, or ``None``."""
    if isinstance(machine, MasterEquation):
        return None
    for name in ("master_equation", "lindblad"):
        if callable(getattr(machine, name, None)):
            return getattr(machine, name)
    return None


def _rebuild(me: MasterEquation) -> MasterEquation:
    if me.form == "global":
        return MasterEquation.global_secular(me.hamiltonian, me.couplings)
    return MasterEquation.local(me.hamiltonian, me.couplings)


def _relative(a: float, b: float, scale: float) -> float:
    return abs(a - b) / max(abs(b), scale)


def _compare(name: str, ours: dict, other: dict, scale: float, detail: str) -> AuditRow:
    """Direction and size of every current: ``other`` is the reference."""
    worst = max(ours, key=lambda b: _relative(ours[b], other[b], scale))
    rel = _relative(ours[worst], other[worst], scale)
    flipped = [b for b in ours if abs(ours[b]) > 1e-6 * scale and abs(other[b]) > 1e-6 * scale
               and np.sign(ours[b]) != np.sign(other[b])]
    status = "warn" if flipped or rel > AGREEMENT_TOL else "pass"
    value = f"largest relative difference {rel:.3g} (bath {worst!r})"
    if flipped:
        value += f"; opposite direction for {flipped}"
    currents = ", ".join(f"{b}: {ours[b]:.6g} vs {other[b]:.6g}" for b in ours)
    return AuditRow(name, status, value, f"{detail} Currents (this engine vs reference): "
                    f"{currents}.")


def _gap_row(me: MasterEquation) -> AuditRow:
    n = me.dimension**2
    if n > GAP_MAX:
        return AuditRow("Liouvillian gap", "n/a", f"{n} unknowns > {GAP_MAX}",
                        "the dense spectrum would be too costly; uniqueness is judged by the "
                        "solve's condition number")
    ev = np.linalg.eigvals(me.liouvillian().full())
    order = np.argsort(np.abs(ev))
    zero, gap = abs(ev[order[0]]), float(-np.real(ev[order[1]])) if n > 1 else np.inf
    status = "pass" if gap > 1e3 * max(zero, 1e-14) else "fail"
    return AuditRow("Liouvillian gap", status, f"{gap:.4g} (relaxation time {1 / gap:.4g})",
                    f"smallest non-zero decay rate of the generator; a gap near 0 (here the "
                    f"zero eigenvalue is {zero:.2g}) means several steady states")


def _truncation_rows(machine, me: MasterEquation, currents: dict, rho) -> list[AuditRow]:
    oscillators = getattr(machine, "truncated_subsystems", None)
    if oscillators is None:
        return [AuditRow("truncation", "n/a", "no truncated oscillator declared",
                         "a Machine declares its oscillators; a bare MasterEquation cannot "
                         "tell a truncated mode from a genuine few-level system")]
    rows = []
    dims = me.hamiltonian.dims[0]
    for k in oscillators:
        top = float(np.real(rho.ptrace(k).full()[-1, -1])) if len(dims) > 1 \
            else float(np.real(rho.full()[-1, -1]))
        rows.append(AuditRow(
            f"truncation of subsystem {k}", "pass" if top <= TRUNCATION_TOL else "warn",
            f"top-level population {top:.3g} (tolerance {TRUNCATION_TOL:g})",
            f"{dims[k]} levels kept; the population of the highest must be negligible"))
    if oscillators and hasattr(machine, "refined"):
        finer = machine.refined()
        j_fine = _capture(lambda: finer.master_equation().thermodynamics(check=False))[0]
        scale = max(abs(j) for j in currents.values())
        rows.append(_compare("truncation convergence", currents,
                             {b: float(j) for b, j in j_fine.currents.items()},
                             scale or 1.0,
                             f"currents with {finer.levels_description()} (reference) vs "
                             "the audited truncation."))
    return rows


def audit(machine, *, tur: bool = True) -> Audit:
    """Run every applicable check on ``machine`` (see the module docstring).

    Parameters
    ----------
    machine : MasterEquation, or an object with ``master_equation(form=None)`` or
        ``lindblad(form=None)``
        The machine. A Machine also provides ``truncated_subsystems`` and ``refined()``.
    tur : bool
        Compute the current noise of every heat bath and the TUR ratio (one LU of the
        Liouvillian per bath).

    Returns
    -------
    Audit
    """
    from . import fcs
    from .redfield import Redfield

    build = _builder(machine)
    if isinstance(machine, MasterEquation):
        me, found = machine, None
        description = f"a {machine.dimension}-level {machine.form} master equation"
    elif build is not None:
        me, found = _capture(build)
        description = machine.description() if callable(getattr(machine, "description", None)) \
            else repr(machine)
    else:
        raise ValueError("audit needs a MasterEquation (built with local() or "
                         "global_secular()) or an object with a master_equation() or "
                         f"lindblad() method, got {type(machine).__name__}")
    rows: list[AuditRow] = []
    if found is None and me.couplings is not None:
        found = _capture(lambda: _rebuild(me))[1]
    rows += _premise_rows(f"{me.form} form", found) if found is not None else [
        AuditRow("premises", "n/a", "built from jump terms",
                 "a master equation assembled from JumpTerms has no premise checks")]
    try:
        state = me.solve()
    except SteadyStateError as err:
        rows.append(AuditRow("unique steady state", "fail", err.reason, str(err)))
        return Audit(tuple(rows), description)
    info = state.info
    rcond = "n/a" if info.rcond is None else f"{info.rcond:.3g}"
    rows.append(AuditRow("unique steady state", "pass", f"rcond {rcond}, residual "
                         f"{info.residual:.2g}", info.summary()))
    rows.append(_gap_row(me))
    min_eig = info.min_eigenvalue
    rows.append(AuditRow("positive state", "pass" if min_eig is None or min_eig >= -1e-10
                         else "fail", "n/a" if min_eig is None else f"min eigenvalue "
                         f"{min_eig:.3g}", "the steady state is a density matrix"))
    rho = state.rho
    th, second = _capture(lambda: me.thermodynamics(rho))
    currents = {b: float(j) for b, j in th.currents.items()}
    scale = max([abs(j) for j in currents.values()] + [1e-300])
    balance = me.energy_balance_residual(rho)
    rows.append(AuditRow(
        "energy balance", "pass" if balance <= 1e-8 or me.form == "local" and balance <= 0.01
        else "warn", f"|sum J| / max|J| = {balance:.3g}",
        "zero to solver precision in the global form; the local form misses it by the "
        "interaction energy it ignores"))
    if th.spohn_entropy_production is not None:
        spohn = f"; Spohn (local) {th.spohn_entropy_production:.4g}"
    else:
        spohn = ""
    rows.append(AuditRow(
        "second law", "fail" if second else "pass",
        f"entropy production {th.entropy_production:.4g}{spohn}",
        str(second[0]) if second else "sigma = -sum_b J_b/T_b >= 0"))
    couplings = _global_couplings(me)
    rows.append(_forms_row(machine, me, couplings, currents, scale))
    if couplings is None or me.dimension > REDFIELD_MAX:
        rows.append(AuditRow("Redfield", "n/a", "no coupling operators" if couplings is None
                             else f"{me.dimension} levels > {REDFIELD_MAX}",
                             "the Redfield generator is dense (d^4 entries per bath)"))
    else:
        rf = Redfield(me.hamiltonian, couplings)
        rf_state = _capture(rf.solve)[0]
        row = _compare("Redfield vs this engine", currents, rf.heat_currents(rf_state), scale,
                       "Bloch–Redfield (non-secular) currents of the same baths; min "
                       f"eigenvalue of its state {rf_state.min_eigenvalue:.3g}.")
        rows.append(row)
    rows += _truncation_rows(machine, me, currents, rho)
    cumulants = {}
    if tur:
        for b in th.heat_baths:
            if abs(currents[b]) <= 1e-9 * scale:
                continue
            c = fcs.current_cumulants(me, b, order=2, rho=rho)
            cumulants[b] = c
            q = float(fcs.tur_ratio(th.entropy_production, c.mean, c.noise))
            rows.append(AuditRow(
                f"TUR ({b})", "pass" if q >= 2 * (1 - 1e-9) else "warn", f"Q = {q:.4g} (>= 2)",
                f"sigma Var(J)/J^2 with the noise {c.noise:.4g} of the current {c.mean:.4g}; "
                "below 2 is possible only with quantum coherence (or a local form's "
                "inconsistent currents)"))
    rows += _mode_rows(th)
    return Audit(tuple(rows), description, th, cumulants, rho)


def _forms_row(machine, me: MasterEquation, couplings, currents: dict, scale: float
               ) -> AuditRow:
    """Local vs global: the other form of the same machine, built from its couplings (a
    local machine) or by the machine itself (``master_equation(form=...)``)."""
    if me.form == "local" and couplings is not None:
        other, found = _capture(lambda: MasterEquation.global_secular(me.hamiltonian,
                                                                      couplings))
        name = "global"
    elif me.form == "global" and _builder(machine) is not None:
        other, found = _capture(lambda: _builder(machine)(form="local"))
        name = "local"
    else:
        return AuditRow("local vs global", "n/a", f"{me.form} form",
                        "needs the other form of the same machine (a machine built with "
                        "local(), or a Machine)")
    try:
        ref = other.heat_currents(other.solve().rho)
    except SteadyStateError as err:
        return AuditRow("local vs global", "n/a", err.reason, str(err))
    premises = "; ".join(sorted({w.premise for w in found})) or "none violated"
    return _compare("local vs global", currents, ref, scale,
                    f"Reference: the {name} form of the same machine (its premises: "
                    f"{premises}).")


def _mode_rows(th: Thermodynamics) -> list[AuditRow]:
    rows = []
    if th.is_engine():
        eta, bound = th.efficiency(), th.carnot_bound("engine")
        rows.append(AuditRow("efficiency <= Carnot", "pass" if eta <= bound * (1 + 1e-9)
                             else "fail", f"{eta:.4g} <= {bound:.4g}",
                             "engine: P_out / heat absorbed, bound 1 - T_c/T_h"))
    if th.is_refrigerator():
        cop, bound = th.cop(), th.carnot_bound("refrigerator")
        rows.append(AuditRow("COP <= reversible bound", "pass" if cop <= bound * (1 + 1e-9)
                             else "fail", f"{cop:.4g} <= {bound:.4g}",
                             f"refrigerator of bath {th.cold_bath()!r}"))
    if not rows:
        rows.append(AuditRow("operating mode", "n/a", th.mode,
                             "neither engine nor refrigerator: no efficiency or COP"))
    return rows
