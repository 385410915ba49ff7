r"""Exact collision model for seed 000: what the closed forms approximate.

One collision: cavity (Fock space truncated at ``n_levels``) ⊗ atom pair (4 levels,
basis :math:`|gg\rangle, |ge\rangle, |eg\rangle, |ee\rangle`, atom A first), pair prepared in
the thermal XY state of Eq. 2 *including* the coherence :math:`\rho_{nd}`, evolved for τ
under (frame rotating at the atom frequency ω, ħ = 1)

.. math::
    H' = -\Delta\,a^\dagger a + g_A(a\sigma_A^+ + a^\dagger\sigma_A^-)
         + g_B(a\sigma_B^+ + a^\dagger\sigma_B^-)
         \;[+\;\lambda(\sigma_A^+\sigma_B^- + \sigma_A^-\sigma_B^+)],

with :math:`g_B = 0` (one-atom) or :math:`g_B = g_A = g` (two-atom); the exchange term is
off by default, as in the paper's Eq. 15 (:math:`U = e^{-iH_{\rm int}\tau}`), and can be
switched on. Then :math:`\Phi(\rho) = \mathrm{Tr}_{\rm pair}[U(\rho\otimes\eta)U^\dagger]`.
The stream is a Poisson process at rate R between whose arrivals the cavity follows
:math:`\mathcal L_{\rm bath} = \kappa(\bar n_1 + 1)\mathcal D[a]
+ \kappa\bar n_1\mathcal D[a^\dagger]`;
the averaged generator is :math:`R(\Phi - 1) + \mathcal L_{\rm bath}` and its steady state
is the stream's steady state.

Two methods compute it:

* ``"superoperator"``: QuTiP throughout — :class:`qfridge.engines.collision.CollisionMap`
  from :math:`U` and η, :func:`~qfridge.engines.collision.poisson_stream_generator`, the
  bath Liouvillian from :func:`qutip.liouvillian`, and the steady state from the solver
  layer (:func:`~qfridge.engines.collision.stream_steady_state`: sparse LU with residual,
  uniqueness and positivity checks). Fine up to a few tens of levels.
* ``"populations"`` (default): written by hand because QuTiP does not exploit it.
  :math:`H'` conserves the total excitation number and η commutes with it, so a
  Fock-diagonal cavity state stays diagonal and the map acts on populations only.
  In each excitation sector (at most 4 states) :math:`U` is a 4×4 block; all blocks are
  exponentiated at once (batched ``eigh``), giving the population transfer matrix
  :math:`P(m|n)` exactly, and the steady state solves an
  :math:`n_{\rm levels}\times n_{\rm levels}` linear system. Identical to the first method
  on the same truncation (checked in the tests), and usable at hundreds of levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import qutip

from ..core import checks
from ..core.resources import require_memory
from ..core.validity import check_truncation
from ..engines.collision import CollisionMap, poisson_stream_generator, stream_steady_state

# pair product basis: index 2*a + b with a, b in {0 = g, 1 = e}: gg, ge, eg, ee
_EXC = np.array([0, 1, 1, 2])
METHODS = ("populations", "superoperator")


def _pair_density(model) -> np.ndarray:
    """η in the product basis (gg, ge, eg, ee): Eq. 2 with the coherence ρ_nd."""
    w = model.pair_weights()
    eta = np.diag([w["rho_g"], w["rho_d"], w["rho_d"], w["rho_e"]]).astype(complex)
    eta[1, 2] = eta[2, 1] = w["rho_nd"]
    return eta


def _pair_eigen(model):
    """η = Σ p_k v_k v_k† with each v_k of definite excitation number (no sector mixing)."""
    w = model.pair_weights()
    s = 1.0 / np.sqrt(2.0)
    vecs = np.array([[1, 0, 0, 0], [0, s, s, 0], [0, s, -s, 0], [0, 0, 0, 1]], dtype=float)
    probs = np.array([w["rho_g"], w["rho_d"] + w["rho_nd"], w["rho_d"] - w["rho_nd"],
                      w["rho_e"]])
    return np.clip(probs, 0.0, None), vecs, np.array([0, 1, 1, 2])


def _couplings(model):
    g = float(model.g)
    return g, (g if model.coupling == "two" else 0.0)


def _scalar_model(model):
    for name in ("omega1", "omega", "lam", "t_atom", "t_bath", "g", "tau", "rate", "kappa"):
        if np.ndim(getattr(model, name)) != 0:
            raise ValueError(f"the exact collision model needs scalar parameters; {name} is an "
                             f"array of shape {np.shape(getattr(model, name))}")


def sector_unitaries(model, n_levels: int, exchange_during_collision: bool = False):
    """Blocks :math:`U_K` (shape (K_max+1, 4, 4)) of :math:`e^{-iH'\\tau}` per excitation sector K.

    Sector K holds :math:`|K - e_j\\rangle\\otimes|j\\rangle` for pair states j (gg, ge, eg, ee)
    with :math:`e_j` excitations; states whose cavity number falls outside
    ``0 .. n_levels - 1`` are decoupled (this is exactly the truncated-space Hamiltonian).
    """
    ga, gb = _couplings(model)
    delta = float(model.detuning)
    kk = np.arange(n_levels + 2)
    c = kk[:, None] - _EXC[None, :]                       # cavity number of each basis state
    valid = (c >= 0) & (c <= n_levels - 1)
    h = np.zeros((kk.size, 4, 4))
    h[:, range(4), range(4)] = np.where(valid, -delta * c, 0.0)
    sq = np.sqrt(np.clip(c, 0, None).astype(float))

    def link(i, j, amp):
        v = np.where(valid[:, i] & valid[:, j], amp, 0.0)
        h[:, i, j] += v
        h[:, j, i] += v

    # a sigma_A^+ : |c>|g b> -> sqrt(c)|c-1>|e b>; gg(0) <-> eg(2), ge(1) <-> ee(3)
    link(0, 2, ga * sq[:, 0])
    link(1, 3, ga * sq[:, 1])
    # a sigma_B^+ : gg(0) <-> ge(1), eg(2) <-> ee(3)
    link(0, 1, gb * sq[:, 0])
    link(2, 3, gb * sq[:, 2])
    if exchange_during_collision:
        link(1, 2, float(model.lam) * np.ones(kk.size))
    e, v = np.linalg.eigh(h)
    phase = np.exp(-1j * e * float(model.tau))
    return np.einsum("kij,kj,klj->kil", v, phase, v.conj()), valid


def population_transfer_matrix(model, n_levels: int, exchange_during_collision: bool = False):
    r"""Exact one-collision map on Fock populations: ``P[m, n]`` = probability n → m."""
    checks.integer_at_least("n_levels", n_levels, 2)
    _scalar_model(model)
    u, _ = sector_unitaries(model, n_levels, exchange_during_collision)
    probs, vecs, exc = _pair_eigen(model)
    n = np.arange(n_levels)
    p = np.zeros((n_levels, n_levels))
    for pk, vk, ek in zip(probs, vecs, exc, strict=True):
        if pk == 0:
            continue
        psi = np.einsum("nij,j->ni", u[n + ek], vk)       # amplitudes in sector K = n + e_k
        w = pk * np.abs(psi) ** 2
        for j in range(4):
            m = n + ek - _EXC[j]
            ok = (m >= 0) & (m < n_levels)
            np.add.at(p, (m[ok], n[ok]), w[ok, j])
    return p


def bath_population_generator(model, n_levels: int) -> np.ndarray:
    r"""Rate matrix of :math:`\kappa(\bar n_1+1)\mathcal D[a] + \kappa\bar n_1\mathcal D[a^\dagger]`
    on populations, on the same truncated space as QuTiP's ``destroy(n_levels)``."""
    kap, nb = float(model.kappa), float(model.bath_occupation())
    n = np.arange(n_levels, dtype=float)
    down = kap * (nb + 1.0) * n
    up = kap * nb * (n + 1.0)
    up[-1] = 0.0
    b = np.diag(-(down + up))
    b[np.arange(n_levels - 1), np.arange(1, n_levels)] = down[1:]
    b[np.arange(1, n_levels), np.arange(n_levels - 1)] = up[:-1]
    return b


def _stationary(gen: np.ndarray) -> np.ndarray:
    a = gen.copy()
    a[-1, :] = 1.0
    rhs = np.zeros(gen.shape[0])
    rhs[-1] = 1.0
    p = np.linalg.solve(a, rhs)
    return np.clip(p, 0.0, None) / np.clip(p, 0.0, None).sum()


def pair_state_qobj(model) -> qutip.Qobj:
    """η as a 4-level Qobj (basis gg, ge, eg, ee), the ancilla of :class:`CollisionMap`."""
    return qutip.Qobj(_pair_density(model), dims=[[4], [4]])


def collision_map(model, n_levels: int, exchange_during_collision: bool = False) -> CollisionMap:
    """The exact collision as a :class:`~qfridge.engines.collision.CollisionMap` (QuTiP)."""
    _scalar_model(model)
    a = qutip.destroy(n_levels)
    sp = np.zeros((2, 2))
    sp[1, 0] = 1.0                                       # sigma^+ = |e><g| with g = 0, e = 1
    sp_a = qutip.Qobj(np.kron(sp, np.eye(2)), dims=[[4], [4]])
    sp_b = qutip.Qobj(np.kron(np.eye(2), sp), dims=[[4], [4]])
    ga, gb = _couplings(model)
    i4 = qutip.qeye(4)
    h = -float(model.detuning) * qutip.tensor(a.dag() * a, i4)
    for gj, spj in ((ga, sp_a), (gb, sp_b)):
        if gj:
            h += gj * (qutip.tensor(a, spj) + qutip.tensor(a.dag(), spj.dag()))
    if exchange_during_collision:
        h += float(model.lam) * qutip.tensor(qutip.qeye(n_levels),
                                             sp_a * sp_b.dag() + sp_a.dag() * sp_b)
    return CollisionMap.from_interaction(h, pair_state_qobj(model), float(model.tau))


def bath_liouvillian(model, n_levels: int) -> qutip.Qobj:
    """:math:`\\mathcal L_{\\rm bath}` (Eq. 20) on the truncated cavity, built by QuTiP."""
    a = qutip.destroy(n_levels)
    kap, nb = float(model.kappa), float(model.bath_occupation())
    return qutip.liouvillian(0 * a.dag() * a, [np.sqrt(kap * (nb + 1)) * a,
                                                 np.sqrt(kap * nb) * a.dag()])


@dataclass(frozen=True)
class ExactResult:
    """Steady state of the exact Poisson collision stream.

    Attributes
    ----------
    n_star : float
        :math:`\\langle a^\\dagger a\\rangle` in the steady state.
    t_cav : float
        Bose-inverted temperature of ``n_star`` (K), as Eq. 26 defines it.
    populations : ndarray
        Fock populations :math:`p_n`.
    n_levels : int
        Truncation used; ``top_population`` is :math:`p_{n_{\\rm levels}-1}`.
    method : str
        ``"populations"`` or ``"superoperator"``.
    """

    n_star: float
    t_cav: float
    populations: np.ndarray
    n_levels: int
    top_population: float
    method: str

    def __str__(self) -> str:
        return (f"exact stream steady state ({self.method}, {self.n_levels} Fock levels): "
                f"n* = {self.n_star:.6g}, T_cav = {self.t_cav * 1e3:.6g} mK "
                f"(top-level population {self.top_population:.2g})")


def default_levels(model, tol: float = 1e-12) -> int:
    """A truncation whose thermal tail at the larger of n̄₁ (if κ > 0) and the stream's n* is
    below ``tol``."""
    nb = float(model.bath_occupation()) if float(model.kappa) > 0 else 0.0
    ns = float(np.nanmax([model.n_star_kappa0(), 0.0]))
    nmax = max(nb, ns, 0.05)
    return int(np.ceil(np.log(tol) / np.log(nmax / (nmax + 1.0)))) + 8


def exact_steady_state(model, n_levels: int | None = None, method: str = "populations",
                       exchange_during_collision: bool = False,
                       truncation_tol: float = 1e-10) -> ExactResult:
    r"""Exact steady state of :math:`R(\Phi - 1) + \mathcal L_{\rm bath}` (see module docstring).

    Parameters
    ----------
    model : CorrelatedPairCooling
        Scalar parameters. ``chi`` and ``detuning_filter`` are not used: the exact
        dynamics fixes both.
    n_levels : int, optional
        Fock truncation; by default chosen from the larger of :math:`\bar n_1` and the
        stream's own occupation, and doubled (up to 3 times) until the top level holds
        less than ``truncation_tol`` (``"populations"`` method). A ``PremiseWarning``
        ("Fock truncation converged") is raised if it still does not.
    method : {"populations", "superoperator"}
    exchange_during_collision : bool
        Keep the pair's exchange :math:`\lambda` on during the collision (off in the paper).

    Notes
    -----
    At κ = 0 the stream alone may not have a unique steady state: when
    :math:`\sin(g\tau\sqrt{n+1}) = 0` (micromaser trapping states; the literal Table 2
    angle :math:`g\tau = 50\pi` traps at :math:`n = k^2 - 1`, including the vacuum for one
    atom) the Fock ladder splits into disconnected blocks. Use a small κ > 0 to select the
    physical (κ → 0⁺) state.
    """
    checks.one_of("method", method, METHODS)
    _scalar_model(model)
    auto = n_levels is None
    n = default_levels(model) if auto else checks.integer_at_least("n_levels", n_levels, 2)
    from .cavity_cooling import bose_temperature

    for attempt in range(4):
        require_memory(
            f"the exact cavity steady state ({method}) with n_levels = {n}",
            4 * 8.0 * n**2 if method == "populations" else 3 * 16.0 * n**4,
            "the bath occupation or the stream's n* sets the truncation: check t_bath and "
            "omega1, or pass a smaller n_levels")
        if method == "populations":
            gen = float(model.rate) * (population_transfer_matrix(
                model, n, exchange_during_collision) - np.eye(n))
            gen += bath_population_generator(model, n)
            pops = _stationary(gen)
        else:
            cmap = collision_map(model, n, exchange_during_collision)
            gen = poisson_stream_generator(cmap, float(model.rate), bath_liouvillian(model, n))
            pops = np.real(stream_steady_state(gen).rho.diag())
        top = float(pops[-1])
        if not auto or method != "populations" or top <= truncation_tol or attempt == 3:
            break
        n *= 2
    check_truncation(top, tolerance=truncation_tol, stacklevel=3)
    nstar = float(np.dot(np.arange(n), pops))
    return ExactResult(nstar, float(bose_temperature(nstar, model.omega1)), pops, n, top,
                       method)


def effective_chi(model, exact_n_star: float):
    r"""The χ for which the closed-form :math:`n^*` equals ``exact_n_star``.

    Solving :math:`n = (\kappa\bar n_1 + R\chi\phi^2L r_1)/(\kappa + R\chi\phi^2L(r_2 - r_1))`
    for χ: :math:`\chi = \kappa(\bar n_1 - n)/[R\phi^2L\,(n(r_2 - r_1) - r_1)]`, with the model's
    coefficients (use ``coupling="two"`` for :math:`r^{(2)}`; for one-atom coupling the
    same formula gives the one-atom enhancement, 1 at small φ). Needs κ > 0.
    """
    checks.positive("kappa", model.kappa)
    r1, r2 = model.stream_coefficients()
    nb = model.bath_occupation()
    lev = float(model.rate) * float(model.phi()) ** 2 * float(model.filter_value())
    return float(model.kappa) * (nb - exact_n_star) / (lev * (exact_n_star * (r2 - r1) - r1))
