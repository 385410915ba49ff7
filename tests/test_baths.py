import numpy as np
import pytest

from qfridge.core.baths import (
    BosonicBath,
    CallableSpectralDensity,
    FermionicBath,
    FlatSpectralDensity,
    LorentzianSpectralDensity,
    OhmicSpectralDensity,
    RLCSpectralDensity,
)


@pytest.mark.parametrize("density", [
    FlatSpectralDensity(0.1),
    OhmicSpectralDensity(0.05, 10.0),
    LorentzianSpectralDensity(0.01, 1.0, 10.0),
    RLCSpectralDensity(0.2, 1.0, 3.0),
])
def test_detailed_balance(density):
    bath = BosonicBath(0.7, density)
    w = np.array([0.3, 1.0, 2.0])
    np.testing.assert_allclose(bath.absorption_rate(w) / bath.emission_rate(w),
                               np.exp(-w / 0.7), rtol=1e-12)
    np.testing.assert_allclose(bath.emission_rate(w) - bath.absorption_rate(w), density(w))


def test_zero_temperature_bath_only_emits():
    bath = BosonicBath(0.0, 0.3)
    assert bath.emission_rate(1.0) == pytest.approx(0.3)
    assert bath.absorption_rate(1.0) == 0.0


def test_lorentzian_is_seed004_eq3_with_upper_cutoff():
    k = LorentzianSpectralDensity(coupling=0.01, center=1.0, cutoff=10.0)
    w = 1.2
    gw = 0.01 * w
    assert k(w) == pytest.approx(gw / ((w - 1.0) ** 2 + gw**2))
    assert k(1.0) == pytest.approx(1 / 0.01)  # peak 1/Gamma(Omega) at resonance
    assert k(10.5) == 0.0  # above the cutoff
    assert k(-1.0) == 0.0 and k(0.0) == 0.0


def test_rlc_peak_at_resonance():
    k = RLCSpectralDensity(gamma0=0.2, resonance=2.0, quality_factor=5.0)
    assert k(2.0) == pytest.approx(0.2)
    assert k(1.5) < 0.2 and k(2.5) < 0.2


def test_bad_spectral_densities_raise():
    with pytest.raises(ValueError, match="gamma"):
        FlatSpectralDensity(-1.0)
    with pytest.raises(ValueError, match="cutoff"):
        LorentzianSpectralDensity(0.1, 1.0, 0.0)
    with pytest.raises(ValueError, match="coupling"):
        LorentzianSpectralDensity(-0.1, 1.0, 5.0)
    with pytest.raises(ValueError, match=">= 0"):
        CallableSpectralDensity(lambda w: -w)(1.0)
    with pytest.raises(ValueError, match="temperature of bath 'h'"):
        BosonicBath(-1.0, 0.1, name="h")
    with pytest.raises(ValueError, match="temperature"):
        BosonicBath(float("nan"), 0.1)


def test_fermionic_lead_rates():
    lead = FermionicBath(temperature=0.5, tunnelling=0.2, chemical_potential=0.3)
    e = np.array([-1.0, 0.3, 1.0])
    np.testing.assert_allclose(lead.tunnel_in_rate(e) + lead.tunnel_out_rate(e), 0.2)
    assert lead.tunnel_in_rate(0.3) == pytest.approx(0.1)
    np.testing.assert_allclose(lead.tunnel_in_rate(e) / lead.tunnel_out_rate(e),
                               np.exp(-(e - 0.3) / 0.5))
