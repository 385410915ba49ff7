"""Honest counts (issue 13 s4): identities and restatements are shown but not judged."""

import pytest

from qfridge.reproduce.registry import Claim, claim_counts


def test_identities_and_restatements_are_not_counted():
    claims = [
        Claim.compare("a_mK", "T = 25 mK", 25.0, 26.95, "mK", rtol=0.02),
        Claim.compare("a_ratio", "T/T_atom = 0.5", 0.5, 0.539, "1", rtol=0.02,
                      role="restatement", note="a_mK in other units"),
        Claim.compare("kappa0_indep", "T independent of T_bath at kappa = 0", 0.0, 0.0,
                      "1", atol=1e-12, role="identity"),
        Claim.compare("own", "our evaluation of an equation the paper never evaluates",
                      None, 1.0, "1"),
        Claim.compare("b", "n = 2", 2.0, 2.0, "1", rtol=1e-3),
    ]
    assert claim_counts(claims) == (1, 2, 5)
    assert [c.verdict[1] for c in claims] == ["NO", "restatement", "identity", "—", "yes"]
    assert claims[1].as_dict()["role"] == "restatement"


def test_unknown_role_is_refused():
    with pytest.raises(ValueError, match="role must be one of"):
        Claim.compare("x", "s", 1.0, 1.0, "1", role="bonus")
