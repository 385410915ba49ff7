"""Seed 004 cooling map: batched Pauli rates vs a per-point QuTiP Lindblad loop.

J_C of the ZZ qubit fridge (Fig. 3 parameters) on a 300 x 300 (Delta_z, Delta_T) grid.

* ours: one ``AbsorptionFridge`` holding the grid as arrays; rates built vectorised and all
  90 000 4-level steady states solved by the batched rate engine (``qfridge.engines.rates``);
* baseline (the ratio): for each point, the rates of the model, collapse operators
  sqrt(W_ij)|i><j| as QuTiP Qobjs, ``qutip.steadystate``, then J_C from the populations;
* a second, heavier loop builds the full ``MasterEquation.local`` per point (reported too).

Baselines are timed on a subset of points spread over the grid and scaled to the full grid.

Last output line: one JSON object.
"""

from __future__ import annotations

import json
import time
import warnings

import numpy as np
import qutip

from qfridge.core.validity import PremiseWarning
from qfridge.models.absorption_fridge import AbsorptionFridge

N, SUBSET = 300, 300
PARAMS = dict(eps1=2.0, eps2=2.0, gamma_L=0.02, gamma_R=0.08, gamma_C=0.06, cutoff=20.0)


def baseline_point(dz: float, dT: float) -> float:
    model = AbsorptionFridge(delta_z=dz, dT=dT, **PARAMS)
    me = model.lindblad("local")
    rho = me.steady_state()
    return me.heat_current(rho, "C")


def lean_baseline_point(dz: float, dT: float) -> float:
    """Leaner loop: rates from the model, collapse operators by hand, qutip.steadystate."""
    model = AbsorptionFridge(delta_z=dz, dT=dT, **PARAMS)
    e, rates = model.bath_rates("local")
    h = qutip.Qobj(np.diag(e))
    cops = [np.sqrt(w[i, j]) * qutip.basis(4, i) * qutip.basis(4, j).dag()
            for w in rates.values() for i in range(4) for j in range(4) if w[i, j] > 0]
    p = np.real(np.diag(qutip.steadystate(h, cops).full()))
    return float(np.einsum("ij,j,ij->", rates["C"], p, e[:, None] - e[None, :]))


def _time_subset(fn, dz, dT, rows, cols):
    t0 = time.perf_counter()
    vals = np.array([fn(dz[i], dT[k]) for i, k in zip(rows, cols, strict=True)])
    return vals, (time.perf_counter() - t0) * (N * N) / len(rows)


def main() -> None:
    warnings.simplefilter("ignore", PremiseWarning)   # the paper's parameters (see docs)
    dz = np.linspace(0.01, 1.0, N)
    dT = np.linspace(0.0, 0.9, N)

    t0 = time.perf_counter()
    grid = AbsorptionFridge(delta_z=dz[:, None], dT=dT[None, :], **PARAMS)
    jc = grid.J_C()
    ours = time.perf_counter() - t0

    rng = np.random.default_rng(0)
    pick = rng.choice(N * N, size=SUBSET, replace=False)
    rows, cols = np.divmod(pick, N)
    base, baseline_full = _time_subset(baseline_point, dz, dT, rows, cols)
    lean, baseline = _time_subset(lean_baseline_point, dz, dT, rows, cols)
    scale = float(np.max(np.abs(jc)))
    err = max(float(np.max(np.abs(base - jc[rows, cols]))),
              float(np.max(np.abs(lean - jc[rows, cols])))) / scale

    print(f"batched rate engine: {N}x{N} grid in {ours:.3f} s ({ours / N**2 * 1e6:.2f} us/point)")
    print(f"QuTiP loop, full model + MasterEquation.local per point: {SUBSET} points timed, "
          f"scaled to {N * N}: {baseline_full:.1f} s ({baseline_full / N**2 * 1e6:.0f} us/point)")
    print(f"QuTiP loop, lean (hand-built c_ops + qutip.steadystate): {baseline:.1f} s "
          f"({baseline / N**2 * 1e6:.0f} us/point) <- the baseline of the ratio")
    print(f"max |difference| on the subset / max |J_C|: {err:.2e}")
    print(f"speed-up: {baseline / ours:.0f}x")
    print(json.dumps({"benchmark": "fridge_cooling_map_300x300", "ours_s": ours,
                      "baseline_s": baseline, "ratio": baseline / ours, "points": N * N,
                      "baseline_subset": SUBSET, "max_rel_diff": err,
                      "baseline_full_model_s": baseline_full,
                      "ratio_full_model": baseline_full / ours}))


if __name__ == "__main__":
    main()
