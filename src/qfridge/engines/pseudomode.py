r"""Pseudomode (reaction-coordinate) embedding: a Lorentzian bath as damped modes in the system.

A bath whose spectral density is a sum of Lorentzians
(:class:`~qfridge.core.baths.PseudomodeSpectralDensity`, or seed 004's Eq. 3 filter
:class:`~qfridge.core.baths.LorentzianSpectralDensity`) acts on the system exactly like
harmonic modes :math:`c_m` (frequency :math:`\Omega_m`) coupled by :math:`g_m A(c_m +
c_m^\dagger)` — or, for a non-Hermitian system operator :math:`s`, by the rotating-wave
exchange :math:`g_m(s^\dagger c_m + c_m^\dagger s)` — each mode damped by a *residual* bath
of width :math:`\kappa_m(\omega)` at the original bath's temperature (Garraway 1997;
reaction-coordinate mapping). The modes are solved exactly with the system, so the result
holds at any system–bath coupling :math:`g`: it keeps the bath's memory, the back-action
and the hybridisation of system and modes that the weak-coupling forms drop.

How the residual baths act (``residual=``):

``"local"``
    Each mode's own Lindblad damping with the thermal factor of its centre,
    :math:`\kappa(\Omega)(1 + n(\Omega))D[c] + \kappa(\Omega)n(\Omega)D[c^\dagger]`, solved
    with :class:`~qfridge.engines.lindblad.MasterEquation` (local form) over system ⊗ modes.
    Exact at :math:`T = 0` (Tamascelli, Smirne, Huelga & Plenio, PRL 120, 030402 (2018)). At
    :math:`T > 0` the factor is frozen at :math:`n(\Omega_m)`: the system must sample each
    Lorentzian only where :math:`n` is flat. That fails when a system transition sits on a
    mode's tail (detuned by :math:`\delta`: wrong occupation by :math:`\approx e^{\delta/T}`)
    and when the coupling is strong (system and mode hybridise into levels
    :math:`\approx 2g` apart that each need their own :math:`n`). Measured: a resonator
    coupled to seed 004's Fig. 10 filters (:math:`g = 0.71`, T = 1) gets occupation 0.140
    against the exact 0.305. :meth:`Embedding.check_equilibrium` (run automatically) finds
    the spurious currents this drives between baths at one temperature.
``"global"``
    The residual baths act on the eigenstates of the extended Hamiltonian (system + modes),
    each transition with the thermal factor of its own Bohr frequency: a Pauli rate
    equation over the extended eigenstates (Born–Markov–secular in the residual bath only;
    Strasberg, Schaller, Lambert & Brandes, NJP 18, 073007 (2016)). Detailed balance holds
    by construction — every current vanishes between baths at one temperature — and the
    thermal factors are right at any :math:`g`. Premises: the residual rates are small
    compared with :math:`T` (Markov; the residual's Lamb shift is omitted, as in
    :mod:`~qfridge.engines.redfield`) and with the extended spectrum's level spacings
    (secular): the coherences that the residual would feed are estimated to first order
    (:meth:`Embedding.secular_coherence`) and warned (PremiseWarning "pseudomode secular
    residual") above :data:`SECULAR_TOL`. Measured on the exactly solvable (quadratic)
    case, seed 004's resonators between the Fig. 10 filters at :math:`\Delta_z = 0`
    (10 excitations): occupation 0.3070 vs the exact 0.3053, current :math:`J_L` at
    :math:`\Delta T = 0.3` 0.4 % above the exact (claim
    ``pseudomode_reference_exact_at_zero_kerr``); the secular estimate there is 2e-3.

Fock truncation (both): every mode keeps ``levels`` Fock states and, with
``max_excitations``, only basis states whose total excitation (system levels counted by
their index) is at most that number are kept — the natural cut when the couplings conserve
an excitation number. The population of the top level or shell must be negligible
(PremiseWarning "pseudomode truncation"; :meth:`Embedding.converged` compares with more).

Hand-written: QuTiP has no pseudomode or reaction-coordinate builder (its HEOM solver is a
different, more costly route to the same non-Markovian physics).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import qutip
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..core import checks
from ..core.baths import BosonicBath, SpectralDensity
from ..core.resources import require_memory
from ..core.thermal import bose
from ..core.validity import PremiseWarning, check_premise
from .blocks import excitation_number
from .lindblad import JumpTerm, MasterEquation, check_hamiltonian, check_operator
from .rates import RateEquation

#: Largest top-level (or top-shell) population accepted without a PremiseWarning.
TRUNCATION_TOL = 1e-6
#: Largest first-order residual coherence (relative to the largest population) accepted by
#: the global residual without a PremiseWarning.
SECULAR_TOL = 0.1
RESIDUALS = ("local", "global")


@dataclass(frozen=True)
class Pseudomode:
    """One embedded mode: its bath, index in the enlarged space and parameters
    (``width`` is :math:`\\kappa` at the mode's frequency)."""

    bath: str
    subsystem: int
    coupling: float
    frequency: float
    width: float
    levels: int
    residual: SpectralDensity
    rotating_wave: bool


@dataclass(frozen=True)
class EmbeddedState:
    """Steady state of an :class:`Embedding`.

    Attributes
    ----------
    rho : scipy.sparse or ndarray
        Density matrix of system + modes in the kept basis (:attr:`Embedding.basis`).
    populations : ndarray or None
        ``"global"``: populations of the extended eigenstates; ``None`` for ``"local"``.
    info : object
        The solver's report (:class:`~qfridge.engines.steady.SteadyStateInfo`, local) or a
        one-line summary (global).
    """

    rho: object
    populations: np.ndarray | None
    info: object


def _pseudomodes(bath, index: int) -> tuple:
    modes = getattr(getattr(bath, "spectral_density", None), "pseudomodes", None)
    if modes is None:
        raise ValueError(
            f"couplings[{index}]: bath {getattr(bath, 'name', bath)!r} needs a "
            "PseudomodeSpectralDensity (a sum of Lorentzians) or a LorentzianSpectralDensity "
            f"(seed 004 Eq. 3) to be embedded, got {getattr(bath, 'spectral_density', bath)!r}")
    return modes()


class Embedding:
    r"""System + pseudomodes as one problem (build with :func:`embed`).

    Attributes
    ----------
    modes : list of Pseudomode
    residual : {"local", "global"}
    basis : ndarray, shape (d, n_sub)
        The kept basis states: one row of Fock / level indices per state (system
        subsystems first, then the modes).
    hamiltonian : scipy.sparse.csr_matrix
        :math:`H` of system + modes in the kept basis.
    master_equation : MasterEquation or None
        The local form over system ⊗ modes (``"local"``); its baths carry the original
        names.
    system_dims : list
        QuTiP dims of the system.
    """

    def __init__(self, build: dict):
        self._build = build
        self.modes: list[Pseudomode] = build["modes"]
        self.residual: str = build["residual"]
        self.basis: np.ndarray = build["basis"]
        self.hamiltonian: sp.csr_matrix = build["h"]
        self.system_dims = build["system_dims"]
        self.temperatures: dict[str, float] = build["temperatures"]
        self.master_equation = self._local() if self.residual == "local" else None
        self._equilibrium_checked = False

    @property
    def dimension(self) -> int:
        return self.basis.shape[0]

    # -- the two residual treatments --------------------------------------------------
    def _local(self) -> MasterEquation:
        h = qutip.Qobj(self.hamiltonian, dims=[[self.dimension], [self.dimension]])
        jumps = {name: [] for name in self.temperatures}
        for mode, c in zip(self.modes, self._build["lowering"], strict=True):
            # the mode's own damping is local by construction (the mapping), so it is
            # assembled directly: no local-form premise applies to it
            res = BosonicBath(self.temperatures[mode.bath], mode.residual)
            op = qutip.Qobj(c, dims=h.dims)
            jumps[mode.bath] += [JumpTerm(float(res.emission_rate(mode.frequency)), op,
                                          mode.frequency),
                                 JumpTerm(float(res.absorption_rate(mode.frequency)), op.dag(),
                                          -mode.frequency)]
        return MasterEquation(h, jumps, form="local", temperatures=self.temperatures)

    def _eigen(self):
        """Eigenpairs of H on its connected blocks (a conserved charge splits it):
        ``(energies, blocks)`` with ``blocks`` a list of ``(indices, eigenvectors)``."""
        if "eigen" not in self._build:
            h = self.hamiltonian
            d = self.dimension
            n_blocks, labels = connected_components(abs(h) + sp.eye(d), directed=False)
            sizes = np.bincount(labels)
            require_memory(f"the global residual of a {d}-state embedding (dense rates, "
                           f"largest block {sizes.max()})",
                           8.0 * (len(self.temperatures) + 2) * d * d + 48.0 * sizes.max()**2,
                           "use max_excitations, fewer levels or residual='local'")
            energies, blocks = np.zeros(d), []
            for b in range(n_blocks):
                idx = np.flatnonzero(labels == b)
                e, v = np.linalg.eigh(h[np.ix_(idx, idx)].toarray())
                energies[idx] = e
                blocks.append((idx, v))
            self._build["eigen"] = (energies, blocks)
            self._build["labels"] = labels
        return self._build["eigen"]

    def _mode_elements(self):
        """Per mode, the blocks ``{(A, B): (C_AB, D_AB)}`` of :math:`c` and
        :math:`c^\\dagger` in the extended eigenbasis (only non-zero pairs)."""
        if "elements" not in self._build:
            _, blocks = self._eigen()
            labels = self._build["labels"]
            out = []
            for c in self._build["lowering"]:
                lower = {}
                for a, (ia, va) in enumerate(blocks):
                    rows = c[ia]
                    for b in np.unique(labels[rows.indices]):   # the blocks c reaches
                        ib, vb = blocks[b]
                        lower[a, b] = va.conj().T @ (rows[:, ib] @ vb)
                pairs = {}
                for a, b in set(lower) | {(b, a) for a, b in lower}:
                    shape = (blocks[a][0].size, blocks[b][0].size)
                    pairs[a, b] = (lower[a, b] if (a, b) in lower else np.zeros(shape),
                                   lower[b, a].conj().T if (b, a) in lower else np.zeros(shape))
                out.append(pairs)
            self._build["elements"] = out
        return self._build["elements"]

    def _residual_baths(self):
        return [BosonicBath(self.temperatures[m.bath], m.residual) for m in self.modes]

    @staticmethod
    def _exchanged(mode, bohr, c, d):
        r"""The part of :math:`c + c^\dagger` the residual drives at each Bohr frequency:
        all of it for a Hermitian system coupling; in the rotating-wave case the residual
        exchanges excitations too, so :math:`c` only releases (:math:`\omega > 0`) and
        :math:`c^\dagger` only absorbs."""
        return np.where(bohr > 0, c, d) if mode.rotating_wave else c + d

    def rate_equation(self) -> RateEquation:
        """The Pauli rate equation of the global residual over the extended eigenstates."""
        if self.residual != "global":
            raise ValueError("rate_equation() needs residual='global'")
        if "rates" not in self._build:
            energies, blocks = self._eigen()
            rates = {name: np.zeros((self.dimension,) * 2) for name in self.temperatures}
            for mode, res, elements in zip(self.modes, self._residual_baths(),
                                           self._mode_elements(), strict=True):
                w = rates[mode.bath]
                for (a, b), (c, d) in elements.items():
                    ia, ib = blocks[a][0], blocks[b][0]
                    bohr = energies[ib][None, :] - energies[ia][:, None]   # j -> i releases
                    x = self._exchanged(mode, bohr, c, d)
                    w[np.ix_(ia, ib)] += np.asarray(res.rate(bohr)) * np.abs(x) ** 2
            for w in rates.values():
                np.fill_diagonal(w, 0.0)
            self._build["rates"] = RateEquation(energies, rates, dict(self.temperatures))
        return self._build["rates"]

    # -- solving --------------------------------------------------------------------------
    def solve(self, check: bool = True) -> EmbeddedState:
        """The steady state of system + modes (:class:`EmbeddedState`). ``check`` warns
        when the top Fock level or excitation shell holds more than
        :data:`TRUNCATION_TOL`; for ``"local"`` it also runs :meth:`check_equilibrium` on
        the first solve (one more solve) so that a broken thermal factor is never silent,
        and for ``"global"`` :meth:`secular_coherence`."""
        if self.residual == "local":
            st = self.master_equation.solve()
            state = EmbeddedState(st.rho.to("csr").data.as_scipy(), None, st.info)
        else:
            p = self.rate_equation().steady_state()
            _, blocks = self._eigen()
            rho = sp.lil_matrix((self.dimension,) * 2, dtype=blocks[0][1].dtype)
            for idx, v in blocks:
                rho[np.ix_(idx, idx)] = (v * p[idx]) @ v.conj().T
            state = EmbeddedState(rho.tocsr(), p,
                                  f"Pauli rate equation over {p.size} extended eigenstates")
        if check:
            self.check_truncation(state)
            if self.residual == "global":
                self.secular_coherence(state)
            elif not self._equilibrium_checked:
                self._equilibrium_checked = True
                self.check_hybridisation()
                self.check_equilibrium(machine=self.heat_currents(state))
        return state

    def _state(self, state) -> EmbeddedState:
        return self.solve() if state is None else state

    def _diagonal(self, state) -> np.ndarray:
        rho = state.rho
        diag = rho.diagonal() if sp.issparse(rho) else np.diagonal(rho)
        return np.real(np.asarray(diag))

    def top_populations(self, state=None) -> dict[str, float]:
        """Population of every mode's highest kept Fock level (``"mode k"``) and, with
        ``max_excitations``, of the top excitation shell (``"shell"``)."""
        p = self._diagonal(self._state(state))
        out = {f"mode {k}": float(p[self.basis[:, m.subsystem] == m.levels - 1].sum())
               for k, m in enumerate(self.modes)}
        if self._build["max_excitations"] is not None:
            out["shell"] = float(p[self._build["excitations"] ==
                                   self._build["max_excitations"]].sum())
        return out

    def check_truncation(self, state=None) -> bool:
        tops = self.top_populations(state)
        worst = max(tops, key=tops.get)
        return check_premise(
            tops[worst] <= TRUNCATION_TOL, "pseudomode truncation",
            f"the top of the kept space ({worst}) is populated; raise levels or "
            "max_excitations", stacklevel=4, top_population=tops[worst],
            tolerance=TRUNCATION_TOL)

    #: Population (relative to the largest) from which a pair of levels counts in
    #: :meth:`secular_coherence`.
    WEIGHT_TOL = 1e-3

    def secular_coherence(self, state=None) -> float:
        r"""First-order estimate of the coherences the residual baths would feed between
        extended eigenstates, which the Pauli (secular) equation drops:
        :math:`|F_{ik}|/|E_i - E_k - i(\Gamma_i + \Gamma_k)/2|` with :math:`F` the
        off-diagonal part of the Redfield dissipator applied to the Pauli state and
        :math:`\Gamma_i` the total decay rate of level :math:`i`, relative to the largest
        population. Warns (PremiseWarning "pseudomode secular residual") above
        :data:`SECULAR_TOL`; returns the ratio."""
        if self.residual != "global":
            raise ValueError("secular_coherence() applies to residual='global'")
        state = self._state(state)
        p = state.populations
        energies, blocks = self._eigen()
        decay = self.rate_equation().total_rates.sum(axis=0)
        ratio = 0.0
        for a, (ia, _) in enumerate(blocks):
            feed = np.zeros((ia.size, ia.size), dtype=complex)
            for mode, res, elements in zip(self.modes, self._residual_baths(),
                                           self._mode_elements(), strict=True):
                for (left, b), (c_ab, d_ab) in elements.items():
                    if left != a:
                        continue
                    ib = blocks[b][0]
                    c_ba, d_ba = elements[b, a]
                    w_ab = energies[ib][None, :] - energies[ia][:, None]
                    w_ba = -w_ab.T
                    lam_ab = 0.5 * np.asarray(res.rate(w_ab)) * self._exchanged(mode, w_ab,
                                                                                c_ab, d_ab)
                    lam_ba = 0.5 * np.asarray(res.rate(w_ba)) * self._exchanged(mode, w_ba,
                                                                                c_ba, d_ba)
                    term = ((lam_ab * p[ib][None, :]) @ (c_ba + d_ba)
                            - (c_ab + d_ab) @ (lam_ba * p[ia][None, :]))
                    feed += term + term.conj().T
            np.fill_diagonal(feed, 0.0)
            gap = energies[ia][:, None] - energies[ia][None, :]
            width = 0.5 * (decay[ia][:, None] + decay[ia][None, :])
            pair = np.maximum(p[ia][:, None], p[ia][None, :])
            populated = pair >= self.WEIGHT_TOL * p.max()
            if np.any(populated):
                coherence = np.abs(feed) / np.abs(gap + 1j * width)
                ratio = max(ratio, float(np.max(coherence[populated] / pair[populated])))
        check_premise(
            ratio <= SECULAR_TOL, "pseudomode secular residual",
            "the residual baths feed coherences between near-degenerate extended eigenstates "
            "that the Pauli equation drops (residual rates not small against the level "
            "spacings); compare residual='local' or a weaker residual", stacklevel=3,
            coherence=ratio, tolerance=SECULAR_TOL)
        return ratio

    # -- observables ----------------------------------------------------------------------
    def heat_currents(self, state=None) -> dict[str, float]:
        """Heat current out of every original bath (positive = the bath loses energy)."""
        state = self._state(state)
        if self.residual == "local":
            rho = qutip.Qobj(state.rho, dims=self.master_equation.hamiltonian.dims)
            return self.master_equation.heat_currents(rho)
        req = self.rate_equation()
        return {b: float(j) for b, j in req.heat_currents(state.populations).items()}

    def thermodynamics(self, state=None, *, check: bool = True):
        """:class:`~qfridge.engines.thermo.Thermodynamics` of the embedded machine."""
        from .thermo import Thermodynamics

        th = Thermodynamics(self.heat_currents(state), self.temperatures)
        if check:
            th.check_second_law(f"the {self.residual}-residual pseudomode embedding",
                                stacklevel=3)
        return th

    def reduced_state(self, state=None) -> qutip.Qobj:
        """The system's state: the modes traced out."""
        rho = self._state(state).rho
        rho = rho.tocoo() if sp.issparse(rho) else sp.coo_matrix(rho)
        n_sys = len(self.system_dims)
        sys_index = np.ravel_multi_index(self.basis[:, :n_sys].T, self.system_dims)
        env = self.basis[:, n_sys:]
        same = np.all(env[rho.row] == env[rho.col], axis=1)
        d_s = int(np.prod(self.system_dims))
        out = sp.coo_matrix((rho.data[same], (sys_index[rho.row[same]],
                                              sys_index[rho.col[same]])), shape=(d_s, d_s))
        return qutip.Qobj(out.toarray(), dims=[list(self.system_dims)] * 2)

    def expect(self, system_operator: qutip.Qobj, state=None) -> float:
        """:math:`\\mathrm{Tr}[O\\rho_S]` of a system operator (real part)."""
        return float(np.real(qutip.expect(system_operator, self.reduced_state(state))))

    # -- premises -----------------------------------------------------------------------
    #: Largest equilibrium current (relative to the largest current of the machine as
    #: built) accepted by :meth:`check_equilibrium` without a PremiseWarning.
    EQUILIBRIUM_TOL = 1e-3

    def rebuild(self, **changes) -> Embedding:
        """The same embedding with other :func:`embed` arguments (``levels``,
        ``max_excitations``, ``residual``, or ``couplings``)."""
        kwargs = dict(self._build["arguments"])
        kwargs.update(changes)
        return embed(**kwargs)

    #: Largest relative change of a mode's thermal occupation across the band its system
    #: samples accepted by :meth:`check_hybridisation` without a PremiseWarning.
    HYBRIDISATION_TOL = 0.1

    def check_hybridisation(self) -> float:
        r"""The local residual freezes each mode's thermal factor at :math:`n(\Omega_m)`;
        coupled to the system, the mode's line is split (strong coupling, by
        :math:`\approx \pm g`) or broadened (weak, by :math:`4g^2/\kappa`), so the system
        samples :math:`\Omega_m \pm h_m` with :math:`h_m = g_m^2/\sqrt{g_m^2 +
        \kappa_m^2/16}`. Warns (PremiseWarning "pseudomode thermal factor") when
        :math:`|n(\Omega - h) - n(\Omega + h)| / \max(n(\Omega), 10^{-3})` exceeds
        :data:`HYBRIDISATION_TOL` for some mode (0 at :math:`T = 0`, where the mapping is
        exact); returns the largest value. Detuned transitions are judged by
        :meth:`check_equilibrium`."""
        worst, where = 0.0, None
        for k, m in enumerate(self.modes):
            t = self.temperatures[m.bath]
            if not (t > 0 and np.isfinite(t)):
                continue
            h = m.coupling**2 / np.hypot(m.coupling, m.width / 4.0)
            n = [float(bose(max(m.frequency + s * h, 1e-12), t)) for s in (-1.0, 0.0, 1.0)]
            change = abs(n[0] - n[2]) / max(n[1], 1e-3)
            if change > worst:
                worst, where = change, (k, m, t, h, n)
        if where is not None:
            k, m, t, h, n = where
            check_premise(
                worst <= self.HYBRIDISATION_TOL, "pseudomode thermal factor",
                f"pseudomode {k} (bath {m.bath!r}, g = {m.coupling:.3g}, kappa = "
                f"{m.width:.3g}, T = {t:.3g}) spreads the system over Omega +- {h:.3g}, where "
                f"n runs from {n[0]:.3g} to {n[2]:.3g} but the local residual keeps "
                f"n(Omega) = {n[1]:.3g}; use residual='global'", stacklevel=4,
                relative_change=worst, tolerance=self.HYBRIDISATION_TOL)
        return float(worst)

    def check_equilibrium(self, temperature: float | None = None, machine=None) -> float:
        r"""Solve the same embedding with every bath at ``temperature`` (default: the lowest
        bath temperature), where every heat current must vanish, and warn
        (PremiseWarning "pseudomode thermal factor") when the largest spurious current
        exceeds :data:`EQUILIBRIUM_TOL` of the machine's largest current (``machine``: its
        currents when already solved; floored at :math:`10^{-9}\sum_m\kappa_m\Omega_m`
        so that a machine at equilibrium is not judged against its own rounding). Returns
        that ratio (0 for an exact mapping; the global residual is exact here by
        construction)."""
        couplings = self._build["arguments"]["couplings"]
        t_eq = (min(float(b.temperature) for b, _ in couplings) if temperature is None
                else float(temperature))
        same = self.rebuild(couplings=[(replace(b, temperature=t_eq), op)
                                       for b, op in couplings])
        spurious = same.heat_currents(same.solve(check=False))
        if machine is None:
            machine = self.heat_currents(self.solve(check=False))
        floor = 1e-9 * sum(m.width * m.frequency for m in self.modes)
        scale = max(max(abs(j) for j in machine.values()), floor)
        worst = max(abs(j) for j in spurious.values())
        ratio = worst / scale
        check_premise(
            ratio <= self.EQUILIBRIUM_TOL, "pseudomode thermal factor",
            f"with every bath at T = {t_eq:.4g} the embedding still carries a heat current: "
            "the system samples a Lorentzian away from its centre (a detuned transition or "
            "levels split by a strong coupling), where the local residual's frozen factor "
            "n(Omega) is wrong; use residual='global'",
            stacklevel=3, equilibrium_current=worst, machine_current=scale, ratio=ratio)
        return float(ratio)

    def converged(self, extra: int = 2, rtol: float = 1e-3) -> tuple[bool, float]:
        """Whether the heat currents change by less than ``rtol`` (relative to the largest)
        with ``extra`` more Fock levels per mode (and ``extra`` more excitations when
        truncated by ``max_excitations``); returns ``(converged, change)``."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PremiseWarning)
            here = self.heat_currents(self.solve(check=False))
            args = self._build["arguments"]
            levels = args["levels"]
            levels = ([lv + extra for lv in levels] if not isinstance(levels, int | np.integer)
                      else levels + extra)
            mx = args["max_excitations"]
            finer = self.rebuild(levels=levels,
                                 max_excitations=None if mx is None else mx + extra)
            there = finer.heat_currents(finer.solve(check=False))
        scale = max(abs(j) for j in here.values()) or 1.0
        change = max(abs(here[b] - there[b]) for b in here) / scale
        return bool(change <= rtol), float(change)


def embed(hamiltonian: qutip.Qobj, couplings: Sequence[tuple[BosonicBath, qutip.Qobj]],
          levels: int | Sequence[int] = 10, *, residual: str = "local",
          max_excitations: int | None = None) -> Embedding:
    r"""Embed every Lorentzian bath as pseudomodes (see the module docstring).

    Parameters
    ----------
    hamiltonian : qutip.Qobj
        The system Hamiltonian :math:`H_S`.
    couplings : sequence of (BosonicBath, qutip.Qobj)
        Each bath (spectral density a :class:`~qfridge.core.baths.PseudomodeSpectralDensity`
        or :class:`~qfridge.core.baths.LorentzianSpectralDensity`) with the system operator
        it couples to: Hermitian :math:`A` gives :math:`g A(c + c^\dagger)`, a non-Hermitian
        :math:`s` (e.g. a resonator's :math:`a`) the exchange :math:`g(s^\dagger c +
        c^\dagger s)`.
    levels : int or sequence of int
        Fock levels kept per mode (one number for all, or one per mode in order).
    residual : {"local", "global"}
        How the residual baths damp the modes (module docstring).
    max_excitations : int, optional
        Keep only basis states with at most this total excitation (system levels counted
        by index, modes by photon number).

    Returns
    -------
    Embedding
        :math:`H = H_S + \sum_m \Omega_m c_m^\dagger c_m + H_{\rm int}`, each :math:`c_m`
        damped by the residual of bath :math:`b(m)` at its temperature.
    """
    if residual not in RESIDUALS:
        raise ValueError(f"residual must be one of {RESIDUALS}, got {residual!r}")
    arguments = dict(hamiltonian=hamiltonian, couplings=list(couplings), levels=levels,
                     residual=residual, max_excitations=max_excitations)
    h_s = check_hamiltonian(hamiltonian)
    specs, temperatures = [], {}
    for index, (bath, s) in enumerate(couplings):
        modes = _pseudomodes(bath, index)
        op = check_operator(f"coupling operator of bath {bath.name!r}", s, h_s)
        temperatures[bath.name] = float(bath.temperature)
        specs += [(bath.name, op, m) for m in modes]
    if isinstance(levels, int | np.integer):
        levels = [int(levels)] * len(specs)
    levels = [checks.integer_at_least("levels", lv, 2) for lv in levels]
    if len(levels) != len(specs):
        raise ValueError(f"levels must give one number per mode ({len(specs)}), got {levels}")
    system_dims = list(h_s.dims[0])
    dims = system_dims + levels
    excitations = excitation_number(dims)
    if max_excitations is None:
        keep = np.arange(excitations.size)
    else:
        max_excitations = checks.integer_at_least("max_excitations", max_excitations, 1)
        keep = np.flatnonzero(excitations <= max_excitations)
    n_sys = len(system_dims)
    d_s = int(np.prod(system_dims))
    d_m = int(np.prod(levels)) if levels else 1

    def restrict(op: sp.spmatrix) -> sp.csr_matrix:
        return sp.csr_matrix(op)[keep][:, keep]

    def system_op(op: qutip.Qobj) -> sp.csr_matrix:
        return restrict(sp.kron(op.data.as_scipy(), sp.identity(d_m), format="csr"))

    def lowering(k: int) -> sp.csr_matrix:
        before = int(np.prod(levels[:k]))
        after = int(np.prod(levels[k + 1:]))
        a = sp.diags(np.sqrt(np.arange(1, levels[k])), 1, format="csr")
        return restrict(sp.kron(sp.identity(d_s * before), sp.kron(a, sp.identity(after)),
                                format="csr"))

    h = system_op(h_s)
    modes, lows = [], []
    for k, ((name, op, (g, omega, density)), lv) in enumerate(zip(specs, levels, strict=True)):
        checks.finite("pseudomode coupling", g)
        checks.positive("pseudomode frequency", omega)
        width = float(density(omega))
        if not width > 0:
            raise ValueError(f"pseudomode {k} of bath {name!r} has no residual width at its "
                             f"frequency {omega!r} (kappa = {width!r})")
        c = lowering(k)
        s = system_op(op)
        rwa = not op.isherm
        h = h + omega * (c.T @ c) + g * ((s.conj().T @ c + c.T @ s) if rwa else s @ (c + c.T))
        modes.append(Pseudomode(name, n_sys + k, float(g), float(omega), width, lv, density,
                                rwa))
        lows.append(c)
    basis = np.array(np.unravel_index(keep, dims)).T
    return Embedding(dict(
        modes=modes, residual=residual, basis=basis, h=sp.csr_matrix(h),
        system_dims=system_dims, temperatures=temperatures, lowering=lows,
        max_excitations=max_excitations, excitations=excitations[keep],
        arguments=arguments))
