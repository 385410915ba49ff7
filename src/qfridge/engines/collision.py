r"""Collision models: exact one-collision maps, their Kraus operators and fixed points.

A collision is an ancilla state :math:`\eta`, a system–ancilla interaction and a
duration. Its exact map on the system is

.. math:: \Phi(\rho) = \mathrm{Tr}_A\left[U(\rho\otimes\eta)U^\dagger\right],
          \qquad U = e^{-iH_{\rm int}\tau},

with the system first and the ancilla last in the tensor product. With
:math:`\eta = \sum_k p_k|k\rangle\langle k|`, the Kraus operators are
:math:`E_{jk} = \sqrt{p_k}\,\langle j|U|k\rangle` (partial matrix elements on the ancilla).

A Poisson stream of collisions at rate :math:`R` on top of a Lindbladian
:math:`\mathcal{L}` has the generator :math:`R(\Phi - 1) + \mathcal{L}`
(:func:`poisson_stream_generator`), whose steady state QuTiP finds.
"""

from __future__ import annotations

import numpy as np
import qutip

from ..core import checks


def _ancilla_spectrum(ancilla_state: qutip.Qobj):
    if not isinstance(ancilla_state, qutip.Qobj):
        raise ValueError(f"ancilla_state must be a Qobj, got {type(ancilla_state).__name__}")
    eta = qutip.ket2dm(ancilla_state) if ancilla_state.isket else ancilla_state
    if not eta.isoper:
        raise ValueError(f"ancilla_state must be a ket or density matrix, got {eta!r}")
    dense = eta.full()
    if abs(np.trace(dense) - 1) > 1e-10:
        raise ValueError(f"ancilla_state must have unit trace, got {np.trace(dense).real:.6g}")
    p, v = np.linalg.eigh(0.5 * (dense + dense.conj().T))
    if np.min(p) < -1e-10:
        raise ValueError(f"ancilla_state must be positive; smallest eigenvalue {p.min():.3g}")
    return eta, np.clip(p, 0.0, None), v


class CollisionMap:
    """The exact map of one collision.

    Parameters
    ----------
    unitary : qutip.Qobj
        :math:`U` on system ⊗ ancilla (ancilla last).
    ancilla_state : qutip.Qobj
        :math:`\\eta`, ket or density matrix on the ancilla.
    """

    def __init__(self, unitary: qutip.Qobj, ancilla_state: qutip.Qobj):
        eta, p, v = _ancilla_spectrum(ancilla_state)
        if not isinstance(unitary, qutip.Qobj) or not unitary.isoper:
            raise ValueError(f"unitary must be an operator Qobj, got {unitary!r}")
        dims = unitary.dims[0]
        if len(dims) < 2 or dims[-1] != eta.dims[0][0] or len(eta.dims[0]) != 1:
            raise ValueError(f"unitary acts on {dims}; expected system dims followed by the "
                             f"ancilla dimension {eta.dims[0]}")
        self.unitary = unitary
        self.ancilla_state = eta
        self.system_dims = dims[:-1]
        self._p, self._v = p, v

    @classmethod
    def from_interaction(cls, interaction: qutip.Qobj, ancilla_state: qutip.Qobj,
                         duration: float) -> CollisionMap:
        """Map of a collision of ``duration`` under the interaction Hamiltonian (ħ = 1)."""
        checks.non_negative("duration", duration)
        if not isinstance(interaction, qutip.Qobj) or not interaction.isherm:
            raise ValueError("interaction must be a Hermitian operator Qobj")
        return cls((-1j * duration * interaction).expm(), ancilla_state)

    @property
    def system_dimension(self) -> int:
        return int(np.prod(self.system_dims))

    def kraus(self, cutoff: float = 0.0) -> list[qutip.Qobj]:
        """Kraus operators :math:`E_{jk} = \\sqrt{p_k}\\langle j|U|k\\rangle` (dropping p_k <= cutoff)."""
        ds = self.system_dimension
        da = self._p.size
        u = self.unitary.full().reshape(ds, da, ds, da)
        ops = []
        for k in range(da):
            if self._p[k] <= cutoff:
                continue
            # <j|U|k> with the ancilla basis being eta's eigenbasis v[:, k] on the right
            # and the computational basis on the left.
            u_k = np.einsum("ajbc,c->ajb", u, self._v[:, k])
            for j in range(da):
                ops.append(qutip.Qobj(np.sqrt(self._p[k]) * u_k[:, j, :],
                                      dims=[self.system_dims, self.system_dims]))
        return ops

    def superoperator(self) -> qutip.Qobj:
        """The map as a QuTiP superoperator on the system."""
        return qutip.kraus_to_super(self.kraus(cutoff=0.0))

    def apply(self, rho: qutip.Qobj) -> qutip.Qobj:
        """:math:`\\Phi(\\rho)` computed from the full unitary and a partial trace."""
        if rho.isket:
            rho = qutip.ket2dm(rho)
        if rho.dims[0] != self.system_dims:
            raise ValueError(f"rho has dims {rho.dims[0]}, the system has {self.system_dims}")
        joint = self.unitary * qutip.tensor(rho, self.ancilla_state) * self.unitary.dag()
        return joint.ptrace(list(range(len(self.system_dims))))

    def fixed_point(self) -> qutip.Qobj:
        """The state with :math:`\\Phi(\\rho) = \\rho` (unique fixed point assumed)."""
        sup = self.superoperator()
        return qutip.steadystate(sup - qutip.qeye(sup.dims[0]))


def poisson_stream_generator(collision: CollisionMap | qutip.Qobj, rate: float,
                             lindbladian: qutip.Qobj | None = None) -> qutip.Qobj:
    r"""Generator :math:`R(\Phi - 1) + \mathcal{L}` of collisions arriving at Poisson rate ``rate``."""
    checks.non_negative("rate", rate)
    sup = collision.superoperator() if isinstance(collision, CollisionMap) else collision
    gen = rate * (sup - qutip.qeye(sup.dims[0]))
    if lindbladian is not None:
        if lindbladian.dims != sup.dims:
            raise ValueError(f"lindbladian has dims {lindbladian.dims}, the map {sup.dims}")
        gen = gen + lindbladian
    return gen
