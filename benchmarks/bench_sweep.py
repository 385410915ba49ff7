"""Benchmark: one 200 x 200 point-wise sweep on three executors.

Each point builds a qubit between a hot and a cold bath as a qfridge
``MasterEquation`` (local form), solves its steady state and returns both heat
currents: the same work a user's point function does. The sweep runs

* ``serial``     — one process, chunk after chunk;
* ``processes``  — a local process pool over the cores this process owns (the
  point-wise default);
* Dask           — a 2-worker ``LocalCluster`` (processes, one thread each).

Workers run with one BLAS thread each (``qfridge.core.threads``); ``serial``
runs with the driver's BLAS threads, as a user's serial sweep would, and the
counts are printed.

Printed: wall times, speed-ups over serial, the per-point cost of the bare
function (a plain loop over a subset) and each executor's overhead per point
(core-seconds spent beyond the bare function). The last line is JSON; its
``ratio`` is serial time / processes time.

The steady state is ``MasterEquation.steady_state`` (qfridge's solver layer:
dense LU of the Liouvillian built with NumPy). QuTiP 5.3's ``steadystate``
re-enters ``CoreOptions`` on every call (dispatcher rebuild, ~30 ms), which
would make the serial 40 000-point baseline take ~20 minutes; that per-call
cost is measured on a few points and printed too.

    python benchmarks/bench_sweep.py            # 200 x 200, about 2 minutes on 2 cores
    python benchmarks/bench_sweep.py --size 60 --repeat 3   # quicker; fastest of 3 rounds
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings

import numpy as np
import qutip

from qfridge.core.baths import BosonicBath
from qfridge.core.threads import blas_thread_counts, owned_cores
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.engines.steady import Method
from qfridge.sweeps import Axis, sweep


def _machine(t_hot, t_cold, omega=1.0, gamma_h=0.01, gamma_c=0.02):
    h = omega * qutip.num(2)
    lower = qutip.destroy(2)
    return MasterEquation.local(h, [(BosonicBath(t_hot, gamma_h, name="hot"),
                                     Transition(lower, omega)),
                                    (BosonicBath(t_cold, gamma_c, name="cold"),
                                     Transition(lower, omega))])


def qubit_fridge_point(t_hot, t_cold):
    """Steady-state heat currents of a qubit between two baths (one sweep point)."""
    me = _machine(t_hot, t_cold)
    rho = me.steady_state()
    return {"J_hot": me.heat_current(rho, "hot"), "J_cold": me.heat_current(rho, "cold")}


def noop_point(t_hot, t_cold):
    """No work at all: timing it measures the sweep machinery alone."""
    return {"J_hot": t_hot - t_cold}


def qutip_point(t_hot, t_cold):
    """The same point with ``qutip.steadystate`` (the route before the solver layer)."""
    me = _machine(t_hot, t_cold)
    rho = me.steady_state(Method.QUTIP)
    return me.heat_current(rho, "hot")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200, help="points per axis (default 200)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="interleaved rounds; the fastest time of each executor counts "
                             "(use on a busy machine)")
    args = parser.parse_args()
    size = args.size
    grid = {"t_hot": Axis.linspace(0.5, 3.0, size, "natural units"),
            "t_cold": Axis.linspace(0.05, 0.5, size, "natural units")}
    n_points = size * size
    cores = owned_cores()
    driver_blas = max(blas_thread_counts().values())
    print(f"sweep benchmark: {size} x {size} = {n_points} points, {cores} cores; BLAS threads: "
          f"{driver_blas} in this process (serial), 1 in every worker")

    # the bare function, no sweep machinery: a plain loop over a subset
    sub = min(n_points, 2000)
    th = np.repeat(grid["t_hot"].values, size)[:sub]
    tc = np.tile(grid["t_cold"].values, size)[:sub]
    t0 = time.perf_counter()
    for a, b in zip(th, tc, strict=True):
        qubit_fridge_point(float(a), float(b))
    bare_ms = (time.perf_counter() - t0) / sub * 1e3
    t0 = time.perf_counter()
    for a, b in zip(th[:20], tc[:20], strict=True):
        qutip_point(float(a), float(b))
    qutip_ms = (time.perf_counter() - t0) / 20 * 1e3
    print(f"bare point function: {bare_ms:.3f} ms/point (plain loop over {sub} points); "
          f"with qutip.steadystate it would be {qutip_ms:.1f} ms/point")

    from dask.distributed import Client, LocalCluster

    warnings.simplefilter("ignore")  # dask's start-up chatter
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    startup = time.perf_counter() - t0
    executors = {"serial": "serial", "processes": "processes", "dask": client}
    times, results, machinery = {}, {}, {}
    try:
        for name, executor in executors.items():
            t0 = time.perf_counter()
            sweep(noop_point, grid, executor=executor, progress=False)
            machinery[name] = (time.perf_counter() - t0) / n_points * 1e3
        for rnd in range(args.repeat):  # interleaved rounds; the fastest of each counts
            for name, executor in executors.items():
                t0 = time.perf_counter()
                results[name] = sweep(qubit_fridge_point, grid, executor=executor,
                                      progress=False)
                dt = time.perf_counter() - t0
                times[name] = min(times.get(name, dt), dt)
                print(f"{name:>10}: {dt:7.2f} s" + (f"  (round {rnd + 1})" if args.repeat > 1
                                                   else ""))
    finally:
        client.close()
        cluster.close()
    print(f"(dask: 2-worker LocalCluster, processes, 1 thread each; its start-up "
          f"{startup:.1f} s is not included)")

    serial = results["serial"].drop_attrs()
    same = {k: bool(results[k].drop_attrs().identical(serial)) for k in ("processes", "dask")}
    print(f"identical to serial, bit for bit: {same}")
    workers = {"serial": 1, "processes": min(cores, 200), "dask": 2}
    overhead = {k: (times[k] * min(workers[k], cores) / n_points - bare_ms / 1e3) * 1e3
                for k in times}
    for k in times:
        print(f"{k:>10}: speed-up over serial {times['serial'] / times[k]:5.2f}x, "
              f"overhead {overhead[k]:+.3f} ms/point (core-time beyond the bare function); "
              f"no-op sweep {machinery[k]:.3f} ms/point (wall)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average during the run: {load:.2f} on {cores} cores (speed-ups need idle "
          "cores)")
    print(json.dumps({
        "benchmark": "sweep", "ours_s": round(times["processes"], 3),
        "baseline_s": round(times["serial"], 3),
        "ratio": round(times["serial"] / times["processes"], 3),
        "dask_s": round(times["dask"], 3),
        "dask_ratio": round(times["serial"] / times["dask"], 3),
        "points": n_points, "cores": cores, "repeat": args.repeat,
        "blas_threads_serial": driver_blas,
        "bare_ms_per_point": round(bare_ms, 4),
        "overhead_ms_per_point": {k: round(v, 4) for k, v in overhead.items()},
        "noop_sweep_ms_per_point": {k: round(v, 4) for k, v in machinery.items()},
        "load_average": round(load, 2),
        "qutip_steadystate_ms_per_point": round(qutip_ms, 2),
        "identical_to_serial": same,
    }))


if __name__ == "__main__":
    main()
