"""Size estimates before big work: refused at once with the estimate, not after minutes."""

import time

import pytest

from qfridge.core.resources import TooLargeError, format_bytes, require_memory
from qfridge.engines.negf import EnergyGrid, solve_kerr_resonators
from qfridge.models._cavity_exact import exact_steady_state
from qfridge.models.cavity_cooling import CorrelatedPairCooling
from qfridge.reproduce.seed004_negf import fridge_baths


def test_require_memory_names_the_work_and_the_numbers():
    assert require_memory("a small thing", 1e6) == 1e6
    with pytest.raises(TooLargeError, match=r"a huge thing needs about 909 TiB but .* are "
                                            r"available; make it smaller") as err:
        require_memory("a huge thing", 1e15, "make it smaller")
    assert err.value.need == 1e15 and err.value.available > 0
    assert isinstance(err.value, MemoryError)
    assert format_bytes(233 * 2.0**40) == "233 TiB"


def test_hot_bath_truncation_is_refused_before_building():
    # t_bath = 1000 K picks ~1e5 Fock levels: refused at once with the estimate
    m = CorrelatedPairCooling.paper_baseline("two", reading="phi", g=0.05 / 50e-9,
                                             t_bath=1000.0)
    start = time.perf_counter()
    with pytest.raises(TooLargeError, match=r"exact cavity steady state \(populations\) with "
                                            r"n_levels = \d{5,}"):
        exact_steady_state(m)
    assert time.perf_counter() - start < 2.0


def test_negf_grid_of_a_billion_points_is_refused():
    b1, b2 = fridge_baths(0.4, gamma_L=0.3, gamma_R=0.3, gamma_C=0.3, delta_z=0.2,
                          filter_delta_z=0.2)
    with pytest.raises(TooLargeError, match="NEGF solve on 1500000000 energy points"):
        solve_kerr_resonators(2.0, 2.0, 0.2, b1, b2, grid=EnergyGrid(0.0, 10.0, 1_500_000_000))


def test_long_spin_chains_are_refused_at_once():
    from qfridge.models.anti_thermal import AntiThermalChain
    from qfridge.models.spin_chain import SpinChain

    for build in (lambda: SpinChain(n_sites=30).hamiltonian(),
                  lambda: AntiThermalChain(n_sites=40).hamiltonian()):
        start = time.perf_counter()
        with pytest.raises(TooLargeError, match="site chain's operators"):
            build()
        assert time.perf_counter() - start < 1.0


def test_negf_refuses_a_negative_resonator_energy_by_name():
    b1, b2 = fridge_baths(0.4, gamma_L=0.3, gamma_R=0.3, gamma_C=0.3, delta_z=0.2,
                          filter_delta_z=0.2)
    with pytest.raises(ValueError, match="eps1"):
        solve_kerr_resonators(-1.0, 1.0, 0.1, b1, b2)
