"""What makes a reproduction report citable and archivable: provenance rows and a citation of
each paper in report.md and report.html, and units and long names on every figure's data (and
on a sweep's quick-look colour bar)."""

import numpy as np
import pytest
import xarray as xr

from qfridge.reproduce.registry import (
    NOT_GIVEN,
    SEED_MODULES,
    Citation,
    Claim,
    Context,
    unlabelled,
)
from qfridge.reproduce.report_html import write_report_html
from qfridge.reproduce.runner import SeedResult, load_paper, run_seed, write_report_md

ARGV = ("reproduce", "001", "--quick", "--out", "results dir")
CITATION = Citation("Heating and cooling <via> phaseonium", ("F. Amato", "R. Lo Franco"),
                    doi="10.1103/PhysRevA.109.043705")


def _reports(tmp_path):
    result = SeedResult("001", "Phaseonium", True, [], [
        Claim("t", "max |T_phi - 0.5| at alpha = 0.25", 0.0, 0.0, "hbar*omega/k_B", True,
              "exact")],
        citation=CITATION)
    ctx = Context(quick=True, argv=ARGV)
    md = write_report_md([result], tmp_path, ctx).read_text()
    page = write_report_html([result], tmp_path, ctx).read_text()
    return md, page


def test_provenance_rows_in_both_reports(tmp_path):
    import numpy
    import qutip
    import scipy

    import qfridge

    md, page = _reports(tmp_path)
    command = "qfridge reproduce 001 --quick --out 'results dir'"
    rows = {"qfridge": qfridge.__version__, "qutip": qutip.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "command": command,
            "mode": "quick (coarser figure grids, smaller ensembles)"}
    for key, value in rows.items():
        assert f"- {key}: `{value}`" in md
        assert f"<tr><th>{key}</th><td><code>{value.replace(chr(39), '&#x27;')}</code></td>" \
            in page
    assert "- date: `20" in md and " UTC`" in md and "<tr><th>date</th>" in page
    assert "- git commit: `" in md and "<tr><th>git commit</th>" in page  # run in a checkout


def test_a_bar_in_a_statement_does_not_cut_the_markdown_row(tmp_path):
    md, _ = _reports(tmp_path)
    row = r"| `t` | max \|T_phi - 0.5\| at alpha = 0.25 | 0 | 0 | hbar*omega/k_B | yes | exact |"
    assert row in md.splitlines()


def test_full_mode_is_named(tmp_path):
    result = SeedResult("000", "Cavity cooling", False)
    md = write_report_md([result], tmp_path, Context(quick=False, argv=("reproduce", "0")))
    assert "- mode: `full`" in md.read_text()


def test_citation_in_both_reports(tmp_path):
    md, page = _reports(tmp_path)
    assert "- title: Heating and cooling <via> phaseonium" in md
    assert "- authors: F. Amato, R. Lo Franco" in md
    assert ("- DOI: [10.1103/PhysRevA.109.043705]"
            "(https://doi.org/10.1103/PhysRevA.109.043705)") in md
    assert f"- arXiv: {NOT_GIVEN}" in md
    assert "Heating and cooling &lt;via&gt; phaseonium" in page
    assert '<a href="https://doi.org/10.1103/PhysRevA.109.043705">' in page
    assert f"<dt>arXiv</dt><dd>{NOT_GIVEN}</dd>" in page


@pytest.mark.parametrize("seed", sorted(SEED_MODULES))
def test_every_paper_is_cited_as_its_seed_text_says(seed):
    citation = load_paper(seed).citation
    assert citation is not None
    texts = dict((name, text) for name, text, _ in citation.fields())
    assert texts["DOI"] != NOT_GIVEN or texts["title"] != NOT_GIVEN
    # only the seed texts of 001 and 003 give a DOI; none gives an arXiv id
    assert (texts["DOI"] != NOT_GIVEN) == (seed in ("001", "003"))
    assert texts["arXiv"] == NOT_GIVEN


def _unlabelled_dataset():
    return xr.Dataset({"a": ("x", np.zeros(2), {"units": "K", "long_name": "temperature"}),
                       "b": ("x", np.zeros(2), {"units": "1"}),
                       "c": ("x", np.zeros(2, dtype=np.int8)),
                       "error": ("x", np.array(["", "boom"]))})  # text: no unit to give


def test_unlabelled_names_what_is_missing():
    assert unlabelled(_unlabelled_dataset()) == ["b (long_name)", "c (units, long_name)"]


def test_the_runner_complains_about_unlabelled_figure_data(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    from qfridge.reproduce import registry, runner

    paper = registry.Paper("900", "A tiny paper", [registry.Figure(
        "fig1", "nothing", lambda ctx: _unlabelled_dataset(), lambda ds, ctx: plt.figure())])
    monkeypatch.setattr(runner, "load_paper", lambda seed: paper)
    lines = []
    run_seed("900", tmp_path, Context(quick=True), log=lines.append)
    assert "[900] fig1: data without units or long_name: b (long_name); c (units, long_name)" \
        in lines


# Figures under ~2 s in quick mode, one per seed (the runner checks every figure of every run
# the same way; `qfridge reproduce all --quick` exercises them all).
CHEAP_FIGURES = [("000", "fig5_kappa0_detuning"), ("001", "fig9_decoherence"),
                 ("002", "fig2b"), ("003", "fig3a"), ("004", "fig4")]


@pytest.mark.parametrize(("seed", "name"), CHEAP_FIGURES)
def test_cheap_figures_label_every_data_variable(seed, name):
    figure = next(f for f in load_paper(seed).figures if f.name == name)
    assert unlabelled(figure.compute(Context(quick=True))) == []


def test_quicklook_colour_bar_says_long_name_and_units():
    from qfridge.sweeps.plot import quicklook

    ds = xr.Dataset(
        {"J_C": (("dT", "g"), np.arange(6.0).reshape(2, 3),
                 {"units": "W", "long_name": "heat current out of bath C"}),
         "failed": (("dT", "g"), np.zeros((2, 3), bool))},
        coords={"dT": ("dT", [0.1, 0.2], {"units": "K"}), "g": ("g", [1.0, 2.0, 3.0])})
    fig = quicklook(ds, "J_C")
    assert fig.axes[1].get_ylabel() == "heat current out of bath C [W]"
    assert fig.axes[0].get_ylabel() == "dT [K]"
