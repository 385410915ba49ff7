"""Reference systems with closed-form answers, run against every engine."""

import numpy as np
import qutip

from qfridge.core.thermal import bose


def gibbs(hamiltonian: qutip.Qobj, temperature: float) -> qutip.Qobj:
    """Gibbs state exp(-H/T)/Z by QuTiP's matrix exponential (independent of qfridge)."""
    rho = (-hamiltonian / temperature).expm()
    return rho / rho.tr()


def qubit_two_bath_current(omega, gamma_h, gamma_c, t_h, t_c):
    """Seed 003 Eq. 26 with N = 1: heat current out of the hot bath through one qubit."""
    n_h, n_c = bose(omega, t_h), bose(omega, t_c)
    return omega * gamma_h * gamma_c * (n_h - n_c) / (
        gamma_c * (2 * n_c + 1) + gamma_h * (2 * n_h + 1))


def random_four_level(rng: np.random.Generator):
    """Two qubits with incommensurate splittings and a weak exchange coupling."""
    e1, e2 = 1.0 + rng.random(), 2.5 + rng.random()
    g = 0.05 * rng.random()
    sm1 = qutip.tensor(qutip.sigmam(), qutip.qeye(2))
    sm2 = qutip.tensor(qutip.qeye(2), qutip.sigmam())
    h = (e1 * sm1.dag() * sm1 + e2 * sm2.dag() * sm2
         + g * (sm1.dag() * sm2 + sm2.dag() * sm1))
    return h, sm1 + sm1.dag(), sm2 + sm2.dag()
