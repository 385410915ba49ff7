"""A boundary-driven XX qubit chain: heat current vs the inter-qubit coupling, and an audit.

N qubits (frequency omega = 1) in a line, nearest neighbours exchange-coupled,
H = sum_i omega/2 sigma^z_i + g sum_i (sigma^+_i sigma^-_{i+1} + h.c.); a hot bath
(T = 2) on the first qubit and a cold one (T = 0.5) on the last, both flat (K = 0.01).
The local master equation (``qf.MasterEquation.local``: each bath drives its own qubit's
sigma^-) is swept over g with ``qf.sweep``; the global (secular) form of the same machine
is swept alongside. They agree where both premises hold; at small g the global form's
secular premise fails (Bohr frequencies split by ~g, closer than the rates) and at large g
the local form's (bath rates not flat over the splitting) - each failure is recorded per
point in the Dataset's ``warnings``. ``qf.audit`` then checks one point every way it knows.

    python examples/qubit_chain.py [--out results/examples/qubit_chain.png] [--small]
"""

from __future__ import annotations

import argparse
import os
import re
import warnings
from pathlib import Path

import numpy as np
import qutip

import qfridge as qf
from qfridge.sweeps import SweepPointWarning

OMEGA, T_HOT, T_COLD, K = 1.0, 2.0, 0.5, 0.01


def site(op: qutip.Qobj, i: int, n: int) -> qutip.Qobj:
    """``op`` on qubit ``i`` of ``n``."""
    return qutip.tensor([op if k == i else qutip.qeye(2) for k in range(n)])


def chain(g: float, n: int, form: str = "local") -> qf.MasterEquation:
    """The chain's master equation (``form`` "local" or "global")."""
    sm = [site(qutip.sigmam(), i, n) for i in range(n)]
    h = sum(0.5 * OMEGA * site(qutip.sigmaz(), i, n) for i in range(n))
    h += g * sum(sm[i].dag() * sm[i + 1] + sm[i + 1].dag() * sm[i] for i in range(n - 1))
    hot = qf.BosonicBath(T_HOT, K, name="hot")
    cold = qf.BosonicBath(T_COLD, K, name="cold")
    if form == "local":
        return qf.MasterEquation.local(h, [(hot, qf.Transition(sm[0], OMEGA)),
                                           (cold, qf.Transition(sm[-1], OMEGA))])
    return qf.MasterEquation.global_secular(h, [(hot, sm[0] + sm[0].dag()),
                                                (cold, sm[-1] + sm[-1].dag())])


def point(g: float, n: int) -> dict:
    """One grid point of the sweep: both forms' currents at coupling ``g``."""
    local = chain(g, n, "local")
    rho = local.steady_state()
    j_local = local.heat_currents(rho)
    glob = chain(g, n, "global")
    j_global = glob.heat_currents(glob.steady_state())
    return {"J_hot_local": j_local["hot"], "J_cold_local": j_local["cold"],
            "balance_local": local.energy_balance_residual(rho),
            "J_hot_global": j_global["hot"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/examples/qubit_chain.png", help="PNG to write")
    parser.add_argument("--small", action="store_true",
                        default=bool(os.environ.get("QFRIDGE_EXAMPLES_SMALL")),
                        help="3 qubits, a few points (tests; also QFRIDGE_EXAMPLES_SMALL=1)")
    parser.add_argument("--qubits", type=int, default=None, help="chain length (3 or 4)")
    args = parser.parse_args(argv)
    n = args.qubits or (3 if args.small else 4)

    grid = {"g": qf.Axis.logspace(0.003, 0.6, 6 if args.small else 30, "omega")}
    with warnings.catch_warnings():      # premise warnings are recorded per point (below)
        warnings.simplefilter("ignore", SweepPointWarning)     # instead of this summary
        ds = qf.sweep(point, grid, fixed={"n": n}, executor="serial", progress=False)
    assert int(ds["failed"].sum()) == 0, ds["error"].values
    g = ds["g"].values
    premises = [sorted(set(re.findall(r"premise '(.+?)' violated", str(w))))
                for w in ds["warnings"].values]
    local_warned = np.array([any("local" in p for p in ps) for ps in premises])
    global_warned = np.array([any("local" not in p for p in ps) for ps in premises])
    print(f"{n}-qubit XX chain, omega = {OMEGA}, T_hot = {T_HOT}, T_cold = {T_COLD}, K = {K}")
    print(f"{'g':>8} {'J_hot local':>12} {'J_hot global':>13} {'balance':>9}  premises that warned")
    for i in range(len(g)):
        note = "; ".join(premises[i])
        print(f"{g[i]:8.4f} {float(ds['J_hot_local'][i]):12.4e} "
              f"{float(ds['J_hot_global'][i]):13.4e} {float(ds['balance_local'][i]):9.2e}  {note}")
    assert np.all(ds["J_hot_local"] > 0) and np.all(ds["J_cold_local"] < 0)   # hot -> cold

    g0 = 0.05
    audit = qf.audit(chain(g0, n, "local"))
    print(f"\naudit at g = {g0}:")
    print(audit)
    assert audit.ok, audit

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    ax.plot(g, ds["J_hot_local"], "o-", label="local form")
    ax.plot(g, ds["J_hot_global"], "s--", mfc="none", label="global (secular) form")
    for form, hit in (("local", local_warned), ("global", global_warned)):
        if hit.any():
            ax.plot(g[hit], ds[f"J_hot_{form}"].values[hit], "x", color="k", ms=6,
                    label="its premise warned" if form == "local" else None)
    ax.axvline(g0, color="0.6", ls=":", label=f"audited point g = {g0}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"inter-qubit coupling $g$ (in units of $\omega$)")
    ax.set_ylabel(r"$J_{hot}$ (units of $\omega^2$, $\hbar = k_B = 1$)")
    ax.set_title(f"heat current out of the hot bath: {n}-qubit XX chain, "
                 f"$T_h = {T_HOT}$, $T_c = {T_COLD}$, $K = {K}$", fontsize=9)
    ax.legend(fontsize=8)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    print(f"figure: {out}")
    return ds, audit


if __name__ == "__main__":
    main()
