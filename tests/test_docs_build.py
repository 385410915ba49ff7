"""The documentation site (mkdocs.yml) builds in strict mode: a warning, a broken link or
reference, an unparsable docstring or a docs page missing from the navigation fails.

Needs the ``docs`` tools (mkdocs, mkdocstrings; in the ``test`` extra). Without them the
build is skipped with a message, except on CI (``CI=true``), where it fails.
"""

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _require_docs_tools():
    missing = [m for m in ("mkdocs", "mkdocstrings", "mkdocstrings_handlers.python")
               if importlib.util.find_spec(m.split(".")[0]) is None
               or importlib.util.find_spec(m) is None]
    if missing:
        message = (f"documentation tools not installed ({', '.join(missing)}): "
                   "pip install -e '.[docs]' (or make docs)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)


API_IDS = {   # page -> headings the API reference must have (generated from docstrings)
    "api/engines.thermo.html": ["qfridge.engines.thermo.Thermodynamics",
                                "qfridge.engines.thermo.Thermodynamics.efficiency",
                                "qfridge.engines.thermo.Thermodynamics.carnot_bound"],
    "api/engines.lindblad.html": ["qfridge.engines.lindblad.MasterEquation.local",
                                  "qfridge.engines.lindblad.MasterEquation.thermodynamics"],
    "api/engines.audit.html": ["qfridge.engines.audit.audit"],
    "api/models.machine.html": ["qfridge.models.machine.Machine.from_dict"],
    "api/sweeps.html": ["qfridge.sweeps.api.sweep", "qfridge.sweeps.grid.Axis"],
    "api/core.html": ["qfridge.core.thermal.bose", "qfridge.core.baths.BosonicBath"],
    "api/index.html": ["qfridge"],
}


def test_site_builds_strict_with_every_page_and_the_api_reference(tmp_path):
    """One test (one build, ~5 s): xdist would build once per worker for several."""
    _require_docs_tools()
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0 and not warnings, "mkdocs build --strict failed:\n" + log

    for page in ["index.html", "getting-started.html", "api/index.html", "thermodynamics.html",
                 "seed004.html", "404.html", "search/search_index.json"]:
        assert (site / page).is_file(), page
    for md in DOCS.rglob("*.md"):   # every page is built (strict mode: and in the nav)
        assert (site / md.relative_to(DOCS).with_suffix(".html")).is_file(), md
    for page, identifiers in API_IDS.items():
        html = (site / page).read_text(encoding="utf-8")
        for ident in identifiers:
            assert f'id="{ident}"' in html, (page, ident)
    thermo = (site / "api" / "engines.thermo.html").read_text(encoding="utf-8")
    assert "Parameters" in thermo and "temperatures" in thermo       # numpydoc sections
    assert 'class="arithmatex"' in thermo                             # :math: roles
    assert 'href="core.html#qfridge.core.baths.WorkReservoir"' in thermo   # :class: roles
    assert not (site / "griffe_rst.py").exists()


def test_api_reference_covers_every_public_module():
    modules = {f"qfridge.{p.parent.name}.{p.stem}"
               for layer in ("core", "engines", "models", "sweeps")
               for p in (ROOT / "src" / "qfridge" / layer).glob("[!_]*.py")}
    documented = set(re.findall(r"^::: (qfridge[\w.]*)", "\n".join(
        p.read_text() for p in (DOCS / "api").glob("*.md")), flags=re.M))
    assert not modules - documented, f"add to docs/api/: {sorted(modules - documented)}"
    assert {"qfridge", "qfridge.sweeps"} <= documented


def _python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_getting_started_runs_and_matches_the_readme(monkeypatch):
    page = (DOCS / "getting-started.md").read_text()
    readme = (ROOT / "README.md").read_text()
    tour = re.search(r"## Quick tour\n\n```python\n(.*?)```", readme, flags=re.S).group(1)
    assert tour in _python_blocks(page), "the getting-started tour differs from the README's"
    shown = re.search(r"```toml\n(.*?)```", page, flags=re.S).group(1)
    maser = tomllib.loads((ROOT / "examples" / "machines" / "maser.toml").read_text())
    assert tomllib.loads(shown) == maser, "the page's maser.toml differs from the file"
    assert "qfridge report examples/machines/maser.toml" in page
    monkeypatch.chdir(ROOT)
    for block in _python_blocks(page):
        exec(compile(block, "docs/getting-started.md", "exec"), {"__name__": "docs"})


def test_readme_links_the_site():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/index.md)" in readme and "make docs" in readme


def test_rst_roles_become_links_and_broken_references_are_reported(caplog):
    """docs/griffe_rst.py: reST roles -> Markdown cross-references, math -> arithmatex."""
    _require_docs_tools()
    import griffe

    units = ('def f():\n    """See :func:`~qfridge.core.units.g`, :class:`Thing`, '
             ':class:`qfridge.Lazy`, :func:`qfridge.nothing`, :meth:`qutip.Qobj.dag` and '
             ':math:`x^2`.\n\n    .. math::\n\n        a = b\n\n    after\n    """\n\n\n'
             'def g():\n    """G."""\n\n\nclass Thing:\n    """T."""\n\n\n'
             'class Lazy:\n    """L."""\n')
    files = {"__init__.py": "_LAZY = {'Lazy': 'qfridge.core.units'}\n",
             "core/__init__.py": "", "core/units.py": units}
    extensions = griffe.load_extensions(str(DOCS / "griffe_rst.py"))
    with caplog.at_level("WARNING"), griffe.temporary_visited_package(
            "qfridge", files, extensions=extensions) as pkg:
        text = pkg["core.units.f"].docstring.value
    assert "[`g()`][qfridge.core.units.g]" in text
    assert "[`Thing`][qfridge.core.units.Thing]" in text
    assert "[`qfridge.Lazy`][qfridge.core.units.Lazy]" in text       # a lazy top-level name
    assert "`qutip.Qobj.dag()`" in text and "$x^2$" in text and "$$\na = b\n$$" in text
    assert "`qfridge.nothing()`" in text
    assert "broken reference :func:`qfridge.nothing`" in caplog.text
