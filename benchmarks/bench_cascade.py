"""Benchmark: 2000 cascade collisions (seed 001, Eq. 24), n_max = 30 photons per cavity.

Ours: the charge-sector path of the collision engine (``SectorMap``): the five Kraus
operators change n1 + n2 by a fixed amount, so the state stays block-diagonal in total
photon number and one collision is one sparse matrix-vector product on the ~2e4 in-block
entries. Baselines: the same Kraus map applied to the full 961 x 961 density matrix,
sum_i E_i rho E_i^dag, (a) with QuTiP Qobjs (CSR operators, as QuTiP does it) and (b) with
scipy sparse operators on a dense NumPy rho (the strongest obvious alternative; the ratio
uses it). A dense superoperator (961^2 x 961^2) would not fit in memory. Baselines are timed
on a few collisions and scaled.
Both start from the same thermal states and are checked to agree.

Also timed once: the cascade *fixed point* on the same sector (19 871 unknowns) through the
solver layer (``SectorMap.solve``: Jacobi-preconditioned BiCGSTAB, twice for the uniqueness
check) against the former route, ``scipy.sparse.linalg.spsolve`` (SuperLU, COLAMD) of the
same trace-replaced system.
"""

import json
import time

import numpy as np
import qutip
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from qfridge.engines.collision import KrausMap
from qfridge.models import phaseonium as ph

N_MAX, STEPS, BASE_STEPS, SPARSE_STEPS = 30, 2000, 3, 20
ALPHA, PHI, THETA, T0 = 0.25, 2.404315987, 0.2, (2.0, 1.0)


def main():
    d = N_MAX + 1
    p1, p2 = (ph.gibbs_populations(t, N_MAX) for t in T0)
    rho0 = qutip.tensor(qutip.Qobj(np.diag(p1)), qutip.Qobj(np.diag(p2)))
    n1_op = qutip.tensor(qutip.num(d), qutip.qeye(d))
    n2_op = qutip.tensor(qutip.qeye(d), qutip.num(d))

    # --- ours: build the sector map and run all collisions
    t = time.perf_counter()
    sector, op = ph.cascade_sector_operator(ALPHA, PHI, THETA, N_MAX)
    w = np.array([sector.weights(n1_op), sector.weights(n2_op)])
    v = sector.vector(rho0)
    n_ours = []
    for _ in range(STEPS):
        v = op @ v
        n_ours.append(w @ v)
    ours = time.perf_counter() - t
    n_ours = np.array(n_ours)

    # --- baselines: the same Kraus operators applied to the full 961 x 961 density matrix
    kraus_q = [k.to("csr") for k in ph.cascade_kraus_operators(ALPHA, PHI, THETA, N_MAX)]
    kraus_h = [k.dag() for k in kraus_q]
    rho_q = rho0.to("dense")
    t = time.perf_counter()
    for _ in range(BASE_STEPS):
        rho_q = sum(k @ rho_q @ kh for k, kh in zip(kraus_q, kraus_h, strict=True))
    qutip_s = (time.perf_counter() - t) * STEPS / BASE_STEPS
    # strongest obvious alternative: scipy sparse Kraus operators on a dense rho
    ks = [k.data.as_scipy().tocsr() for k in kraus_q]
    ksh = [k.conj().T.tocsr() for k in ks]
    rho = rho0.full()
    t = time.perf_counter()
    for _ in range(SPARSE_STEPS):
        rho = sum(k @ (kh.T @ rho.T).T for k, kh in zip(ks, ksh, strict=True))
    baseline = (time.perf_counter() - t) * STEPS / SPARSE_STEPS
    check = max(abs(np.real(np.trace(n1_op.full() @ rho)) - n_ours[SPARSE_STEPS - 1, 0]),
                abs(np.real(qutip.expect(n1_op, rho_q)) - n_ours[BASE_STEPS - 1, 0]))

    # --- also: the block (element-wise) engine used for per-collision random collision times
    blocks = ph.CascadeBlocks(p1, p2)
    t = time.perf_counter()
    for _ in range(200):
        blocks.step(ALPHA, PHI, THETA)
    blocks_s = (time.perf_counter() - t) * STEPS / 200

    # --- the fixed point: solver layer vs the former sparse direct solve
    charges = (np.arange(d)[:, None] + np.arange(d)[None, :]).ravel()
    fp_map = KrausMap(ph.cascade_kraus_operators(ALPHA, PHI, THETA, N_MAX)).sectors(charges)
    t = time.perf_counter()
    fp = fp_map.solve()
    fp_ours = time.perf_counter() - t
    a = (fp_map.matrix - sp.identity(fp_map.size, format="csr")).tolil()
    trace_row = (fp_map.rows == fp_map.cols).astype(float)
    pivot = int(np.argmax(trace_row))
    a[pivot, :] = trace_row
    rhs = np.zeros(fp_map.size)
    rhs[pivot] = 1.0
    t = time.perf_counter()
    fp_old = spla.spsolve(a.tocsc(), rhs)
    fp_spsolve = time.perf_counter() - t
    fp_diff = float(np.max(np.abs(fp_map.vector(fp.rho) - fp_old)))

    print(f"cascade, n_max={N_MAX} per cavity ({d * d} states), {STEPS} collisions")
    print(f"ours (sparse charge-sector map, {sector.size} in-block entries, nnz={op.nnz}): "
          f"{ours:.3f} s")
    print(f"QuTiP (Qobj CSR Kraus on the dense rho, {BASE_STEPS} collisions timed, scaled): "
          f"{qutip_s:.1f} s")
    print(f"baseline (scipy sparse Kraus on the dense rho, {SPARSE_STEPS} timed, scaled): "
          f"{baseline:.1f} s")
    print(f"block engine (per-step theta allowed, 200 timed, scaled): {blocks_s:.2f} s")
    print(f"agreement with the baselines: |<n1> diff| = {check:.2e}; "
          f"final <n1>, <n2> = {n_ours[-1, 0]:.5f}, {n_ours[-1, 1]:.5f}")
    print(f"fixed point ({fp_map.size} unknowns): layer {fp_ours:.2f} s "
          f"({fp.info.summary()}) | spsolve {fp_spsolve:.1f} s; max |diff| = {fp_diff:.1e}")
    print(f"speed-up: {baseline / ours:.0f}x")
    print(json.dumps({"benchmark": "cascade", "ours_s": ours, "baseline_s": baseline,
                      "ratio": baseline / ours, "qutip_s": qutip_s,
                      "ratio_vs_qutip": qutip_s / ours, "blocks_s": blocks_s, "n_max": N_MAX,
                      "steps": STEPS, "baseline_steps_timed": SPARSE_STEPS,
                      "agreement": float(check),
                      "fixed_point_s": fp_ours, "fixed_point_spsolve_s": fp_spsolve,
                      "fixed_point_ratio": fp_spsolve / fp_ours,
                      "fixed_point_method": fp.info.method.value,
                      "fixed_point_max_diff": fp_diff}))


if __name__ == "__main__":
    main()
