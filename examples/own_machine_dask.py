"""Your own machine, swept on a Dask cluster: a three-level absorption refrigerator.

The machine is plain data - the structure of a machine file (``examples/machines/*.toml``,
format in docs/thermodynamics.md) as a dict, built with ``qf.Machine.from_dict`` (a TOML
file: ``qf.Machine.from_toml``). Levels 0, 1, 3: the cold bath (T_c) on 0-1, a hot bath
(T_h) on 1-2, the room (T_r = 1) on 0-2. Heat from the hot bath drives heat out of the cold
one into the room when T_h is hot enough: J_cold > 0 (energy leaves the cold bath).

The map of J_cold over (T_h, T_c) is computed by ``qf.sweep`` on a Dask ``LocalCluster``
(two worker processes, one thread each); ``executor=client`` sends each chunk of the
grid to the cluster as one task. A remote cluster works the same way
(``executor="tcp://host:8786"``). Then one operating point is audited and its COP compared
with the absorption bound.

    python examples/own_machine_dask.py [--out results/examples/own_machine_dask.png] [--small]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np

import qfridge as qf

T_ROOM, GAMMA = 1.0, 0.01


def fridge(t_hot: float, t_cold: float) -> dict:
    """The machine as data (the machine file's structure)."""
    def bath(name, temperature, transition):
        return {"name": name, "temperature": temperature, "subsystem": 0,
                "transition": transition,
                "spectral_density": {"kind": "flat", "gamma": GAMMA}}

    return {"name": "three-level absorption refrigerator", "form": "global",
            "subsystem": [{"kind": "levels", "energies": [0.0, 1.0, 3.0]}],
            "bath": [bath("cold", t_cold, [0, 1]), bath("hot", t_hot, [1, 2]),
                     bath("room", T_ROOM, [0, 2])]}


def point(t_hot: float, t_cold: float) -> dict:
    """One grid point (runs on a Dask worker): currents and entropy production."""
    th = qf.Machine.from_dict(fridge(t_hot, t_cold)).master_equation().thermodynamics()
    return {"J_cold": th.currents["cold"], "J_hot": th.currents["hot"],
            "sigma": th.entropy_production}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/examples/own_machine_dask.png",
                        help="PNG to write")
    parser.add_argument("--small", action="store_true",
                        default=bool(os.environ.get("QFRIDGE_EXAMPLES_SMALL")),
                        help="a 2 x 2 grid (tests; also QFRIDGE_EXAMPLES_SMALL=1)")
    args = parser.parse_args(argv)
    n_hot, n_cold = (2, 2) if args.small else (24, 16)
    grid = {"t_hot": qf.Axis.logspace(1.0, 20.0, n_hot, "omega_c"),
            "t_cold": qf.Axis.linspace(0.3, 1.0, n_cold, "omega_c")}

    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        print(f"Dask cluster: {len(client.scheduler_info()['workers'])} workers at "
              f"{cluster.scheduler_address} (started in {time.perf_counter() - t0:.1f} s)")
        ds = qf.sweep(point, grid, executor=client, chunks=max(1, n_hot * n_cold // 8),
                      progress=False)
    assert int(ds["failed"].sum()) == 0, ds["error"].values
    assert np.all(ds["sigma"] >= -1e-15)                       # second law at every point
    print(f"swept {ds.attrs['n_points']} points on {ds.attrs['executor']} in "
          f"{ds.attrs['seconds']:.2f} s")
    j = ds["J_cold"]
    cooled = j.values > 0
    best = j.isel(j.argmax(dim=list(j.dims)))
    print(f"the cold bath is cooled at {int(cooled.sum())} of {j.size} points; largest "
          f"cooling power {float(best):.4e} at T_h = {float(best['t_hot']):.3g}, "
          f"T_c = {float(best['t_cold']):.3g}")

    # one operating point: the thermodynamics, the COP vs its bound, and the audit
    machine = qf.Machine.from_dict(fridge(5.0, 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error", qf.PremiseWarning)       # no premise may fail here
        th = machine.master_equation().thermodynamics()
    cop, bound = float(th.cop()), float(th.carnot_bound("refrigerator"))
    print(f"T_h = 5, T_c = 0.5: {th.mode}, COP = {cop:.6f} <= bound {bound:.6f}")
    assert 0 < cop <= bound
    audit = qf.audit(machine)
    print(audit)
    assert audit.ok

    import matplotlib

    matplotlib.use("Agg")
    from qfridge.sweeps.plot import quicklook

    ds["J_cold"].attrs.update(long_name="cooling power J_cold",
                              units="omega_c^2, hbar = k_B = 1")
    fig = quicklook(ds, "J_cold")
    ax = fig.axes[0]
    if not args.small:   # quicklook puts the first axis (t_hot) on y
        ax.contour(ds["t_cold"], ds["t_hot"], j.transpose("t_hot", "t_cold"), levels=[0.0],
                   colors="k", linewidths=1.0)
    ax.set_title("three-level absorption refrigerator: J_cold > 0 cools the cold bath "
                 "(black line: J_cold = 0)", fontsize=8)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    print(f"figure: {out}")
    return ds


if __name__ == "__main__":
    main()
