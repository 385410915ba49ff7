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
    argv : tuple of str or None
        The command line after ``qfridge`` that started the run, recorded in the reports'
        provenance (``None``: this process's ``sys.argv[1:]``, which is what the
        ``qfridge`` command received).
    """

    quick: bool = False
    executor: Any = "serial"
    progress: bool = False
    settings: dict = field(default_factory=dict)
    argv: tuple[str, ...] | None = None

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


#: What a claim is for the counts (:attr:`Claim.role`).
ROLES = ("claim", "identity", "restatement")


@dataclass(frozen=True)
class Claim:
    """A number the paper states (or that we add), compared with ours.

    ``agrees`` is ``None`` when the paper gives no number (``paper is None``: a number the
    paper never evaluates is ``None`` even when we evaluate its equation).
    ``note`` must explain every disagreement (erratum, different reading, ...).
    ``role``: ``"claim"`` (counted), ``"identity"`` (true by construction, e.g. a
    temperature that cannot depend on a parameter at kappa = 0: shown, not counted as
    judged) or ``"restatement"`` (the same number as another claim in other units: shown,
    counted once, by the other claim).
    """

    id: str
    statement: str
    paper: float | None
    ours: float | None
    unit: str
    agrees: bool | None
    note: str = ""
    role: str = "claim"

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"claim {self.id!r}: role must be one of {ROLES}, got {self.role!r}")

    @property
    def counted(self) -> bool:
        """Whether the claim counts as judged (a paper number, and role ``"claim"``)."""
        return self.agrees is not None and self.role == "claim"

    @property
    def verdict(self) -> tuple[str, str]:
        """``(css class, text)`` of the report's verdict column."""
        if self.role != "claim":
            return "unjudged", self.role
        return {True: ("agree", "yes"), False: ("disagree", "NO"),
                None: ("unjudged", "—")}[self.agrees]

    @classmethod
    def compare(cls, id: str, statement: str, paper: float | None, ours: float, unit: str,
                rtol: float = 0.05, atol: float = 0.0, note: str = "",
                role: str = "claim") -> Claim:
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
        return cls(id, statement, paper, ours_f, unit, agrees, full_note, role)

    def as_dict(self) -> dict:
        return {"id": self.id, "statement": self.statement, "paper": self.paper,
                "ours": self.ours, "unit": self.unit, "agrees": self.agrees,
                "note": self.note, "role": self.role}


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


def unlabelled(data) -> list[str]:
    """The numeric data variables of a figure's Dataset that lack a ``units`` or
    ``long_name`` attribute (``units`` is ``"1"`` for a pure number), each as
    ``"name (missing attributes)"``: a figure's NetCDF file says what it holds."""
    labels = ("units", "long_name")
    return [f"{name} ({', '.join(a for a in labels if a not in var.attrs)})"
            for name, var in data.data_vars.items()
            if var.dtype.kind in "iufc" and not all(a in var.attrs for a in labels)]


@dataclass(frozen=True)
class Setting:
    """A paper-specific setting: ``parse`` converts the command-line text and refuses a bad
    value (ValueError naming it) — checked before anything is computed."""

    help: str
    parse: Callable[[str], Any]


NOT_GIVEN = "not given in the seed text"


@dataclass(frozen=True)
class Citation:
    """How to cite a seed paper, exactly as far as its seed text says: a field the text does
    not give is ``None`` (reported as "not given in the seed text"), never filled in from
    elsewhere."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    doi: str | None = None
    arxiv: str | None = None

    def fields(self) -> list[tuple[str, str, str | None]]:
        """(field, text, link or ``None``) for a report: title, authors, DOI, arXiv id."""
        return [("title", self.title or NOT_GIVEN, None),
                ("authors", ", ".join(self.authors) or NOT_GIVEN, None),
                ("DOI", self.doi or NOT_GIVEN, self.doi and f"https://doi.org/{self.doi}"),
                ("arXiv", self.arxiv or NOT_GIVEN,
                 self.arxiv and f"https://arxiv.org/abs/{self.arxiv}")]


@dataclass(frozen=True)
class Paper:
    """A seed paper's reproduction: its figures and its claims, and how to cite the paper."""

    seed: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    claims: Callable | None = None
    notes: str = ""
    settings: dict = field(default_factory=dict)  # name -> Setting, for ``--set NAME=VALUE``
    citation: Citation | None = None


def claim_counts(claims: list[Claim]) -> tuple[int, int, int]:
    """(agreeing, judged, total): judged claims have a paper number and role ``"claim"``
    (identities and restatements are shown but not counted)."""
    agree = sum(c.counted and c.agrees is True for c in claims)
    judged = sum(c.counted for c in claims)
    return agree, judged, len(claims)


def format_value(x) -> str:
    """A claim value for a report table: 4 significant digits, an em dash for none."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


# --- what each seed covers, read from its module's source without running it -------------


@dataclass(frozen=True)
class SeedOverview:
    """What a seed's reproduction covers, for ``qfridge reproduce --list``.

    Read from the source of the seed's module (:func:`seed_overview`): importing the
    modules loads QuTiP, matplotlib and xarray (seconds), running them far longer.
    ``claims`` counts the claims the code makes (a claim made in a loop over a literal
    list counts once per item); ``claims_exact`` is False when a count depends on
    something only a run knows (a loop over computed values, a branch), then ``claims``
    is the number of places that make claims.
    """

    seed: str
    title: str
    covered: bool
    figures: tuple[str, ...] = ()
    claims: int = 0
    claims_exact: bool = True

    def claims_text(self) -> str:
        return f"{self.claims} claims" if self.claims_exact else f"~{self.claims} claims"


def seed_overview(seed: str) -> SeedOverview:
    """The :class:`SeedOverview` of ``seed`` (its module is parsed, not imported); falls back
    to importing the module when its ``PAPER = Paper(...)`` is not written literally."""
    import importlib.util

    name = SEED_MODULES[seed]
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.origin:
        return SeedOverview(seed, SEED_TITLES[seed], covered=False)
    try:
        return _SourceReader(name).overview(seed)
    except _NotStatic:
        import importlib

        paper = importlib.import_module(name).PAPER
        return SeedOverview(seed, paper.title, True, tuple(f.name for f in paper.figures),
                            0, claims_exact=False)


_UNKNOWN = object()  # a value only a run knows


class _NotStatic(Exception):
    """The source does not say it literally; import the module instead."""


class _SourceReader:
    """Module-level names, figure lists and claim counts from a seed module's syntax tree."""

    def __init__(self, module: str, cache: dict | None = None):
        import ast
        import importlib.util
        from pathlib import Path

        self.module = module
        self.cache = {} if cache is None else cache
        self.cache[module] = self
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin:
            raise _NotStatic(module)
        self.tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        self.assigned: dict[str, Any] = {}
        self.functions: dict[str, Any] = {}
        self.imported: dict[str, str] = {}  # local name -> module (``from . import x``)
        package = module.rpartition(".")[0]
        for node in self.tree.body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assigned[target.id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                self.assigned[node.target.id] = node.value
            elif isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node
            elif isinstance(node, ast.ImportFrom) and node.level == 1:
                for alias in node.names:
                    target = f"{package}.{node.module}" if node.module else \
                        f"{package}.{alias.name}"
                    self.imported[alias.asname or alias.name] = target

    def _sibling(self, local: str) -> _SourceReader:
        module = self.imported.get(local)
        if module is None:
            raise _NotStatic(local)
        if module not in self.cache:
            _SourceReader(module, self.cache)
        return self.cache[module]

    def overview(self, seed: str) -> SeedOverview:
        import ast

        call = self.assigned.get("PAPER")
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Paper"):
            raise _NotStatic("PAPER")
        args = dict(zip(("seed", "title", "figures", "claims"), call.args, strict=False))
        args.update({k.arg: k.value for k in call.keywords if k.arg})
        title = self.string(args["title"]) if "title" in args else SEED_TITLES[seed]
        figures = tuple(self.figures(args["figures"])) if "figures" in args else ()
        claims, exact = 0, True
        if args.get("claims") is not None and not (
                isinstance(args["claims"], ast.Constant) and args["claims"].value is None):
            claims, exact = self.claims_of(args["claims"], set())
        return SeedOverview(seed, title, True, figures, claims, exact)

    def string(self, node) -> str:
        import ast

        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.string(node.left) + self.string(node.right)
        if isinstance(node, ast.Name) and node.id in self.assigned:
            return self.string(self.assigned[node.id])
        raise _NotStatic(ast.dump(node))

    def figures(self, node) -> list[str]:
        import ast

        if isinstance(node, ast.List | ast.Tuple):
            names: list[str] = []
            for item in node.elts:
                names += self.figures(item.value if isinstance(item, ast.Starred) else item)
            return names
        if isinstance(node, ast.Name) and node.id in self.assigned:
            return self.figures(self.assigned[node.id])
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            sibling = self._sibling(node.value.id)
            return sibling.figures(sibling.assigned[node.attr])
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Figure":
            first = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "name"), None)
            return [self.string(first)]
        raise _NotStatic(ast.dump(node))

    def claims_of(self, node, seen: set) -> tuple[int, bool]:
        """Claims made by calling the function ``node`` names: (count, exact)."""
        import ast

        if isinstance(node, ast.Name) and node.id in self.functions:
            key = (self.module, node.id)
            if key in seen:
                return 0, False
            return self._count(self.functions[node.id].body, seen | {key})
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return self._sibling(node.value.id).claims_of(ast.Name(node.attr), seen)
        raise _NotStatic(ast.dump(node))

    def _count(self, body, seen: set, env: dict | None = None) -> tuple[int, bool]:
        """Claims made by running ``body``: loops over literal values are unrolled with their
        variables bound (``env``), so that branches on them count exactly."""
        import ast

        env = {} if env is None else env
        total, exact = 0, True
        for stmt in body:
            parts: list[tuple[list, dict, bool]] = []  # (block, env, exact) to count
            if isinstance(stmt, ast.For):
                values = self._value(stmt.iter, env)
                if isinstance(values, list | tuple) and all(
                        self._bind(stmt.target, v, {}) is not None for v in values):
                    parts += [(stmt.body, self._bind(stmt.target, v, dict(env)), True)
                              for v in values]
                else:
                    n, ex = self._count(stmt.body, seen, env)
                    total, exact = total + n, exact and ex and n == 0
                parts.append((stmt.orelse, env, True))
            elif isinstance(stmt, ast.If):
                test = self._value(stmt.test, env)
                if test is _UNKNOWN:
                    parts += [(stmt.body, env, False), (stmt.orelse, env, False)]
                    n, ex = self._count_expr(stmt.test, seen)
                    total, exact = total + n, exact and ex
                else:
                    parts.append((stmt.body if test else stmt.orelse, env, True))
            elif isinstance(stmt, ast.While | ast.Try):
                blocks = [getattr(stmt, a, []) for a in ("body", "orelse", "finalbody")]
                parts += [(b, env, False) for b in blocks]
                parts += [(h.body, env, False) for h in getattr(stmt, "handlers", [])]
            elif isinstance(stmt, ast.With):
                parts.append((stmt.body, env, True))
            elif isinstance(stmt, ast.FunctionDef | ast.ClassDef):
                continue
            else:
                n, ex = self._count_expr(stmt, seen)
                total, exact = total + n, exact and ex
            for block, block_env, sure in parts:
                n, ex = self._count(block, seen, block_env)
                total, exact = total + n, exact and ex and (sure or n == 0)
        return total, exact

    def _bind(self, target, value, env: dict) -> dict | None:
        """``env`` with the loop target bound to ``value`` (``None``: shapes differ)."""
        import ast

        if isinstance(target, ast.Name):
            env[target.id] = value
            return env
        if isinstance(target, ast.Tuple) and isinstance(value, tuple) \
                and len(value) == len(target.elts):
            for t, v in zip(target.elts, value, strict=True):
                if self._bind(t, v, env) is None:
                    return None
            return env
        return None

    def _value(self, node, env: dict):
        """The value of a simple expression (literals, names bound by a loop or assigned
        once at module level, comparisons, and/or/not), else ``_UNKNOWN``."""
        import ast
        import operator

        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in env:
                return env[node.id]
            if node.id in self.assigned:
                return self._value(self.assigned[node.id], {})
            return _UNKNOWN
        if isinstance(node, ast.Tuple | ast.List):
            return tuple(self._value(e, env) for e in node.elts) \
                if not any(isinstance(e, ast.Starred) for e in node.elts) else _UNKNOWN
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "range":
            args = [self._value(a, env) for a in node.args]
            return tuple(range(*args)) if all(isinstance(a, int) for a in args) else _UNKNOWN
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            v = self._value(node.operand, env)
            return _UNKNOWN if v is _UNKNOWN else not v
        if isinstance(node, ast.BoolOp):
            values = [self._value(v, env) for v in node.values]
            if any(v is _UNKNOWN for v in values):
                return _UNKNOWN
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare):
            ops = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
                   ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
                   ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
            left = self._value(node.left, env)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self._value(right_node, env)
                if left is _UNKNOWN or right is _UNKNOWN or type(op) not in ops:
                    return _UNKNOWN
                try:
                    if not ops[type(op)](left, right):
                        return False
                except TypeError:
                    return _UNKNOWN
                left = right
            return True
        return _UNKNOWN

    def _count_expr(self, tree, seen: set) -> tuple[int, bool]:
        import ast

        comprehensions = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
        in_loop = {id(n) for c in ast.walk(tree) if isinstance(c, comprehensions)
                   for n in ast.walk(c)}
        total, exact = 0, True
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "Claim") or (
                    isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                    and f.value.id == "Claim"):
                n, ex = 1, True
            elif isinstance(f, ast.Name) and f.id in self.functions:
                n, ex = self.claims_of(f, seen)
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                    and f.value.id in self.imported:
                try:
                    n, ex = self._sibling(f.value.id).claims_of(ast.Name(f.attr), seen)
                except (_NotStatic, KeyError):
                    continue
            else:
                continue
            # claims made in a comprehension: counted once, the count is then a guess
            total, exact = total + n, exact and ex and (n == 0 or id(node) not in in_loop)
        return total, exact
