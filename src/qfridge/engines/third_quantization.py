r"""Exact steady states and Liouvillian gaps of quadratic fermionic Lindbladians.

Third quantization (T. Prosen, New J. Phys. 10, 043026 (2008)) in its
covariance-matrix form. With :math:`n` modes :math:`c_j` and the :math:`2n`
Majorana operators

.. math:: w_{2j} = c_j + c_j^\dagger, \qquad w_{2j+1} = i(c_j - c_j^\dagger),
          \qquad \{w_a, w_b\} = 2\delta_{ab},

a quadratic Hamiltonian is :math:`H = \sum_{ab} w_a H_{ab} w_b` (:math:`H` imaginary
antisymmetric) and linear jumps are :math:`L_\mu = \sum_a l_{\mu,a} w_a`, in the
master equation :math:`\dot\rho = -i[H,\rho] + \sum_\mu (L_\mu\rho L_\mu^\dagger
- \tfrac12\{L_\mu^\dagger L_\mu, \rho\})` (the usual normalisation, as in QuTiP;
Prosen writes :math:`2L\rho L^\dagger - \{L^\dagger L,\rho\}`). With
:math:`M = \sum_\mu l_\mu \otimes l_\mu^*` (Hermitian, positive) and

.. math:: X = 4iH + 2\,\mathrm{Re}\,M \quad(\text{real}),

the covariance :math:`\Gamma_{ab} = \tfrac{i}{2}\langle[w_a, w_b]\rangle` (real
antisymmetric) obeys, exactly,

.. math:: \dot\Gamma = -X\Gamma - \Gamma X^\top + 4\,\mathrm{Im}\,M,
          \qquad\text{so}\qquad X\Gamma + \Gamma X^\top = 4\,\mathrm{Im}\,M

in the steady state (derived from :math:`\mathcal{D}^\dagger(w_aw_b)`; checked
against the full Fock-space Lindblad equation in ``tests/test_third_quantization.py``).
The *rapidities* :math:`\beta` are the :math:`2n` eigenvalues of :math:`X`. Every
eigenvalue of the Liouvillian is :math:`-\sum_j \nu_j\beta_j`, :math:`\nu_j\in\{0,1\}`:
even operators (populations, :math:`\langle c_i^\dagger c_j\rangle`) carry an even
number of rapidities, odd operators (the coherence :math:`\langle c_j\rangle`) an odd
number — also for the physical odd sector of fermionic jumps, because
:math:`A \mapsto AP` (:math:`P` the parity) maps it onto Prosen's sign-flipped one.
Hence

* the **spectral gap** (slowest nonzero decay of any observable) is
  :math:`\min_j \mathrm{Re}\,\beta_j` — this factor was fixed against the exact
  Liouvillian spectrum (tests), not taken over from the reference, which writes the
  dissipator as :math:`2L\rho L^\dagger - \{L^\dagger L,\rho\}` and the spectrum as
  :math:`-2\sum\nu_j\beta_j` — and
* even observables relax at :math:`2\min\mathrm{Re}\,\beta` when the slowest
  rapidity comes with its conjugate (always so for number-conserving models).

The steady state is unique iff every :math:`\mathrm{Re}\,\beta_j > 0`.

**Number-conserving models** (no pairing, every jump either a pure loss
:math:`\sum u_i c_i` or a pure gain :math:`\sum v_i c_i^\dagger`) are solved in the
:math:`n\times n` form: with :math:`C_{ij} = \langle c_i^\dagger c_j\rangle`,
:math:`P = \sum_{\rm loss} u u^\dagger`, :math:`R = \sum_{\rm gain} v^* v^\top`,

.. math:: \dot C = -(KC + CK^\dagger) + R, \qquad K = -ih^\top + \tfrac12(P + R),

and the rapidities are the eigenvalues of :math:`K` and their conjugates.

**Lyapunov solver.** :func:`scipy.linalg.solve_continuous_lyapunov` (Bartels–Stewart)
runs LAPACK's unblocked ``trsyl``: 51 s for a 2002×2002 real problem on the
2-core development machine. Here the equation :math:`AY + YA^\dagger = Q` is solved by
diagonalising :math:`A = V\,\mathrm{diag}(d)\,V^{-1}` (one ``scipy.linalg.eig``,
which also gives the rapidities): :math:`Y = V\,[\tilde Q_{ij}/(d_i + d_j^*)]\,V^\dagger`,
:math:`\tilde Q = V^{-1}QV^{-\dagger}`. The relative residual is checked; above
``1e-10`` (ill-conditioned eigenvectors, e.g. at an exceptional point) the solve is
redone with ``solve_continuous_lyapunov``. Measured for :func:`qubit_lead_lindbladian`
with one BLAS thread on the shared 2-core machine (load ~2–3): l = 10 in 3 ms,
l = 100 in 25 ms, l = 1000 in ~6 s (the 1001×1001 complex ``eig`` is 3.5 s of it).
With two OpenBLAS threads on that loaded machine l = 1000 took 124 s: run it under
``qfridge.core.threads.blas_threads(1)`` when the cores are shared.

The state is refused (:class:`~qfridge.engines.steady.SteadyStateError`) when it is
not unique (a rapidity with :math:`\mathrm{Re}\,\beta \le 10^{-11}\|X\|_1`, reason
``"not unique"``), when the covariance is not a state (an eigenvalue of
:math:`i\Gamma` outside :math:`[-1, 1]` by more than ``1e-8``, reason
``"not a state"``), or when even the fallback leaves a residual above ``1e-6``
(reason ``"not converged"``).

:func:`qubit_lead_lindbladian` builds the qubit + cooled free-fermion lead of seed
002 (Appendix B, Fig. 7) as a fully fermionic model; see its docstring for the mapping.

Written by hand because no maintained Python library exposes third quantization
for Lindbladians (QuTiP 5.3 has none; it only builds Fock-space Liouvillians,
exponential in the number of modes). The linear algebra is SciPy's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.linalg as sla

from ..core import checks
from .steady import SteadyStateError

__all__ = [
    "QuadraticLindbladian", "QuadraticSteadyState", "qubit_lead_lindbladian",
    "qubit_lead_sz",
]

#: Relative tolerance on Hermiticity of ``hopping`` / antisymmetry of ``pairing``.
HERMITIAN_TOL = 1e-10
#: A rapidity with Re β <= UNIQUE_TOL * ||X||_1 makes the steady state non-unique.
UNIQUE_TOL = 1e-11
#: Eigenvalues of iΓ may exceed [-1, 1] by this much (roundoff) before refusal.
STATE_TOL = 1e-8
#: Relative Lyapunov residual above which the diagonalisation route is redone by
#: Bartels–Stewart, and above which (after that) the answer is refused.
RESIDUAL_SWITCH = 1e-10
RESIDUAL_MAX = 1e-6
#: Above this many modes (per side) the residual is estimated by random probes.
EXACT_RESIDUAL_MAX = 512
RESIDUAL_PROBES = 8


# ---------------------------------------------------------------------------
# Majorana <-> Dirac conversions
# ---------------------------------------------------------------------------

def _omega(n: int) -> np.ndarray:
    """``(n, 2n)`` matrix with ``c = Ω w``: c_j = (w_{2j} - i w_{2j+1}) / 2."""
    om = np.zeros((n, 2 * n), dtype=complex)
    idx = np.arange(n)
    om[idx, 2 * idx] = 0.5
    om[idx, 2 * idx + 1] = -0.5j
    return om


def _covariance_from_correlation(corr: np.ndarray) -> np.ndarray:
    """Majorana covariance of a number-conserving state with ⟨c_i† c_j⟩ = ``corr``."""
    n = corr.shape[0]
    re, im = corr.real, corr.imag
    gam = np.empty((2 * n, 2 * n))
    gam[0::2, 0::2] = -2.0 * im
    gam[1::2, 1::2] = -2.0 * im
    gam[0::2, 1::2] = np.eye(n) - 2.0 * re
    gam[1::2, 0::2] = -np.eye(n) + 2.0 * re
    return gam


def _relative_residual(a, y, q) -> float:
    """:math:`\\|AY + YA^\\dagger - Q\\|_F / (2\\|A\\|_F\\|Y\\|_F + \\|Q\\|_F)`; exact up to
    ``EXACT_RESIDUAL_MAX`` unknowns per side, above that estimated from
    ``RESIDUAL_PROBES`` Gaussian probes (:math:`E\\|Ex\\|^2 = \\|E\\|_F^2`), which costs
    :math:`O(n^2)` instead of two :math:`n^3` products."""
    scale = 2.0 * np.linalg.norm(a) * np.linalg.norm(y) + np.linalg.norm(q)
    if scale == 0:
        return 0.0
    n = a.shape[0]
    if n <= EXACT_RESIDUAL_MAX:
        return float(np.linalg.norm(a @ y + y @ a.conj().T - q) / scale)
    x = np.random.default_rng(0).standard_normal((n, RESIDUAL_PROBES))
    ex = a @ (y @ x) + y @ (a.conj().T @ x) - q @ x
    return float(np.sqrt(np.sum(np.abs(ex) ** 2) / RESIDUAL_PROBES) / scale)


def _lyapunov(a: np.ndarray, q: np.ndarray, evals: np.ndarray, vecs: np.ndarray | None):
    """Solve ``a y + y a^† = q`` by diagonalisation, else Bartels–Stewart.

    Returns ``(y, relative residual, route)``."""
    y = None
    if vecs is not None:
        try:
            winv = np.linalg.inv(vecs)
        except np.linalg.LinAlgError:
            winv = None
        if winv is not None:
            qt = winv @ q @ winv.conj().T
            yt = qt / (evals[:, None] + evals.conj()[None, :])
            y = vecs @ yt @ vecs.conj().T
            if not np.iscomplexobj(a) and not np.iscomplexobj(q):
                y = y.real
            if not np.all(np.isfinite(y)):
                y = None
    if y is not None:
        resid = _relative_residual(a, y, q)
        if resid <= RESIDUAL_SWITCH:
            return y, resid, "eig"
    y = sla.solve_continuous_lyapunov(a, q)
    return y, _relative_residual(a, y, q), "bartels-stewart"


def _positive(mat: np.ndarray, tol: float) -> bool:
    """``mat + tol`` positive definite (one Cholesky, ~6x cheaper than ``eigvalsh``)."""
    try:
        np.linalg.cholesky(mat + tol * np.eye(mat.shape[0]))
    except np.linalg.LinAlgError:
        return False
    return True


# ---------------------------------------------------------------------------
# Steady state
# ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class QuadraticSteadyState:
    """Gaussian steady state of a quadratic Lindbladian.

    Attributes
    ----------
    covariance : ndarray, shape (2n, 2n)
        Real antisymmetric :math:`\\Gamma_{ab} = \\tfrac{i}{2}\\langle[w_a, w_b]\\rangle`
        with :math:`w_{2j} = c_j + c_j^\\dagger`, :math:`w_{2j+1} = i(c_j - c_j^\\dagger)`
        (one mode: :math:`\\Gamma_{01} = 1 - 2\\langle n\\rangle`).
    residual : float
        Relative residual :math:`\\|AY + YA^\\dagger - Q\\|_F /
        (2\\|A\\|_F\\|Y\\|_F + \\|Q\\|_F)` of the Lyapunov equation that was solved
        (the :math:`n\\times n` one for number-conserving models).
    """

    covariance: np.ndarray
    residual: float

    @property
    def n_modes(self) -> int:
        return self.covariance.shape[0] // 2

    def _blocks(self):
        g = self.covariance
        # <w_a w_b> = δ_ab - i Γ_ab
        return g[0::2, 0::2], g[0::2, 1::2], g[1::2, 0::2], g[1::2, 1::2]

    def correlation(self) -> np.ndarray:
        """:math:`C_{ij} = \\langle c_i^\\dagger c_j\\rangle` (Hermitian, ``(n, n)``)."""
        g_ee, g_eo, g_oe, g_oo = self._blocks()
        eye = np.eye(self.n_modes)
        # C = ¼ (G_ee - i G_eo + i G_oe + G_oo), G = 1 - iΓ
        return 0.25 * ((2 * eye - 1j * (g_ee + g_oo)) - 1j * (-1j * g_eo) + 1j * (-1j * g_oe))

    def anomalous(self) -> np.ndarray:
        """:math:`F_{ij} = \\langle c_i c_j\\rangle` (antisymmetric; zero without pairing)."""
        g_ee, g_eo, g_oe, g_oo = self._blocks()
        # F = ¼ (G_ee - i G_eo - i G_oe - G_oo)
        return 0.25 * (-1j * (g_ee - g_oo) - 1j * (-1j * g_eo) - 1j * (-1j * g_oe))

    def occupation(self) -> np.ndarray:
        """:math:`\\langle n_i\\rangle = (1 - \\Gamma_{2i,2i+1})/2`."""
        g = self.covariance
        idx = np.arange(self.n_modes)
        return 0.5 * (1.0 - g[2 * idx, 2 * idx + 1])


# ---------------------------------------------------------------------------
# Lindbladian
# ---------------------------------------------------------------------------

def _as_square(name: str, value, n: int | None = None) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 1:
        raise ValueError(f"{name} must be a square (n, n) matrix with n >= 1, "
                         f"got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n}, {n}) like hopping, got {arr.shape}")
    checks.finite(name, arr)
    return arr.astype(complex)


@dataclass(frozen=True, eq=False)
class QuadraticLindbladian:
    r"""A quadratic fermionic Lindbladian in Dirac single-particle form.

    :math:`H = \sum_{ij} h_{ij} c_i^\dagger c_j + \tfrac12\sum_{ij}(\Delta_{ij}
    c_i^\dagger c_j^\dagger + \mathrm{h.c.})` and jumps
    :math:`L_\mu = \sum_i (u_{\mu i} c_i + v_{\mu i} c_i^\dagger)`. Build it with
    :meth:`from_dirac`; the fields are the validated arrays.

    Attributes
    ----------
    hopping : ndarray (n, n)
        Hermitian :math:`h`.
    pairing : ndarray (n, n)
        Antisymmetric :math:`\Delta` (zeros when absent).
    jumps_u, jumps_v : ndarray (m, n)
        Row :math:`\mu` holds :math:`u_\mu` and :math:`v_\mu` (``m`` may be 0).
    """

    hopping: np.ndarray
    pairing: np.ndarray
    jumps_u: np.ndarray
    jumps_v: np.ndarray

    def __post_init__(self):
        h = _as_square("hopping", self.hopping)
        n = h.shape[0]
        scale = max(1.0, float(np.max(np.abs(h))))
        if np.max(np.abs(h - h.conj().T)) > HERMITIAN_TOL * scale:
            raise ValueError(f"hopping must be Hermitian, max |h - h^dagger| = "
                             f"{np.max(np.abs(h - h.conj().T)):.3g}")
        d = _as_square("pairing", self.pairing, n)
        dscale = max(1.0, float(np.max(np.abs(d))))
        if np.max(np.abs(d + d.T)) > HERMITIAN_TOL * dscale:
            raise ValueError(f"pairing must be antisymmetric, max |Delta + Delta^T| = "
                             f"{np.max(np.abs(d + d.T)):.3g}")
        u = np.asarray(self.jumps_u)
        v = np.asarray(self.jumps_v)
        for name, arr in (("jumps_u", u), ("jumps_v", v)):
            if arr.ndim != 2 or arr.shape[1] != n:
                raise ValueError(f"{name} must have shape (m, {n}), got {arr.shape}")
            checks.finite(name, arr)
        if u.shape != v.shape:
            raise ValueError(f"jumps_u and jumps_v must have the same shape, got {u.shape} "
                             f"and {v.shape}")
        object.__setattr__(self, "hopping", 0.5 * (h + h.conj().T))
        object.__setattr__(self, "pairing", 0.5 * (d - d.T))
        object.__setattr__(self, "jumps_u", u.astype(complex))
        object.__setattr__(self, "jumps_v", v.astype(complex))

    @classmethod
    def from_dirac(cls, hopping, jumps, pairing=None) -> QuadraticLindbladian:
        """Validated Lindbladian from :math:`h`, jumps ``[(u, v), ...]``, optional :math:`\\Delta`.

        ``hopping``: (n, n) Hermitian, :math:`H = \\sum h_{ij} c_i^\\dagger c_j`;
        ``pairing``: (n, n) antisymmetric, :math:`H \\mathrel{+}= \\tfrac12\\sum
        (\\Delta_{ij}c_i^\\dagger c_j^\\dagger + \\mathrm{h.c.})`; ``jumps``: a sequence
        of ``(u, v)`` pairs of length-n vectors, :math:`L = \\sum_i (u_i c_i +
        v_i c_i^\\dagger)` with the rate folded in (``None`` for a zero vector).
        """
        h = _as_square("hopping", hopping)
        n = h.shape[0]
        d = np.zeros((n, n), complex) if pairing is None else _as_square("pairing", pairing, n)
        if isinstance(jumps, np.ndarray | str) or not isinstance(jumps, Sequence):
            raise ValueError(f"jumps must be a sequence of (u, v) pairs, got {type(jumps)!r}")
        us, vs = [], []
        for mu, jump in enumerate(jumps):
            if isinstance(jump, str) or not isinstance(jump, Sequence | np.ndarray) \
                    or len(jump) != 2:
                raise ValueError(f"jumps[{mu}] must be a (u, v) pair, got {jump!r}")
            pair = []
            for part, vec in zip("uv", jump, strict=True):
                arr = np.zeros(n, complex) if vec is None else np.asarray(vec)
                if arr.shape != (n,):
                    raise ValueError(f"jumps[{mu}] {part} must be a vector of length {n}, "
                                     f"got shape {arr.shape}")
                checks.finite(f"jumps[{mu}] {part}", arr)
                pair.append(arr.astype(complex))
            us.append(pair[0])
            vs.append(pair[1])
        u = np.array(us).reshape(len(us), n)
        v = np.array(vs).reshape(len(vs), n)
        return cls(hopping=h, pairing=d, jumps_u=u, jumps_v=v)

    # --- structure -----------------------------------------------------------

    @property
    def n_modes(self) -> int:
        return self.hopping.shape[0]

    @property
    def number_conserving(self) -> bool:
        """No pairing and every jump a pure loss or a pure gain (U(1) weak symmetry)."""
        if np.any(self.pairing != 0):
            return False
        loss = np.any(self.jumps_u != 0, axis=1)
        gain = np.any(self.jumps_v != 0, axis=1)
        return not np.any(loss & gain)

    def majorana_hamiltonian(self) -> np.ndarray:
        """Imaginary antisymmetric ``(2n, 2n)`` :math:`H` with :math:`H = w^\\top H w` + const."""
        om = _omega(self.n_modes)
        h, d = self.hopping, self.pairing
        k = (om.conj().T @ h @ om + 0.5 * om.conj().T @ d @ om.conj()
             - 0.5 * om.T @ d.conj() @ om)
        return 1j * (0.5 * (k - k.T)).imag

    def majorana_jumps(self) -> np.ndarray:
        """``(m, 2n)`` rows :math:`l_\\mu` with :math:`L_\\mu = \\sum_a l_{\\mu a} w_a`."""
        om = _omega(self.n_modes)
        return self.jumps_u @ om + self.jumps_v @ om.conj()

    def structure_matrix(self) -> np.ndarray:
        """Real :math:`X = 4iH + 2\\,\\mathrm{Re}\\,M` (its eigenvalues are the rapidities)."""
        lm = self.majorana_jumps()
        m = lm.T @ lm.conj()
        return (4j * self.majorana_hamiltonian()).real + 2.0 * m.real

    # --- solution -------------------------------------------------------------

    @cached_property
    def _problem(self):
        """``(A, Q, eigenvalues, eigenvectors, number_conserving)`` of ``A Y + Y A^† = Q``."""
        if self.number_conserving:
            loss = self.jumps_u[np.any(self.jumps_u != 0, axis=1)]
            gain = self.jumps_v[np.any(self.jumps_v != 0, axis=1)]
            p = loss.T @ loss.conj()           # Σ u u^†
            r = gain.T.conj() @ gain           # Σ v^* v^T
            a = -1j * self.hopping.T + 0.5 * (p + r)
            q = r
        else:
            lm = self.majorana_jumps()
            m = lm.T @ lm.conj()
            a = self.structure_matrix()
            q = 4.0 * m.imag
        try:
            evals, vecs = sla.eig(a, check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            evals, vecs = sla.eigvals(a, check_finite=False), None
        return a, q, evals, vecs, self.number_conserving

    def rapidities(self) -> np.ndarray:
        """The :math:`2n` eigenvalues of :math:`X`, sorted by real part then imaginary part.

        For number-conserving models: the eigenvalues of :math:`K` and their conjugates."""
        _, _, evals, _, nc = self._problem
        beta = np.concatenate([evals, evals.conj()]) if nc else evals
        return beta[np.lexsort((beta.imag, beta.real))]

    def _uniqueness(self) -> tuple[float, float]:
        a, _, evals, _, _ = self._problem
        tol = UNIQUE_TOL * max(float(np.linalg.norm(a, 1)), np.finfo(float).tiny)
        return float(np.min(evals.real)), tol

    def _refuse_non_unique(self, what: str):
        slowest, tol = self._uniqueness()
        if slowest <= tol:
            raise SteadyStateError(
                f"{what}: the steady state is not unique — a rapidity has Re beta = "
                f"{slowest:.3g} <= {tol:.3g} (conserved or undamped modes; every mode must "
                f"be reached by a jump)",
                {"min_re_rapidity": slowest, "tolerance": tol}, reason="not unique")

    def spectral_gap(self) -> float:
        """Liouvillian gap :math:`\\min_j\\mathrm{Re}\\,\\beta_j` — the slowest nonzero decay
        rate of any observable (an odd one, e.g. :math:`\\langle c_j\\rangle`; even
        observables decay at twice this when the slowest rapidity is complex or
        doubly degenerate). Refused (``SteadyStateError``, ``"not unique"``) when a
        rapidity is not damped."""
        self._refuse_non_unique("spectral_gap")
        return self._uniqueness()[0]

    def relaxation_time(self) -> float:
        """:math:`1/\\text{spectral gap}`."""
        return 1.0 / self.spectral_gap()

    @cached_property
    def _steady(self) -> QuadraticSteadyState:
        self._refuse_non_unique("steady_state")
        a, q, evals, vecs, nc = self._problem
        y, resid, route = _lyapunov(a, q, evals, vecs)
        info = {"residual": resid, "route": route, "n_modes": self.n_modes}
        if not resid <= RESIDUAL_MAX:
            raise SteadyStateError(
                f"steady_state: Lyapunov residual {resid:.3g} > {RESIDUAL_MAX:g} "
                f"(route {route})", info, reason="not converged")
        if nc:
            corr = 0.5 * (y + y.conj().T)
            gam = _covariance_from_correlation(corr)
            # iΓ has eigenvalues ±(1 - 2c), c the eigenvalues of C: 0 <= C <= 1
            lower, upper = corr, np.eye(self.n_modes) - corr
        else:
            gam = 0.5 * (y - y.T).real
            eye = np.eye(2 * self.n_modes)
            lower, upper = eye + 1j * gam, eye - 1j * gam
        if not (_positive(lower, STATE_TOL) and _positive(upper, STATE_TOL)):
            spec = np.linalg.eigvalsh(1j * gam)
            lo, hi = float(spec[0]), float(spec[-1])
            info.update(min_eigenvalue=lo, max_eigenvalue=hi)
            raise SteadyStateError(
                f"steady_state: the covariance is not a state — eigenvalues of i*Gamma span "
                f"[{lo:.6g}, {hi:.6g}], outside [-1, 1] by more than {STATE_TOL:g}",
                info, reason="not a state")
        return QuadraticSteadyState(covariance=gam, residual=resid)

    def steady_state(self) -> QuadraticSteadyState:
        """The unique Gaussian steady state (cached); see the module docstring for refusals."""
        return self._steady


# ---------------------------------------------------------------------------
# Seed 002, Appendix B / Fig. 7: a qubit coupled to a cooled free-fermion lead
# ---------------------------------------------------------------------------

def qubit_lead_lindbladian(delta_s, hopping, chemical_potential, sites, epsilon,
                           gamma) -> QuadraticLindbladian:
    r"""The qubit + free-fermion lead of seed 002 (Appendix B, Fig. 7), fully fermionic.

    :math:`H = \Delta_S S^z - J_L\sum_{i=1}^{l-1}(c_i^\dagger c_{i+1} + \mathrm{h.c.})
    - \mu_L\sum_{i=1}^{l} c_i^\dagger c_i + \epsilon(c_1S^- + S^+c_1^\dagger)`, the
    lead modes :math:`\chi_k = \sqrt{2/(l+1)}\sum_i \sin(ki)\,c_i`,
    :math:`k = q\pi/(l+1)`, cooled to the lead ground state by
    :math:`L_k = \sqrt\gamma\,\chi_k^\dagger` if :math:`-2J_L\cos k < \mu_L`, else
    :math:`L_k = \sqrt\gamma\,\chi_k`.

    Mapping: the qubit is Jordan–Wigner site 0 with **particle = spin down**,
    :math:`d^\dagger = S^-`, :math:`d = S^+`, :math:`d^\dagger d = \tfrac12 - S^z`;
    the lead fermions carry the string :math:`2S^z = 1 - 2d^\dagger d`, so
    :math:`S^\pm` anticommute with them. Then :math:`c_1S^- = c_1d^\dagger = -d^\dagger
    c_1`, i.e. :math:`H_{SL} = -\epsilon(d^\dagger c_1 + c_1^\dagger d)` (hopping
    :math:`h_{01} = h_{10} = -\epsilon`). The Hermitian conjugate of :math:`c_1S^-` is
    :math:`S^+c_1^\dagger = -c_1^\dagger S^+` here: the paper's
    :math:`c_1S^- + c_1^\dagger S^+`, read literally with anticommuting operators, is
    anti-Hermitian, so "+ h.c." is what is meant. And :math:`H_S = \Delta_S(\tfrac12 - d^\dagger d)`
    (:math:`h_{00} = -\Delta_S`, the constant dropped). Mode 0 is the qubit, modes
    1..l the lead sites. A spin that *commutes* with the lead fermions is a different
    model at finite :math:`\epsilon, \gamma` (its jumps lack the string).

    Parameters
    ----------
    delta_s : float
        :math:`\Delta_S` (finite).
    hopping : float
        :math:`J_L` (finite).
    chemical_potential : float
        :math:`\mu_L` (finite).
    sites : int
        :math:`l \ge 1`.
    epsilon : float
        :math:`\epsilon` (finite).
    gamma : float
        :math:`\gamma \ge 0` (0 leaves the steady state non-unique).
    """
    delta_s = float(checks.finite("delta_s", delta_s))
    j_l = float(checks.finite("hopping", hopping))
    mu = float(checks.finite("chemical_potential", chemical_potential))
    sites = checks.integer_at_least("sites", sites, 1)
    eps = float(checks.finite("epsilon", epsilon))
    gamma = float(checks.non_negative("gamma", gamma))
    n = sites + 1
    h = np.zeros((n, n))
    h[0, 0] = -delta_s
    h[0, 1] = h[1, 0] = -eps
    lead = np.arange(1, n)
    h[lead, lead] = -mu
    h[lead[:-1], lead[1:]] = -j_l
    h[lead[1:], lead[:-1]] = -j_l
    q = np.arange(1, sites + 1)
    k = q * np.pi / (sites + 1)
    phi = np.sqrt(2.0 / (sites + 1)) * np.sin(np.outer(k, lead))   # (mode k, site i)
    rate = np.sqrt(gamma)
    filled = -2.0 * j_l * np.cos(k) < mu
    u = np.zeros((sites, n))
    v = np.zeros((sites, n))
    u[~filled, 1:] = rate * phi[~filled]
    v[filled, 1:] = rate * phi[filled]
    return QuadraticLindbladian(hopping=h, pairing=np.zeros((n, n)), jumps_u=u, jumps_v=v)


def qubit_lead_sz(steady: QuadraticSteadyState) -> float:
    """:math:`\\langle S^z\\rangle = \\tfrac12 - \\langle d^\\dagger d\\rangle` of the qubit
    (mode 0) in the mapping of :func:`qubit_lead_lindbladian`."""
    return float(0.5 - steady.occupation()[0])


def qubit_lead_fock_space(delta_s, hopping, chemical_potential, sites, epsilon, gamma,
                          jordan_wigner: bool = True):
    r"""The model of :func:`qubit_lead_lindbladian` on the :math:`2^{l+1}`-dimensional Fock
    space, in the paper's spin language, for QuTiP: ``(H, c_ops, S^z, S^-, [c_1..c_l])``.

    The qubit is tensor factor 0 (QuTiP's ``basis(2, 0)`` = up), :math:`H_S = \Delta_S
    S^z` with :math:`S = \sigma/2`, lead fermions :math:`c_j` carry the Jordan–Wigner
    string through the qubit, the coupling is :math:`\epsilon(c_1S^- + {\rm h.c.})` and
    the jumps are :math:`\sqrt\gamma\chi_k^\dagger` on filled and
    :math:`\sqrt\gamma\chi_k` on empty modes. It is the reference that third
    quantization is checked against (the cost grows as :math:`4^{l+1}`: l = 6 takes
    ~10 s in ``qutip.steadystate``). With ``jordan_wigner=False`` the spin commutes with
    the lead fermions: a different model at finite :math:`\epsilon, \gamma` (not
    quadratic).
    """
    import qutip

    sites = checks.integer_at_least("sites", sites, 1)
    n = sites + 1
    one = qutip.qeye(2)
    c = []
    for j in range(1, n):
        factors = [qutip.sigmaz()] * j + [qutip.destroy(2)] + [one] * (n - j - 1)
        if not jordan_wigner:
            factors[0] = one
        c.append(qutip.tensor(factors))
    sz = qutip.tensor([qutip.sigmaz() / 2] + [one] * sites)
    sm = qutip.tensor([qutip.sigmam()] + [one] * sites)
    coupling = c[0] * sm
    h = delta_s * sz + epsilon * (coupling + coupling.dag())
    for i in range(sites - 1):
        h += -hopping * (c[i].dag() * c[i + 1] + c[i + 1].dag() * c[i])
    for ci in c:
        h += -chemical_potential * ci.dag() * ci
    cops = []
    for q in range(1, n):
        k = q * np.pi / n
        phi = np.sqrt(2 / n) * np.sin(k * np.arange(1, n))
        chi = sum(p * ci for p, ci in zip(phi, c, strict=True))
        filled = -2 * hopping * np.cos(k) < chemical_potential
        cops.append(np.sqrt(gamma) * (chi.dag() if filled else chi))
    return h, cops, sz, sm, c
