"""The ``qfridge`` command: ``reproduce``, ``sweep``, ``models``, ``info``.

Each subcommand is added to the parser by one ``_add_<name>(sub)`` function listed in
:data:`SUBCOMMANDS`; a new subcommand is one more such function and one more entry.

Exit codes: 0 success; 1 the run finished but something failed (e.g. sweep points);
2 bad input (unknown seed, invalid sweep configuration, mismatched store).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from pathlib import Path

from .core.threads import SMALL_KERNEL_THREADS, blas_thread_counts, owned_cores


def _cmd_info(args) -> int:
    import dask
    import matplotlib
    import numpy
    import qutip
    import scipy
    import xarray

    from . import __version__

    print(f"qfridge {__version__}")
    print(f"python {sys.version.split()[0]}")
    for mod in (qutip, numpy, scipy, xarray, dask, matplotlib):
        print(f"{mod.__name__} {mod.__version__}")
    print(f"cores owned by this process: {owned_cores()}")
    for path, n in blas_thread_counts().items():
        print(f"BLAS {Path(path).name}: {n} threads")
    return 0


def _cmd_reproduce_list() -> int:
    """``qfridge reproduce --list``: each seed, its title and what a run covers (read from the
    seed modules' source: nothing is imported or computed)."""
    from .reproduce.registry import SEED_MODULES, seed_overview

    for seed in SEED_MODULES:
        o = seed_overview(seed)
        print(f"{seed}  {o.title}")
        if not o.covered:
            print("     not yet covered")
            continue
        print(f"     {len(o.figures)} figures, {o.claims_text()}: {', '.join(o.figures)}")
    print("run: qfridge reproduce SEED... | all [--quick] [--out DIR]")
    return 0


def _cmd_reproduce(args) -> int:
    if args.list:
        return _cmd_reproduce_list()
    if not args.seeds:
        args.parser.error("give seed numbers (000..004) or 'all', or --list to see them")
    from .reproduce.registry import Context
    from .reproduce.runner import check_settings, reproduce, resolve_seeds

    try:
        seeds = resolve_seeds(args.seeds)
        settings = _settings(args.set)
        check_settings(seeds, settings)
        _output_folder(Path(args.out))
    except ValueError as err:
        print(f"qfridge reproduce: {err}", file=sys.stderr)
        return 2
    with _scheduler_client(args.scheduler) as client:
        executor = client if client is not None else "serial"
        ctx = Context(quick=args.quick, executor=executor, progress=not args.quiet,
                      settings=settings)
        results = reproduce(seeds, Path(args.out), ctx, threads=args.blas_threads or None,
                            jobs=args.jobs or None)
    covered = [r.seed for r in results if r.covered]
    missing = [r.seed for r in results if not r.covered]
    print(f"covered: {', '.join(covered) or 'none'}; not yet covered: "
          f"{', '.join(missing) or 'none'}; report: {Path(args.out) / 'report.html'} "
          "(and report.md)")
    return 0


def _plain(text: str) -> str:
    """A docstring fragment as plain text (no reST roles or literal quotes)."""
    import re

    text = re.sub(r":\w+:`([^`]*)`", r"\1", text)
    return " ".join(text.replace("``", "").split())


def _first_paragraph(obj) -> str:
    doc = (obj.__doc__ or "").strip()
    return _plain(doc.split("\n\n")[0]) if doc else ""


def _model_parameters(cls) -> list[tuple[str, str, str, str, str]]:
    """(name, kind, unit, default, doc) of every physical parameter of a model class."""
    import dataclasses

    from .models.base import UNIT_OF_KIND

    rows = []
    for f in dataclasses.fields(cls):
        kind = f.metadata.get("kind")
        if kind is None:
            continue
        if f.default is not dataclasses.MISSING:
            default = repr(f.default) if isinstance(f.default, str) else f"{f.default:g}" \
                if isinstance(f.default, float) else str(f.default)
        else:
            default = "required"
        rows.append((f.name, kind, UNIT_OF_KIND[kind] or "-", default,
                     f.metadata.get("doc", "")))
    return rows


def _model_quantities(cls) -> list[tuple[str, str]]:
    """(quantity, first docstring paragraph of its method) of a model class."""
    return [(q, _first_paragraph(getattr(cls, m, None))) for q, m in cls.QUANTITIES.items()]


_INPUT_FORMS = ("In a sweep config, frequencies, rates, temperatures and times need a unit "
                "('5 GHz' is cyclic, '31.4 rad/ns', '10 1/us', '50 mK', '50 ns'); energy and "
                "dimensionless parameters are plain numbers (natural units); see docs/units.md.")


def _cmd_models(args) -> int:
    from .models import load_all
    from .models.base import MODELS

    load_all()
    usable = {n: c for n, c in sorted(MODELS.items()) if c.QUANTITIES}
    if args.name is not None:
        cls = MODELS.get(args.name) or {n.lower(): c for n, c in MODELS.items()}.get(
            args.name.lower())
        if cls is None:
            print(f"qfridge models: unknown model {args.name!r}; models are "
                  f"{', '.join(sorted(MODELS))}", file=sys.stderr)
            return 2
        print(f"{cls.__name__}  ({cls.__module__})")
        print(f"  {_first_paragraph(cls)}")
        print("  parameters (name, kind, unit, default, meaning):")
        rows = _model_parameters(cls)
        widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
        for row in rows:
            cells = "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True))
            print(f"    {cells}  {row[4]}")
        if cls.QUANTITIES:
            print("  quantities (model = ..., quantity = ... in a sweep config):")
            width = max(len(q) for q in cls.QUANTITIES)
            for q, doc in _model_quantities(cls):
                unit = cls.quantity_attrs(q).get("units")
                print(f"    {q.ljust(width)}  {doc}" + (f" [{unit}]" if unit else ""))
        else:
            print("  no quantities: not usable in a sweep config (use it from Python)")
        print(f"  {_INPUT_FORMS}")
        return 0
    print("Models usable in a sweep config (model = \"NAME\"); details: qfridge models NAME")
    for name, cls in usable.items():
        print(f"\n{name}: {_first_paragraph(cls)}")
        params = ", ".join(f"{p} ({kind}{', ' + unit if unit not in ('-', '1') else ''}"
                           f"{'' if default != 'required' else ', required'})"
                           for p, kind, unit, default, _ in _model_parameters(cls))
        print(f"  parameters: {params}")
        print("  quantities: " + ", ".join(
            q + (f" [{u}]" if (u := cls.quantity_attrs(q).get("units")) else "")
            for q in cls.QUANTITIES))
    other = sorted(set(MODELS) - set(usable))
    if other:
        print(f"\nAlso registered, without sweep quantities: {', '.join(other)}")
    print(f"\n{_INPUT_FORMS}")
    return 0


@contextlib.contextmanager
def _scheduler_client(address: str | None):
    """A ``dask.distributed.Client`` connected to ``address`` for the command's duration."""
    if not address:
        yield None
        return
    from dask.distributed import Client

    with Client(address, set_as_default=False) as client:
        yield client


def _write_netcdf(ds, path: Path) -> None:
    """Write ``ds`` to ``path`` atomically (temporary file in the same folder, then rename):
    a failed write (a full disk) leaves no truncated file."""
    import os
    import uuid

    from .sweeps.store import netcdf_engine

    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    try:
        ds.to_netcdf(tmp, engine=netcdf_engine())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _check_out(out: Path, force: bool) -> str | None:
    """Why ``out`` (and the PNG next to it) cannot be written, checked before computing."""
    import os
    import tempfile

    for target in (out, out.with_suffix(".png")):
        if target.is_dir():
            return f"--out target {str(target)!r} is a directory"
        if target.exists() and not force:
            return (f"{str(target)!r} already exists; pass --force to overwrite it (or choose "
                    "another --out)")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".qfridge-write-test-"):
            pass
    except OSError as err:
        return f"cannot write to {str(parent)!r}: {err.strerror or err}"
    if out.exists() and not os.access(out, os.W_OK):
        return f"{str(out)!r} is not writable"
    return None


def _confirm_size(config, args) -> str | None:
    """``None`` when the grid may run, else why not (the size check asks on a terminal)."""
    import math

    from .sweeps.api import MAX_POINTS, grid_size_message

    shape = [len(a) for a in config.axes.values()]
    n = math.prod(shape)
    limit = args.max_points or config.max_points or MAX_POINTS
    if n <= limit or args.yes:
        return None
    message = grid_size_message(n, list(config.axes), shape, limit)
    if sys.stdin.isatty():
        answer = input(f"qfridge sweep: {message}. Run it? [y/N] ")
        return None if answer.strip().lower() in ("y", "yes") else "not confirmed"
    return message + "; pass --yes to run it anyway"


def _cmd_sweep(args) -> int:
    from .sweeps import StoreMismatch, SweepFailureWarning
    from .sweeps.config import ConfigError, load_config, run_config

    def fail(message: str, code: int = 2) -> int:
        print(f"qfridge sweep: {message}", file=sys.stderr)
        return code

    try:
        config = load_config(args.config, trust_scheduler=args.trust_config_scheduler
                             or bool(args.scheduler),
                             allow_outside_store=args.allow_store_outside)
    except ConfigError as err:
        return fail(str(err))
    out = Path(args.out) if args.out else Path(Path(args.config).stem + ".nc")
    if out.suffix != ".nc":
        return fail(f"--out must end in .nc (NetCDF), got {str(out)!r}")
    problem = _check_out(out, args.force) or _confirm_size(config, args)
    if problem:
        return fail(problem)
    store = args.store if args.store is not None else config.store
    try:
        with _scheduler_client(args.scheduler) as client, \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore", SweepFailureWarning)  # reported below
            ds = run_config(config, executor=client, progress=not args.quiet,
                            store=args.store, allow_large=True, timeout=args.timeout)
    except StoreMismatch as err:
        return fail(str(err))
    except (ValueError, TypeError) as err:  # grid/executor/chunk arguments
        return fail(str(err))
    except OSError as err:  # e.g. a full disk while writing the store
        kept = f"; the chunks finished so far are kept in the store {str(store)!r}" \
            if store else ""
        return fail(f"could not write: {err.strerror or err}"
                    f"{' (' + str(err.filename) + ')' if err.filename else ''}{kept}", 1)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .sweeps.api import first_failure
    from .sweeps.plot import quicklook

    try:
        _write_netcdf(ds, out)
    except OSError as err:
        kept = f"; the computed chunks are kept in the store {str(store)!r} (re-run to " \
            "write the output without recomputing)" if store else ""
        return fail(f"could not write {str(out)!r}: {err.strerror or err}{kept}", 1)
    png = out.with_suffix(".png")
    try:
        fig = quicklook(ds, config.quantity)
        fig.savefig(png, dpi=110)
        plt.close(fig)
    except Exception as err:  # noqa: BLE001 - the data are written; the picture is extra
        print(f"qfridge sweep: warning: no quick-look plot ({type(err).__name__}: {err})",
              file=sys.stderr)
    for w in caught:  # e.g. premise violations, one line per category (SweepPointWarning)
        print(f"qfridge sweep: warning: {w.message}", file=sys.stderr)
    n_failed, n = int(ds.attrs["n_failed"]), int(ds.attrs["n_points"])
    print(f"{config.model}.{config.quantity} over {dict(ds[config.quantity].sizes)}: "
          f"{n - n_failed}/{n} points in {ds.attrs['seconds']:.2f} s "
          f"({'vectorised' if ds.attrs['vectorized'] else ds.attrs['executor']}); wrote {out} "
          f"and {png}")
    if n_failed:
        where, message = first_failure(ds)
        print(f"qfridge sweep: {n_failed} of {n} points failed (first at {where}: "
              f"{message}); see the 'failed' and 'error' variables in {out}",
              file=sys.stderr)
        return 1
    return 0


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _output_folder(out: Path) -> None:
    """Create ``out`` (a folder) now, or refuse in one line before anything is computed."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"--out {out} cannot be created: {err.strerror or err}") from None
    if not os.access(out, os.W_OK):
        raise ValueError(f"--out {out} is not writable")


def _settings(pairs: list[str]) -> dict[str, str]:
    """``["NAME=VALUE", ...]`` as a dict (a malformed pair is refused)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"--set takes NAME=VALUE, got {pair!r}")
        out[name.strip()] = value.strip()
    return out


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _add_reproduce(sub) -> None:
    rep = sub.add_parser(
        "reproduce", help="reproduce seed papers' figures and claims",
        description="Reproduce seed papers' figures and claims into a folder with a report. "
                    "'qfridge reproduce --list' shows each seed, its title and what is covered.")
    rep.add_argument("seeds", nargs="*", help="seed numbers 000..004, or 'all'")
    rep.add_argument("--list", action="store_true",
                     help="list the seeds with their titles, figures and claims (computes "
                          "nothing) and exit")
    rep.add_argument("--out", default="results", help="output folder (default: results)")
    rep.add_argument("--quick", action="store_true",
                     help="coarser figure grids and ensembles; claims stay at full accuracy")
    rep.add_argument("--scheduler", default=None,
                     help="Dask scheduler address (tcp://host:8786) for the sweeps")
    rep.add_argument("--quiet", action="store_true",
                     help="no progress bars (the one line per figure and claims block stays)")
    rep.add_argument("--blas-threads", type=_non_negative_int, default=SMALL_KERNEL_THREADS,
                     metavar="N", help=f"BLAS threads for the computations (default "
                     f"{SMALL_KERNEL_THREADS}: small dense kernels dominate them; 0: every "
                     "core this process owns)")
    rep.add_argument("--jobs", type=_non_negative_int, default=0, metavar="N",
                     help="seeds computed side by side in worker processes (default 0: one "
                     "per core this process owns, at most one per seed; 1: one after the "
                     "other)")
    rep.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="a paper-specific setting, e.g. fig6b_sites=15 for seed 002 "
                          "(repeatable; an unknown name is refused with the list of settings)")
    rep.set_defaults(func=_cmd_reproduce, parser=rep)


def _add_sweep(sub) -> None:
    swp = sub.add_parser(
        "sweep", help="sweep a model quantity over a grid (TOML config)",
        description="Sweep a model quantity over a grid described by a TOML config file; "
                    "writes a NetCDF file and a quick-look PNG.",
        epilog="which models, parameters (kind and unit) and quantities a config can name:\n"
               "  qfridge models          every model usable in a sweep config\n"
               "  qfridge models NAME     one model in detail\n"
               "config format, resumable stores, Dask: docs/sweeps.md; examples: "
               "examples/*.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    swp.add_argument("config", help="TOML file: model, quantity, [fixed], [grid], [sweep]")
    swp.add_argument("--out", default=None,
                     help="NetCDF output path (default: <config name>.nc); the quick-look PNG "
                          "is written next to it")
    swp.add_argument("--scheduler", default=None,
                     help="Dask scheduler address (tcp://host:8786) to run the chunks on")
    swp.add_argument("--store", default=None,
                     help="resumable store directory (overrides [sweep] store)")
    swp.add_argument("--quiet", action="store_true", help="no progress bar")
    swp.add_argument("--force", action="store_true",
                     help="overwrite an existing --out file (and its PNG)")
    swp.add_argument("--yes", action="store_true",
                     help="run a grid larger than the size limit without asking")
    swp.add_argument("--max-points", type=_positive_int, default=None, metavar="N",
                     help="size limit above which confirmation is needed (default: [sweep] "
                          "max_points, else 10^7)")
    swp.add_argument("--timeout", type=_positive_float, default=None, metavar="SECONDS",
                     help="time limit per point (overrides [sweep] timeout)")
    swp.add_argument("--trust-config-scheduler", action="store_true",
                     help="accept a tcp:// executor from the config file (it can run code here)")
    swp.add_argument("--allow-store-outside", action="store_true",
                     help="accept a [sweep] store outside the config file's directory")
    swp.set_defaults(func=_cmd_sweep)


def _add_models(sub) -> None:
    mod = sub.add_parser(
        "models", help="list the models a sweep config can use (parameters, units, quantities)",
        description="List the models a sweep config can name, with their parameters (kind, "
                    "unit, default) and quantities; 'qfridge models NAME' shows one in detail.")
    mod.add_argument("name", nargs="?", default=None, help="one model, e.g. AbsorptionFridge")
    mod.set_defaults(func=_cmd_models)


def _cmd_report(args) -> int:
    from .models.machine import MachineError
    from .reproduce.machine_report import write_machine_report

    path = Path(args.machine)
    out = Path(args.out) if args.out else Path("results") / path.stem
    argv = ["report", args.machine] + (["--out", args.out] if args.out else []) \
        + (["--no-noise"] if args.no_noise else [])
    try:
        with warnings.catch_warnings():   # premise warnings become audit rows
            warnings.simplefilter("ignore")
            html, result = write_machine_report(path, out, argv, tur=not args.no_noise)
    except MachineError as err:
        print(f"qfridge report: {err}", file=sys.stderr)
        return 2
    print(result)
    print(f"report: {html} (and {html.with_suffix('.md').name})")
    return 0 if result.ok else 1


def _add_report(sub) -> None:
    rep = sub.add_parser(
        "report", help="thermodynamics and audit of your own machine (TOML) as an HTML page",
        description="Read a machine file (subsystems, interactions, baths, optional drive; "
                    "format in docs/thermodynamics.md), compute its steady state, currents, "
                    "entropy production, efficiency/COP vs bounds, current noise and TUR, "
                    "audit it, and write report.html and report.md.",
        epilog="examples: examples/machines/*.toml. Exit code 1 when an audit row fails.")
    rep.add_argument("machine", help="machine TOML file")
    rep.add_argument("--out", default=None,
                     help="output folder (default: results/<machine file name>)")
    rep.add_argument("--no-noise", action="store_true",
                     help="skip the current noise and TUR (one LU of the Liouvillian per bath)")
    rep.set_defaults(func=_cmd_report)


def _add_info(sub) -> None:
    info = sub.add_parser("info", help="print versions")
    info.set_defaults(func=_cmd_info)


#: One function per subcommand, in the order ``qfridge --help`` lists them.
SUBCOMMANDS = [_add_reproduce, _add_sweep, _add_models, _add_report, _add_info]


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="qfridge", description="Quantum thermal machines: reproduce papers, run sweeps.",
        epilog="Start with 'qfridge reproduce --list' and 'qfridge models'.")
    parser.add_argument("--version", action="version", version=f"qfridge {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
