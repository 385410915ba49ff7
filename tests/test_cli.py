import json
import subprocess
import sys

import pytest

from qfridge.cli import main
from qfridge.reproduce.registry import Claim
from qfridge.reproduce.runner import resolve_seeds


def test_info_prints_versions(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "qfridge" in out and "qutip 5" in out


def test_unknown_seed_exits_2(tmp_path, capsys):
    assert main(["reproduce", "007", "--out", str(tmp_path)]) == 2
    assert "unknown seed '007'" in capsys.readouterr().err


def test_resolve_seeds_expands_all_and_pads():
    assert resolve_seeds(["all"]) == ["000", "001", "002", "003", "004"]
    assert resolve_seeds(["4", "004", "0"]) == ["004", "000"]


def test_uncovered_seed_is_listed_not_faked(tmp_path, monkeypatch, capsys):
    # A seed whose module does not exist is reported, exit 0, and nothing is written for it.
    from qfridge.reproduce import registry

    monkeypatch.setitem(registry.SEED_MODULES, "002", "qfridge.reproduce.seed_not_written")
    assert main(["reproduce", "002", "--out", str(tmp_path), "--quiet"]) == 0
    assert "not yet covered" in capsys.readouterr().out
    assert not (tmp_path / "002").exists()
    assert "Not yet covered" in (tmp_path / "report.md").read_text()


def test_unknown_setting_exits_2_with_the_list(tmp_path, capsys):
    assert main(["reproduce", "000", "--out", str(tmp_path), "--set", "nope=1"]) == 2
    assert "unknown setting(s) ['nope']" in capsys.readouterr().err
    assert main(["reproduce", "000", "--out", str(tmp_path), "--set", "nope"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_claim_compare_tolerance_and_json():
    c = Claim.compare("x", "a number", 1.42, 1.40, "1", rtol=0.05)
    assert c.agrees is True and "rtol=0.05" in c.note
    assert Claim.compare("x", "a number", 1.42, 1.2, "1", rtol=0.05).agrees is False
    d = Claim.compare("y", "ours only", None, 3.0, "mK", note="beyond the paper").as_dict()
    assert d["agrees"] is None and d["paper"] is None
    assert set(json.loads(json.dumps(d))) == {"id", "statement", "paper", "ours", "unit",
                                              "agrees", "note", "role"}


@pytest.mark.parametrize("argv", [["reproduce"], ["nonsense"]])
def test_bad_usage_exits_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_reproduce_checks_out_and_settings_before_computing(tmp_path, capsys):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    assert main(["reproduce", "000", "--out", str(a_file)]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
    assert main(["reproduce", "000", "--out", "/proc/qfridge_out"]) == 2
    assert "cannot be created" in capsys.readouterr().err
    for bad in ("-1", "abc"):
        assert main(["reproduce", "002", "--out", str(tmp_path / "o"), "--set",
                     f"fig6b_sites={bad}"]) == 2
        err = capsys.readouterr().err
        assert "fig6b_sites" in err and "Traceback" not in err


def test_import_qfridge_is_light_and_public_names_load_on_use():
    # issue 15: QuTiP, xarray and Dask are imported where they are used, not by
    # `import qfridge`; the public names the README uses still resolve
    code = ("import sys, qfridge; heavy = [m for m in ('qutip', 'xarray', 'dask', "
            "'matplotlib') if m in sys.modules]; print(','.join(heavy)); "
            "print(qfridge.MasterEquation.__name__, qfridge.sweep.__name__, "
            "'MasterEquation' in dir(qfridge))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == ""
    assert out[1] == "MasterEquation sweep True"
    import qfridge.thermal
    from qfridge.units import Temperature

    import qfridge

    assert qfridge.thermal is qfridge.core.thermal and Temperature is qfridge.core.units.Temperature
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        qfridge.nope  # noqa: B018
