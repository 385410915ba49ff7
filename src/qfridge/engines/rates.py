r"""Pauli rate equations, batched over parameter grids.

.. math:: \dot p_i = \sum_{j\ne i} \left(W_{ij} p_j - W_{ji} p_i\right),

with :math:`W_{ij}` the rate of the jump :math:`j \to i` (summed over baths,
:math:`W = \sum_b W^{(b)}`). The steady state solves :math:`M p = 0`,
:math:`\sum_i p_i = 1` with :math:`M = W - \mathrm{diag}(\sum_i W_{ij})`.

The heat current of bath :math:`b` (positive = energy leaves the bath) is

.. math:: J_b = \sum_{i,j} W^{(b)}_{ij} p_j (E_i - E_j).

Every function accepts a *stack* of problems: arrays of shape ``(..., d, d)``
for rates and ``(..., d)`` for energies. The stack is solved by LAPACK's batched
``numpy.linalg.solve`` in memory-bounded chunks: no Python loop over points.
This batching is written by hand because QuTiP's solvers take one system at a
time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import checks
from .steady import SteadyStateError, _inverse_pow2

#: Upper bound on the float64 elements one chunk of the batched solve may hold.
_CHUNK_ELEMENTS = 2**24


def _check_rates(rates, name: str = "rates") -> np.ndarray:
    raw = np.asarray(rates)
    if raw.dtype == object or not (np.issubdtype(raw.dtype, np.number)
                                   or raw.dtype == bool):
        raise ValueError(f"{name} must be a real numeric array of shape (..., d, d), got "
                         f"{rates!r}"[:300])
    if np.iscomplexobj(raw):
        raise ValueError(f"{name} must be real, got a complex array of shape {raw.shape}")
    w = np.asarray(raw, dtype=float)
    if w.ndim < 2 or w.shape[-1] != w.shape[-2]:
        raise ValueError(f"{name} must have shape (..., d, d), got {w.shape}")
    if w.shape[-1] < 1:
        raise ValueError(f"{name} must describe at least 1 level, got shape {w.shape}")
    checks.finite(name, w)
    off = w.copy()
    d = w.shape[-1]
    off[..., np.arange(d), np.arange(d)] = 0.0
    if np.any(off < 0):
        raise ValueError(f"{name} must be >= 0 off the diagonal, got a minimum of "
                         f"{off.min():.4g}")
    return off


def generator(rates) -> np.ndarray:
    """The master-equation generator :math:`M = W - \\mathrm{diag}(\\sum_i W_{ij})`.

    Diagonal entries of ``rates`` are ignored.
    """
    w = _check_rates(rates)
    return w - _diag_outflow(w)


def _diag_outflow(w: np.ndarray) -> np.ndarray:
    out = np.zeros_like(w)
    d = w.shape[-1]
    out[..., np.arange(d), np.arange(d)] = w.sum(axis=-2)
    return out


#: Reciprocal condition numbers (of the equilibrated, normalisation-replaced system)
#: below this mean a reducible rate matrix: several steady states (same threshold as
#: :class:`qfridge.engines.steady.SolverOptions`).
UNIQUE_RCOND = 1e-14


def steady_state(rates) -> np.ndarray:
    """Steady-state populations of a stack of rate problems.

    Parameters
    ----------
    rates : array_like, shape (..., d, d)
        ``rates[..., i, j]`` is the rate of the jump j -> i (diagonal ignored).

    Returns
    -------
    ndarray, shape (..., d)
        Populations summing to 1.

    Raises
    ------
    SteadyStateError
        When a problem has no unique steady state (a reducible rate matrix: two or
        more closed classes), naming how many and the first one, with its reciprocal
        condition number. Each problem's rows and columns are scaled by powers of two
        first, so stiff but irreducible problems (rates spanning many decades) pass
        and keep their small populations to relative precision.
    """
    w = _check_rates(rates)
    batch_shape, d = w.shape[:-2], w.shape[-1]
    flat = w.reshape(-1, d, d)
    out = np.empty((flat.shape[0], d))
    step = max(1, _CHUNK_ELEMENTS // (d * d))
    for start in range(0, flat.shape[0], step):
        m = generator(flat[start:start + step])
        m[:, 0, :] = 1.0  # replace the first equation by the normalisation
        c = _inverse_pow2(np.abs(m).max(axis=-2))  # column scales
        m *= c[:, None, :]
        r = _inverse_pow2(np.abs(m).max(axis=-1))  # row scales
        m *= r[:, :, None]
        try:  # batched inverse: x and the 1-norm condition number from one LAPACK call
            inv = np.linalg.inv(m)
            rcond = 1.0 / (np.abs(m).sum(axis=-2).max(axis=-1)
                           * np.abs(inv).sum(axis=-2).max(axis=-1))
        except np.linalg.LinAlgError:  # an exactly singular problem: find which ones
            sv = np.linalg.svd(m, compute_uv=False)
            rcond, inv = sv[:, -1] / sv[:, 0], None
        bad = np.flatnonzero(~(rcond >= UNIQUE_RCOND))
        if bad.size:
            first = start + int(bad[0])
            raise SteadyStateError(
                f"{bad.size} rate problem(s) have no unique steady state (the rate matrix is "
                f"reducible: several closed classes); the first is problem {first} (flat "
                f"index) with reciprocal condition number {rcond[bad[0]]:.3g} < "
                f"{UNIQUE_RCOND:g}", {"count": int(bad.size), "first": first},
                reason="not unique")
        out[start:start + step] = c * inv[:, :, 0] * r[:, :1]  # A^-1 (r_0 e_0)
    out = np.clip(out, 0.0, None) if np.all(out > -1e-10) else out
    out /= out.sum(axis=-1, keepdims=True)
    return out.reshape(*batch_shape, d)


def detailed_balance(up, down) -> np.ndarray:
    r"""Steady state of a birth–death chain, where jumps connect neighbouring levels only.

    Then the steady state has pairwise balance, :math:`p_{n+1}/p_n = \Gamma_{n\to n+1}/
    \Gamma_{n+1\to n}` (seed 002, Eqs. A1–A2). Infinite rates are allowed and taken as
    limits: an infinitely fast jump empties the level it leaves (a resonant transition
    of the leading-order lead rates, seed 002 Fig. 3 and Appendix C).

    Parameters
    ----------
    up, down : array_like, shape (d - 1,)
        ``up[n]`` :math:`= \Gamma_{n\to n+1}`, ``down[n]`` :math:`= \Gamma_{n+1\to n}`
        (non-negative, ``inf`` allowed).

    Returns
    -------
    ndarray, shape (d,)
        Populations summing to 1, computed from cumulative log-ratios (no overflow).

    Raises
    ------
    SteadyStateError
        When the chain has more than one closed class (a zero or a ``0/0``, ``inf/inf``
        ratio that splits it), naming the levels.
    """
    u = np.asarray(up, dtype=float)
    w = np.asarray(down, dtype=float)
    if u.ndim != 1 or u.shape != w.shape:
        raise ValueError(f"up and down must be 1-D of equal length, got shapes {u.shape} "
                         f"and {w.shape}")
    for name, x in (("up", u), ("down", w)):
        if np.any(np.isnan(x)) or np.any(x < 0):
            raise ValueError(f"{name} rates must be >= 0 (inf allowed), got {x.tolist()}")
    undefined = np.flatnonzero(((u == 0) & (w == 0)) | (np.isinf(u) & np.isinf(w)))
    if undefined.size:
        n = int(undefined[0])
        raise SteadyStateError(
            f"levels {n} and {n + 1} are joined by up rate {u[n]:g} and down rate {w[n]:g}: "
            "their population ratio is undefined (no unique steady state)",
            {"level": n}, reason="not unique")
    with np.errstate(divide="ignore"):
        log_ratio = np.log(u) - np.log(w)
    rise = np.flatnonzero(log_ratio == np.inf)    # p_n = 0 next to p_{n+1}
    fall = np.flatnonzero(log_ratio == -np.inf)   # p_{n+1} = 0 next to p_n
    lo = int(rise[-1]) + 1 if rise.size else 0
    hi = int(fall[0]) if fall.size else u.size
    if lo > hi:
        raise SteadyStateError(
            f"the chain splits into two closed classes: level {int(fall[0])} cannot pass "
            f"upwards and level {int(rise[-1]) + 1} cannot pass downwards",
            {"levels": (int(fall[0]), int(rise[-1]) + 1)}, reason="not unique")
    logp = np.concatenate([[0.0], np.cumsum(log_ratio[lo:hi])])
    p = np.zeros(u.size + 1)
    p[lo:hi + 1] = np.exp(logp - logp.max())
    return p / p.sum()


def _check_populations(populations, d: int) -> np.ndarray:
    """``populations`` as a float array of shape (..., d): finite, >= -1e-12, each
    distribution summing to 1 within 1e-8."""
    raw = np.asarray(populations)
    if raw.dtype == object or not np.issubdtype(raw.dtype, np.number):
        raise ValueError(f"populations must be a numeric array, got {populations!r}"[:300])
    if np.iscomplexobj(raw):
        raise ValueError(f"populations must be real, got a complex array of shape {raw.shape}")
    p = np.asarray(raw, dtype=float)
    if p.ndim < 1 or p.shape[-1] != d:
        raise ValueError(f"populations must have shape (..., {d}) (one per level), got "
                         f"{p.shape}")
    checks.finite("populations", p)
    if not (p.min() >= -1e-12):
        raise ValueError(f"populations must be >= 0, got a minimum of {p.min():.6g}")
    err = float(np.max(np.abs(p.sum(axis=-1) - 1.0)))
    if not (err <= 1e-8):
        raise ValueError(f"populations must sum to 1 (within 1e-8), got sums off by up to "
                         f"{err:.3g}")
    return p


def heat_current(rates_of_bath, energies, populations) -> np.ndarray:
    r"""Heat current :math:`J_b = \sum_{ij} W^{(b)}_{ij} p_j (E_i - E_j)`, batched.

    Positive = energy leaves bath :math:`b` and enters the system.
    """
    w = _check_rates(rates_of_bath, "rates_of_bath")
    e = np.asarray(checks.finite("energies", energies), dtype=float)
    if e.ndim < 1 or e.shape[-1] != w.shape[-1]:
        raise ValueError(f"energies must have shape (..., {w.shape[-1]}) to match "
                         f"rates_of_bath of shape {w.shape}, got {e.shape}")
    p = _check_populations(populations, e.shape[-1])
    try:
        np.broadcast_shapes(w.shape[:-2], e.shape[:-1], p.shape[:-1])
    except ValueError:
        raise ValueError(f"populations (shape {p.shape}), energies (shape {e.shape}) and "
                         f"rates_of_bath (shape {w.shape}) have incompatible stack "
                         "shapes") from None
    de = e[..., :, None] - e[..., None, :]
    return np.einsum("...ij,...j,...ij->...", w, p, de)


@dataclass(frozen=True)
class RateEquation:
    """A (stack of) Pauli rate equation(s) with per-bath rate matrices.

    Attributes
    ----------
    energies : ndarray, shape (..., d)
        Level energies (natural units).
    rates : dict[str, ndarray of shape (..., d, d)]
        Rate matrix of each bath; ``rates[b][..., i, j]`` is the rate of j -> i.
    temperatures : dict[str, float], optional
        Each bath's temperature (``inf`` for a work reservoir), for :meth:`thermodynamics`.
    """

    energies: np.ndarray
    rates: dict
    temperatures: dict | None = None

    def __post_init__(self):
        e = np.asarray(checks.finite("energies", self.energies), dtype=float)
        object.__setattr__(self, "energies", e)
        if not self.rates:
            raise ValueError("a rate equation needs at least one bath")
        for name, w in self.rates.items():
            w = _check_rates(w)
            if w.shape[-1] != e.shape[-1]:
                raise ValueError(f"rates of bath {name!r} act on {w.shape[-1]} levels but "
                                 f"there are {e.shape[-1]} energies")
            self.rates[name] = w

    @property
    def total_rates(self) -> np.ndarray:
        return sum(np.broadcast_to(w, np.broadcast_shapes(*(v.shape for v in
                                                              self.rates.values())))
                   for w in self.rates.values())

    def steady_state(self) -> np.ndarray:
        """Steady-state populations, shape (..., d)."""
        return steady_state(self.total_rates)

    def heat_currents(self, populations=None) -> dict[str, np.ndarray]:
        """Heat current of every bath (positive = energy leaves the bath)."""
        p = self.steady_state() if populations is None else populations
        return {name: heat_current(w, self.energies, p) for name, w in self.rates.items()}

    def thermodynamics(self, populations=None, *, check: bool = True):
        """Entropy production, efficiency/COP and bounds at every grid point
        (:class:`~qfridge.engines.thermo.Thermodynamics` of arrays); ``check`` reports a
        negative entropy production (a Pauli equation whose rates break detailed balance
        with the stated temperatures)."""
        from .thermo import Thermodynamics

        if self.temperatures is None:
            raise ValueError("thermodynamics needs the baths' temperatures: build the rate "
                             "equation with temperatures={bath: T} (inf for a work reservoir)")
        th = Thermodynamics(self.heat_currents(populations), self.temperatures)
        if check:
            th.check_second_law("the Pauli steady state", stacklevel=3)
        return th
