"""``report.html``: one self-contained page of a reproduction run.

A summary table at the top (per paper: covered, figures, claims agreeing /
judged / total) and the run's provenance (versions, git commit, date, the command
line, quick or full), then per paper how to cite it, its notes, its figures with
captions (PNG embedded as base64 ``data:`` URIs, so the file can be mailed or
archived on its own) and its claims table (paper vs ours) with disagreements
highlighted; a long note shows its first sentence and opens (``<details>``) to
the rest. The page has no scripts and loads nothing from the network.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

from .provenance import provenance
from .registry import Context, claim_counts, format_value

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0; width: 100%; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.disagree td { background: #fde2e1; } tr.disagree td.verdict { color: #a40000;
  font-weight: bold; }
tr.agree td.verdict { color: #17692c; } tr.unjudged td.verdict { color: #777; }
tr.notcovered td { color: #888; font-style: italic; }
figure { margin: 1.2em 0; padding: 0.8em; border: 1px solid #e3e3e3; border-radius: 6px; }
figure img { max-width: 100%; height: auto; display: block; margin: 0 auto; }
figcaption { font-size: 0.9em; color: #333; margin-top: 0.5em; }
.missing { color: #a40000; } .notes { white-space: pre-wrap; background: #fafafa;
  padding: 0.6em; border-left: 3px solid #ccc; }
section { border-top: 2px solid #ddd; margin-top: 2em; }
td { overflow-wrap: anywhere; } table.claims { table-layout: fixed; }
table.claims col.id { width: 14%; } table.claims col.statement { width: 26%; }
table.claims col.value { width: 7%; } table.claims col.unit { width: 9%; }
table.claims col.verdict { width: 6%; } table.claims col.note { width: 31%; }
details summary { cursor: pointer; } details[open] summary { margin-bottom: 0.3em; }
table.provenance { width: auto; }
dl.citation { display: grid; grid-template-columns: max-content 1fr; gap: 0.1em 1em;
  margin: 0.6em 0; } dl.citation dt { font-weight: bold; } dl.citation dd { margin: 0; }
"""

#: Notes longer than this (characters) show their first sentence and open to the rest.
LONG_NOTE = 160

# a sentence ends at . ! ? followed by a space and a capital or a bracket, but not after an
# abbreviation ("App. D", "Eq. 16", "e.g. a", "rtol=0.05" do not end one)
_ABBREVIATIONS = ("App", "Eq", "Eqs", "Fig", "Figs", "Ref", "Refs", "Sec", "Tab", "vs", "cf",
                  "al", "e.g", "i.e")
_SENTENCE_END = re.compile("".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVIATIONS)
                           + r"(?<=[.!?])\s+(?=[A-Z(\[])")


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _image(out: Path, rel: str) -> str:
    path = out / rel
    if not path.is_file():
        return f'<p class="missing">figure file {_esc(rel)} is missing</p>'
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
    return f'<img src="data:{mime};base64,{data}" alt="{_esc(rel)}">'


def provenance_html(info: dict[str, str]) -> str:
    """The Provenance heading and table of a report (reproduction or machine report)."""
    return ('<h2 id="provenance">Provenance</h2><table class="provenance"><tbody>'
            + "".join(f"<tr><th>{_esc(k)}</th><td><code>{_esc(v)}</code></td></tr>"
                      for k, v in info.items()) + "</tbody></table>")


def report_provenance(ctx: Context) -> dict[str, str]:
    """What produced a reproduction run (:func:`~.provenance.provenance` with ``ctx.argv``
    as the command line) and its mode, for both reports."""
    return {**provenance(None if ctx.argv is None else list(ctx.argv)),
            "mode": "quick (coarser figure grids, smaller ensembles)" if ctx.quick else "full"}


def _note(text: str) -> str:
    """A claim's note: as it is when short, else its first sentence opening to the rest."""
    first, *rest = _SENTENCE_END.split(text, maxsplit=1)
    if len(text) <= LONG_NOTE or not rest:
        return _esc(text)
    return f"<details><summary>{_esc(first)}</summary>{_esc(rest[0])}</details>"


def _citation(citation) -> str:
    items = []
    for name, text, link in citation.fields():
        value = f'<a href="{_esc(link)}">{_esc(text)}</a>' if link else _esc(text)
        items.append(f"<dt>{_esc(name)}</dt><dd>{value}</dd>")
    return f'<dl class="citation">{"".join(items)}</dl>'


def render_report_html(results, out: Path, info: dict[str, str]) -> str:
    """The report page as a string; figure paths in ``results`` are relative to ``out``,
    ``info`` is the run's provenance (:func:`report_provenance`)."""
    out = Path(out)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>qfridge reproduction report</title>", f"<style>{CSS}</style>",
             "</head><body>", "<h1>qfridge reproduction report</h1>",
             f'<p class="meta">Mode: {_esc(info["mode"])}. '
             "Claims: paper value vs ours with the stated tolerance; rows in red disagree.</p>",
             '<h2 id="summary">Summary</h2>',
             '<table id="summary-table"><thead><tr><th>seed</th><th>paper</th><th>covered</th>'
             "<th>figures</th><th>claims agreeing / judged / total</th><th>time</th></tr>"
             "</thead><tbody>"]
    for r in results:
        agree, judged, total = claim_counts(r.claims)
        cls = "notcovered" if not r.covered else ("disagree" if agree < judged else "agree")
        link = f'<a href="#seed-{_esc(r.seed)}">{_esc(r.seed)}</a>' if r.covered \
            else _esc(r.seed)
        parts.append(
            f'<tr class="{cls}" data-seed="{_esc(r.seed)}"><td>{link}</td>'
            f"<td>{_esc(r.title)}</td><td>{'yes' if r.covered else 'not yet'}</td>"
            f'<td class="num">{len(r.figures)}</td>'
            f'<td class="num">{agree} / {judged} / {total}</td>'
            f'<td class="num">{r.seconds:.1f} s</td></tr>')
    parts.append("</tbody></table>")
    parts.append(provenance_html(info))
    for r in results:
        if not r.covered:
            continue
        parts.append(f'<section id="seed-{_esc(r.seed)}"><h2>{_esc(r.seed)}: '
                     f"{_esc(r.title)}</h2>")
        if r.citation is not None:
            parts.append(f"<h3>Cite the paper</h3>{_citation(r.citation)}")
        if r.notes:
            parts.append(f'<div class="notes">{_esc(r.notes)}</div>')
        for rel, caption, seconds in r.figures:
            parts.append(f"<figure>{_image(out, rel)}<figcaption><b>{_esc(Path(rel).stem)}"
                         f"</b> ({seconds:.1f} s). {_esc(caption)}</figcaption></figure>")
        if r.claims:
            parts.append('<table class="claims"><colgroup><col class="id">'
                         '<col class="statement"><col class="value"><col class="value">'
                         '<col class="unit"><col class="verdict"><col class="note">'
                         "</colgroup><thead><tr><th>id</th><th>statement</th>"
                         "<th>paper</th><th>ours</th><th>unit</th><th>agrees</th>"
                         "<th>note</th></tr></thead><tbody>")
            for c in r.claims:
                cls, verdict = c.verdict
                parts.append(
                    f'<tr class="{cls}"><td><code>{_esc(c.id)}</code></td>'
                    f"<td>{_esc(c.statement)}</td>"
                    f'<td class="num">{_esc(format_value(c.paper))}</td>'
                    f'<td class="num">{_esc(format_value(c.ours))}</td><td>{_esc(c.unit)}</td>'
                    f'<td class="verdict">{verdict}</td><td>{_note(c.note)}</td></tr>')
            parts.append("</tbody></table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report_html(results, out, ctx: Context) -> Path:
    """Write ``out/report.html`` (see module docstring) and return its path."""
    out = Path(out)
    path = out / "report.html"
    path.write_text(render_report_html(results, out, report_provenance(ctx)), encoding="utf-8")
    return path
