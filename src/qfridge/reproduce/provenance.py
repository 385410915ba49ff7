"""Provenance of a report: what produced it, when, and how to produce it again."""

from __future__ import annotations

import datetime
import shlex
import subprocess
import sys
from pathlib import Path


def git_commit(path: Path | None = None) -> str | None:
    """The checkout's commit (with ``+dirty`` when files are modified), or ``None`` outside
    a git checkout."""
    where = Path(path or Path(__file__).resolve().parent)
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True,
                                text=True, timeout=5)
        if commit.returncode:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=where, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return commit.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def provenance(argv: list[str] | None = None) -> dict[str, str]:
    """Versions of qfridge and the numerical stack, the git commit (from a checkout), the
    UTC date and the command line."""
    import numpy
    import qutip
    import scipy

    from .. import __version__

    info = {"qfridge": __version__, "qutip": qutip.__version__, "numpy": numpy.__version__,
            "scipy": scipy.__version__, "python": sys.version.split()[0],
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": shlex.join(["qfridge", *(sys.argv[1:] if argv is None else argv)])}
    commit = git_commit()
    if commit:
        info["git commit"] = commit
    return info
