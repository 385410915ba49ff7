"""``qfridge report MACHINE.toml``: one self-contained page (and its Markdown twin) on a
user's machine — what it is, its steady state, the current of each bath, entropy
production, efficiency/COP against the bounds, current noise and TUR, the driven machine
when it has a drive, and the audit table.

Same style and rules as the reproduction report (``report_html``): no scripts, nothing
loaded from the network, figures embedded as ``data:`` URIs.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np

from ..engines.audit import Audit, audit
from .provenance import provenance
from .report_html import CSS, _esc, provenance_html

EXTRA_CSS = """
tr.pass td.status { color: #17692c; font-weight: bold; }
tr.warn td { background: #fff6dd; } tr.warn td.status { color: #8a5a00; font-weight: bold; }
tr.fail td { background: #fde2e1; } tr.fail td.status { color: #a40000; font-weight: bold; }
tr.na td { color: #777; } td.detail { font-size: 0.88em; }
pre.source { background: #fafafa; border-left: 3px solid #ccc; padding: 0.6em;
             overflow-x: auto; white-space: pre-wrap; }
"""

#: Most eigenstates listed in the populations table (the figure shows all).
MAX_LEVELS_LISTED = 32


def _eigen_populations(machine, state) -> tuple[np.ndarray, np.ndarray]:
    energies, vectors = np.linalg.eigh(machine.hamiltonian().full())
    rho = state.full()
    return energies, np.real(np.einsum("ik,ij,jk->k", vectors.conj(), rho, vectors))


def _figure(energies, populations, currents: dict, temperatures: dict) -> str:
    """A two-panel PNG (populations vs energy; currents by bath) as a data URI img tag."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=90)
    ax1.semilogy(energies - energies[0], np.clip(populations, 1e-16, None), "o")
    ax1.set_xlabel("eigenenergy $E_i - E_0$ (natural units)")
    ax1.set_ylabel("steady-state population $p_i$")
    ax1.set_title("steady state in the eigenbasis")
    names = list(currents)
    values = [float(currents[b]) for b in names]
    colours = ["#b03a2e" if v > 0 else "#2e6db0" for v in values]
    ax2.bar(range(len(names)), values, color=colours)
    ax2.set_xticks(range(len(names)),
                   [f"{b}\nT = {temperatures[b]:.3g}" for b in names])
    ax2.axhline(0, color="k", lw=0.6)
    ax2.set_ylabel("heat current $J_b$ (energy/time)")
    ax2.set_title("red: energy leaves the bath; blue: enters it")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="populations and currents">'


def _table(headers, rows, cls=None) -> str:
    out = [f'<table{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}><thead><tr>'
           + "".join(f"<th>{_esc(h)}</th>" for h in headers) + "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _g(x) -> str:
    return "n/a" if x is None else f"{float(x):.6g}"


def _thermo_rows(result: Audit) -> list[tuple[str, str]]:
    th = result.thermodynamics
    rows = [("entropy production σ = −Σ J_b/T_b", _g(th.entropy_production))]
    if th.spohn_entropy_production is not None:
        rows.append(("Spohn (local) entropy production", _g(th.spohn_entropy_production)))
    rows.append(("work input W_in (drives, work reservoirs)", _g(th.work_input)))
    rows.append(("energy balance Σ J_b + P_in", _g(th.energy_balance)))
    rows.append(("operating mode", th.mode))
    if th.is_engine():
        rows.append(("efficiency η (≤ bound)",
                     f"{th.efficiency():.6g} ≤ {th.carnot_bound('engine'):.6g}"))
    if th.is_refrigerator():
        rows.append((f"COP of bath {th.cold_bath()!r} (≤ bound)",
                     f"{th.cop():.6g} ≤ {th.carnot_bound('refrigerator'):.6g}"))
    return rows


def _driven_rows(machine) -> list[tuple[str, str]] | None:
    if getattr(machine, "drive", None) is None:
        return None
    th = machine.floquet().thermodynamics(check=False)
    rows = [(f"J_{b} (Floquet basis)", _g(j)) for b, j in th.currents.items()]
    rows += [("power delivered by the drive P_in", _g(th.power)),
             ("entropy production", _g(th.entropy_production)),
             ("energy balance Σ J_b + P_in", _g(th.energy_balance)),
             ("operating mode", th.mode)]
    if th.is_engine():
        rows.append(("efficiency (≤ bound)",
                     f"{th.efficiency():.6g} ≤ {th.carnot_bound('engine'):.6g}"))
    if th.is_refrigerator():
        rows.append(("COP (≤ bound)",
                     f"{th.cop():.6g} ≤ {th.carnot_bound('refrigerator'):.6g}"))
    return rows


def render(machine, result: Audit, source: str, info: dict) -> tuple[str, str]:
    """``(html, markdown)`` of the report."""
    th = result.thermodynamics
    title = f"qfridge machine report: {machine.name}"
    html = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(title)}</title>", f"<style>{CSS}{EXTRA_CSS}</style>",
            "</head><body>", f"<h1>{_esc(title)}</h1>",
            f'<p class="meta">{_esc(machine.description())}</p>',
            f'<p class="meta">Audit: {result.count("pass")} pass, {result.count("warn")} warn, '
            f'{result.count("fail")} fail, {result.count("n/a")} not applicable. Natural units '
            "(ħ = k_B = 1); J_b > 0: energy leaves bath b.</p>"]
    md = [f"# {title}", "", machine.description(), "",
          f"Audit: {result.count('pass')} pass, {result.count('warn')} warn, "
          f"{result.count('fail')} fail, {result.count('n/a')} not applicable. Natural units; "
          "J_b > 0: energy leaves bath b.", ""]
    html.append(provenance_html(info))
    md += ["## Provenance", ""] + [f"- {k}: `{v}`" for k, v in info.items()] + [""]
    html.append('<h2 id="machine">Machine</h2>'
                f'<pre class="source">{_esc(source)}</pre>')
    md += ["## Machine", "", "```toml", source.rstrip(), "```", ""]
    if th is not None:
        energies, pops = _eigen_populations(machine, result.state)
        html.append('<h2 id="state">Steady state and currents</h2><figure>'
                    + _figure(energies, pops, th.currents, th.temperatures)
                    + "<figcaption>Left: populations of the Hamiltonian's eigenstates. Right: "
                    "heat current of each bath.</figcaption></figure>")
        levels = [(i, f"{e:.6g}", f"{p:.6g}") for i, (e, p) in
                  enumerate(zip(energies, pops, strict=True))][:MAX_LEVELS_LISTED]
        html.append(f"<details><summary>populations of the {len(energies)} eigenstates"
                    + (f" (the lowest {MAX_LEVELS_LISTED})" if len(energies) >
                       MAX_LEVELS_LISTED else "") + "</summary>"
                    + _table(["eigenstate", "energy", "population"], levels, "populations")
                    + "</details>")
        currents = [(b, _g(th.temperatures[b]), _g(j),
                     _g(float(j) / th.temperatures[b]) if 0 < th.temperatures[b] < np.inf
                     else "work" if th.temperatures[b] == np.inf else "n/a")
                    for b, j in th.currents.items()]
        html.append(_table(["bath", "temperature", "current J_b", "J_b / T_b"], currents,
                           "currents"))
        html.append('<h2 id="thermodynamics">Thermodynamics</h2>'
                    + _table(["quantity", "value"], _thermo_rows(result), "thermo"))
        md += ["## Steady state and currents", "", "| bath | T | J_b |", "|---|---|---|"]
        md += [f"| {b} | {t} | {j} |" for b, t, j, _ in currents] + [""]
        md += ["## Thermodynamics", ""] + [f"- {k}: {v}" for k, v in _thermo_rows(result)]
        md.append("")
    if result.cumulants:
        noise = [(b, _g(c.mean), _g(c.noise),
                  _g(th.entropy_production * c.noise / c.mean**2))
                 for b, c in result.cumulants.items()]
        html.append('<h2 id="fluctuations">Current fluctuations</h2>'
                    "<p>Full counting statistics of each bath's energy current (tilted "
                    "Liouvillian): mean, zero-frequency noise and the TUR ratio Q = "
                    "σ Var(J)/J² (≥ 2 for classical Markov jump processes).</p>"
                    + _table(["bath", "mean J", "noise", "Q"], noise, "noise"))
        md += ["## Current fluctuations", "", "| bath | mean | noise | Q |", "|---|---|---|---|"]
        md += [f"| {b} | {m} | {n} | {q} |" for b, m, n, q in noise] + [""]
    driven = _driven_rows(machine)
    if driven is not None:
        html.append('<h2 id="driven">Driven machine (Floquet–Markov)</h2>'
                    + _table(["quantity", "value"], driven, "driven"))
        md += ["## Driven machine (Floquet–Markov)", ""] + [f"- {k}: {v}" for k, v in driven]
        md.append("")
    html.append('<h2 id="audit">Audit</h2><table class="audit"><thead><tr><th>check</th>'
                "<th>status</th><th>value</th><th>detail</th></tr></thead><tbody>")
    for r in result.rows:
        cls = r.status.replace("/", "")
        html.append(f'<tr class="{cls}" data-status="{_esc(r.status)}"><td>{_esc(r.check)}'
                    f'</td><td class="status">{_esc(r.status)}</td><td>{_esc(r.value)}</td>'
                    f'<td class="detail">{_esc(r.detail)}</td></tr>')
    html.append("</tbody></table></body></html>")
    md += ["## Audit", "", result.to_markdown(), ""]
    return "\n".join(html) + "\n", "\n".join(md)


def write_machine_report(path, out, argv: list[str] | None = None, tur: bool = True
                         ) -> tuple[Path, Audit]:
    """Read the machine file ``path``, audit it and write ``out/report.html`` and
    ``out/report.md``; returns the HTML path and the audit."""
    from ..models.machine import Machine

    path, out = Path(path), Path(out)
    machine = Machine.from_toml(path)
    result = audit(machine, tur=tur)
    html, md = render(machine, result, path.read_text(encoding="utf-8"), provenance(argv))
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(md, encoding="utf-8")
    target = out / "report.html"
    target.write_text(html, encoding="utf-8")
    return target, result
