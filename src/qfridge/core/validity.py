r"""Premises of the approximations, checked at run time.

Every engine states the assumptions its results rest on (weak collisions
:math:`\phi = g\tau \ll 1`, rare collisions :math:`R\tau \ll 1`, weak coupling and
the secular approximation, a converged Fock truncation, ...). When an input
violates one, the engine calls :func:`check_premise`, which emits a
:class:`PremiseWarning` carrying the premise's name and the offending numbers,
or, in strict mode, raises :class:`PremiseViolation`.

Strict mode is switched on for a block with ``with strict_premises(): ...`` or
for the whole process with the environment variable ``QFRIDGE_STRICT=1``.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import warnings
from collections.abc import Iterator, Mapping

_STRICT: contextvars.ContextVar[bool | None] = contextvars.ContextVar("qfridge_strict",
                                                                        default=None)


class PremiseWarning(UserWarning):
    """A result was computed outside the regime its approximation assumes.

    Attributes
    ----------
    premise : str
        Short name of the violated premise, e.g. ``"weak collision (phi = g*tau << 1)"``.
    values : dict
        The numbers that violate it.
    """

    def __init__(self, premise: str, message: str, values: Mapping[str, float]):
        self.premise = premise
        self.values = dict(values)
        super().__init__(f"premise '{premise}' violated: {message} ({_format(values)})")


class PremiseViolation(ValueError):
    """Raised instead of :class:`PremiseWarning` in strict mode."""

    def __init__(self, premise: str, message: str, values: Mapping[str, float]):
        self.premise = premise
        self.values = dict(values)
        super().__init__(f"premise '{premise}' violated: {message} ({_format(values)})")


def _format(values: Mapping[str, float]) -> str:
    parts = []
    for key, val in values.items():
        try:
            parts.append(f"{key} = {float(val):.4g}")
        except (TypeError, ValueError):
            parts.append(f"{key} = {val}")
    return ", ".join(parts)


def is_strict() -> bool:
    """Whether premise violations raise instead of warn."""
    flag = _STRICT.get()
    if flag is not None:
        return flag
    return os.environ.get("QFRIDGE_STRICT", "0") not in ("", "0", "false", "False")


@contextlib.contextmanager
def strict_premises(strict: bool = True) -> Iterator[None]:
    """Within the block, premise violations raise :class:`PremiseViolation`."""
    token = _STRICT.set(strict)
    try:
        yield
    finally:
        _STRICT.reset(token)


def check_premise(holds: bool, premise: str, message: str, stacklevel: int = 3,
                  **values: float) -> bool:
    """Warn (or raise in strict mode) when ``holds`` is false; return ``holds``.

    Parameters
    ----------
    holds : bool
        Whether the premise is satisfied.
    premise : str
        The premise's name, e.g. ``"Fock truncation converged"``.
    message : str
        What is wrong, in words.
    **values : float
        The numbers that show it (they appear in the message and in ``.values``).
    """
    if holds:
        return True
    if is_strict():
        raise PremiseViolation(premise, message, values)
    warnings.warn(PremiseWarning(premise, message, values), stacklevel=stacklevel)
    return False


def check_much_less(small: float, large: float, premise: str, small_name: str,
                    large_name: str, factor: float = 0.1, stacklevel: int = 4) -> bool:
    """Check ``small <= factor * large`` (the usual reading of ``small << large``)."""
    return check_premise(
        bool(small <= factor * large), premise,
        f"{small_name} should be much smaller than {large_name} "
        f"(ratio {small / large if large else float('inf'):.3g} > {factor})",
        stacklevel=stacklevel, **{small_name: small, large_name: large},
    )


def check_truncation(top_population: float, premise: str = "Fock truncation converged",
                     tolerance: float = 1e-6, what: str = "population of the top Fock level",
                     stacklevel: int = 4) -> bool:
    """Check that a truncated bosonic space leaves no weight in its top level."""
    return check_premise(
        bool(top_population <= tolerance), premise,
        f"{what} exceeds the tolerance; raise the truncation",
        stacklevel=stacklevel, top_population=top_population, tolerance=tolerance,
    )
