"""Sweeps of registered models described by a TOML file (``qfridge sweep CONFIG.toml``).

A configuration names a model (registered class name), one of its
``QUANTITIES``, fixed parameters and grid axes, with units on every
dimensional value::

    model = "AbsorptionFridge"
    quantity = "J_C"

    [fixed]                       # parameter = value; dimensional values need a unit
    eps1 = 2.0
    T = 1.0

    [grid]                        # one axis per entry, in this order
    delta_z = { linspace = [-0.5, 0.5, 41] }
    dT = { values = [0.1, 0.2, 0.3] }
    # frequency = { logspace = ["1 MHz", "1 GHz", 31] }   (geometric, endpoints included)

    [sweep]                       # all optional
    executor = "processes"        # serial | processes (tcp://host:8786 only if trusted, below)
    chunks = 100                  # points per chunk
    store = "fridge.store"        # resumable store directory (relative to the config file,
                                  # inside its directory unless allowed explicitly)
    vectorized = "auto"           # true | false | "auto" (probe whether the model takes arrays)
    timeout = 60                  # seconds per point (process pool and serial)
    max_points = 10_000_000       # refuse bigger grids unless confirmed
    trust_config_scheduler = false  # allow executor = "tcp://..." from this file

A Dask scheduler sends pickled data that the client unpickles: connecting to an
address written in a config file would let whoever wrote the file run code on
this machine. A scheduler address from a config is therefore refused unless
``trust_config_scheduler = true`` (or the caller passes ``trust_scheduler=True``,
the CLI's ``--trust-config-scheduler``); giving it on the command line
(``--scheduler``) is the ordinary way.

Values are converted to the model's canonical units (rad/s, 1/s, K, s; see
:mod:`qfridge.models.base`); a bare number for a frequency, rate, temperature
or time is refused (the unit is never guessed). Every problem raises
:class:`ConfigError` with one line naming it.
"""

from __future__ import annotations

import dataclasses
import tomllib
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from ..models.base import UNIT_OF_KIND, coerce, get_model
from .grid import Axis

DIMENSIONAL = ("angular_frequency", "rate", "temperature", "time")
TOP_KEYS = {"model", "quantity", "fixed", "grid", "sweep"}
SWEEP_KEYS = {"executor", "chunks", "store", "vectorized", "timeout", "max_points",
              "trust_config_scheduler"}
AXIS_KINDS = ("linspace", "logspace", "values")


class ConfigError(ValueError):
    """A sweep configuration is invalid; the message is one line naming the problem."""


@dataclasses.dataclass(frozen=True)
class ModelQuantity:
    """Picklable point function: build ``model(**parameters)`` and evaluate ``quantity``.

    Works point-wise (floats in, a float out) and, for models whose parameters
    broadcast, vectorised (arrays in, an array out).
    """

    model: str
    quantity: str

    @property
    def progress_label(self) -> str:
        """What runs, for progress bars: ``"AbsorptionFridge.J_C"``."""
        return f"{self.model}.{self.quantity}"

    def __call__(self, **parameters) -> dict[str, Any]:
        cls = get_model(self.model)
        return {self.quantity: cls(**parameters).quantity(self.quantity)}


@dataclasses.dataclass
class SweepConfig:
    """A parsed, validated configuration (see the module docstring)."""

    path: Path
    model: str
    quantity: str
    fixed: dict[str, Any]
    axes: dict[str, Axis]
    executor: Any = None
    chunks: Any = None
    store: Path | None = None
    vectorized: Any = "auto"
    timeout: float | None = None
    max_points: int | None = None

    @property
    def function(self) -> ModelQuantity:
        return ModelQuantity(self.model, self.quantity)


def _kind_scale(name: str, kind: str, unit_text: str | None) -> tuple[str, float]:
    """Display unit and its canonical value (``"MHz"`` → 2π·10⁶ rad/s)."""
    if unit_text is None:
        return UNIT_OF_KIND[kind], 1.0
    return unit_text, float(coerce(name, kind, f"1 {unit_text}"))


def _unit_of(text) -> str | None:
    if isinstance(text, str):
        parts = text.strip().split()
        return parts[-1] if len(parts) == 2 else None
    return None


def _value(name: str, kind: str, value):
    """One configuration value in canonical units, refusing unit-less dimensional numbers."""
    if kind in DIMENSIONAL and not isinstance(value, str):
        unit, scale = _kind_scale(name, kind, _EXAMPLE_UNIT[kind])
        example = (f"'{value / scale:.6g} {unit}' if you meant {value!r} "
                   f"{UNIT_OF_KIND[kind]}" if isinstance(value, int | float)
                   and not isinstance(value, bool) else f"'5 {unit}'")
        article = "an" if kind[0] in "aeiou" else "a"
        raise ConfigError(f"parameter {name!r} is {article} {kind}: give it with a unit, e.g. "
                          f"{example}; got the plain value {value!r}")
    if kind == "choice":
        if not isinstance(value, str | int | float | bool):
            raise ConfigError(f"parameter {name!r} must be a string, got {value!r}")
        return value
    try:
        return coerce(name, kind, value)
    except ValueError as err:
        raise ConfigError(str(err)) from None


_EXAMPLE_UNIT = {"angular_frequency": "GHz", "rate": "MHz", "temperature": "mK", "time": "ns"}


def _axis(name: str, kind: str, spec) -> Axis:
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in AXIS_KINDS:
        raise ConfigError(f"grid axis {name!r} must be one of "
                          "{ linspace = [start, stop, num] }, { logspace = [start, stop, num] } "
                          f"or {{ values = [...] }}, got {spec!r}")
    how, args = next(iter(spec.items()))
    if how == "values":
        if not isinstance(args, list) or not args:
            raise ConfigError(f"grid axis {name!r} is empty: 'values' needs at least one value")
        values = [_value(name, kind, v) for v in args]
        units = {_unit_of(v) for v in args}
        unit_text = units.pop() if len(units) == 1 else None
        if kind in ("choice", "integer"):
            return Axis(np.asarray(values), UNIT_OF_KIND[kind])
        display, scale = _kind_scale(name, kind, unit_text)
        return Axis(np.asarray(values, dtype=float), UNIT_OF_KIND[kind],
                    {"display_unit": display, "display_scale": scale})
    if not isinstance(args, list) or len(args) != 3:
        raise ConfigError(f"grid axis {name!r}: {how} needs [start, stop, num], got {args!r}")
    start, stop, num = args
    if kind in ("choice", "integer"):
        raise ConfigError(f"grid axis {name!r} is a {kind} parameter: list its 'values'")
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise ConfigError(f"grid axis {name!r} is empty or malformed: {how} needs an integer "
                          f"number of points >= 1, got {num!r}")
    a, b = _value(name, kind, start), _value(name, kind, stop)
    if how == "logspace":
        if a <= 0 or b <= 0:
            raise ConfigError(f"grid axis {name!r}: logspace needs start and stop > 0, got "
                              f"{start!r}, {stop!r}")
        values = np.geomspace(a, b, num)
    else:
        values = np.linspace(a, b, num)
    display, scale = _kind_scale(name, kind, _unit_of(start))
    return Axis(values, UNIT_OF_KIND[kind], {"display_unit": display, "display_scale": scale,
                                              "spacing": "log" if how == "logspace" else "linear"})


def load_config(path, *, trust_scheduler: bool = False, allow_outside_store: bool = False
                ) -> SweepConfig:
    """Read and validate a sweep configuration file (raises :class:`ConfigError`).

    ``trust_scheduler``: accept ``executor = "tcp://..."`` from the file (also
    ``trust_config_scheduler = true`` in it); ``allow_outside_store``: accept a ``store``
    outside the config file's directory.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise ConfigError(f"config file {str(path)!r} is a directory, not a TOML file")
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"config file {str(path)!r} is not UTF-8 text (byte {err.start}: "
                          f"{err.reason})") from None
    except OSError as err:
        raise ConfigError(f"config file {str(path)!r} cannot be read: "
                          f"{err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {err}") from None
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise ConfigError(f"unknown config key(s) {sorted(unknown)}; allowed: "
                          f"{sorted(TOP_KEYS)}")
    for key in ("model", "quantity", "grid"):
        if key not in raw:
            raise ConfigError(f"config needs a '{key}' entry")
    try:
        cls = get_model(str(raw["model"]))
    except ValueError as err:
        raise ConfigError(str(err)) from None
    quantity = str(raw["quantity"])
    if quantity not in cls.QUANTITIES:
        raise ConfigError(f"model {cls.__name__} has no quantity {quantity!r}; quantities are "
                          f"{sorted(cls.QUANTITIES)}")
    kinds = cls.parameters()
    fixed_raw = raw.get("fixed", {})
    grid_raw = raw["grid"]
    if not isinstance(fixed_raw, dict) or not isinstance(grid_raw, dict) or not grid_raw:
        raise ConfigError("'fixed' must be a table and 'grid' a non-empty table of axes")
    for section, names in (("fixed", fixed_raw), ("grid", grid_raw)):
        bad = set(names) - set(kinds)
        if bad:
            raise ConfigError(f"model {cls.__name__} has no parameter(s) {sorted(bad)} "
                              f"(in [{section}]); parameters are {sorted(kinds)}")
    both = set(fixed_raw) & set(grid_raw)
    if both:
        raise ConfigError(f"parameter(s) {sorted(both)} are both fixed and grid axes")
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                and f.init}
    missing = required - set(fixed_raw) - set(grid_raw)
    if missing:
        raise ConfigError(f"model {cls.__name__} needs parameter(s) {sorted(missing)}; give "
                          "them in [fixed] or [grid]")
    fixed = {name: _value(name, kinds[name], v) for name, v in fixed_raw.items()}
    axes = {name: _axis(name, kinds[name], spec) for name, spec in grid_raw.items()}

    opts = raw.get("sweep", {})
    if not isinstance(opts, dict):
        raise ConfigError("'sweep' must be a table")
    unknown = set(opts) - SWEEP_KEYS
    if unknown:
        raise ConfigError(f"unknown [sweep] key(s) {sorted(unknown)}; allowed: "
                          f"{sorted(SWEEP_KEYS)}")
    vectorized = opts.get("vectorized", "auto")
    if vectorized not in (True, False, "auto"):
        raise ConfigError(f"[sweep] vectorized must be true, false or \"auto\", got "
                          f"{vectorized!r}")
    executor = opts.get("executor")
    trusted = opts.get("trust_config_scheduler", False)
    if not isinstance(trusted, bool):
        raise ConfigError(f"[sweep] trust_config_scheduler must be true or false, got "
                          f"{trusted!r}")
    if isinstance(executor, str) and "://" in executor and not (trusted or trust_scheduler):
        raise ConfigError(f"[sweep] executor = {executor!r}: a scheduler address from a config "
                          "file is not trusted (a scheduler sends pickled data, i.e. can run "
                          "code here); give it with --scheduler, or set "
                          "trust_config_scheduler = true / --trust-config-scheduler")
    timeout = opts.get("timeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)
                                or not timeout > 0):
        raise ConfigError(f"[sweep] timeout must be a positive number of seconds, got "
                          f"{timeout!r}")
    max_points = opts.get("max_points")
    if max_points is not None and (isinstance(max_points, bool)
                                   or not isinstance(max_points, int) or max_points < 1):
        raise ConfigError(f"[sweep] max_points must be an integer >= 1, got {max_points!r}")
    store = opts.get("store")
    store_path = None
    if store is not None:
        if not isinstance(store, str) or not store.strip():
            raise ConfigError(f"[sweep] store must be a directory path, got {store!r}")
        base = path.parent.resolve()
        store_path = (base / store).resolve()
        if not store_path.is_relative_to(base) and not allow_outside_store:
            raise ConfigError(f"[sweep] store {store!r} is outside the config file's directory "
                              f"{str(base)!r}; use --store or --allow-store-outside to write "
                              "there")
    return SweepConfig(path=path, model=cls.__name__, quantity=quantity, fixed=fixed, axes=axes,
                       executor=executor, chunks=opts.get("chunks"), store=store_path,
                       vectorized=vectorized, timeout=timeout, max_points=max_points)


def probe_vectorized(config: SweepConfig) -> bool:
    """Whether the model evaluates arrays of parameters to the same numbers as points.

    Evaluates a 2-points-per-axis corner of the grid both ways; any exception,
    warning-free mismatch or wrong shape means "no".
    """
    if any(a.values.dtype.kind not in "fc" for a in config.axes.values()):
        return False
    names = list(config.axes)
    corner = [a.values[:2] for a in config.axes.values()]
    mesh = np.meshgrid(*corner, indexing="ij")
    func = config.function
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(func(**dict(zip(names, mesh, strict=True)),
                                  **config.fixed)[config.quantity])
            if arr.shape != mesh[0].shape:
                return False
            for idx in np.ndindex(*arr.shape):
                point = {n: m[idx].item() for n, m in zip(names, mesh, strict=True)}
                one = float(np.asarray(func(**point, **config.fixed)[config.quantity]))
                if not np.isclose(arr[idx], one, rtol=1e-9, atol=0, equal_nan=True):
                    return False
    except Exception:  # noqa: BLE001 - not vectorisable
        return False
    return True


def run_config(config: SweepConfig, *, executor=None, progress: bool = True, store=None,
               allow_large: bool = False, max_points: int | None = None,
               timeout: float | None = None):
    """Run the sweep a configuration describes; returns the Dataset (see :func:`sweep`)."""
    from .api import sweep

    vectorized = config.vectorized
    if vectorized == "auto":
        vectorized = probe_vectorized(config)
    executor = executor if executor is not None else config.executor
    store = store if store is not None else config.store
    ds = sweep(config.function, config.axes, fixed=config.fixed, executor=executor,
               store=store, chunks=config.chunks, progress=progress, vectorized=vectorized,
               timeout=timeout if timeout is not None else config.timeout,
               max_points=max_points if max_points is not None else config.max_points,
               allow_large=allow_large)
    if config.quantity not in ds:  # every point failed: keep the variable, all NaN
        ds[config.quantity] = xr.full_like(ds["failed"], np.nan, dtype=float)
    ds[config.quantity].attrs.update(get_model(config.model).quantity_attrs(config.quantity))
    ds.attrs["model"] = config.model
    ds.attrs["quantity"] = config.quantity
    ds.attrs["config"] = str(config.path)
    return ds
