r"""Two-qubit absorption refrigerator with Lorentzian filters (seed 004, Sec. II–III, App. A).

Qubit 1 sits between baths L (hot, :math:`T_L = T + \Delta T`) and R (:math:`T_R = T`);
qubit 2 sits on bath C (cold, :math:`T_C = T - c\,\Delta T`, :math:`c = 1` in the paper's
Figs. 3–8). In the basis :math:`\{|0\rangle, |1\rangle, |2\rangle, |d\rangle\}` (both
qubits down, qubit 1 up, qubit 2 up, both up) the system Hamiltonian is (seed 004, Eq. 4)

.. math::
    H_S = \epsilon_1\pi_{11} + \epsilon_2\pi_{22} + (\epsilon_1 + \epsilon_2 + \Delta_z)\pi_{dd}
          + \Delta_x(\pi_{12} + \pi_{21}),

and the baths couple through (Eq. 5) :math:`A_{L} = A_R = \pi_{01} + \pi_{2d} + \mathrm{h.c.}`
(qubit 1 flips) and :math:`A_C = \pi_{02} + \pi_{1d} + \mathrm{h.c.}` (qubit 2 flips). Each
bath :math:`\eta` has the Lorentzian filter of Eq. 3 (upper cutoff, see the errata in
``docs/seed004.md``)

.. math::
    K_\eta(\omega) = g\,\frac{\Gamma_\eta\omega}{(\omega - \Omega_\eta)^2 + \Gamma_\eta^2\omega^2},
    \qquad \omega < \epsilon_c,

with :math:`g` = ``rate_scale`` (1 = Eq. 3 as printed). A transition releasing energy
:math:`\omega > 0` into bath :math:`\eta` has rate :math:`K_\eta(\omega)(1 + n_\eta(\omega))`; the
reverse has :math:`K_\eta(\omega)n_\eta(\omega)` (Eq. 6, A11, A15).

Units: :math:`\hbar = k_B = 1`; every ``energy`` parameter is in units of the reference
temperature's :math:`k_B T` when ``T = 1`` (the default), as in the paper.

Heat currents: **positive = energy leaves the bath** (bath C cooled :math:`\Leftrightarrow
J_C > 0`), seed 004 Eq. 7.

Three master equations are provided, all as rate equations batched over NumPy arrays
(every parameter may be an array; they broadcast):

* ``"local"`` (A13–A21): the local Lindblad equation reduced to populations; with
  :math:`\Delta_x \ne 0` the coherence :math:`\rho_{12}` is eliminated exactly in the
  steady state (A17), which adds a symmetric :math:`1 \leftrightarrow 2` rate
  :math:`\kappa = \Delta_x^2\tilde\Gamma/[(\epsilon_1-\epsilon_2)^2 + \tilde\Gamma^2/4]` (A18–A19).
* ``"global"`` (A1–A12): the secular (Davies) equation in the eigenbasis
  :math:`\{|0\rangle, |+\rangle, |-\rangle, |d\rangle\}`, rates weighted by the paper's
  :math:`\lambda^2` coefficients (A4–A7) with the mixing angle
  :math:`\theta = \operatorname{atan2}(2\Delta_x, \epsilon_1 - \epsilon_2)`.
* With :math:`\Delta_x = 0` both reduce to the Pauli equation A22–A25 (Eq. 7).

:meth:`AbsorptionFridge.lindblad` builds the *full* Lindblad equation in QuTiP (local or
global secular) for independent checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import qutip

from ..core import checks
from ..core.baths import (
    BosonicBath,
    CallableSpectralDensity,
    LorentzianSpectralDensity,
    thermal_rate,
)
from ..core.baths import lorentzian_filter as core_lorentzian_filter
from ..core.validity import check_premise
from ..engines.lindblad import MasterEquation, Transition
from ..engines.rates import RateEquation
from .base import Model, parameter, register_model

#: Labels of the product basis (local form) and of the eigenbasis (global form).
LOCAL_STATES = ("0", "1", "2", "d")
GLOBAL_STATES = ("0", "+", "-", "d")
BATHS = ("L", "R", "C")
FORMS = ("local", "global")

#: Pairs (lower, upper) of states each bath connects (Eq. 5), in the index order above.
_PAIRS_Q1 = ((0, 1), (2, 3))   # qubit 1 flips: 0 <-> 1 and 2 <-> d  (baths L, R)
_PAIRS_Q2 = ((0, 2), (1, 3))   # qubit 2 flips: 0 <-> 2 and 1 <-> d  (bath C)


# ----------------------------------------------------------------------------------------
# Vectorised bath functions (the core BosonicBath takes scalar temperatures; these
# broadcast over parameter grids and are checked against it in the tests)
# ----------------------------------------------------------------------------------------
def lorentzian_filter(omega, coupling, center, cutoff, scale=1.0):
    r"""Eq. 3 of seed 004 (upper cutoff) times an overall prefactor :math:`g` (``scale``).

    :math:`g\,K(\omega)` with :math:`K` from :func:`qfridge.core.baths.lorentzian_filter`;
    :math:`g = 1` is Eq. 3 as printed. Vectorised over every argument.
    """
    return scale * core_lorentzian_filter(omega, coupling, center, cutoff)


def bath_rate(energy_released, temperature, coupling, center, cutoff, scale=1.0):
    r"""Rate of a transition that releases ``energy_released`` into a filtered bosonic bath.

    :math:`K(\omega)(1 + n(\omega))` for :math:`\omega > 0` (emission),
    :math:`K(|\omega|)n(|\omega|)` for :math:`\omega < 0` (absorption), 0 at
    :math:`\omega = 0` (seed 004, Eq. 6 and A11). Vectorised.
    """
    return thermal_rate(energy_released, temperature,
                        lambda w: lorentzian_filter(w, coupling, center, cutoff, scale))


def _pair_rates(energies, pairs, weights, temperature, coupling, center, cutoff, scale):
    """Rate matrix ``W[..., i, j]`` (j -> i) of one bath connecting the given state pairs."""
    e = np.asarray(energies, dtype=float)
    shape = np.broadcast_shapes(e.shape[:-1], np.shape(temperature), np.shape(coupling),
                                np.shape(center), np.shape(cutoff), np.shape(scale),
                                *(np.shape(w) for w in weights))
    d = e.shape[-1]
    out = np.zeros((*shape, d, d))
    if not pairs:
        return out
    lo, hi = (np.array(idx) for idx in zip(*pairs, strict=True))
    # All pairs at once: a trailing axis over pairs; bath parameters broadcast against it.
    lam2 = np.stack([np.broadcast_to(w, shape) for w in weights], axis=-1)
    params = [np.asarray(p)[..., None] for p in (temperature, coupling, center, cutoff, scale)]
    de = np.broadcast_to(e[..., hi] - e[..., lo], (*shape, lo.size))   # E_hi - E_lo
    # hi -> lo releases E_hi - E_lo; lo -> hi releases E_lo - E_hi.
    out[..., lo, hi] = lam2 * bath_rate(de, *params)
    out[..., hi, lo] = lam2 * bath_rate(-de, *params)
    return out


def eq10_threshold(eps1, T_L, T_C):
    r"""Largest :math:`\Delta_z` that still cools with ideal filters (seed 004, Eq. 10).

    :math:`\beta_C\Delta_z < \beta_L\epsilon_1 \Leftrightarrow \Delta_z < \epsilon_1 T_C/T_L`.
    Eq. 10 follows from Eq. 9 for :math:`T_{L/C} = T \pm \Delta T`, :math:`T_R = T` and
    :math:`\Delta T > 0`; it is exact when :math:`\Gamma_{10,R} = \Gamma_{2d,L} = 0`.
    """
    checks.positive("T_L", T_L)
    checks.positive("T_C", T_C)
    return np.asarray(eps1, dtype=float) * np.asarray(T_C) / np.asarray(T_L)


def eq11_current(eps, delta_z, T, dT, K_eps, K_eps_dz):
    r"""Leading-order expansion of :math:`J_C` in :math:`\Delta_z` and :math:`\Delta T` (Eq. 11).

    .. math::
        J_C = -\frac{e^{2x}K(\epsilon)K(\epsilon+\Delta_z)(e^{x}-1)^{-1}\Delta T}
              {(1+e^{x})^2\,[K(\epsilon+\Delta_z) + K(\epsilon)e^{x}]}
              \frac{\Delta_z^2}{T^2}, \qquad x = \epsilon/T,

    for :math:`\epsilon_1 = \epsilon_2 = \epsilon`, one spectral density :math:`K` shared by
    all three baths, :math:`T_R = T`, :math:`T_{L/C} = T \pm \Delta T`. Positive = bath C
    cooled. ``K_eps`` and ``K_eps_dz`` are :math:`K(\epsilon)` and :math:`K(\epsilon+\Delta_z)`.
    """
    x = np.asarray(eps, dtype=float) / T
    ex = np.exp(x)
    return (-ex**2 * K_eps * K_eps_dz / (ex - 1.0) * dT
            / ((1.0 + ex) ** 2 * (K_eps_dz + K_eps * ex)) * delta_z**2 / T**2)


@dataclass(frozen=True)
class FilteredBaths(Model):
    """Shared by the qubit and resonator fridges: the three filtered baths of seed 004.

    Holds the bath parameters; subclasses add ``eps1, eps2, delta_z`` and a method
    ``max_rate()`` (and may change the default ``cutoff``).
    """

    T: float = parameter("energy", 1.0, "reference temperature k_B T = T_R")
    dT: float = parameter("energy", 0.3, "thermal bias Delta T: T_L = T + dT")
    cold_bias: float = parameter("dimensionless", 1.0, "T_C = T - cold_bias*dT")
    gamma_L: float = parameter("dimensionless", 0.02, "Lorentzian width Gamma_L (Eq. 3)")
    gamma_R: float = parameter("dimensionless", 0.08, "Lorentzian width Gamma_R")
    gamma_C: float = parameter("dimensionless", 0.06, "Lorentzian width Gamma_C")
    detuning_L: float = parameter("energy", 0.0, "Omega_L - eps1")
    detuning_R: float = parameter("energy", 0.0, "Omega_R - (eps1 + delta_z)")
    detuning_C: float = parameter("energy", 0.0, "Omega_C - (eps2 + delta_z)")
    cutoff: float = parameter("energy", 10.0, "upper cutoff epsilon_c of the filters")
    rate_scale: float = parameter("dimensionless", 1.0, "prefactor g of every K (Eq. 3: 1)")

    def _check_bath_inputs(self):
        checks.positive("T", self.T)
        for name in ("gamma_L", "gamma_R", "gamma_C"):
            checks.non_negative(name, getattr(self, name))
        checks.positive("cutoff (epsilon_c)", self.cutoff)
        checks.positive("rate_scale", self.rate_scale)
        checks.positive("T_L = T + dT", self.T_L)
        checks.positive("T_C = T - cold_bias*dT", self.T_C)

    @property
    def T_L(self):
        """Temperature of the hot bath L, :math:`T + \\Delta T`."""
        return self.T + self.dT

    @property
    def T_R(self):
        """Temperature of bath R, :math:`T`."""
        return self.T

    @property
    def T_C(self):
        """Temperature of the cold bath C, :math:`T - c\\,\\Delta T`."""
        return self.T - self.cold_bias * self.dT

    @property
    def Omega_L(self):
        return self.eps1 + self.detuning_L

    @property
    def Omega_R(self):
        return self.eps1 + self.delta_z + self.detuning_R

    @property
    def Omega_C(self):
        return self.eps2 + self.delta_z + self.detuning_C

    def bath(self, name: str) -> dict:
        """Temperature and filter of bath ``name`` ("L", "R" or "C") as keyword arguments."""
        checks.one_of("bath", name, BATHS)
        return {"temperature": getattr(self, f"T_{name}"),
                "coupling": getattr(self, f"gamma_{name}"),
                "center": getattr(self, f"Omega_{name}"),
                "cutoff": self.cutoff, "scale": self.rate_scale}

    def spectral_density(self, name: str, omega):
        """:math:`K_\\eta(\\omega)` of bath ``name`` (Eq. 3 times ``rate_scale``)."""
        b = self.bath(name)
        return lorentzian_filter(omega, b["coupling"], b["center"], b["cutoff"], b["scale"])

    @property
    def _shape(self):
        return np.broadcast_shapes(*(np.shape(getattr(self, f))
                                     for f, kind in self.parameters().items()
                                     if kind not in ("choice", "integer")))

    def check_premises(self, form: str | None = None, factor: float = 0.1) -> bool:
        r"""Warn when the rates are not small compared with what the master equation needs.

        * secular approximation: each bath drives transitions whose energies differ by
          :math:`|\Delta_z|` — rates must be :math:`\ll |\Delta_z|`;
        * Markov approximation: the filter (bath correlation) widths
          :math:`\Gamma_\eta\Omega_\eta` must exceed the rates.

        With Eq. 3 as printed (``rate_scale = 1``) the peak rate is
        :math:`1/(\Gamma_\eta\Omega_\eta) \gg \Delta_z`, so the paper's own parameters
        violate both; a ``rate_scale`` :math:`g \ll (\Gamma\Omega)^2` restores them without
        changing Pauli populations (currents scale with :math:`g`). Returns True when both hold.
        """
        max_rate = self.max_rate(form) if form is not None else self.max_rate()
        dz = np.abs(np.asarray(self.delta_z, dtype=float))
        dz = dz[dz > 0]
        ok = True
        if dz.size and max_rate > 0:
            ok &= check_premise(
                max_rate <= factor * float(dz.min()),
                "secular approximation (rates << |Delta_z|)",
                "the largest rate is not small compared with the splitting |Delta_z| between "
                "the transitions each bath drives", stacklevel=4,
                max_rate=max_rate, min_abs_delta_z=float(dz.min()))
        widths = [np.abs(np.asarray(getattr(self, f"gamma_{b}") * getattr(self, f"Omega_{b}")))
                  for b in BATHS]
        min_width = float(min(np.min(w) for w in widths))
        if max_rate > 0 and min_width > 0:
            ok &= check_premise(
                max_rate <= factor * min_width,
                "Markov approximation (rates << filter widths Gamma*Omega)",
                "the largest rate is not small compared with the narrowest filter width",
                stacklevel=4, max_rate=max_rate, min_filter_width=min_width)
        return bool(ok)


# ----------------------------------------------------------------------------------------
# The model
# ----------------------------------------------------------------------------------------
@register_model
@dataclass(frozen=True)
class AbsorptionFridge(FilteredBaths):
    r"""ZZ (+ XX) coupled qubits as an absorption refrigerator (seed 004, Eqs. 3–7, App. A).

    .. math::
        H_S = \epsilon_1\pi_{11} + \epsilon_2\pi_{22} + (\epsilon_1+\epsilon_2+\Delta_z)\pi_{dd}
              + \Delta_x(\pi_{12}+\pi_{21})

    Baths: L at :math:`T + \Delta T` and R at :math:`T` drive qubit 1; C at
    :math:`T - c\,\Delta T` drives qubit 2. Filters (Eq. 3) centred at
    :math:`\Omega_L = \epsilon_1 + \delta_L`, :math:`\Omega_R = \epsilon_1 + \Delta_z + \delta_R`,
    :math:`\Omega_C = \epsilon_2 + \Delta_z + \delta_C` (the paper's choice is all
    :math:`\delta = 0`, so the filters follow :math:`\epsilon_i` and :math:`\Delta_z`).

    Every parameter may be a NumPy array (they broadcast): the rate-equation methods then
    return arrays over the grid. Energies are in units of :math:`k_B T` when ``T = 1``.

    Heat currents are positive when energy leaves the bath (bath C cooled ⇔ J_C > 0).

    Parameters
    ----------
    eps1, eps2 : energy
        Qubit splittings :math:`\epsilon_1, \epsilon_2`.
    delta_z, delta_x : energy
        ZZ shift :math:`\Delta_z` of the doubly excited state and XX coupling :math:`\Delta_x`.
    delta_p : energy
        Pair coupling :math:`\Delta_p(\pi_{0d} + \pi_{d0})` (not in the paper's Eq. 4): with
        :math:`\Delta_x = \Delta_p = g` the coupling is :math:`g\sigma^x_1\sigma^x_2`, with
        :math:`\Delta_x = -\Delta_p = g` it is :math:`g\sigma^y_1\sigma^y_2` (Eq. 4's
        :math:`\Delta_x` alone is the isotropic :math:`(\sigma^x\sigma^x +
        \sigma^y\sigma^y)/2`). It mixes :math:`|0\rangle` and :math:`|d\rangle`, which the
        batched Pauli rates do not cover: with :math:`\Delta_p \ne 0` the heat currents come
        from the full Lindblad equation (:meth:`lindblad`, scalar parameters).
    T, dT : energy
        Reference temperature :math:`T` (= :math:`T_R`) and thermal bias :math:`\Delta T`.
    cold_bias : dimensionless
        :math:`c` in :math:`T_C = T - c\,\Delta T` (1 in Figs. 3–8, 0 in Fig. 10).
    gamma_L, gamma_R, gamma_C : dimensionless
        Filter widths :math:`\Gamma_\eta` (Eq. 3: :math:`\Gamma_\eta(\omega) = \Gamma_\eta\omega`).
    detuning_L, detuning_R, detuning_C : energy
        Filter centre offsets :math:`\delta_\eta` from the paper's matched centres.
    cutoff : energy
        Upper cutoff :math:`\epsilon_c` of every filter.
    rate_scale : dimensionless
        Prefactor :math:`g` of every :math:`K_\eta` (Eq. 3 has none: 1). Pauli populations do
        not depend on it, currents scale with it; the Markov/secular premises need it small.
    form : {"local", "global"}
        Master equation used when :math:`\Delta_x \ne 0` (identical at :math:`\Delta_x = 0`).

    Examples
    --------
    >>> import numpy as np
    >>> fridge = AbsorptionFridge(delta_z=0.2, dT=np.array([0.1, 0.3]), rate_scale=1e-4)
    >>> bool(np.all(fridge.J_C() > 0))     # Fig. 3 parameters: bath C is cooled
    True
    >>> xx = AbsorptionFridge(eps2=2.1, delta_z=0.05, delta_x=0.002, dT=0.1, cutoff=10)
    >>> bool(xx.J_C("global", check=False) < 0 < xx.J_C("local", check=False))
    True
    """

    eps1: float = parameter("energy", 2.0, "splitting of qubit 1 (k_B T units)")
    eps2: float = parameter("energy", 2.0, "splitting of qubit 2")
    delta_z: float = parameter("energy", 0.1, "ZZ coupling Delta_z")
    delta_x: float = parameter("energy", 0.0, "XX coupling Delta_x")
    delta_p: float = parameter("energy", 0.0, "pair coupling Delta_p (pi_0d + pi_d0)")
    cutoff: float = parameter("energy", 20.0, "upper cutoff epsilon_c of the filters")
    form: str = parameter("choice", "local", "master equation for delta_x != 0")

    QUANTITIES = {"J_C": "J_C", "J_L": "J_L", "J_R": "J_R", "COP": "COP",
                  "energy_residual": "energy_residual"}
    QUANTITY_UNITS = {
        "J_C": ("(k_B T)^2/hbar", "heat current out of the cold bath C (> 0: C is cooled)"),
        "J_L": ("(k_B T)^2/hbar", "heat current out of the hot bath L"),
        "J_R": ("(k_B T)^2/hbar", "heat current out of the room bath R"),
        "COP": ("1", "coefficient of performance J_C/J_L"),
        "energy_residual": ("(k_B T)^2/hbar", "J_L + J_R + J_C in the steady state")}

    def __post_init__(self):
        super().__post_init__()
        checks.one_of("form", self.form, FORMS)
        self._check_bath_inputs()

    def local_energies(self) -> np.ndarray:
        """Bare energies :math:`(0, \\epsilon_1, \\epsilon_2, \\epsilon_d)`, shape (..., 4)."""
        z = np.zeros(self._shape)
        e1, e2 = z + self.eps1, z + self.eps2
        return np.stack([z, e1, e2, e1 + e2 + self.delta_z], axis=-1)

    # -- global form: eigenbasis and the paper's lambda coefficients (A2, A4-A7) -------------
    def mixing_angle(self):
        r""":math:`\theta = \operatorname{atan2}(2\Delta_x, \epsilon_1 - \epsilon_2)` (A4–A7).

        The paper writes :math:`\tan^{-1}`; the principal branch mislabels :math:`|\pm\rangle`
        when :math:`\epsilon_1 < \epsilon_2`, so the atan2 branch (:math:`\theta \in [0, \pi]`
        for :math:`\Delta_x \ge 0`) is used: :math:`|+\rangle = \cos\frac\theta2|1\rangle +
        \sin\frac\theta2|2\rangle` is then always the upper level :math:`E_+`.
        """
        return np.arctan2(2.0 * np.asarray(self.delta_x, dtype=float),
                          np.asarray(self.eps1 - self.eps2, dtype=float))

    def global_energies(self) -> np.ndarray:
        """Eigenenergies :math:`(E_0, E_+, E_-, E_d)` of Eq. A1–A2, shape (..., 4)."""
        z = np.zeros(self._shape)
        mean = 0.5 * (self.eps1 + self.eps2) + z
        half = 0.5 * np.sqrt((self.eps1 - self.eps2) ** 2 + 4.0 * self.delta_x**2) + z
        return np.stack([z, mean + half, mean - half, z + self.eps1 + self.eps2 + self.delta_z],
                        axis=-1)

    def global_lambdas(self) -> dict:
        r"""The coefficients :math:`\lambda_{\eta,lm}` of Eqs. A4–A7 (atan2 branch).

        Returns ``{bath: {"0+": ..., "0-": ..., "d+": ..., "d-": ...}}``; they are the matrix
        elements :math:`\langle l|A_\eta|m\rangle` in the eigenbasis with
        :math:`|-\rangle = \sin\frac\theta2|1\rangle - \cos\frac\theta2|2\rangle`.
        """
        half = 0.5 * self.mixing_angle()
        c, s = np.cos(half), np.sin(half)
        q1 = {"0+": c, "0-": s, "d+": s, "d-": -c}
        return {"L": q1, "R": dict(q1), "C": {"0+": s, "0-": -c, "d+": c, "d-": s}}

    # -- rate equations ---------------------------------------------------------------------
    def _form(self, form):
        form = self.form if form is None else form
        return checks.one_of("form", form, FORMS)

    def bath_rates(self, form: str | None = None) -> tuple[np.ndarray, dict]:
        r"""Energies and per-bath rate matrices ``W[..., i, j]`` (rate of j -> i).

        ``"local"``: bare basis (0, 1, 2, d), rates A15 at bare transition energies; when
        :math:`\Delta_x \ne 0` an extra entry ``"coherent"`` holds the symmetric
        :math:`1\leftrightarrow 2` rate of A18–A19. ``"global"``: eigenbasis (0, +, -, d),
        rates A11 with :math:`\lambda^2` weights at the eigen-transition energies.
        """
        form = self._form(form)
        if form == "local":
            e = self.local_energies()
            rates = {}
            for name in BATHS:
                pairs = _PAIRS_Q2 if name == "C" else _PAIRS_Q1
                rates[name] = _pair_rates(e, pairs, (1.0, 1.0), **self.bath(name))
            if np.any(np.asarray(self.delta_x) != 0):
                total = sum(rates.values())
                # Gamma-tilde of A17: all outgoing rates of states 1 and 2.
                g_tilde = total[..., :, 1].sum(-1) + total[..., :, 2].sum(-1)
                kappa = self.delta_x**2 * g_tilde / ((self.eps1 - self.eps2) ** 2
                                                     + 0.25 * g_tilde**2)
                coh = np.zeros_like(total)
                coh[..., 1, 2] = kappa
                coh[..., 2, 1] = kappa
                rates["coherent"] = coh
            return e, rates
        e = self.global_energies()
        lam = self.global_lambdas()
        pairs = ((0, 1), (0, 2), (3, 1), (3, 2))   # (0,+), (0,-), (d,+), (d,-)
        keys = ("0+", "0-", "d+", "d-")
        rates = {name: _pair_rates(e, pairs, tuple(lam[name][k] ** 2 for k in keys),
                                   **self.bath(name)) for name in BATHS}
        return e, rates

    def rate_equation(self, form: str | None = None) -> RateEquation:
        """The (batched) rate equation of ``form`` (a :class:`~qfridge.engines.rates.RateEquation`).

        For the local form with :math:`\\Delta_x \\ne 0` it includes the ``"coherent"``
        channel (A18–A19), whose "heat current" is the energy the bare-energy bookkeeping
        of A21 assigns to no bath (the local form's energy-balance residual).
        """
        if np.any(np.asarray(self.delta_p) != 0):
            raise ValueError(f"the Pauli rate equation assumes delta_p = 0 (no 0-d mixing), got "
                             f"delta_p = {self.delta_p!r}; use lindblad(form) or heat_currents()")
        e, rates = self.bath_rates(form)
        return RateEquation(e, rates)

    def populations(self, form: str | None = None) -> np.ndarray:
        """Steady-state populations, shape (..., 4): (0, 1, 2, d) local, (0, +, -, d) global."""
        return self.rate_equation(form).steady_state()

    def heat_currents(self, form: str | None = None, check: bool = True) -> dict:
        r"""Steady-state heat currents of baths L, R, C (positive = energy leaves the bath).

        Eq. 7 / A25 for :math:`\Delta_x = 0`, A21 (local) or A12 (global) otherwise, all
        batched. ``check`` runs :meth:`check_premises` first.
        """
        if np.any(np.asarray(self.delta_p) != 0):
            currents = self.lindblad_steady_state(form, check=check)["currents"]
            return {name: currents[name] for name in BATHS}
        if check:
            self.check_premises(form)
        eq = self.rate_equation(form)
        currents = eq.heat_currents()
        return {name: currents[name] for name in BATHS}

    def J_C(self, form: str | None = None, check: bool = True):
        """Heat current out of the cold bath C (Eq. 7); > 0 means C is cooled."""
        return self.heat_currents(form, check)["C"]

    def J_L(self, form: str | None = None, check: bool = True):
        """Heat current out of the hot bath L (> 0: L supplies heat)."""
        return self.heat_currents(form, check)["L"]

    def J_R(self, form: str | None = None, check: bool = True):
        """Heat current out of bath R (< 0 when R absorbs the waste heat)."""
        return self.heat_currents(form, check)["R"]

    def COP(self, form: str | None = None, check: bool = True):
        r"""Coefficient of performance :math:`J_C/J_L` (cooling per heat drawn from L)."""
        j = self.heat_currents(form, check)
        with np.errstate(divide="ignore", invalid="ignore"):
            return j["C"] / j["L"]

    def energy_residual(self, form: str | None = None):
        r""":math:`J_L + J_R + J_C` in the steady state.

        Zero (to round-off) for the global form and for :math:`\Delta_x = 0`. For the local
        form with :math:`\Delta_x \ne 0` it equals the energy :math:`(\epsilon_1 - \epsilon_2)`
        carried by each coherent :math:`2\to1` swap, which A21 books to no bath.
        """
        j = self.heat_currents(form, check=False)
        return j["L"] + j["R"] + j["C"]

    # -- cooling conditions -------------------------------------------------------------------
    def cooling_margin(self):
        r"""Exact cooling condition for :math:`\Delta_x = 0` (Eq. 8, in cycle form).

        With :math:`\Delta_x = 0` the transition graph is the single loop
        :math:`0\to1\to d\to2\to0`, so every edge carries the same net flux :math:`F` and
        :math:`J_C = \Delta_z F`. Its sign is that of the loop affinity:

        .. math::
            \mathcal{A} = \ln\frac{k_{0\to1}k_{d\to2}}{k_{1\to0}k_{2\to d}} - \beta_C\Delta_z,
            \qquad k = \sum_{\alpha=L,R} \Gamma_\alpha,

        (detailed balance of bath C, Eq. 6, gives the last term). Bath C is cooled iff
        :math:`\Delta_z\mathcal{A} > 0`. Returns :math:`\mathcal{A}` (array over the grid).
        Eq. 8 (illegible in our copy) is this condition multiplied out.
        """
        e, rates = self.bath_rates("local")
        w = rates["L"] + rates["R"]
        with np.errstate(divide="ignore"):
            return (np.log(w[..., 1, 0] * w[..., 2, 3] / (w[..., 0, 1] * w[..., 3, 2]))
                    - self.delta_z / self.T_C)

    def cooling_margin_eq9(self):
        r"""Eq. 9 (ideal filters, :math:`\Gamma_{10,R} = \Gamma_{2d,L} = 0`) as a margin.

        :math:`\beta_C\epsilon_2 + \beta_R\epsilon_{d2} - \beta_C\epsilon_{d1} - \beta_L\epsilon_1`
        with :math:`\epsilon_{d2} = \epsilon_1 + \Delta_z`, :math:`\epsilon_{d1} = \epsilon_2 +
        \Delta_z`; cooling iff > 0.
        """
        return (self.eps2 / self.T_C + (self.eps1 + self.delta_z) / self.T_R
                - (self.eps2 + self.delta_z) / self.T_C - self.eps1 / self.T_L)

    def eq10_threshold(self):
        r"""Eq. 10: cooling (ideal filters) iff :math:`\Delta_z < \epsilon_1 T_C/T_L`."""
        return eq10_threshold(self.eps1, self.T_L, self.T_C)

    # -- premises ----------------------------------------------------------------------------
    def check_premises(self, form: str | None = None, factor: float = 0.1) -> bool:
        r"""Secular/Markov premises (see :meth:`FilteredBaths.check_premises`).

        The global form with :math:`\Delta_x \ne 0` also needs the rates to be small compared
        with the splitting :math:`E_+ - E_-` of the mixed levels.
        """
        ok = super().check_premises(form, factor)
        if self._form(form) == "global" and np.any(np.asarray(self.delta_x) != 0):
            e = self.global_energies()
            split = float(np.min(e[..., 1] - e[..., 2]))
            max_rate = self.max_rate(form)
            ok &= check_premise(
                max_rate <= factor * split, "secular approximation (rates << E_+ - E_-)",
                "the largest rate is not small compared with the splitting of the XX-mixed "
                "levels", stacklevel=4, max_rate=max_rate, min_splitting=split)
        return bool(ok)

    def max_rate(self, form: str | None = None) -> float:
        """Largest transition rate on the grid."""
        _, rates = self.bath_rates(form)
        return float(max(np.max(w) for w in rates.values()))

    # -- full Lindblad equations in QuTiP (scalar parameters) -------------------------------
    def _require_scalar(self, what: str):
        if self._shape != ():
            raise ValueError(f"{what} needs scalar parameters; this model holds arrays of "
                             f"shape {self._shape}")

    def _core_bath(self, name: str) -> BosonicBath:
        b = self.bath(name)
        lor = LorentzianSpectralDensity(float(b["coupling"]), float(b["center"]),
                                        float(b["cutoff"]))
        density = lor if self.rate_scale == 1.0 else CallableSpectralDensity(
            lambda w, lor=lor, g=float(self.rate_scale): g * np.asarray(lor(w)), name="g*K")
        return BosonicBath(float(b["temperature"]), density, name=name)

    def hamiltonian(self) -> qutip.Qobj:
        """:math:`H_S` of Eq. 4 in the basis (0, 1, 2, d) as a QuTiP operator."""
        self._require_scalar("hamiltonian()")
        e = self.local_energies()
        h = np.diag(e)
        h[1, 2] = h[2, 1] = float(self.delta_x)
        h[0, 3] = h[3, 0] = float(self.delta_p)
        return qutip.Qobj(h)

    @staticmethod
    def projector(m: int, n: int) -> qutip.Qobj:
        r""":math:`\pi_{mn} = |m\rangle\langle n|` in the basis (0, 1, 2, d)."""
        return qutip.basis(4, m) * qutip.basis(4, n).dag()

    def coupling_operators(self) -> dict:
        """:math:`A_\\eta` of Eq. 5 (Hermitian): qubit-1 flip for L, R; qubit-2 flip for C."""
        p = self.projector
        a1 = p(0, 1) + p(2, 3)
        a2 = p(0, 2) + p(1, 3)
        return {"L": a1 + a1.dag(), "R": a1 + a1.dag(), "C": a2 + a2.dag()}

    def lindblad(self, form: str | None = None, check: bool = True) -> MasterEquation:
        r"""The full Lindblad master equation (QuTiP) of ``form``.

        ``"local"``: one jump per bare transition (:math:`\pi_{01}, \pi_{2d}` at
        :math:`\epsilon_1, \epsilon_1+\Delta_z` for L and R; :math:`\pi_{02}, \pi_{1d}` at
        :math:`\epsilon_2, \epsilon_2+\Delta_z` for C), rates from the bare energies; the
        Hamiltonian keeps :math:`\Delta_x`. ``"global"``: the secular (Davies) equation of
        :meth:`MasterEquation.global_secular` with the coupling operators of Eq. 5 (it
        checks the weak-coupling and secular premises unless ``check=False``).
        """
        self._require_scalar("lindblad()")
        form = self._form(form)
        h = self.hamiltonian()
        if form == "global":
            ops = self.coupling_operators()
            return MasterEquation.global_secular(
                h, [(self._core_bath(b), ops[b]) for b in BATHS], check=check)
        e1, e2, dz = float(self.eps1), float(self.eps2), float(self.delta_z)
        p = self.projector
        q1 = [Transition(p(0, 1), e1), Transition(p(2, 3), e1 + dz)]
        q2 = [Transition(p(0, 2), e2), Transition(p(1, 3), e2 + dz)]
        return MasterEquation.local(h, [(self._core_bath("L"), q1), (self._core_bath("R"), q1),
                                        (self._core_bath("C"), q2)])

    def lindblad_steady_state(self, form: str | None = None, check: bool = True) -> dict:
        r"""Steady state of the full Lindblad equation and its heat currents.

        Returns a dict with ``rho`` (Qobj), ``currents`` (:math:`\mathrm{Tr}[H\mathcal{D}_\eta
        \rho]`, full :math:`H` including :math:`\Delta_x`) and, for the local form,
        ``bare_currents`` — each jump booked at its bare transition energy, which is A21.
        Positive = energy leaves the bath.
        """
        me = self.lindblad(form, check=check)
        rho = me.steady_state()
        out = {"rho": rho, "currents": me.heat_currents(rho), "master_equation": me}
        if me.form == "local":
            bare = {}
            for name, terms in me.jumps.items():
                bare[name] = float(-sum(t.rate * t.energy
                                        * np.real((t.operator.dag() * t.operator * rho).tr())
                                        for t in terms))
            out["bare_currents"] = bare
        return out
