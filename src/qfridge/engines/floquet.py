r"""Floquet–Markov master equation of a periodically driven system, per-bath heat currents.

The system :math:`H(t) = H_0 + V\cos(\Omega t)` (period :math:`T = 2\pi/\Omega`)
couples to bosonic baths through Hermitian operators :math:`A_B`. Its Floquet
states are :math:`|\psi_a(t)\rangle = e^{-i\epsilon_a t}|\phi_a(t)\rangle` with
quasi-energies :math:`\epsilon_a` and :math:`T`-periodic modes :math:`|\phi_a(t)\rangle`
(QuTiP's :class:`qutip.FloquetBasis`). In the interaction picture the coupling
operator is a sum of harmonics,

.. math::
    \langle\psi_a(t)|A_B|\psi_b(t)\rangle = \sum_k X^B_{ab,k}\,e^{-i\Delta_{abk}t}, \qquad
    X^B_{ab,k} = \frac1T\int_0^T \langle\phi_a(t)|A_B|\phi_b(t)\rangle e^{-ik\Omega t}dt,
    \qquad \Delta_{abk} = \epsilon_b - \epsilon_a - k\Omega,

so the jump :math:`b \to a` through sideband :math:`k` **releases**
:math:`\Delta_{abk}` into the bath (the static convention of
:mod:`qfridge.core.baths`: :math:`\Delta > 0` emission, :math:`\Delta < 0` absorption),
at the rate

.. math:: W^B_{ab,k} = \gamma_B(\Delta_{abk})\,|X^B_{ab,k}|^2,
          \qquad \gamma_B = \texttt{bath.rate}.

The secular approximation in the Floquet basis (rates small compared with the
quasi-energy gaps) leaves a Pauli rate equation for the populations :math:`p_a` of
the Floquet modes, :math:`W_{ab} = \sum_{B,k} W^B_{ab,k}` (:math:`a \ne b`), solved by
:func:`qfridge.engines.steady.null_vector`. The bookkeeping of energy, per jump:
the bath receives :math:`\Delta_{abk}`, the drive supplies :math:`-k\Omega` (it gains
:math:`k` quanta :math:`\Omega`), the quasi-energy drops by :math:`\epsilon_b - \epsilon_a`:

.. math::
    J_B = -\sum_{a,b,k}\Delta_{abk}W^B_{ab,k}\,p_b, \qquad
    P = -\Omega\sum_{B,a,b,k} k\,W^B_{ab,k}\,p_b,

:math:`J_B > 0` when energy leaves bath :math:`B` (as in
:mod:`qfridge.engines.lindblad`), :math:`P > 0` when the drive does work on the
system. The sums include :math:`a = b` (sidebands :math:`k \ne 0` exchange energy
without changing a population). In the steady state
:math:`\sum_B J_B + P = -\sum_a \epsilon_a\dot p_a = 0`; :math:`P` is computed from the
photon count, not from this balance, so the balance is a check. Both are
independent of how the quasi-energies are folded into a Brillouin zone in the
steady state. With :math:`V = 0` the modes are the eigenstates and the rates those
of :meth:`qfridge.engines.lindblad.MasterEquation.global_secular`.

Premises checked at build time (:class:`~qfridge.core.validity.PremiseWarning`
with the numbers): the sideband sum is converged (the largest :math:`|X_{ab,\pm K}|^2`
at the highest kept :math:`|k| = K` is small relative to the largest :math:`|X|^2`),
and the Floquet secular approximation (the largest rate is small compared with the
smallest quasi-energy gap, taken modulo :math:`\Omega`).

QuTiP gives the quasi-energies and modes; the Fourier components, rates, currents and
power are computed here because QuTiP's Floquet–Markov solver (``FMESolver``,
``floquet_tensor``) returns only the summed tensor, with no per-bath heat currents
and no power.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import qutip

from ..core import checks
from ..core.baths import BosonicBath
from ..core.validity import check_premise
from .lindblad import _hermitian_defect, check_couplings, check_hamiltonian, check_operator
from .steady import SolverOptions, SteadyStateInfo, as_options, null_vector

__all__ = ["FloquetMarkov", "FloquetSteadyState"]

#: Largest :math:`|X_{ab,\pm K}|^2 / \max|X|^2` at the highest kept sideband accepted
#: without a PremiseWarning.
SIDEBAND_TOL = 1e-8

#: The Floquet secular premise reads "largest rate <= SECULAR_FACTOR x smallest gap".
SECULAR_FACTOR = 0.1


@dataclass(frozen=True)
class FloquetSteadyState:
    """Steady populations of the Floquet modes.

    Attributes
    ----------
    populations : ndarray, shape (d,)
        :math:`p_a`, in the order of :attr:`FloquetMarkov.quasi_energies`.
    info : SteadyStateInfo
        How the rate equation was solved (residual, condition estimate).
    """

    populations: np.ndarray
    info: SteadyStateInfo


class FloquetMarkov:
    r"""Floquet–Markov rate equation of :math:`H_0 + V\cos(\Omega t)` and its baths.

    Parameters
    ----------
    hamiltonian : qutip.Qobj
        :math:`H_0`, Hermitian.
    drive : qutip.Qobj
        :math:`V`, Hermitian, same dims (zero is allowed: the undriven limit).
    frequency : float
        :math:`\Omega > 0`.
    couplings : sequence of (BosonicBath, qutip.Qobj)
        Each bath with its Hermitian coupling operator :math:`A_B`.
    n_sidebands : int
        :math:`K`: the Fourier components :math:`k = -K, \dots, K` are kept.
    n_times : int, optional
        Sample points per period for the Fourier integrals (default
        :math:`4(2K + 1)`, at least 32; the integrand is periodic and smooth, so the
        rectangle rule converges exponentially).
    check : bool
        Run the premise checks (sideband convergence, Floquet secular approximation).

    Attributes
    ----------
    quasi_energies : ndarray, shape (d,)
        :math:`\epsilon_a` in :math:`(-\Omega/2, \Omega/2]`, ascending.
    sidebands : ndarray of int, shape (2K + 1,)
    bath_names : list of str
    """

    def __init__(self, hamiltonian: qutip.Qobj, drive: qutip.Qobj, frequency: float,
                 couplings: Sequence[tuple[BosonicBath, qutip.Qobj]], n_sidebands: int = 8,
                 n_times: int | None = None, check: bool = True):
        self.hamiltonian = check_hamiltonian(hamiltonian)
        v = check_operator("drive (V)", drive, self.hamiltonian).full()
        asym, scale = _hermitian_defect(v)
        if not (asym <= 1e-12 * max(1.0, scale)):
            raise ValueError(f"drive (V) must be Hermitian; max |V - V^dagger| = {asym:.3g}")
        self.frequency = float(checks.positive("frequency (Omega)", frequency))
        if isinstance(n_sidebands, bool) or not isinstance(n_sidebands, int | np.integer) \
                or n_sidebands < 1:
            raise ValueError(f"n_sidebands must be an integer >= 1, got {n_sidebands!r}")
        k_max = int(n_sidebands)
        n = max(32, 4 * (2 * k_max + 1)) if n_times is None else n_times
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2 * k_max + 1:
            raise ValueError(f"n_times must be an integer >= 2 n_sidebands + 1 = "
                             f"{2 * k_max + 1}, got {n_times!r}")
        baths = check_couplings(self.hamiltonian, couplings)
        self.bath_names = list(baths)
        self.temperatures = {name: float(bath.temperature) for name, (bath, _) in baths.items()}
        self.period = 2.0 * np.pi / self.frequency
        omega = self.frequency
        times = self.period * np.arange(n) / n
        evolution = qutip.QobjEvo([self.hamiltonian, [drive, lambda t: np.cos(omega * t)]])
        self._basis = qutip.FloquetBasis(evolution, self.period,
                                         precompute=np.append(times, self.period),
                                         options={"atol": 1e-13, "rtol": 1e-12})
        self.quasi_energies = np.asarray(self._basis.e_quasi, dtype=float)
        modes = np.array([self._basis.mode(t, data=True).to_array() for t in times])
        self.sidebands = np.arange(-k_max, k_max + 1)
        eps = self.quasi_energies
        # delta[a, b, k] = eps_b - eps_a - k Omega: energy released in the jump b -> a
        self._delta = (eps[None, :, None] - eps[:, None, None]
                       - self.sidebands[None, None, :] * omega)
        self._rates: dict[str, np.ndarray] = {}
        self._weights: dict[str, np.ndarray] = {}
        for name, (bath, a) in baths.items():
            samples = np.einsum("tia,ij,tjb->tab", modes.conj(), a, modes)
            harmonics = np.fft.fft(samples, axis=0) / n  # index k mod n: e^{-ik Omega t}
            x2 = np.abs(np.moveaxis(harmonics[self.sidebands % n], 0, -1)) ** 2
            self._weights[name] = x2
            self._rates[name] = np.asarray(bath.rate(self._delta), dtype=float) * x2
        if check:
            self.check_premises()

    # -- validity -------------------------------------------------------------------------
    def check_premises(self) -> bool:
        """Sideband convergence and the Floquet secular approximation (see the module)."""
        ok = True
        largest = max((float(x.max()) for x in self._weights.values()), default=0.0)
        if largest > 0:
            edge = max(float(max(x[..., 0].max(), x[..., -1].max()))
                       for x in self._weights.values())
            ok &= check_premise(
                edge <= SIDEBAND_TOL * largest, "sideband sum converged",
                "the Fourier components of the coupling operators at the highest kept "
                "sideband are not small; raise n_sidebands", stacklevel=4,
                relative_weight_at_edge=edge / largest, n_sidebands=int(self.sidebands[-1]),
                tolerance=SIDEBAND_TOL)
        d = self.quasi_energies.size
        if d > 1:
            diff = self.quasi_energies[:, None] - self.quasi_energies[None, :]
            folded = np.abs(diff - self.frequency * np.round(diff / self.frequency))
            gap = float(folded[~np.eye(d, dtype=bool)].min())
            total = self.rate_matrix()
            max_rate = float(total.sum(axis=0).max())
            if max_rate > 0:
                ok &= check_premise(
                    max_rate <= SECULAR_FACTOR * gap,
                    "Floquet secular approximation (rates << quasi-energy gaps)",
                    "the largest escape rate of a Floquet mode is not small compared with "
                    "the smallest quasi-energy gap (modulo Omega)", stacklevel=4,
                    max_rate=max_rate, min_quasi_energy_gap=gap)
        return bool(ok)

    # -- rates and steady state -----------------------------------------------------------
    def _bath(self, name: str) -> str:
        if name not in self._rates:
            raise ValueError(f"unknown bath {name!r}; baths are {self.bath_names}")
        return name

    def rate_matrix(self, bath: str | None = None) -> np.ndarray:
        r""":math:`W_{ab}` (jump :math:`b \to a`) summed over sidebands, of one bath or of
        all; the diagonal is zero."""
        names = self.bath_names if bath is None else [self._bath(bath)]
        d = self.quasi_energies.size
        w = sum((self._rates[n].sum(axis=-1) for n in names), np.zeros((d, d)))
        np.fill_diagonal(w, 0.0)
        return w

    def solve(self, options: SolverOptions | None = None) -> FloquetSteadyState:
        r"""Steady populations :math:`p_a` of the Floquet modes: the null vector of
        :math:`W - \mathrm{diag}(\sum_a W_{ab})` by the solver layer (uniqueness and
        residual checked there)."""
        w = self.rate_matrix()
        gen = w - np.diag(w.sum(axis=0))
        x, info = null_vector(gen, np.ones(w.shape[0]), as_options(options),
                              what="the Floquet-Markov steady state")
        return FloquetSteadyState(np.real(x), info)

    @functools.cached_property
    def _steady(self) -> FloquetSteadyState:
        return self.solve()

    def _populations(self, populations) -> np.ndarray:
        if populations is None:
            return self._steady.populations
        if isinstance(populations, FloquetSteadyState):
            populations = populations.populations
        p = np.asarray(checks.non_negative("populations", populations), dtype=float)
        d = self.quasi_energies.size
        if p.shape != (d,) or not abs(p.sum() - 1.0) <= 1e-8:
            raise ValueError(f"populations must be {d} numbers >= 0 summing to 1, got "
                             f"{checks._show(p)} (sum {p.sum():.12g})")
        return p

    # -- thermodynamics -------------------------------------------------------------------
    def heat_currents(self, populations=None) -> dict[str, float]:
        r"""Heat current of every bath, :math:`J_B = -\sum_{a,b,k}\Delta_{abk}W^B_{ab,k}p_b`.

        Positive = energy leaves bath :math:`B`. ``populations``: the steady state when
        omitted, else populations of the Floquet modes (or a :class:`FloquetSteadyState`).
        """
        p = self._populations(populations)
        return {n: -float(np.einsum("abk,abk,b->", self._delta, self._rates[n], p))
                for n in self.bath_names}

    def power(self, populations=None) -> float:
        r"""Power the drive delivers, :math:`P = -\Omega\sum_{B,a,b,k}k\,W^B_{ab,k}p_b`
        (positive = the drive does work on the system); in the steady state
        :math:`P = -\sum_B J_B`."""
        p = self._populations(populations)
        photons = sum(np.einsum("k,abk,b->", self.sidebands, r, p) for r in self._rates.values())
        return -self.frequency * float(photons)

    def thermodynamics(self, populations=None, *, check: bool = True):
        """Entropy production, the drive's power, efficiency/COP and bounds
        (:class:`~qfridge.engines.thermo.Thermodynamics` with ``power`` = :meth:`power`):
        a driven machine is an engine when :math:`P < 0` (work delivered to the drive)."""
        from .thermo import Thermodynamics

        p = self._populations(populations)
        th = Thermodynamics(self.heat_currents(p), self.temperatures, power=self.power(p))
        if check:
            th.check_second_law("the Floquet-Markov steady state", stacklevel=3)
        return th

    def density_matrix(self, t: float, populations=None) -> qutip.Qobj:
        r"""The state :math:`\rho(t) = \sum_a p_a|\phi_a(t)\rangle\langle\phi_a(t)|` (the
        secular steady state is diagonal in the Floquet modes; :math:`T`-periodic)."""
        p = self._populations(populations)
        modes = self._basis.mode(float(checks.finite("t", t)), data=True).to_array()
        return qutip.Qobj((modes * p) @ modes.conj().T, dims=self.hamiltonian.dims)
