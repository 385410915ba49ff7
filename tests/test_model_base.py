from dataclasses import dataclass

import numpy as np
import pytest

from qfridge.core.units import Frequency, Temperature
from qfridge.models.base import Model, coerce, parameter


@dataclass(frozen=True)
class _Toy(Model):
    omega: float = parameter("angular_frequency", 1.0)
    temperature: float = parameter("temperature", 0.1)
    tau: float = parameter("time", 1e-9)
    kappa: float = parameter("rate", 0.0)
    QUANTITIES = {"ratio": "ratio"}

    def ratio(self):
        return self.omega * self.tau


def test_strings_and_typed_quantities_are_converted_explicitly():
    toy = _Toy(omega="5 GHz", temperature="50 mK", tau="2 ns")
    assert toy.omega == pytest.approx(2 * np.pi * 5e9)
    assert toy.temperature == pytest.approx(0.05)
    assert toy.tau == pytest.approx(2e-9)
    assert _Toy(omega=Frequency.angular(3, "rad/ns")).omega == pytest.approx(3e9)
    assert toy.quantity("ratio") == pytest.approx(2 * np.pi * 10)
    # a rate: '1/s' units carry no 2 pi; a cyclic unit means kappa/2pi
    assert _Toy(kappa="250 1/ms").kappa == pytest.approx(2.5e5)
    assert _Toy(kappa="10 kHz").kappa == pytest.approx(2 * np.pi * 1e4)
    with pytest.raises(ValueError, match="parameter 'tau' is a time, got a rate"):
        _Toy(tau="3 1/s")


def test_wrong_kind_and_bad_values_name_the_field():
    with pytest.raises(ValueError, match="parameter 'omega' is a angular_frequency, got a temp"):
        _Toy(omega=Temperature.of(1.0))
    with pytest.raises(ValueError, match="parameter 'temperature'.*unknown unit"):
        _Toy(temperature="5 parsec")
    with pytest.raises(ValueError, match="tau must be finite"):
        _Toy(tau=float("inf"))
    with pytest.raises(ValueError, match="has no parameter"):
        _Toy().replace(nonsense=1.0)
    with pytest.raises(ValueError, match="no quantity 'T'"):
        _Toy().quantity("T")


def test_arrays_pass_through_for_vectorised_models():
    toy = _Toy(omega=np.array([1.0, 2.0]))
    np.testing.assert_allclose(toy.ratio(), [1e-9, 2e-9])
    assert coerce("n", "integer", 3) == 3
    assert _Toy.parameters() == {"omega": "angular_frequency", "temperature": "temperature",
                                 "tau": "time", "kappa": "rate"}
