"""Seed 004, Kerr-coupled resonators (Eqs. 12-19, App. B)."""

import warnings

import numpy as np
import pytest
import qutip

from qfridge.core.validity import PremiseWarning
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.models.absorption_fridge import AbsorptionFridge
from qfridge.models.kerr_resonators import KerrResonatorFridge


@pytest.fixture(autouse=True)
def _quiet_premises():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        yield


def test_two_levels_reproduce_the_qubit_fridge_exactly():
    dT = np.linspace(0.0, 0.9, 10)[:, None]
    dz = np.array([0.05, 0.2, 0.7])[None, :]
    res = KerrResonatorFridge(eps1=2.0, eps2=2.1, delta_z=dz, dT=dT, cutoff=20.0)
    qub = AbsorptionFridge(eps1=2.0, eps2=2.1, delta_z=dz, dT=dT, cutoff=20.0)
    jr, jq = res.heat_currents(check=False), qub.heat_currents()
    for b in "LRC":
        np.testing.assert_allclose(jr[b], jq[b], rtol=1e-12, atol=1e-13)
    p = res.populations()
    # Fock order (n1, n2) = 00, 01, 10, 11 is the qubit order 0, 2, 1, d.
    np.testing.assert_allclose(p.reshape(*p.shape[:-2], 4)[..., [0, 2, 1, 3]],
                               qub.populations(), atol=1e-14)


def _lindblad(model, baths):
    """Independent reference: local Lindblad with jumps a_1 |n_2><n_2| (QuTiP)."""
    n1_, n2_ = model.N1, model.N2
    a1 = qutip.tensor(qutip.destroy(n1_), qutip.qeye(n2_))
    a2 = qutip.tensor(qutip.qeye(n1_), qutip.destroy(n2_))
    num1, num2 = a1.dag() * a1, a2.dag() * a2
    h = model.eps1 * num1 + model.eps2 * num2 + model.delta_z * num1 * num2
    proj2 = [qutip.tensor(qutip.qeye(n1_), qutip.fock_dm(n2_, k)) for k in range(n2_)]
    proj1 = [qutip.tensor(qutip.fock_dm(n1_, k), qutip.qeye(n2_)) for k in range(n1_)]
    q1 = [Transition(a1 * p, model.eps1 + model.delta_z * k) for k, p in enumerate(proj2)]
    q2 = [Transition(a2 * p, model.eps2 + model.delta_z * k) for k, p in enumerate(proj1)]
    return MasterEquation.local(h, [(baths["L"], q1), (baths["R"], q1), (baths["C"], q2)])


def test_rate_equation_equals_qutip_lindblad():
    model = KerrResonatorFridge(N1=3, N2=4, delta_z=0.3, dT=0.4)
    qubit_like = AbsorptionFridge(eps1=model.eps1, eps2=model.eps2, delta_z=model.delta_z,
                                  dT=model.dT, cutoff=model.cutoff)
    # Core BosonicBath objects with the same filters (built by the qubit model).
    me = _lindblad(model, {b: qubit_like._core_bath(b) for b in "LRC"})
    rho = me.steady_state()
    np.testing.assert_allclose(np.real(np.diag(rho.full())), model.populations().ravel(),
                               atol=1e-10)
    ours = model.heat_currents(check=False)
    for b, j in me.heat_currents(rho).items():
        assert ours[b] == pytest.approx(j, rel=1e-8, abs=1e-14)


def test_energy_conservation_and_no_bias():
    m = KerrResonatorFridge(N1=4, N2=4, delta_z=np.linspace(0.05, 1, 5), dT=0.3)
    j = m.heat_currents(check=False)
    np.testing.assert_allclose(j["L"] + j["R"] + j["C"], 0.0, atol=1e-13)
    j0 = m.replace(dT=0.0).heat_currents(check=False)
    for b in "LRC":
        np.testing.assert_allclose(j0[b], 0.0, atol=1e-13)
    # At dT = 0 the state is Gibbs: <n_2> of a Kerr pair at T = 1.
    m0 = KerrResonatorFridge(N1=6, N2=6, delta_z=0.3, dT=0.0)
    n1, n2 = m0.occupations()
    e = m0.energies()
    gibbs = np.exp(-e) / np.exp(-e).sum()
    np.testing.assert_allclose(m0.populations().ravel(), gibbs, atol=1e-12)


def test_truncation_convergence_and_warning():
    base = KerrResonatorFridge(dT=0.3)       # Fig. 7 parameters
    conv, history = base.converged(rtol=1e-6)
    assert 10 <= conv.N1 <= 30
    assert conv.top_level_population() < 1e-4
    j = [float(h[1]) for h in history]
    assert abs(j[-1] - j[-2]) <= 1e-6 * abs(j[-1])
    with pytest.warns(PremiseWarning, match="truncation"):
        base.replace(N1=3, N2=3).heat_currents(check=True)
    with pytest.raises(ValueError, match="n_max"):
        base.converged(rtol=1e-12, n_max=4)


@pytest.mark.parametrize("kwargs, name", [
    ({"N1": 1}, "N1"), ({"N2": 2.5}, "N2"), ({"gamma_R": -0.1}, "gamma_R"),
    ({"cutoff": 0}, "cutoff"), ({"T": 0}, "T"),
])
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        KerrResonatorFridge(**kwargs)


def test_multilevel_cooling_beats_qubits_at_fig7_point():
    base = KerrResonatorFridge(dT=0.3)
    jq = base.J_C(check=False)
    j3 = base.replace(N1=3, N2=3).J_C(check=False)
    jconv = base.converged(rtol=1e-6)[0].J_C(check=False)
    assert jq > 0 and j3 > jq and jconv > j3
    assert jconv / jq > 2.0    # the paper's "more than double"
    assert base.quantity("n1") > base.quantity("n2") > 0   # hot bath populates R1 more


def test_agrees_with_the_negf_modules_master_equation_inset():
    # Fig. 10's inset (T_C = T, cold_bias = 0) is computed independently in seed004_negf
    # with a QuTiP Lindblad; the batched rate equation must give the same currents.
    from qfridge.reproduce import seed004_negf as negf

    params = dict(eps1=2.0, eps2=2.0, delta_z=0.2, gamma_R=0.02, gamma_C=0.02, cutoff=7.0)
    for gamma_l, dT in ((0.01, 0.3), (0.02, 0.7)):
        ref = negf.master_equation_point(dT, gamma_L=gamma_l, levels=5, **params)["J"]
        ours = KerrResonatorFridge(N1=5, N2=5, dT=dT, cold_bias=0.0, gamma_L=gamma_l,
                                   **params).heat_currents(check=False)
        for b in "LRC":
            assert ours[b] == pytest.approx(ref[b], rel=1e-9)
