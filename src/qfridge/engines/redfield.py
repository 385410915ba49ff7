r"""Bloch–Redfield master equation (non-secular) with per-bath heat currents.

The system couples to bosonic baths through Hermitian operators :math:`A_b`,
:math:`H_{SB} = \sum_b A_b \otimes B_b`. In the eigenbasis of :math:`H`
(:math:`H|i\rangle = E_i|i\rangle`) the Born–Markov equation *without* the
secular approximation is

.. math::
    \dot\rho = -i[H, \rho] + \sum_b \mathcal{R}_b\rho, \qquad
    \mathcal{R}_b\rho = \Lambda_b\rho A_b - A_b\Lambda_b\rho + \text{h.c.}, \qquad
    (\Lambda_b)_{ij} = \tfrac12\gamma_b(E_j - E_i)\,(A_b)_{ij},

with :math:`\gamma_b(\omega)` = ``bath.rate(omega)`` of :mod:`qfridge.core.baths`
(:math:`\omega > 0`: the system releases :math:`\omega` into the bath, rate
:math:`K(1+n)`; :math:`\omega < 0`: it absorbs, rate :math:`Kn`). This is
:math:`\Lambda_b = \sum_\omega \Gamma_b(\omega) A_b(\omega)` with
:math:`A_b(\omega)` the projections of :math:`A_b` onto Bohr frequency
:math:`\omega` used by :meth:`~qfridge.engines.lindblad.MasterEquation.global_secular`
and the one-sided spectrum :math:`\Gamma_b(\omega) = \tfrac12\gamma_b(\omega) + iS_b(\omega)`
kept to its real part. Dropping every term with :math:`\omega \ne \omega'` from
:math:`\mathcal{R}_b` gives the global secular (Davies) dissipator with the same
rates, which is how the two engines agree when the rates are small compared with
the Bohr-frequency gaps.

Premise (documented, not checked): the imaginary part :math:`S_b(\omega)` — the
principal value :math:`\mathcal{P}\!\int d\nu\,\gamma_b(\nu)/(\omega - \nu)/2\pi`,
which needs the spectral density off shell — is **omitted**. In the secular limit it
is the Lamb shift, which commutes with :math:`H` and leaves the populations
unchanged; in the non-secular terms it is a correction of the same order as the
coupling. QuTiP's ``bloch_redfield_tensor`` omits it too.

Heat current of bath :math:`b` (positive = energy leaves the bath, enters the
system), as in :mod:`qfridge.engines.lindblad`:

.. math:: J_b = \mathrm{Tr}[H\mathcal{R}_b\rho] = \mathrm{Tr}[X_b\rho], \qquad
          X_b = [A_b, H]\Lambda_b + \Lambda_b^\dagger[H, A_b].

A Redfield generator is not of Lindblad form, so its steady state need not be
positive: :meth:`Redfield.solve` does not refuse such a state but reports its most
negative eigenvalue (:class:`RedfieldSteadyState`) and warns
(:class:`~qfridge.core.validity.PremiseWarning`) when it is below
``-options.positivity_tol``.

Written by hand (a dense :math:`d^2 \times d^2` generator, small systems) because
QuTiP's ``bloch_redfield_tensor`` gives neither the per-bath dissipators needed for
the heat currents nor a positivity report; the steady state is solved by the one
solver layer, :func:`qfridge.engines.steady.null_vector`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import qutip

from ..core.baths import BosonicBath
from ..core.resources import require_memory
from ..core.validity import check_premise
from .lindblad import _hermitian_defect, check_couplings, check_hamiltonian, check_operator
from .steady import SolverOptions, SteadyState, as_options, null_vector

__all__ = ["Redfield", "RedfieldSteadyState"]


@dataclass(frozen=True)
class RedfieldSteadyState(SteadyState):
    """A :class:`~qfridge.engines.steady.SteadyState` with its positivity report.

    Attributes
    ----------
    min_eigenvalue : float
        Most negative eigenvalue of :attr:`rho` (also in ``info.min_eigenvalue``);
        below ``-positivity_tol`` the state is not a density matrix.
    positive : bool
        Whether ``min_eigenvalue >= -positivity_tol``.
    """

    min_eigenvalue: float = 0.0
    positive: bool = True


def _superoperator(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    r"""Matrix of :math:`\rho \mapsto L\rho R` on column-stacked :math:`\rho` (QuTiP's
    convention): :math:`R^\top \otimes L`."""
    return np.kron(right.T, left)


class Redfield:
    r"""The Bloch–Redfield master equation of a system and its baths (built once).

    Parameters
    ----------
    hamiltonian : qutip.Qobj
        Hermitian system Hamiltonian (natural units).
    couplings : sequence of (BosonicBath, qutip.Qobj)
        Each bath with the Hermitian system operator :math:`A_b` it couples to (a
        non-Hermitian operator is refused with a ValueError naming the bath).

    Attributes
    ----------
    energies : ndarray, shape (d,)
        Eigenvalues :math:`E_i` of the Hamiltonian, ascending.
    bath_names : list of str
    """

    def __init__(self, hamiltonian: qutip.Qobj,
                 couplings: Sequence[tuple[BosonicBath, qutip.Qobj]]):
        self.hamiltonian = check_hamiltonian(hamiltonian)
        d = self.hamiltonian.shape[0]
        require_memory(f"the Redfield generator of a {d}-level system (dense d^2 x d^2 per "
                       "bath)", 16.0 * d**4 * (len(couplings) + 3),
                       "use the global secular form (lindblad.MasterEquation) or fewer levels")
        h = self.hamiltonian.full()
        self.energies, vectors = np.linalg.eigh(h)
        bohr = self.energies[None, :] - self.energies[:, None]  # bohr[i, j] = E_j - E_i
        self._h = h
        self._lambda: dict[str, np.ndarray] = {}
        self._coupling: dict[str, np.ndarray] = {}
        baths = check_couplings(self.hamiltonian, couplings)
        self.temperatures = {name: float(bath.temperature) for name, (bath, _) in baths.items()}
        for name, (bath, a) in baths.items():
            a_eig = vectors.conj().T @ a @ vectors
            gamma = np.asarray(bath.rate(bohr), dtype=float)
            self._lambda[name] = vectors @ (0.5 * gamma * a_eig) @ vectors.conj().T
            self._coupling[name] = a
        self.bath_names = list(self._lambda)

    @property
    def dimension(self) -> int:
        return int(self.hamiltonian.shape[0])

    # -- superoperators -------------------------------------------------------------------
    def _dissipator_matrix(self, name: str) -> np.ndarray:
        lam, a = self._lambda[name], self._coupling[name]
        eye = np.eye(self.dimension)
        lam_dag = lam.conj().T
        return (_superoperator(lam, a) - _superoperator(a @ lam, eye)
                + _superoperator(a, lam_dag) - _superoperator(eye, lam_dag @ a))

    def _generator(self) -> np.ndarray:
        eye = np.eye(self.dimension)
        gen = -1j * (_superoperator(self._h, eye) - _superoperator(eye, self._h))
        for name in self.bath_names:
            gen += self._dissipator_matrix(name)
        return gen

    def _superop(self, matrix: np.ndarray) -> qutip.Qobj:
        dims = self.hamiltonian.dims
        return qutip.Qobj(matrix, dims=[dims, dims], superrep="super")

    def dissipator(self, bath: str) -> qutip.Qobj:
        r"""The superoperator :math:`\mathcal{R}_b` of one bath (QuTiP convention)."""
        return self._superop(self._dissipator_matrix(self._bath(bath)))

    def liouvillian(self) -> qutip.Qobj:
        r"""The full generator :math:`-i[H,\cdot] + \sum_b\mathcal{R}_b` (QuTiP convention,
        column stacking, in the basis of the Hamiltonian as given)."""
        return self._superop(self._generator())

    def _bath(self, name: str) -> str:
        if name not in self._lambda:
            raise ValueError(f"unknown bath {name!r}; baths are {self.bath_names}")
        return name

    # -- steady state ---------------------------------------------------------------------
    def solve(self, options: SolverOptions | None = None) -> RedfieldSteadyState:
        """The steady state, with its positivity report.

        Solved by :func:`~qfridge.engines.steady.null_vector` (its uniqueness and
        residual checks apply). A state that is not positive is returned, not refused;
        a :class:`~qfridge.core.validity.PremiseWarning` names its most negative
        eigenvalue when that is below ``-options.positivity_tol``.

        Returns
        -------
        RedfieldSteadyState
        """
        opts = as_options(options)
        d = self.dimension
        x, info = null_vector(self._generator(), np.eye(d).ravel(), opts,
                              what="the Redfield steady state")
        rho = x.reshape(d, d).T  # column stacking
        rho = 0.5 * (rho + rho.conj().T)
        low = float(np.linalg.eigvalsh(rho)[0])
        info = replace(info, min_eigenvalue=low)
        positive = check_premise(
            low >= -opts.positivity_tol, "positive Redfield steady state (weak coupling)",
            "the Redfield steady state has a negative eigenvalue: the coupling is too strong "
            "for the Born-Markov (Redfield) equation, whose generator is not of Lindblad form",
            stacklevel=3, min_eigenvalue=low, tolerance=opts.positivity_tol)
        state = qutip.Qobj(rho, dims=self.hamiltonian.dims)
        return RedfieldSteadyState(state, info, None, "Redfield generator, dense solve",
                                   min_eigenvalue=low, positive=bool(positive))

    # -- thermodynamics -------------------------------------------------------------------
    def _heat_operator(self, name: str) -> np.ndarray:
        r""":math:`X_b = [A_b, H]\Lambda_b + \text{h.c.}`, so :math:`J_b = \mathrm{Tr}[X_b\rho]`."""
        a, lam = self._coupling[name], self._lambda[name]
        x = (a @ self._h - self._h @ a) @ lam
        return x + x.conj().T

    def _rho(self, rho) -> np.ndarray:
        """``rho`` as an array after checking it is a finite, Hermitian, unit-trace operator
        with the Hamiltonian's dims (not its positivity: Redfield states may be negative)."""
        if isinstance(rho, SteadyState):
            rho = rho.rho
        check_operator("rho", rho, self.hamiltonian)
        m = rho.full()
        asym, _ = _hermitian_defect(m)
        trace = complex(np.trace(m))
        if not (asym <= 1e-8 and abs(trace - 1.0) <= 1e-8):
            raise ValueError(f"rho must be Hermitian with unit trace; max |rho - rho^dagger| "
                             f"= {asym:.3g}, trace = {trace:.12g}")
        return m

    def heat_currents(self, rho) -> dict[str, float]:
        r"""Heat current of every bath, :math:`J_b = \mathrm{Tr}[H\mathcal{R}_b\rho]`.

        Positive = energy leaves bath :math:`b` (enters the system). ``rho`` is a Qobj
        or the :class:`RedfieldSteadyState` of :meth:`solve`.
        """
        m = self._rho(rho)
        return {n: float(np.real(np.sum(self._heat_operator(n) * m.T)))
                for n in self.bath_names}

    def energy_balance_residual(self, rho) -> float:
        r""":math:`|\sum_b J_b|` relative to :math:`\max(\max_b|J_b|, J_{\rm floor})`,
        :math:`J_{\rm floor} = 10^{-10}\max_b\|X_b\|_F` (as in
        :meth:`qfridge.engines.lindblad.MasterEquation.energy_balance_residual`); zero to
        solver precision in a steady state."""
        currents = np.array(list(self.heat_currents(rho).values()))
        if not currents.size:
            return 0.0
        floor = 1e-10 * max(float(np.linalg.norm(self._heat_operator(n)))
                            for n in self.bath_names)
        scale = max(float(np.max(np.abs(currents))), floor)
        return float(abs(currents.sum()) / scale) if scale > 0 else 0.0


    def thermodynamics(self, rho=None, *, check: bool = True):
        """Entropy production, efficiency/COP and bounds of a state (default: the steady
        state) from the Redfield currents — :class:`~qfridge.engines.thermo.Thermodynamics`.
        ``check`` reports a negative entropy production (a Redfield steady state that is
        not positive can break the second law too)."""
        from .thermo import Thermodynamics

        rho = self.solve() if rho is None else rho
        th = Thermodynamics(self.heat_currents(rho), self.temperatures)
        if check:
            th.check_second_law("the Redfield steady state", stacklevel=3)
        return th
