"""Spin chains (seed 002): block solves vs the full space, free fermions, symmetry, Fig. 5."""

import numpy as np
import pytest
import qutip
import scipy.linalg as sla
from threadpoolctl import threadpool_limits

from qfridge.core.baths import BosonicBath
from qfridge.engines.blocks import ChargeError
from qfridge.engines.steady import Method, SolverOptions
from qfridge.models.base import get_model
from qfridge.models.spin_chain import SiteBath, SiteJump, SpinChain

HOT = BosonicBath(2.0, 0.1, name="hot")
COLD = BosonicBath(0.5, 0.1, name="cold")


def _xxz(n_sites, b_x=0.0):
    """XXZ chain with opposite fields on its halves (non-uniform, so nothing is symmetric)."""
    half = n_sites // 2
    b_z = np.r_[np.linspace(1.0, 1.4, half), np.linspace(-0.9, -1.3, n_sites - half)]
    return SpinChain.xxz(n_sites, 1.0, 0.7, b_z=b_z, b_x=b_x)


def _end_baths(chain):
    return chain.master_equation([SiteBath(0, HOT), SiteBath(chain.n_sites - 1, COLD)])


def _max_diff(a, b):
    return float(np.max(np.abs((a - b).full())))


def _qutip_full(me):
    """The independent reference; one BLAS thread (SuperLU's small supernodes oversubscribe
    a busy 2-core machine otherwise)."""
    with threadpool_limits(1):
        return qutip.steadystate(qutip.liouvillian(me.hamiltonian, me.collapse_operators()))


def test_hamiltonian_is_sparse_and_matches_pauli_construction():
    chain = SpinChain.xxz(3, 0.8, 0.3, b_z=[0.5, -0.2, 0.1], b_x=0.4)
    h = chain.hamiltonian()
    assert isinstance(h.data, qutip.data.CSR)

    def s(op, i):
        return qutip.tensor([op if k == i else qutip.qeye(2) for k in range(3)]) / 2

    x, y, z = qutip.sigmax(), qutip.sigmay(), qutip.sigmaz()
    ref = sum(0.8 * (s(x, i) * s(x, i + 1) + s(y, i) * s(y, i + 1)) + 0.3 * s(z, i) * s(z, i + 1)
              for i in range(2))
    ref += sum(b * s(z, i) for i, b in enumerate([0.5, -0.2, 0.1])) + sum(0.4 * s(x, i)
                                                                          for i in range(3))
    assert _max_diff(h, ref) < 1e-14
    assert SpinChain.xx(4, 1.0).j_z == 0.0
    assert SpinChain.heisenberg(4, 0.7).j_z == 0.7
    assert get_model("SpinChain") is SpinChain


@pytest.mark.parametrize("n_sites", [4, 6])
def test_block_solve_equals_full_qutip(n_sites):
    chain = _xxz(n_sites)
    me = _end_baths(chain)
    ss = me.solve(charge=chain.charge())
    assert ss.charges is not None and "declared" in ss.note
    ref = _qutip_full(me)
    assert _max_diff(ss.rho, ref) < 1e-10
    ours, theirs = me.heat_currents(ss.rho), me.heat_currents(ref)
    for name in ("hot", "cold"):
        assert abs(ours[name] - theirs[name]) < 1e-10
    assert ours["hot"] > 0 > ours["cold"]
    if n_sites == 6:
        auto = me.solve()
        assert "detected" in auto.note and _max_diff(auto.rho, ss.rho) < 1e-12


def test_eight_sites_blocks_equal_the_full_space():
    """8 sites: QuTiP's direct solve of the 65 536-unknown Liouvillian takes ~150 s, so the
    reference is the full-space solve without charge blocks (one block of 256 levels,
    preconditioned GMRES): a different Liouvillian, vectorisation and preconditioner."""
    chain = _xxz(8)
    me = _end_baths(chain)
    blocks, full = me.solve(), me.solve(charge=None)
    assert blocks.info.size == 12870 and full.info.size == 65536
    assert _max_diff(blocks.rho, full.rho) < 1e-10
    ours, ref = me.heat_currents(blocks.rho), me.heat_currents(full.rho)
    for name in ("hot", "cold"):
        assert abs(ours[name] - ref[name]) < 1e-10
    assert ours["hot"] > 0 > ours["cold"]


@pytest.mark.parametrize("n_sites", [4, 5])
def test_transverse_field_falls_back_to_full_space(n_sites):
    """No charge: the full space is solved (at 5 sites by the Krylov route, chosen
    explicitly: 1024 unknowns would otherwise go to the dense LU)."""
    chain = _xxz(n_sites, b_x=0.3)
    assert chain.charge() is None
    me = _end_baths(chain)
    ss = me.solve(Method.KRYLOV if n_sites == 5 else None)
    assert ss.charges is None and "full Liouvillian" in ss.note
    ref = _qutip_full(me)
    assert _max_diff(ss.rho, ref) < 1e-10
    ours, theirs = me.heat_currents(ss.rho), me.heat_currents(ref)
    for name in ("hot", "cold"):
        assert abs(ours[name] - theirs[name]) < 1e-10


def _free_fermion_xx(j_perp, b_z, gain, loss):
    r"""Steady correlations :math:`G_{ij} = \langle c_i^\dagger c_j\rangle` of the XX chain
    with gain :math:`c_i^\dagger` and loss :math:`c_i` (Jordan–Wigner, up = occupied).

    :math:`h = \mathrm{diag}(B^z) + \tfrac{J_\perp}{2}(\text{nearest neighbours})`,
    :math:`\dot G = -(XG + GX^\dagger) + P` with :math:`X = -ih^T + (\Gamma^+ + \Gamma^-)/2`,
    :math:`P = \Gamma^+`; the steady state solves the Lyapunov equation
    :math:`XG + GX^\dagger = P`. The Jordan–Wigner string of :math:`S^\pm_i` drops out
    because the steady state is parity-even.
    """
    n = len(b_z)
    h = np.diag(b_z) + 0.5 * j_perp * (np.eye(n, k=1) + np.eye(n, k=-1))
    x = -1j * h.T + 0.5 * np.diag(np.asarray(gain) + np.asarray(loss))
    return sla.solve_continuous_lyapunov(x, np.diag(gain).astype(complex))


def _check_xx_against_free_fermions(n_sites):
    j_perp, b_z = 1.0, np.linspace(0.3, -0.2, n_sites)
    gain, loss = np.zeros(n_sites), np.zeros(n_sites)
    gain[0], loss[0], gain[-1], loss[-1] = 0.7, 0.2, 0.1, 0.9
    chain = SpinChain.xx(n_sites, j_perp, b_z=b_z)
    me = chain.master_equation([
        SiteJump(0, "+", gain[0], "left"), SiteJump(0, "-", loss[0], "left"),
        SiteJump(n_sites - 1, "+", gain[-1], "right"),
        SiteJump(n_sites - 1, "-", loss[-1], "right")])
    ss = me.solve(charge="auto")
    if 4**n_sites > SolverOptions().dense_max:  # smaller: one dense full-space solve
        assert ss.charges is not None and "detected" in ss.note
        assert ss.info.size < 4**n_sites
    assert ss.info.residual < 1e-12
    g = _free_fermion_xx(j_perp, b_z, gain, loss)
    current = -j_perp * g[np.arange(n_sites - 1), np.arange(1, n_sites)].imag
    lindblad = [qutip.expect(chain.spin_current(i), ss.rho) for i in range(n_sites - 1)]
    assert np.max(np.abs(np.array(lindblad) - current)) < 1e-10
    sz = [qutip.expect(chain.site_operator("z", i), ss.rho) for i in range(n_sites)]
    assert np.max(np.abs(np.array(sz) - (g.diagonal().real - 0.5))) < 1e-10
    inflow = gain[0] * (1 - g[0, 0].real) - loss[0] * g[0, 0].real  # continuity at site 0
    assert abs(current[0] - inflow) < 1e-12 and current[0] > 0


@pytest.mark.parametrize("n_sites", [4, 5, 6, 7, 8, 9])
def test_xx_chain_spin_current_equals_free_fermions(n_sites):
    """Boundary gain and loss on both ends of an XX chain: a quadratic Lindbladian, so the
    spin current and the magnetisation profile follow from the single-particle matrix."""
    _check_xx_against_free_fermions(n_sites)


def test_declared_charge_broken_by_one_jump_is_refused_by_name():
    chain = SpinChain.heisenberg(4, 1.0, b_z=[1.0, 0.5, -0.5, -1.0])
    me = chain.master_equation([SiteBath(0, HOT), SiteBath(3, COLD),
                                SiteJump(2, "x", 0.05, bath="noise")])
    with pytest.raises(ChargeError, match="bath 'noise'"):
        me.solve(charge=chain.charge())
    ss = me.solve(charge="auto")
    assert ss.charges is None and "full Liouvillian" in ss.note
    assert _max_diff(ss.rho, _qutip_full(me)) < 1e-10


def test_bath_names_and_sites_are_checked():
    chain = SpinChain.xx(3, 1.0, b_z=[1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="needs a local field"):
        chain.master_equation([SiteBath(1, HOT)])
    with pytest.raises(ValueError, match="distinct names"):
        chain.master_equation([SiteBath(0, HOT), SiteBath(2, BosonicBath(0.1, 0.1, name="hot"))])
    with pytest.raises(ValueError, match="site must be < n_sites"):
        chain.master_equation([SiteJump(3, "+", 1.0)])
    with pytest.raises(ValueError, match="one entry per site"):
        SpinChain.xx(3, 1.0, b_z=[1.0, 2.0])


def test_tilted_field_bath_thermalises_a_single_site():
    """A bath on a site with B^x != 0 relaxes the spin along its local field: Gibbs state
    of B^z S^z + B^x S^x when the chain is decoupled (J = 0)."""
    chain = SpinChain.xxz(2, 0.0, 0.0, b_z=[0.8, 1.0], b_x=[0.6, 0.0])
    bath = BosonicBath(0.7, 0.05, name="b")
    me = chain.master_equation([SiteBath(0, bath), SiteBath(1, bath)])
    rho = me.steady_state()
    gibbs = (-chain.hamiltonian() / 0.7).expm()
    assert _max_diff(rho, gibbs / gibbs.tr()) < 1e-10
    assert abs(me.heat_currents(rho)["b"]) < 1e-12


@pytest.mark.parametrize("field_sign", [1.0, -1.0])
def test_seed002_fig5_cooled_lead_polarises_the_chain(field_sign):
    """Seed 002 Fig. 5: 8-site Heisenberg chain, fields +-2 on the halves, the first four
    sites pumped by L_i = sqrt(2) S_i^+. The unique steady state is all up for either sign
    convention of the field (|up...up> is dark and every other state leaks into it).
    The automatic route: preconditioned GMRES on the 12 870 block unknowns.
    """
    b_z = field_sign * np.r_[np.full(4, 2.0), np.full(4, -2.0)]
    chain = SpinChain.heisenberg(8, 1.0, b_z=b_z)
    me = chain.master_equation([SiteJump(i, "+", 2.0, bath="cooling") for i in range(4)])
    ss = me.solve()
    assert ss.charges is not None
    up = qutip.tensor([qutip.basis(2, 0)] * 8)
    assert abs(qutip.expect(qutip.ket2dm(up), ss.rho) - 1.0) < 1e-10
    assert abs(qutip.expect(chain.total_sz(), ss.rho) - 4.0) < 1e-10
