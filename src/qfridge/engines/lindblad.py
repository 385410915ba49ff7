r"""Multi-bath Lindblad master equations with per-bath heat currents.

.. math::
    \dot\rho = -i[H, \rho] + \sum_b \mathcal{D}_b\rho, \qquad
    \mathcal{D}_b\rho = \sum_k \gamma_{b,k}\left(L_{b,k}\rho L_{b,k}^\dagger
        - \tfrac12\{L_{b,k}^\dagger L_{b,k}, \rho\}\right)

Two ways to build the jump operators of each bath :math:`b`:

* **local** (:meth:`MasterEquation.local`): the user names each transition by its
  lowering operator :math:`L` and the energy :math:`\omega > 0` it releases;
  the bath contributes :math:`\gamma^\downarrow D[L] + \gamma^\uparrow D[L^\dagger]`
  with :math:`\gamma^\downarrow = K(\omega)(1+n)`, :math:`\gamma^\uparrow = K(\omega)n`.
* **global secular** (:meth:`MasterEquation.global_secular`): from the system
  operator :math:`A_b` that couples to the bath, the eigen-decomposition of
  :math:`H` gives one jump operator per Bohr frequency,
  :math:`A_b(\omega) = \sum_{E_j - E_i = \omega} |i\rangle\langle i|A_b|j\rangle\langle j|`,
  with rate :math:`\gamma_b(\omega)` (emission for :math:`\omega > 0`, absorption for
  :math:`\omega < 0`, see :mod:`qfridge.core.baths`). Degenerate Bohr frequencies
  (equal within ``degeneracy_tol``) are grouped into one operator, as the
  secular approximation requires. :math:`\omega = 0` terms (pure dephasing) carry
  :math:`K(0) = 0` for every density in :mod:`qfridge.core.baths` and are omitted.

Heat current of bath :math:`b` (positive = energy leaves the bath, enters the
system): :math:`J_b = \mathrm{Tr}[H\,\mathcal{D}_b\rho]`.

QuTiP builds the Liouvillian and solves for the steady state and the dynamics;
this module only assembles the jump operators and the thermodynamic bookkeeping.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import qutip
import scipy.linalg as sla
import scipy.sparse as sp

from ..core import checks
from ..core.baths import BosonicBath
from ..core.resources import require_memory
from ..core.threads import blas_threads
from ..core.validity import check_premise
from .blocks import (
    ChargeBlocks,
    SecularPreconditioner,
    as_charges,
    block_liouvillian,
    check_charge,
    csr,
    dense_liouvillian,
    detect_charge,
    sector_nnz,
)
from .steady import (
    Method,
    Preconditioner,
    SolverOptions,
    SteadyState,
    SteadyStateError,
    SteadyStateInfo,
    as_options,
    check_density,
    check_memory,
    null_vector,
)


@dataclass(frozen=True)
class Transition:
    """A local transition: lowering operator ``operator`` releasing energy ``frequency`` > 0."""

    operator: qutip.Qobj
    frequency: float

    def __post_init__(self):
        checks.positive("transition frequency", self.frequency)


@dataclass(frozen=True)
class JumpTerm:
    """One term :math:`\\gamma D[L]` of a bath's dissipator; ``energy`` is what the system
    releases into the bath in one jump (negative for absorption)."""

    rate: float
    operator: qutip.Qobj
    energy: float


def check_hamiltonian(hamiltonian) -> qutip.Qobj:
    """``hamiltonian`` as a Hermitian operator Qobj, or a ValueError naming the problem.

    Works on the stored data (sparse stays sparse: nothing is densified to check it).
    """
    if not isinstance(hamiltonian, qutip.Qobj) or not hamiltonian.isoper:
        raise ValueError(f"hamiltonian must be a square operator Qobj, got {hamiltonian!r}")
    h = _matrix(hamiltonian)
    entries = h.data if sp.issparse(h) else h
    checks.finite("hamiltonian", entries)
    scale = float(np.max(np.abs(entries))) if entries.size else 0.0
    diff = h - h.conj().T
    diff = diff.data if sp.issparse(diff) else diff
    asym = float(np.max(np.abs(diff))) if diff.size else 0.0
    if asym > 1e-12 * max(1.0, scale):
        raise ValueError(f"hamiltonian must be Hermitian; max |H - H^dagger| = {asym:.3g}")
    return hamiltonian


@functools.lru_cache(maxsize=64)
def _full_space(dimension: int) -> ChargeBlocks:
    """The one-block "sector" of the full space (shared: its trace weights are cached)."""
    return ChargeBlocks.from_charges(np.zeros(dimension, dtype=np.int64))


def _matrix(op: qutip.Qobj):
    """A Qobj's matrix as it is stored: CSR stays scipy sparse (never densified),
    dense data and small operators (≤ 64 levels, where sparse arithmetic costs more
    than it saves) come as NumPy arrays."""
    if isinstance(op.data, qutip.data.CSR) and op.shape[0] > 64:
        return csr(op)
    return op.full()


def check_operator(name: str, op, hamiltonian: qutip.Qobj) -> qutip.Qobj:
    """``op`` if it is a finite operator Qobj with the Hamiltonian's dims, else a ValueError
    naming it (``name``)."""
    if not isinstance(op, qutip.Qobj) or not op.isoper:
        raise ValueError(f"{name} must be an operator Qobj, got {op!r}")
    if op.dims != hamiltonian.dims:
        raise ValueError(f"{name} has dimensions {op.dims} but the hamiltonian has "
                         f"{hamiltonian.dims}")
    m = _matrix(op)
    checks.finite(name, m.data if sp.issparse(m) else m)
    return op


def _check_transition(name: str, hamiltonian: qutip.Qobj, op: qutip.Qobj, omega: float):
    """Refuse a transition whose operator raises the energy or is an exact ladder operator of
    another frequency (ValueError with the numbers); warn
    (:class:`~qfridge.core.validity.PremiseWarning`) when it misses the ladder relation by
    more than :data:`TRANSITION_TOL` — the local approximation with interactions.
    """
    residual, omega_fit, fit_residual = transition_residual(hamiltonian, op, omega)
    what = f"lowering operator of bath {name!r}"
    numbers = f"(residual {residual:.3g}, stated omega {omega:.6g})"
    if not (omega_fit > 0):
        raise ValueError(f"the {what} does not lower the energy, it raises it by "
                         f"{-omega_fit:.6g} on average (a raising operator given as the "
                         f"lowering one?) {numbers}")
    if fit_residual <= 1e-9 and not (abs(omega_fit - omega) <= 1e-9 * omega):
        raise ValueError(f"the {what} lowers the energy by exactly {omega_fit:.10g}, not by "
                         f"the stated frequency {omega:.10g} {numbers}")
    check_premise(residual <= TRANSITION_TOL,
                  "local transition (ladder relation [H, L] = -omega L)",
                  f"the {what} does not lower the energy by its stated frequency within "
                  f"{TRANSITION_TOL} (relative); its rates are evaluated at a frequency it "
                  "does not carry", stacklevel=4, residual=residual, omega=omega,
                  mean_energy_lowered=omega_fit)


def _bath_name(bath, index: int) -> str:
    return getattr(bath, "name", None) or f"bath{index}"


def check_couplings(hamiltonian: qutip.Qobj, couplings) -> dict[str, tuple[object, np.ndarray]]:
    """``{bath name: (bath, A as a dense array)}`` after checking each ``(bath, A)`` pair: a
    bath with a ``rate``, a distinct name, a finite Hermitian operator with the Hamiltonian's
    dims (ValueError naming the bath otherwise). Shared by the global form, Redfield and
    Floquet–Markov."""
    out: dict[str, tuple[object, np.ndarray]] = {}
    for index, (bath, coupling) in enumerate(couplings):
        if not hasattr(bath, "rate"):
            raise ValueError(f"couplings[{index}] must pair a bath (e.g. BosonicBath) with "
                             f"a coupling operator, got {bath!r} as the bath")
        name = _bath_name(bath, index)
        if name in out:
            raise ValueError(f"two baths share the name {name!r}; give them distinct names")
        a = check_operator(f"coupling operator of bath {name!r}", coupling, hamiltonian).full()
        asym, scale = _hermitian_defect(a)
        if not (asym <= 1e-12 * max(1.0, scale)):
            raise ValueError(
                f"coupling operator of bath {name!r} must be Hermitian (a system operator "
                f"coupled to a bath is an observable); max |A - A^dagger| = {asym:.3g} "
                f"(max |A| = {scale:.3g})")
        out[name] = (bath, a)
    return out


def _hermitian_defect(m) -> tuple[float, float]:
    """``(max |M - M^dagger|, max |M|)`` of a dense or sparse matrix (no densifying)."""
    entries = m.data if sp.issparse(m) else m
    scale = float(np.max(np.abs(entries))) if entries.size else 0.0
    diff = m - m.conj().T
    diff = diff.data if sp.issparse(diff) else diff
    return (float(np.max(np.abs(diff))) if diff.size else 0.0), scale


def _norm(m) -> float:
    """Frobenius norm of a dense or sparse matrix."""
    return float(sp.linalg.norm(m)) if sp.issparse(m) else float(np.linalg.norm(m))


#: Largest relative residual ``||[H, L] + omega L|| / (omega ||L||)`` of a local transition
#: accepted without a :class:`~qfridge.core.validity.PremiseWarning`. A correct lowering
#: operator of an *interacting* system misses 0 by the interaction's commutator (about
#: ``2 g / omega`` for a coupling ``g``; the local form assumes ``g << omega``).
TRANSITION_TOL = 0.5


def transition_residual(hamiltonian: qutip.Qobj, lower: qutip.Qobj,
                        omega: float) -> tuple[float, float, float]:
    r"""How well ``lower`` obeys the ladder relation :math:`[H, L] = -\omega L`.

    Returns ``(residual, omega_fit, fit_residual)``: ``residual`` =
    :math:`\|[H, L] + \omega L\|_F / (\omega\|L\|_F)` (0 for an exact lowering operator
    by ``omega``, 2 for a raising one, :math:`|\omega' - \omega|/\omega` for one lowering
    by :math:`\omega'`); ``omega_fit`` = :math:`-\mathrm{Re\,Tr}(L^\dagger[H, L])/\|L\|_F^2`,
    the mean energy one application of ``lower`` removes (negative: it raises the energy);
    ``fit_residual`` = the relative residual of the ladder relation at ``omega_fit``
    (relative to :math:`\|H\|_F`), ~1e-16 when ``lower`` is an exact ladder operator.
    """
    h, m = _matrix(hamiltonian), _matrix(lower)
    if sp.issparse(h) != sp.issparse(m):
        h, m = sp.csr_matrix(h), sp.csr_matrix(m)
    size = _norm(m)
    if not (size > 0):
        raise ValueError("a transition's lowering operator must not be zero")
    comm = h @ m - m @ h
    inner = m.conj().T @ comm
    trace = inner.diagonal().sum()
    omega_fit = -float(np.real(trace)) / size**2
    residual = _norm(comm + omega * m) / (omega * size)
    scale = max(_norm(h), np.finfo(float).tiny)
    fit_residual = _norm(comm + omega_fit * m) / (scale * size)
    return residual, omega_fit, fit_residual


def trajectory_states(rho, name: str = "rho") -> list | None:
    """The states of a trajectory — a QuTiP ``Result`` (``.states`` and ``.times``) or a
    list/tuple of states — or ``None`` when ``rho`` is one state (anything else, checked
    by the caller).

    Raises
    ------
    ValueError
        An empty list, or a ``Result`` that kept no states (``mesolve`` with ``e_ops``
        keeps only the expectation values unless told otherwise).
    """
    if isinstance(rho, list | tuple):
        if not rho:
            raise ValueError(f"{name} is an empty list of states")
        return list(rho)
    if isinstance(rho, qutip.Qobj) or not (hasattr(rho, "states") and hasattr(rho, "times")):
        return None
    if not rho.states:
        raise ValueError(
            f"{name} is a QuTiP {type(rho).__name__} without stored states (run with e_ops, "
            "it keeps only their expectation values): run the evolution with options="
            "{'store_states': True} to get the per-state quantities over time")
    return list(rho.states)


def _over_states(method):
    """Let a per-state quantity ``method(self, rho, ...)`` take a trajectory
    (:func:`trajectory_states`): it is then evaluated at every state (kets become
    projectors) and returns arrays over time — a float becomes an ndarray of shape
    ``(n_times,)``, a dict of floats a dict of such arrays."""

    @functools.wraps(method)
    def per_state(self, rho, *args, **kwargs):
        states = trajectory_states(rho)
        if states is None:
            return method(self, rho, *args, **kwargs)
        values = []
        for k, state in enumerate(states):
            try:
                values.append(method(self, state, *args, **kwargs))
            except ValueError as err:
                raise ValueError(f"state {k} of the trajectory given as rho: {err}") from None
        if isinstance(values[0], dict):
            return {key: np.array([v[key] for v in values]) for key in values[0]}
        return np.array(values)

    return per_state


class MasterEquation:
    """A Lindblad master equation with named baths.

    Build it with :meth:`local` or :meth:`global_secular`; the constructor takes
    already-assembled :class:`JumpTerm` lists per bath.

    Parameters
    ----------
    hamiltonian : qutip.Qobj
        The system Hamiltonian (natural units).
    jumps : dict[str, list[JumpTerm]]
        Dissipator terms of each bath, by bath name.
    form : str
        ``"local"``, ``"global"`` or ``"custom"``: how the terms were obtained.
    """

    def __init__(self, hamiltonian: qutip.Qobj, jumps: dict[str, list[JumpTerm]],
                 form: str = "custom", temperatures: dict[str, float] | None = None):
        self.hamiltonian = check_hamiltonian(hamiltonian)
        for name, terms in jumps.items():
            for term in terms:
                check_operator(f"jump operator of bath {name!r}", term.operator, hamiltonian)
                checks.non_negative(f"rate of bath {name!r}", term.rate)
        self.jumps = dict(jumps)
        self.form = form
        self.temperatures = None if temperatures is None else dict(temperatures)
        #: What :meth:`local` / :meth:`global_secular` were built from — ``(bath,
        #: [Transition, ...])`` or ``(bath, coupling operator)`` pairs — so that the other
        #: forms of the same machine can be built (:func:`qfridge.engines.audit.audit`);
        #: ``None`` for a master equation assembled from jump terms.
        self.couplings: list | None = None

    # -- construction -----------------------------------------------------------------
    @classmethod
    def local(cls, hamiltonian: qutip.Qobj,
              couplings: Sequence[tuple[BosonicBath, Transition | Sequence[Transition]]],
              ) -> MasterEquation:
        """Local form: each bath drives the transitions it is given.

        ``couplings`` is a list of ``(bath, transitions)`` with ``transitions`` a
        :class:`Transition` or a list of them.

        Premises (:class:`~qfridge.core.validity.PremiseWarning` with the numbers): each
        lowering operator obeys its ladder relation within :data:`TRANSITION_TOL`, and —
        up to :data:`LOCAL_CHECK_MAX` levels — the bath's rates are flat over the Bohr
        frequencies the interaction splits the transition into (:func:`local_rate_spread`
        at most :data:`LOCAL_SPREAD_TOL`): the inter-subsystem coupling must be small
        against the bath's temperature and spectral structure, not only against the
        transition frequency.
        """
        hamiltonian = check_hamiltonian(hamiltonian)
        eig = np.linalg.eigh(hamiltonian.full()) \
            if hamiltonian.shape[0] <= LOCAL_CHECK_MAX else None
        jumps: dict[str, list[JumpTerm]] = {}
        for index, (bath, transitions) in enumerate(couplings):
            if not hasattr(bath, "emission_rate"):
                raise ValueError(f"couplings[{index}] must pair a bath (e.g. BosonicBath) with "
                                 f"transitions, got {bath!r} as the bath")
            if isinstance(transitions, Transition):
                transitions = [transitions]
            name = _bath_name(bath, index)
            if name in jumps:
                raise ValueError(f"two baths share the name {name!r}; give them distinct names")
            terms = []
            for tr in transitions:
                op = check_operator(f"lowering operator of bath {name!r}", tr.operator,
                                     hamiltonian)
                _check_transition(name, hamiltonian, op, tr.frequency)
                if eig is not None:
                    spread = local_rate_spread(bath, op, tr.frequency, *eig)
                    check_premise(
                        spread <= LOCAL_SPREAD_TOL,
                        "local form (bath rates flat over the interaction's splitting)",
                        f"the interaction splits the transition of bath {name!r} into Bohr "
                        "frequencies where the bath's rates differ from those at the stated "
                        "frequency; the local form misses it (use the global form, or "
                        "Redfield when the splitting is comparable with the rates)",
                        stacklevel=3, relative_rate_spread=spread,
                        tolerance=LOCAL_SPREAD_TOL, omega=tr.frequency)
                terms.append(JumpTerm(float(bath.emission_rate(tr.frequency)), op,
                                      tr.frequency))
                terms.append(JumpTerm(float(bath.absorption_rate(tr.frequency)), op.dag(),
                                      -tr.frequency))
            jumps[name] = terms
        me = cls(hamiltonian, jumps, form="local", temperatures=_temperatures(couplings))
        me.couplings = [(bath, [tr] if isinstance(tr, Transition) else list(tr))
                        for bath, tr in couplings]
        return me

    @classmethod
    def global_secular(cls, hamiltonian: qutip.Qobj,
                       couplings: Sequence[tuple[BosonicBath, qutip.Qobj]],
                       degeneracy_tol: float = 1e-9, check: bool = True) -> MasterEquation:
        """Global (secular, Davies) form from Hermitian coupling operators.

        Warns (:class:`~qfridge.core.validity.PremiseWarning`) when the largest rate
        is not small compared with the smallest non-zero Bohr frequency (weak
        coupling) or the smallest gap between distinct Bohr frequencies
        (secular approximation). ``check=False`` skips these checks.
        """
        hamiltonian = check_hamiltonian(hamiltonian)
        d = hamiltonian.shape[0]
        require_memory(f"the global secular form of a {d}-level system (dense "
                       "diagonalisation)", 5 * 16.0 * d * d, "use the local form or fewer levels")
        dense_h = hamiltonian.full()
        if d > 512:   # count the Bohr frequencies from the eigenvalues alone (~3x cheaper)
            lev = np.linalg.eigvalsh(dense_h)   # before the eigenvectors and their masks
            _frequency_bounds((lev[None, :] - lev[:, None]).ravel(), max(degeneracy_tol, 0.0),
                              d)
        energies, vectors = np.linalg.eigh(dense_h)
        checks.non_negative("degeneracy_tol", degeneracy_tol)
        width = float(energies[-1] - energies[0])
        if width > 0 and not (degeneracy_tol < width):
            raise ValueError(f"degeneracy_tol must be below the spectrum's width {width:.6g} "
                             f"(it would merge every Bohr frequency), got {degeneracy_tol!r}")
        bohr = energies[None, :] - energies[:, None]  # bohr[i, j] = E_j - E_i
        groups = _group_frequencies(bohr, degeneracy_tol)
        jumps: dict[str, list[JumpTerm]] = {}
        transition_rates = np.zeros((d, d))
        for name, (bath, coupling) in check_couplings(hamiltonian, couplings).items():
            a = vectors.conj().T @ coupling @ vectors
            terms = []
            for omega, mask in groups:
                if omega == 0.0:
                    continue
                block = np.where(mask, a, 0.0)
                if not np.any(np.abs(block) > 1e-14):
                    continue
                rate = float(bath.rate(omega))
                if rate == 0.0:
                    continue
                transition_rates += rate * np.abs(block) ** 2
                mat = vectors @ block @ vectors.conj().T
                mat[np.abs(mat) < 1e-14 * np.max(np.abs(mat))] = 0.0
                # Sparse storage keeps the Liouvillian sparse (dense jump operators
                # would make QuTiP build a dense d^2 x d^2 matrix).
                op = qutip.Qobj(mat, dims=hamiltonian.dims).to("csr")
                terms.append(JumpTerm(rate, op, omega))
            jumps[name] = terms
        me = cls(hamiltonian, jumps, form="global", temperatures=_temperatures(couplings))
        me.couplings = list(couplings)
        if check:
            me.check_premises(energies=energies, groups=groups, transition_rates=transition_rates)
        return me

    # -- validity -----------------------------------------------------------------------
    #: Steady-state population (of the Pauli limit) from which a level's transitions count
    #: in :meth:`check_premises`.
    WEIGHT_TOL = 1e-3

    def check_premises(self, energies=None, groups=None, factor: float = 0.1,
                       transition_rates=None, weight_tol: float | None = None) -> bool:
        r"""Weak-coupling and secular checks of the global form, weighted by the steady
        state.

        With :math:`p_j` the populations of the Pauli limit (all equal when its steady
        state is not unique) and :math:`W_{ij}` the rate of :math:`j \to i`, the rate
        scale is the steady state's mean linewidth :math:`\bar\Gamma = \sum_j p_j
        \max(\Gamma_j, \max_i W_{ji})` (:math:`\Gamma_j = \sum_i W_{ij}`: how fast a
        populated level jumps or is fed, so a qubit at :math:`T = 0` still counts its
        decay). It must be at most ``factor`` times the smallest Bohr frequency of the
        transitions that carry weight (weak coupling) and the smallest gap between their
        distinct Bohr frequencies (secular approximation); a transition carries weight
        when it has a rate and one of its levels holds at least ``weight_tol`` (default
        :data:`WEIGHT_TOL`) of the largest population. Levels a truncation adds but the
        state never visits raise no alarm: a damped oscillator (:math:`K = 0.005`,
        :math:`\omega = 1`) passes at every Fock truncation, where the unweighted largest
        rate grew with it (0.15 at N = 20, 0.47 at N = 60).

        ``transition_rates[i, j]`` (rate of :math:`j \to i` in the eigenbasis) is computed
        from the jump operators when not given.
        """
        if energies is None or transition_rates is None:
            energies, vectors = np.linalg.eigh(self.hamiltonian.full())
            transition_rates = np.zeros((energies.size,) * 2)
            for _, term in self._terms:
                a = vectors.conj().T @ term.operator.full() @ vectors
                transition_rates += term.rate * np.abs(a) ** 2
        if groups is None:
            groups = _group_frequencies(energies[None, :] - energies[:, None], 1e-9)
        w = np.array(transition_rates, dtype=float)
        np.fill_diagonal(w, 0.0)
        tol = self.WEIGHT_TOL if weight_tol is None else checks.non_negative("weight_tol",
                                                                             weight_tol)
        populations = _pauli_weights(w)
        populations = populations / populations.sum()
        weighted = populations >= tol * populations.max()
        carrying = ((w + w.T) > 0) & (weighted[:, None] | weighted[None, :])
        freqs = np.array(sorted(omega for omega, mask in groups
                                if omega > 0.0 and np.any(mask & carrying)))
        if not freqs.size:
            return True
        linewidth = float(populations @ np.maximum(w.sum(axis=0), w.max(axis=1)))
        numbers = {"mean_linewidth": linewidth, "max_rate": float(w.max())}
        ok = check_premise(
            linewidth <= factor * freqs[0], "weak coupling (rates << Bohr frequencies)",
            "the steady state's mean linewidth is not small compared with the smallest Bohr "
            f"frequency of a transition that carries weight (factor {factor})",
            stacklevel=4, **numbers, min_bohr_frequency=float(freqs[0]))
        if freqs.size > 1:
            gap = float(np.min(np.diff(freqs)))
            ok &= check_premise(
                linewidth <= factor * gap,
                "secular approximation (rates << Bohr-frequency gaps)",
                "the steady state's mean linewidth is not small compared with the smallest "
                "gap between the distinct Bohr frequencies of transitions that carry weight "
                f"(factor {factor})", stacklevel=4, **numbers, min_bohr_gap=gap)
        return bool(ok)

    # -- superoperators -------------------------------------------------------------------
    @property
    def bath_names(self) -> list[str]:
        return list(self.jumps)

    def collapse_operators(self, bath: str | None = None) -> list[qutip.Qobj]:
        """:math:`\\sqrt{\\gamma}L` for every term (of one bath, or of all)."""
        names = self.bath_names if bath is None else [self._bath(bath)]
        return [np.sqrt(t.rate) * t.operator for n in names for t in self.jumps[n]
                if t.rate > 0]

    def _bath(self, name: str) -> str:
        if name not in self.jumps:
            raise ValueError(f"unknown bath {name!r}; baths are {self.bath_names}")
        return name

    def dissipator(self, bath: str) -> qutip.Qobj:
        """The superoperator :math:`\\mathcal{D}_b` of one bath."""
        cops = self.collapse_operators(bath)
        if not cops:
            return qutip.Qobj(np.zeros((self.dimension**2,) * 2),
                              dims=qutip.spre(self.hamiltonian).dims)
        return sum(qutip.lindblad_dissipator(c) for c in cops)

    def liouvillian(self) -> qutip.Qobj:
        """The full Liouvillian superoperator (QuTiP, sparse CSR storage)."""
        return qutip.liouvillian(self.hamiltonian.to("csr"), self.collapse_operators())

    @property
    def dimension(self) -> int:
        return int(self.hamiltonian.shape[0])

    # -- solutions ------------------------------------------------------------------------
    @functools.cached_property
    def _terms(self) -> list[tuple[str, JumpTerm]]:
        return [(n, t) for n in self.bath_names for t in self.jumps[n] if t.rate > 0]

    @functools.cached_property
    def _cops_csr(self) -> list[sp.csr_matrix]:
        return [np.sqrt(t.rate) * csr(t.operator) for _, t in self._terms]

    @functools.cached_property
    def _full_blocks(self) -> ChargeBlocks:
        return _full_space(self.dimension)

    @functools.cached_property
    def _dense_ops(self) -> np.ndarray:
        """The jump operators of :attr:`_terms` as one dense stack (small systems)."""
        d = self.dimension
        return np.array([t.operator.full() for _, t in self._terms]).reshape(-1, d, d)

    @functools.cached_property
    def _dense_parts(self) -> tuple[np.ndarray, np.ndarray]:
        rates = np.array([t.rate for _, t in self._terms])
        return self.hamiltonian.full(), np.sqrt(rates)[:, None, None] * self._dense_ops

    def sector(self, charge="auto") -> tuple[ChargeBlocks, str]:
        """The charge blocks a solve uses, and a sentence saying how they were chosen.

        ``charge``: ``"auto"`` detects the excitation number of the tensor-product
        basis (total :math:`S^z` of a spin chain, total photon number) when the
        Hamiltonian and every jump respect it; ``None`` solves on the full space;
        an integer array or a diagonal Qobj declares a charge, which is checked
        (:class:`~qfridge.engines.blocks.ChargeError` names the operator that breaks it).
        """
        d = self.dimension
        if charge is None:
            return self._full_blocks, "no charge requested: full Liouvillian"
        if isinstance(charge, str):
            if charge != "auto":
                raise ValueError(f"charge must be 'auto', None, or charges, got {charge!r}")
            q = detect_charge(self.hamiltonian, self._cops_csr)
            if q is None:
                return self._full_blocks, (
                    "no conserved charge found (the excitation number of the product basis is "
                    "not conserved by the Hamiltonian and the jumps, or gives one block): full "
                    "Liouvillian")
            how = "excitation number of the product basis (detected)"
        else:
            names = [f"jump operator {k} of bath {n!r}" for k, (n, _) in enumerate(self._terms)]
            check_charge(self.hamiltonian, self._cops_csr, charge, names)
            q = as_charges(charge)
            how = "declared charge"
        blocks = ChargeBlocks.from_charges(q)
        return blocks, (f"{how}: {len(blocks.indices)} blocks, {blocks.size} of {d * d} "
                        "unknowns")

    def solve(self, options: SolverOptions | Method | None = None, *,
              charge="auto", initial: qutip.Qobj | None = None) -> SteadyState:
        """The steady state with its self-check (:class:`SteadyState`).

        Parameters
        ----------
        options : SolverOptions or Method, optional
            The solver route (:mod:`qfridge.engines.steady`); automatic by size.
            ``Method.QUTIP`` calls :func:`qutip.steadystate` on the full Liouvillian.
        charge : "auto", None, array of int or diagonal Qobj
            Conserved charge whose diagonal blocks are solved (:meth:`sector`).
        initial : qutip.Qobj, optional
            Used only when the steady state is not unique: the state reached from
            ``initial`` as :math:`t \to \\infty` is returned instead of a refusal
            (:meth:`reached_from`).

        Raises
        ------
        SteadyStateError
            Several steady states (and no ``initial``), an unconverged solve, a state
            that is not positive or Hermitian, or a problem that will not fit in memory —
            with the numbers.
        """
        try:
            return self._solve(options, charge)
        except SteadyStateError as err:
            if initial is None or err.reason != "not unique":
                raise
            return self.reached_from(initial, options)

    #: Largest Liouvillian (unknowns, d^2) :meth:`reached_from` decomposes densely.
    REACHED_MAX = 2500

    def reached_from(self, initial: qutip.Qobj, options: SolverOptions | Method | None = None
                     ) -> SteadyState:
        r"""The state reached from ``initial`` at long times, :math:`\lim_{t\to\infty}
        e^{\mathcal{L}t}\rho_0` — the physical answer when the steady state is not unique.

        The zero eigenvalue of a Lindblad generator is semisimple, so the limit is the
        projection :math:`P\rho_0 = R\,(L^\dagger R)^{-1}L^\dagger\rho_0` onto the right
        null space :math:`R` along the conserved quantities :math:`L` (left null space),
        both from one dense SVD of the full Liouvillian (up to :attr:`REACHED_MAX`
        unknowns). The result is self-checked like :meth:`solve`'s; ``note`` says how many
        steady states there are.
        """
        opts = as_options(options)
        rho0 = _as_density(initial, self.hamiltonian, "initial")
        blocks = self._full_blocks
        n = blocks.size
        if n > self.REACHED_MAX:
            raise SteadyStateError(
                f"the state reached from an initial state needs a dense decomposition of "
                f"the full Liouvillian ({n} unknowns > {self.REACHED_MAX}); propagate "
                "instead (evolve_piecewise / propagate to long times)", {"size": n},
                reason="not unique")
        start = time.perf_counter()
        gen = dense_liouvillian(*self._dense_parts)
        u, sv, vh = sla.svd(gen)
        zero = sv <= max(sv[0], 1e-300) * n * 1e-12
        right, left = vh[zero].conj().T, u[:, zero]
        v0 = blocks.vector(csr(rho0))
        x = right @ np.linalg.solve(left.conj().T @ right, left.conj().T @ v0)
        residual = float(np.abs(gen @ x).max() / (np.abs(gen).max() * np.abs(x).max()))
        info = SteadyStateInfo(Method.DENSE, n, int(np.count_nonzero(gen)), residual,
                               float(sv[~zero].min() / sv[0]) if (~zero).any() else None, 0,
                               time.perf_counter() - start, 3.0 * 16 * n * n)
        pieces = blocks.blocks(x)
        info = check_density(pieces, info, opts, "the state reached from the initial state")
        data = 0.5 * (pieces[0] + pieces[0].conj().T)
        rho = qutip.Qobj(data, dims=self.hamiltonian.dims, isherm=True)
        return SteadyState(rho, info, None,
                           f"not unique ({int(zero.sum())} steady states): the state reached "
                           "from the given initial state")

    def _solve(self, options, charge) -> SteadyState:
        opts = as_options(options)
        if opts.method is Method.QUTIP:
            return self._solve_qutip()
        if isinstance(charge, str) and charge == "auto" \
                and self.dimension**2 <= opts.dense_max:
            blocks, note = self._full_blocks, "small system: full Liouvillian, dense solve"
        else:
            blocks, note = self.sector(charge)
        method = opts.choose(blocks.size)
        if len(blocks.indices) == 1 and method is Method.DENSE:
            gen = dense_liouvillian(*self._dense_parts)
            x, info = null_vector(gen, blocks.trace_weights(), opts, what="the steady state")
            pieces = blocks.blocks(x)
            info = check_density(pieces, info, opts, "the steady state")
        else:
            plan = self._plan(opts, blocks.size)
            check_memory(blocks.size, sector_nnz(self.hamiltonian, self._cops_csr, blocks),
                         plan.method, plan, "building the Liouvillian")
            secular = plan.method is Method.KRYLOV \
                and plan.preconditioner is Preconditioner.SECULAR
            estimate = SecularPreconditioner.estimated_seconds(blocks) if secular else 0.0
            if plan.time_limit is not None and estimate > plan.time_limit:
                raise SteadyStateError(
                    f"the steady state: the secular-preconditioned Krylov route on "
                    f"{blocks.size} unknowns (largest block {max(blocks.block_dimensions)} "
                    f"levels) is estimated at {estimate:.3g} s > time_limit "
                    f"{plan.time_limit:g} s", {"estimated_seconds": estimate}, reason="time")
            # many small dense kernels (block eigh, the preconditioner's products): one
            # BLAS thread (core.threads: 2 threads made them several times slower)
            with blas_threads(1):
                gen = block_liouvillian(self.hamiltonian, self._cops_csr, blocks)
                x, info = self._solve_sparse(gen, blocks, plan, fallback=opts.method
                                             is Method.AUTO)
                pieces = blocks.blocks(x)
                info = check_density(pieces, info, opts, "the steady state")
        if len(pieces) == 1:
            data = 0.5 * (pieces[0] + pieces[0].conj().T)
        else:
            mat = blocks.matrix(0.5 * (x + np.concatenate([b.conj().T.ravel() for b in pieces])))
            data = mat.toarray() if self.dimension <= 64 else mat
        # QuTiP parses list dims on every Qobj (~30 us); its Dimensions object is reused
        dims = getattr(self.hamiltonian, "_dims", self.hamiltonian.dims)
        rho = qutip.Qobj(data, dims=dims, isherm=True, copy=False)
        return SteadyState(rho, info, None if len(blocks.indices) == 1 else blocks.charges,
                           note)

    @staticmethod
    def _plan(opts: SolverOptions, size: int) -> SolverOptions:
        """The route of a sparse sector solve (the secular preconditioner unless another is
        asked for). ``AUTO`` above 256 unknowns: GMRES — a sparse LU of a Liouvillian
        fills badly (237 s for the 12 870 unknowns of an 8-site chain, against 0.3 s for
        this route)."""
        method = opts.method
        if method is Method.AUTO:
            method = opts.choose(size) if size <= 256 else Method.KRYLOV
        precond = Preconditioner.SECULAR if opts.preconditioner is Preconditioner.AUTO \
            else opts.preconditioner
        return dataclasses.replace(opts, method=method, preconditioner=precond)

    def _solve_sparse(self, gen, blocks: ChargeBlocks, plan: SolverOptions, fallback: bool):
        """Solve on the sector by ``plan``; with ``fallback``, a Krylov iteration that does
        not converge (strong coupling, where the secular picture is poor) is retried by
        the sparse LU when that fits (``direct_max``)."""
        weights = blocks.trace_weights()
        precond = None
        if plan.method is Method.KRYLOV and plan.preconditioner is Preconditioner.SECULAR:
            precond = SecularPreconditioner(self.hamiltonian, self._cops_csr, blocks).operator
        try:
            return null_vector(gen, weights, plan, "the steady state", preconditioner=precond)
        except SteadyStateError as err:
            if not fallback or plan.method is not Method.KRYLOV \
                    or err.reason != "not converged" or blocks.size > plan.direct_max:
                raise
        return null_vector(gen, weights, dataclasses.replace(plan, method=Method.SPLU),
                           "the steady state")

    def _solve_qutip(self) -> SteadyState:
        start = time.perf_counter()
        liou = self.liouvillian()
        try:
            rho = qutip.steadystate(liou)
        except (ValueError, RuntimeError) as err:   # QuTiP's bare "Matrix is singular"
            raise SteadyStateError(
                f"qutip.steadystate failed: {err}. A singular Liouvillian usually means "
                "several steady states; the default route (options=None) checks uniqueness "
                "and says so with the numbers", {"qutip_error": str(err)},
                reason="not unique" if "singular" in str(err).lower() else "not converged"
            ) from None
        seconds = time.perf_counter() - start
        vec = rho.full().ravel(order="F")
        gen = csr(liou)
        res = float(np.max(np.abs(gen @ vec)) / (abs(gen).sum(axis=1).max() * np.max(np.abs(vec))))
        min_eig = float(np.linalg.eigvalsh(rho.full())[0]) if self.dimension <= 4096 else None
        info = SteadyStateInfo(Method.QUTIP, liou.shape[0], int(gen.nnz), res, None, 0,
                               seconds, 0.0, min_eig)
        return SteadyState(rho, info, None, "qutip.steadystate on the full Liouvillian "
                                            "(explicit choice; not self-checked for uniqueness)")

    def steady_state(self, options: SolverOptions | Method | None = None, *,
                     charge="auto", initial: qutip.Qobj | None = None) -> qutip.Qobj:
        """The steady state as a Qobj (see :meth:`solve` for the options and checks)."""
        return self.solve(options, charge=charge, initial=initial).rho

    def evolve(self, rho0: qutip.Qobj, times, e_ops=None, *, drive=None, **kwargs):
        r"""Time evolution with QuTiP ``mesolve``; returns QuTiP's ``Result``.

        Parameters
        ----------
        rho0 : qutip.Qobj
            Initial density matrix (or ket).
        times : array_like
            Output times (natural units), non-decreasing.
        e_ops : optional
            Passed to :func:`qutip.mesolve` (then only their expectation values are kept
            unless ``options={"store_states": True}``).
        drive : qutip.QobjEvo or list, optional
            A time-dependent Hamiltonian :math:`V(t)` added to the static one,
            :math:`H(t) = H + V(t)`: a ``QobjEvo`` or QuTiP's list format
            ``[V0, [V1, coeff1], ...]`` (converted by ``QobjEvo`` with ``args`` from
            ``kwargs`` and ``tlist=times``, so array coefficients are sampled at
            ``times``). Hermitian, with the Hamiltonian's dims.
        **kwargs
            Passed to :func:`qutip.mesolve` (``args``, ``options``).

        Notes
        -----
        The dissipators stay those derived for the static :math:`H`, which premises a
        drive that does not change the transitions the baths see. Local form: a drive
        weak and slow compared with the bath's correlation time that leaves the local
        transitions' frequencies in place. Global form: a drive that commutes with
        :math:`H`, or is weak compared with the gaps between the Bohr frequencies; the
        largest norm of :math:`V(t)` over the output times and their midpoints (spectral
        norm up to 64 levels, Frobenius norm — an upper bound — above; checked up to
        :data:`DRIVE_CHECK_MAX` levels) above 0.1 times the smallest gap between distinct
        Bohr frequencies (0 included) of a drive that does not commute with :math:`H` is
        reported (:class:`~qfridge.core.validity.PremiseWarning` with the numbers).
        Strong or fast periodic drives need the Floquet dissipator
        (:class:`qfridge.engines.floquet.FloquetMarkov`). The heat currents of the states
        (:meth:`heat_currents` of the ``Result``) remain :math:`\mathrm{Tr}[H
        \mathcal{D}_b\rho(t)]` with the static :math:`H`.
        """
        if not isinstance(rho0, qutip.Qobj):
            raise ValueError(f"rho0 must be a Qobj, got {type(rho0).__name__}")
        if rho0.dims != self.hamiltonian.dims and rho0.dims[0] != self.hamiltonian.dims[0]:
            raise ValueError(f"rho0 has dimensions {rho0.dims}, the hamiltonian "
                             f"{self.hamiltonian.dims}")
        _as_density(rho0, self.hamiltonian, "rho0")
        t = _check_times(times)
        hamiltonian = self.hamiltonian
        if drive is not None:
            hamiltonian = qutip.QobjEvo(hamiltonian) + self._check_drive(
                drive, t, kwargs.get("args"))
        return qutip.mesolve(hamiltonian, rho0, t,
                             c_ops=self.collapse_operators(), e_ops=e_ops, **kwargs)

    def _check_drive(self, drive, times: np.ndarray, args) -> qutip.QobjEvo:
        """``drive`` as a ``QobjEvo`` after checking its dims and Hermiticity, and (global
        form) that it is weak against the Bohr-frequency gaps (see :meth:`evolve`)."""
        try:
            evo = qutip.QobjEvo(drive, args=args or {}, tlist=times)
        except (TypeError, ValueError) as err:
            raise ValueError("drive must be a qutip.QobjEvo or QuTiP's list format [V0, [V1, "
                             f"coeff1], ...], got {drive!r:.200} ({err})") from None
        if evo.dims != self.hamiltonian.dims:
            raise ValueError(f"drive has dimensions {evo.dims} but the hamiltonian has "
                             f"{self.hamiltonian.dims}")
        d = self.dimension
        if d > DRIVE_CHECK_MAX:
            return evo
        mids = 0.5 * (times[1:] + times[:-1])
        samples = np.unique(np.concatenate([times, mids]))
        samples = samples[np.unique(np.linspace(0, samples.size - 1, DRIVE_SAMPLES).astype(int))]
        h = self.hamiltonian.full()
        h_scale = max(float(np.linalg.norm(h, 2)), np.finfo(float).tiny)
        strongest, at, commutes = 0.0, float(samples[0]), True
        for when in samples:
            v = evo(float(when)).full()
            asym, scale = _hermitian_defect(v)
            if not (asym <= 1e-12 * max(1.0, scale)):
                raise ValueError(f"drive must be Hermitian; at t = {when:.6g} max |V - "
                                 f"V^dagger| = {asym:.3g}")
            norm = float(np.linalg.norm(v, 2) if d <= 64 else np.linalg.norm(v))
            commutes &= _norm(h @ v - v @ h) <= 1e-10 * h_scale * max(norm, 1e-300)
            if norm > strongest:
                strongest, at = norm, float(when)
        if self.form == "global" and not commutes:
            levels = np.linalg.eigvalsh(h)
            bohr = np.sort((levels[None, :] - levels[:, None]).ravel())
            steps = np.diff(bohr)
            gaps = steps[steps > 1e-9 * max(1.0, float(np.abs(bohr).max()))]
            gap = float(gaps.min()) if gaps.size else np.inf
            check_premise(
                strongest <= DRIVE_FACTOR * gap,
                "weak drive for the global form (drive << Bohr-frequency gaps)",
                "the drive does not commute with the Hamiltonian and is not small compared "
                "with the smallest gap between its Bohr frequencies, for which the global "
                "dissipator was derived; use engines.floquet.FloquetMarkov for a periodic "
                "drive", stacklevel=4, drive_norm=strongest, at_time=at,
                min_bohr_gap=gap, factor=DRIVE_FACTOR)
        return evo

    def propagate(self, rho0: qutip.Qobj, times, e_ops: Sequence[qutip.Qobj] = (), *,
                  charge="auto", keep_states: bool = False) -> Trajectory:
        """Exact evolution on the charge blocks (see :func:`evolve_piecewise`)."""
        return evolve_piecewise([(self, np.inf)], rho0, times, e_ops, charge=charge,
                                keep_states=keep_states)

    # -- thermodynamics -------------------------------------------------------------------
    @functools.cached_property
    def _heat_operators(self) -> dict:
        r""":math:`X_b = \sum_k \gamma_k (L_k^\dagger H L_k - \tfrac12\{H, L_k^\dagger L_k\})`,
        so that :math:`J_b = \mathrm{Tr}[X_b\rho]` (built once; dense up to 64 levels)."""
        if self.dimension <= 64:  # one stacked product per bath
            h = self.hamiltonian.full()
            names = np.array([n for n, _ in self._terms])
            rates = np.array([t.rate for _, t in self._terms])
            out = {}
            for name in self.bath_names:
                ops, r = self._dense_ops[names == name], rates[names == name]
                dag = ops.conj().transpose(0, 2, 1)
                ld_l = np.tensordot(r, dag @ ops, axes=1)  # batched matmul, not a 4-index
                ld_h_l = np.tensordot(r, dag @ (h @ ops), axes=1)  # einsum (O(d^4) loops)
                out[name] = ld_h_l - 0.5 * (h @ ld_l + ld_l @ h)
            return out
        h = csr(self.hamiltonian)
        out = {}
        for name in self.bath_names:
            x = sp.csr_matrix(h.shape, dtype=complex)
            for t in self.jumps[name]:
                if t.rate == 0:
                    continue
                op = csr(t.operator)
                ld_l = op.conj().T @ op
                x = x + t.rate * (op.conj().T @ h @ op - 0.5 * (h @ ld_l + ld_l @ h))
            out[name] = x.tocsr()
        return out

    @_over_states
    def heat_current(self, rho: qutip.Qobj, bath: str) -> float:
        r"""Heat current out of ``bath``: :math:`J_b = \mathrm{Tr}[H\mathcal{D}_b\rho]`.

        Positive = the bath loses energy (it is cooled).

        ``rho`` may be a trajectory (a QuTiP ``Result`` or a list of states, see
        :func:`trajectory_states`): the values are then ndarrays over its times.
        """
        rho = _as_density(rho, self.hamiltonian)
        x = self._heat_operators[self._bath(bath)]
        r = rho.full() if isinstance(rho.data, qutip.data.Dense) else csr(rho)
        if isinstance(x, np.ndarray):
            return float(np.real(np.sum(x * (r.T.toarray() if sp.issparse(r) else r.T))))
        return float(np.real(x.multiply(r.T).sum()))

    @_over_states
    def heat_currents(self, rho: qutip.Qobj) -> dict[str, float]:
        """Heat current of every bath (positive = energy leaves that bath).

        ``rho`` may be a trajectory (a QuTiP ``Result`` or a list of states, see
        :func:`trajectory_states`): the values are then ndarrays over its times.
        """
        return {name: self.heat_current(rho, name) for name in self.jumps}

    @_over_states
    def energy_balance_residual(self, rho: qutip.Qobj) -> float:
        r""":math:`|\sum_b J_b|` relative to :math:`\max(\max_b |J_b|, J_{\rm floor})`.

        In a steady state of the global form it is zero to solver precision; the
        local form does not conserve energy exactly when subsystems interact, and
        this number says by how much. The floor :math:`J_{\rm floor} = 10^{-10}
        \max_b \|X_b\|_F` (:math:`X_b` the heat operator, :math:`|J_b| \le \|X_b\|`)
        keeps currents that vanish to rounding (a dark state: 5e-18 against 5e-18) from
        reading as a residual of order 1: below it the residual is absolute (in units of
        the largest possible current), so it is always finite and 0 when all vanish.
        ``rho`` may be a trajectory (a QuTiP ``Result`` or a list of states, see
        :func:`trajectory_states`): the values are then ndarrays over its times.
        """
        currents = np.array(list(self.heat_currents(rho).values()))
        if not currents.size:
            return 0.0
        floor = 1e-10 * max(_norm(x) for x in self._heat_operators.values())
        scale = max(float(np.max(np.abs(currents))), floor)
        return float(abs(currents.sum()) / scale) if scale > 0 else 0.0

    def _require_temperatures(self) -> dict[str, float]:
        if self.temperatures is None:
            raise ValueError(
                "this master equation was built from jump terms without baths, so its "
                "temperatures are unknown: pass temperatures={bath: T} to MasterEquation(...) "
                "(inf for a work reservoir), or build it with local() / global_secular()")
        return self.temperatures

    @_over_states
    def local_currents(self, rho: qutip.Qobj) -> dict[str, float]:
        r"""Jump-counted currents :math:`J_b^{\rm loc} = -\sum_k \epsilon_k\gamma_k
        \mathrm{Tr}[L_k^\dagger L_k\rho]`: the energy :math:`\epsilon_k` each jump gives
        the bath, counted. Equal to :meth:`heat_currents` in the global form; in the local
        form they are the currents of the uncoupled subsystems (Spohn's).

        ``rho`` may be a trajectory (a QuTiP ``Result`` or a list of states, see
        :func:`trajectory_states`): the values are then ndarrays over its times.
        """
        r = _as_density(rho, self.hamiltonian).full()
        out = {}
        for name in self.bath_names:
            total = 0.0
            for t in self.jumps[name]:
                m = _matrix(t.operator)   # Tr[L^dag L rho] = sum conj(L) * (L rho)
                occupied = m.conj().multiply(m @ r).sum() if sp.issparse(m) \
                    else np.vdot(m, m @ r)
                total -= t.energy * t.rate * float(np.real(occupied))
            out[name] = total
        return out

    #: Largest system (levels) whose Spohn per-bath entropy production is computed (it
    #: needs :math:`\ln\rho` by a dense eigendecomposition).
    SPOHN_MAX = 256

    @_over_states
    def spohn_terms(self, rho: qutip.Qobj) -> dict[str, float]:
        r"""Spohn's per-bath entropy production :math:`\sigma_b = -\mathrm{Tr}[\mathcal{D}_b
        (\rho)\ln\rho] - J_b^{\rm loc}/T_b`, each :math:`\ge 0` for a dissipator in
        detailed balance with its bath (Spohn's inequality). NaN for a bath at
        :math:`T = 0` or when :math:`\rho` has a zero eigenvalue (the entropy flow
        diverges).

        ``rho`` may be a trajectory (a QuTiP ``Result`` or a list of states, see
        :func:`trajectory_states`): the values are then ndarrays over its times.
        """
        temps = self._require_temperatures()
        rho = _as_density(rho, self.hamiltonian)
        if self.dimension > self.SPOHN_MAX:
            raise ValueError(f"Spohn's per-bath entropy production needs ln(rho) of a "
                             f"{self.dimension}-level state (> {self.SPOHN_MAX}, dense)")
        r = rho.full()
        lam, vec = np.linalg.eigh(0.5 * (r + r.conj().T))
        positive = lam.min() > 1e-14
        log_rho = (vec * np.log(np.clip(lam, 1e-300, None))) @ vec.conj().T
        local = self.local_currents(rho)
        out = {}
        for name in self.bath_names:
            t = temps[name]
            if not positive or t == 0:
                out[name] = float("nan")
                continue
            d_rho = np.zeros_like(r)
            for term in self.jumps[name]:
                op = term.operator.full()
                ld_l = op.conj().T @ op
                d_rho += term.rate * (op @ r @ op.conj().T - 0.5 * (ld_l @ r + r @ ld_l))
            flow = -float(np.real(np.trace(d_rho @ log_rho)))
            out[name] = flow - (local[name] / t if np.isfinite(t) else 0.0)
        return out

    def thermodynamics(self, rho: qutip.Qobj | None = None, *, check: bool = True):
        r"""Entropy production, work, efficiency/COP and bounds of a state (default: the
        steady state) — a :class:`~qfridge.engines.thermo.Thermodynamics`.

        The local form also carries the jump-counted currents and Spohn's per-bath terms
        (:meth:`local_currents`, :meth:`spohn_terms`, up to :data:`SPOHN_MAX` levels).
        ``check`` reports a negative entropy production as a violation of the second law
        (:class:`~qfridge.core.validity.PremiseWarning` with the numbers): the local form
        breaks it when the subsystems interact strongly. A trajectory is refused: the
        entropy production here, :math:`-\sum_b J_b/T_b`, leaves out :math:`\dot S` and
        holds in a steady state only.
        """
        from .thermo import Thermodynamics

        if trajectory_states(rho) is not None:
            raise ValueError("thermodynamics(rho) takes one steady state (its entropy "
                             "production -sum_b J_b/T_b leaves out dS/dt); for a trajectory "
                             "use heat_currents, local_currents or spohn_terms, which accept "
                             "a Result or a list of states")
        temps = self._require_temperatures()
        rho = self.solve().rho if rho is None else rho
        local = spohn = None
        if self.form == "local":
            local = self.local_currents(rho)
            if self.dimension <= self.SPOHN_MAX:
                spohn = self.spohn_terms(rho)
        th = Thermodynamics(self.heat_currents(rho), temps, local_currents=local, spohn=spohn)
        if check:
            th.check_second_law(f"the steady state of the {self.form} master equation",
                                stacklevel=3)
        return th

    # -- Pauli limit ----------------------------------------------------------------------
    def rate_equation(self):
        """The Pauli rate equation of a global secular master equation.

        Exact for the populations in the eigenbasis when the spectrum is
        non-degenerate; refused otherwise (coherences between degenerate levels
        would be dropped).
        """
        from .rates import RateEquation

        if self.form != "global":
            raise ValueError("rate_equation() needs the global secular form "
                             f"(this master equation is {self.form!r})")
        energies, vectors = np.linalg.eigh(self.hamiltonian.full())
        if energies.size > 1 and np.min(np.diff(energies)) < 1e-9:
            raise ValueError("the Pauli rate equation needs a non-degenerate spectrum; the "
                             f"smallest level spacing is {np.min(np.diff(energies)):.3g}")
        matrices = {}
        for name, terms in self.jumps.items():
            w = np.zeros((energies.size, energies.size))
            for t in terms:
                a = vectors.conj().T @ t.operator.full() @ vectors
                w += t.rate * np.abs(a) ** 2
            np.fill_diagonal(w, 0.0)
            matrices[name] = w
        return RateEquation(energies, matrices, self.temperatures)


@dataclass(frozen=True)
class Trajectory:
    r"""Expectation values and per-bath heat currents along an evolution.

    Attributes
    ----------
    times : ndarray, shape (n,)
    expect : ndarray, shape (n, n_ops)
        :math:`\mathrm{Tr}[O_k\rho(t)]` (real parts; the operators are taken Hermitian).
    heat_currents : dict[str, ndarray of shape (n,)]
        :math:`J_b(t) = \mathrm{Tr}[H\mathcal{D}_b\rho(t)]` of every bath of every segment
        (0 while that bath is switched off); positive = energy leaves the bath.
    final_state : qutip.Qobj
    states : list of qutip.Qobj or None
    note : str
        Which blocks were evolved.
    """

    times: np.ndarray
    expect: np.ndarray
    heat_currents: dict
    final_state: qutip.Qobj
    states: list | None
    note: str


def evolve_piecewise(segments: Sequence[tuple[MasterEquation, float]], rho0: qutip.Qobj,
                     times, e_ops: Sequence[qutip.Qobj] = (), *, charge="auto",
                     keep_states: bool = False) -> Trajectory:
    r"""Evolve under piecewise-constant master equations, exactly, on the charge blocks.

    ``segments`` is a list of ``(master_equation, until)``: the first applies from
    ``times[0]`` to its ``until``, the next from there to its own, ... (e.g. cooling
    switched off at :math:`t_{\rm off}`: ``[(cooled, t_off), (closed, np.inf)]``).
    Every segment must conserve the charge of the first (checked, the breaking
    operator is named); ``rho0`` must be diagonal in it. Each step is
    :math:`e^{\mathcal{L}\Delta t}v` by :func:`scipy.sparse.linalg.expm_multiply`
    (a Krylov/Taylor action, no matrix exponential is formed) on the
    :math:`\sum_q d_q^2` block entries.
    """
    if not segments:
        raise ValueError("segments must hold at least one (master_equation, until) pair")
    import scipy.sparse.linalg as spla

    first = segments[0][0]
    t = _check_times(times)
    untils = [float(u) for _, u in segments]
    if any(np.isnan(u) for u in untils):
        raise ValueError(f"segment end times must be numbers (inf allowed), got {untils}")
    if any(b <= a for a, b in zip(untils, untils[1:], strict=False)):
        raise ValueError(f"segment end times must increase, got {untils}")
    if untils[-1] < t[-1]:
        raise ValueError(f"the last segment ends at {untils[-1]} before the last time {t[-1]}")
    blocks, note = first.sector(charge)
    gens, heat = [], []
    for k, (me, _) in enumerate(segments):
        if me.hamiltonian.dims != first.hamiltonian.dims:
            raise ValueError(f"segment {k} acts on {me.hamiltonian.dims}, the first on "
                             f"{first.hamiltonian.dims}")
        names = [f"jump operator {j} of bath {n!r} in segment {k}"
                 for j, (n, _) in enumerate(me._terms)]
        check_charge(me.hamiltonian, me._cops_csr, blocks.charges, names)
        gens.append(block_liouvillian(me.hamiltonian, me._cops_csr, blocks))
        heat.append({n: blocks.weights(x) for n, x in me._heat_operators.items()})
    rho0 = _as_density(rho0, first.hamiltonian, "rho0")
    v = blocks.vector(csr(rho0))
    weights = np.array([blocks.weights(csr(o)) for o in e_ops]).reshape(len(e_ops),
                                                                           blocks.size)
    baths = list(dict.fromkeys(n for h in heat for n in h))
    expect = np.empty((t.size, len(e_ops)))
    currents = {n: np.zeros(t.size) for n in baths}
    states = [] if keep_states else None
    ends = np.asarray(untils)
    now = t[0]
    for i, target in enumerate(t):
        while now < target:
            seg = int(np.searchsorted(ends, now, side="right"))  # first segment ending after now
            stop = min(target, ends[seg])
            v = spla.expm_multiply(gens[seg] * (stop - now), v)
            now = stop
        active = min(int(np.searchsorted(ends, now, side="right")), len(segments) - 1)
        expect[i] = np.real(weights @ v)
        for n, w in heat[active].items():
            currents[n][i] = float(np.real(w @ v))
        if keep_states:
            states.append(_block_state(blocks, v, first.hamiltonian))
    return Trajectory(t, expect, currents, _block_state(blocks, v, first.hamiltonian), states,
                      note)


def _block_state(blocks: ChargeBlocks, v: np.ndarray, hamiltonian: qutip.Qobj) -> qutip.Qobj:
    mat = blocks.matrix(v)
    return qutip.Qobj(mat.toarray() if blocks.dimension <= 64 else mat, dims=hamiltonian.dims)


#: Largest system (levels) whose local-form rate spread is checked (dense eigensolve).
LOCAL_CHECK_MAX = 512
#: Largest system (levels) whose drive (:meth:`MasterEquation.evolve`) is checked; the
#: check samples it densely at up to :data:`DRIVE_SAMPLES` times.
DRIVE_CHECK_MAX = 512
DRIVE_SAMPLES = 401
#: Largest ratio of a non-commuting drive's norm to the smallest Bohr-frequency gap the
#: global form accepts without a PremiseWarning.
DRIVE_FACTOR = 0.1
#: Largest :func:`local_rate_spread` accepted without a PremiseWarning. Two resonant
#: qubits (omega = 1) between baths at T = 2 and 0.5: the spread is 0.04 at g = 0.2 (local
#: and global currents differ by 1.5 %), 0.1 at g = 0.3, 0.33 at g = 0.5 (10 %).
LOCAL_SPREAD_TOL = 0.1


def local_rate_spread(bath, lower: qutip.Qobj, omega: float, energies: np.ndarray,
                      vectors: np.ndarray) -> float:
    r"""How much the bath's rates vary over the Bohr frequencies :math:`\nu` that the local
    lowering operator :math:`L` (stated frequency :math:`\omega`) actually carries.

    With :math:`w_\nu = \|L(\nu)\|_F^2` the weight of :math:`L` on Bohr frequency
    :math:`\nu` (eigenbasis of the full ``H``, normalised to :math:`\sum_\nu w_\nu = 1`)
    and :math:`e(\nu)`, :math:`a(\nu)` the bath's emission and absorption rates:
    :math:`(|\sum_\nu w_\nu e(\nu) - e(\omega)| + |\sum_\nu w_\nu a(\nu) - a(\omega)|)
    / (e(\omega) + a(\omega))`, the relative error of the local form's total rates — 0
    without interactions; for a symmetric splitting :math:`\omega \pm g` the first order
    in :math:`g` cancels and it grows as :math:`g^2`.
    """
    a = vectors.conj().T @ lower.full() @ vectors
    weight = np.abs(a) ** 2
    keep = weight > 1e-14 * weight.max()
    nu = (energies[None, :] - energies[:, None])[keep]  # a[i, j]: j -> i releases E_j - E_i
    e0, a0 = float(bath.emission_rate(omega)), float(bath.absorption_rate(omega))
    if not (e0 + a0 > 0):
        return 0.0
    w = weight[keep] / weight[keep].sum()
    emission, absorption = w @ np.asarray(bath.rate(nu)), w @ np.asarray(bath.rate(-nu))
    return float((abs(emission - e0) + abs(absorption - a0)) / (e0 + a0))


def _temperatures(couplings) -> dict[str, float]:
    """Each bath's temperature by name (``inf`` for a work reservoir)."""
    return {_bath_name(bath, k): float(bath.temperature) for k, (bath, _) in enumerate(couplings)}


#: Largest number of levels whose Pauli steady state weighs the premise checks (a dense
#: d x d solve); above it every level counts.
PAULI_WEIGHT_MAX = 2048


def _pauli_weights(w: np.ndarray) -> np.ndarray:
    """Steady populations of the rate matrix ``w`` (``w[i, j]`` = rate j -> i), or all ones
    when they are not unique or too costly to find."""
    from .rates import steady_state

    d = w.shape[0]
    if d > PAULI_WEIGHT_MAX:
        return np.ones(d)
    try:
        return np.asarray(steady_state(w))
    except ValueError:
        return np.ones(d)


def _frequency_bounds(flat: np.ndarray, tol: float, d: int):
    """Sort the Bohr frequencies and find the groups' bounds; refuse (with the estimate)
    when one d x d mask and jump operator per group will not fit."""
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(ordered) > tol) + 1, flat.size]
    require_memory(
        f"the global secular form of a {d}-level system ({bounds.size - 1} distinct Bohr "
        "frequencies, one d x d mask and jump operator each)",
        (bounds.size - 1) * d * d * 17.0,
        "a large spectrum without degeneracies has ~d^2 Bohr frequencies: use the local "
        "form, a conserved charge, or fewer levels")
    return order, ordered, bounds


def _group_frequencies(bohr: np.ndarray, tol: float) -> list[tuple[float, np.ndarray]]:
    """Group Bohr frequencies that are equal within ``tol`` (chained in sorted order).

    Returns ``(frequency, mask)`` pairs; the frequency is the group's mean, set to
    exactly 0 for the group that contains 0.
    """
    flat = bohr.ravel()
    order, ordered, bounds = _frequency_bounds(flat, tol, bohr.shape[0])
    labels = np.empty(flat.size, dtype=int)
    labels[order] = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    out = []
    for g in range(bounds.size - 1):
        members = ordered[bounds[g]:bounds[g + 1]]
        omega = 0.0 if members[0] <= tol and members[-1] >= -tol else float(members.mean())
        out.append((omega, (labels == g).reshape(bohr.shape)))
    return out


def _check_times(times) -> np.ndarray:
    """``times`` as a float array, or a ValueError: non-empty, finite, non-decreasing, 1-D."""
    try:
        t = np.asarray(times, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"times must be real numbers, got {times!r}") from err
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) \
            or not np.all(np.diff(t) >= 0):
        raise ValueError("times must be a non-empty, finite, non-decreasing 1-D array, got "
                         f"{checks._show(t)}")
    return t


#: Tolerance on the trace and the Hermiticity of a density matrix given to the heat
#: currents and the evolutions.
DENSITY_TOL = 1e-8


#: Largest dimension whose density matrices are checked for positivity on input (one
#: eigvalsh, under a millisecond at 256 levels); larger ones are checked for finiteness,
#: Hermiticity and trace only.
POSITIVITY_CHECK_MAX = 256


def _as_density(rho, hamiltonian: qutip.Qobj, name: str = "rho") -> qutip.Qobj:
    """``rho`` (a ket is made a projector) after checking it is a finite, Hermitian,
    unit-trace operator with the Hamiltonian's dims, and positive up to
    :data:`POSITIVITY_CHECK_MAX` levels."""
    if not isinstance(rho, qutip.Qobj):
        raise ValueError(f"{name} must be a Qobj, got {type(rho).__name__}")
    if rho.isket:
        rho = qutip.ket2dm(rho)
    if rho.dims != hamiltonian.dims:
        raise ValueError(f"{name} has dimensions {rho.dims} but the hamiltonian has "
                         f"{hamiltonian.dims}")
    m = _matrix(rho)
    checks.finite(name, m.data if sp.issparse(m) else m)
    asym, _ = _hermitian_defect(m)
    if not (asym <= DENSITY_TOL):
        raise ValueError(f"{name} must be Hermitian (a density matrix); max |rho - "
                         f"rho^dagger| = {asym:.3g} > {DENSITY_TOL:g}")
    trace = complex(m.diagonal().sum())
    if not (abs(trace - 1.0) <= DENSITY_TOL):
        raise ValueError(f"{name} must have unit trace (a density matrix), got trace "
                         f"{trace.real:.12g}{'' if trace.imag == 0 else f' + {trace.imag:.3g}j'}")
    if m.shape[0] <= POSITIVITY_CHECK_MAX:
        dense = m.toarray() if sp.issparse(m) else np.asarray(m)
        low = float(np.linalg.eigvalsh(0.5 * (dense + dense.conj().T))[0])
        if not (low >= -DENSITY_TOL):
            raise ValueError(f"{name} must be positive (a density matrix); its most negative "
                             f"eigenvalue is {low:.6g}")
    return rho
