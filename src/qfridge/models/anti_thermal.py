r"""The systems of seed 002, *Anti-thermalization: heating by cooling and vice versa*.

A system :math:`H_S` coupled weakly (strength :math:`\epsilon`) through a lowering
operator :math:`S^-` and its adjoint to a *lead* that is cooled (rate :math:`\gamma`) —
a single qubit or a free-fermion chain, :mod:`qfridge.engines.leads` — relaxes by Pauli
rates between its eigenstates (Eq. 2, A3–A12). The models here carry only the system
side; the lead and the rates are the engine's.

* :class:`SpinSystem` — a spin :math:`S`, :math:`H_S = \Delta_S S^z` (Figs. 2(c), 6(a), 7;
  Appendix A).
* :class:`NonlinearCavity` — a truncated oscillator with gap :math:`\Delta_S` up to the Fock
  state :math:`N` and :math:`\Delta'_S` above (Fig. 3(a), Appendix C); coupled through the
  photon annihilation operator :math:`a` in place of :math:`S^-`.
* :class:`AntiThermalChain` — an XXZ chain coupled to the lead at site 1 (Figs. 4, 6(b)).
* :class:`HalfCooledChain` — the uniform Heisenberg chain of Fig. 5 whose halves sit in
  opposite fields, the left ("lead") half cooled by on-site :math:`\sqrt{2}S^+_i`.

Conventions (:math:`\hbar = k_B = 1`, every parameter an energy in one common unit):
spin operators are :math:`S = \sigma/2` (seed 002 erratum: with Pauli matrices the Fig. 4
bands overlap); the chains carry the paper's field sign, :math:`-B_z\sum_i S^z_i
- B_x\sum_i S^x_i` (Fig. 4's :math:`B_z = -5` makes the sector energies increase with
:math:`S^z`; Fig. 5's :math:`B_z = +2` makes :math:`|{\uparrow\uparrow\uparrow\uparrow}\rangle`
the ground state of the cooled half), built as :class:`~qfridge.models.spin_chain.SpinChain`
with ``b_z = -B_z``, ``b_x = -B_x``. The sign of :math:`B_x` does not change any rate
(a rotation by :math:`\pi` about :math:`z` flips it and only multiplies :math:`S^-_1` by
:math:`-1`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import qutip

from ..core import checks
from ..core.thermal import energy_inverse_temperature
from ..engines.leads import lead_rates
from ..engines.lindblad import JumpTerm, MasterEquation, Trajectory, evolve_piecewise
from .base import Model, parameter, register_model
from .spin_chain import SiteJump, SpinChain


def exact_qubit_lead_state(hamiltonian: qutip.Qobj, lowering: qutip.Qobj, lead, epsilon: float,
                           gamma: float, options=None) -> qutip.Qobj:
    r"""The exact steady state of a system coupled to a lead qubit, traced over the lead.

    The Lindblad equation of system + lead (no perturbation theory): :math:`H = H_S -
    \tfrac{\Delta_L}{2}\sigma^z + \epsilon\,(\sigma^+S^- + \nu\sigma^+S^+ + {\rm h.c.})`,
    the lead kept at :math:`\beta_L` by :math:`\sqrt{\gamma_-}\sigma^+` (towards its ground
    state :math:`\uparrow`) and :math:`\sqrt{\gamma_+}\sigma^-` with the rates of
    :class:`qfridge.engines.leads.QubitLead`. Solved on the charge blocks when
    :math:`\nu = 0` and the system conserves one (:meth:`MasterEquation.solve`). The
    reference against which the Pauli rates of :func:`qfridge.engines.leads.lead_rates`
    are tested (seed 002 readings, docs/seed002.md). ``options``
    (:class:`~qfridge.engines.steady.SolverOptions`) go to the solve: at small
    :math:`\gamma\epsilon^2` the problem is stiff (relaxation rates ~ :math:`\gamma\epsilon^2`
    against level spacings ~ 1), and its answer is only as Hermitian as the condition
    number allows; the default tolerance then refuses it with the numbers.
    """
    checks.non_negative("epsilon", epsilon)
    checks.positive("gamma", gamma)
    dims = hamiltonian.dims[0]
    eye = qutip.qeye(dims)
    raise_lead = qutip.sigmap()   # |up><down|: QuTiP's up is basis(2, 0), the ground state
    h = (qutip.tensor(hamiltonian, qutip.qeye(2))
         + qutip.tensor(eye, -0.5 * lead.gap * qutip.sigmaz()))
    coupling = (qutip.tensor(lowering, raise_lead)
                + lead.nu * qutip.tensor(lowering.dag(), raise_lead))
    h = h + epsilon * (coupling + coupling.dag())
    cool, heat = lead.split(gamma)
    jumps = {"lead": [JumpTerm(cool, qutip.tensor(eye, raise_lead), lead.gap),
                      JumpTerm(heat, qutip.tensor(eye, raise_lead.dag()), -lead.gap)]}
    rho = MasterEquation(h, jumps).solve(options).rho
    return rho.ptrace(list(range(len(dims))))


class _LeadCoupled:
    """Mixin: a system with ``hamiltonian()`` and ``lowering()`` gets Pauli rates."""

    def lead_rates(self, lead, epsilon: float, gamma: float, broadening: float = 0.0,
                   charge=None):
        r"""Pauli rates from a cooled lead (:func:`qfridge.engines.leads.lead_rates`) with
        this system's :math:`H_S` and coupling operator."""
        return lead_rates(self.hamiltonian(), self.lowering(), lead, epsilon, gamma,
                          broadening=broadening, charge=charge)


@register_model
@dataclass(frozen=True)
class SpinSystem(_LeadCoupled, Model):
    r"""A spin :math:`S` in a field, :math:`H_S = \Delta_S S^z`, coupled through
    :math:`S^-` (seed 002, Appendix A; Figs. 2(c), 6(a), 7).

    Its levels :math:`E_m = \Delta_S m`, :math:`m = -S, \dots, S`, are equally spaced, so
    the rates of a lead connect neighbours only and the steady state is thermal (detailed
    balance, Eqs. A1–A2) with one inverse temperature :math:`\beta_S`.

    Parameters
    ----------
    spin : float
        :math:`S`, a positive multiple of 1/2.
    delta_s : float
        :math:`\Delta_S` (energy).
    """

    spin: float = parameter("dimensionless", 0.5, "spin S")
    delta_s: float = parameter("energy", 1.0, "level spacing Delta_S")

    def __post_init__(self):
        super().__post_init__()
        checks.positive("spin", self.spin)
        if abs(2 * self.spin - round(2 * self.spin)) > 1e-12:
            raise ValueError(f"spin must be a multiple of 1/2, got {self.spin}")
        checks.finite("delta_s", self.delta_s)

    def hamiltonian(self) -> qutip.Qobj:
        r""":math:`\Delta_S S^z`."""
        return self.delta_s * qutip.jmat(self.spin, "z")

    def lowering(self) -> qutip.Qobj:
        """:math:`S^-`."""
        return qutip.jmat(self.spin, "-")

    def sz(self) -> qutip.Qobj:
        """:math:`S^z`."""
        return qutip.jmat(self.spin, "z")


@register_model
@dataclass(frozen=True)
class NonlinearCavity(_LeadCoupled, Model):
    r"""A cavity with gap :math:`\Delta_S` up to the Fock state :math:`N` and
    :math:`\Delta'_S` above it (seed 002, Fig. 3(a), Appendix C).

    .. math:: E_n = \Delta_S \min(n, N) + \Delta'_S \max(n - N, 0),
        \qquad H_S = \sum_{n=0}^{n_{\max}} E_n |n\rangle\langle n|,

    coupled to the lead through the photon annihilation operator :math:`a` (in place of
    :math:`S^-`). With :math:`\Delta'_S < \mu_L + 2J_L < \Delta_S` the levels above
    :math:`N` are cooled resonantly and those below are heated, which builds the Fock
    peak at :math:`n = N`. The Fock space is truncated at ``n_max`` (checked by the
    caller through the top population).

    Parameters
    ----------
    gap, gap_above : float
        :math:`\Delta_S, \Delta'_S` (energies, positive).
    n_fock : int
        :math:`N`.
    n_max : int
        Highest Fock state kept (:math:`\ge N + 1`).
    """

    gap: float = parameter("energy", 0.2, "gap Delta_S up to the Fock state N")
    gap_above: float = parameter("energy", 0.1, "gap Delta'_S above N")
    n_fock: int = parameter("integer", 5, "target Fock state N")
    n_max: int = parameter("integer", 15, "truncation: highest Fock state kept")

    def __post_init__(self):
        super().__post_init__()
        checks.positive("gap", self.gap)
        checks.positive("gap_above", self.gap_above)
        checks.integer_at_least("n_fock", self.n_fock, 1)
        checks.integer_at_least("n_max", self.n_max, self.n_fock + 1)

    def energies(self) -> np.ndarray:
        """:math:`E_n` for :math:`n = 0, \\dots, n_{\\max}` (energy)."""
        n = np.arange(self.n_max + 1)
        return self.gap * np.minimum(n, self.n_fock) + self.gap_above * np.maximum(
            n - self.n_fock, 0)

    def hamiltonian(self) -> qutip.Qobj:
        """The diagonal :math:`H_S`."""
        return qutip.qdiags(self.energies(), 0)

    def lowering(self) -> qutip.Qobj:
        """The photon annihilation operator :math:`a` (truncated)."""
        return qutip.destroy(self.n_max + 1)


@register_model
@dataclass(frozen=True)
class AntiThermalChain(_LeadCoupled, Model):
    r"""An XXZ chain in seed 002's conventions, coupled to a lead at site 1 (Figs. 4, 6(b)).

    .. math::
        H_S = \sum_{i=1}^{L-1}\Big[J_\perp(S^x_iS^x_{i+1} + S^y_iS^y_{i+1})
              + J_zS^z_iS^z_{i+1}\Big] - B_z\sum_i S^z_i - B_x\sum_i S^x_i,

    :math:`S = \sigma/2`; the coupling operator is :math:`S^-_1` (the lead couples as
    :math:`\hat c_1 S^-_1 + \hat c_1^\dagger S^+_1`, or :math:`\sigma^+S^-_1 + {\rm h.c.}`
    for a qubit lead). With :math:`B_x = 0` total :math:`S^z` is conserved and the
    spectrum falls into :math:`L + 1` sectors; Fig. 4's :math:`B_z = -5` separates them into
    non-overlapping bands whose energy increases with :math:`S^z`.

    Parameters
    ----------
    n_sites : int
        :math:`L \ge 2`.
    j_z, j_perp, b_z, b_x : float
        Couplings and fields (energy), with the paper's signs.
    """

    n_sites: int = parameter("integer", 10, "number of spins L")
    j_z: float = parameter("energy", 1.0, "Ising coupling J_z")
    j_perp: float = parameter("energy", 0.5, "flip-flop coupling J_perp")
    b_z: float = parameter("energy", -5.0, "longitudinal field B_z (paper sign: -B_z S^z)")
    b_x: float = parameter("energy", 0.0, "transverse field B_x (paper sign: -B_x S^x)")

    def __post_init__(self):
        super().__post_init__()
        checks.integer_at_least("n_sites", self.n_sites, 2)

    @cached_property
    def chain(self) -> SpinChain:
        """The same Hamiltonian as a :class:`SpinChain` (``b_z = -B_z``, ``b_x = -B_x``)."""
        return SpinChain.xxz(self.n_sites, self.j_perp, self.j_z, -self.b_z, -self.b_x)

    def hamiltonian(self) -> qutip.Qobj:
        """:math:`H_S` (sparse)."""
        return self.chain.hamiltonian()

    def lowering(self) -> qutip.Qobj:
        """:math:`S^-_1`, the site the lead couples to."""
        return self.chain.site_operator("-", 0)

    def magnetisation(self) -> np.ndarray | None:
        r"""Total :math:`S^z` of each basis state when it is conserved (:math:`B_x = 0`),
        else ``None``; pass it as ``charge`` to :meth:`lead_rates`."""
        up = self.chain.charge()
        return None if up is None else up - self.n_sites / 2


@register_model
@dataclass(frozen=True)
class HalfCooledChain(Model):
    r"""Seed 002 Fig. 5: a Heisenberg chain whose left half is cooled and whose halves sit
    in opposite fields.

    .. math::
        H = J\sum_{i=1}^{L-1}\vec S_i\cdot\vec S_{i+1} - B\sum_{i\le L/2}S^z_i
            + B\sum_{i>L/2}S^z_i,
        \qquad L_i = \sqrt{\kappa}\,S^+_i \;(i \le L/2),

    (:math:`J_z = J_\perp = J`, the paper's :math:`B_z = B` on the "lead" half and
    :math:`-B` on the "system" half, field sign :math:`-B_zS^z`). The cooled half is
    driven to :math:`|{\uparrow\cdots\uparrow}\rangle`, its ground state; the flip-flop
    across the middle bond then raises the other half, which heats towards its top
    level. The temperature of each half is the inverse temperature whose Gibbs state of
    that half's own Hamiltonian (its bonds and fields) has the half's energy
    (:func:`qfridge.core.thermal.energy_inverse_temperature`).

    Parameters
    ----------
    n_sites : int
        :math:`L`, even, :math:`\ge 4`.
    coupling : float
        :math:`J` (energy).
    field : float
        :math:`B` (energy).
    cooling_rate : float
        :math:`\kappa` (energy; the paper's :math:`L_i = \sqrt{2}S^+_i` is 2).
    """

    n_sites: int = parameter("integer", 8, "number of spins L (even)")
    coupling: float = parameter("energy", 1.0, "Heisenberg coupling J = J_z = J_perp")
    field: float = parameter("energy", 2.0, "field B on the cooled half (-B on the other)")
    cooling_rate: float = parameter("energy", 2.0, "rate kappa of L_i = sqrt(kappa) S^+_i")

    HALVES = ("lead", "system")

    def __post_init__(self):
        super().__post_init__()
        checks.integer_at_least("n_sites", self.n_sites, 4)
        if self.n_sites % 2:
            raise ValueError(f"n_sites must be even, got {self.n_sites}")
        checks.non_negative("cooling_rate", self.cooling_rate)

    def _sites(self, half: str) -> range:
        checks.one_of("half", half, self.HALVES)
        h = self.n_sites // 2
        return range(h) if half == "lead" else range(h, self.n_sites)

    @cached_property
    def chain(self) -> SpinChain:
        """The whole chain (``b_z = -B`` on the lead half, ``+B`` on the system half)."""
        h = self.n_sites // 2
        return SpinChain.heisenberg(self.n_sites, self.coupling,
                                    b_z=[-self.field] * h + [self.field] * h)

    def half_chain(self, half: str) -> SpinChain:
        """The half ``"lead"`` or ``"system"`` on its own (its bonds and fields)."""
        bz = self.chain.fields[0][list(self._sites(half))]
        return SpinChain.heisenberg(self.n_sites // 2, self.coupling, b_z=bz)

    def half_hamiltonian(self, half: str) -> qutip.Qobj:
        """That half's Hamiltonian as an operator on the whole chain."""
        sites = self._sites(half)
        op = self.chain.site_operator
        bz = self.chain.fields[0]
        h = sum(bz[i] * op("z", i) for i in sites)
        for i in sites[:-1]:
            h += self.coupling * (op("z", i) * op("z", i + 1) + 0.5 * (
                op("+", i) * op("-", i + 1) + op("-", i) * op("+", i + 1)))
        return h.to("csr")

    def master_equation(self, cooled: bool = True) -> MasterEquation:
        """The Lindblad equation with the cooling on (``cooled=True``) or off."""
        if not cooled:
            return MasterEquation(self.chain.hamiltonian(), {})
        return self.chain.master_equation(
            [SiteJump(i, "+", self.cooling_rate, bath="cooling") for i in self._sites("lead")])

    def evolve(self, times, switch_off: float = np.inf, rho0: qutip.Qobj | None = None
               ) -> tuple[Trajectory, dict[str, np.ndarray]]:
        r"""Evolve from ``rho0`` (default: the maximally mixed state, both halves at
        infinite temperature) with the cooling on until ``switch_off``, then off.

        Returns
        -------
        trajectory : Trajectory
            With expectations of the two half Hamiltonians (columns ``lead``, ``system``).
        betas : dict[str, ndarray]
            The inverse temperature of each half from its energy at every time.
        """
        times = np.asarray(times, dtype=float)
        if rho0 is None:
            rho0 = qutip.qeye(self.chain.hamiltonian().dims[0]) / self.chain.dimension
        segments = [(self.master_equation(True), float(switch_off))]
        if np.isfinite(switch_off):
            segments.append((self.master_equation(False), max(float(times[-1]),
                                                                float(switch_off)) + 1.0))
        ops = [self.half_hamiltonian(h) for h in self.HALVES]
        traj = evolve_piecewise(segments, rho0, times, ops)
        betas = {}
        for k, half in enumerate(self.HALVES):
            levels = self.half_chain(half).hamiltonian().eigenenergies()
            betas[half] = np.array([energy_inverse_temperature(levels, e)
                                    for e in traj.expect[:, k]])
        return traj, betas
