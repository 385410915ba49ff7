"""Issue 15 (sections 1 and 4): a discoverable command line and progress feedback."""

import dataclasses
import json
import subprocess
import sys
import time

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
        listed = ", ".join(q + (f" [{u}]" if (u := cls.quantity_attrs(q).get("units")) else "")
                           for q in cls.QUANTITIES)
        assert f"quantities: {listed}" in block


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


# --- progress feedback ----------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_progress_log_lines_carry_elapsed_and_an_estimate_of_what_is_left():
    from qfridge.reproduce.runner import ProgressLog

    clock, lines = FakeClock(), []
    blocks = [("001", "fig2"), ("001", "fig3"), ("001", "claims"), ("003", "fig3a")]
    log = ProgressLog(blocks, log=lines.append, clock=clock, heartbeat=None)
    with log.block("001", "fig2"):
        clock.now += 30.0
    assert lines[0] == ("[001] fig2: started (0/4 done, 0.0 s elapsed, time left: estimated "
                        "after the first block)")
    assert lines[1] == "[001] fig2: done in 30.0 s (1/4 done, 30.0 s elapsed, about 1 min 30 s " \
                       "left)"  # three blocks left at the mean so far
    with log.block("001", "fig3") as box:
        clock.now += 90.0
        box["extra"] = ", extra words"
    assert lines[-1] == ("[001] fig3: done in 1 min 30 s, extra words (2/4 done, 2 min 00 s "
                         "elapsed, about 2 min 00 s left)")
    log.finish("001", "claims", 1.0)
    log.finish("003", "fig3a", 1.0)
    assert lines[-1].endswith("(4/4 done, 2 min 00 s elapsed, nothing left)")
    assert not any("\r" in line for line in lines)


def test_progress_log_uses_typical_times_scaled_to_this_run():
    from qfridge.reproduce.runner import ProgressLog

    clock, lines = FakeClock(), []
    typical = {"000/a": 10.0, "000/b": 100.0, "000/c": 1.0}
    log = ProgressLog([("000", "a"), ("000", "b"), ("000", "c")], log=lines.append,
                      clock=clock, typical=typical, heartbeat=None)
    assert log.left() == pytest.approx(111.0)
    clock.now += 20.0  # this machine is twice as slow as the stored run
    log.finish("000", "a", 20.0)
    assert log.left() == pytest.approx(202.0)
    assert log.left(running="000/b", running_for=50.0) == pytest.approx(152.0)
    assert "about 3 min 22 s left" in lines[-1]


def test_progress_log_says_a_long_block_is_still_running():
    from qfridge.reproduce.runner import ProgressLog

    lines = []
    log = ProgressLog([("002", "fig4")], log=lines.append, heartbeat=0.05)
    with log.block("002", "fig4"):
        time.sleep(0.3)
    beats = [line for line in lines if "still running" in line]
    assert beats and "so far" in beats[0] and "elapsed" in beats[0]
    assert lines[-1].startswith("[002] fig4: done in")


def test_line_progress_prints_occasional_plain_lines():
    import io

    from qfridge.sweeps.api import LineProgress

    clock, out = FakeClock(), io.StringIO()
    with LineProgress(400, label="AbsorptionFridge.J_C over 400 points (dT x delta_z)",
                      interval=10.0, delay=2.0, file=out, clock=clock) as bar:
        for _ in range(40):
            clock.now += 1.0
            bar.update(10)
    text = out.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert len(lines) == 5  # at 2, 12, 22 and 32 s, and the last line
    assert lines[0] == ("AbsorptionFridge.J_C over 400 points (dT x delta_z): 20/400 pt (5 %), "
                        "2.0 s, about 38 s left")
    assert lines[1].startswith("AbsorptionFridge.J_C over 400 points (dT x delta_z): 120/400 pt")
    assert lines[-1].endswith("400/400 pt (100 %), 40.0 s (done)")
    quiet = io.StringIO()
    with LineProgress(10, file=quiet, clock=clock) as bar:
        bar.update(10)  # done before the first line is due: nothing printed
    assert quiet.getvalue() == ""


def test_progress_bar_is_plain_lines_off_a_terminal_and_names_what_runs():
    import functools

    from qfridge.sweeps.api import LineProgress, progress_bar, progress_label
    from qfridge.sweeps.config import ModelQuantity

    assert isinstance(progress_bar(10, label="x", interactive=False), LineProgress)
    assert not isinstance(progress_bar(10, label="x", interactive=True), LineProgress)
    assert not isinstance(progress_bar(10, label="x", enabled=False, interactive=False),
                          LineProgress)
    assert progress_label(ModelQuantity("AbsorptionFridge", "J_C"), ["dT", "delta_z"],
                          400) == "AbsorptionFridge.J_C over 400 points (dT x delta_z)"

    def _point(x, y):
        return {"z": x}

    assert progress_label(_point, ["x"], 3) == "point over 3 points (x)"
    assert progress_label(functools.partial(_point, y=1), ["x"]) == "point over x"
    assert progress_label(lambda x: x, ["x"], 2) == "function over 2 points (x)"


def test_reproduce_logs_each_block_without_carriage_returns(tmp_path, monkeypatch, capsys):
    # a tiny paper whose one figure runs a sweep for > 1 s (a tqdm bar would have drawn itself)
    (tmp_path / "tinyseed.py").write_text(
        "import time\nimport matplotlib.pyplot as plt\n"
        "from qfridge.reproduce.registry import Claim, Figure, Paper\n"
        "from qfridge.sweeps import sweep\n"
        "def point(x):\n    time.sleep(0.04)\n    return {'y': 2.0 * x}\n"
        "def compute(ctx):\n    return sweep(point, {'x': list(range(30))}, "
        "executor='serial', progress=ctx.progress, chunks=1)\n"
        "def plot(ds, ctx):\n    fig, ax = plt.subplots()\n    ds.y.plot(ax=ax)\n"
        "    return fig\n"
        "def claims(ctx):\n    return [Claim.compare('two', 'y(1) = 2', 2.0, 2.0, '1')]\n"
        "PAPER = Paper(seed='900', title='A tiny paper', figures=[Figure('fig1', 'y = 2x', "
        "compute, plot)], claims=claims)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from qfridge.reproduce import registry

    monkeypatch.setitem(registry.SEED_MODULES, "900", "tinyseed")
    monkeypatch.setitem(registry.SEED_TITLES, "900", "A tiny paper")
    out = tmp_path / "out"
    assert main(["reproduce", "900", "--quick", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "\r" not in captured.out and "\r" not in captured.err
    lines = captured.out.splitlines()
    assert "[900] fig1: started (0/2 done, " in lines[1]
    done = [line for line in lines if line.startswith("[900] fig1: done in")]
    assert done and "elapsed" in done[0] and "left" in done[0]
    assert any(line.startswith("[900] claims: done in") and "1 claims, agreeing 1/1" in line
               for line in lines)
    timings = json.loads((out / "timings.json").read_text())["quick"]
    assert set(timings) == {"900/fig1", "900/claims"} and timings["900/fig1"] > 1.0
    # the next run into the same folder (same mode) estimates from those stored times
    from qfridge.reproduce.runner import read_timings

    assert read_timings(out, quick=True) == timings and read_timings(out, quick=False) == {}
