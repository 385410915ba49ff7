import warnings

import numpy as np
import pytest

from qfridge.core.thermal import (
    apparent_temperature,
    boltzmann_fit,
    bose,
    effective_temperature,
    fermi,
    gibbs_state,
    sector_temperatures,
)


def test_bose_values_and_limits():
    assert bose(1.0, 1.0) == pytest.approx(1 / (np.e - 1))
    assert bose(2.0, 0.0) == 0.0
    # n(-w) = -(1 + n(w))
    assert bose(-0.7, 0.3) == pytest.approx(-(1 + bose(0.7, 0.3)))
    # high temperature: n ~ T/w - 1/2
    assert bose(1e-3, 1.0) == pytest.approx(1e3 - 0.5, rel=1e-6)


def test_bose_is_overflow_safe_and_vectorised():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        n = bose(np.array([1e4, 1.0, -1e4]), np.array([1.0, 1.0, 1.0]))
    assert n[0] == 0.0 and n[2] == -1.0 and n[1] == pytest.approx(1 / (np.e - 1))


def test_bose_refuses_zero_frequency_and_bad_input():
    with pytest.raises(ValueError, match="omega = 0"):
        bose(0.0, 1.0)
    with pytest.raises(ValueError, match="temperature"):
        bose(1.0, -1.0)
    with pytest.raises(ValueError, match="omega"):
        bose(np.nan, 1.0)


def test_fermi_values():
    assert fermi(0.0, 1.0) == pytest.approx(0.5)
    assert fermi(1.0, 0.0) == 0.0 and fermi(-1.0, 0.0) == 1.0
    assert fermi(1.0, 1.0, chemical_potential=1.0) == pytest.approx(0.5)
    assert fermi(1e5, 1.0) == pytest.approx(0.0)
    # particle-hole symmetry f(e) + f(-e) = 1
    e = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(fermi(e, 0.4) + fermi(-e, 0.4), 1.0)


def test_effective_temperature_inverts_bose():
    w, t = 2.0, np.array([0.1, 0.7, 30.0])
    np.testing.assert_allclose(effective_temperature(bose(w, t), w), t, rtol=1e-12)
    assert effective_temperature(0.0, 1.0) == 0.0
    with pytest.raises(ValueError, match="occupation"):
        effective_temperature(-0.1, 1.0)


def test_apparent_temperature_of_gibbs_qubit_is_its_temperature():
    w, t = 1.3, 0.6
    pe = np.exp(-w / t) / (1 + np.exp(-w / t))
    assert apparent_temperature(w, pe, 1 - pe) == pytest.approx(t)
    assert apparent_temperature(w, 0.7, 0.3) < 0  # inversion
    assert np.isinf(apparent_temperature(w, 0.5, 0.5))


def test_boltzmann_fit_positive_and_negative():
    e = np.array([0.0, 1.0, 2.5, 4.0])
    for t in (0.8, -0.8):
        p = np.exp(-e / t)
        fit = boltzmann_fit(e, p / p.sum())
        assert fit.temperature == pytest.approx(t)
        assert fit.residual < 1e-12
        assert fit.is_negative == (t < 0)
    assert "negative temperature" in str(boltzmann_fit(e, np.exp(e)))


def test_boltzmann_fit_errors():
    with pytest.raises(ValueError, match="same length"):
        boltzmann_fit([0, 1], [1.0])
    with pytest.raises(ValueError, match="two populated levels"):
        boltzmann_fit([0, 1], [1.0, 0.0])


def test_sector_temperatures():
    e = np.array([0.0, 1.0, 2.0, 0.5, 1.5])
    sectors = np.array([0, 0, 0, 1, 1])
    p = np.where(sectors == 0, np.exp(-e / 0.5), np.exp(-e / 2.0))
    fits = sector_temperatures(e, p, sectors)
    assert fits[0].temperature == pytest.approx(0.5)
    assert fits[1].temperature == pytest.approx(2.0)


def test_gibbs_state_matches_matrix_exponential_and_refuses_zero_temperature():
    import qutip

    from systems import gibbs

    h = qutip.rand_herm(5, seed=1) * 50.0
    np.testing.assert_allclose(gibbs_state(h, 3.0).full(), gibbs(h, 3.0).full(), atol=1e-12)
    assert gibbs_state(h, 1e-3).tr() == pytest.approx(1.0)  # no overflow at large H/T
    with pytest.raises(ValueError, match="temperature must be > 0"):
        gibbs_state(h, 0.0)
    with pytest.raises(ValueError, match="hamiltonian must be an operator"):
        gibbs_state(np.eye(2), 1.0)


def test_energy_inverse_temperature_inverts_the_gibbs_energy():
    from qfridge.core.thermal import energy_inverse_temperature, mean_energy

    levels = np.array([-1.3, -0.2, 0.0, 0.4, 2.5])
    for beta in (-7.0, -0.3, 0.0, 0.05, 1.7, 12.0):
        e = float(np.sum(levels * np.exp(-beta * levels)) / np.sum(np.exp(-beta * levels)))
        assert mean_energy(levels, beta) == pytest.approx(e, rel=1e-13, abs=1e-13)
        assert energy_inverse_temperature(levels, e) == pytest.approx(beta, rel=1e-9,
                                                                      abs=1e-11)
    assert energy_inverse_temperature(levels, -1.3) == np.inf
    assert energy_inverse_temperature(levels, 2.5) == -np.inf
    with pytest.raises(ValueError, match="outside the spectrum"):
        energy_inverse_temperature(levels, 3.0)
    with pytest.raises(ValueError, match="levels"):
        energy_inverse_temperature([1.0, 1.0], 1.0)
