"""Issue 15 (sections 1 and 4): a discoverable command line and progress feedback."""

import dataclasses
import subprocess
import sys

import pytest

import qfridge
from qfridge.cli import main
from qfridge.reproduce.registry import SEED_MODULES, seed_overview


def test_version_matches_package(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"qfridge {qfridge.__version__}"


def test_models_lists_every_usable_model_with_units_and_quantities(capsys):
    from qfridge.models import load_all
    from qfridge.models.base import MODELS, UNIT_OF_KIND

    load_all()
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    usable = {n: c for n, c in MODELS.items() if c.QUANTITIES}
    assert usable
    for name, cls in usable.items():
        assert f"\n{name}: " in out
        block = out.split(f"\n{name}: ", 1)[1].split("\n\n", 1)[0]
        for f in dataclasses.fields(cls):
            kind = f.metadata.get("kind")
            if kind is None:
                continue
            unit = UNIT_OF_KIND[kind]
            shown = f"{f.name} ({kind}, {unit}" if unit not in ("", "1") else f"{f.name} ({kind}"
            assert shown in block, (name, shown)
        assert f"quantities: {', '.join(cls.QUANTITIES)}" in block


def test_models_name_shows_one_model_in_detail(capsys):
    from qfridge.models.dicke_valve import DickeHeatValve

    assert main(["models", "DickeHeatValve"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("DickeHeatValve")
    assert "parallel" not in out.splitlines()[1] and "parasitic bath" in out.splitlines()[1]
    for line in ("T_h       temperature        K      required",
                 "gamma_p   rate               1/s    0"):
        assert line in out
    for q in DickeHeatValve.QUANTITIES:
        assert f"\n    {q} " in out
    assert ":math:" not in out and "``" not in out


def test_unknown_model_exits_2_naming_the_known_ones(capsys):
    assert main(["models", "Nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown model 'Nope'" in err
    for name in ("AbsorptionFridge", "CorrelatedPairCooling", "DickeHeatValve",
                 "KerrResonatorFridge", "PhaseoniumCavity"):
        assert name in err


def test_reproduce_list_names_every_seed_fast_without_heavy_imports():
    code = ("import sys, time; t = time.perf_counter(); from qfridge.cli import main; "
            "rc = main(['reproduce', '--list']); "
            "print('heavy', [m for m in ('qutip', 'matplotlib', 'xarray', 'dask') "
            "if m in sys.modules], rc, round(time.perf_counter() - t, 2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    last = out.splitlines()[-1]
    assert last.startswith("heavy [] 0"), last
    assert float(last.split()[-1]) < 2.0
    for seed in SEED_MODULES:
        o = seed_overview(seed)
        assert f"{seed}  {o.title}" in out
        assert f"{len(o.figures)} figures, {o.claims} claims: {', '.join(o.figures)}" in out


def test_seed_overview_reads_what_the_paper_objects_hold():
    # the listing is read from the seed modules' source; it must say what PAPER says
    from qfridge.reproduce.runner import load_paper

    for seed in SEED_MODULES:
        o, paper = seed_overview(seed), load_paper(seed)
        assert o.covered and o.title == paper.title
        assert o.figures == tuple(f.name for f in paper.figures)
        assert o.claims_exact and o.claims > 5


def test_claim_counting_unrolls_literal_loops_and_flags_guesses(tmp_path, monkeypatch):
    # claim counts are read without running: loops over literal lists are unrolled (branches on
    # their variables decided), anything else makes the count a guess shown as "~N"
    pkg = tmp_path / "fakeseeds"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helper.py").write_text(
        "def claims(ctx):\n    return [Claim('a', 's', None, 1.0, '1', None)]\n"
        "FIGURES = [Figure('fig9', 'c', None, None)]\n")
    (pkg / "seedx.py").write_text(
        "from . import helper\nKINDS = ('one', 'two')\nTITLE = 'A ' + 'title'\n"
        "def claims(ctx):\n    out = []\n"
        "    for k in KINDS:\n        if k == 'two':\n"
        "            out.append(Claim.compare('x', 's', 1, 1, '1'))\n"
        "        out.append(Claim.compare('y', 's', 1, 1, '1', note=', '.join(str(i) "
        "for i in range(3))))\n"
        "    return [*out, *helper.claims(ctx)]\n"
        "def guessed(ctx):\n    return [Claim.compare(str(i), 's', 1, 1, '1') "
        "for i in range(ctx.n)]\n"
        "PAPER = Paper(seed='x', title=TITLE, figures=[Figure('fig1', 'c', None, None), "
        "*helper.FIGURES], claims=claims)\n"
        "OTHER = Paper(seed='x', title='t', claims=guessed)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(SEED_MODULES, "x", "fakeseeds.seedx")
    o = seed_overview("x")
    assert (o.title, o.figures, o.claims, o.claims_exact) == ("A title", ("fig1", "fig9"), 4,
                                                               True)
    from qfridge.reproduce import registry

    reader = registry._SourceReader("fakeseeds.seedx")
    import ast

    assert reader.claims_of(ast.Name("guessed"), set()) == (1, False)
    assert registry.SeedOverview("x", "t", True, (), 1, False).claims_text() == "~1 claims"


def test_uncovered_seed_is_listed_as_such(monkeypatch, capsys):
    monkeypatch.setitem(SEED_MODULES, "002", "qfridge.reproduce.seed_not_written")
    assert main(["reproduce", "--list"]) == 0
    out = capsys.readouterr().out
    assert "002  Anti-thermalization" in out and "not yet covered" in out


def test_reproduce_without_seeds_exits_2_pointing_at_list(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce"])
    assert exc.value.code == 2
    assert "--list" in capsys.readouterr().err


def test_sweep_help_points_at_models_and_docs(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    out = capsys.readouterr().out
    assert "qfridge models" in out and "docs/sweeps.md" in out


def test_top_level_help_lists_subcommands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in ("reproduce", "sweep", "models", "info", "--version"):
        assert name in out
