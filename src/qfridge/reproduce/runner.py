"""Run paper reproductions: figures (PNG + NetCDF), claims.json, report.md, report.html."""

from __future__ import annotations

import contextlib
import importlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..core.threads import (  # noqa: E402
    SMALL_KERNEL_THREADS,
    blas_threads,
    owned_cores,
    single_threaded_blas,
)
from .registry import (  # noqa: E402
    SEED_MODULES,
    SEED_TITLES,
    Citation,
    Claim,
    Context,
    Paper,
    claim_counts,
    format_value,
    unlabelled,
)
from .report_html import report_provenance, write_report_html  # noqa: E402


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


def format_duration(seconds: float) -> str:
    """``12.3 s``, ``4 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        m, s = divmod(int(round(seconds)), 60)
        return f"{m} min {s:02d} s"
    h, m = divmod(int(round(seconds / 60)), 60)
    return f"{h} h {m:02d} min"


def _write_line(message: str) -> None:
    """Print one log line now (flushed, so that a piped log shows it at once), above any
    progress bar that is running."""
    import sys

    if "tqdm" in sys.modules:
        from tqdm import tqdm

        tqdm.write(message, file=sys.stdout)
        sys.stdout.flush()
    else:
        print(message, flush=True)


TIMINGS_FILE = "timings.json"
"""Per-block seconds of the last run into a folder (by mode), the next run's typical times."""


class ProgressLog:
    """One line when each block of a reproduction (a figure, a seed's claims) starts and one
    when it ends, with the elapsed time and an estimate of what is left; while a block runs,
    a line every ``heartbeat`` seconds says it still does, so that nothing is silent for long.

    The estimate of what is left sums, over the blocks still to run, their ``typical`` time
    (seconds by ``"seed/block"``, e.g. from the last run's ``timings.json``) scaled by how
    this run compares with those times so far, or the mean time of the blocks done so far.

    Parameters
    ----------
    blocks : list of (seed, block name)
        Every block of the run, in run order.
    log : callable
        Called with each line (default: print it at once, above any progress bar).
    clock : callable
        Seconds (default ``time.perf_counter``; a fake clock in tests).
    typical : dict, optional
        Typical seconds by ``"seed/block"``.
    heartbeat : float or None
        Seconds between "still running" lines (``None``: none).
    """

    def __init__(self, blocks, log=None, clock=time.perf_counter, typical=None,
                 heartbeat: float | None = 10.0):
        self.blocks = [f"{seed}/{name}" for seed, name in blocks]
        self.log = log or _write_line
        self.clock = clock
        self.typical = dict(typical or {})
        self.heartbeat = heartbeat
        self.seconds: dict[str, float] = {}
        self.t0 = clock()
        self._lock = threading.Lock()

    def _expected(self, key: str) -> float | None:
        """Expected seconds of one block not yet done."""
        known = [k for k in self.seconds if k in self.typical and self.typical[k] > 0]
        if key in self.typical:
            scale = (sum(self.seconds[k] for k in known) / sum(self.typical[k] for k in known)
                     if known else 1.0)
            return self.typical[key] * min(max(scale, 0.1), 10.0)
        if self.seconds:
            return sum(self.seconds.values()) / len(self.seconds)
        return None

    def left(self, running: str | None = None, running_for: float = 0.0) -> float | None:
        """Estimated seconds left (``None`` before anything can be estimated)."""
        total = 0.0
        for key in self.blocks:
            if key in self.seconds:
                continue
            expected = self._expected(key)
            if expected is None:
                return None
            total += max(expected - running_for, 0.0) if key == running else expected
        return total

    def _status(self, running: str | None = None, running_for: float = 0.0) -> str:
        left = self.left(running, running_for)
        if len(self.seconds) == len(self.blocks):
            left_text = "nothing left"
        elif left is None:
            left_text = "time left: estimated after the first block"
        else:
            left_text = f"about {format_duration(left)} left"
        return (f"{len(self.seconds)}/{len(self.blocks)} done, "
                f"{format_duration(self.clock() - self.t0)} elapsed, {left_text}")

    def _label(self, key: str) -> str:
        seed, _, name = key.partition("/")
        return f"[{seed}] {name}"

    def start(self, seed: str, name: str) -> None:
        key = f"{seed}/{name}"
        self.log(f"{self._label(key)}: started ({self._status()})")

    def finish(self, seed: str, name: str, seconds: float, extra: str = "") -> None:
        key = f"{seed}/{name}"
        with self._lock:
            self.seconds[key] = seconds
        self.log(f"{self._label(key)}: done in {format_duration(seconds)}{extra} "
                 f"({self._status()})")

    def still_running(self, seed: str, name: str, so_far: float) -> None:
        key = f"{seed}/{name}"
        self.log(f"{self._label(key)}: still running, {format_duration(so_far)} so far "
                 f"({self._status(key, so_far)})")

    @contextlib.contextmanager
    def block(self, seed: str, name: str):
        """Log the start and the end of a block (and heartbeats while it runs); the block's
        ``extra`` text (``box["extra"]``) is appended to its end line."""
        self.start(seed, name)
        t0 = self.clock()
        stop = threading.Event()
        beat = None
        if self.heartbeat:
            def run():
                while not stop.wait(self.heartbeat):
                    self.still_running(seed, name, self.clock() - t0)
            beat = threading.Thread(target=run, daemon=True, name="qfridge-progress")
            beat.start()
        box = {"extra": ""}
        try:
            yield box
        finally:
            stop.set()
            if beat is not None:
                beat.join()
        self.finish(seed, name, self.clock() - t0, box["extra"])


def paper_blocks(seed: str, paper: Paper | None) -> list[tuple[str, str]]:
    """The blocks :func:`run_seed` logs for one paper: each figure, then its claims."""
    if paper is None:
        return []
    return [(seed, f.name) for f in paper.figures] + (
        [(seed, "claims")] if paper.claims is not None else [])


def read_timings(out: Path, quick: bool) -> dict[str, float]:
    """Typical block times from the last run into ``out`` in the same mode (or none)."""
    try:
        data = json.loads((Path(out) / TIMINGS_FILE).read_text())
        return {str(k): float(v) for k, v in data.get("quick" if quick else "full", {}).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _store_timing(out: Path, quick: bool, key: str, seconds: float) -> None:
    path = Path(out) / TIMINGS_FILE
    try:
        data = json.loads(path.read_text()) if path.exists() else {}
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data.setdefault("quick" if quick else "full", {})[key] = round(seconds, 3)
    try:
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    except OSError:
        pass  # the timings only improve the next run's estimate


@dataclass
class SeedResult:
    seed: str
    title: str
    covered: bool
    figures: list[tuple[str, str, float]] = field(default_factory=list)  # (file, caption, s)
    claims: list[Claim] = field(default_factory=list)
    notes: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # "seed/block" -> seconds
    citation: Citation | None = None


def run_seed(seed: str, out: Path, ctx: Context, log=None,
             threads: int | None = SMALL_KERNEL_THREADS,
             progress: ProgressLog | None = None, store_timings: bool = True) -> SeedResult:
    """Reproduce one seed into ``out/<seed>/``, its computations with ``threads`` BLAS
    threads (``None``: the cores this process owns). ``progress`` logs each figure and the
    claims as they start and end (default: a :class:`ProgressLog` of this seed alone).
    Block times go to ``result.timings`` and, with ``store_timings``, to ``out``'s
    timings file as each block ends (a worker process leaves that to its parent)."""
    log = log or _write_line
    paper = load_paper(seed)
    if paper is None:
        log(f"[{seed}] {SEED_TITLES[seed]}: not yet covered by qfridge (no figures written)")
        return SeedResult(seed, SEED_TITLES[seed], covered=False)
    if progress is None:
        progress = ProgressLog(paper_blocks(seed, paper), log=log,
                               typical=read_timings(out, ctx.quick),
                               heartbeat=10.0 if ctx.progress else None)
    start = time.perf_counter()
    folder = out / seed
    folder.mkdir(parents=True, exist_ok=True)
    result = SeedResult(seed, paper.title, covered=True, notes=paper.notes,
                        citation=paper.citation)
    log(f"[{seed}] {paper.title}: {len(paper.figures)} figures"
        f"{' and claims' if paper.claims is not None else ''}")
    for fig_spec in paper.figures:
        t0 = time.perf_counter()
        with progress.block(seed, fig_spec.name):
            with blas_threads(threads):
                data = fig_spec.compute(ctx)
            missing = unlabelled(data)
            if missing:
                log(f"[{seed}] {fig_spec.name}: data without units or long_name: "
                    f"{'; '.join(missing)}")
            data.attrs.setdefault("caption", fig_spec.caption)
            data.to_netcdf(folder / f"{fig_spec.name}.nc", engine="h5netcdf")
            fig = fig_spec.plot(data, ctx)
            fig.savefig(folder / f"{fig_spec.name}.png", dpi=110, bbox_inches="tight")
            plt.close(fig)
        dt = time.perf_counter() - t0
        result.timings[f"{seed}/{fig_spec.name}"] = dt
        if store_timings:
            _store_timing(out, ctx.quick, f"{seed}/{fig_spec.name}", dt)
        result.figures.append((f"{seed}/{fig_spec.name}.png", fig_spec.caption, dt))
    if paper.claims is not None:
        t0 = time.perf_counter()
        with progress.block(seed, "claims") as box:
            with blas_threads(threads):
                result.claims = list(paper.claims(ctx))
            agree, judged, _ = claim_counts(result.claims)
            box["extra"] = f", {len(result.claims)} claims, agreeing {agree}/{judged}"
        result.timings[f"{seed}/claims"] = time.perf_counter() - t0
        if store_timings:
            _store_timing(out, ctx.quick, f"{seed}/claims", result.timings[f"{seed}/claims"])
        ids = [c.id for c in result.claims]
        if len(ids) != len(set(ids)):
            raise ValueError(f"seed {seed} has duplicate claim ids: {ids}")
    (folder / "claims.json").write_text(
        json.dumps([c.as_dict() for c in result.claims], indent=2) + "\n")
    result.seconds = time.perf_counter() - start
    agree, judged, _ = claim_counts(result.claims)
    log(f"[{seed}] done in {format_duration(result.seconds)}: {len(result.figures)} figures, "
        f"claims agreeing {agree}/{judged} (of {len(result.claims)})")
    return result


def _md_cell(text) -> str:
    """Text for a Markdown table cell: a ``|`` (as in ``|J_C|``) escaped so that it does not
    end the cell, line breaks as spaces."""
    return " ".join(str(text).replace("|", "\\|").splitlines())


def write_report_md(results: list[SeedResult], out: Path, ctx: Context) -> Path:
    """``out/report.md``: the run's provenance, every paper's citation, every figure with its
    caption and every claims table."""
    info = report_provenance(ctx)
    lines = ["# qfridge reproduction report", "",
             f"Mode: {info['mode']}.", "",
             "| seed | paper | covered | figures | claims agreeing / judged / total |",
             "|---|---|---|---|---|"]
    for r in results:
        agree, judged, _ = claim_counts(r.claims)
        lines.append(f"| {r.seed} | {_md_cell(r.title)} | {'yes' if r.covered else 'not yet'} | "
                     f"{len(r.figures)} | {agree} / {judged} / {len(r.claims)} |")
    lines += ["", "## Provenance", "", *(f"- {k}: `{v}`" for k, v in info.items())]
    for r in results:
        lines += ["", f"## {r.seed}: {r.title}", ""]
        if not r.covered:
            lines.append("Not yet covered by qfridge.")
            continue
        if r.citation is not None:
            lines += ["Cite the paper:", "",
                      *(f"- {name}: {f'[{text}]({link})' if link else text}"
                        for name, text, link in r.citation.fields()), ""]
        if r.notes:
            lines += [r.notes, ""]
        for path, caption, _ in r.figures:
            lines += [f"![{path}]({path})", "", caption, ""]
        if r.claims:
            lines += ["| id | statement | paper | ours | unit | agrees | note |",
                      "|---|---|---|---|---|---|---|"]
            for c in r.claims:
                mark = "**NO**" if c.verdict[0] == "disagree" else c.verdict[1]
                lines.append(f"| `{c.id}` | {_md_cell(c.statement)} | {format_value(c.paper)} | "
                             f"{format_value(c.ours)} | {_md_cell(c.unit)} | {mark} | "
                             f"{_md_cell(c.note)} |")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run_seed_in_worker(seed: str, out: Path, ctx: Context, threads) -> SeedResult:
    """:func:`run_seed` in a worker process (its own progress lines; timings returned)."""
    return run_seed(seed, out, ctx, threads=threads, store_timings=False)


def default_jobs(seeds: list[str], ctx: Context) -> int:
    """Seeds run side by side by default: one process per owned core, at most one per seed,
    and only with the serial executor (a Dask client already spreads the work)."""
    return max(1, min(owned_cores(), len(seeds))) if ctx.executor == "serial" else 1


def reproduce(seeds: list[str], out: Path, ctx: Context, log=None,
              threads: int | None = SMALL_KERNEL_THREADS,
              jobs: int | None = None) -> list[SeedResult]:
    """Reproduce the given seeds into ``out`` and write the report(s); ``threads`` as in
    :func:`run_seed`.

    ``jobs`` seeds run at once in worker processes (default :func:`default_jobs`: on two
    cores ``reproduce all`` takes about half the time; every seed's computation is the same
    as alone — each worker has one BLAS thread per ``threads`` and its own progress lines,
    prefixed by the seed). ``jobs=1`` runs them one after the other in this process.
    """
    seeds = resolve_seeds(seeds)
    check_settings(seeds, ctx.settings)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = default_jobs(seeds, ctx) if jobs is None else max(1, int(jobs))
    if jobs > 1 and len(seeds) > 1:
        from concurrent.futures import ProcessPoolExecutor

        typical = read_timings(out, ctx.quick)   # the longest seeds first pack best
        order = sorted(seeds, key=lambda s: -sum(v for k, v in typical.items()
                                                 if k.startswith(f"{s}/")))
        with ProcessPoolExecutor(max_workers=min(jobs, len(seeds)),
                                 initializer=single_threaded_blas) as pool:
            futures = {seed: pool.submit(_run_seed_in_worker, seed, out, ctx, threads)
                       for seed in order}
            results = [futures[seed].result() for seed in seeds]
        for r in results:
            for key, seconds in r.timings.items():
                _store_timing(out, ctx.quick, key, seconds)
    else:
        blocks = [b for seed in seeds for b in paper_blocks(seed, load_paper(seed))]
        progress = ProgressLog(blocks, log=log, typical=read_timings(out, ctx.quick),
                               heartbeat=10.0 if ctx.progress else None)
        results = [run_seed(seed, out, ctx, log=log, threads=threads, progress=progress)
                   for seed in seeds]
    write_report_md(results, out, ctx)
    write_report_html(results, out, ctx)
    return results
