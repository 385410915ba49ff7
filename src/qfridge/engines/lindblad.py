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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import qutip

from ..core import checks
from ..core.baths import BosonicBath
from ..core.validity import check_premise


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
    """``hamiltonian`` as a Hermitian operator Qobj, or a ValueError naming the problem."""
    if not isinstance(hamiltonian, qutip.Qobj) or not hamiltonian.isoper:
        raise ValueError(f"hamiltonian must be a square operator Qobj, got {hamiltonian!r}")
    dense = hamiltonian.full()
    checks.finite("hamiltonian", dense)
    asym = np.max(np.abs(dense - dense.conj().T)) if dense.size else 0.0
    if asym > 1e-12 * max(1.0, np.max(np.abs(dense))):
        raise ValueError(f"hamiltonian must be Hermitian; max |H - H^dagger| = {asym:.3g}")
    return hamiltonian


def _check_operator(name: str, op, hamiltonian: qutip.Qobj) -> qutip.Qobj:
    if not isinstance(op, qutip.Qobj) or not op.isoper:
        raise ValueError(f"{name} must be an operator Qobj, got {op!r}")
    if op.dims != hamiltonian.dims:
        raise ValueError(f"{name} has dimensions {op.dims} but the hamiltonian has "
                         f"{hamiltonian.dims}")
    checks.finite(name, op.full())
    return op


def _bath_name(bath, index: int) -> str:
    return getattr(bath, "name", None) or f"bath{index}"


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
                 form: str = "custom"):
        self.hamiltonian = check_hamiltonian(hamiltonian)
        for name, terms in jumps.items():
            for term in terms:
                _check_operator(f"jump operator of bath {name!r}", term.operator, hamiltonian)
                checks.non_negative(f"rate of bath {name!r}", term.rate)
        self.jumps = dict(jumps)
        self.form = form

    # -- construction -----------------------------------------------------------------
    @classmethod
    def local(cls, hamiltonian: qutip.Qobj,
              couplings: Sequence[tuple[BosonicBath, Transition | Sequence[Transition]]],
              ) -> MasterEquation:
        """Local form: each bath drives the transitions it is given.

        ``couplings`` is a list of ``(bath, transitions)`` with ``transitions`` a
        :class:`Transition` or a list of them.
        """
        hamiltonian = check_hamiltonian(hamiltonian)
        jumps: dict[str, list[JumpTerm]] = {}
        for index, (bath, transitions) in enumerate(couplings):
            if isinstance(transitions, Transition):
                transitions = [transitions]
            name = _bath_name(bath, index)
            if name in jumps:
                raise ValueError(f"two baths share the name {name!r}; give them distinct names")
            terms = []
            for tr in transitions:
                op = _check_operator(f"lowering operator of bath {name!r}", tr.operator,
                                     hamiltonian)
                terms.append(JumpTerm(float(bath.emission_rate(tr.frequency)), op,
                                      tr.frequency))
                terms.append(JumpTerm(float(bath.absorption_rate(tr.frequency)), op.dag(),
                                      -tr.frequency))
            jumps[name] = terms
        return cls(hamiltonian, jumps, form="local")

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
        energies, vectors = np.linalg.eigh(hamiltonian.full())
        bohr = energies[None, :] - energies[:, None]  # bohr[i, j] = E_j - E_i
        groups = _group_frequencies(bohr, degeneracy_tol)
        jumps: dict[str, list[JumpTerm]] = {}
        for index, (bath, coupling) in enumerate(couplings):
            name = _bath_name(bath, index)
            if name in jumps:
                raise ValueError(f"two baths share the name {name!r}; give them distinct names")
            op = _check_operator(f"coupling operator of bath {name!r}", coupling, hamiltonian)
            a = vectors.conj().T @ op.full() @ vectors
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
                mat = vectors @ block @ vectors.conj().T
                mat[np.abs(mat) < 1e-14 * np.max(np.abs(mat))] = 0.0
                # Sparse storage keeps the Liouvillian sparse (dense jump operators
                # would make QuTiP build a dense d^2 x d^2 matrix).
                op = qutip.Qobj(mat, dims=hamiltonian.dims).to("csr")
                terms.append(JumpTerm(rate, op, omega))
            jumps[name] = terms
        me = cls(hamiltonian, jumps, form="global")
        if check:
            me.check_premises(energies=energies, groups=groups)
        return me

    # -- validity -----------------------------------------------------------------------
    def check_premises(self, energies=None, groups=None, factor: float = 0.1) -> bool:
        """Weak-coupling and secular checks (global form): rates << Bohr scales."""
        if energies is None:
            energies = np.linalg.eigvalsh(self.hamiltonian.full())
        if groups is None:
            bohr = energies[None, :] - energies[:, None]
            groups = _group_frequencies(bohr, 1e-9)
        rates = [t.rate * _operator_scale(t.operator) for terms in self.jumps.values()
                 for t in terms]
        max_rate = max(rates, default=0.0)
        freqs = np.array(sorted(w for w, _ in groups if w > 0.0))  # spectrum is symmetric
        ok = True
        if freqs.size and max_rate > 0:
            ok &= check_premise(
                max_rate <= factor * freqs[0], "weak coupling (rates << Bohr frequencies)",
                "the largest dissipative rate is not small compared with the smallest "
                "non-zero Bohr frequency", stacklevel=4,
                max_rate=max_rate, min_bohr_frequency=float(freqs[0]))
            if freqs.size > 1:
                gap = float(np.min(np.diff(freqs)))
                ok &= check_premise(
                    max_rate <= factor * gap,
                    "secular approximation (rates << Bohr-frequency gaps)",
                    "the largest dissipative rate is not small compared with the smallest "
                    "gap between distinct Bohr frequencies", stacklevel=4,
                    max_rate=max_rate, min_bohr_gap=gap)
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
    def steady_state(self, **kwargs) -> qutip.Qobj:
        """The steady state (QuTiP ``steadystate``; keyword arguments pass through)."""
        return qutip.steadystate(self.liouvillian(), **kwargs)

    def evolve(self, rho0: qutip.Qobj, times, e_ops=None, **kwargs):
        """Time evolution with QuTiP ``mesolve``; returns QuTiP's Result."""
        if rho0.dims != self.hamiltonian.dims and rho0.dims[0] != self.hamiltonian.dims[0]:
            raise ValueError(f"rho0 has dimensions {rho0.dims}, the hamiltonian "
                             f"{self.hamiltonian.dims}")
        return qutip.mesolve(self.hamiltonian, rho0, np.asarray(times, dtype=float),
                             c_ops=self.collapse_operators(), e_ops=e_ops, **kwargs)

    # -- thermodynamics -------------------------------------------------------------------
    def heat_current(self, rho: qutip.Qobj, bath: str) -> float:
        r"""Heat current out of ``bath``: :math:`J_b = \mathrm{Tr}[H\mathcal{D}_b\rho]`.

        Positive = the bath loses energy (it is cooled).
        """
        rho = _as_density(rho, self.hamiltonian)
        h = self.hamiltonian
        total = 0.0
        for t in self.jumps[self._bath(bath)]:
            if t.rate == 0:
                continue
            l_op = t.operator
            ld_l = l_op.dag() * l_op
            total += t.rate * ((l_op.dag() * h * l_op * rho).tr()
                               - 0.5 * ((h * ld_l + ld_l * h) * rho).tr())
        return float(np.real(total))

    def heat_currents(self, rho: qutip.Qobj) -> dict[str, float]:
        """Heat current of every bath (positive = energy leaves that bath)."""
        return {name: self.heat_current(rho, name) for name in self.jumps}

    def energy_balance_residual(self, rho: qutip.Qobj) -> float:
        r""":math:`|\sum_b J_b|` relative to :math:`\max_b |J_b|` (0 when all vanish).

        In a steady state of the global form it is zero to solver precision; the
        local form does not conserve energy exactly when subsystems interact, and
        this number says by how much.
        """
        currents = np.array(list(self.heat_currents(rho).values()))
        scale = np.max(np.abs(currents)) if currents.size else 0.0
        return float(abs(currents.sum()) / scale) if scale > 0 else 0.0

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
        return RateEquation(energies, matrices)


def _operator_scale(op: qutip.Qobj) -> float:
    """Largest squared singular value of a jump operator (its rate multiplier)."""
    return float(np.linalg.norm(op.full(), 2) ** 2)


def _group_frequencies(bohr: np.ndarray, tol: float) -> list[tuple[float, np.ndarray]]:
    """Group Bohr frequencies that are equal within ``tol`` (chained in sorted order).

    Returns ``(frequency, mask)`` pairs; the frequency is the group's mean, set to
    exactly 0 for the group that contains 0.
    """
    flat = bohr.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(ordered) > tol) + 1, flat.size]
    labels = np.empty(flat.size, dtype=int)
    labels[order] = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    out = []
    for g in range(bounds.size - 1):
        members = ordered[bounds[g]:bounds[g + 1]]
        omega = 0.0 if members[0] <= tol and members[-1] >= -tol else float(members.mean())
        out.append((omega, (labels == g).reshape(bohr.shape)))
    return out


def _as_density(rho, hamiltonian: qutip.Qobj) -> qutip.Qobj:
    if not isinstance(rho, qutip.Qobj):
        raise ValueError(f"rho must be a Qobj, got {type(rho).__name__}")
    if rho.isket:
        rho = qutip.ket2dm(rho)
    if rho.dims != hamiltonian.dims:
        raise ValueError(f"rho has dimensions {rho.dims} but the hamiltonian has "
                         f"{hamiltonian.dims}")
    return rho
