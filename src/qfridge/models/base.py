"""What every model shares: typed physical parameters and a registry by name.

A model is a frozen dataclass whose fields are physical parameters. Each field
declares its *kind* with :func:`parameter`; the stored value is always a float
(or a NumPy array, for vectorised evaluation) in the kind's canonical unit:

=====================  ================  =====================================
kind                   stored in         accepted as input
=====================  ================  =====================================
``angular_frequency``  rad/s             float (rad/s), ``Frequency``, "5 GHz"
``rate``               1/s               float (1/s), ``Rate`` ("10 1/us"),
                                         ``Frequency`` (its angular value:
                                         "10 kHz" means γ/2π = 10 kHz)
``temperature``        K                 float (K), ``Temperature``, "50 mK"
``time``               s                 float (s), ``Time``, "50 ns"
``energy``             natural units     float (in the model's energy scale)
``dimensionless``      —                 float
=====================  ================  =====================================

A string such as ``"5 GHz"`` is cyclic by its unit and is converted to rad/s
explicitly here, never guessed; a ``Temperature`` given for a frequency field
is refused with a message naming the field.

Models register themselves with :func:`register_model`, so that the sweep
command can build them from a configuration file by class name, and list their
scalar outputs in ``QUANTITIES`` (quantity name → method name).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import numpy as np

from ..core import checks
from ..core.units import Frequency, Power, Rate, Temperature, Time, parse_quantity

KINDS = ("angular_frequency", "rate", "temperature", "time", "energy", "dimensionless",
         "choice", "integer")

UNIT_OF_KIND = {"angular_frequency": "rad/s", "rate": "1/s", "temperature": "K", "time": "s",
                "energy": "natural units", "dimensionless": "1", "choice": "", "integer": "1"}

MODELS: dict[str, type] = {}


def parameter(kind: str, default: Any = dataclasses.MISSING, doc: str = ""):
    """A dataclass field holding a physical parameter of the given kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown parameter kind {kind!r}; kinds are {KINDS}")
    return dataclasses.field(default=default, metadata={"kind": kind, "doc": doc})


def coerce(name: str, kind: str, value):
    """Convert one input to the canonical float of ``kind`` (see module docstring)."""
    if kind == "choice":
        return value
    if kind == "integer":
        return checks.integer_at_least(name, value, 0)
    if isinstance(value, str):
        try:
            value = parse_quantity(value)
        except ValueError as err:
            raise ValueError(f"parameter {name!r}: {err}") from None
    if isinstance(value, Frequency):
        if kind not in ("angular_frequency", "rate"):
            raise ValueError(f"parameter {name!r} is a {kind}, got a frequency ({value})")
        value = value.angular_rad_per_s
    elif isinstance(value, Rate):
        if kind != "rate":
            raise ValueError(f"parameter {name!r} is a {kind}, got a rate ({value.per_second} 1/s)")
        value = value.per_second
    elif isinstance(value, Temperature):
        if kind != "temperature":
            raise ValueError(f"parameter {name!r} is a {kind}, got a temperature ({value})")
        value = value.kelvin
    elif isinstance(value, Time):
        if kind != "time":
            raise ValueError(f"parameter {name!r} is a {kind}, got a time ({value})")
        value = value.seconds
    elif isinstance(value, Power):
        raise ValueError(f"parameter {name!r} is a {kind}, got a power")
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"parameter {name!r} must be a number or a quantity like '5 GHz', "
                         f"got {value!r}")
    if np.iscomplexobj(arr):
        raise ValueError(f"parameter {name!r} must be real, got the complex value {value!r}")
    checks.finite(name, arr)
    return float(arr) if arr.ndim == 0 else arr.astype(float)


class Model:
    """Mixin for frozen-dataclass models: converts typed inputs in ``__post_init__``.

    Subclasses call ``super().__post_init__()`` first, then validate.
    """

    QUANTITIES: ClassVar[dict[str, str]] = {}
    #: Quantity name → ``(units, long_name)``: the attributes its sweep variable carries
    #: (and the colour-bar label of the quick-look plot).
    QUANTITY_UNITS: ClassVar[dict[str, tuple[str, str]]] = {}

    def __post_init__(self):
        for f in dataclasses.fields(self):
            kind = f.metadata.get("kind")
            if kind is not None:
                object.__setattr__(self, f.name, coerce(f.name, kind, getattr(self, f.name)))

    @classmethod
    def parameters(cls) -> dict[str, str]:
        """Field name → kind, for every physical parameter."""
        return {f.name: f.metadata["kind"] for f in dataclasses.fields(cls)
                if "kind" in f.metadata}

    def replace(self, **changes):
        """A copy with some parameters changed (inputs converted as in the constructor)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"{type(self).__name__} has no parameter(s) {sorted(unknown)}; "
                             f"parameters are {sorted(self.parameters())}")
        return dataclasses.replace(self, **changes)

    @classmethod
    def quantity_attrs(cls, name: str) -> dict[str, str]:
        """``{"units": ..., "long_name": ...}`` of a quantity (empty when not declared)."""
        if name not in cls.QUANTITY_UNITS:
            return {}
        units, long_name = cls.QUANTITY_UNITS[name]
        return {"units": units, "long_name": long_name}

    def quantity(self, name: str):
        """Evaluate one of the model's named outputs (``QUANTITIES``)."""
        if name not in self.QUANTITIES:
            raise ValueError(f"{type(self).__name__} has no quantity {name!r}; quantities are "
                             f"{sorted(self.QUANTITIES)}")
        return getattr(self, self.QUANTITIES[name])()


def register_model(cls):
    """Class decorator: make a model available by name (e.g. to ``qfridge sweep``)."""
    MODELS[cls.__name__] = cls
    return cls


def get_model(name: str) -> type:
    """The registered model class called ``name``."""
    from . import load_all

    load_all()
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; models are {sorted(MODELS)}")
    return MODELS[name]
