"""Grid axes with units, and the split of a grid into rectangular chunks."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

DEFAULT_POINTWISE_CHUNKS = 200
"""Default number of chunks a point-wise sweep is split into (fewer if the grid is smaller)."""

MIN_POINTWISE_POINTS = 64
"""Smallest default chunk of a point-wise sweep (points), unless that leaves fewer than
:data:`MIN_POINTWISE_CHUNKS` chunks: every chunk costs a store write (~10-20 ms of
NetCDF/HDF5 plus fsync) and a task round trip, which must stay small against the work."""

MIN_POINTWISE_CHUNKS = 8
"""Small grids are still split into this many chunks (load balance over the workers)."""

DEFAULT_VECTORIZED_POINTS = 65_536
"""Default number of points per chunk of a vectorised sweep."""


@dataclass(frozen=True)
class Axis:
    """One grid axis: 1-D coordinate values and their unit.

    Parameters
    ----------
    values : array_like
        The coordinate values (1-D, at least one). Numbers or strings.
    unit : str
        Unit of ``values`` (stored as the coordinate's ``units`` attribute).
    attrs : dict
        Further coordinate attributes (e.g. ``long_name``).
    """

    values: np.ndarray
    unit: str = ""
    attrs: dict = field(default_factory=dict)

    def __post_init__(self):
        values = np.asarray(self.values)
        if values.ndim != 1:
            raise ValueError(f"axis values must be 1-D, got shape {values.shape}")
        if values.size == 0:
            raise ValueError("axis values must not be empty")
        if values.dtype == object:
            raise ValueError("axis values must be numbers or strings, got objects")
        object.__setattr__(self, "values", values)

    @classmethod
    def linspace(cls, start: float, stop: float, num: int, unit: str = "") -> Axis:
        """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
        _check_num(num)
        return cls(np.linspace(start, stop, num), unit)

    @classmethod
    def logspace(cls, start: float, stop: float, num: int, unit: str = "") -> Axis:
        """``num`` log-spaced values from ``start`` to ``stop`` inclusive (not exponents:
        this is :func:`numpy.geomspace`)."""
        _check_num(num)
        if start <= 0 or stop <= 0:
            raise ValueError(f"logspace needs start and stop > 0, got {start!r}, {stop!r}")
        return cls(np.geomspace(start, stop, num), unit)

    def __len__(self) -> int:
        return int(self.values.size)


def _check_num(num):
    if isinstance(num, bool) or not isinstance(num, int | np.integer) or num < 1:
        raise ValueError(f"number of axis points must be an integer >= 1, got {num!r}")


def as_axes(grid: Mapping) -> dict[str, Axis]:
    """Normalise a grid mapping (name → array-like, :class:`Axis` or DataArray) to axes."""
    if not isinstance(grid, Mapping) or not grid:
        raise ValueError(f"grid must be a non-empty mapping of axis name -> values, got {grid!r}")
    axes: dict[str, Axis] = {}
    for name, spec in grid.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"grid axis names must be Python identifiers, got {name!r}")
        if isinstance(spec, Axis):
            axes[name] = spec
            continue
        unit = ""
        attrs = getattr(spec, "attrs", None)
        if isinstance(attrs, Mapping):  # an xarray.DataArray
            unit = str(attrs.get("units", ""))
        try:
            axes[name] = Axis(np.asarray(spec), unit)
        except ValueError as err:
            raise ValueError(f"grid axis {name!r}: {err}") from None
    return axes


def block_shape(shape: tuple[int, ...], names: list[str], chunks, vectorized: bool
                ) -> tuple[int, ...]:
    """Chunk extent along each axis.

    ``chunks`` is ``None`` (default), an int (target points per chunk; the last
    axes are kept whole first) or a mapping axis name → extent (missing axes whole).
    """
    total = int(np.prod(shape))
    if chunks is None:
        if vectorized:
            target = DEFAULT_VECTORIZED_POINTS
        else:
            target = max(1, -(-total // DEFAULT_POINTWISE_CHUNKS),
                         min(MIN_POINTWISE_POINTS, -(-total // MIN_POINTWISE_CHUNKS)))
        return _from_target(shape, target)
    if isinstance(chunks, Mapping):
        unknown = set(chunks) - set(names)
        if unknown:
            raise ValueError(f"chunks names unknown axes {sorted(unknown)}; axes are {names}")
        out = []
        for name, n in zip(names, shape, strict=True):
            size = chunks.get(name, n)
            _check_num(size)
            out.append(min(int(size), n))
        return tuple(out)
    if isinstance(chunks, bool) or not isinstance(chunks, int | np.integer) or chunks < 1:
        raise ValueError(f"chunks must be an int >= 1 (points per chunk) or a mapping "
                         f"axis -> extent, got {chunks!r}")
    return _from_target(shape, int(chunks))


def _from_target(shape: tuple[int, ...], target: int) -> tuple[int, ...]:
    out = [1] * len(shape)
    prod = 1
    for ax in reversed(range(len(shape))):
        size = min(shape[ax], max(1, target // prod))
        out[ax] = size
        prod *= size
    return tuple(out)


def blocks(shape: tuple[int, ...], extent: tuple[int, ...]):
    """Every chunk as ``(chunk_id, slices)``, in C order of the chunk index."""
    counts = [-(-n // e) for n, e in zip(shape, extent, strict=True)]
    for cid in itertools.product(*(range(c) for c in counts)):
        slices = tuple(slice(i * e, min((i + 1) * e, n))
                       for i, e, n in zip(cid, extent, shape, strict=True))
        yield cid, slices
