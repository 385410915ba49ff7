"""Models: one module per physical machine (frozen dataclasses of parameters).

Each model module registers its classes with :func:`qfridge.models.base.register_model`.
:func:`load_all` imports every model module that exists so far.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = (
    "qfridge.models.cavity_cooling",
    "qfridge.models.phaseonium",
    "qfridge.models.dicke_valve",
    "qfridge.models.absorption_fridge",
    "qfridge.models.kerr_resonators",
    "qfridge.models.spin_chain",
)


def load_all() -> None:
    """Import every model module present in this installation."""
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
