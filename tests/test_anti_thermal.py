"""Seed 002 models: the half-cooled chain, the nonlinear cavity, the lead-coupled chain."""

import numpy as np
import pytest
import qutip

from qfridge.core.thermal import energy_inverse_temperature
from qfridge.models.anti_thermal import (
    AntiThermalChain,
    HalfCooledChain,
    NonlinearCavity,
    SpinSystem,
)


def test_half_cooled_chain_block_evolution_matches_mesolve():
    # Fig. 5 at 4 sites: block evolution (expm_multiply on the S^z blocks, cooling switched
    # off at t = 3) against QuTiP's mesolve on the full space, piece by piece.
    model = HalfCooledChain(n_sites=4, coupling=1.0, field=2.0, cooling_rate=2.0)
    times = np.linspace(0.0, 6.0, 13)
    traj, betas = model.evolve(times, switch_off=3.0)
    h = model.chain.hamiltonian()
    rho0 = qutip.qeye(h.dims[0]) / 16
    cops = [np.sqrt(2.0) * model.chain.site_operator("+", i) for i in (0, 1)]
    ops = [model.half_hamiltonian(half) for half in model.HALVES]
    opts = {"atol": 1e-12, "rtol": 1e-10}
    first = qutip.mesolve(h, rho0, times[times <= 3.0], cops, e_ops=ops, options=opts)
    mid = qutip.mesolve(h, rho0, [0.0, 3.0], cops, options={**opts, "store_final_state": True})
    second = qutip.mesolve(h, mid.final_state, times[times >= 3.0] - 3.0, [], e_ops=ops,
                           options=opts)
    for k in range(2):
        ref = np.concatenate([first.expect[k], second.expect[k][1:]])
        np.testing.assert_allclose(traj.expect[:, k], ref, atol=1e-8)
    # temperatures from energies: infinite temperature at t = 0, the cooled half positive,
    # the other half heated to a negative temperature
    assert betas["lead"][0] == pytest.approx(0.0, abs=1e-9)
    assert betas["system"][0] == pytest.approx(0.0, abs=1e-9)
    assert betas["lead"][-1] > 1.0 and betas["system"][-1] < 0.0
    levels = model.half_chain("system").hamiltonian().eigenenergies()
    assert betas["system"][6] == pytest.approx(
        energy_inverse_temperature(levels, traj.expect[6, 1]), rel=1e-12)


def test_half_hamiltonians_split_the_chain_at_the_middle_bond():
    model = HalfCooledChain(n_sites=4)
    h = model.chain.hamiltonian()
    op = model.chain.site_operator
    middle = op("z", 1) * op("z", 2) + 0.5 * (op("+", 1) * op("-", 2) + op("-", 1) * op("+", 2))
    rest = h - model.half_hamiltonian("lead") - model.half_hamiltonian("system") - middle
    assert rest.norm() < 1e-12
    # the paper's sign: +B on the cooled half makes all-up its ground state
    lead = model.half_chain("lead").hamiltonian()
    assert np.argmin(np.diag(lead.full()).real) == 0 and lead.isherm
    for bad in ({"n_sites": 5}, {"n_sites": 2}, {"cooling_rate": -1.0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            HalfCooledChain(**bad)


def test_fig4_chain_bands_do_not_overlap_and_rise_with_sz():
    # Seed 002 erratum: with S = sigma/2 and the field sign -B_z S^z, B_z = -5 separates
    # the S^z sectors into bands whose energies increase with S^z.
    chain = AntiThermalChain(n_sites=6, j_z=1.0, j_perp=0.5, b_z=-5.0)
    sz = chain.magnetisation()
    h = chain.hamiltonian().full()
    tops, bottoms = [], []
    for m in np.unique(sz):
        idx = np.flatnonzero(sz == m)
        e = np.linalg.eigvalsh(h[np.ix_(idx, idx)])
        bottoms.append(e.min())
        tops.append(e.max())
    assert np.all(np.array(bottoms[1:]) > np.array(tops[:-1]))
    assert AntiThermalChain(n_sites=4, b_x=0.3).magnetisation() is None


def test_nonlinear_cavity_levels_and_inputs():
    cav = NonlinearCavity(gap=0.2, gap_above=0.1, n_fock=5, n_max=8)
    np.testing.assert_allclose(cav.energies(), [0, .2, .4, .6, .8, 1.0, 1.1, 1.2, 1.3])
    assert cav.lowering().shape == (9, 9)
    with pytest.raises(ValueError, match="n_max"):
        NonlinearCavity(n_fock=5, n_max=5)
    with pytest.raises(ValueError, match="gap_above"):
        NonlinearCavity(gap_above=0.0)
    with pytest.raises(ValueError, match="spin"):
        SpinSystem(spin=0.7)
