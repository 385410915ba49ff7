"""Run paper reproductions: figures (PNG + NetCDF), claims.json, report.md, report.html."""

from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..core.threads import SMALL_KERNEL_THREADS, blas_threads  # noqa: E402
from .registry import (  # noqa: E402
    SEED_MODULES,
    SEED_TITLES,
    Claim,
    Context,
    Paper,
    claim_counts,
    format_value,
)
from .report_html import write_report_html  # noqa: E402


def load_paper(seed: str) -> Paper | None:
    """The registered :class:`Paper` of a seed, or ``None`` when not yet covered."""
    if seed not in SEED_MODULES:
        raise ValueError(f"unknown seed {seed!r}; seeds are {sorted(SEED_MODULES)}")
    try:
        module = importlib.import_module(SEED_MODULES[seed])
    except ModuleNotFoundError as err:
        if err.name == SEED_MODULES[seed]:
            return None
        raise
    return module.PAPER


def resolve_seeds(names: list[str]) -> list[str]:
    """Expand ``all`` and check seed names ("000" ... "004"; "0" or "4" also accepted)."""
    seeds: list[str] = []
    for name in names:
        if name == "all":
            seeds.extend(SEED_MODULES)
            continue
        key = name.zfill(3) if name.isdigit() else name
        if key not in SEED_MODULES:
            raise ValueError(f"unknown seed {name!r}; choose from {sorted(SEED_MODULES)} or 'all'")
        seeds.append(key)
    return list(dict.fromkeys(seeds))


def check_settings(seeds: list[str], settings: dict) -> None:
    """Refuse ``--set`` names that none of ``seeds`` declares (listing those that exist)
    and values their paper's :class:`Setting` rejects — before anything is computed."""
    known: dict = {}
    for seed in seeds:
        paper = load_paper(seed)
        if paper is not None:
            known.update(paper.settings)
    unknown = sorted(set(settings) - set(known))
    if unknown:
        listing = "; ".join(f"{k}: {v.help}" for k, v in sorted(known.items())) or "none"
        raise ValueError(f"unknown setting(s) {unknown} for seed(s) {', '.join(seeds)}; "
                         f"settings are: {listing}")
    for name, value in settings.items():
        try:
            known[name].parse(value)
        except ValueError as err:
            raise ValueError(f"setting {name}={value!r}: {err}") from None


@dataclass
class SeedResult:
    seed: str
    title: str
    covered: bool
    figures: list[tuple[str, str, float]] = field(default_factory=list)  # (file, caption, s)
    claims: list[Claim] = field(default_factory=list)
    notes: str = ""
    seconds: float = 0.0


def run_seed(seed: str, out: Path, ctx: Context, log=print,
             threads: int | None = SMALL_KERNEL_THREADS) -> SeedResult:
    """Reproduce one seed into ``out/<seed>/``, its computations with ``threads`` BLAS
    threads (``None``: the cores this process owns)."""
    paper = load_paper(seed)
    if paper is None:
        log(f"[{seed}] {SEED_TITLES[seed]}: not yet covered by qfridge (no figures written)")
        return SeedResult(seed, SEED_TITLES[seed], covered=False)
    start = time.perf_counter()
    folder = out / seed
    folder.mkdir(parents=True, exist_ok=True)
    result = SeedResult(seed, paper.title, covered=True, notes=paper.notes)
    for fig_spec in paper.figures:
        t0 = time.perf_counter()
        with blas_threads(threads):
            data = fig_spec.compute(ctx)
        data.attrs.setdefault("caption", fig_spec.caption)
        data.to_netcdf(folder / f"{fig_spec.name}.nc", engine="h5netcdf")
        fig = fig_spec.plot(data, ctx)
        fig.savefig(folder / f"{fig_spec.name}.png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        dt = time.perf_counter() - t0
        result.figures.append((f"{seed}/{fig_spec.name}.png", fig_spec.caption, dt))
        log(f"[{seed}] {fig_spec.name}: {dt:.1f} s")
    if paper.claims is not None:
        with blas_threads(threads):
            result.claims = list(paper.claims(ctx))
        ids = [c.id for c in result.claims]
        if len(ids) != len(set(ids)):
            raise ValueError(f"seed {seed} has duplicate claim ids: {ids}")
    (folder / "claims.json").write_text(
        json.dumps([c.as_dict() for c in result.claims], indent=2) + "\n")
    result.seconds = time.perf_counter() - start
    agree, judged, _ = claim_counts(result.claims)
    log(f"[{seed}] done in {result.seconds:.1f} s: {len(result.figures)} figures, "
        f"claims agreeing {agree}/{judged} (of {len(result.claims)})")
    return result


def write_report_md(results: list[SeedResult], out: Path, ctx: Context) -> Path:
    """``out/report.md``: every figure with its caption and every claims table."""
    lines = ["# qfridge reproduction report", "",
             f"Mode: {'quick' if ctx.quick else 'full'}.", "",
             "| seed | paper | covered | figures | claims agreeing / judged / total |",
             "|---|---|---|---|---|"]
    for r in results:
        agree, judged, _ = claim_counts(r.claims)
        lines.append(f"| {r.seed} | {r.title} | {'yes' if r.covered else 'not yet'} | "
                     f"{len(r.figures)} | {agree} / {judged} / {len(r.claims)} |")
    for r in results:
        lines += ["", f"## {r.seed}: {r.title}", ""]
        if not r.covered:
            lines.append("Not yet covered by qfridge.")
            continue
        if r.notes:
            lines += [r.notes, ""]
        for path, caption, _ in r.figures:
            lines += [f"![{path}]({path})", "", caption, ""]
        if r.claims:
            lines += ["| id | statement | paper | ours | unit | agrees | note |",
                      "|---|---|---|---|---|---|---|"]
            for c in r.claims:
                mark = {True: "yes", False: "**NO**", None: "—"}[c.agrees]
                lines.append(f"| `{c.id}` | {c.statement} | {format_value(c.paper)} | "
                             f"{format_value(c.ours)} | {c.unit} | {mark} | {c.note} |")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def reproduce(seeds: list[str], out: Path, ctx: Context, log=print,
              threads: int | None = SMALL_KERNEL_THREADS) -> list[SeedResult]:
    """Reproduce the given seeds into ``out`` and write the report(s); ``threads`` as in
    :func:`run_seed`."""
    seeds = resolve_seeds(seeds)
    check_settings(seeds, ctx.settings)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = [run_seed(seed, out, ctx, log=log, threads=threads)
               for seed in seeds]
    write_report_md(results, out, ctx)
    write_report_html(results, out, ctx)
    return results
