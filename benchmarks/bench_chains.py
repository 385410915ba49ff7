"""Steady states of XXZ chains and of a 4-level machine: ours vs qutip.steadystate.

Chain: Heisenberg XXZ (J_z = J_perp = 1), fields +1 on the left half and -1 on the
right half, thermal local baths on the end sites (T = 2 and 0.5, K = 0.1), L = 6, 8, 10,
12. Ours: ``MasterEquation.solve()`` (automatic route: total-S^z blocks, then dense /
SuperLU / Krylov by size). QuTiP: ``qutip.steadystate(qutip.liouvillian(H, c_ops))`` on
the full space. Every chain point runs in its own process with a time limit
(``--timeout``, seconds); a point that does not finish is reported as such, and the QuTiP
L = 8 time is then extrapolated from L = 6 and 7 (geometric growth per site).

Small path: two coupled qubits between two baths (global secular form), ~200 parameter
points; per point ours ``me.solve()`` + ``me.heat_currents`` vs ``qutip.steadystate`` on
the same Liouvillian + the same currents.

The last printed line is one JSON object (see the keys at the end of ``main``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np
import qutip

from qfridge.core.baths import BosonicBath
from qfridge.engines.lindblad import MasterEquation
from qfridge.engines.steady import SolverOptions, SteadyStateError
from qfridge.models.spin_chain import SiteBath, SpinChain


def chain_equation(n_sites: int) -> MasterEquation:
    half = n_sites // 2
    chain = SpinChain.heisenberg(n_sites, 1.0, b_z=np.r_[np.ones(half), -np.ones(n_sites - half)])
    return chain.master_equation([SiteBath(0, BosonicBath(2.0, 0.1, name="hot")),
                                  SiteBath(n_sites - 1, BosonicBath(0.5, 0.1, name="cold"))])


def run_point(kind: str, n_sites: int, time_limit: float) -> dict:
    """One chain solve in this process; returns the timing and how it ran. Ours is given
    ``time_limit``: a route estimated to take longer is refused, with its estimate."""
    me = chain_equation(n_sites)
    start = time.perf_counter()
    if kind == "ours":
        try:
            ss = me.solve(SolverOptions(time_limit=time_limit))
        except SteadyStateError as err:
            if err.reason != "time":
                raise
            return {"seconds": None, "error": f"refused: {err}"}
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "route": ss.info.method.value, "size": ss.info.size,
                "nnz": ss.info.nnz, "iterations": ss.info.iterations,
                "residual": ss.info.residual, "note": ss.note}
    rho = qutip.steadystate(qutip.liouvillian(me.hamiltonian, me.collapse_operators()))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "route": "qutip.steadystate", "size": me.dimension**2,
            "hot_current": me.heat_currents(rho)["hot"]}


def timed_point(kind: str, n_sites: int, timeout: float) -> dict:
    """``run_point`` in a child process, killed after ``timeout`` seconds."""
    cmd = [sys.executable, __file__, "--point", kind, str(n_sites), str(timeout)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"did not finish in {timeout:g} s"}
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        return {"seconds": None, "error": last}
    return json.loads(out.stdout.strip().splitlines()[-1])


def small_equations(n_points: int) -> list[MasterEquation]:
    """Two qubits (0.9 and 1.1) with XX coupling g, hot bath on one, cold on the other."""
    sm, eye = qutip.sigmam(), qutip.qeye(2)
    s1, s2 = qutip.tensor(sm, eye), qutip.tensor(eye, sm)
    hot, cold = BosonicBath(1.5, 0.01, name="hot"), BosonicBath(0.3, 0.01, name="cold")
    out = []
    for g in np.linspace(0.05, 0.3, n_points):
        h = 0.9 * s1.dag() * s1 + 1.1 * s2.dag() * s2 + g * (s1.dag() * s2 + s2.dag() * s1)
        out.append(MasterEquation.global_secular(h, [(hot, s1 + s1.dag()),
                                                     (cold, s2 + s2.dag())], check=False))
    return out


def small_path(n_points: int) -> tuple[float, float, float]:
    """Microseconds per point (ours, QuTiP) and the largest current difference."""
    equations = small_equations(n_points)
    start = time.perf_counter()
    ours = [me.heat_currents(me.solve().rho)["hot"] for me in equations]
    t_ours = time.perf_counter() - start
    equations = small_equations(n_points)
    start = time.perf_counter()
    theirs = [me.heat_currents(qutip.steadystate(qutip.liouvillian(
        me.hamiltonian, me.collapse_operators())))["hot"] for me in equations]
    t_qutip = time.perf_counter() - start
    diff = float(np.max(np.abs(np.array(ours) - np.array(theirs))))
    return 1e6 * t_ours / n_points, 1e6 * t_qutip / n_points, diff


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds allowed per chain point (default 300)")
    parser.add_argument("--points", type=int, default=200, help="small-path points")
    parser.add_argument("--point", nargs=3, metavar=("KIND", "L", "LIMIT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.point:
        print(json.dumps(run_point(args.point[0], int(args.point[1]), float(args.point[2]))))
        return

    ours = {n: timed_point("ours", n, args.timeout) for n in (6, 8, 10, 12)}
    theirs = {n: timed_point("qutip", n, args.timeout) for n in (6, 8)}
    qutip_l8, qutip_how = theirs[8]["seconds"], "measured"
    if qutip_l8 is None:
        theirs[7] = timed_point("qutip", 7, args.timeout)
        t6, t7 = theirs[6]["seconds"], theirs[7]["seconds"]
        if t6 and t7:
            qutip_l8, qutip_how = t7 * t7 / t6, "extrapolated from L = 6, 7"

    print(f"{'L':>3} {'ours [s]':>10} {'route':>8} {'unknowns':>10} {'iters':>6} "
          f"{'qutip [s]':>10}")
    for n in (6, 8, 10, 12):
        o, q = ours[n], theirs.get(n, {})
        ot = f"{o['seconds']:.3g}" if o["seconds"] is not None else "-"
        qt = f"{q['seconds']:.3g}" if q.get("seconds") is not None else q.get("error", "")
        print(f"{n:>3} {ot:>10} {o.get('route', ''):>8} {o.get('size', ''):>10} "
              f"{o.get('iterations', ''):>6} {qt:>10}")
        if o["seconds"] is None:
            print(f"    ours L = {n}: {o['error']}")
    if 7 in theirs:
        print(f"qutip L = 7: {theirs[7]}")
    print(f"qutip L = 8: {qutip_how}")

    small_us, small_qutip_us, diff = small_path(args.points)
    print(f"4-level global machine, {args.points} points: ours {small_us:.1f} us/point, "
          f"qutip {small_qutip_us:.1f} us/point (max current difference {diff:.1e})")

    ours_l8 = ours[8]["seconds"]
    result = {
        "benchmark": "bench_chains",
        "ours_s": ours_l8,
        "baseline_s": qutip_l8,
        "ratio": qutip_l8 / ours_l8 if ours_l8 and qutip_l8 else None,
        "ours_s_L8": ours_l8,
        "qutip_s_L8": qutip_l8,
        "qutip_L8_how": qutip_how,
        "ours_s_L10": ours[10]["seconds"] if ours[10]["seconds"] is not None
        else ours[10]["error"],
        "ours_s_L12": ours[12]["seconds"] if ours[12]["seconds"] is not None
        else ours[12]["error"],
        "small_us_per_point": small_us,
        "small_qutip_us_per_point": small_qutip_us,
        "small_ratio": small_qutip_us / small_us,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
