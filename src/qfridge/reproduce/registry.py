"""What a paper reproduction is: figures (compute + plot) and claims (numbers).

Each seed paper has a module ``qfridge.reproduce.seedNNN`` defining a module-level
``PAPER = Paper(...)``. The runner (:mod:`qfridge.reproduce.runner`) imports the
modules listed in :data:`SEED_MODULES`; a seed whose module does not exist yet
is reported as *not yet covered* (no placeholder figures are ever written).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SEED_MODULES = {
    "000": "qfridge.reproduce.seed000",
    "001": "qfridge.reproduce.seed001",
    "002": "qfridge.reproduce.seed002",
    "003": "qfridge.reproduce.seed003",
    "004": "qfridge.reproduce.seed004",
}

SEED_TITLES = {
    "000": "Cavity cooling by a stream of correlated atom pairs",
    "001": "Phaseonium collision models and the two-cavity cascade",
    "002": "Anti-thermalization: heating by cooling",
    "003": "The Dicke superradiant heat valve",
    "004": "Minimal two-body absorption refrigerators",
}


@dataclass(frozen=True)
class Context:
    """How a reproduction runs.

    Attributes
    ----------
    quick : bool
        Coarser figure grids and smaller ensembles (claims stay at full accuracy).
    executor : Any
        Executor for parameter sweeps (``"serial"``, ``"processes"``, a Dask client
        or scheduler address); reproductions pass it to :func:`qfridge.sweep`.
    progress : bool
        Show progress bars.
    settings : dict[str, str]
        Paper-specific settings given on the command line (``--set NAME=VALUE``), e.g.
        seed 002's ``fig6b_sites``; each paper declares the names it reads
        (:attr:`Paper.settings`) and the runner refuses any other.
    """

    quick: bool = False
    executor: Any = "serial"
    progress: bool = False
    settings: dict = field(default_factory=dict)

    def setting(self, name: str, default, kind=str):
        """The setting ``name`` converted by ``kind`` (``default`` when not given)."""
        if name not in self.settings:
            return default
        try:
            return kind(self.settings[name])
        except ValueError as err:
            raise ValueError(f"setting {name}={self.settings[name]!r}: {err}") from None

    def pick(self, full, quick):
        """``quick`` in quick mode, else ``full`` (grid sizes, ensemble sizes)."""
        return quick if self.quick else full


@dataclass(frozen=True)
class Claim:
    """A number the paper states (or that we add), compared with ours.

    ``agrees`` is ``None`` when the paper gives no number (``paper is None``).
    ``note`` must explain every disagreement (erratum, different reading, ...).
    """

    id: str
    statement: str
    paper: float | None
    ours: float | None
    unit: str
    agrees: bool | None
    note: str = ""

    @classmethod
    def compare(cls, id: str, statement: str, paper: float | None, ours: float, unit: str,
                rtol: float = 0.05, atol: float = 0.0, note: str = "") -> Claim:
        """A claim whose agreement is ``|ours - paper| <= atol + rtol*|paper|``.

        The tolerance is part of the note so a reader sees what "agrees" meant.
        """
        ours_f = None if ours is None else float(ours)
        if paper is None or ours_f is None or not math.isfinite(ours_f):
            agrees = None
        else:
            agrees = bool(abs(ours_f - paper) <= atol + rtol * abs(paper))
        tol = f"tolerance: rtol={rtol:g}" + (f", atol={atol:g}" if atol else "")
        full_note = f"{note} ({tol})" if paper is not None and note else (
            tol if paper is not None else note)
        return cls(id, statement, paper, ours_f, unit, agrees, full_note)

    def as_dict(self) -> dict:
        return {"id": self.id, "statement": self.statement, "paper": self.paper,
                "ours": self.ours, "unit": self.unit, "agrees": self.agrees,
                "note": self.note}


@dataclass(frozen=True)
class Figure:
    """One figure of a paper.

    ``compute(ctx)`` returns an ``xarray.Dataset`` (saved as ``<name>.nc``);
    ``plot(dataset, ctx)`` returns a matplotlib Figure (saved as ``<name>.png``).
    ``caption`` says what is shown and every parameter choice the paper left open.
    """

    name: str
    caption: str
    compute: Callable
    plot: Callable


@dataclass(frozen=True)
class Setting:
    """A paper-specific setting: ``parse`` converts the command-line text and refuses a bad
    value (ValueError naming it) — checked before anything is computed."""

    help: str
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class Paper:
    """A seed paper's reproduction: its figures and its claims."""

    seed: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    claims: Callable | None = None
    notes: str = ""
    settings: dict = field(default_factory=dict)  # name -> Setting, for ``--set NAME=VALUE``


def claim_counts(claims: list[Claim]) -> tuple[int, int, int]:
    """(agreeing, judged, total): judged claims are those with a paper number."""
    agree = sum(c.agrees is True for c in claims)
    judged = sum(c.agrees is not None for c in claims)
    return agree, judged, len(claims)


def format_value(x) -> str:
    """A claim value for a report table: 4 significant digits, an em dash for none."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)
