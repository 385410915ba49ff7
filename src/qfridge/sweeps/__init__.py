"""Parameter sweeps: grids → labelled ``xarray.Dataset``, on one core, all cores or Dask.

See ``docs/sweeps.md``. The entry point is :func:`sweep`; grid axes with units
are :class:`Axis`; resumable stores are directories of per-chunk NetCDF files
(:mod:`qfridge.sweeps.store`). This layer sits above ``models`` and below
``reproduce``/``cli``, and imports neither of the latter.
"""

from .api import SweepFailureWarning, SweepPointWarning, sweep
from .grid import Axis
from .qutip_values import to_qobj
from .store import StoreDamaged, StoreLocked, StoreMismatch

__all__ = ["Axis", "StoreDamaged", "StoreLocked", "StoreMismatch", "SweepFailureWarning",
           "SweepPointWarning", "sweep", "to_qobj"]
