r"""Pseudomode embedding: a Lorentzian bath as damped harmonic modes inside the system.

A bath whose spectral density is a sum of Lorentzians
(:class:`~qfridge.core.baths.PseudomodeSpectralDensity`) acts on the system exactly like
harmonic modes :math:`a_m` (frequency :math:`\Omega_m`) coupled by :math:`g_m A(a_m +
a_m^\dagger)` and damped at rate :math:`\kappa_m` by a Markovian bath (Garraway 1997;
Tamascelli, Smirne, Huelga & Plenio, PRL 120, 030402 (2018)). Embedding the modes and
solving the Lindblad equation of system + modes (:class:`MasterEquation.local` over the
enlarged space, the residual baths flat, at the original bath's temperature) is then valid
at any system–bath coupling :math:`g`: it keeps the bath's memory, the back-action and the
strong-coupling dressing that the weak-coupling forms drop.

Premises (stated, the first one checked):

* **Fock truncation** of every mode: the top level's population must be negligible
  (:class:`~qfridge.core.validity.PremiseWarning` "pseudomode truncation" with the numbers;
  :meth:`Embedding.converged` compares with more levels).
* **Temperature.** The mapping is exact for the bath's correlation function at
  :math:`T = 0`. At :math:`T > 0` the damped mode carries the thermal factor
  :math:`n(\Omega_m)` over its whole line instead of :math:`n(\omega)`: the system must
  sample each Lorentzian only where :math:`n` is flat — within a few :math:`\kappa_m` of
  :math:`\Omega_m`, and :math:`\kappa_m \ll T`. A system transition that sits on a
  mode's tail (detuned by :math:`\delta`) gets the wrong occupation by a factor
  :math:`\approx e^{\delta/T}`, and modes of different frequencies then drive a spurious
  heat current even between baths at one temperature.
  :meth:`Embedding.check_equilibrium` measures exactly that (it solves the same embedding
  with every bath at one temperature, where every current must vanish) and warns with the
  numbers: seed 004's Fig. 10 filters (centres 2.0 and 2.2 on one resonator, T = 1) carry
  a spurious 2.7e-3 between L and R at equal temperatures — larger than the cooling current
  the embedding would be asked for.
* The Lorentzian's tail at :math:`\omega < 0` is part of the mode's correlation function but
  not of :math:`K` (zero there): negligible when :math:`\kappa_m \ll \Omega_m`.

Hand-written: QuTiP has no pseudomode builder (its HEOM solver is a different, more costly
route to the same non-Markovian physics).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import qutip

from ..core import checks
from ..core.baths import BosonicBath, PseudomodeSpectralDensity
from ..core.validity import check_premise
from .lindblad import JumpTerm, MasterEquation, check_hamiltonian, check_operator

#: Largest top-level population of a pseudomode accepted without a PremiseWarning.
TRUNCATION_TOL = 1e-6


@dataclass(frozen=True)
class Pseudomode:
    """One embedded mode: its bath, index in the enlarged space and parameters."""

    bath: str
    subsystem: int
    coupling: float
    frequency: float
    width: float
    levels: int


class Embedding:
    r"""System + pseudomodes as one Lindblad problem (build with :func:`embed`).

    Attributes
    ----------
    master_equation : MasterEquation
        Local form over system ⊗ modes; its baths carry the original names (the residual
        Markovian baths that damp each bath's modes), so ``heat_currents`` are the heat
        currents out of the original baths.
    modes : list of Pseudomode
    system_dims : list
        QuTiP dims of the system (subsystem 0 of the enlarged space).
    """

    def __init__(self, master_equation: MasterEquation, modes: list[Pseudomode],
                 system_dims, hamiltonian, couplings, levels):
        self.master_equation = master_equation
        self.modes = modes
        self.system_dims = system_dims
        self._build = (hamiltonian, couplings)
        self._levels = levels
        self._equilibrium_checked = False

    def solve(self, check: bool = True):
        """The steady state of system + modes (a
        :class:`~qfridge.engines.steady.SteadyState`); ``check`` warns when a mode's top
        Fock level holds more than :data:`TRUNCATION_TOL` and, on the first solve, runs
        :meth:`check_equilibrium` (one more solve) so that a broken thermal factor is never
        silent."""
        state = self.master_equation.solve()
        if check:
            self.check_truncation(state.rho)
            if not self._equilibrium_checked:
                self._equilibrium_checked = True
                self.check_equilibrium(machine=self.master_equation.heat_currents(state.rho))
        return state

    def top_populations(self, rho) -> list[float]:
        """Population of the highest kept Fock level of every mode."""
        return [float(np.real(rho.ptrace(m.subsystem).full()[-1, -1])) for m in self.modes]

    def check_truncation(self, rho) -> bool:
        tops = self.top_populations(rho)
        worst = int(np.argmax(tops))
        return check_premise(
            tops[worst] <= TRUNCATION_TOL, "pseudomode truncation",
            f"pseudomode {worst} (bath {self.modes[worst].bath!r}) keeps "
            f"{self.modes[worst].levels} Fock levels and its top one is populated; raise "
            "levels", stacklevel=4, top_population=tops[worst], tolerance=TRUNCATION_TOL)

    def reduced_state(self, rho) -> qutip.Qobj:
        """The system's state: the modes traced out."""
        return rho.ptrace(list(range(len(self.system_dims))))

    def heat_currents(self, rho=None) -> dict[str, float]:
        """Heat current out of every original bath (positive = the bath loses energy)."""
        rho = self.solve().rho if rho is None else rho
        return self.master_equation.heat_currents(rho)

    def thermodynamics(self, rho=None, *, check: bool = True):
        """:class:`~qfridge.engines.thermo.Thermodynamics` of the embedded machine."""
        rho = self.solve().rho if rho is None else rho
        return self.master_equation.thermodynamics(rho, check=check)

    #: Largest equilibrium current (relative to the largest current of the machine as
    #: built) accepted by :meth:`check_equilibrium` without a PremiseWarning.
    EQUILIBRIUM_TOL = 1e-3

    def check_equilibrium(self, temperature: float | None = None, machine=None) -> float:
        r"""Solve the same embedding with every bath at ``temperature`` (default: the lowest
        bath temperature), where every heat current must vanish, and warn
        (PremiseWarning "pseudomode thermal factor") when the largest spurious current
        exceeds :data:`EQUILIBRIUM_TOL` of the machine's largest current (``machine``: its
        currents when already solved; floored at :math:`10^{-9}\sum_m\kappa_m\Omega_m`
        so that a machine at equilibrium is not judged against its own rounding). Returns
        that ratio (0 for an exact mapping)."""
        h_s, couplings = self._build
        temps = [float(bath.temperature) for bath, _ in couplings]
        t_eq = min(temps) if temperature is None else float(temperature)
        same = embed(h_s, [(replace(bath, temperature=t_eq), op) for bath, op in couplings],
                     levels=self._levels).master_equation
        spurious = same.heat_currents(same.solve().rho)
        if machine is None:
            machine = self.master_equation.heat_currents(self.master_equation.solve().rho)
        floor = 1e-9 * sum(m.width * m.frequency for m in self.modes)
        scale = max(max(abs(j) for j in machine.values()), floor)
        worst = max(abs(j) for j in spurious.values())
        ratio = worst / scale
        check_premise(
            ratio <= self.EQUILIBRIUM_TOL, "pseudomode thermal factor",
            f"with every bath at T = {t_eq:.4g} the embedding still carries a heat current: "
            "the system samples a Lorentzian away from its centre, where the mode's damping "
            "gives the wrong thermal occupation (exact only at T = 0 or on resonance)",
            stacklevel=3, equilibrium_current=worst, machine_current=scale, ratio=ratio)
        return float(ratio)

    def converged(self, extra: int = 2, rtol: float = 1e-3) -> tuple[bool, float]:
        """Whether the heat currents change by less than ``rtol`` (relative to the largest)
        with ``extra`` more Fock levels per mode; returns ``(converged, change)``."""
        here = self.heat_currents()
        levels = [lv + extra for lv in self._levels]
        finer = embed(*self._build, levels=levels).heat_currents()
        scale = max(abs(j) for j in here.values()) or 1.0
        change = max(abs(here[b] - finer[b]) for b in here) / scale
        return bool(change <= rtol), float(change)


def embed(hamiltonian: qutip.Qobj, couplings: Sequence[tuple[BosonicBath, qutip.Qobj]],
          levels: int | Sequence[int] = 10) -> Embedding:
    r"""Embed every Lorentzian bath as pseudomodes (see the module docstring).

    Parameters
    ----------
    hamiltonian : qutip.Qobj
        The system Hamiltonian :math:`H_S`.
    couplings : sequence of (BosonicBath, qutip.Qobj)
        Each bath (its spectral density a
        :class:`~qfridge.core.baths.PseudomodeSpectralDensity`) with the Hermitian system
        operator :math:`A_b` it couples to.
    levels : int or sequence of int
        Fock levels kept per mode (one number for all, or one per mode in order).

    Returns
    -------
    Embedding
        :math:`H = H_S + \sum_m \Omega_m a_m^\dagger a_m + \sum_m g_m A_{b(m)}(a_m +
        a_m^\dagger)`, each :math:`a_m` damped in the local form by a flat bath of rate
        :math:`\kappa_m` at the temperature of bath :math:`b(m)`.
    """
    h_s = check_hamiltonian(hamiltonian)
    specs = []
    for index, (bath, a) in enumerate(couplings):
        density = getattr(bath, "spectral_density", None)
        if not isinstance(density, PseudomodeSpectralDensity):
            raise ValueError(f"couplings[{index}]: bath {getattr(bath, 'name', bath)!r} needs a "
                             "PseudomodeSpectralDensity (a sum of Lorentzians) to be embedded, "
                             f"got {density!r}")
        op = check_operator(f"coupling operator of bath {bath.name!r}", a, h_s)
        if not op.isherm:
            raise ValueError(f"coupling operator of bath {bath.name!r} must be Hermitian")
        specs += [(bath, op, m) for m in density.modes]
    if isinstance(levels, int | np.integer):
        levels = [int(levels)] * len(specs)
    levels = [checks.integer_at_least("levels", lv, 2) for lv in levels]
    if len(levels) != len(specs):
        raise ValueError(f"levels must give one number per mode ({len(specs)}), got {levels}")
    n_sys = len(h_s.dims[0])
    ident_s = qutip.qeye(h_s.dims[0])
    eyes = [qutip.qeye(lv) for lv in levels]

    def mode_op(k: int, op: qutip.Qobj) -> qutip.Qobj:
        ops = list(eyes)
        ops[k] = op
        return qutip.tensor(ident_s, *ops)

    def sys_op(op: qutip.Qobj) -> qutip.Qobj:
        return qutip.tensor(op, *eyes)

    h = sys_op(h_s)
    modes, jumps, temperatures = [], {}, {}
    for k, ((bath, op, (g, omega, kappa)), lv) in enumerate(zip(specs, levels, strict=True)):
        a = mode_op(k, qutip.destroy(lv))
        h = h + omega * a.dag() * a + g * sys_op(op) * (a + a.dag())
        modes.append(Pseudomode(bath.name, n_sys + k, g, omega, kappa, lv))
        # the mode's own damping is local by construction (the exact mapping), so it is
        # assembled directly: no local-form premise applies to it
        residual = BosonicBath(bath.temperature, kappa)
        jumps.setdefault(bath.name, []).extend([
            JumpTerm(float(residual.emission_rate(omega)), a, omega),
            JumpTerm(float(residual.absorption_rate(omega)), a.dag(), -omega)])
        temperatures[bath.name] = float(bath.temperature)
    me = MasterEquation(h, jumps, form="local", temperatures=temperatures)
    return Embedding(me, modes, h_s.dims[0], h_s, list(couplings), levels)
