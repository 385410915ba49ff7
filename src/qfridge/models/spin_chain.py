r"""Open spin-1/2 chains (XXZ, XX, Heisenberg) with local baths (seed 002, Figs. 4–6).

:math:`N` spins :math:`S = \sigma/2` on a line with open boundaries,

.. math::
    H = \sum_{i=1}^{N-1}\Big[J_\perp\big(S^x_i S^x_{i+1} + S^y_i S^y_{i+1}\big)
        + J_z S^z_i S^z_{i+1}\Big] + \sum_{i=1}^{N}\big(B^z_i S^z_i + B^x_i S^x_i\big),

with :math:`J_\perp(S^xS^x + S^yS^y) = \tfrac{J_\perp}{2}(S^+_iS^-_{i+1} + S^-_iS^+_{i+1})`.
:math:`J_z = 0` is the XX chain, :math:`J_z = J_\perp` the Heisenberg (XXX) chain. The
fields :math:`B^z_i, B^x_i` are given per site (a number means the same on every site).

Conventions (:math:`\hbar = k_B = 1`, every parameter an energy in one common unit):

* "Up" is QuTiP's ``basis(2, 0)``, :math:`S^z = +1/2`; site operators are tensor
  products in site order (site 0 leftmost, sites counted from 0 in the code).
* The fields enter with a **plus** sign: :math:`B^z_i > 0` makes down the local ground
  state. Seed 002 does not print the chain Hamiltonian; its statements fix its field sign
  as :math:`-B_z S^z` (Fig. 4: :math:`B_z = -5` gives sector energies that *increase*
  with :math:`S^z`; Fig. 5: :math:`B_z = +2` makes :math:`|{\uparrow\uparrow\uparrow}\rangle`
  the ground state of the cooled lead). To reproduce a seed-002 figure pass
  ``b_z = -B_z`` (paper). Spin operators are :math:`\sigma/2`, not Pauli matrices (seed 002
  erratum: with Pauli matrices the Fig. 4 bands overlap).
* Heat currents (:meth:`qfridge.engines.lindblad.MasterEquation.heat_currents`) are
  positive when energy leaves the bath; :meth:`SpinChain.spin_current` is the spin
  (magnetisation) current :math:`j_i = J_\perp(S^x_iS^y_{i+1} - S^y_iS^x_{i+1})` from
  site :math:`i` to :math:`i+1`, so that :math:`\dot S^z_{i+1} = j_i - j_{i+1}` under
  :math:`H`.

Baths (:meth:`SpinChain.master_equation`) act on single sites, in the local form:

* :class:`SiteJump` — a raw Lindblad term :math:`\gamma D[S^a_i]`, :math:`a \in
  \{+, -, x, y, z\}`; e.g. seed 002 Fig. 5 cools the lead half with
  :math:`L_i = \sqrt2 S^+_i` (``SiteJump(i, "+", 2.0)``).
* :class:`SiteBath` — a thermal bosonic bath on site :math:`i`: with the local field
  :math:`\vec B_i = (B^x_i, 0, B^z_i)`, :math:`\omega_i = |\vec B_i|` and
  :math:`S^-_{\vec B_i}` the lowering operator along :math:`\vec B_i` (:math:`S^-_i` for
  :math:`B^z_i > 0 = B^x_i`, :math:`S^+_i` for :math:`B^z_i < 0 = B^x_i`),
  :math:`\gamma^\downarrow = K(\omega_i)(1+n(\omega_i))` on :math:`S^-_{\vec B_i}` and
  :math:`\gamma^\uparrow = K(\omega_i)n(\omega_i)` on its adjoint. The exchange coupling
  does not enter the rates (local master equation).

Conserved charge: with :math:`B^x = 0` the Hamiltonian conserves total :math:`S^z`, and
every :math:`S^\pm` jump shifts it by one. :meth:`MasterEquation.solve
<qfridge.engines.lindblad.MasterEquation.solve>` (``charge="auto"``) then detects it and
solves the :math:`N+1` magnetisation blocks, :math:`\binom{2N}{N}` unknowns instead of
:math:`4^N`; :meth:`SpinChain.charge` gives it for an explicit declaration. A transverse
field, an :math:`S^x`/:math:`S^y` jump or a bath on a tilted field breaks it, and the
full space is solved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import qutip

from ..core import checks
from ..core.baths import BosonicBath
from ..core.resources import require_memory
from ..engines.lindblad import JumpTerm, MasterEquation
from .base import Model, parameter, register_model

#: Operators a :class:`SiteJump` may name: S^+, S^-, S^x, S^y, S^z.
SITE_OPERATORS = ("+", "-", "x", "y", "z")

_SINGLE = {
    "+": qutip.sigmap(),
    "-": qutip.sigmam(),
    "x": 0.5 * qutip.sigmax(),
    "y": 0.5 * qutip.sigmay(),
    "z": 0.5 * qutip.sigmaz(),
}


@dataclass(frozen=True)
class SiteJump:
    r"""A raw Lindblad term :math:`\gamma D[S^a_i]` booked under the bath ``bath``.

    Parameters
    ----------
    site : int
        Site :math:`i` (from 0).
    operator : str
        :math:`a`, one of ``"+"``, ``"-"``, ``"x"``, ``"y"``, ``"z"``.
    rate : float
        :math:`\gamma \ge 0` (energy units): ``L = sqrt(2) S^+`` is ``rate=2``.
    bath : str
        Name of the bath the term belongs to (terms with the same name form one bath,
        whose heat current is reported).
    """

    site: int
    operator: str
    rate: float
    bath: str = "jumps"

    def __post_init__(self):
        checks.integer_at_least("site", self.site, 0)
        checks.one_of("operator", self.operator, SITE_OPERATORS)
        checks.non_negative(f"rate of the S^{self.operator} jump on site {self.site}",
                            self.rate)


@dataclass(frozen=True)
class SiteBath:
    """A thermal bosonic bath coupled locally to site ``site`` (see the module docstring).

    Several ``SiteBath`` entries with the same bath (same ``bath.name``) form one bath
    coupled to several sites.
    """

    site: int
    bath: BosonicBath

    def __post_init__(self):
        checks.integer_at_least("site", self.site, 0)
        if not isinstance(self.bath, BosonicBath):
            raise ValueError(f"bath must be a BosonicBath, got {self.bath!r}")


def _per_site(name: str, value, n_sites: int):
    """A field as a float (uniform) or a tuple of ``n_sites`` floats (hashable, frozen)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return float(arr)
    if arr.shape != (n_sites,):
        raise ValueError(f"{name} must be a number or have one entry per site ({n_sites}), "
                         f"got shape {arr.shape}")
    return tuple(float(v) for v in arr)


@register_model
@dataclass(frozen=True)
class SpinChain(Model):
    r"""Open XXZ chain of spins 1/2 in longitudinal and transverse fields.

    .. math::
        H = \sum_{i=1}^{N-1}\Big[J_\perp\big(S^x_i S^x_{i+1} + S^y_i S^y_{i+1}\big)
            + J_z S^z_i S^z_{i+1}\Big] + \sum_{i=1}^{N}\big(B^z_i S^z_i + B^x_i S^x_i\big)

    :math:`S = \sigma/2`, up = ``basis(2, 0)``, fields with a plus sign (seed 002 writes
    :math:`-B_z S^z`: pass ``b_z = -B_z`` to reproduce its Figs. 4–6; see the module
    docstring). Built sparse (CSR) with QuTiP; :math:`2^N` levels.

    Parameters
    ----------
    n_sites : int
        :math:`N \ge 2`.
    j_perp, j_z : float
        Exchange couplings (energy).
    b_z, b_x : float or array of shape (n_sites,)
        Longitudinal and transverse fields per site (energy); a number is uniform.
        Arrays are stored as tuples (the model stays hashable).

    Examples
    --------
    >>> chain = SpinChain.heisenberg(4, 1.0, b_z=[2, 2, -2, -2])
    >>> chain.hamiltonian().shape
    (16, 16)
    """

    n_sites: int = parameter("integer", doc="number of spins N")
    j_perp: float = parameter("energy", 1.0, "flip-flop coupling J_perp")
    j_z: float = parameter("energy", 1.0, "Ising coupling J_z")
    b_z: float | tuple = parameter("energy", 0.0, "longitudinal field B^z (per site)")
    b_x: float | tuple = parameter("energy", 0.0, "transverse field B^x (per site)")

    def __post_init__(self):
        super().__post_init__()
        checks.integer_at_least("n_sites", self.n_sites, 2)
        object.__setattr__(self, "b_z", _per_site("b_z", self.b_z, self.n_sites))
        object.__setattr__(self, "b_x", _per_site("b_x", self.b_x, self.n_sites))

    # -- builders -----------------------------------------------------------------------
    @classmethod
    def xxz(cls, n_sites: int, j_perp: float, j_z: float, b_z=0.0, b_x=0.0) -> SpinChain:
        """The XXZ chain (same as the constructor)."""
        return cls(n_sites, j_perp, j_z, b_z, b_x)

    @classmethod
    def xx(cls, n_sites: int, j_perp: float, b_z=0.0, b_x=0.0) -> SpinChain:
        r"""The XX chain, :math:`J_z = 0` (free fermions after Jordan–Wigner when
        :math:`B^x = 0`)."""
        return cls(n_sites, j_perp, 0.0, b_z, b_x)

    @classmethod
    def heisenberg(cls, n_sites: int, j: float, b_z=0.0, b_x=0.0) -> SpinChain:
        r"""The isotropic Heisenberg (XXX) chain, :math:`J_\perp = J_z = J`."""
        return cls(n_sites, j, j, b_z, b_x)

    # -- fields and operators ---------------------------------------------------------------
    @property
    def dimension(self) -> int:
        return 2**self.n_sites

    @property
    def fields(self) -> tuple[np.ndarray, np.ndarray]:
        """:math:`(B^z_i, B^x_i)` as two arrays of shape (n_sites,)."""
        n = self.n_sites
        return (np.broadcast_to(np.asarray(self.b_z, dtype=float), (n,)).copy(),
                np.broadcast_to(np.asarray(self.b_x, dtype=float), (n,)).copy())

    def _check_site(self, site: int) -> int:
        site = checks.integer_at_least("site", site, 0)
        if site >= self.n_sites:
            raise ValueError(f"site must be < n_sites = {self.n_sites}, got {site}")
        return site

    def embed(self, op: qutip.Qobj, site: int) -> qutip.Qobj:
        """A single-spin operator acting on ``site`` (CSR, identity elsewhere)."""
        site = self._check_site(site)
        eye = qutip.qeye(2)
        factors = [eye] * site + [op] + [eye] * (self.n_sites - site - 1)
        return qutip.tensor(factors).to("csr")

    @cached_property
    def _site_ops(self) -> dict[str, list[qutip.Qobj]]:
        n, d = self.n_sites, float(self.dimension)
        # 5 site operators per site and the Hamiltonian, ~1-2 entries per row each, CSR at
        # ~24 bytes per entry, with one copy while QuTiP adds them up
        require_memory(f"the {n}-site chain's operators ({d:.3g} levels)",
                       2 * 24.0 * (7 * n + 2) * d, "a chain of more than ~20 sites does not "
                       "fit in memory as a state vector space; use fewer sites")
        return {a: [self.embed(op, i) for i in range(self.n_sites)]
                for a, op in _SINGLE.items()}

    def site_operator(self, operator: str, site: int) -> qutip.Qobj:
        r""":math:`S^a_i` for ``operator`` :math:`a` in ``"+"``, ``"-"``, ``"x"``, ``"y"``,
        ``"z"`` (spin 1/2: :math:`S^\pm = S^x \pm iS^y`)."""
        checks.one_of("operator", operator, SITE_OPERATORS)
        return self._site_ops[operator][self._check_site(site)]

    def total_sz(self) -> qutip.Qobj:
        r""":math:`S^z = \sum_i S^z_i`."""
        return sum(self._site_ops["z"][1:], self._site_ops["z"][0])

    def hamiltonian(self) -> qutip.Qobj:
        """:math:`H` (CSR storage; see the class docstring)."""
        return self._hamiltonian

    @cached_property
    def _hamiltonian(self) -> qutip.Qobj:
        ops = self._site_ops
        bz, bx = self.fields
        h = qutip.qzero_like(ops["z"][0]).to("csr")
        for i in range(self.n_sites - 1):
            if self.j_perp != 0.0:
                h += 0.5 * self.j_perp * (ops["+"][i] * ops["-"][i + 1]
                                          + ops["-"][i] * ops["+"][i + 1])
            if self.j_z != 0.0:
                h += self.j_z * ops["z"][i] * ops["z"][i + 1]
        for i in range(self.n_sites):
            if bz[i] != 0.0:
                h += bz[i] * ops["z"][i]
            if bx[i] != 0.0:
                h += bx[i] * ops["x"][i]
        return h.to("csr")

    def spin_current(self, bond: int) -> qutip.Qobj:
        r"""Spin current operator from site ``bond`` to ``bond + 1``,
        :math:`j_i = J_\perp(S^x_iS^y_{i+1} - S^y_iS^x_{i+1})
        = \tfrac{i J_\perp}{2}(S^+_iS^-_{i+1} - S^-_iS^+_{i+1})`."""
        if not 0 <= bond < self.n_sites - 1:
            raise ValueError(f"bond must lie in [0, {self.n_sites - 2}], got {bond}")
        ops = self._site_ops
        i = bond
        return (0.5j * self.j_perp * (ops["+"][i] * ops["-"][i + 1]
                                      - ops["-"][i] * ops["+"][i + 1])).to("csr")

    def charge(self) -> np.ndarray | None:
        r"""Number of up spins of each basis state, :math:`N/2 + S^z`, when the Hamiltonian
        conserves it (:math:`B^x = 0`); ``None`` otherwise.

        Pass it as ``MasterEquation.solve(charge=...)`` to declare it (a jump that breaks it
        is refused by name); ``charge="auto"`` finds the same blocks by itself.
        """
        if np.any(self.fields[1] != 0.0):
            return None
        downs = np.indices((2,) * self.n_sites).reshape(self.n_sites, -1).sum(axis=0)
        return self.n_sites - downs

    def local_lowering(self, site: int) -> tuple[qutip.Qobj, float]:
        r"""The lowering operator along the local field of ``site`` and its energy
        :math:`\omega_i = |\vec B_i|` (refused when the site has no field)."""
        site = self._check_site(site)
        bz, bx = self.fields
        omega = float(np.hypot(bz[site], bx[site]))
        if omega == 0.0:
            raise ValueError(f"a thermal bath on site {site} needs a local field; the site "
                             "has B^z = B^x = 0 (attach a SiteJump instead)")
        if bx[site] == 0.0:
            return self.site_operator("-" if bz[site] > 0 else "+", site), omega
        theta = np.arctan2(bx[site], bz[site])
        up = np.array([np.cos(theta / 2), np.sin(theta / 2)])      # energy +omega/2
        down = np.array([-np.sin(theta / 2), np.cos(theta / 2)])   # energy -omega/2
        return self.embed(qutip.Qobj(np.outer(down, up)), site), omega

    # -- baths ----------------------------------------------------------------------------
    def master_equation(self, baths: Sequence[SiteJump | SiteBath]) -> MasterEquation:
        r"""The Lindblad equation of the chain with local baths (module docstring).

        Parameters
        ----------
        baths : sequence of SiteJump and SiteBath
            Terms with the same bath name (``SiteJump.bath``, ``SiteBath.bath.name``) form
            one bath of the returned master equation.

        Returns
        -------
        MasterEquation
            ``form="local"``; solve it with ``.solve()`` (total :math:`S^z` blocks are
            detected when they exist). A :class:`SiteJump` books the change of the site's
            :math:`z` Zeeman energy as its ``energy``; currents are computed exactly from
            :math:`\mathrm{Tr}[H\mathcal{D}_b\rho]`.
        """
        h = self.hamiltonian()
        bz = self.fields[0]
        jumps: dict[str, list[JumpTerm]] = {}
        owners: dict[str, object] = {}
        for entry in baths:
            if isinstance(entry, SiteJump):
                name = entry.bath
                op = self.site_operator(entry.operator, entry.site)
                sign = {"+": -1.0, "-": 1.0}.get(entry.operator, 0.0)
                terms = [JumpTerm(float(entry.rate), op, sign * bz[entry.site])]
            elif isinstance(entry, SiteBath):
                name = entry.bath.name
                lower, omega = self.local_lowering(entry.site)
                terms = [JumpTerm(float(entry.bath.emission_rate(omega)), lower, omega),
                         JumpTerm(float(entry.bath.absorption_rate(omega)), lower.dag(),
                                  -omega)]
            else:
                raise ValueError(f"baths must hold SiteJump or SiteBath entries, got {entry!r}")
            owner = "jumps" if isinstance(entry, SiteJump) else entry.bath
            if owners.setdefault(name, owner) != owner:
                raise ValueError(f"bath name {name!r} is used by {owners[name]!r} and "
                                 f"{owner!r}; give distinct baths distinct names")
            jumps.setdefault(name, []).extend(terms)
        if not jumps:
            raise ValueError("baths is empty: attach at least one SiteJump or SiteBath")
        return MasterEquation(h, jumps, form="local")
