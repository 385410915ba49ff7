"""Benchmark: steady-state heat current of the Dicke heat valve with the parasitic bath.

Problem (seed 003, Fig. 4(c) parameters): N qubits, H = omega0 J_z, collective hot and cold
baths (gamma = omega0/10, T_h = 3 T0, T_c = T0/3) and a local parasitic bath
(gamma_p = 1e-3 omega0, T_p = T0/10). For N = 8, 20, 40, 100, 200 we time

* ours: qfridge.engines.collective (rate equation over the (N/2+1)^2 Dicke levels, sparse LU);
* qutip.piqs: Dicke(...).liouvillian() (the (J, M, M') Liouvillian, ~N^3/6 physical
  elements) and its steady state. ``qutip.steadystate`` on that Liouvillian fails as
  singular (the J != J' elements are zero rows), so we solve its block-diagonal part with
  the trace condition (qfridge.engines.collective.piqs_steady_state);
* the full 4^N Liouvillian (qutip.steadystate, sparse direct solve) where it fits: N = 4
  and 6 (extra sizes); N = 8 (a 65536 x 65536 Liouvillian) did not finish within the
  3-minute budget on the 2-core machine and is skipped.

At N = 1000 (251 001 levels) the steady-state solve is timed with the engine's default
(SuperLU through the solver layer on a nested-dissection order of the (J, M) grid, diagonal
pivots) against the former route (``spsolve`` with COLAMD of the system reduced by one
level; COLAMD on the layer's trace-replaced system took 351 s to factor and is not rerun).

The last line is a JSON object: ratio = piqs time / our time at the largest N both ran.
"""

from __future__ import annotations

import json
import time

import numpy as np
import scipy.sparse.linalg as spla

from qfridge.core.thermal import bose
from qfridge.engines.collective import (
    CollectiveRateEquation,
    DickeBath,
    full_space_system,
    piqs_steady_state,
)

SIZES = (8, 20, 40, 100, 200)
PIQS_MAX_N = 100      # N = 200: the PIQS Liouvillian has (101^2)^2 = 1.0e8 rows
FULL_SIZES = (4, 6)   # full 4^N Liouvillian; N = 8 (65536^2) needs > 3 min of sparse LU here


def baths():
    return [DickeBath.thermal("hot", 0.1, bose(1.0, 3.0)),
            DickeBath.thermal("cold", 0.1, bose(1.0, 1 / 3)),
            DickeBath.thermal("parasitic", 1e-3, bose(1.0, 0.1), collective=False)]


def ours(n):
    t0 = time.perf_counter()
    eq = CollectiveRateEquation(n, 1.0, baths())
    q = eq.heat_current(eq.steady_state(), "hot")
    return time.perf_counter() - t0, q


def piqs(n):
    t0 = time.perf_counter()
    state, info = piqs_steady_state(n, 1.0, baths())
    q = CollectiveRateEquation(n, 1.0, baths()).heat_current(state, "hot")
    return time.perf_counter() - t0, q, info["trace_defect"]


def full(n):
    t0 = time.perf_counter()
    me, _ = full_space_system(n, 1.0, baths())
    q = me.heat_current(me.steady_state(), "hot")
    return time.perf_counter() - t0, q


def reduced_colamd(eq, ref):
    """The former route: drop the equation and unknown of level ``ref``, COLAMD."""
    g = eq.generator().tocsc()
    t0 = time.perf_counter()
    keep = np.r_[0:ref, ref + 1:g.shape[0]]
    x = spla.spsolve(g[keep][:, keep].tocsc(), -g[keep][:, [ref]].toarray().ravel(),
                     permc_spec="COLAMD")
    p = np.insert(x, ref, 1.0)
    return time.perf_counter() - t0, p / p.sum()


def main() -> None:
    ours(4)  # warm-up (imports, caches)
    full_rows = {}
    for n in FULL_SIZES:
        t_f, q_f = full(n)
        t_o, q_o = ours(n)
        full_rows[n] = {"full_s": t_f, "ours_s": t_o, "rel_diff": abs(q_f - q_o) / abs(q_o)}
        print(f"N = {n:4d}: ours {t_o:8.4f} s | full 4^N Liouvillian {t_f:8.3f} s "
              f"(x{t_f / t_o:.0f}, rel. diff {full_rows[n]['rel_diff']:.1e})", flush=True)
    print("N =    8: full 4^N Liouvillian skipped (65536^2 sparse LU exceeds the budget)")
    rows = {}
    last_common = None
    for n in SIZES:
        t_ours, q_ours = ours(n)
        row = {"N": n, "ours_s": t_ours, "Qh": q_ours}
        line = f"N = {n:4d}: ours {t_ours:8.4f} s (Q_h = {q_ours:.10g})"
        if n <= PIQS_MAX_N:
            t_p, q_p, defect = piqs(n)
            row.update(piqs_s=t_p, piqs_rel_diff=abs(q_p - q_ours) / abs(q_ours),
                       piqs_trace_defect=defect)
            line += (f" | piqs {t_p:8.3f} s (x{t_p / t_ours:.0f}, rel. diff "
                     f"{row['piqs_rel_diff']:.1e}, trace defect {defect:.1e})")
            last_common = n
        else:
            line += " | piqs skipped: Liouvillian of (N/2+1)^4 = 1.0e8 rows does not fit"
        print(line, flush=True)
        rows[n] = row
    big = CollectiveRateEquation(1000, 1.0, baths())
    t0 = time.perf_counter()
    p_nd = big.steady_state().populations
    t_big = time.perf_counter() - t0
    t_colamd, p_colamd = reduced_colamd(big, int(np.argmax(p_nd)))
    nd_diff = float(np.max(np.abs(p_nd - p_colamd)) / np.max(p_nd))
    print(f"N = 1000: ours (layer, nested dissection) {t_big:.2f} s | former reduced "
          f"spsolve with COLAMD {t_colamd:.2f} s (x{t_colamd / t_big:.1f}, max rel. diff "
          f"{nd_diff:.1e})")
    common = rows[last_common]
    print(f"speed-up vs qutip.piqs at N = {last_common}: "
          f"{common['piqs_s'] / common['ours_s']:.0f}x")
    print(json.dumps({
        "benchmark": "dicke", "ours_s": common["ours_s"], "baseline_s": common["piqs_s"],
        "ratio": common["piqs_s"] / common["ours_s"], "baseline": "qutip.piqs",
        "N_compared": last_common, "ours_s_N200": rows[200]["ours_s"], "ours_s_N1000": t_big,
        "N1000_nested_dissection_s": t_big, "N1000_reduced_colamd_s": t_colamd,
        "N1000_max_rel_diff": nd_diff,
        "full_space": {str(k): v for k, v in full_rows.items()},
        "per_N": {str(k): v for k, v in rows.items()}}))


if __name__ == "__main__":
    main()
