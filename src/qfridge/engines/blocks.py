r"""Conserved charges and the block-diagonal sector of a Liouvillian.

A *charge* is a diagonal operator :math:`Q = \sum_i q_i |i\rangle\langle i|` with
integer :math:`q_i` that the Hamiltonian conserves (:math:`\langle i|H|j\rangle \ne 0
\Rightarrow q_i = q_j`) and that every jump operator shifts by a fixed amount
(:math:`\langle i|L|j\rangle \ne 0 \Rightarrow q_i - q_j = s_L`): total :math:`S^z` of a
chain with :math:`S^\pm` baths, total photon number, any such label. Then
:math:`\mathcal{L}` maps the operators :math:`|i\rangle\langle j|` with
:math:`q_i - q_j = k` into themselves, and a charge-diagonal state (:math:`k = 0`) —
the steady state when it is unique, and any evolution started from a
charge-diagonal state — lives on :math:`\bigoplus_q \mathcal{B}(\mathcal{H}_q)` of
dimension :math:`\sum_q d_q^2` instead of :math:`D^2`.

:func:`block_liouvillian` builds :math:`\mathcal{L}` directly on that sector, one
sparse Kronecker product per block (never the full :math:`D^2\times D^2` matrix):

.. math::
    \mathcal{L}_{qq} = -i(H_q\otimes 1 - 1\otimes H_q^\top)
        - \tfrac12(K_q\otimes 1 + 1\otimes K_q^\top),\qquad
    \mathcal{L}_{q+s_L,\,q} \mathrel{+}= L_{q+s_L,q}\otimes \overline{L_{q+s_L,q}},

with :math:`K = \sum_L L^\dagger L` and :math:`\rho_q` stored row-major
(:math:`\mathrm{vec}(A\rho B) = (A\otimes B^\top)\mathrm{vec}(\rho)`). Without a charge
(every :math:`q_i = 0`) the same code builds the full Liouvillian. Written by
hand: QuTiP builds Liouvillians on the full space only.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import qutip
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .steady import SteadyStateError

__all__ = ["ChargeBlocks", "ChargeError", "as_charges", "excitation_number",
           "detect_charge", "check_charge", "block_liouvillian", "dense_liouvillian",
           "sector_nnz", "SecularPreconditioner"]


class ChargeError(ValueError):
    """A declared charge is not conserved by the Hamiltonian or a jump operator."""


def csr(op) -> sp.csr_matrix:
    """A Qobj, ndarray or scipy matrix as scipy CSR (no densifying of sparse input)."""
    if isinstance(op, qutip.Qobj):
        data = op.data
        if isinstance(data, qutip.data.CSR):
            return data.as_scipy().tocsr()
        return sp.csr_matrix(op.full())
    return sp.csr_matrix(op)


@dataclass(frozen=True, eq=False)
class ChargeBlocks:
    """The charge-diagonal sector: basis states grouped by charge.

    Attributes
    ----------
    charges : ndarray of int, shape (D,)
    values : ndarray of int
        The distinct charges, ascending.
    indices : tuple of ndarray
        Basis states of each charge (ascending).
    offsets : ndarray of int
        Start of each block in the sector vector (row-major :math:`\\rho_q`).
    """

    charges: np.ndarray
    values: np.ndarray
    indices: tuple
    offsets: np.ndarray

    @classmethod
    def from_charges(cls, charges) -> ChargeBlocks:
        q = as_charges(charges)
        values = np.unique(q)
        indices = tuple(np.flatnonzero(q == v) for v in values)
        sizes = np.array([i.size**2 for i in indices])
        return cls(q, values, indices, np.r_[0, np.cumsum(sizes)])

    @property
    def dimension(self) -> int:
        return int(self.charges.size)

    @property
    def size(self) -> int:
        """:math:`\\sum_q d_q^2`, unknowns of the sector."""
        return int(self.offsets[-1])

    @property
    def block_dimensions(self) -> list[int]:
        return [int(i.size) for i in self.indices]

    @functools.cached_property
    def slices(self) -> list[slice]:
        """Where each block sits in the charge-ordered basis (see :meth:`permuted`)."""
        stops = np.cumsum(self.block_dimensions)
        return [slice(int(b - d), int(b)) for b, d in zip(stops, self.block_dimensions,
                                                          strict=True)]

    def permuted(self, op) -> sp.csr_matrix:
        """``op`` in the basis ordered by charge (block after block), so that each block
        pair is a contiguous slice — fancy indexing per block costs ~100 µs each."""
        order = np.concatenate(self.indices)
        return csr(op)[order][:, order].tocsr()

    @functools.cached_property
    def _trace_weights(self) -> np.ndarray:
        w = np.zeros(self.size)
        for idx, off in zip(self.indices, self.offsets, strict=False):
            d = idx.size
            w[off + np.arange(d) * (d + 1)] = 1.0
        w.flags.writeable = False
        return w

    def trace_weights(self) -> np.ndarray:
        """:math:`w` with :math:`w\\cdot x = \\mathrm{Tr}\\rho` (read-only, computed once)."""
        return self._trace_weights

    def vector(self, rho, atol: float = 1e-12) -> np.ndarray:
        """The in-sector entries of ``rho``; refuses weight outside the sector."""
        m = csr(rho).tocsr() if not isinstance(rho, np.ndarray) else sp.csr_matrix(rho)
        if m.shape != (self.dimension, self.dimension):
            raise ValueError(f"rho must be {self.dimension}x{self.dimension}, got {m.shape}")
        out = np.zeros(self.size, dtype=complex)
        inside = 0.0
        for idx, off in zip(self.indices, self.offsets, strict=False):
            block = m[idx][:, idx].toarray()
            inside += np.abs(block).sum()
            out[off:off + block.size] = block.ravel()
        total = float(abs(m).sum())
        if total - inside > atol * max(1.0, total):
            raise ValueError(f"rho has weight {total - inside:.3g} outside the charge-diagonal "
                             "blocks; the block evolution needs a state diagonal in the charge")
        return out

    def weights(self, op) -> np.ndarray:
        """:math:`w` with :math:`\\mathrm{Tr}[O\\rho] = w\\cdot x` for a sector vector ``x``."""
        m = csr(op)
        return np.concatenate([m[idx][:, idx].T.toarray().ravel() for idx in self.indices])

    def blocks(self, x: np.ndarray) -> list[np.ndarray]:
        """The dense blocks :math:`\\rho_q` of a sector vector."""
        return [x[off:off + idx.size**2].reshape(idx.size, idx.size)
                for idx, off in zip(self.indices, self.offsets, strict=False)]

    def matrix(self, x: np.ndarray) -> sp.csr_matrix:
        """The block-diagonal :math:`D\\times D` matrix of a sector vector (sparse)."""
        rows, cols, vals = [], [], []
        for idx, block in zip(self.indices, self.blocks(x), strict=True):
            r, c = np.meshgrid(idx, idx, indexing="ij")
            rows.append(r.ravel())
            cols.append(c.ravel())
            vals.append(block.ravel())
        d = self.dimension
        return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                     np.concatenate(cols))), shape=(d, d))


def as_charges(charges) -> np.ndarray:
    """A 1-D integer array from integer-valued input (a diagonal Qobj is accepted)."""
    if isinstance(charges, qutip.Qobj):
        m = csr(charges)
        off = m - sp.diags(m.diagonal())
        if off.count_nonzero():
            raise ChargeError("a charge operator must be diagonal in the basis of the "
                              "Hamiltonian's matrix")
        charges = m.diagonal()
    q = np.asarray(charges)
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"charges must be a non-empty 1-D array, got shape {q.shape}")
    if np.iscomplexobj(q):
        if np.any(q.imag != 0):
            raise ChargeError("charges must be real integers")
        q = q.real
    if not np.issubdtype(q.dtype, np.integer):
        off = np.abs(q - np.round(q))
        if not np.all(np.isfinite(q)) or np.any(off > 1e-9):
            raise ChargeError("charges must be integers (a diagonal operator with an integer "
                              f"spectrum); got values such as {q[np.argmax(off)]}")
        q = np.round(q)
    return q.astype(np.int64)


def excitation_number(dims: Sequence[int]) -> np.ndarray:
    """:math:`\\sum_k n_k` over the subsystems of a tensor-product basis (``dims``).

    For a chain of spins in QuTiP's basis (``basis(2, 0)`` = up) this is the number of
    down spins, :math:`N/2 - S^z`; for oscillators, the total photon number.
    """
    grids = np.indices(tuple(int(d) for d in dims)).reshape(len(dims), -1)
    return grids.sum(axis=0)


def _shift(name: str, op: sp.csr_matrix, q: np.ndarray) -> int | None:
    coo = op.tocoo()
    keep = coo.data != 0
    if not np.any(keep):
        return None
    shifts = np.unique(q[coo.row[keep]] - q[coo.col[keep]])
    if shifts.size > 1:
        raise ChargeError(f"{name} does not shift the charge by a fixed amount: it changes it "
                          f"by {shifts.tolist()}; the declared charge is not conserved")
    return int(shifts[0])


def check_charge(hamiltonian, jump_operators: Sequence, charges,
                 names: Sequence[str] | None = None) -> list[int | None]:
    """Refuse (:class:`ChargeError`, naming the operator) a charge that is not conserved.

    Returns the shift :math:`s_L` of each jump operator (``None`` for a zero operator).
    """
    q = as_charges(charges)
    h = csr(hamiltonian)
    if h.shape != (q.size, q.size):
        raise ValueError(f"charges has {q.size} entries but the Hamiltonian is {h.shape}")
    s = _shift("the Hamiltonian", h, q)
    if s not in (None, 0):
        raise ChargeError(f"the Hamiltonian changes the charge by {s}; it must conserve it")
    names = names or [f"jump operator {i}" for i in range(len(jump_operators))]
    return [_shift(n, csr(op), q) for n, op in zip(names, jump_operators, strict=True)]


def detect_charge(hamiltonian, jump_operators: Sequence, dims: Sequence[int] | None = None):
    """The excitation number of the tensor-product basis, if it is a conserved charge.

    Returns the charges (``excitation_number(dims)``) when the Hamiltonian conserves
    them and every jump shifts them by a fixed amount, and when they split the space
    into more than one block; ``None`` otherwise. Other charges must be declared.
    """
    if dims is None:
        dims = hamiltonian.dims[0] if isinstance(hamiltonian, qutip.Qobj) else \
            [hamiltonian.shape[0]]
    q = excitation_number(dims)
    if np.unique(q).size < 2:
        return None
    try:
        check_charge(hamiltonian, jump_operators, q)
    except ChargeError:
        return None
    return q


def dense_liouvillian(hamiltonian: np.ndarray, collapse_operators: Sequence[np.ndarray]
                      ) -> np.ndarray:
    """The full Liouvillian as a dense array, row-major vectorisation (small systems).

    Same convention as :func:`block_liouvillian` with a single block; used for the
    small-system fast path, where building sparse Kronecker products costs more than
    the solve.
    """
    h = np.asarray(hamiltonian)
    d = h.shape[0]
    eye = np.eye(d)
    a = -1j * h  # L rho = A rho + rho A^dagger + sum_c c rho c^dagger, A = -iH - K/2
    if len(collapse_operators):
        stack = np.asarray(collapse_operators)
        a = a - 0.5 * np.einsum("kai,kaj->ij", stack.conj(), stack)
    out = _kron(a, eye) + _kron(eye, a.conj())
    if len(collapse_operators):
        out += np.einsum("kai,kbj->abij", stack, stack.conj()).reshape(d * d, d * d)
    return out


def _kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense Kronecker product of square matrices (numpy.kron's generic path is ~5x slower
    on the small matrices of the fast path)."""
    n, m = a.shape[0], b.shape[0]
    return (a[:, None, :, None] * b[None, :, None, :]).reshape(n * m, n * m)


def sector_nnz(hamiltonian, collapse_operators: Sequence, blocks: ChargeBlocks) -> int:
    """Upper bound on the stored entries of :func:`block_liouvillian` (cheap, built first
    so a memory estimate can refuse a problem before its Liouvillian exists)."""
    h = blocks.permuted(hamiltonian)
    cops = [blocks.permuted(c) for c in collapse_operators]
    total = 0
    for sl in blocks.slices:
        d = sl.stop - sl.start
        total += 2 * h[sl, sl].nnz * d + 2 * d * d
        total += sum(c[:, sl].nnz ** 2 for c in cops)
    return int(total)


def _block_shift(op: sp.csr_matrix, charges: np.ndarray) -> int | None:
    """The charge shift of a (checked) operator given in the charge-ordered basis."""
    coo = op.tocoo()
    keep = coo.data != 0
    if not np.any(keep):
        return None
    return int(charges[coo.row[keep][0]] - charges[coo.col[keep][0]])


def block_liouvillian(hamiltonian, collapse_operators: Sequence,
                      blocks: ChargeBlocks) -> sp.csr_matrix:
    """:math:`\\mathcal{L}` on the charge-diagonal sector (see the module docstring).

    ``collapse_operators`` carry their rates (:math:`\\sqrt{\\gamma}L`). Call
    :func:`check_charge` first: entries that cross blocks inconsistently are not
    represented. Assembled as one coordinate list with NumPy (no sparse product per
    block: with many small blocks, SciPy's per-call overhead dominated).
    """
    h = blocks.permuted(hamiltonian)
    cops = [blocks.permuted(c) for c in collapse_operators]
    k = sp.csr_matrix(h.shape, dtype=complex)
    for c in cops:
        k = k + (c.conj().T @ c)
    dims = np.asarray(blocks.block_dimensions)
    first = np.r_[0, np.cumsum(dims)[:-1]]  # first basis state of each block
    block_of = np.repeat(np.arange(dims.size), dims)
    local = np.arange(dims.sum()) - first[block_of]
    offsets = blocks.offsets
    rows, cols, vals = [], [], []
    # A rho + rho A^dagger with A = -iH - K/2 (block diagonal): each entry A_ij acts on
    # every column (row) t of its block
    a = (-1j * h - 0.5 * k).tocoo()
    bb = block_of[a.row]
    reps = dims[bb]
    t = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    i, j, v = (np.repeat(x, reps) for x in (local[a.row], local[a.col], a.data))
    base, d = np.repeat(offsets[bb], reps), np.repeat(dims[bb], reps)
    rows += [base + i * d + t, base + t * d + i]
    cols += [base + j * d + t, base + t * d + j]
    vals += [v, v.conj()]
    # L rho L^dagger: pairs of entries leaving the same source block
    for c in cops:
        coo = c.tocoo()
        keep = coo.data != 0
        r, cc, v = coo.row[keep], coo.col[keep], coo.data[keep]
        src = block_of[cc]
        order = np.argsort(src, kind="stable")
        r, cc, v, src = r[order], cc[order], v[order], src[order]
        starts = np.searchsorted(src, np.arange(dims.size + 1))
        for blk in np.flatnonzero(np.diff(starts)):
            sl = slice(starts[blk], starts[blk + 1])
            tgt = block_of[r[sl][0]]
            r1, r2 = np.meshgrid(local[r[sl]], local[r[sl]], indexing="ij")
            c1, c2 = np.meshgrid(local[cc[sl]], local[cc[sl]], indexing="ij")
            rows.append((offsets[tgt] + r1 * dims[tgt] + r2).ravel())
            cols.append((offsets[blk] + c1 * dims[blk] + c2).ravel())
            vals.append(np.outer(v[sl], v[sl].conj()).ravel())
    n = blocks.size
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, n))


class SecularPreconditioner:
    r"""Approximate inverse of a sector Liouvillian from its secular (Pauli) limit.

    In the eigenbasis of each block's Hamiltonian, :math:`H_q = V_q E_q V_q^\dagger`,
    the commutator is diagonal and, to leading order in the rates, the coherences
    decouple: :math:`\dot{\tilde\rho}_{ab} \approx [-i(E_a - E_b) - \tfrac12(\tilde K_{aa}
    + \tilde K_{bb})]\tilde\rho_{ab}`, while the populations obey the Pauli rate
    equation :math:`W_{ak} = \sum_L |\tilde L_{ak}|^2 - \delta_{ak}\tilde K_{kk}`. This
    operator solves that secular system exactly (the Pauli part with the trace
    condition, the coherences by division) and maps back; the Krylov iteration
    corrects what it neglects (terms of order rate / level spacing). Its cost is a
    few dense products per block, :math:`O(\sum_q d_q^3)`, and one LU of the
    :math:`D\times D` Pauli matrix built once. Built by hand: it is specific to
    Lindblad generators in charge blocks; SciPy's incomplete LU did not converge on
    the 8-site chain (GMRES residual 0.1 after 24 000 iterations).
    """

    def __init__(self, hamiltonian, collapse_operators: Sequence, blocks: ChargeBlocks):
        h = blocks.permuted(hamiltonian)
        self.blocks = blocks
        self.energies, self.vectors = [], []
        for sl in blocks.slices:
            e, v = np.linalg.eigh(h[sl, sl].toarray())
            self.energies.append(e)
            self.vectors.append(v)
        starts = np.r_[0, np.cumsum(blocks.block_dimensions)]
        d = blocks.dimension
        pauli = np.zeros((d, d))
        pos = {int(v): i for i, v in enumerate(blocks.values)}
        q = np.sort(blocks.charges)
        for c in (blocks.permuted(c) for c in collapse_operators):
            shift = _block_shift(c, q)
            if shift is None:
                continue
            for b, sl in enumerate(blocks.slices):
                target = pos.get(int(blocks.values[b]) + shift)
                if target is None:
                    continue
                cq = c[blocks.slices[target], sl]
                if cq.nnz == 0:
                    continue
                ct = self.vectors[target].conj().T @ (cq @ self.vectors[b])
                pauli[blocks.slices[target], sl] += np.abs(ct) ** 2
        outflow = pauli.sum(axis=0)
        self.decay = [outflow[starts[b]:starts[b + 1]] for b in range(len(blocks.indices))]
        self.pauli = pauli - np.diag(outflow)
        self.starts = starts

    #: Sustained rate of complex dense products on one core (flop/s; calibrated on the
    #: 10-site chain: estimate 7.3 s, measured 7-9 s) and the preconditioned GMRES
    #: iterations of a solve plus its uniqueness check (measured: 63-108 for chains of
    #: 6-10 sites), for :meth:`estimated_seconds`.
    FLOP_RATE, ITERATIONS = 2e10, 120

    @staticmethod
    def estimated_seconds(blocks: ChargeBlocks) -> float:
        """Rough wall time of a solve with this preconditioner: four complex d×d products
        per block per application (8 real flops per complex multiply-add), times
        :attr:`ITERATIONS`, at :attr:`FLOP_RATE`. Ignores the sparse products, which are
        cheaper whenever the estimate matters."""
        d = np.asarray(blocks.block_dimensions, dtype=float)
        flops = 4 * 8 * float(np.sum(d**3))
        return SecularPreconditioner.ITERATIONS * flops / SecularPreconditioner.FLOP_RATE

    def operator(self, pivot: int) -> spla.LinearOperator:
        """The approximate inverse of the Liouvillian whose row ``pivot`` (a diagonal entry)
        is replaced by the trace weights (what :func:`~qfridge.engines.steady.null_vector`
        solves)."""
        blocks = self.blocks
        w = blocks.trace_weights()
        if w[pivot] == 0:
            raise ValueError(f"pivot {pivot} is not a diagonal entry of the sector")
        diag_pos = np.flatnonzero(w)
        a = self.pauli.copy()
        a[0, :] = 1.0
        with warnings.catch_warnings():  # a singular Pauli limit is reported below
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu = sla.lu_factor(a, check_finite=False, overwrite_a=True)
        pivots = np.abs(np.diag(lu[0]))
        if pivots.min() <= 1e-14 * pivots.max():
            raise SteadyStateError(
                "the secular preconditioner is singular: the Pauli limit has several steady "
                f"states (smallest LU pivot {pivots.min():.3g} of {pivots.max():.3g}); "
                "Method.SPLU decides whether the full problem has one")
        inv_coh = []
        for e, k in zip(self.energies, self.decay, strict=True):
            den = -1j * (e[:, None] - e[None, :]) - 0.5 * (k[:, None] + k[None, :])
            inv_coh.append(np.where(np.abs(den) > 1e-12, 1.0 / np.where(den == 0, 1, den), 1.0))

        def apply(r):
            r = np.asarray(r, dtype=complex).ravel()
            trace_rhs = r[pivot]
            r = r.copy()
            r[pivot] = 0.0
            r[pivot] = -r[diag_pos].sum()  # the replaced equation follows from the others
            tilde = [v.conj().T @ blk @ v for v, blk in zip(self.vectors, blocks.blocks(r),
                                                           strict=True)]
            rhs = np.concatenate([np.diag(t) for t in tilde])
            rhs[0] = trace_rhs
            pops = sla.lu_solve(lu, rhs)
            out = np.empty(blocks.size, dtype=complex)
            for b, (t, inv, v) in enumerate(zip(tilde, inv_coh, self.vectors, strict=True)):
                x = t * inv
                np.fill_diagonal(x, pops[self.starts[b]:self.starts[b + 1]])
                off = blocks.offsets[b]
                out[off:off + x.size] = (v @ x @ v.conj().T).ravel()
            return out

        return spla.LinearOperator((blocks.size, blocks.size), matvec=apply, dtype=complex)
