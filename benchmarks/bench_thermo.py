"""Current noise of a 4-level, 3-bath absorption fridge on a 100 x 100 temperature grid.

Two qubits (1.0 and 2.5, levels 0, 1, 2.5, 3.5); the cold bath couples to the first
qubit (sigma_x x 1), the hot bath to the second (1 x sigma_x), the room bath to the
two-quantum transition |00> <-> |11> (sigma_+ sigma_+ + h.c.). The cycle
00 -(cold)-> 10 -(hot)-> 11 -(room)-> 00 cools the cold bath where
1/T_cold + 2.5/T_hot < 3.5/T_room. Global secular rates on a grid of (T_hot, T_cold)
at fixed T_room; counted: the energy current out of the cold bath (cooling power) and
its zero-frequency noise.

Ours: the rate stack (100, 100, 4, 4) built with NumPy and one batched
``rate_cumulants`` call. Baseline: per point, QuTiP's Liouvillian of the equivalent
Lindblad equation (jump operators sqrt(W_ij)|i><j| in the eigenbasis),
``qutip.steadystate`` and ``qutip.countstat_current_noise``; timed on a subset and
scaled to the full grid, where the numbers are compared. Our Lindblad route
(``MasterEquation.global_secular`` + ``current_cumulants``, one point per call) is timed on
the same subset for reference. Last line: one JSON object.
"""

from __future__ import annotations

import json
import time

import numpy as np
import qutip

from qfridge.core.baths import BosonicBath
from qfridge.core.thermal import bose
from qfridge.engines.audit import audit
from qfridge.engines.fcs import current_cumulants, rate_cumulants
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.engines.rates import RateEquation

N, SUBSET = 100, 50
OMEGA_C, OMEGA_H = 1.0, 2.5
GAMMA = {"cold": 0.01, "hot": 0.01, "room": 0.005}
T_ROOM = 1.0
T_HOT = np.linspace(1.0, 8.0, N)
T_COLD = np.linspace(0.3, 1.0, N)


def fridge() -> tuple[qutip.Qobj, dict[str, qutip.Qobj]]:
    sm_c = qutip.tensor(qutip.sigmam(), qutip.qeye(2))
    sm_h = qutip.tensor(qutip.qeye(2), qutip.sigmam())
    h = OMEGA_C * sm_c.dag() * sm_c + OMEGA_H * sm_h.dag() * sm_h
    pair = sm_c * sm_h
    return h, {"cold": sm_c + sm_c.dag(), "hot": sm_h + sm_h.dag(), "room": pair + pair.dag()}


def rate_stack(h, couplings, temps: dict[str, np.ndarray]) -> RateEquation:
    """Global secular (Pauli) rates on the grid: W_b[..., i, j] = |<i|A_b|j>|^2
    K_b (1 + n) for emission (E_j > E_i), K_b n for absorption, in the eigenbasis."""
    energies, vectors = np.linalg.eigh(h.full())
    released = energies[None, :] - energies[:, None]   # E_j - E_i for the jump j -> i
    gap = np.where(released == 0, 1.0, np.abs(released))
    rates = {}
    for name, a in couplings.items():
        strength = np.abs(vectors.conj().T @ a.full() @ vectors) ** 2 * GAMMA[name]
        np.fill_diagonal(strength, 0.0)
        n = bose(gap, np.asarray(temps[name])[..., None, None])
        rates[name] = strength * np.where(released > 0, 1.0 + n, n)
    return RateEquation(energies, rates)


def baseline_one(energies: np.ndarray, rates: dict[str, np.ndarray]) -> tuple[float, float]:
    d = energies.size
    ket = [qutip.basis(d, i) for i in range(d)]
    cops = {b: [(energies[i] - energies[j], np.sqrt(w[i, j]) * ket[i] * ket[j].dag())
                for i in range(d) for j in range(d) if w[i, j] > 0]
            for b, w in rates.items()}
    liou = qutip.liouvillian(qutip.Qobj(np.diag(energies)),
                             [c for terms in cops.values() for _, c in terms])
    rhoss = qutip.steadystate(liou)
    jumps = [(w, qutip.sprepost(c, c.dag())) for w, c in cops["cold"]]
    current, noise, _ = qutip.countstat_current_noise(
        liou, [c for _, c in cops["cold"]], rhoss=rhoss,
        J_ops=[sum(w**2 * j for w, j in jumps)], I_ops=[sum(w * j for w, j in jumps)])
    return float(current[0]), float(noise[0, 0, 0])


def chain_audit(n: int = 6) -> tuple[float, float, object]:
    """The full audit of an n-qubit XX chain between two baths (local form), and the
    obvious QuTiP route to its core numbers: steadystate of the local and the global
    Liouvillian plus countstat_current_noise of both baths."""
    sm = [qutip.tensor(*[qutip.destroy(2) if k == j else qutip.qeye(2) for k in range(n)])
          for j in range(n)]
    h = sum(s.dag() * s for s in sm) + 0.05 * sum(
        sm[j].dag() * sm[j + 1] + sm[j + 1].dag() * sm[j] for j in range(n - 1))
    baths = [(BosonicBath(2.0, 0.01, name="h"), Transition(sm[0], 1.0)),
             (BosonicBath(0.5, 0.01, name="c"), Transition(sm[-1], 1.0))]
    t0 = time.perf_counter()
    result = audit(MasterEquation.local(h, baths))
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    local = MasterEquation.local(h, baths)
    glob = MasterEquation.global_secular(h, [(b, t.operator + t.operator.dag())
                                             for b, t in baths])
    qutip.steadystate(glob.liouvillian())
    liou = local.liouvillian()
    rhoss = qutip.steadystate(liou)
    for name in local.bath_names:
        terms = [t for t in local.jumps[name] if t.rate > 0]
        cops = [np.sqrt(t.rate) * t.operator for t in terms]
        jumps = [qutip.sprepost(c, c.dag()) for c in cops]
        qutip.countstat_current_noise(
            liou, cops, rhoss=rhoss,
            J_ops=[sum(t.energy**2 * j for t, j in zip(terms, jumps, strict=True))],
            I_ops=[sum(-t.energy * j for t, j in zip(terms, jumps, strict=True))])
    baseline = time.perf_counter() - t0
    return ours, baseline, result


def main() -> None:
    h, couplings = fridge()
    t_hot, t_cold = np.meshgrid(T_HOT, T_COLD, indexing="ij")
    temps = {"hot": t_hot, "cold": t_cold, "room": np.full_like(t_hot, T_ROOM)}

    t0 = time.perf_counter()
    req = rate_stack(h, couplings, temps)
    ours_cumulants = rate_cumulants(req, "cold", order=2)
    ours = time.perf_counter() - t0

    rng = np.random.default_rng(0)
    subset = [np.unravel_index(k, (N, N)) for k in rng.choice(N * N, SUBSET, replace=False)]
    t0 = time.perf_counter()
    base = np.array([baseline_one(req.energies, {b: w[idx] for b, w in req.rates.items()})
                     for idx in subset])
    baseline = (time.perf_counter() - t0) * N * N / SUBSET

    t0 = time.perf_counter()
    lindblad = []
    for idx in subset:
        baths = [(BosonicBath(temps[b][idx], GAMMA[b], name=b), a) for b, a in couplings.items()]
        me = MasterEquation.global_secular(h, baths)
        cc = current_cumulants(me, "cold", order=2)
        lindblad.append((cc.mean, cc.noise))
    lindblad_s = (time.perf_counter() - t0) * N * N / SUBSET

    mine = np.array([(ours_cumulants.mean[idx], ours_cumulants.noise[idx]) for idx in subset])
    rel = float(np.max(np.abs(mine - base) / np.abs(base)))
    rel_lindblad = float(np.max(np.abs(np.array(lindblad) - base) / np.abs(base)))
    cooling = ours_cumulants.mean > 0
    print(f"grid {N} x {N}: T_hot {T_HOT[0]:g}..{T_HOT[-1]:g}, T_cold {T_COLD[0]:g}.."
          f"{T_COLD[-1]:g}, T_room {T_ROOM:g}; the cold bath is cooled at "
          f"{int(cooling.sum())} of {N * N} points")
    print(f"batched rate_cumulants (rates built + solved): {ours:.4f} s "
          f"({ours / N**2 * 1e6:.2f} us/point)")
    print(f"qutip steadystate + countstat_current_noise loop: {SUBSET} points timed, scaled "
          f"to {N * N}: {baseline:.1f} s ({baseline / N**2 * 1e3:.2f} ms/point)")
    print(f"qfridge global_secular + current_cumulants (Lindblad, one point per call), "
          f"scaled: {lindblad_s:.2f} s (max rel. diff. to qutip {rel_lindblad:.2e})")
    print(f"max relative difference (mean and noise) on the subset: {rel:.2e}")
    print(f"speed-up: {baseline / ours:.0f}x")
    audit_s, audit_base, result = chain_audit()
    print(f"full audit of a 6-qubit chain ({len(result.rows)} rows: "
          f"{result.count('pass')} pass, {result.count('warn')} warn): {audit_s:.2f} s; QuTiP "
          f"steadystate (local + global) + countstat for both baths alone: {audit_base:.2f} s")
    print(json.dumps({"benchmark": "thermo_noise", "ours_s": ours, "baseline_s": baseline,
                      "ratio": baseline / ours, "points": N * N, "max_rel_diff": rel,
                      "audit_6_qubit_chain_s": audit_s,
                      "audit_qutip_core_baseline_s": audit_base}))


if __name__ == "__main__":
    main()
