r"""Collision models: exact one-collision maps, Kraus operators, cascades, fixed points, noise.

A collision is an ancilla state :math:`\eta`, a system–ancilla interaction and a
duration. Its exact map on the system is

.. math:: \Phi(\rho) = \mathrm{Tr}_A\left[U(\rho\otimes\eta)U^\dagger\right],
          \qquad U = e^{-iH_{\rm int}\tau},

with the system first and the ancilla last in the tensor product. With
:math:`\eta = \sum_k p_k|k\rangle\langle k|`, the Kraus operators are
:math:`E_{jk} = \sqrt{p_k}\,\langle j|U|k\rangle` (partial matrix elements on the ancilla).

What is here
------------
* :class:`CollisionMap` — the exact map of one collision from a unitary (or an
  interaction Hamiltonian and a duration) and an ancilla state.
* :class:`KrausMap` — any CPTP map given by Kraus operators: application, repeated
  application (:meth:`KrausMap.repeat`), superoperator, fixed point.
* :func:`cascade` — one ancilla colliding with several systems in turn, carrying its
  state from one to the next (seed 001, Eq. 22), optionally passing through an
  ancilla channel between systems (e.g. decoherence, seed 001 App. D).
* :class:`SectorMap` — the fast path. When every Kraus operator changes a conserved
  *charge* (e.g. the total photon number) by a fixed amount, operators with a fixed
  charge difference :math:`q_i - q_j` are mapped into themselves, so the map is a
  sparse matrix on that (much smaller) subspace. QuTiP has no such restriction, so
  it is written by hand here.
* Per-collision random parameters (:class:`Normal`, :func:`draw_parameters`) and
  ensemble statistics (:func:`spawn_generators`, :func:`ensemble_statistics`), all
  driven by a seeded :class:`numpy.random.Generator`.
* :func:`check_fock_truncation` — premise check on the top Fock level.

A Poisson stream of collisions at rate :math:`R` on top of a Lindbladian
:math:`\mathcal{L}` has the generator :math:`R(\Phi - 1) + \mathcal{L}`
(:func:`poisson_stream_generator`); :func:`stream_steady_state` solves it.

Fixed points
------------
Every fixed point (:meth:`KrausMap.solve`, :meth:`CollisionMap.solve`,
:meth:`SectorMap.solve`, :func:`stream_steady_state`) is a null vector of
:math:`\Phi - 1` found by the solver layer (:mod:`qfridge.engines.steady`) and
returned as a :class:`~qfridge.engines.steady.SteadyState` with its residual,
condition estimate and most negative eigenvalue; several fixed points, an
unconverged solve or a state that is not a density matrix are refused
(:class:`~qfridge.engines.steady.SteadyStateError`). Routes, with the default
:data:`MAP_OPTIONS`: up to 1200 unknowns (:math:`D \le 34`) dense LU of the
superoperator :math:`\sum_i E_i\otimes E_i^*` (sparse, from the Kraus
operators; never through a dense :math:`D^2\times D^2` QuTiP object), up to
4000 SuperLU, beyond that BiCGSTAB with the diagonal as preconditioner — on the
sparse sector matrix for :class:`SectorMap`, and on the Kraus *action*
:math:`\rho\mapsto\sum_i E_i\rho E_i^\dagger - \rho` (matrix-free, the superoperator
is never formed) for :class:`KrausMap`. Sparse LU of :math:`\Phi - 1` fills in
~90× (cascade sector at :math:`n_{\max} = 30`: 19 871 unknowns, 8–60 s), while the
Jacobi-preconditioned BiCGSTAB needs ~80 iterations (about 1 s with the second,
uniqueness-checking solve); see ``docs/collision.md``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import qutip
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..core import checks
from ..core.resources import require_memory
from ..core.validity import check_premise, check_truncation
from .steady import (
    Krylov,
    Method,
    Preconditioner,
    SolverOptions,
    SteadyState,
    as_options,
    check_density,
    null_vector,
)

#: Default solver options of map fixed points (see the module docstring): sparse LU of
#: Φ − 1 only up to 4000 unknowns, Jacobi-preconditioned BiCGSTAB beyond, to a relative
#: residual of 1e-14 (1e-12 left entries of a 6181-unknown cascade sector wrong by 4e-11).
MAP_OPTIONS = SolverOptions(direct_max=4000, krylov=Krylov.BICGSTAB,
                            preconditioner=Preconditioner.JACOBI, tol=1e-14)


def _ancilla_spectrum(ancilla_state: qutip.Qobj):
    if not isinstance(ancilla_state, qutip.Qobj):
        raise ValueError(f"ancilla_state must be a Qobj, got {type(ancilla_state).__name__}")
    eta = qutip.ket2dm(ancilla_state) if ancilla_state.isket else ancilla_state
    if not eta.isoper:
        raise ValueError(f"ancilla_state must be a ket or density matrix, got {eta!r}")
    dense = eta.full()
    checks.finite("ancilla_state", dense)
    asym = float(np.max(np.abs(dense - dense.conj().T)))
    if not (asym <= 1e-10):
        raise ValueError(f"ancilla_state must be Hermitian (a density matrix); max |eta - "
                         f"eta^dagger| = {asym:.3g} > 1e-10")
    if not (abs(np.trace(dense) - 1) <= 1e-10):
        raise ValueError(f"ancilla_state must have unit trace, got {np.trace(dense).real:.6g}")
    p, v = np.linalg.eigh(0.5 * (dense + dense.conj().T))
    if not (np.min(p) >= -1e-10):
        raise ValueError(f"ancilla_state must be positive; smallest eigenvalue {p.min():.3g}")
    return eta, np.clip(p, 0.0, None), v


#: Tolerance on :math:`\max|U^\dagger U - 1|` of a collision unitary (relative to
#: :math:`\|U\| = 1`).
UNITARY_TOL = 1e-10


def _check_finite(name: str, op: qutip.Qobj):
    """Refuse NaN/inf entries, on the stored data (QuTiP's conversion of dense data to CSR
    drops NaN entries, so the check must come before any ``_csr``)."""
    data = op.data.as_scipy().data if isinstance(op.data, qutip.data.CSR) else op.full()
    checks.finite(name, data)


def _check_state(name: str, rho, system_dims) -> qutip.Qobj:
    """``rho`` (a ket or density-matrix Qobj) as a density matrix on ``system_dims``, after
    refusing NaN/inf entries, wrong dims, a non-Hermitian matrix or a trace other than 1
    (within 1e-8: repeated application of a map that is CPTP to 1e-10 keeps it)."""
    if not isinstance(rho, qutip.Qobj):
        raise ValueError(f"{name} must be a ket or density-matrix Qobj, got "
                         f"{type(rho).__name__}")
    if not (rho.isket or rho.isoper):
        raise ValueError(f"{name} must be a ket or density matrix, got a Qobj of type "
                         f"{rho.type!r}")
    _check_finite(name, rho)
    if rho.isket:
        rho = qutip.ket2dm(rho)
    if rho.dims[0] != system_dims or rho.dims[1] != system_dims:
        raise ValueError(f"{name} has dims {rho.dims}, the system has {system_dims}")
    dense = rho.full()
    asym = float(np.max(np.abs(dense - dense.conj().T))) if dense.size else 0.0
    scale = float(np.max(np.abs(dense))) if dense.size else 0.0
    if not (asym <= 1e-10 * max(1.0, scale)):
        raise ValueError(f"{name} must be Hermitian (a density matrix); max |rho - "
                         f"rho^dagger| = {asym:.3g}")
    tr = np.trace(dense)
    if not (abs(tr - 1) <= 1e-8):
        raise ValueError(f"{name} must have unit trace, got {complex(tr).real:.10g}"
                         + (f" {complex(tr).imag:+.3g}j" if abs(complex(tr).imag) > 1e-12
                            else ""))
    return rho


def unitarity_error(unitary: qutip.Qobj) -> float:
    r""":math:`\max|U^\dagger U - 1|` (NaN if ``unitary`` holds a NaN)."""
    u = _csr(unitary)
    diff = (u.conj().T @ u - sp.identity(u.shape[0], format="csr")).tocoo()
    return float(np.max(np.abs(diff.data))) if diff.nnz else 0.0


def _csr(op, name: str = "operator") -> sp.csr_matrix:
    """A Qobj, ndarray or scipy sparse matrix as a scipy CSR matrix."""
    if isinstance(op, qutip.Qobj):
        return sp.csr_matrix(op.to("csr").data.as_scipy())
    if sp.issparse(op):
        return sp.csr_matrix(op)
    arr = np.asarray(op)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
    return sp.csr_matrix(arr)


def _check_superoperator_size(d: int) -> None:
    """Refuse a dense d^2 x d^2 superoperator that will not fit (QuTiP builds it densely,
    with a copy)."""
    require_memory(f"the dense superoperator of a map on {d} levels", 2 * 16.0 * d**4,
                   "apply the map (apply / fixed_point iterate without it) or use a SectorMap "
                   "on the conserved-charge blocks")


def _qobj_state(rho, dims) -> qutip.Qobj:
    """The Hermitian part of ``rho`` (dense or sparse) as a Qobj (CSR above 64 levels)."""
    herm = 0.5 * (rho + rho.conj().T)
    if sp.issparse(herm) and herm.shape[0] <= 64:
        herm = herm.toarray()
    return qutip.Qobj(herm, dims=dims, isherm=True)


def _kraus_action(mats: Sequence[sp.csr_matrix]) -> spla.LinearOperator:
    r""":math:`\rho \mapsto \sum_i E_i\rho E_i^\dagger - \rho` on row-stacked
    :math:`\rho` (entry (r, c) at r D + c), never forming the superoperator."""
    d = mats[0].shape[0]
    conj = [m.conj().tocsr() for m in mats]

    def matvec(x):
        r = np.reshape(x, (d, d))
        out = -r
        for m, mc in zip(mats, conj, strict=True):
            out = out + m @ (mc @ r.T).T
        return out.ravel()

    dtype = np.result_type(*(m.dtype for m in mats), float)
    return spla.LinearOperator((d * d, d * d), matvec=matvec, dtype=dtype)


class CollisionMap:
    """The exact map of one collision.

    Parameters
    ----------
    unitary : qutip.Qobj
        :math:`U` on system ⊗ ancilla (ancilla last).
    ancilla_state : qutip.Qobj
        :math:`\\eta`, ket or density matrix on the ancilla.
    """

    def __init__(self, unitary: qutip.Qobj, ancilla_state: qutip.Qobj):
        eta, p, v = _ancilla_spectrum(ancilla_state)
        if not isinstance(unitary, qutip.Qobj) or not unitary.isoper:
            raise ValueError(f"unitary must be an operator Qobj, got {unitary!r}")
        dims = unitary.dims[0]
        if len(dims) < 2 or dims[-1] != eta.dims[0][0] or len(eta.dims[0]) != 1:
            raise ValueError(f"unitary acts on {dims}; expected system dims followed by the "
                             f"ancilla dimension {eta.dims[0]}")
        _check_finite("unitary", unitary)
        err = unitarity_error(unitary)
        if not (err <= UNITARY_TOL):
            raise ValueError(f"unitary must be unitary: max |U^dagger U - 1| = {err:.3g} > "
                             f"{UNITARY_TOL:g} (the map would not preserve the trace)")
        self.unitary = unitary
        self.ancilla_state = eta
        self.system_dims = dims[:-1]
        self._p, self._v = p, v

    @classmethod
    def from_interaction(cls, interaction: qutip.Qobj, ancilla_state: qutip.Qobj,
                         duration: float) -> CollisionMap:
        """Map of a collision of ``duration`` under the interaction Hamiltonian (ħ = 1).

        :math:`U = e^{-iH\tau}` by QuTiP's ``expm``. When that loses unitarity (a
        phase :math:`\\|H\\|\tau` so large that the scaling-and-squaring rounding shows:
        ``duration = 1e12`` drifts the trace by 6e-5), a
        :class:`~qfridge.core.validity.PremiseWarning` reports the drift and :math:`U`
        is rebuilt from the eigen-decomposition of :math:`H` (unitary to rounding; its
        phases are still uncertain by about :math:`\\|H\\|\tau\\epsilon`).
        """
        checks.non_negative("duration", duration)
        if not isinstance(interaction, qutip.Qobj) or not interaction.isherm:
            raise ValueError("interaction must be a Hermitian operator Qobj")
        checks.finite("interaction", interaction.full())
        unitary = (-1j * duration * interaction).expm()
        drift = unitarity_error(unitary)
        if not (drift <= UNITARY_TOL):
            h = interaction.full()
            energies, vectors = np.linalg.eigh(0.5 * (h + h.conj().T))
            phase = float(np.max(np.abs(energies)) * duration)
            check_premise(False, "accurate collision unitary (U^dagger U = 1)",
                          "exp(-i H duration) is not unitary to working precision (the trace "
                          "of the state drifts by about this much per collision); U is rebuilt "
                          "from the eigenvectors of H, its phases uncertain by ~phase * 1e-16",
                          stacklevel=3, drift=drift, duration=float(duration), phase=phase)
            unitary = qutip.Qobj((vectors * np.exp(-1j * duration * energies))
                                 @ vectors.conj().T, dims=interaction.dims)
        return cls(unitary, ancilla_state)

    @property
    def system_dimension(self) -> int:
        return int(np.prod(self.system_dims))

    def kraus(self, cutoff: float = 0.0) -> list[qutip.Qobj]:
        """Kraus operators :math:`E_{jk} = \\sqrt{p_k}\\langle j|U|k\\rangle`.

        Ancilla eigenvalues :math:`p_k \\le` ``cutoff`` are dropped.
        """
        ds = self.system_dimension
        da = self._p.size
        u = self.unitary.full().reshape(ds, da, ds, da)
        ops = []
        for k in range(da):
            if self._p[k] <= cutoff:
                continue
            # <j|U|k> with the ancilla basis being eta's eigenbasis v[:, k] on the right
            # and the computational basis on the left.
            u_k = np.einsum("ajbc,c->ajb", u, self._v[:, k])
            for j in range(da):
                ops.append(qutip.Qobj(np.sqrt(self._p[k]) * u_k[:, j, :],
                                      dims=[self.system_dims, self.system_dims]))
        return ops

    def superoperator(self) -> qutip.Qobj:
        """The map as a QuTiP superoperator on the system."""
        _check_superoperator_size(self.system_dimension)
        return qutip.kraus_to_super(self.kraus(cutoff=0.0))

    def apply(self, rho: qutip.Qobj) -> qutip.Qobj:
        """:math:`\\Phi(\\rho)` computed from the full unitary and a partial trace."""
        rho = _check_state("rho", rho, self.system_dims)
        joint = self.unitary * qutip.tensor(rho, self.ancilla_state) * self.unitary.dag()
        return joint.ptrace(list(range(len(self.system_dims))))

    def solve(self, options: SolverOptions | Method | None = None) -> SteadyState:
        """The fixed point with its self-check (see :meth:`KrausMap.solve`)."""
        return self.as_kraus_map().solve(options)

    def fixed_point(self, options: SolverOptions | Method | None = None) -> qutip.Qobj:
        """The state with :math:`\\Phi(\\rho) = \\rho` (:meth:`solve`; refused if not unique)."""
        return self.solve(options).rho

    def as_kraus_map(self, cutoff: float = 0.0) -> KrausMap:
        """The same map as a :class:`KrausMap` (for :meth:`KrausMap.repeat`, sectors, ...)."""
        return KrausMap(self.kraus(cutoff=cutoff))

    def repeat(self, rho0: qutip.Qobj, steps: int, e_ops: Sequence[qutip.Qobj] = (),
               keep_states: bool = False) -> CollisionTrajectory:
        """Apply the map ``steps`` times (see :meth:`KrausMap.repeat`)."""
        return self.as_kraus_map().repeat(rho0, steps, e_ops, keep_states=keep_states)


@dataclass
class CollisionTrajectory:
    """States and expectation values after each of a sequence of collisions.

    Attributes
    ----------
    expect : ndarray, shape (steps + 1, n_ops)
        :math:`\\mathrm{Tr}[O_i \\rho_k]` for k = 0 (initial state) ... steps.
    final_state : qutip.Qobj
    states : list of qutip.Qobj or None
        Every :math:`\\rho_k` when requested.
    """

    expect: np.ndarray
    final_state: qutip.Qobj
    states: list | None = None

    @property
    def steps(self) -> np.ndarray:
        return np.arange(self.expect.shape[0])


class KrausMap:
    r"""A CPTP map :math:`\Phi(\rho) = \sum_i E_i\rho E_i^\dagger`.

    Parameters
    ----------
    kraus : sequence of qutip.Qobj
        The Kraus operators, all with the same dims.
    atol : float
        Tolerance on the completeness relation :math:`\sum_i E_i^\dagger E_i = 1`;
        a larger violation raises ``ValueError`` (the map would not preserve trace).
    """

    def __init__(self, kraus: Sequence[qutip.Qobj], atol: float = 1e-10):
        ops = list(kraus)
        if not ops or not all(isinstance(k, qutip.Qobj) and k.isoper for k in ops):
            raise ValueError("kraus must be a non-empty sequence of operator Qobjs")
        dims = ops[0].dims
        if any(k.dims != dims for k in ops):
            raise ValueError(f"all Kraus operators must have dims {dims}")
        for i, k in enumerate(ops):
            _check_finite(f"kraus[{i}]", k)
        self._kraus = ops
        self.system_dims = dims[0]
        checks.non_negative("atol", atol)
        err = self.completeness_error()
        if not (err <= atol):
            raise ValueError(f"kraus operators are not complete: max|sum E^dag E - 1| = {err:.3g} "
                             f"> atol = {atol:g}")

    @property
    def system_dimension(self) -> int:
        return int(np.prod(self.system_dims))

    def kraus(self) -> list[qutip.Qobj]:
        return list(self._kraus)

    def completeness_error(self) -> float:
        r""":math:`\max|\sum_i E_i^\dagger E_i - 1|` (0 for an exactly trace-preserving map)."""
        total = sum((_csr(k).conj().T @ _csr(k) for k in self._kraus),
                    sp.csr_matrix((self.system_dimension,) * 2))
        diff = (total - sp.identity(self.system_dimension, format="csr")).tocoo()
        return float(np.max(np.abs(diff.data))) if diff.nnz else 0.0

    def superoperator(self) -> qutip.Qobj:
        """The map as a QuTiP superoperator (dense; for small systems)."""
        _check_superoperator_size(self.system_dimension)
        return qutip.kraus_to_super(self._kraus)

    def apply(self, rho: qutip.Qobj) -> qutip.Qobj:
        r""":math:`\sum_i E_i\rho E_i^\dagger`."""
        rho = _check_state("rho", rho, self.system_dims)
        out = sum(k @ rho @ k.dag() for k in self._kraus)
        return out

    def solve(self, options: SolverOptions | Method | None = None) -> SteadyState:
        """The fixed point :math:`\\Phi(\\rho) = \\rho` with its self-check.

        Parameters
        ----------
        options : SolverOptions or Method, optional
            Default :data:`MAP_OPTIONS`: dense or sparse LU of the sparse superoperator
            :math:`\\sum_i E_i\\otimes E_i^*` for :math:`D^2 \\le` ``direct_max``,
            otherwise BiCGSTAB on the Kraus action (matrix-free).

        Raises
        ------
        SteadyStateError
            Several fixed points, an unconverged solve or a state that is not a density
            matrix, with the numbers.
        """
        opts = MAP_OPTIONS if options is None else as_options(options)
        mats = [_csr(k) for k in self._kraus]
        d = self.system_dimension
        weights = np.zeros(d * d)
        weights[::d + 1] = 1.0
        what = "the fixed point of the Kraus map"
        if opts.choose(d * d) is Method.KRYLOV:
            diag = sum(np.outer(m.diagonal(), m.diagonal().conj()) for m in mats).ravel() - 1.0
            x, info = null_vector(_kraus_action(mats), weights, opts, what, diagonal=diag)
            note = "matrix-free Krylov solve on the Kraus action"
        else:
            sup = sum((sp.kron(m, m.conj(), format="csr") for m in mats),
                      sp.csr_matrix((d * d, d * d)))
            x, info = null_vector(sup - sp.identity(d * d, format="csr"), weights, opts, what)
            note = "sparse superoperator from the Kraus operators"
        rho = x.reshape(d, d)
        info = check_density([rho], info, opts, what)
        return SteadyState(_qobj_state(rho, [self.system_dims, self.system_dims]), info, None,
                           note)

    def fixed_point(self, options: SolverOptions | Method | None = None) -> qutip.Qobj:
        """The state with :math:`\\Phi(\\rho) = \\rho` (:meth:`solve`; refused if not unique)."""
        return self.solve(options).rho

    def repeat(self, rho0: qutip.Qobj, steps: int, e_ops: Sequence[qutip.Qobj] = (),
               keep_states: bool = False) -> CollisionTrajectory:
        """Apply the map ``steps`` times from ``rho0``, recording expectation values."""
        steps = checks.integer_at_least("steps", steps, 0)
        ks = [k.full() for k in self._kraus]
        rho = _check_state("rho0", rho0, self.system_dims)
        dims = rho.dims
        r = rho.full()
        ops = [o.full() for o in e_ops]
        expect = np.empty((steps + 1, len(ops)), dtype=complex)
        states = [] if keep_states else None
        stack = np.array(ks)
        stack_h = np.conj(np.swapaxes(stack, 1, 2))
        ops_t = [np.ascontiguousarray(o.T) for o in ops]
        for step in range(steps + 1):
            if step:
                r = np.sum(stack @ r @ stack_h, axis=0)
            expect[step] = [np.sum(o_t * r) for o_t in ops_t]
            if keep_states:
                states.append(qutip.Qobj(r, dims=dims))
        if np.allclose(expect.imag, 0.0, atol=1e-12):
            expect = expect.real
        return CollisionTrajectory(expect, qutip.Qobj(r, dims=dims), states)

    def sectors(self, charges, order: int = 0) -> SectorMap:
        """The map restricted to operators of charge difference ``order`` (:class:`SectorMap`)."""
        return SectorMap(self._kraus, charges, order=order)


def cascade(unitaries: Sequence[qutip.Qobj], ancilla_state: qutip.Qobj,
            between: Sequence[Sequence[qutip.Qobj] | None] | None = None,
            cutoff: float = 0.0) -> KrausMap:
    r"""One ancilla colliding with systems :math:`S_1, \dots, S_n` in turn (a cascade).

    The joint map on :math:`S_1\otimes\dots\otimes S_n` is (seed 001, Eq. 22)

    .. math:: \Phi(\rho) = \mathrm{Tr}_A\left[U_n\,\mathcal{D}_{n-1}\cdots\mathcal{D}_1 U_1
              (\rho\otimes\eta)U_1^\dagger\cdots U_n^\dagger\right],

    where :math:`U_i` acts on :math:`S_i\otimes A` and :math:`\mathcal{D}_i` is an optional
    channel on the ancilla between systems i and i+1 (given by its Kraus operators
    :math:`D_{i,d}`; e.g. the decoherence of seed 001, App. D). The Kraus operators are
    :math:`\sqrt{p_k}\langle j|U_n D_{n-1,d_{n-1}}\cdots U_1|k\rangle`. Built with sparse
    matrices on the full :math:`S\otimes A` space: this is the brute-force reference.

    Parameters
    ----------
    unitaries : sequence of qutip.Qobj
        :math:`U_i` on :math:`S_i \otimes A` (ancilla last), in the order of the collisions.
    ancilla_state : qutip.Qobj
        :math:`\eta` (ket or density matrix).
    between : sequence of (sequence of qutip.Qobj or None), optional
        ``n - 1`` ancilla channels; ``None`` entries mean no channel.
    cutoff : float
        Ancilla eigenvalues :math:`p_k \le` ``cutoff`` are dropped.
    """
    eta, p, v = _ancilla_spectrum(ancilla_state)
    da = p.size
    us = list(unitaries)
    if not us:
        raise ValueError("unitaries must hold at least one unitary")
    sys_dims = []
    for i, u in enumerate(us):
        if not isinstance(u, qutip.Qobj) or not u.isoper or len(u.dims[0]) != 2 \
                or u.dims[0][1] != da:
            raise ValueError(f"unitaries[{i}] must act on (system, ancilla of dim {da}); got "
                             f"{getattr(u, 'dims', u)!r}")
        sys_dims.append(u.dims[0][0])
    n = len(us)
    if between is None:
        between = [None] * (n - 1)
    if len(between) != n - 1:
        raise ValueError(f"between must hold {n - 1} ancilla channels, got {len(between)}")
    all_dims = sys_dims + [da]
    full = [_csr(qutip.expand_operator(u, dims=all_dims, targets=[i, n])) for i, u in
            enumerate(us)]
    ds = int(np.prod(sys_dims))
    ident_s = sp.identity(ds, format="csr")
    chans = []
    for i, ch in enumerate(between):
        if ch is None:
            chans.append([sp.identity(ds * da, format="csr")])
        else:
            chans.append([sp.kron(ident_s, _csr(d, f"between[{i}]"), format="csr") for d in ch])
    ops = []
    for path in itertools.product(*chans):
        w = full[0]
        for d, u in zip(path, full[1:], strict=True):
            w = u @ (d @ w)
        w = sp.csr_matrix(w)
        for k in range(da):
            if p[k] <= cutoff:
                continue
            right = sp.kron(ident_s, sp.csr_matrix(v[:, k].reshape(-1, 1)), format="csr")
            for j in range(da):
                e = np.sqrt(p[k]) * (w[j::da, :] @ right)
                if e.nnz and np.max(np.abs(e.data)) > 0:
                    ops.append(qutip.Qobj(e.toarray() if ds <= 400 else e,
                                          dims=[sys_dims, sys_dims]))
    return KrausMap(ops)


class SectorMap:
    r"""A Kraus map restricted to operators of fixed charge difference (the fast path).

    If every Kraus operator :math:`E_i` changes a conserved charge :math:`q` (e.g. the
    total photon number of two cavities) by a fixed amount :math:`s_i`, i.e.
    :math:`\langle r|E_i|c\rangle \neq 0 \Rightarrow q_r - q_c = s_i`, then the operators
    :math:`|i\rangle\langle j|` with :math:`q_i - q_j = k` (the *order*) span an invariant
    subspace. A state block-diagonal in :math:`q` (order 0, e.g. any product of
    thermal states of cavities) stays so, and the map is a sparse matrix
    :math:`M` on the :math:`\sum_q d_q^2` in-block entries instead of a dense
    :math:`D^2\times D^2` superoperator:
    :math:`M_{(r_1 r_2),(c_1 c_2)} = \sum_i E_{i,r_1c_1}E^*_{i,r_2c_2}`.
    Hand-written because QuTiP has no charge-sector restriction of superoperators.

    Parameters
    ----------
    kraus : sequence of qutip.Qobj, ndarray or scipy sparse
    charges : array_like of int, length D
        Charge of each basis state.
    order : int
        Charge difference :math:`q_i - q_j` of the operators the map acts on.
    """

    def __init__(self, kraus, charges, order: int = 0):
        q = np.asarray(charges)
        if q.ndim != 1 or not np.issubdtype(q.dtype, np.integer):
            raise ValueError(f"charges must be a 1-D integer array, got {q!r}")
        self.charges = q
        self.order = int(order)
        d = q.size
        self.dimension = d
        rows, cols = np.nonzero(q[:, None] - q[None, :] == self.order)
        self.rows, self.cols = rows, cols
        self._keys = rows * d + cols  # sorted, since np.nonzero is row-major
        self.size = rows.size
        mats = [_csr(k, "kraus operator") for k in kraus]
        if any(m.shape != (d, d) for m in mats):
            raise ValueError(f"every Kraus operator must be {d}x{d} to match charges")
        self.shifts = []
        pieces_r, pieces_c, pieces_v = [], [], []
        for idx, m in enumerate(mats):
            m = m.tocoo()
            keep = np.abs(m.data) > 0
            r, c, val = m.row[keep], m.col[keep], m.data[keep]
            if r.size == 0:
                self.shifts.append(0)
                continue
            shift = q[r] - q[c]
            if np.any(shift != shift[0]):
                raise ValueError(f"kraus[{idx}] does not change the charge by a fixed amount "
                                 f"(changes found: {sorted(set(shift.tolist()))})")
            self.shifts.append(int(shift[0]))
            qc = q[c]
            order_ = np.argsort(qc, kind="stable")
            r, c, val, qc = r[order_], c[order_], val[order_], qc[order_]
            uniq, start = np.unique(qc, return_index=True)
            stop = np.append(start[1:], qc.size)
            bounds = dict(zip(uniq.tolist(), zip(start, stop, strict=True), strict=True))
            for qa, (a0, a1) in bounds.items():
                b = bounds.get(qa - self.order)
                if b is None:
                    continue
                b0, b1 = b
                ia = np.arange(a0, a1)[:, None]
                ib = np.arange(b0, b1)[None, :]
                ia, ib = np.broadcast_arrays(ia, ib)
                ia, ib = ia.ravel(), ib.ravel()
                pieces_r.append(self._position(r[ia], r[ib]))
                pieces_c.append(self._position(c[ia], c[ib]))
                pieces_v.append(val[ia] * np.conj(val[ib]))
        if pieces_r:
            data = np.concatenate(pieces_v)
            self.matrix = sp.csr_matrix(
                (data, (np.concatenate(pieces_r), np.concatenate(pieces_c))),
                shape=(self.size, self.size))
        else:
            self.matrix = sp.csr_matrix((self.size, self.size))
        if np.all(np.isreal(self.matrix.data)):
            self.matrix = sp.csr_matrix(self.matrix.real)

    def _position(self, i, j):
        pos = np.searchsorted(self._keys, i * self.dimension + j)
        return pos

    def vector(self, rho, atol: float = 1e-12) -> np.ndarray:
        """The in-sector entries of ``rho``; raises if ``rho`` has weight outside the sector."""
        arr = rho.full() if isinstance(rho, qutip.Qobj) else np.asarray(rho)
        if arr.shape != (self.dimension, self.dimension):
            raise ValueError(f"rho must be {self.dimension}x{self.dimension}, got {arr.shape}")
        vec = arr[self.rows, self.cols]
        outside = np.abs(arr).sum() - np.abs(vec).sum()
        if outside > atol * max(1.0, np.abs(arr).sum()):
            raise ValueError(f"rho has weight {outside:.3g} outside the sector of charge "
                             f"difference {self.order}")
        if np.iscomplexobj(vec) and not np.any(vec.imag):
            vec = vec.real.copy()
        return vec

    def density_matrix(self, vec) -> np.ndarray:
        """The dense matrix with the given in-sector entries (zeros elsewhere)."""
        out = np.zeros((self.dimension, self.dimension), dtype=np.result_type(vec, float))
        out[self.rows, self.cols] = vec
        return out

    def weights(self, op) -> np.ndarray:
        r"""Vector :math:`w` with :math:`\mathrm{Tr}[O\rho] = w\cdot v` for in-sector :math:`v`."""
        m = _csr(op, "op")
        w = np.asarray(m[self.cols, self.rows]).ravel()
        return w.real.copy() if np.all(np.isreal(w)) else w

    def apply(self, vec) -> np.ndarray:
        """One application on the in-sector entries (``vec`` may be (size,) or (size, runs))."""
        return self.matrix @ vec

    def solve(self, options: SolverOptions | Method | None = None) -> SteadyState:
        r"""The fixed point :math:`M v = v`, :math:`\mathrm{Tr} = 1` (order 0 only), checked.

        The solver layer on :math:`M - 1` with the trace condition; default
        :data:`MAP_OPTIONS` (BiCGSTAB with the diagonal as preconditioner above 4000
        in-sector entries). ``charges`` of the result are :attr:`charges`.

        Raises
        ------
        SteadyStateError
            Several fixed points, an unconverged solve or a state that is not a density
            matrix, with the numbers.
        """
        if self.order != 0:
            raise ValueError(f"a fixed point needs the order-0 sector, this map has order "
                             f"{self.order}")
        opts = MAP_OPTIONS if options is None else as_options(options)
        what = "the fixed point of the sector map"
        x, info = null_vector(self.matrix - sp.identity(self.size, format="csr"),
                              (self.rows == self.cols).astype(float), opts, what)
        rho = sp.csr_matrix((x, (self.rows, self.cols)), shape=(self.dimension,) * 2)
        blocks = [rho[idx][:, idx].toarray() for idx in
                  (np.flatnonzero(self.charges == q) for q in np.unique(self.charges))]
        info = check_density(blocks, info, opts, what)
        return SteadyState(_qobj_state(rho, [[self.dimension], [self.dimension]]), info,
                           self.charges, "charge-sector map")

    def fixed_point(self, options: SolverOptions | Method | None = None) -> np.ndarray:
        """In-sector entries of the fixed point (:meth:`solve`)."""
        return self.vector(self.solve(options).rho)

    def evolve(self, vec0, steps: int, observables: Sequence = ()) -> np.ndarray:
        """Expectation values ``(steps + 1, n_obs[, runs])`` over ``steps`` applications."""
        steps = checks.integer_at_least("steps", steps, 0)
        w = np.array([self.weights(o) if not isinstance(o, np.ndarray) else o
                      for o in observables])
        v = np.array(vec0, copy=True)
        out = np.empty((steps + 1, len(w)) + v.shape[1:],
                       dtype=np.result_type(v, w, self.matrix.dtype, float))
        for k in range(steps + 1):
            if k:
                v = self.matrix @ v
            out[k] = w @ v
        return out


def combine_sectors(maps: Sequence[SectorMap], coefficients: Sequence[float]) -> sp.csr_matrix:
    """:math:`\\sum_i c_i M_i` for sector maps on the same sector (e.g. ancilla components)."""
    if not maps:
        raise ValueError("maps must not be empty")
    keys = maps[0]._keys
    if any(m._keys.shape != keys.shape or np.any(m._keys != keys) for m in maps):
        raise ValueError("all sector maps must act on the same sector")
    return sum((c * m.matrix for m, c in zip(maps, coefficients, strict=True)),
               sp.csr_matrix(maps[0].matrix.shape))


# --------------------------------------------------------------------------------------
# Noise: per-collision random parameters and ensembles
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Normal:
    """A Gaussian per-collision parameter :math:`x_k \\sim \\mathcal{N}(\\mu, \\sigma^2)`."""

    mean: float
    std: float

    def __post_init__(self):
        checks.finite("mean", self.mean)
        checks.non_negative("std", self.std)

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        return rng.normal(self.mean, self.std, size=size) if self.std > 0 else \
            np.full(size, float(self.mean))


def spawn_generators(seed, n: int) -> list[np.random.Generator]:
    """``n`` independent generators from one seed (int or Generator); same seed, same streams."""
    n = checks.integer_at_least("n", n, 1)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return list(rng.spawn(n))


def draw_parameters(rng: np.random.Generator, n_steps: int, **distributions) -> dict:
    """Per-collision parameters: ``{name: array(n_steps)}`` from ``Normal``s, callables or numbers.

    A callable is called as ``dist(rng, n_steps)``; a number is held fixed.
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    n_steps = checks.integer_at_least("n_steps", n_steps, 0)
    out = {}
    for name, dist in distributions.items():
        if isinstance(dist, Normal):
            out[name] = dist.sample(rng, n_steps)
        elif callable(dist):
            try:
                values = np.asarray(dist(rng, n_steps), dtype=float)
            except (TypeError, ValueError) as err:
                raise ValueError(f"{name}: the callable must return {n_steps} real numbers; "
                                 f"{err}") from err
            if values.shape != (n_steps,):
                raise ValueError(f"{name}: the callable returned shape {values.shape}, expected "
                                 f"({n_steps},) (one value per collision)")
            out[name] = checks.finite(name, values)
        else:
            out[name] = np.full(n_steps, float(checks.finite(name, dist)))
    return out


@dataclass(frozen=True)
class EnsembleStatistics:
    """Mean and standard deviation over runs (axis 0 of ``samples``) of an observable per step."""

    samples: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.samples.mean(axis=0)

    @property
    def std(self) -> np.ndarray:
        return self.samples.std(axis=0, ddof=1) if self.samples.shape[0] > 1 else \
            np.zeros(self.samples.shape[1:])


def ensemble_statistics(run: Callable[[np.random.Generator], np.ndarray], n_runs: int,
                        seed) -> EnsembleStatistics:
    """Run ``run(rng)`` for ``n_runs`` independent generators spawned from ``seed``."""
    gens = spawn_generators(seed, n_runs)
    return EnsembleStatistics(np.array([run(g) for g in gens]))


# --------------------------------------------------------------------------------------
# Truncation
# --------------------------------------------------------------------------------------

def top_level_populations(rho: qutip.Qobj) -> np.ndarray:
    """Population of the highest level of each subsystem of ``rho``."""
    if rho.isket:
        rho = qutip.ket2dm(rho)
    dims = rho.dims[0]
    diag = np.real(rho.diag()).reshape(dims)
    out = []
    for i, d in enumerate(dims):
        axes = tuple(j for j in range(len(dims)) if j != i)
        out.append(float(diag.sum(axis=axes)[d - 1]) if axes else float(diag[d - 1]))
    return np.array(out)


def check_fock_truncation(rho_or_population, tolerance: float = 1e-6,
                          what: str = "population of the top Fock level") -> bool:
    """Warn (:class:`~qfridge.core.validity.PremiseWarning`) if a top Fock level is populated.

    Accepts a state (every subsystem is checked) or the top-level population(s).
    """
    if isinstance(rho_or_population, qutip.Qobj):
        _check_finite("rho_or_population", rho_or_population)
        top = float(np.max(top_level_populations(rho_or_population)))
    else:
        pops = np.asarray(rho_or_population)
        if pops.size == 0:
            raise ValueError("rho_or_population must hold at least one population, got an "
                             "empty array")
        checks.finite("rho_or_population", pops)
        top = float(np.max(np.abs(pops)))
    return check_truncation(top, tolerance=tolerance, what=what, stacklevel=5)


def poisson_stream_generator(collision: CollisionMap | qutip.Qobj, rate: float,
                             lindbladian: qutip.Qobj | None = None) -> qutip.Qobj:
    r"""Generator :math:`R(\Phi - 1) + \mathcal{L}` of collisions at Poisson rate ``rate``."""
    checks.non_negative("rate", rate)
    sup = collision.superoperator() if isinstance(collision, CollisionMap) else collision
    gen = rate * (sup - qutip.qeye(sup.dims[0]))
    if lindbladian is not None:
        if lindbladian.dims != sup.dims:
            raise ValueError(f"lindbladian has dims {lindbladian.dims}, the map {sup.dims}")
        gen = gen + lindbladian
    return gen


def stream_steady_state(generator: qutip.Qobj,
                        options: SolverOptions | Method | None = None) -> SteadyState:
    """Steady state of a QuTiP superoperator generator (e.g. :func:`poisson_stream_generator`)
    through the solver layer, self-checked like :meth:`KrausMap.solve`.

    QuTiP superoperators act on column-stacked :math:`\\rho` (entry (r, c) at c D + r), so
    the trace weights are 1 at k (D + 1).
    """
    if not isinstance(generator, qutip.Qobj) or not generator.issuper:
        raise ValueError(f"generator must be a superoperator Qobj, got {generator!r}")
    dims = generator.dims[0]
    d = int(np.prod(dims[0]))
    weights = np.zeros(d * d)
    weights[::d + 1] = 1.0
    opts = as_options(options)
    what = "the steady state of the collision stream"
    x, info = null_vector(_csr(generator), weights, opts, what)
    rho = x.reshape(d, d).T
    info = check_density([rho], info, opts, what)
    return SteadyState(_qobj_state(rho, dims), info, None, "QuTiP superoperator generator")
