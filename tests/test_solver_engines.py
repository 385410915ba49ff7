"""Engines' fixed points and steady states through the solver layer (engines.steady).

Each ported route equals its former answer (computed here the old way) to 1e-10; maps with
two fixed points are refused with the numbers; the matrix-free Krylov route equals the
direct one.
"""

import warnings

import numpy as np
import pytest
import qutip
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from qfridge.core.thermal import bose
from qfridge.engines import collision as col
from qfridge.engines.collective import (
    CollectiveRateEquation,
    DickeBasis,
    DickeBath,
    nested_dissection,
)
from qfridge.engines.steady import Krylov, Method, Preconditioner, SolverOptions, SteadyStateError
from qfridge.models import phaseonium as ph
from qfridge.models._cavity_exact import bath_liouvillian, collision_map


def _old_fixed_point(kraus):
    sup = qutip.kraus_to_super(kraus)
    return qutip.steadystate(sup - qutip.qeye(sup.dims[0]))


def _jc_map(n=5, theta=0.8, p=0.3):
    a = qutip.destroy(n)
    sm = qutip.destroy(2)
    h = qutip.tensor(a, sm.dag()) + qutip.tensor(a.dag(), sm) + 0.3 * qutip.tensor(
        a + a.dag(), qutip.qeye(2))  # no conserved charge: a generic map
    return col.CollisionMap.from_interaction(h, qutip.Qobj(np.diag([1 - p, p])), theta)


def test_kraus_and_collision_fixed_points_equal_qutip_steadystate():
    cmap = _jc_map()
    old = _old_fixed_point(cmap.kraus())
    res = cmap.solve()
    assert np.abs((res.rho - old).full()).max() < 1e-10
    assert res.info.method is Method.DENSE and res.info.residual < 1e-12
    assert res.info.min_eigenvalue > -1e-12
    kraus = ph.cascade_kraus_operators(0.3, 1.1, 0.7, 4)
    km = col.KrausMap(kraus)
    assert np.abs((km.fixed_point() - _old_fixed_point(kraus)).full()).max() < 1e-10
    assert km.fixed_point().dims == [[5, 5], [5, 5]]


def test_sector_fixed_point_equals_old_sparse_solve_and_krylov_route():
    n_max = 12
    charges = (np.arange(n_max + 1)[:, None] + np.arange(n_max + 1)[None, :]).ravel()
    sec = col.KrausMap(ph.cascade_kraus_operators(0.25, 2.4, 0.3, n_max)).sectors(charges)
    a = (sec.matrix - sp.identity(sec.size, format="csr")).tolil()
    trace_row = (sec.rows == sec.cols).astype(float)
    pivot = int(np.argmax(trace_row))
    a[pivot, :] = trace_row
    rhs = np.zeros(sec.size)
    rhs[pivot] = 1.0
    old = spla.spsolve(a.tocsc(), rhs)
    res = sec.solve()
    assert sec.size > 1200 and res.info.method is Method.SPLU
    assert np.abs(sec.vector(res.rho) - old).max() < 1e-10
    assert np.array_equal(res.charges, charges)
    krylov = sec.fixed_point(SolverOptions(method=Method.KRYLOV, krylov=Krylov.BICGSTAB,
                                           preconditioner=Preconditioner.JACOBI))
    assert np.abs(krylov - old).max() < 1e-10


def test_matrix_free_kraus_fixed_point_equals_direct():
    kraus = ph.cascade_kraus_operators(0.3, 1.1, 0.7, 7)  # D = 64, 4096 unknowns
    km = col.KrausMap(kraus)
    res = km.solve()  # 4096 > MAP_OPTIONS.direct_max: matrix-free BiCGSTAB
    assert res.info.method is Method.KRYLOV and res.info.nnz == 0
    assert "matrix-free" in res.note
    direct = km.solve(SolverOptions(method=Method.SPLU))
    assert np.abs((res.rho - direct.rho).full()).max() < 1e-10
    assert res.info.residual < 1e-9


def test_map_with_two_fixed_points_is_refused_with_numbers():
    # amplitude damping inside {0, 1} and inside {2, 3}: two invariant subspaces
    g = 0.4
    k0 = np.diag([1, np.sqrt(1 - g), 1, np.sqrt(1 - g)])
    k1 = np.zeros((4, 4))
    k1[0, 1] = k1[2, 3] = np.sqrt(g)
    km = col.KrausMap([qutip.Qobj(k0), qutip.Qobj(k1)])
    with pytest.raises(SteadyStateError, match=r"not unique.*reciprocal condition number "
                                               r"[0-9.e+-]+ < 1e-14"):
        km.fixed_point()
    with pytest.raises(SteadyStateError, match=r"not unique.*differ by [0-9.e+-]+"):
        km.fixed_point(SolverOptions(method=Method.KRYLOV,
                                     preconditioner=Preconditioner.JACOBI))


def test_stream_steady_state_equals_qutip_steadystate():
    from qfridge.models.cavity_cooling import CorrelatedPairCooling

    m = CorrelatedPairCooling.paper_baseline("two", reading="phi", g=0.4 / 50e-9, t_bath=0.2)
    n = 10
    gen = col.poisson_stream_generator(collision_map(m, n), float(m.rate),
                                       bath_liouvillian(m, n))
    old = qutip.steadystate(gen)
    res = col.stream_steady_state(gen)
    assert np.abs((res.rho - old).full()).max() < 1e-10
    assert res.info.residual < 1e-10


def test_collective_steady_state_equals_old_reduced_spsolve():
    baths = [DickeBath.thermal("hot", 0.1, bose(1.0, 3.0)),
             DickeBath.thermal("cold", 0.1, bose(1.0, 1 / 3)),
             DickeBath.thermal("parasitic", 1e-3, bose(1.0, 0.1), collective=False)]
    for n in (9, 80):  # dense route; SuperLU on the nested-dissection order
        eq = CollectiveRateEquation(n, 1.0, baths)
        g = eq.generator().tocsc()
        new = eq.steady_state().populations
        ref = int(np.argmax(new))  # the old route's pivot: a well-populated level
        keep = np.r_[0:ref, ref + 1:g.shape[0]]
        x = spla.spsolve(g[keep][:, keep].tocsc(), -g[keep][:, [ref]].toarray().ravel(),
                         permc_spec="COLAMD")
        old = np.insert(x, ref, 1.0)
        old /= old.sum()
        assert np.abs(new - old).max() < 1e-10 * old.max()
        colamd = eq.steady_state(options=SolverOptions(method=Method.SPLU)).populations
        assert np.abs(colamd - old).max() < 1e-10 * old.max()


def test_nested_dissection_is_a_permutation_with_separators_last():
    b = DickeBasis(40)
    order = nested_dissection(np.column_stack([b.n_qubits / 2 - b.j, b.m]))
    assert np.array_equal(np.sort(order), np.arange(b.size))


@pytest.mark.parametrize("form", ["local", "global"])
def test_fridge_lindblad_route_equals_qutip_steadystate(form):
    """Seed 004's Lindblad routes now solve through the layer: same state as
    qutip.steadystate on the same Liouvillian, and the same currents."""
    from qfridge.models.absorption_fridge import AbsorptionFridge

    fridge = AbsorptionFridge(eps1=2, eps2=2.1, delta_z=0.2, dT=0.2, cutoff=10,
                              rate_scale=1e-4, delta_x=0.002)
    out = fridge.lindblad_steady_state(form, check=False)
    me = out["master_equation"]
    ref = me.steady_state(Method.QUTIP)
    assert np.max(np.abs(out["rho"].full() - ref.full())) < 1e-10
    ref_currents = me.heat_currents(ref)
    for name, value in out["currents"].items():
        assert value == pytest.approx(ref_currents[name], rel=1e-8, abs=1e-18)


def test_fridges_without_a_connecting_bath_are_refused():
    """Issue 14's cases: with gamma_L = gamma_R = 0 (or gamma_C = 0 for the resonators)
    the Pauli equation splits into closed classes; the answer used to be arbitrary."""
    from qfridge.models.absorption_fridge import AbsorptionFridge
    from qfridge.models.kerr_resonators import KerrResonatorFridge

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # premise warnings are not what is tested here
        with pytest.raises(SteadyStateError, match="no unique steady state"):
            AbsorptionFridge(eps1=2, eps2=2.1, delta_z=0.2, dT=0.2, cutoff=10, gamma_L=0,
                             gamma_R=0).J_C("global")
        with pytest.raises(SteadyStateError, match="no unique steady state"):
            KerrResonatorFridge(gamma_C=0).J_C()
