r"""Two Kerr-coupled resonators as an absorption refrigerator (seed 004, Sec. IV A, App. B).

.. math::
    H_S = \epsilon_1 a_1^\dagger a_1 + \epsilon_2 a_2^\dagger a_2
          + \Delta_z a_1^\dagger a_1 a_2^\dagger a_2 \qquad \text{(Eq. 12)}

Resonator 1 exchanges photons with baths L and R, resonator 2 with bath C (Eq. 13,
rotating-wave coupling). The master equation B15 / Eq. 14 is a rate equation on the
Fock populations :math:`\rho_{n_1n_2}` with

.. math::
    C_1(n_1,n_2) = (n_1+1)\sum_{\alpha=L,R}K_\alpha(\tilde\omega)n_\alpha(\tilde\omega),
    \quad D_1(n_1,n_2) = n_1\sum_\alpha K_\alpha(\tilde\omega)[1+n_\alpha(\tilde\omega)],
    \quad \tilde\omega = \tilde\omega_{1,n_2},

(Eqs. 15–17 with :math:`2\mathcal{F} = Kn`, :math:`2\mathcal{G} = K(1+n)`),
:math:`\tilde\omega_{1,n_2} = \epsilon_1 + \Delta_z n_2`, and likewise for resonator 2 and
bath C with :math:`\tilde\omega_{2,n_1} = \epsilon_2 + \Delta_z n_1`. The heat current out of
C is Eq. 18, :math:`J_C = \mathrm{Tr}[H_S\mathcal{L}_C\rho]` with :math:`\mathcal{L}_C` of
Eq. 19 (positive = energy leaves bath C, i.e. C is cooled).

Truncation: ``N1``, ``N2`` are the **numbers of levels** kept (:math:`n_i \le N_i - 1`), so
that :math:`N_1 = N_2 = 2` is exactly the ZZ qubit fridge of Sec. III A, as the paper states
(its "N_i = max(n_i)" would make N = 2 a qutrit; read as a slip).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import checks
from ..core.resources import require_memory
from ..core.validity import check_truncation
from ..engines.rates import RateEquation
from .absorption_fridge import BATHS, FilteredBaths, _pair_rates
from .base import parameter, register_model


@register_model
@dataclass(frozen=True)
class KerrResonatorFridge(FilteredBaths):
    r"""Kerr-coupled resonators, truncated to ``N1`` × ``N2`` levels (seed 004, Eqs. 12–19).

    .. math:: H_S = \epsilon_1 n_1 + \epsilon_2 n_2 + \Delta_z n_1 n_2

    Baths and filters as in :class:`~qfridge.models.absorption_fridge.AbsorptionFridge`
    (Eq. 3, upper cutoff; :math:`\Omega_L = \epsilon_1`, :math:`\Omega_R = \epsilon_1 + \Delta_z`,
    :math:`\Omega_C = \epsilon_2 + \Delta_z` plus optional detunings; :math:`T_R = T`,
    :math:`T_L = T + \Delta T`, :math:`T_C = T - c\,\Delta T`). Energies in units of
    :math:`k_B T` when ``T = 1``. Numeric parameters may be NumPy arrays (they broadcast);
    ``N1``, ``N2`` are integers. Heat currents: positive = energy leaves the bath.

    Parameters
    ----------
    eps1, eps2, delta_z : energy
        Resonator frequencies and Kerr cross-coupling :math:`\Delta_z`.
    N1, N2 : integer
        Number of Fock levels kept per resonator (>= 2; 2 = qubit).
    T, dT, cold_bias, gamma_L, gamma_R, gamma_C, detuning_L, detuning_R, detuning_C,
    cutoff, rate_scale
        As in ``AbsorptionFridge``.

    Examples
    --------
    >>> qubits = KerrResonatorFridge(dT=0.3)              # Fig. 7 parameters, N1 = N2 = 2
    >>> resonators, history = qubits.converged(rtol=1e-6)
    >>> resonators.N1 > 10 and bool(resonators.J_C(check=False) > 2 * qubits.J_C(check=False))
    True
    """

    eps1: float = parameter("energy", 1.0, "frequency of resonator 1 (k_B T units)")
    eps2: float = parameter("energy", 1.0, "frequency of resonator 2")
    delta_z: float = parameter("energy", 0.05, "cross-Kerr coupling Delta_z")
    N1: int = parameter("integer", 2, "levels kept in resonator 1 (2 = qubit)")
    N2: int = parameter("integer", 2, "levels kept in resonator 2 (2 = qubit)")

    QUANTITIES = {"J_C": "J_C", "J_L": "J_L", "J_R": "J_R", "COP": "COP",
                  "n1": "mean_n1", "n2": "mean_n2"}
    QUANTITY_UNITS = {
        "J_C": ("(k_B T)^2/hbar", "heat current out of the cold bath C (> 0: C is cooled)"),
        "J_L": ("(k_B T)^2/hbar", "heat current out of the hot bath L"),
        "J_R": ("(k_B T)^2/hbar", "heat current out of the room bath R"),
        "COP": ("1", "coefficient of performance J_C/J_L"),
        "n1": ("1", "mean photon number of resonator 1"),
        "n2": ("1", "mean photon number of resonator 2")}

    def __post_init__(self):
        super().__post_init__()
        for name in ("N1", "N2"):
            checks.integer_at_least(name, getattr(self, name), 2)
        self._check_bath_inputs()

    # -- state space ----------------------------------------------------------------------
    def _require_memory(self) -> None:
        """Refuse (TooLargeError) before allocating rate matrices that cannot fit.

        The largest allocations are the dense ``(..., d, d)`` float64 rate matrices, with
        ``d = N1 * N2``: one per bath (3), their sum, and the off-diagonal copy made when a
        stack is validated, all alive at once while the steady state is solved.
        """
        d = self.N1 * self.N2
        grid = float(np.prod(self._shape, dtype=float))
        require_memory(f"Kerr-resonator rate matrices with N1 = {self.N1}, N2 = {self.N2} "
                       f"({d} levels, grid of {int(grid)} point(s))",
                       5 * 8.0 * grid * float(d) ** 2,
                       "lower N1 and N2 (levels kept per resonator) or the grid size")

    @property
    def dimension(self) -> int:
        return self.N1 * self.N2

    def occupations(self) -> tuple[np.ndarray, np.ndarray]:
        """:math:`(n_1, n_2)` of every state; state index = ``n1 * N2 + n2``."""
        n1, n2 = np.divmod(np.arange(self.dimension), self.N2)
        return n1, n2

    def energies(self) -> np.ndarray:
        r""":math:`E = \epsilon_1 n_1 + \epsilon_2 n_2 + \Delta_z n_1 n_2` (B1); (..., N1*N2)."""
        n1, n2 = self.occupations()
        z = np.zeros(self._shape)[..., None]
        eps1 = np.asarray(self.eps1)[..., None]
        eps2 = np.asarray(self.eps2)[..., None]
        dz = np.asarray(self.delta_z)[..., None]
        return z + eps1 * n1 + eps2 * n2 + dz * n1 * n2

    def bath_rates(self) -> tuple[np.ndarray, dict]:
        r"""Energies and rate matrices ``W[..., i, j]`` (j -> i) of baths L, R, C (Eqs. 15–17).

        A photon jump :math:`n_i \to n_i + 1` has matrix element :math:`|\langle n_i+1|
        a_i^\dagger|n_i\rangle|^2 = n_i + 1`, at the transition energy
        :math:`\tilde\omega_{1,n_2}` or :math:`\tilde\omega_{2,n_1}`; absorption and emission
        carry :math:`Kn` and :math:`K(1+n)`.
        """
        self._require_memory()
        e = self.energies()
        n1, n2 = self.occupations()
        up1 = np.flatnonzero(n1 < self.N1 - 1)
        up2 = np.flatnonzero(n2 < self.N2 - 1)
        pairs1 = tuple((int(k), int(k + self.N2)) for k in up1)
        pairs2 = tuple((int(k), int(k + 1)) for k in up2)
        w1 = tuple(float(n1[k] + 1) for k in up1)
        w2 = tuple(float(n2[k] + 1) for k in up2)
        rates = {name: _pair_rates(e, pairs2 if name == "C" else pairs1,
                                   w2 if name == "C" else w1, **self.bath(name))
                 for name in BATHS}
        return e, rates

    def rate_equation(self) -> RateEquation:
        """The batched Pauli equation B15 as a :class:`~qfridge.engines.rates.RateEquation`."""
        e, rates = self.bath_rates()
        return RateEquation(e, rates)

    def max_rate(self, form=None) -> float:
        """Largest transition rate on the grid."""
        _, rates = self.bath_rates()
        return float(max(np.max(w) for w in rates.values()))

    def populations(self) -> np.ndarray:
        """Steady-state :math:`\\rho_{n_1n_2}`, shape (..., N1, N2)."""
        p = self.rate_equation().steady_state()
        return p.reshape(*p.shape[:-1], self.N1, self.N2)

    def top_level_population(self, populations=None) -> float:
        """Largest steady-state weight in the top kept level of either resonator (grid max)."""
        p = self.populations() if populations is None else populations
        return float(max(np.max(p[..., -1, :].sum(-1)), np.max(p[..., :, -1].sum(-1))))

    def heat_currents(self, check: bool = True, truncation_tol: float = 1e-6) -> dict:
        r"""Heat currents of L, R, C (Eq. 18; positive = energy leaves the bath).

        ``check`` warns (:class:`~qfridge.core.validity.PremiseWarning`) when the top kept Fock
        level holds more than ``truncation_tol`` of the population (the truncation is then
        part of the model — a qudit — rather than an approximation of resonators), and runs
        the secular/Markov checks of :meth:`check_premises`.
        """
        eq = self.rate_equation()
        p = eq.steady_state()
        if check:
            self.check_premises()
            check_truncation(self.top_level_population(p.reshape(*p.shape[:-1], self.N1,
                                                                 self.N2)),
                             tolerance=truncation_tol)
        currents = eq.heat_currents(p)
        return {name: currents[name] for name in BATHS}

    def J_C(self, check: bool = True):
        """Heat current out of the cold bath C (Eq. 18); > 0 means C is cooled."""
        return self.heat_currents(check)["C"]

    def J_L(self, check: bool = True):
        """Heat current out of the hot bath L."""
        return self.heat_currents(check)["L"]

    def J_R(self, check: bool = True):
        """Heat current out of bath R."""
        return self.heat_currents(check)["R"]

    def COP(self, check: bool = True):
        """Coefficient of performance :math:`J_C/J_L`."""
        j = self.heat_currents(check)
        with np.errstate(divide="ignore", invalid="ignore"):
            return j["C"] / j["L"]

    def mean_n1(self):
        """:math:`\\langle n_1\\rangle` in the steady state."""
        p = self.populations()
        return np.einsum("...ij,i->...", p, np.arange(self.N1, dtype=float))

    def mean_n2(self):
        """:math:`\\langle n_2\\rangle` in the steady state."""
        p = self.populations()
        return np.einsum("...ij,j->...", p, np.arange(self.N2, dtype=float))

    # -- truncation convergence -------------------------------------------------------------
    def converged(self, rtol: float = 1e-6, n_start: int = 2, n_max: int = 60):
        r"""The same model with :math:`N_1 = N_2 = N` raised until :math:`J_C` is converged.

        :math:`N` grows from ``n_start`` until the largest relative change of :math:`J_C`
        over the grid between :math:`N` and :math:`N+1` is below ``rtol`` (relative to the
        grid's largest :math:`|J_C|`). Returns ``(model, history)`` with ``history`` a list
        of ``(N, J_C)``. Raises ``ValueError`` if ``n_max`` is reached first.
        """
        checks.positive("rtol", rtol)
        checks.integer_at_least("n_start", n_start, 2)
        checks.integer_at_least("n_max", n_max, n_start + 1)
        history = []
        prev = None
        for n in range(n_start, n_max + 1):
            model = self.replace(N1=n, N2=n)
            jc = np.asarray(model.heat_currents(check=False)["C"])
            history.append((n, jc))
            if prev is not None:
                scale = max(float(np.max(np.abs(jc))), 1e-300)
                if float(np.max(np.abs(jc - prev))) <= rtol * scale:
                    return model, history
            prev = jc
        raise ValueError(f"J_C not converged to rtol={rtol:g} up to N1 = N2 = n_max = {n_max}; "
                         "raise n_max")
