"""Input checks shared by every layer: each names the argument and its value.

Every public function validates what it is given with these helpers, so a bad
input fails early with ``ValueError("<name> must be ..., got <value>")``
instead of surfacing later as a NaN or a singular matrix.
"""

from __future__ import annotations

import numpy as np


def _show(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(arr.item())
    return f"array of shape {arr.shape} (min {np.nanmin(arr):.6g}, max {np.nanmax(arr):.6g})" \
        if arr.size and np.issubdtype(arr.dtype, np.number) and not np.iscomplexobj(arr) \
        else f"array of shape {arr.shape}"


#: Why engines take plain numbers: said once, wherever a unit-carrying value reaches one.
NATURAL_UNITS = (
    "engines work in natural units (hbar = k_B = 1, every energy, rate and temperature in "
    "one chosen energy scale), so they take plain numbers: convert with "
    "qfridge.units.NaturalUnits (e.g. NaturalUnits.of_frequency(parse_quantity('5 GHz'))"
    ".temperature(parse_quantity('50 mK'))), or use a model, whose parameters accept "
    "'50 mK', '5 GHz' and typed quantities")


def _carries_unit(value) -> bool:
    """A string such as '50 mK' or a typed quantity of qfridge.core.units."""
    return isinstance(value, str) or type(value).__module__.endswith("core.units")


def finite(name: str, value):
    """``value`` as a float array (or float) after checking it holds no NaN/inf."""
    if _carries_unit(value):
        raise ValueError(f"{name} must be a plain number, got {value!r}: {NATURAL_UNITS}")
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf), got {_show(arr)}")
    return value


def positive(name: str, value):
    """Finite and > 0."""
    finite(name, value)
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"{name} must be > 0, got {_show(value)}")
    return value


def non_negative(name: str, value):
    """Finite and >= 0."""
    finite(name, value)
    if np.any(np.asarray(value) < 0):
        raise ValueError(f"{name} must be >= 0, got {_show(value)}")
    return value


def in_range(name: str, value, low: float, high: float):
    """Finite and within the closed interval [low, high]."""
    finite(name, value)
    arr = np.asarray(value)
    if np.any(arr < low) or np.any(arr > high):
        raise ValueError(f"{name} must lie in [{low}, {high}], got {_show(value)}")
    return value


def one_of(name: str, value, allowed):
    """``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def integer_at_least(name: str, value, low: int):
    """An integer >= low."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)
