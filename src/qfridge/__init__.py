"""qfridge: quantum thermal machines and engineered reservoirs.

Layers (lower never import higher): core -> engines -> models -> sweeps ->
reproduce / cli. See docs/architecture.md.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qfridge")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

import sys as _sys  # noqa: E402

from .core import thermal, units  # noqa: E402

# the README's `qf.thermal` and `qf.units` are also importable as modules
# (`import qfridge.thermal`, `from qfridge.units import Temperature`)
_sys.modules[f"{__name__}.thermal"] = thermal
_sys.modules[f"{__name__}.units"] = units
from .core.baths import (  # noqa: E402
    BosonicBath,
    FermionicBath,
    FlatSpectralDensity,
    LorentzianSpectralDensity,
    OhmicSpectralDensity,
    RLCSpectralDensity,
    WorkReservoir,
)
from .core.units import Frequency, NaturalUnits, Temperature, Time, parse_quantity  # noqa: E402
from .core.validity import PremiseViolation, PremiseWarning, strict_premises  # noqa: E402

#: Public names whose modules import QuTiP, xarray or Dask: imported on first use (PEP 562),
#: so that ``import qfridge`` costs little more than NumPy and SciPy.
_LAZY = {"MasterEquation": "qfridge.engines.lindblad", "Transition": "qfridge.engines.lindblad",
         "RateEquation": "qfridge.engines.rates", "Axis": "qfridge.sweeps",
         "sweep": "qfridge.sweeps", "audit": "qfridge.engines.audit",
         "Thermodynamics": "qfridge.engines.thermo", "Machine": "qfridge.models.machine"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'qfridge' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "Axis", "BosonicBath", "FermionicBath", "FlatSpectralDensity", "Frequency",
    "LorentzianSpectralDensity", "Machine", "Thermodynamics", "WorkReservoir", "audit",
    "MasterEquation", "NaturalUnits", "OhmicSpectralDensity", "PremiseViolation",
    "PremiseWarning", "RLCSpectralDensity", "RateEquation", "Temperature", "Time", "Transition",
    "parse_quantity", "strict_premises", "sweep", "thermal", "units", "__version__",
]
