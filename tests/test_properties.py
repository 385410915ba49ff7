"""Property-based checks (Hypothesis): random machines give a valid, self-checked physical
answer or a clear refusal — never NaN, never a non-positive or non-normalised state.

Each property draws structured random inputs (sizes, scales, temperatures, reducible and
stiff rate structures, degenerate spectra) from a seed, so failures shrink to a small
seed and replay exactly; ``derandomize=True`` keeps CI deterministic.
"""

import warnings

import numpy as np
import pytest
import qutip
import scipy.sparse.csgraph as csgraph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qfridge.core.baths import BosonicBath
from qfridge.core.validity import PremiseWarning
from qfridge.engines.collision import KrausMap
from qfridge.engines.leads import QubitLead, lead_rates
from qfridge.engines.lindblad import MasterEquation
from qfridge.engines.rates import detailed_balance, generator, steady_state
from qfridge.engines.steady import SteadyStateError

PROPERTY = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 2**32 - 1)


def _random_hermitian(rng, d, scale=1.0):
    a = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return scale * (a + a.conj().T) / 2


def _assert_state(rho: np.ndarray, tol=1e-8):
    assert np.all(np.isfinite(rho))
    assert abs(np.trace(rho) - 1) < tol
    assert np.abs(rho - rho.conj().T).max() < tol
    assert np.linalg.eigvalsh((rho + rho.conj().T) / 2).min() > -tol


@PROPERTY
@given(seed=seeds, d=st.integers(2, 5), n_baths=st.integers(1, 2),
       degenerate=st.booleans(), cold=st.booleans())
def test_global_master_equation_is_a_state_or_refused(seed, d, n_baths, degenerate, cold):
    rng = np.random.default_rng(seed)
    if degenerate:   # repeated levels: dark states and non-unique steady states possible
        e = np.round(rng.uniform(0, 2, d) * 2) / 2
        h = qutip.Qobj(np.diag(e))
    else:
        h = qutip.Qobj(_random_hermitian(rng, d))
    couplings = []
    for b in range(n_baths):
        t = 0.0 if cold and b == 0 else float(rng.uniform(0.05, 5.0))
        bath = BosonicBath(t, float(10 ** rng.uniform(-4, -1)), name=f"b{b}")
        couplings.append((bath, qutip.Qobj(_random_hermitian(rng, d))))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        try:
            me = MasterEquation.global_secular(h, couplings)
            ss = me.solve()
        except ValueError as err:   # SteadyStateError is a ValueError
            assert str(err)          # refused with a message
            return
        rho = ss.rho.full()
        _assert_state(rho)
        currents = me.heat_currents(ss.rho)
    values = np.array(list(currents.values()))
    assert np.all(np.isfinite(values))
    # energy balance of the global secular form: the currents sum to zero
    assert abs(values.sum()) <= 1e-8 * max(1.0, np.abs(values).max())


def _closed_classes(w: np.ndarray) -> int:
    """Number of closed communicating classes of the jump graph w[to, from] > 0."""
    adj = (w.T > 0).astype(int)   # adj[from, to]
    n, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    leaving = np.zeros(n, dtype=bool)
    for i, j in zip(*np.nonzero(adj), strict=True):
        if labels[i] != labels[j]:
            leaving[labels[i]] = True
    return int((~leaving).sum())


@PROPERTY
@given(seed=seeds, d=st.integers(2, 7), blocks=st.integers(1, 2),
       stiffness=st.integers(0, 9), sparse=st.booleans())
def test_rate_matrices_give_one_steady_state_or_are_refused(seed, d, blocks, stiffness, sparse):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.0, 1.0, (d, d)) * 10.0 ** -rng.integers(0, stiffness + 1, (d, d))
    if sparse:
        w *= rng.random((d, d)) < 0.5
    if blocks == 2 and d >= 2:   # cut the links from one half to the other: reducible
        k = d // 2
        w[:k, k:] = 0.0
        w[k:, :k] = 0.0
    np.fill_diagonal(w, 0.0)
    unique = _closed_classes(w) == 1
    try:
        p = steady_state(w)
    except SteadyStateError as err:
        assert err.reason == "not unique"
        assert not unique or stiffness >= 8   # refusals of unique problems only when stiff
        return
    assert unique, "a reducible rate matrix was answered"
    assert np.all(np.isfinite(p)) and np.all(p >= 0) and p.sum() == pytest.approx(1.0)
    residual = generator(w) @ p
    assert np.abs(residual).max() <= 1e-9 * max(np.abs(w).max(), 1e-300)


@PROPERTY
@given(seed=seeds, d=st.integers(2, 8))
def test_detailed_balance_is_a_distribution_or_refused(seed, d):
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, 4, (2, d - 1))    # 0: zero, 1: inf, else a finite positive rate
    rates = rng.uniform(1e-3, 10.0, (2, d - 1))
    rates = np.where(pick == 0, 0.0, np.where(pick == 1, np.inf, rates))
    try:
        p = detailed_balance(rates[0], rates[1])
    except SteadyStateError as err:
        assert err.reason == "not unique"
        return
    assert np.all(np.isfinite(p)) and np.all(p >= 0) and p.sum() == pytest.approx(1.0)


@PROPERTY
@given(seed=seeds, d=st.integers(2, 3), ancilla_mixed=st.booleans())
def test_kraus_maps_from_unitaries_keep_states_physical(seed, d, ancilla_mixed):
    rng = np.random.default_rng(seed)
    u = qutip.Qobj(np.linalg.qr(rng.normal(size=(2 * d, 2 * d))
                                + 1j * rng.normal(size=(2 * d, 2 * d)))[0],
                   dims=[[d, 2], [d, 2]])
    weights = rng.dirichlet(np.ones(2)) if ancilla_mixed else np.array([1.0, 0.0])
    kraus = []
    for a, wa in enumerate(weights):
        for b in range(2):
            if wa > 0:
                op = np.sqrt(wa) * u.full().reshape(d, 2, d, 2)[:, b, :, a]
                kraus.append(qutip.Qobj(op))
    kmap = KrausMap(kraus)
    rho = qutip.rand_dm(d, seed=int(seed % 2**31))
    for _ in range(3):
        rho = kmap.apply(rho)
        _assert_state(rho.full())


@PROPERTY
@given(seed=seeds, d=st.integers(2, 4), beta=st.sampled_from([np.inf, 2.0, 0.3, -1.0]),
       nu=st.sampled_from([0.0, 0.3]))
def test_lead_rates_give_a_distribution_or_refuse(seed, d, beta, nu):
    rng = np.random.default_rng(seed)
    h = qutip.Qobj(_random_hermitian(rng, d))
    low = qutip.Qobj(rng.normal(size=(d, d)))
    gamma = 0.02
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PremiseWarning)
        try:
            r = lead_rates(h, low, QubitLead(float(rng.uniform(0.2, 3.0)), beta=beta, nu=nu),
                           1e-3, gamma, broadening=gamma / 2)
            p = r.populations()
        except ValueError as err:
            assert str(err)
            return
    assert np.all(np.isfinite(p)) and np.all(p >= -1e-12) and p.sum() == pytest.approx(1.0)
    _assert_state(r.state().full())
