"""Benchmark: a 1000 x 1000 (Delta, g) T_cav map of seed 000.

Ours: one vectorised call of ``CorrelatedPairCooling.t_cav`` on broadcast arrays.
Baseline: the obvious alternative, a Python loop over a scalar ``math`` implementation of
the same closed form (Eqs. 2-3, 6/32, 14, 23-26); it is timed on a subset of rows and
scaled to the full grid. Both give the same numbers (checked on the subset).

The last output line is one JSON object.
"""

from __future__ import annotations

import json
import math
import time
import warnings

import numpy as np

from qfridge.core.units import HBAR, K_B, TWO_PI
from qfridge.core.validity import PremiseWarning
from qfridge.models.cavity_cooling import CorrelatedPairCooling

N = 1000
SUBSET_ROWS = 20


def t_cav_scalar(omega1, omega, lam, t_atom, t_bath, g, tau, rate, kappa, chi, two):
    """The closed form for one point, plain Python floats."""
    x = HBAR * omega / (K_B * t_atom)
    y = HBAR * lam / (K_B * t_atom)
    z = 2.0 * (math.cosh(x) + math.cosh(y))
    rho_e, rho_g = math.exp(-x) / z, math.exp(x) / z
    rho_d, rho_nd = math.cosh(y) / z, -math.sinh(y) / z
    shift = rho_d + (rho_nd if two else 0.0)
    r1, r2 = rho_e + shift, rho_g + shift
    phi2 = (g * tau) ** 2 * (chi if two else 1.0)
    width = kappa + 1.0 / tau
    lor = 1.0 / (1.0 + (2.0 * (omega - omega1) / width) ** 2)
    nbar = 1.0 / math.expm1(HBAR * omega1 / (K_B * t_bath))
    lev = rate * phi2 * lor
    n = (kappa * nbar + lev * r1) / (kappa + lev * (r2 - r1))
    return HBAR * omega1 / (K_B * math.log1p(1.0 / n))


def main():
    base = CorrelatedPairCooling.paper_baseline("two")
    delta = TWO_PI * np.linspace(-1e9, 1e9, N)
    g = TWO_PI * np.geomspace(1e5, 1e9, N)

    warnings.simplefilter("ignore", PremiseWarning)
    t0 = time.perf_counter()
    model = base.replace(g=g[None, :]).with_detuning(delta[:, None])
    ours_map = model.t_cav()
    ours = time.perf_counter() - t0

    p = dict(omega1=base.omega1, lam=base.lam, t_atom=base.t_atom, t_bath=base.t_bath,
             tau=base.tau, rate=base.rate, kappa=base.kappa, chi=base.chi, two=True)
    t0 = time.perf_counter()
    sub = np.empty((SUBSET_ROWS, N))
    for i in range(SUBSET_ROWS):
        w = base.omega1 + delta[i]
        for j in range(N):
            sub[i, j] = t_cav_scalar(omega=w, g=g[j], **p)
    baseline = (time.perf_counter() - t0) * N / SUBSET_ROWS
    err = float(np.max(np.abs(sub / ours_map[:SUBSET_ROWS] - 1.0)))

    print(f"vectorised closed form, {N}x{N} map: {ours:.3f} s")
    print(f"Python loop over the scalar formula: {baseline:.2f} s "
          f"(timed {SUBSET_ROWS} of {N} rows, scaled)")
    print(f"speed-up: {baseline / ours:.0f}x; max relative difference on the subset: {err:.1e}")
    print(json.dumps({"benchmark": "cavity_cooling_map", "ours_s": ours, "baseline_s": baseline,
                      "ratio": baseline / ours, "points": N * N, "max_rel_diff": err}))


if __name__ == "__main__":
    main()
