"""The ``qfridge`` command: ``reproduce``, ``info`` (and ``sweep``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    return 0


def _cmd_reproduce(args) -> int:
    from .reproduce.registry import Context
    from .reproduce.runner import reproduce, resolve_seeds

    try:
        seeds = resolve_seeds(args.seeds)
    except ValueError as err:
        print(f"qfridge reproduce: {err}", file=sys.stderr)
        return 2
    executor = args.scheduler if args.scheduler else "serial"
    ctx = Context(quick=args.quick, executor=executor, progress=not args.quiet)
    results = reproduce(seeds, Path(args.out), ctx)
    covered = [r.seed for r in results if r.covered]
    missing = [r.seed for r in results if not r.covered]
    print(f"covered: {', '.join(covered) or 'none'}; not yet covered: "
          f"{', '.join(missing) or 'none'}; report: {Path(args.out) / 'report.md'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qfridge", description="Quantum thermal machines: reproduce papers, run sweeps.")
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("reproduce", help="reproduce seed papers' figures and claims")
    rep.add_argument("seeds", nargs="+", help="seed numbers 000..004, or 'all'")
    rep.add_argument("--out", default="results", help="output folder (default: results)")
    rep.add_argument("--quick", action="store_true",
                     help="coarser figure grids and ensembles; claims stay at full accuracy")
    rep.add_argument("--scheduler", default=None,
                     help="Dask scheduler address (tcp://host:8786) for the sweeps")
    rep.add_argument("--quiet", action="store_true", help="no progress bars")
    rep.set_defaults(func=_cmd_reproduce)

    info = sub.add_parser("info", help="print versions")
    info.set_defaults(func=_cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
