"""qfridge: quantum thermal machines and engineered reservoirs.

Layers (lower never import higher): core -> engines -> models -> sweeps ->
reproduce / cli. See docs/architecture.md.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qfridge")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from .core import thermal, units  # noqa: E402
from .core.baths import (  # noqa: E402
    BosonicBath,
    FermionicBath,
    FlatSpectralDensity,
    LorentzianSpectralDensity,
    OhmicSpectralDensity,
    RLCSpectralDensity,
)
from .core.units import Frequency, NaturalUnits, Temperature, Time, parse_quantity  # noqa: E402
from .core.validity import PremiseViolation, PremiseWarning, strict_premises  # noqa: E402
from .engines.lindblad import MasterEquation, Transition  # noqa: E402
from .engines.rates import RateEquation  # noqa: E402
from .sweeps import Axis, sweep  # noqa: E402

__all__ = [
    "Axis", "BosonicBath", "FermionicBath", "FlatSpectralDensity", "Frequency",
    "LorentzianSpectralDensity",
    "MasterEquation", "NaturalUnits", "OhmicSpectralDensity", "PremiseViolation",
    "PremiseWarning", "RLCSpectralDensity", "RateEquation", "Temperature", "Time", "Transition",
    "parse_quantity", "strict_premises", "sweep", "thermal", "units", "__version__",
]
