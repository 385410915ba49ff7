"""Batched Pauli steady states vs a Python loop over qutip.steadystate.

10^5 random 4-level rate problems. The baseline builds each problem's Liouvillian
from its jump operators sqrt(W_ij)|i><j| and calls qutip.steadystate; it is timed
on a subset and scaled to the full count. Last line: one JSON object.
"""

from __future__ import annotations

import json
import time

import numpy as np
import qutip

from qfridge.engines.rates import steady_state

K, D, SUBSET = 100_000, 4, 300


def baseline_one(w: np.ndarray) -> np.ndarray:
    cops = [np.sqrt(w[i, j]) * qutip.basis(D, i) * qutip.basis(D, j).dag()
            for i in range(D) for j in range(D) if i != j]
    rho = qutip.steadystate(qutip.Qobj(np.zeros((D, D))), cops)
    return np.real(np.diag(rho.full()))


def main() -> None:
    rng = np.random.default_rng(0)
    rates = rng.random((K, D, D))
    t0 = time.perf_counter()
    populations = steady_state(rates)
    ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    base = np.array([baseline_one(rates[k]) for k in range(SUBSET)])
    baseline = (time.perf_counter() - t0) * K / SUBSET
    err = float(np.max(np.abs(base - populations[:SUBSET])))

    print(f"batched solver: {K} problems in {ours:.3f} s ({ours / K * 1e6:.2f} us/point)")
    print(f"qutip.steadystate loop: {SUBSET} problems timed, scaled to {K}: {baseline:.1f} s "
          f"({baseline / K * 1e6:.0f} us/point)")
    print(f"max |difference| on the subset: {err:.2e}")
    print(f"speed-up: {baseline / ours:.0f}x")
    print(json.dumps({"benchmark": "rates_batched_pauli", "ours_s": ours, "baseline_s": baseline,
                      "ratio": baseline / ours, "points": K, "levels": D,
                      "baseline_subset": SUBSET, "max_abs_diff": err}))


if __name__ == "__main__":
    main()
