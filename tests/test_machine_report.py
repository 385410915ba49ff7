"""qfridge report MACHINE.toml: the page in a real browser (headless chromium, like the
reproduction report) and its content."""

import re
import subprocess
from pathlib import Path

from qfridge.reproduce.machine_report import write_machine_report
from test_report_html import CHROMIUM_FLAGS, _chromium

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "machines"

PROBE = """<script>
window.addEventListener("load", () => {
  const widths = Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1);
  const status = Array.from(document.querySelectorAll("table.audit tbody tr"))
      .map(tr => tr.dataset.status);
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = "WIDTHS=" + widths.join(",") + ";STATUS=" + status.join(",");
  document.body.appendChild(out);
});
</script>"""


def test_maser_report_content(tmp_path):
    html_path, result = write_machine_report(EXAMPLES / "maser.toml", tmp_path,
                                             ["report", "maser.toml"])
    html = html_path.read_text()
    md = (tmp_path / "report.md").read_text()
    for text in ("three-level maser", "qutip", "git commit" if "git commit" in md else "date",
                 "efficiency η (≤ bound)", "0.666667 ≤ 0.95", "Current fluctuations",
                 "qfridge report maser.toml"):
        assert text in html, text
    assert "| hot | 10 | 0.00417452 |" in md and "## Audit" in md
    assert result.ok


def test_machine_report_in_headless_chromium(tmp_path):
    chromium = _chromium()
    html_path, result = write_machine_report(EXAMPLES / "qubit_oscillator.toml", tmp_path)
    probe = tmp_path / "probe.html"
    probe.write_text(html_path.read_text().replace("</body>", PROBE + "</body>"))
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p'}",
                          "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=90)
    match = re.search(r'<pre id="probe">WIDTHS=([^;]*);STATUS=([^<]*)</pre>', dom.stdout)
    assert match, f"probe not found; chromium stderr:\n{dom.stderr[-2000:]}"
    assert [int(w) for w in match.group(1).split(",")] == [810]   # 9 in x 90 dpi
    assert match.group(2).split(",") == [r.status for r in result.rows]


def test_report_command_exit_codes(tmp_path, capsys):
    from qfridge.cli import main

    assert main(["report", str(EXAMPLES / "maser.toml"), "--out", str(tmp_path / "m")]) == 0
    assert (tmp_path / "m" / "report.html").is_file()
    assert "efficiency <= Carnot" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('[[subsystem]]\nkind = "qubit"\nfrequency = "5 GHz"\n[[bath]]\n'
                   'temperature = 1.0\nsubsystem = 0\n'
                   'spectral_density = {kind = "flat", gamma = 0.01}\n')
    assert main(["report", str(bad), "--out", str(tmp_path / "b")]) == 2
    assert "natural units" in capsys.readouterr().err
    dark = tmp_path / "dark.toml"   # a qubit no bath touches: no unique steady state
    dark.write_text('[[subsystem]]\nkind = "qubit"\nfrequency = 1.0\n[[subsystem]]\n'
                    'kind = "qubit"\nfrequency = 1.5\n[[bath]]\ntemperature = 1.0\n'
                    'subsystem = 0\nspectral_density = {kind = "flat", gamma = 0.01}\n')
    assert main(["report", str(dark), "--out", str(tmp_path / "d"), "--no-noise"]) == 1
    assert "fail  unique steady state" in capsys.readouterr().out
