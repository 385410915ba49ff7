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

#: Upper bound on the float64 elements one chunk of the batched solve may hold.
_CHUNK_ELEMENTS = 2**24


def _check_rates(rates) -> np.ndarray:
    w = np.asarray(rates, dtype=float)
    if w.ndim < 2 or w.shape[-1] != w.shape[-2]:
        raise ValueError(f"rates must have shape (..., d, d), got {w.shape}")
    checks.finite("rates", w)
    off = w.copy()
    d = w.shape[-1]
    off[..., np.arange(d), np.arange(d)] = 0.0
    if np.any(off < 0):
        raise ValueError(f"rates must be >= 0 off the diagonal, got a minimum of {off.min():.4g}")
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


def steady_state(rates) -> np.ndarray:
    """Steady-state populations of a stack of rate problems.

    Parameters
    ----------
    rates : array_like, shape (..., d, d)
        ``rates[..., i, j]`` is the rate of the jump j -> i (diagonal ignored).

    Returns
    -------
    ndarray, shape (..., d)
        Populations summing to 1. Raises if a problem has no unique steady state
        (a reducible rate matrix), naming how many.
    """
    w = _check_rates(rates)
    batch_shape, d = w.shape[:-2], w.shape[-1]
    flat = w.reshape(-1, d, d)
    out = np.empty((flat.shape[0], d))
    step = max(1, _CHUNK_ELEMENTS // (d * d))
    rhs = np.zeros(d)
    rhs[0] = 1.0
    for start in range(0, flat.shape[0], step):
        block = flat[start:start + step]
        m = generator(block)
        # Scale each problem so its largest rate is 1 before the normalisation row
        # replaces the first equation: keeps the system well conditioned.
        scale = np.max(np.abs(m), axis=(-2, -1), keepdims=True)
        m = m / np.where(scale > 0, scale, 1.0)
        m[:, 0, :] = 1.0
        try:
            b = np.broadcast_to(rhs[:, None], (block.shape[0], d, 1))
            out[start:start + step] = np.linalg.solve(m, b)[..., 0]
        except np.linalg.LinAlgError as err:
            bad = int(np.sum(np.abs(np.linalg.det(m)) < 1e-300))
            raise ValueError(f"{bad} rate problem(s) in this chunk have no unique steady state "
                             "(the rate matrix is reducible)") from err
    out = np.clip(out, 0.0, None) if np.all(out > -1e-10) else out
    out /= out.sum(axis=-1, keepdims=True)
    return out.reshape(*batch_shape, d)


def heat_current(rates_of_bath, energies, populations) -> np.ndarray:
    r"""Heat current :math:`J_b = \sum_{ij} W^{(b)}_{ij} p_j (E_i - E_j)`, batched.

    Positive = energy leaves bath :math:`b` and enters the system.
    """
    w = _check_rates(rates_of_bath)
    e = np.asarray(checks.finite("energies", energies), dtype=float)
    p = np.asarray(populations, dtype=float)
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
    """

    energies: np.ndarray
    rates: dict

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
