r"""One steady-state solver layer for every engine.

Every stationary state in qfridge is a normalised null vector of a generator
:math:`G` — a Liouvillian, a rate matrix, or :math:`\Phi - 1` for a map:

.. math:: G x = 0, \qquad w \cdot x = 1,

with :math:`w` the trace weights (:math:`w^\top G = 0` for a trace-preserving
generator). :func:`null_vector` solves it by one of these routes, chosen by
size and overridable through :class:`SolverOptions`:

* ``Method.DENSE`` (size ≤ ``dense_max``): LAPACK LU of the equilibrated,
  trace-row-replaced matrix, with a LAPACK condition estimate. A 4-level
  steady state takes tens of microseconds — QuTiP's ``steadystate`` spends
  ~30 ms per call re-entering its option machinery, which is why this layer
  exists.
* ``Method.SPLU`` (size ≤ ``direct_max``): SuperLU with a fill-reducing
  column ordering (``Ordering``; COLAMD by default) and a one-norm condition
  estimate of the factor (:func:`scipy.sparse.linalg.onenormest`).
* ``Method.KRYLOV`` (larger): GMRES (or BiCGSTAB) preconditioned by an
  incomplete LU of the reverse-Cuthill–McKee-ordered matrix (the trace row is
  ordered last, so it causes no fill), by the diagonal
  (``Preconditioner.JACOBI``), or by an engine's own approximate inverse
  (``preconditioner=``; Lindblad sectors use the secular one of
  :class:`~qfridge.engines.blocks.SecularPreconditioner`, which is what makes
  spin chains solvable — ILU did not converge on them). The generator may also be a
  :class:`scipy.sparse.linalg.LinearOperator` (matrix-free, e.g. the action of a
  Kraus map): then the Krylov route runs with the Jacobi preconditioner on the
  diagonal the caller passes.
* ``Method.QUTIP``: :func:`qutip.steadystate` on a QuTiP Liouvillian, as an
  explicit choice (the caller passes the Qobj).

The trace row replaces an equation whose left-null weight is non-zero (the
largest :math:`|w_i|`); rows and columns are scaled by powers of two before
the solve (equilibration) so that populations far below the largest keep
their relative precision when the rate structure allows it.

Every answer checks itself (:class:`SteadyStateInfo`): the relative residual
:math:`\|Gx\|_\infty/(\|G\|_\infty\|x\|_\infty)` and, for the direct routes, the
reciprocal condition number of the trace-replaced system. A reciprocal
condition number below ``unique_rcond`` means the null space has more than one
dimension (several steady states: invariant subspaces, dark states): the
solve is refused with the numbers (:class:`SteadyStateError`). Krylov solves
check uniqueness by a second solve from a random start. Before a large matrix
is built or factorised, :func:`memory_estimate` is compared with the memory
the machine has; a problem that will not fit is refused with that estimate
(and, with ``time_limit``, a route with a time estimate that exceeds it).
Positivity and Hermiticity of the state are checked by :func:`check_density`;
every engine returns a :class:`SteadyState`.

Written by hand because neither QuTiP nor SciPy offers a null-vector solve
with these checks and without per-call overhead; the factorizations and
Krylov iterations themselves are SciPy's.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..core.resources import available_memory
from ..core.threads import blas_threads

__all__ = [
    "Method", "Ordering", "Krylov", "Preconditioner", "SolverOptions", "SteadyStateInfo",
    "SteadyStateError", "null_vector", "memory_estimate",
]


class Method(enum.Enum):
    """How :func:`null_vector` solves; ``AUTO`` picks by size (see :class:`SolverOptions`)."""

    AUTO = "auto"
    DENSE = "dense"
    SPLU = "splu"
    KRYLOV = "krylov"
    QUTIP = "qutip"


class Ordering(enum.Enum):
    """Fill-reducing column orderings of SuperLU (``permc_spec``)."""

    COLAMD = "COLAMD"
    MMD_AT_PLUS_A = "MMD_AT_PLUS_A"
    MMD_ATA = "MMD_ATA"
    NATURAL = "NATURAL"


class Krylov(enum.Enum):
    """The Krylov iteration of ``Method.KRYLOV``."""

    GMRES = "gmres"
    BICGSTAB = "bicgstab"


class Preconditioner(enum.Enum):
    """The preconditioner of ``Method.KRYLOV``.

    ``AUTO``: the engine's structured one where it has one (``SECULAR`` for a
    Lindblad master equation), else ``ILU``. ``ILU``: incomplete LU of the
    reverse-Cuthill–McKee-ordered matrix. ``JACOBI``: the diagonal (the only one for
    a matrix-free generator). ``SECULAR``: the exact inverse of the secular (Pauli)
    limit in the Hamiltonian's eigenbasis
    (:class:`~qfridge.engines.blocks.SecularPreconditioner`)."""

    AUTO = "auto"
    ILU = "ilu"
    JACOBI = "jacobi"
    SECULAR = "secular"


@dataclass(frozen=True)
class SolverOptions:
    """Typed options of the steady-state layer.

    Parameters
    ----------
    method : Method
        ``AUTO``: dense up to ``dense_max`` unknowns, sparse LU up to ``direct_max``,
        Krylov beyond.
    dense_max, direct_max : int
        Size thresholds of ``AUTO``.
    ordering : Ordering
        Column ordering of the sparse LU.
    permutation : array of int or None
        A symmetric fill-reducing permutation applied before the sparse LU (with
        ``Ordering.NATURAL`` it is used as given; engines that know their graph, such
        as the Dicke (J, M) grid, pass a nested-dissection order).
    krylov : Krylov
        GMRES (restarted) or BiCGSTAB.
    tol : float
        Relative residual the Krylov iteration must reach.
    maxiter : int
        Krylov iterations (restarts for GMRES) before giving up.
    restart : int
        GMRES restart length.
    ilu_drop_tol, ilu_fill_factor : float
        Incomplete-LU preconditioner parameters (``scipy.sparse.linalg.spilu``).
    lu_fill : float
        The fill factor (LU entries per matrix entry) the memory estimate of a sparse
        LU assumes: 40 by default (measured 10–80 for Liouvillians of chains and
        cascades); an engine with a good fill-reducing order gives its measured value.
    preconditioner : Preconditioner
        Of the Krylov iteration; ``JACOBI`` needs no factorization (maps
        Φ − 1, whose incomplete LU costs as much as the full one).
    pivot_threshold : float or None
        SuperLU's ``DiagPivotThresh`` (``None``: SuperLU's default, 1 = partial
        pivoting). 0 keeps the diagonal pivots, and so the fill-reducing order, which is
        stable for column diagonally dominant generators such as rate matrices.
    residual_tol : float
        Largest accepted relative residual of the returned vector.
    unique_rcond : float
        Reciprocal condition numbers below this are read as a degenerate null
        space (several steady states) and refused.
    positivity_tol : float
        A state whose most negative eigenvalue (or anti-Hermitian part) exceeds this
        in magnitude is refused.
    check_unique : bool
        Run the uniqueness check (a second solve for Krylov).
    memory_limit : float or None
        Bytes a solve may use; default: 80 % of the memory the machine has available.
    time_limit : float or None
        Seconds a solve may be estimated to take; a route with a cost estimate above it
        is refused before it starts (reason ``"time"``). Only routes with a cheap,
        honest estimate use it (the secular preconditioner: its dense block products
        dominate). ``None``: no limit.
    """

    method: Method = Method.AUTO
    dense_max: int = 1200
    direct_max: int = 60_000
    ordering: Ordering = Ordering.COLAMD
    permutation: np.ndarray | None = None
    krylov: Krylov = Krylov.GMRES
    tol: float = 1e-12
    maxiter: int = 400
    restart: int = 60
    ilu_drop_tol: float = 1e-6
    ilu_fill_factor: float = 20.0
    lu_fill: float = 40.0
    preconditioner: Preconditioner = Preconditioner.AUTO
    pivot_threshold: float | None = None
    residual_tol: float = 1e-9
    unique_rcond: float = 1e-14
    positivity_tol: float = 1e-8
    check_unique: bool = True
    memory_limit: float | None = None
    time_limit: float | None = None

    def __post_init__(self):
        for name, kind in (("method", Method), ("ordering", Ordering), ("krylov", Krylov),
                           ("preconditioner", Preconditioner)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise ValueError(f"{name} must be a qfridge {kind.__name__} (one of "
                                 f"{[m.name for m in kind]}), got {value!r}")
        if self.pivot_threshold is not None and not 0.0 <= self.pivot_threshold <= 1.0:
            raise ValueError(f"pivot_threshold must be None or in [0, 1], got "
                             f"{self.pivot_threshold!r}")
        if not (np.isfinite(self.lu_fill) and self.lu_fill >= 1):
            raise ValueError(f"lu_fill must be a finite number >= 1, got {self.lu_fill!r}")
        for name in ("tol", "residual_tol", "unique_rcond", "positivity_tol", "ilu_drop_tol"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.time_limit is not None and not (np.isfinite(self.time_limit)
                                                 and self.time_limit > 0):
            raise ValueError(f"time_limit must be None or a positive number of seconds, got "
                             f"{self.time_limit!r}")
        for name in ("dense_max", "direct_max", "maxiter", "restart"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")

    def choose(self, size: int, nnz: int | None = None) -> Method:
        """The method ``AUTO`` resolves to for ``size`` unknowns (and ``nnz`` stored
        entries, when known: a sparse matrix above 256 unknowns with under 5 % fill goes
        to the sparse LU, which is then faster than dense LAPACK)."""
        if self.method is not Method.AUTO:
            return self.method
        if size <= self.dense_max and (nnz is None or size <= 256 or nnz >= 0.05 * size**2):
            return Method.DENSE
        return Method.SPLU if size <= self.direct_max else Method.KRYLOV


DEFAULT_OPTIONS = SolverOptions()


def as_options(options: SolverOptions | Method | None) -> SolverOptions:
    """``options`` as :class:`SolverOptions` (a bare :class:`Method` is accepted)."""
    if options is None:
        return DEFAULT_OPTIONS
    if isinstance(options, Method):
        return replace(DEFAULT_OPTIONS, method=options)
    if not isinstance(options, SolverOptions):
        raise ValueError(f"options must be SolverOptions or a Method, got {options!r}")
    return options


@dataclass(frozen=True)
class SteadyStateInfo:
    """How a steady state was obtained and how well it satisfies its equation.

    Attributes
    ----------
    method : Method
        The route that ran (never ``AUTO``).
    size : int
        Unknowns of the solved system (e.g. :math:`\\sum_q d_q^2` for a block solve).
    nnz : int
        Stored entries of the generator.
    residual : float
        :math:`\\|Gx\\|_\\infty / (\\|G\\|_\\infty \\|x\\|_\\infty)`.
    rcond : float or None
        Reciprocal condition number (estimate) of the trace-replaced system; ``None``
        for Krylov.
    iterations : int
        Krylov iterations (0 for direct solves).
    seconds : float
        Wall time of the solve.
    memory_estimate : float
        Bytes the route was estimated to need before it ran.
    min_eigenvalue : float or None
        Most negative eigenvalue of the state (filled in by callers that build a
        density matrix).
    """

    method: Method
    size: int
    nnz: int
    residual: float
    rcond: float | None
    iterations: int
    seconds: float
    memory_estimate: float
    min_eigenvalue: float | None = None

    def summary(self) -> str:
        rc = "n/a" if self.rcond is None else f"{self.rcond:.2e}"
        return (f"{self.method.value} solve of {self.size} unknowns ({self.nnz} stored entries): "
                f"residual {self.residual:.2e}, rcond {rc}, {self.iterations} iterations, "
                f"{self.seconds * 1e3:.3g} ms")


class SteadyStateError(ValueError):
    """A steady state was refused: not unique, not converged, not a state, or too large.

    ``info`` holds the numbers (a :class:`SteadyStateInfo` or a dict) when available;
    ``reason`` is one of ``"not unique"``, ``"not converged"``, ``"not a state"``,
    ``"memory"``, ``"time"``.
    """

    def __init__(self, message: str, info=None, reason: str = "not converged"):
        super().__init__(message)
        self.info = info
        self.reason = reason


@dataclass(frozen=True)
class SteadyState:
    """A steady state with the numbers that vouch for it (every engine returns this).

    Attributes
    ----------
    rho : qutip.Qobj
        The state (block-diagonal in the charge when one was used; CSR storage above
        64 levels).
    info : SteadyStateInfo
        Route, residual, condition estimate, most negative eigenvalue, timing.
    charges : ndarray of int or None
        The charge of each basis state when the solve used charge blocks.
    note : str
        How the blocks were chosen (or why the full space was solved).
    """

    rho: object
    info: SteadyStateInfo
    charges: np.ndarray | None
    note: str


def check_density(blocks, info: SteadyStateInfo, opts: SolverOptions,
                  what: str) -> SteadyStateInfo:
    """``info`` with the most negative eigenvalue of the state given by its dense diagonal
    ``blocks`` (one block for an unstructured state); refuses (``SteadyStateError``,
    reason ``"not a state"``) a state that is not Hermitian and positive within
    ``opts.positivity_tol``. Blocks above 4096 levels skip the eigenvalues."""
    antiherm = max(float(np.max(np.abs(b - b.conj().T))) for b in blocks)
    min_eig = min(float(np.linalg.eigvalsh(0.5 * (b + b.conj().T))[0]) for b in blocks) \
        if max(b.shape[0] for b in blocks) <= 4096 else None
    info = replace(info, min_eigenvalue=min_eig)
    if antiherm > opts.positivity_tol or (min_eig is not None
                                          and min_eig < -opts.positivity_tol):
        raise SteadyStateError(
            f"{what} is not a density matrix: most negative eigenvalue {min_eig}, "
            f"max |rho - rho^dagger| = {antiherm:.3g} (tolerance {opts.positivity_tol:g}); "
            f"{info.summary()}", info, reason="not a state")
    return info


def memory_estimate(size: int, nnz: int, method: Method, options: SolverOptions =
                    DEFAULT_OPTIONS, itemsize: int = 16) -> float:
    """Bytes a solve of ``size`` unknowns and ``nnz`` entries is expected to need."""
    entry = itemsize + 8  # value + column index (and row pointer share)
    if method is Method.DENSE:
        return 3.0 * size * size * itemsize
    if method is Method.SPLU:
        return nnz * entry * (1.0 + options.lu_fill)
    if method is Method.KRYLOV:
        vectors = (options.restart + 4 if options.krylov is Krylov.GMRES else 10) * size
        if options.preconditioner in (Preconditioner.ILU, Preconditioner.AUTO):
            return nnz * entry * (2.0 + options.ilu_fill_factor) + vectors * itemsize
        return nnz * entry * 2.0 + vectors * itemsize
    return nnz * entry * (1.0 + options.lu_fill)


def check_memory(size: int, nnz: int, method: Method, options: SolverOptions,
                 what: str = "steady-state solve") -> float:
    """The memory estimate of a solve; refuses (``SteadyStateError``) if it will not fit."""
    need = memory_estimate(size, nnz, method, options)
    if options.memory_limit is None and need < 2**28:
        return need  # far below any machine's memory: skip reading /proc/meminfo
    limit = options.memory_limit if options.memory_limit is not None else \
        0.8 * available_memory()
    if need > limit:
        raise SteadyStateError(
            f"{what}: the {method.value} route for {size} unknowns ({nnz} stored entries) "
            f"needs about {need / 2**30:.3g} GiB but {limit / 2**30:.3g} GiB are available; "
            "use a conserved charge to split the problem, or a Krylov method with a smaller "
            "ILU fill factor", {"memory_estimate": need, "memory_limit": limit},
            reason="memory")
    return need


def _equilibration(g) -> tuple[np.ndarray, np.ndarray]:
    """Row and column power-of-two scales making every row and column max lie in [1/2, 1)
    (exact in floating point; zero rows and columns are left alone)."""
    absg = abs(g)
    if sp.issparse(absg):
        col = np.asarray(absg.max(axis=0).todense()).ravel()
        c = _inverse_pow2(col)
        row = np.asarray((absg @ sp.diags(c)).max(axis=1).todense()).ravel()
    else:
        col = absg.max(axis=0)
        c = _inverse_pow2(col)
        row = (absg * c).max(axis=1)
    return _inverse_pow2(row), c


def _inverse_pow2(x: np.ndarray) -> np.ndarray:
    """:math:`2^{-e}` with :math:`x = m 2^e`, :math:`1/2 \\le m < 1` (1 where x = 0)."""
    return np.ldexp(1.0, -np.frexp(x)[1])


def _residual(g, x: np.ndarray) -> float:
    gx = g @ x
    if isinstance(g, spla.LinearOperator):
        # ||G||_inf from two products (a lower bound: the residual errs on the safe side)
        probe = np.random.default_rng(0).choice([-1.0, 1.0], size=x.size)
        gnorm = max(float(np.max(np.abs(g @ probe))), float(np.max(np.abs(g @ np.ones(x.size)))))
    elif sp.issparse(g):
        gnorm = float(abs(g).sum(axis=1).max()) if g.nnz else 0.0
    else:
        gnorm = float(np.abs(g).sum(axis=1).max()) if g.size else 0.0
    xnorm = float(np.max(np.abs(x)))
    if gnorm == 0.0 or xnorm == 0.0:
        return 0.0
    return float(np.max(np.abs(gx)) / (gnorm * xnorm))


def null_vector(generator, weights, options: SolverOptions | Method | None = None,
                what: str = "steady state", *,
                diagonal=None, preconditioner=None) -> tuple[np.ndarray, SteadyStateInfo]:
    r"""The unique :math:`x` with :math:`Gx = 0` and :math:`w\cdot x = 1`.

    Parameters
    ----------
    generator : ndarray, scipy sparse matrix or LinearOperator, shape (n, n)
        :math:`G`. Trace preserving: :math:`w^\top G = 0`. A
        :class:`~scipy.sparse.linalg.LinearOperator` (matrix-free) is solved by
        ``Method.KRYLOV`` with the Jacobi preconditioner (``AUTO`` resolves to that).
    weights : array_like, shape (n,)
        :math:`w` (for a vectorised density matrix: 1 on the diagonal entries).
    options : SolverOptions or Method, optional
    what : str
        Named in error messages.
    diagonal : array_like, shape (n,), optional
        The diagonal of a matrix-free ``generator`` (its Jacobi preconditioner);
        required with a LinearOperator, ignored otherwise.
    preconditioner : callable, optional
        ``preconditioner(pivot)`` returns a LinearOperator approximating the inverse of
        :math:`G` with row ``pivot`` replaced by :math:`w` (an engine that knows its
        structure builds it, e.g. the secular preconditioner of
        :class:`~qfridge.engines.blocks.SecularPreconditioner`). Used by ``Method.KRYLOV``
        on a sparse generator instead of the ILU.

    Returns
    -------
    x : ndarray, shape (n,)
    info : SteadyStateInfo

    Raises
    ------
    SteadyStateError
        When the null space is not one-dimensional (several steady states), the
        solve does not converge, the residual exceeds ``residual_tol``, or the
        problem will not fit in memory — each with its numbers.
    """
    opts = as_options(options)
    n = generator.shape[0]
    matrix_free = isinstance(generator, spla.LinearOperator)
    if len(generator.shape) != 2 or generator.shape != (n, n):
        raise ValueError(f"generator must be a square matrix, got shape {generator.shape}")
    w = np.asarray(weights)
    if w.shape != (n,):
        raise ValueError(f"weights must have shape ({n},), got {w.shape}")
    if n == 0:
        raise ValueError(f"{what}: the generator is empty")
    if matrix_free:
        nnz = 0
    elif sp.issparse(generator):
        nnz = int(generator.nnz)
    else:
        nnz = int(np.count_nonzero(generator))
    method = Method.KRYLOV if matrix_free and opts.method is Method.AUTO else opts.choose(n, nnz)
    if matrix_free and (method is not Method.KRYLOV or diagonal is None):
        raise ValueError("a matrix-free (LinearOperator) generator is solved by Method.KRYLOV "
                         f"with its diagonal given (got {method.name}, diagonal "
                         f"{'missing' if diagonal is None else 'given'})")
    if method is Method.QUTIP:
        raise ValueError("Method.QUTIP runs on a QuTiP Liouvillian; call the engine's "
                         "steady_state(method=Method.QUTIP) instead of null_vector")
    mem = check_memory(n, nnz, method, opts, what)
    start = time.perf_counter()
    pivot = int(np.argmax(np.abs(w)))
    if method is Method.DENSE:
        x, rcond, iters = _solve_dense(generator, w, pivot)
    elif matrix_free:
        x, rcond, iters = _solve_matrix_free(generator, w, pivot, diagonal, opts, what)
    else:
        # SuperLU (also inside the ILU) calls BLAS on small supernodes: with 2 OpenBLAS
        # threads a 924-unknown factorization took 6.3 s instead of 0.29 s on a busy
        # 2-core machine (core.threads has the policy).
        with blas_threads(1):
            if method is Method.SPLU:
                x, rcond, iters = _solve_splu(generator, w, pivot, opts)
            elif preconditioner is not None:
                a = _replace_row_sparse(generator, w, pivot)
                rhs = np.zeros(n, dtype=a.dtype)
                rhs[pivot] = 1.0
                x, iters = _krylov_iterate(a, rhs, preconditioner(pivot), opts, what)
                rcond = None
            else:
                x, rcond, iters = _solve_krylov(generator, w, pivot, opts, what)
    seconds = time.perf_counter() - start
    info = SteadyStateInfo(method, n, nnz, _residual(generator, x), rcond, iters, seconds, mem)
    if rcond is not None and opts.check_unique and rcond < opts.unique_rcond:
        raise SteadyStateError(
            f"{what} is not unique: the trace-normalised system is singular to working "
            f"precision (reciprocal condition number {rcond:.3g} < {opts.unique_rcond:g}); "
            "the generator has more than one stationary state (invariant subspaces or dark "
            "states). Give an initial state and evolve, or break the symmetry", info,
            reason="not unique")
    if not np.all(np.isfinite(x)) or info.residual > opts.residual_tol:
        raise SteadyStateError(
            f"{what} is not converged: relative residual {info.residual:.3g} > "
            f"{opts.residual_tol:g} ({info.summary()})", info)
    return x, info


def _replace_row_dense(g, w, pivot):
    a = np.array(g.toarray() if sp.issparse(g) else g, dtype=np.result_type(g.dtype, w.dtype,
                                                                            float))
    a[pivot, :] = w
    return a


def _solve_dense(g, w, pivot):
    a = _replace_row_dense(g, w, pivot)
    r, c = _equilibration(a)
    a *= r[:, None]
    a *= c[None, :]
    anorm = float(np.abs(a).sum(axis=0).max())
    lu, piv, info = sla.lapack.get_lapack_funcs(("getrf",), (a,))[0](a, overwrite_a=True)
    if info > 0:
        return np.full(a.shape[0], np.nan), 0.0, 0
    rhs = np.zeros(a.shape[0], dtype=a.dtype)
    rhs[pivot] = r[pivot]
    getrs, gecon = sla.lapack.get_lapack_funcs(("getrs", "gecon"), (lu,))
    y, _ = getrs(lu, piv, rhs)
    rcond, _ = gecon(lu, anorm, norm="1")
    return c * y, float(rcond), 0


def _replace_row_sparse(g, w, pivot):
    g = sp.csr_matrix(g)
    dtype = np.result_type(g.dtype, w.dtype, float)
    keep = np.ones(g.shape[0], dtype=bool)
    keep[pivot] = False
    mask = sp.diags(keep.astype(dtype))
    nz = np.flatnonzero(w)
    row = sp.csr_matrix((w[nz].astype(dtype), (np.full(nz.size, pivot), nz)), shape=g.shape)
    return (mask @ g.astype(dtype) + row).tocsc()


def _solve_splu(g, w, pivot, opts: SolverOptions):
    a = _replace_row_sparse(g, w, pivot)
    r, c = _equilibration(a)
    a = (sp.diags(r) @ a @ sp.diags(c)).tocsc()
    perm = opts.permutation
    if perm is not None:
        perm = np.asarray(perm)
        a = a[perm][:, perm].tocsc()
    rhs = np.zeros(a.shape[0], dtype=a.dtype)
    rhs[pivot] = r[pivot]
    if perm is not None:
        rhs = rhs[perm]
    try:
        lu = spla.splu(a, permc_spec=opts.ordering.value, options={} if
                       opts.pivot_threshold is None else
                       {"DiagPivotThresh": opts.pivot_threshold})
    except RuntimeError:  # "Factor is exactly singular"
        return np.full(a.shape[0], np.nan), 0.0, 0
    y = lu.solve(rhs)
    if perm is not None:
        out = np.empty_like(y)
        out[perm] = y
        y = out
    rcond = 1.0 / (spla.norm(a, 1) * _inverse_one_norm(lu, a.shape[0], a.dtype)) \
        if np.all(np.isfinite(y)) else 0.0
    return c * y, float(rcond), 0


def _inverse_one_norm(lu, n, dtype) -> float:
    """:math:`\\|A^{-1}\\|_1` estimated from the factor (Higham's method, a few solves)."""
    op = spla.LinearOperator((n, n), matvec=lu.solve, rmatvec=lambda v: lu.solve(v, trans="H"),
                             dtype=dtype)
    try:
        est = spla.onenormest(op)
    except (ValueError, RuntimeError):
        return np.inf
    return float(est) if np.isfinite(est) else np.inf


def _jacobi(diagonal) -> spla.LinearOperator:
    """Diagonal preconditioner (zero diagonal entries are left unscaled)."""
    d = np.asarray(diagonal)
    inv = np.where(d != 0, 1.0 / np.where(d != 0, d, 1.0), 1.0)
    return spla.LinearOperator((d.size, d.size), matvec=lambda v: inv * np.ravel(v),
                               dtype=inv.dtype)


def _solve_krylov(g, w, pivot, opts: SolverOptions, what: str):
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    a = _replace_row_sparse(g, w, pivot)
    r, c = _equilibration(a)
    a = (sp.diags(r) @ a @ sp.diags(c)).tocsr()
    n = a.shape[0]
    rhs = np.zeros(n, dtype=a.dtype)
    rhs[pivot] = r[pivot]
    if opts.preconditioner is Preconditioner.JACOBI:
        y, iters = _krylov_iterate(a, rhs, _jacobi(a.diagonal()), opts, what)
        return c * y, None, iters
    pattern = (abs(a) + abs(a).T).tocsr()
    perm = np.asarray(reverse_cuthill_mckee(pattern, symmetric_mode=True))
    perm = np.r_[perm[perm != pivot], pivot]  # the dense trace row last: no fill
    ap = a[perm][:, perm].tocsc()
    bp = rhs[perm]
    try:
        ilu = spla.spilu(ap, drop_tol=opts.ilu_drop_tol, fill_factor=opts.ilu_fill_factor,
                         permc_spec="NATURAL")
    except RuntimeError as err:
        raise SteadyStateError(
            f"{what}: the incomplete-LU preconditioner is singular ({err}); the steady state "
            "may not be unique — Method.SPLU decides (it estimates the condition number)") \
            from err
    precond = spla.LinearOperator(ap.shape, matvec=ilu.solve, dtype=ap.dtype)
    yp, iters = _krylov_iterate(ap, bp, precond, opts, what)
    y = np.empty_like(yp)
    y[perm] = yp
    return c * y, None, iters


def _solve_matrix_free(g, w, pivot, diagonal, opts: SolverOptions, what: str):
    """Krylov on the matrix-free generator with row ``pivot`` replaced by ``w``."""
    n = g.shape[0]
    dtype = np.result_type(g.dtype, w.dtype, float)

    def matvec(x):
        y = np.array(np.ravel(g.matvec(x)), dtype=dtype)
        y[pivot] = w @ np.ravel(x)
        return y

    a = spla.LinearOperator((n, n), matvec=matvec, dtype=dtype)
    d = np.array(diagonal, dtype=dtype)
    d[pivot] = w[pivot]
    rhs = np.zeros(n, dtype=dtype)
    rhs[pivot] = 1.0
    y, iters = _krylov_iterate(a, rhs, _jacobi(d), opts, what)
    return y, None, iters


def _krylov_iterate(a, b, precond, opts: SolverOptions, what: str):
    """Solve :math:`Ay = b`; with ``check_unique``, again from a random start."""
    n = b.size

    def run(x0):
        count = [0]

        def callback(_):
            count[0] += 1

        if opts.krylov is Krylov.GMRES:
            y, flag = spla.gmres(a, b, x0=x0, rtol=opts.tol, atol=0.0, restart=opts.restart,
                                 maxiter=opts.maxiter, M=precond, callback=callback,
                                 callback_type="pr_norm")
        else:
            y, flag = spla.bicgstab(a, b, x0=x0, rtol=opts.tol, atol=0.0,
                                    maxiter=opts.maxiter * opts.restart, M=precond,
                                    callback=callback)
        if flag != 0:
            res = float(np.linalg.norm(a @ y - b) / np.linalg.norm(b))
            raise SteadyStateError(
                f"{what}: {opts.krylov.value} did not converge in {count[0]} iterations "
                f"(relative residual {res:.3g} > tol {opts.tol:g}); raise maxiter or the ILU "
                "fill factor, or use Method.SPLU", {"iterations": count[0], "residual": res})
        return y, count[0]

    y, iters = run(None)
    if opts.check_unique:
        rng = np.random.default_rng(12345)
        y2, it2 = run(rng.standard_normal(n).astype(a.dtype))
        iters += it2
        spread = float(np.max(np.abs(y2 - y)) / np.max(np.abs(y)))
        if spread > 1e3 * opts.tol + 1e-8:
            raise SteadyStateError(
                f"{what} is not unique: two Krylov solves from different starts differ by "
                f"{spread:.3g} (relative); the generator has more than one stationary state",
                {"spread": spread}, reason="not unique")
    return y, iters
