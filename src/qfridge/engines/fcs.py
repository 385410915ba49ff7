r"""Full counting statistics of the heat (or particle) current of one bath.

Count the jumps of one bath :math:`b`, each jump :math:`k` (one term
:math:`\gamma_k\mathcal{D}[L_k]` of the dissipator) weighted by :math:`w_k`, and let
:math:`N_t` be the weighted count after a time :math:`t`. Its scaled cumulants
:math:`c_n = \lim_{t\to\infty}\langle\langle N_t^n\rangle\rangle/t` are the derivatives
at :math:`s = 0` of the leading eigenvalue :math:`\lambda(s)` of the tilted generator

.. math::
    \mathcal{L}(s) = \mathcal{L}_0 + \sum_k \left(e^{s w_k} - 1\right)\mathcal{J}_k,
    \qquad \mathcal{J}_k\rho = \gamma_k L_k\rho L_k^\dagger,

(:math:`s = i\chi` with the counting field :math:`\chi`):
:math:`c_n = \partial_s^n\lambda(0)`. With :math:`\mathcal{L}_n = \sum_k w_k^n\mathcal{J}_k`,
the steady state :math:`\rho` (:math:`\mathcal{L}_0\rho = 0`, :math:`\mathrm{Tr}\rho = 1`)
and the Drazin inverse :math:`\mathcal{R}` of :math:`\mathcal{L}_0`, Rayleigh–Schrödinger
perturbation theory of :math:`\lambda(s)` gives

.. math::
    c_1 &= \mathrm{Tr}[\mathcal{L}_1\rho], \\
    \rho_1 &= -\mathcal{R}\,(\mathcal{L}_1 - c_1)\rho, \qquad
    c_2 = \mathrm{Tr}[\mathcal{L}_2\rho] + 2\,\mathrm{Tr}[\mathcal{L}_1\rho_1], \\
    \rho_2 &= -\mathcal{R}\left(\mathcal{L}_1\rho_1 + \tfrac12\mathcal{L}_2\rho
        - c_1\rho_1 - \tfrac12 c_2\rho\right), \\
    c_3 &= \mathrm{Tr}[\mathcal{L}_3\rho] + 3\,\mathrm{Tr}[\mathcal{L}_2\rho_1]
        + 6\,\mathrm{Tr}[\mathcal{L}_1\rho_2],

(:math:`\rho_n` is the order-:math:`s^n` correction of the leading eigenvector,
normalised by :math:`\mathrm{Tr}\rho_n = 0`; :math:`c_2 = \mathrm{Tr}[\mathcal{L}_2\rho]
- 2\,\mathrm{Tr}[\mathcal{L}_1\mathcal{R}\mathcal{L}_1\rho]`). :math:`\mathcal{R}` is never
formed: :math:`x = -\mathcal{R}y` for a traceless :math:`y` is the solution of
:math:`\mathcal{L}_0 x = -y` with :math:`\mathrm{Tr}\,x = 0`, solved with one equation
replaced by the trace condition — one LU factorization (dense LAPACK, or SuperLU for a
large Liouvillian) serves the three solves.

Sign convention: the counted quantity is what **leaves the bath**, as for the heat
currents of :mod:`~qfridge.engines.lindblad` and :mod:`~qfridge.engines.rates`
(:math:`J_b > 0` = energy leaves bath :math:`b`). ``weights="energy"``:
:math:`w_k = -\varepsilon_k` with :math:`\varepsilon_k` the energy the system releases
into the bath in the jump (``JumpTerm.energy``); ``weights="particle"``: :math:`w_k = +1`
for a jump that takes a quantum from the bath into the system (:math:`\varepsilon_k < 0`),
:math:`-1` for one that gives a quantum to the bath (:math:`\varepsilon_k > 0`), 0 for
:math:`\varepsilon_k = 0`.

Written by hand because QuTiP's :func:`qutip.countstat_current_noise` takes one
Liouvillian per call with its own pseudo-inverse machinery (and its third cumulant
(QuTiP 5.3) has :math:`\mathrm{Tr}[\mathcal{L}_1\rho]` where
:math:`\mathrm{Tr}[\mathcal{L}_3\rho]` belongs, correct only for weights
:math:`\pm 1`); here the same formulas run on the steady state of the one solver
layer (:mod:`~qfridge.engines.steady`), with any jump weights, and on whole parameter
grids of Pauli rate equations in one batched LAPACK call (no loop over points).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..core import checks
from .blocks import block_liouvillian, csr, dense_liouvillian
from .lindblad import JumpTerm, MasterEquation, _as_density
from .rates import _CHUNK_ELEMENTS, RateEquation, generator, steady_state
from .steady import (
    Method,
    SolverOptions,
    _equilibration,
    _inverse_pow2,
    _replace_row_dense,
    _replace_row_sparse,
    as_options,
    check_memory,
)

__all__ = ["CurrentCumulants", "current_cumulants", "rate_cumulants", "tur_ratio",
           "tur_check"]

#: Largest relative residual :math:`\|\mathcal{L}_0\rho\|_\infty/(\|\mathcal{L}_0\|_\infty
#: \|\rho\|_\infty)` of a ``rho`` given to :func:`current_cumulants`.
STATIONARITY_TOL = 1e-8


@dataclass(frozen=True)
class CurrentCumulants:
    r"""Scaled cumulants of the counted current of one bath.

    Attributes
    ----------
    mean : float or ndarray
        :math:`c_1 = \lim_{t\to\infty}\langle N_t\rangle/t` (positive: energy or quanta
        leave the bath).
    noise : float or ndarray or None
        :math:`c_2 = \lim_{t\to\infty}\mathrm{Var}(N_t)/t` (zero-frequency noise);
        ``None`` when ``order < 2``.
    third : float or ndarray or None
        :math:`c_3 = \lim_{t\to\infty}\langle\langle N_t^3\rangle\rangle/t`; ``None``
        when ``order < 3``.
    bath : str
        The counted bath.
    weights : str
        ``"energy"``, ``"particle"`` or ``"custom"``.
    """

    mean: float | np.ndarray
    noise: float | np.ndarray | None
    third: float | np.ndarray | None
    bath: str
    weights: str


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, int | np.integer) \
            or order not in (1, 2, 3):
        raise ValueError(f"order must be 1, 2 or 3 (the highest cumulant), got {order!r}")
    return int(order)


def _perturbation(rho, tilt: Callable, solve: Callable, trace: Callable, order: int):
    """The cumulants ``c_1..c_order`` by the formulas of the module docstring.

    ``tilt(n, x)`` applies :math:`\\mathcal{L}_n`, ``solve(y)`` returns :math:`x` with
    :math:`\\mathcal{L}_0 x = y`, :math:`\\mathrm{Tr}\\,x = 0` (``y`` traceless), ``trace``
    is :math:`\\mathrm{Tr}` over the last axis; vectors may carry leading batch axes.
    """
    def col(c):
        return np.asarray(c)[..., None]

    l1_rho = tilt(1, rho)
    c1 = trace(l1_rho)
    if order == 1:
        return np.real(c1), None, None
    rho1 = solve(-(l1_rho - col(c1) * rho))
    l2_rho = tilt(2, rho)
    l1_rho1 = tilt(1, rho1)
    c2 = trace(l2_rho) + 2.0 * trace(l1_rho1)
    if order == 2:
        return np.real(c1), np.real(c2), None
    rho2 = solve(-(l1_rho1 + 0.5 * l2_rho - col(c1) * rho1 - 0.5 * col(c2) * rho))
    c3 = trace(tilt(3, rho)) + 3.0 * trace(tilt(2, rho1)) + 6.0 * trace(tilt(1, rho2))
    return np.real(c1), np.real(c2), np.real(c3)


# -- Lindblad master equations ---------------------------------------------------------------

def _term_weights(terms: Sequence[JumpTerm], weights, bath: str) -> tuple[np.ndarray, str]:
    """One weight per jump term of ``bath`` and the name of the choice."""
    energies = np.array([t.energy for t in terms], dtype=float)
    if isinstance(weights, str):
        if weights == "energy":
            return -energies, "energy"
        if weights == "particle":
            return -np.sign(energies), "particle"
        raise ValueError(f"weights must be 'energy', 'particle', a callable or a sequence of "
                         f"numbers, got {weights!r}")
    if callable(weights):
        w = np.array([float(weights(t)) for t in terms])
    else:
        try:
            w = np.asarray(weights, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"weights must be 'energy', 'particle', a callable or a sequence "
                             f"of numbers, got {weights!r}"[:300]) from None
        if w.shape != (len(terms),):
            raise ValueError(f"weights must hold one number per jump term of bath {bath!r} "
                             f"({len(terms)}), got shape {w.shape}")
    checks.finite("weights", w)
    return w, "custom"


def current_cumulants(me: MasterEquation, bath: str, *, weights="energy", order: int = 3,
                      rho=None, options: SolverOptions | Method | None = None
                      ) -> CurrentCumulants:
    r"""Mean, zero-frequency noise and third cumulant of the counted current of ``bath``.

    Parameters
    ----------
    me : MasterEquation
        Any form (local, global, custom).
    bath : str
        The counted bath (one of ``me.bath_names``).
    weights : "energy", "particle", callable or sequence of float
        Weight of each jump term of ``me.jumps[bath]``: ``"energy"``
        :math:`w_k = -\varepsilon_k` (energy taken from the bath), ``"particle"``
        :math:`w_k = -\mathrm{sign}\,\varepsilon_k` (+1 per quantum taken from the bath),
        a callable ``weights(term) -> float`` of each
        :class:`~qfridge.engines.lindblad.JumpTerm`, or one number per term (in the
        order of ``me.jumps[bath]``, zero-rate terms included).
    order : {1, 2, 3}
        The highest cumulant computed (each order costs one more linear solve).
    rho : qutip.Qobj, optional
        The steady state, if already known (checked to be a density matrix and
        stationary to :data:`STATIONARITY_TOL`); by default ``me.solve(options).rho``.
    options : SolverOptions or Method, optional
        For the steady state; the cumulant solves are dense up to ``dense_max``
        unknowns, SuperLU beyond.

    Returns
    -------
    CurrentCumulants
        Floats; positive mean = energy (quanta) leave the bath.

    Notes
    -----
    The counted mean is the jump-counted current
    :math:`c_1 = \sum_k w_k\gamma_k\mathrm{Tr}[L_k^\dagger L_k\rho]`. In the global
    (secular) form every :math:`L_k` is an eigenoperator of :math:`H` and ``"energy"``
    gives exactly :math:`J_b = \mathrm{Tr}[H\mathcal{D}_b\rho]`
    (:meth:`~qfridge.engines.lindblad.MasterEquation.heat_current`). In the local form
    :math:`\varepsilon_k` is the transition's bare frequency and :math:`c_1` is the
    *local* current :math:`\sum_k(-\varepsilon_k)\gamma_k\mathrm{Tr}[L_k^\dagger L_k\rho]`,
    which differs from :math:`\mathrm{Tr}[H\mathcal{D}_b\rho]` by the interaction's
    share when subsystems are coupled.
    """
    bath = me._bath(bath)
    order = _check_order(order)
    terms = me.jumps[bath]
    w, kind = _term_weights(terms, weights, bath)
    opts = as_options(options)
    d = me.dimension
    n = d * d
    blocks = me._full_blocks
    trace_w = blocks.trace_weights()
    dense = n <= opts.dense_max
    if dense:
        check_memory(n, n * n, Method.DENSE, opts, "the counting-statistics solves")
        gen = dense_liouvillian(*me._dense_parts)
        ops = [(wk, t.rate, t.operator.full()) for wk, t in zip(w, terms, strict=True)
               if t.rate > 0 and wk != 0]
    else:
        gen = block_liouvillian(me.hamiltonian, me._cops_csr, blocks)
        check_memory(n, int(gen.nnz), Method.SPLU, opts, "the counting-statistics solves")
        ops = [(wk, t.rate, csr(t.operator)) for wk, t in zip(w, terms, strict=True)
               if t.rate > 0 and wk != 0]
    if rho is None:   # refuses a non-unique steady state (SteadyStateError, with numbers)
        rho = me.solve(opts).rho
    else:
        rho = _as_density(rho, me.hamiltonian, "rho")
    x = np.asarray(rho.full(), dtype=complex).ravel()
    residual = float(np.max(np.abs(gen @ x))) / (
        float(np.abs(gen).sum(axis=1).max()) * float(np.max(np.abs(x))))
    if not residual <= STATIONARITY_TOL:
        raise ValueError(f"rho must be the steady state of the master equation; its relative "
                         f"residual |L rho| is {residual:.3g} > {STATIONARITY_TOL:g}")
    # the trace condition replaces the first equation (Tr x = 0 selects the Drazin solution)
    if dense:
        a = _replace_row_dense(gen, trace_w, 0)
        r, c = _equilibration(a)
        lu = sla.lu_factor(r[:, None] * a * c[None, :], check_finite=False)

        def lu_solve(rhs):
            return sla.lu_solve(lu, rhs, check_finite=False)
    else:
        a = _replace_row_sparse(gen, trace_w, 0)
        r, c = _equilibration(a)
        lu_solve = spla.splu((sp.diags(r) @ a @ sp.diags(c)).tocsc(),
                             permc_spec=opts.ordering.value).solve

    def tilt(power, v):
        m = v.reshape(d, d)
        out = np.zeros((d, d), dtype=complex)
        for wk, rate, op in ops:
            out += (wk**power * rate) * (op @ m @ op.conj().T)
        return out.ravel()

    def solve(y):
        rhs = r * y
        rhs[0] = 0.0
        return c * lu_solve(rhs)

    values = _perturbation(x, tilt, solve, lambda v: trace_w @ v, order)
    return CurrentCumulants(*(None if v is None else float(v) for v in values), bath, kind)


# -- Pauli rate equations --------------------------------------------------------------------

def _rate_weights(weights, energies: np.ndarray, shape: tuple) -> tuple[np.ndarray, str]:
    """``w[..., i, j]`` of the jump j -> i, broadcast to ``shape``."""
    if isinstance(weights, str):
        de = energies[..., :, None] - energies[..., None, :]
        if weights == "energy":
            return np.broadcast_to(de, shape), "energy"
        if weights == "particle":
            return np.broadcast_to(np.sign(de), shape), "particle"
        raise ValueError(f"weights must be 'energy', 'particle' or an array of shape "
                         f"(..., d, d), got {weights!r}")
    try:
        w = np.asarray(weights, dtype=float)
        w = np.broadcast_to(w, shape)
    except (TypeError, ValueError):
        raise ValueError(f"weights must be 'energy', 'particle' or a real array broadcastable "
                         f"to {shape} (weights[..., i, j] of the jump j -> i), got "
                         f"{weights!r}"[:300]) from None
    checks.finite("weights", w)
    return w, "custom"


def rate_cumulants(req: RateEquation, bath: str, *, weights="energy",
                   order: int = 3) -> CurrentCumulants:
    r"""Cumulants of the counted current of ``bath`` for a (stack of) rate equation(s).

    The tilted generator is :math:`M(s) = M_0 + \sum_{i\ne j}(e^{s w_{ij}} - 1)
    W^{(b)}_{ij}|i\rangle\langle j|`, and the cumulants follow from the perturbation
    formulas of the module docstring with :math:`\mathcal{L}_n = W^{(b)}\circ w^n`
    (element-wise) and :math:`\mathrm{Tr} = \sum_i`. Every point of the stack is solved
    at once (batched :func:`numpy.linalg.solve` on the equilibrated, normalisation-
    replaced generators, in memory-bounded chunks; no Python loop over points).

    Parameters
    ----------
    req : RateEquation
        Energies of shape (..., d) and rate matrices of shape (..., d, d).
    bath : str
        The counted bath (a key of ``req.rates``).
    weights : "energy", "particle" or array_like
        ``"energy"``: :math:`w_{ij} = E_i - E_j` for the jump :math:`j\to i`, the energy
        the jump takes from the bath (positive mean = energy leaves the bath, as in
        :meth:`~qfridge.engines.rates.RateEquation.heat_currents`); ``"particle"``:
        :math:`\mathrm{sign}(E_i - E_j)`; or an array ``w[..., i, j]`` broadcastable to
        the rate matrices.
    order : {1, 2, 3}
        The highest cumulant computed.

    Returns
    -------
    CurrentCumulants
        Arrays of the stack's shape (...).
    """
    if bath not in req.rates:
        raise ValueError(f"unknown bath {bath!r}; baths are {list(req.rates)}")
    order = _check_order(order)
    total = req.total_rates
    shape = np.broadcast_shapes(total.shape, req.rates[bath].shape,
                                req.energies.shape[:-1] + total.shape[-2:])
    d = shape[-1]
    w, kind = _rate_weights(weights, req.energies, shape)
    counted = np.broadcast_to(req.rates[bath], shape).reshape(-1, d, d)
    total = np.broadcast_to(total, shape).reshape(-1, d, d)
    w = w.reshape(-1, d, d)
    out = np.empty((3, total.shape[0]))
    step = max(1, _CHUNK_ELEMENTS // (4 * d * d))
    for start in range(0, total.shape[0], step):
        part = slice(start, start + step)
        out[:, part] = _rate_chunk(total[part], counted[part], w[part], order)
    values = [out[k].reshape(shape[:-2]) if k < order else None for k in range(3)]
    return CurrentCumulants(*values, bath, kind)


def _rate_chunk(total, counted, w, order):
    """Cumulants of a flat chunk (K, d, d); rows of unused orders are NaN."""
    p = steady_state(total)
    a = generator(total)
    a[:, 0, :] = 1.0  # the normalisation replaces the first equation
    c = _inverse_pow2(np.abs(a).max(axis=-2))
    a *= c[:, None, :]
    r = _inverse_pow2(np.abs(a).max(axis=-1))
    a *= r[:, :, None]
    tilted = [counted * w**power for power in (1, 2, 3)]

    def tilt(power, v):
        return np.einsum("kij,kj->ki", tilted[power - 1], v)

    def solve(y):
        rhs = r * y
        rhs[:, 0] = 0.0
        return c * np.linalg.solve(a, rhs[..., None])[..., 0]

    cumulants = _perturbation(p, tilt, solve, lambda v: v.sum(axis=-1), order)
    return np.array([np.full(p.shape[0], np.nan) if k is None else k for k in cumulants])


# -- thermodynamic uncertainty relation ------------------------------------------------------

def tur_ratio(entropy_production, mean, noise):
    r"""The TUR ratio :math:`Q = \sigma\,c_2/c_1^2` (array-friendly).

    ``entropy_production`` is :math:`\sigma = -\sum_b J_b/T_b` (:math:`k_B = 1`, heat
    currents positive when energy leaves bath :math:`b`), ``mean`` and ``noise`` are
    :math:`c_1, c_2` of one counted current (:class:`CurrentCumulants`).

    The thermodynamic uncertainty relation of a classical Markov jump process in a
    steady state (Barato & Seifert 2015; Gingrich et al. 2016) says :math:`Q \ge 2` for
    any current that is odd under time reversal — such as the heat or particle current
    of one bath counted by :func:`rate_cumulants` with detailed-balanced rates. Quantum
    machines with coherences (a local master equation with coupled subsystems, a
    coherently driven system) can give :math:`Q < 2`: that is a result, not an error,
    so nothing is raised; see :func:`tur_check`. Where ``mean`` is 0, :math:`Q` is
    ``inf`` (or NaN for 0/0, e.g. at equilibrium).
    """
    sigma, c1, c2 = (np.asarray(v, dtype=float) for v in (entropy_production, mean, noise))
    with np.errstate(divide="ignore", invalid="ignore"):
        return sigma * c2 / c1**2


def tur_check(entropy_production, mean, noise, *, rtol: float = 1e-9):
    r"""Whether the TUR :math:`\sigma c_2 \ge 2c_1^2` holds, within ``rtol`` (bool array).

    Written without division, so it is defined at :math:`c_1 = 0` (it holds there).
    ``False`` marks a violation, impossible for a classical Markov jump process with
    local detailed balance and possible for a quantum coherent machine
    (:func:`tur_ratio`).
    """
    checks.non_negative("rtol", rtol)
    sigma, c1, c2 = (np.asarray(v, dtype=float) for v in (entropy_production, mean, noise))
    return sigma * c2 >= (2.0 - rtol) * c1**2
