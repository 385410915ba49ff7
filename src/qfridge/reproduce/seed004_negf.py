"""Seed 004 (Sec. IV B, Appendix C): Keldysh NEGF figures and claims (stub, being filled in)."""

FIGURES: list = []


def claims(ctx):
    """Return the NEGF claims of seed 004 (none yet)."""
    return []
