"""Size estimates before big work: the one place that knows the machine's memory.

Every engine that allocates in proportion to a user's parameter (a Fock truncation, a
grid, a number of qubits) estimates the bytes first and calls :func:`require_memory`,
which refuses with the estimate and the available memory in the message — instead of
building for minutes and then failing in ``malloc`` (or being killed).
"""

from __future__ import annotations


class TooLargeError(MemoryError):
    """A computation would not fit in memory; raised *before* it starts.

    Attributes
    ----------
    need, available : float
        Estimated and available bytes.
    """

    def __init__(self, message: str, need: float, available: float):
        super().__init__(message)
        self.need = need
        self.available = available


def available_memory() -> float:
    """Bytes of memory available to this process (``MemAvailable``; 4 GiB if unknown)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    return 4.0 * 2**30


def format_bytes(n: float) -> str:
    """``n`` bytes in the largest binary unit that keeps it above 1 (e.g. ``'233 TiB'``)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024.0 or unit == "PiB":
            return f"{n:.3g} {unit}"
        n /= 1024.0
    return f"{n:.3g} PiB"


#: Estimates below this many bytes are accepted without reading /proc/meminfo.
_SMALL = 2.0**28


def require_memory(what: str, need: float, hint: str = "", fraction: float = 0.8) -> float:
    """Refuse (:class:`TooLargeError`) when ``need`` bytes exceed ``fraction`` of the
    available memory; return ``need``.

    ``what`` names the computation and the parameter that sets its size (e.g. ``"exact
    cavity steady state with n_levels = 115156"``); ``hint`` says how to make it smaller.
    """
    need = float(need)
    if need < _SMALL:
        return need
    limit = fraction * available_memory()
    if not need <= limit:
        raise TooLargeError(
            f"{what} needs about {format_bytes(need)} but {format_bytes(limit)} are "
            f"available" + (f"; {hint}" if hint else ""), need, limit)
    return need
