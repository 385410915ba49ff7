"""A damped harmonic oscillator thermalises: its steady state against the Bose occupation.

H = omega a^dag a (omega = 1, Fock space truncated at N levels), coupled through
x = a + a^dag to one flat bath (K = 0.002) at temperature T, in the global (secular)
form. The steady state must be the Gibbs state: mean occupation <n> = n_B(omega, T) =
1/(e^{omega/T} - 1) (``qf.thermal.bose``), Fock populations p_k = (1 - e^{-omega/T})
e^{-k omega/T}, and Bose inversion of <n> (``qf.thermal.effective_temperature``) gives T
back - up to the truncation, whose weight the script prints.

    python examples/damped_oscillator.py [--out results/examples/damped_oscillator.png] [--small]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import qutip

import qfridge as qf

OMEGA, K = 1.0, 0.002


def oscillator(temperature: float, levels: int) -> qf.MasterEquation:
    """The damped oscillator's global master equation."""
    a = qutip.destroy(levels)
    bath = qf.BosonicBath(temperature, K, name="bath")
    return qf.MasterEquation.global_secular(OMEGA * a.dag() * a, [(bath, a + a.dag())])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/examples/damped_oscillator.png",
                        help="PNG to write")
    parser.add_argument("--small", action="store_true",
                        default=bool(os.environ.get("QFRIDGE_EXAMPLES_SMALL")),
                        help="fewer levels and temperatures (tests; QFRIDGE_EXAMPLES_SMALL=1)")
    args = parser.parse_args(argv)
    temperatures = [0.25, 1.0, 2.0] if args.small else [0.1, 0.25, 0.5, 1.0, 2.0, 4.0]
    levels = 40 if args.small else 80

    print(f"damped oscillator, omega = {OMEGA}, K = {K}, {levels} Fock levels, global form")
    print(f"{'T':>6} {'<n> steady':>14} {'n_B(omega,T)':>14} {'rel. diff':>10} "
          f"{'T_eff':>10} {'top level':>10}")
    results = {}
    for t in temperatures:
        me = oscillator(t, levels)
        rho = me.steady_state()
        pops = np.real(rho.diag())
        n_mean = float(np.dot(np.arange(levels), pops))
        n_bose = float(qf.thermal.bose(OMEGA, t))
        t_eff = float(qf.thermal.effective_temperature(n_mean, OMEGA))
        rel = abs(n_mean - n_bose) / n_bose
        print(f"{t:6.2f} {n_mean:14.8e} {n_bose:14.8e} {rel:10.2e} {t_eff:10.6f} "
              f"{pops[-1]:10.2e}")
        # truncation: the Gibbs state of N levels differs from Bose by ~ N e^{-N omega/T}
        assert pops[-1] < 1e-6, (t, pops[-1])
        assert rel < 1e-6, (t, n_mean, n_bose)
        assert abs(t_eff - t) < 1e-6 * t, (t, t_eff)
        gibbs = (1 - np.exp(-OMEGA / t)) * np.exp(-OMEGA * np.arange(levels) / t)
        assert np.max(np.abs(pops - gibbs)) < 1e-8, t
        assert abs(me.heat_currents(rho)["bath"]) < 1e-12           # no current at equilibrium
        results[t] = pops
    print("steady state = Gibbs state at the bath temperature: <n> = n_B to < 1e-6 at every T")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    k = np.arange(levels)
    for i, (t, pops) in enumerate(results.items()):
        shown = pops > 1e-16
        ax.semilogy(k[shown], pops[shown], "o", ms=3, color=f"C{i}",
                    label=f"steady state, T = {t:g}")
        ax.semilogy(k, (1 - np.exp(-OMEGA / t)) * np.exp(-OMEGA * k / t), "-", lw=0.8,
                    color=f"C{i}")
    ax.plot([], [], "k-", lw=0.8, label=r"Bose/Gibbs $(1-e^{-\omega/T})e^{-k\omega/T}$")
    ax.set_ylim(1e-16, 1.5)
    ax.set_xlabel("Fock level k")
    ax.set_ylabel(r"population $p_k$")
    ax.set_title(rf"damped oscillator ($\omega = {OMEGA:g}$, $T$ in units of $\omega$)",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))   # beside the data
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    print(f"figure: {out}")
    return results


if __name__ == "__main__":
    main()
