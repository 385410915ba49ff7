"""qf.audit and the Machine file format (issue 12 item 6): every row says what it should,
on machines whose answers are known."""

from pathlib import Path

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath
from qfridge.engines.audit import audit
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.models.machine import Machine, MachineError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "machines"


def rows(result):
    return {r.check: r for r in result.rows}


def test_maser_file_audits_clean_with_scovil_schulz_dubois_efficiency():
    result = audit(Machine.from_toml(EXAMPLES / "maser.toml"))
    r = rows(result)
    assert result.ok and result.count("warn") == 0
    assert result.thermodynamics.efficiency() == pytest.approx(2 / 3, rel=1e-10)
    assert r["efficiency <= Carnot"].value == "0.6667 <= 0.95"
    assert r["Redfield vs this engine"].status == "pass"   # three distinct Bohr frequencies
    assert r["TUR (hot)"].status == "pass"


def test_local_machine_against_global_redfield_and_its_truncation():
    """Qubit + 12-level oscillator, g = 0.02 > rates: the global form's secular premise
    fails and its currents differ by 6 %; Redfield agrees with the local form to 4e-4;
    the truncation is converged (top level 9e-10; +4 levels change nothing)."""
    result = audit(Machine.from_toml(EXAMPLES / "qubit_oscillator.toml"))
    r = rows(result)
    assert r["local vs global"].status == "warn"
    assert "secular approximation" in r["local vs global"].detail
    assert r["Redfield vs this engine"].status == "pass"
    assert r["truncation of subsystem 1"].status == "pass"
    assert r["truncation convergence"].status == "pass"
    assert result.ok


def test_truncation_too_small_is_warned():
    m = Machine.from_dict({
        "subsystem": [{"kind": "oscillator", "frequency": 1.0, "levels": 3}],
        "bath": [{"name": "b", "temperature": 3.0, "subsystem": 0,
                  "spectral_density": {"kind": "flat", "gamma": 0.001}}]})
    r = rows(audit(m))
    assert r["truncation of subsystem 0"].status == "warn"
    assert r["truncation convergence"].status == "warn"


def test_second_law_violation_of_the_local_form_fails_the_audit():
    """Detuned qubits, omega_2/T_2 > omega_1/T_1 with T_1 < T_2 (tests/test_thermo.py):
    the local form moves heat from the colder bath to the hotter one."""
    sm = [qutip.tensor(qutip.destroy(2), qutip.qeye(2)),
          qutip.tensor(qutip.qeye(2), qutip.destroy(2))]
    h = sm[0].dag() * sm[0] + 1.3 * sm[1].dag() * sm[1] \
        + 0.05 * (sm[0].dag() * sm[1] + sm[1].dag() * sm[0])
    me = MasterEquation.local(h, [(BosonicBath(1.0, 0.01, name="a"), Transition(sm[0], 1.0)),
                                  (BosonicBath(1.2, 0.01, name="b"), Transition(sm[1], 1.3))])
    result = audit(me)
    r = rows(result)
    assert r["second law"].status == "fail" and not result.ok
    assert "Spohn" in r["second law"].value
    assert r["local vs global"].status == "warn"   # the global form runs heat downhill
    assert "opposite direction" in r["local vs global"].value


def test_dark_state_is_a_failed_uniqueness_row():
    """Two uncoupled qubits, a bath on one only: the other keeps its initial state."""
    m = Machine.from_dict({
        "subsystem": [{"kind": "qubit", "frequency": 1.0}, {"kind": "qubit",
                                                            "frequency": 1.5}],
        "bath": [{"temperature": 1.0, "subsystem": 0,
                  "spectral_density": {"kind": "flat", "gamma": 0.01}}]})
    result = audit(m)
    assert not result.ok
    assert rows(result)["unique steady state"].status == "fail"
    assert "not unique" in rows(result)["unique steady state"].value


def test_strong_chain_coupling_warns_local_premises_and_weak_oscillator_does_not():
    chain = {"form": "local",
             "subsystem": [{"kind": "qubit", "frequency": 1.0}] * 3,
             "interaction": [{"between": [0, 1], "strength": 2.0},
                             {"between": [1, 2], "strength": 2.0}],
             "bath": [{"name": "h", "temperature": 2.0, "subsystem": 0,
                       "spectral_density": {"kind": "flat", "gamma": 0.01}},
                      {"name": "c", "temperature": 0.5, "subsystem": 2,
                       "spectral_density": {"kind": "flat", "gamma": 0.01}}]}
    checks = [r.check for r in audit(Machine.from_dict(chain)).rows if r.status == "warn"]
    assert "premise: local form (bath rates flat over the interaction's splitting)" in checks
    a = qutip.destroy(60)
    quiet = audit(MasterEquation.global_secular(a.dag() * a, [(BosonicBath(1.0, 0.005),
                                                               a + a.dag())]), tur=False)
    assert rows(quiet)["premises (global form)"].status == "pass"


def test_audit_output_and_refusals():
    result = audit(Machine.from_toml(EXAMPLES / "maser.toml"), tur=False)
    text = str(result)
    assert text.startswith("audit of three-level maser") and "second law" in text
    assert result.to_markdown().count("\n") == len(result.rows) + 1
    with pytest.raises(ValueError, match="audit needs a MasterEquation"):
        audit(np.eye(2))


@pytest.mark.parametrize("data, message", [
    ({"subsystem": [{"kind": "spin"}], "bath": []}, "kind must be one of"),
    ({"subsystem": [{"kind": "qubit", "frequency": 1.0}]}, "missing key"),
    ({"subsystem": [{"kind": "qubit", "frequency": "5 GHz"}],
      "bath": [{"temperature": 1.0, "subsystem": 0,
                "spectral_density": {"kind": "flat", "gamma": 0.1}}]}, "natural units"),
    ({"subsystem": [{"kind": "qubit", "frequency": 1.0}],
      "bath": [{"temperature": 1.0, "subsystem": 3,
                "spectral_density": {"kind": "flat", "gamma": 0.1}}]}, "subsystem index 0..0"),
    ({"subsystem": [{"kind": "levels", "energies": [0, 1, 3]}],
      "bath": [{"temperature": 1.0, "subsystem": 0, "transition": [2, 1],
                "spectral_density": {"kind": "flat", "gamma": 0.1}}]}, "E_j > E_i"),
    ({"subsystem": [{"kind": "qubit", "frequency": 1.0}], "colour": "red",
      "bath": []}, "unknown key"),
    ({"subsystem": [{"kind": "qubit", "frequency": 1.0}],
      "bath": [{"temperature": "inf", "subsystem": 0,
                "spectral_density": {"kind": "ohmic", "alpha": 0.1, "cutoff": 5}}]},
     "work reservoir"),
])
def test_machine_descriptions_are_refused_by_name(data, message):
    with pytest.raises(MachineError, match=message):
        Machine.from_dict(data).master_equation()


def test_machine_file_errors(tmp_path):
    with pytest.raises(MachineError, match="no machine file"):
        Machine.from_toml(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("form = [")
    with pytest.raises(MachineError, match="not valid TOML"):
        Machine.from_toml(bad)


def test_driven_machine_gets_a_floquet_engine():
    m = Machine.from_dict({
        "subsystem": [{"kind": "qubit", "frequency": 1.0}],
        "bath": [{"name": "h", "temperature": 2.0, "subsystem": 0,
                  "spectral_density": {"kind": "ohmic", "alpha": 1e-3, "cutoff": 5.0}},
                 {"name": "c", "temperature": 0.3, "subsystem": 0,
                  "spectral_density": {"kind": "ohmic", "alpha": 1e-3, "cutoff": 5.0}}],
        "drive": {"subsystem": 0, "amplitude": 0.05, "frequency": 1.0}})
    th = m.floquet().thermodynamics()
    assert abs(th.energy_balance) < 1e-10 * th.scale and th.work_input > 0


def test_paper_model_is_audited_through_its_lindblad_method():
    """Seed 004's fridge (lindblad(form=...)): both forms are compared; where it cools, the
    COP row checks the absorption bound."""
    from qfridge.models.absorption_fridge import AbsorptionFridge

    m = AbsorptionFridge(eps1=2.0, eps2=2.1, delta_z=0.2, delta_x=0.02, dT=0.1, cutoff=10)
    r = rows(audit(m, tur=False))
    assert r["local vs global"].status != "n/a"
    assert r["second law"].status == "pass"
    assert r["COP <= reversible bound"].status == "pass"
