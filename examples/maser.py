"""Three-level maser (Scovil & Schulz-DuBois 1959): efficiency vs Carnot over the hot temperature.

A hot bath pumps the transition 0-2 (omega_h = 3), a cold bath empties 1 -> 0
(omega_c = 1), and the lasing transition 1-2 (omega_l = 2) gives its energy to a work
reservoir (``qf.WorkReservoir``: a bath at infinite temperature, whose current counts as
work). Where it lases (population inversion on 1-2, T_h > T_c omega_h/omega_c) its
efficiency is the Scovil-Schulz-DuBois value eta = omega_l/omega_h = 1 - omega_c/omega_h,
whatever the temperatures, and never above Carnot 1 - T_c/T_h (the two meet at the lasing
threshold). Below the threshold the machine delivers no work and has no efficiency.

    python examples/maser.py [--out results/examples/maser.png] [--small]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import qutip

import qfridge as qf

OMEGA_C, OMEGA_H = 1.0, 3.0          # level energies 0, omega_c, omega_h
T_COLD, GAMMA = 0.5, 0.01


def pair(i: int, j: int) -> qutip.Qobj:
    """|i><j| + |j><i| on the three levels: the coupling operator of one transition."""
    return qutip.basis(3, i) * qutip.basis(3, j).dag() + qutip.basis(3, j) * qutip.basis(3, i).dag()


def maser(t_hot: float) -> qf.MasterEquation:
    """The maser's global (secular) master equation at hot-bath temperature ``t_hot``."""
    h = qutip.Qobj(np.diag([0.0, OMEGA_C, OMEGA_H]))
    return qf.MasterEquation.global_secular(h, [
        (qf.BosonicBath(t_hot, GAMMA, name="hot"), pair(0, 2)),
        (qf.BosonicBath(T_COLD, GAMMA, name="cold"), pair(0, 1)),
        (qf.WorkReservoir(GAMMA, name="field"), pair(1, 2))])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/examples/maser.png", help="PNG to write")
    parser.add_argument("--small", action="store_true",
                        default=bool(os.environ.get("QFRIDGE_EXAMPLES_SMALL")),
                        help="a few points only (tests; also QFRIDGE_EXAMPLES_SMALL=1)")
    args = parser.parse_args(argv)

    t_hot = np.geomspace(0.75, 30.0, 6 if args.small else 40)
    ssd = 1.0 - OMEGA_C / OMEGA_H                       # Scovil-Schulz-DuBois
    threshold = T_COLD * OMEGA_H / OMEGA_C              # inversion on 1-2 above it
    rows = []
    print(f"three-level maser, omega_c = {OMEGA_C}, omega_h = {OMEGA_H}, T_c = {T_COLD}; "
          f"lases above T_h = {threshold:g}; SSD efficiency {ssd:.6f}")
    print(f"{'T_h':>8} {'mode':>24} {'P_out':>12} {'eta':>10} {'Carnot':>8} {'sigma':>11}")
    for t in t_hot:
        th = maser(t).thermodynamics()
        engine = bool(th.is_engine())
        carnot = 1.0 - T_COLD / t
        eta = float(th.efficiency()) if engine else float("nan")
        if engine:
            assert t > threshold, (t, threshold)
            assert abs(eta - ssd) < 1e-9, (t, eta)          # eta = 1 - omega_c/omega_h
            assert eta <= float(th.carnot_bound()) + 1e-12, (t, eta)
            assert abs(float(th.carnot_bound()) - carnot) < 1e-12
        else:
            assert t <= threshold * (1 + 1e-9), (t, threshold)
        assert th.entropy_production >= -1e-15
        rows.append((t, eta, carnot, float(th.power_output), float(th.entropy_production)))
        print(f"{t:8.3f} {th.mode:>24} {float(th.power_output):12.4e} {eta:10.6f} "
              f"{carnot:8.4f} {float(th.entropy_production):11.4e}")
    lasing = sum(np.isfinite(r[1]) for r in rows)
    print(f"lases at {lasing} of {len(rows)} temperatures, always with eta = {ssd:.6f} <= Carnot")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = np.array(rows)
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(6, 6), sharex=True, constrained_layout=True)
    ax.plot(data[:, 0], data[:, 2], "k-", label=r"Carnot $1 - T_c/T_h$")
    ax.axhline(ssd, color="C1", ls="--", label=r"Scovil–Schulz-DuBois $1-\omega_c/\omega_h$")
    ax.plot(data[:, 0], data[:, 1], "o", color="C0", label=r"$\eta = P_{out}/J_h$ (qfridge)")
    ax.axvline(threshold, color="0.6", ls=":", label=r"lasing threshold $T_c\omega_h/\omega_c$")
    ax.set_ylabel("efficiency")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, loc="lower right")
    bx.plot(data[:, 0], data[:, 3], "o-", color="C2")
    bx.axhline(0, color="0.6", lw=0.8)
    bx.set_ylabel(r"power output $P_{out}$ ($\hbar = k_B = 1$)")
    bx.set_xlabel(r"hot-bath temperature $T_h$ (in units of $\omega_c$)")
    bx.set_xscale("log")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    print(f"figure: {out}")
    return {"t_hot": data[:, 0], "eta": data[:, 1], "carnot": data[:, 2]}


if __name__ == "__main__":
    main()
