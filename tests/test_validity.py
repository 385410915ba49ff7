import warnings

import pytest

from qfridge.core.validity import (
    PremiseViolation,
    PremiseWarning,
    check_much_less,
    check_premise,
    check_truncation,
    is_strict,
    strict_premises,
)


def test_warning_carries_premise_and_numbers():
    with pytest.warns(PremiseWarning) as record:
        assert not check_much_less(0.5, 1.0, "weak collision", "phi", "one")
    w = record[0].message
    assert w.premise == "weak collision"
    assert w.values == {"phi": 0.5, "one": 1.0}
    assert "phi = 0.5" in str(w)


def test_holding_premise_is_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_premise(True, "x", "never shown", a=1.0)
        assert check_truncation(1e-9)


def test_truncation_warns_with_top_population():
    with pytest.warns(PremiseWarning, match="top_population = 0.01"):
        check_truncation(0.01)


def test_strict_mode_context_and_environment(monkeypatch):
    assert not is_strict()
    with strict_premises(), pytest.raises(PremiseViolation, match="weak coupling"):
        check_premise(False, "weak coupling", "rates too large", rate=1.0)
    assert not is_strict()
    monkeypatch.setenv("QFRIDGE_STRICT", "1")
    assert is_strict()
    with strict_premises(False):
        assert not is_strict()
