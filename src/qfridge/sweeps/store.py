"""Resumable sweep stores: one NetCDF file per finished chunk, written atomically.

Layout of a store directory::

    store/
      lock                   fcntl.flock'ed by the one process writing the store
      manifest.json          what sweep this is (identity + its SHA-256), written first
      chunks/
        chunk-0003-0001.nc   one finished chunk (NetCDF; its attrs hold index + checksum)

Guarantees (see ``docs/sweeps.md``, "What a store guarantees"):

* **One writer.** A store is locked (non-blocking ``fcntl.flock`` on ``lock``) for
  the lifetime of its :class:`ChunkStore`; a second writer is refused with
  :class:`StoreLocked` naming the store path.
* **Atomic files.** The manifest and every chunk are first written to a hidden
  temporary file, fsync'ed and renamed onto their final name (``os.replace``,
  atomic on POSIX): a file exists complete or not at all. The manifest is written
  before any chunk. Leftover temporary files are removed when the store is opened.
* **Identity.** The manifest's key covers the sweep description (function,
  grid, fixed parameters, chunking), qfridge's version and a fingerprint of the
  function's code (:func:`code_fingerprint`); a store of another identity is
  refused with :class:`StoreMismatch` naming what differs.
* **Checksums.** Every chunk records its chunk index, the store key and the
  SHA-256 of its values; :meth:`ChunkStore.load` raises :class:`ChunkCorrupt` for a
  chunk at the wrong position, of another store or with altered values, so the
  caller recomputes it instead of loading it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import importlib.util
import inspect
import io
import json
import os
import re
import sys
import types
import uuid
import weakref
from pathlib import Path

import numpy as np
import xarray as xr

FORMAT = "qfridge-sweep-store"
FORMAT_VERSION = 2
CHUNK_ATTR = "qfridge_chunk"
LOCK_NAME = "lock"
MANIFEST_NAME = "manifest.json"


def netcdf_engine() -> str:
    """The xarray engine for NetCDF-4 files: ``h5netcdf`` (qfridge's dependency) when its
    h5py backend is installed, else ``netcdf4``.
    """
    for module, engine in (("h5py", "h5netcdf"), ("netCDF4", "netcdf4")):
        if importlib.util.find_spec(module) is not None:
            return engine
    raise ImportError("writing NetCDF-4 needs h5py (for h5netcdf) or the netCDF4 package; "
                      "install one of them: pip install h5py")


class StoreMismatch(ValueError):
    """A store directory holds a different sweep than the one requested."""


class StoreLocked(RuntimeError):
    """Another process (or another open :class:`ChunkStore`) is writing this store."""


class StoreDamaged(ValueError):
    """A store's manifest is unreadable (truncated, not JSON, missing fields)."""


class ChunkCorrupt(ValueError):
    """A chunk file is at the wrong position, from another store, or its values changed."""


def description_key(description: dict) -> str:
    """SHA-256 of the canonical JSON of a sweep description."""
    text = json.dumps(description, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def qfridge_version() -> str:
    from .. import __version__

    return str(__version__)


# ----------------------------------------------------------------- code fingerprints

_SIMPLE = (type(None), bool, int, float, complex, str, bytes)
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable_repr(value) -> str:
    """A repr without memory addresses (which change from run to run)."""
    if isinstance(value, _SIMPLE):
        return repr(value)
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(map(_stable_repr, value)) if isinstance(value, set | frozenset) \
            else [_stable_repr(v) for v in value]
        return f"{type(value).__name__}({', '.join(items)})"
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
        return f"ndarray({value.dtype.str},{value.shape},{digest})"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken repr must not break fingerprinting
        text = ""
    return f"{type(value).__module__}.{type(value).__qualname__}:" + _ADDRESS.sub("", text)


def _code_text(code: types.CodeType) -> str:
    """Bytecode, constants and names of a code object (nested code objects recursed)."""
    consts = [_code_text(c) if isinstance(c, types.CodeType) else _stable_repr(c)
              for c in code.co_consts]
    return f"{code.co_code.hex()}|{consts}|{code.co_names}|{code.co_varnames}"


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            names |= _global_names(c)
    return names


def _local_module(module: str | None, home: str | None) -> bool:
    """Whether globals from ``module`` belong to the user's code (followed) or to a library."""
    if not module:
        return False
    root = module.split(".")[0]
    return module == home or root == (home or "").split(".")[0] or root == "qfridge" \
        or module == "__main__"


def _parts(obj, out: list, seen: set, depth: int, home: str | None) -> None:
    if id(obj) in seen or depth > 4:
        return
    seen.add(id(obj))
    if isinstance(obj, functools.partial):
        out.append(f"partial{_stable_repr(obj.args)}{_stable_repr(sorted(obj.keywords.items()))}")
        _parts(obj.func, out, seen, depth, home)
        return
    if inspect.ismethod(obj):
        out.append(f"method of {_stable_repr(obj.__self__)}")
        _parts(obj.__func__, out, seen, depth, home)
        return
    if inspect.isfunction(obj):
        home = home or obj.__module__
        out.append(f"function {obj.__module__}.{obj.__qualname__}")
        try:
            out.append(inspect.getsource(obj))
        except (OSError, TypeError):
            out.append(_code_text(obj.__code__))
        out.append(_stable_repr(obj.__defaults__) + _stable_repr(obj.__kwdefaults__))
        for cell in obj.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:  # empty cell
                continue
            _value_parts(value, out, seen, depth + 1, home)
        for name in sorted(_global_names(obj.__code__)):
            if name in obj.__globals__:
                value = obj.__globals__[name]
                if isinstance(value, types.ModuleType):
                    continue
                out.append(f"global {name}")
                _value_parts(value, out, seen, depth + 1, home)
        return
    if inspect.isclass(obj):
        for klass in obj.__mro__:
            if klass.__module__ == "builtins":
                continue
            out.append(f"class {klass.__module__}.{klass.__qualname__}")
            try:
                out.append(inspect.getsource(klass))
            except (OSError, TypeError):
                for name, member in sorted(vars(klass).items()):
                    if inspect.isfunction(member):
                        out.append(f"member {name}: {_code_text(member.__code__)}")
        return
    # a callable object: its class, its state, and a model class it names (CLI configs)
    out.append(f"instance {_stable_repr(obj)}")
    _parts(type(obj), out, seen, depth, home)
    model = getattr(obj, "model", None)
    if isinstance(model, str) and type(obj).__name__ == "ModelQuantity":
        with contextlib.suppress(Exception):
            from ..models.base import get_model

            _parts(get_model(model), out, seen, depth, home)


def _value_parts(value, out: list, seen: set, depth: int, home: str | None) -> None:
    """A global or closure value: user code is followed, library code named, data repr'd."""
    if inspect.isfunction(value) or inspect.isclass(value) or isinstance(value, functools.partial):
        module = getattr(value, "__module__", None)
        if _local_module(module, home):
            _parts(value, out, seen, depth, home)
        else:
            out.append(f"{module}.{getattr(value, '__qualname__', '?')}")
    elif isinstance(value, types.BuiltinFunctionType | types.ModuleType):
        out.append(getattr(value, "__name__", "?"))
    else:
        out.append(_stable_repr(value))


def code_fingerprint(obj) -> str:
    """SHA-256 (hex) of what a sweep function's numbers depend on in code.

    Covers the function's source (or, without source, its bytecode and constants),
    its defaults and closure values, and — followed recursively, a few levels deep —
    the functions, classes and data it reads from its module globals when they
    belong to the same package, ``__main__`` or qfridge (so a monkeypatched or edited
    helper changes the fingerprint). For a class, the sources of its MRO; for a
    callable object, its class and repr; for the CLI's ``ModelQuantity``, also the
    named model class. Library code (numpy, scipy, ...) is identified by name only.
    """
    out: list[str] = []
    _parts(obj, out, set(), 0, None)
    return hashlib.sha256("\n".join(out).encode()).hexdigest()


def _resolve_function(identity) -> object | None:
    """The object named by a description's ``function`` entry, if it can be found."""
    if not isinstance(identity, dict) or not isinstance(identity.get("name"), str):
        return None
    module_name, _, qualname = identity["name"].rpartition(".")
    module = sys.modules.get(module_name)
    if module is None or "<locals>" in identity["name"]:
        return None
    obj = module
    for part in qualname.split(".") if qualname else ():
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    if inspect.isclass(obj) and isinstance(identity.get("repr"), str):
        match = re.fullmatch(r"ModelQuantity\(model='(\w+)', quantity='([^']*)'\)",
                             identity["repr"])
        if match and obj.__name__ == "ModelQuantity":
            with contextlib.suppress(Exception):
                return obj(model=match.group(1), quantity=match.group(2))
    return obj


# ----------------------------------------------------------------- chunk checksums

def chunk_checksum(chunk: xr.Dataset) -> str:
    """SHA-256 of a chunk's variables and coordinates (names, dims, dtypes, values)."""
    h = hashlib.sha256()
    for name in sorted(map(str, chunk.variables)):
        var = chunk.variables[name]
        values = np.asarray(var.values)
        h.update(f"{name}|{var.dims}|{values.shape}|".encode())
        if values.dtype.kind in "USO":
            h.update(b"str|" + "\x1f".join(map(str, values.ravel().tolist())).encode())
        elif values.dtype.kind == "b":
            h.update(b"bool|" + np.ascontiguousarray(values, dtype=np.uint8).tobytes())
        else:
            native = values.dtype.newbyteorder("=")
            h.update(f"{native.str}|".encode() + np.ascontiguousarray(values, native).tobytes())
    return h.hexdigest()


# ----------------------------------------------------------------- differences

_LABELS = {
    "qfridge_version": "qfridge version",
    "code_fingerprint": "the function's code (code_fingerprint)",
}


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key in _LABELS:
            out.append(f"{_LABELS[key]}: stored {a!r}, now {b!r}" if key == "qfridge_version"
                       else f"{_LABELS[key]}: stored {str(a)[:12]}…, now {str(b)[:12]}…")
        elif isinstance(a, dict) and isinstance(b, dict):
            sub = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            out.append(f"{key}[{', '.join(map(repr, sub))}]")
        else:
            out.append(key)
    return out


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------------- the store

_OPEN_STORES: weakref.WeakSet = weakref.WeakSet()


def _drop_locks_in_child() -> None:
    """A forked child (e.g. a process-pool worker) must not keep a store locked after its
    parent closed it or died: close the child's copy of the lock file without unlocking
    (flock belongs to the open file description shared with the parent)."""
    for store in list(_OPEN_STORES):
        fh, store._lock_fh, store._dir_dirty = store._lock_fh, None, False
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
    _OPEN_STORES.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_locks_in_child)


class ChunkStore:
    """A store directory for one sweep (see module docstring).

    Parameters
    ----------
    path : str or Path
        The store directory (created if absent).
    description : dict
        Canonical, JSON-serialisable description of the sweep (function, grid,
        fixed parameters, chunking). A store made for another description is
        refused with :class:`StoreMismatch`.
    func : callable, optional
        The sweep function; its :func:`code_fingerprint` joins the identity. Without
        it, the function named by ``description["function"]["name"]`` is looked up
        (``module.qualname`` in ``sys.modules``) and fingerprinted when found.
    version : str, optional
        qfridge version recorded in (and checked against) the manifest; default
        the installed qfridge's.

    Notes
    -----
    The store is locked until :meth:`close` (or the object is garbage-collected);
    use it as a context manager to release the lock deterministically.
    """

    def __init__(self, path, description: dict, *, func=None, version: str | None = None):
        self.path = Path(path)
        self.chunk_dir = self.path / "chunks"
        self._lock_fh = None
        self._dir_dirty = False
        if func is None:
            func = _resolve_function(description.get("function"))
        identity = dict(description)
        identity["qfridge_version"] = version if version is not None else qfridge_version()
        identity["code_fingerprint"] = code_fingerprint(func) if func is not None else None
        self.identity = identity
        self.key = description_key(identity)
        manifest = self.path / MANIFEST_NAME
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"store {str(self.path)!r} exists and is not a directory")
        if self.path.is_dir() and not manifest.exists():
            foreign = [p.name for p in self.path.iterdir()
                       if p.name not in (LOCK_NAME, "chunks") and not p.name.startswith(".tmp-")]
            if foreign:
                raise StoreMismatch(f"store {str(self.path)!r} is a non-empty directory without a "
                                    "qfridge manifest.json; refusing to write into it")
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._open_manifest(manifest)
        except BaseException:
            self.close()
            raise

    def _lock(self) -> None:
        fh = open(self.path / LOCK_NAME, "a+b")  # noqa: SIM115 - held for the store's lifetime
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            fh.close()
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise StoreLocked(
                    f"store {str(self.path)!r} is locked: another process (or another open "
                    "store object in this one) holds it and is writing there; wait for it to "
                    "finish, or use another store path") from None
            raise
        self._lock_fh = fh
        _OPEN_STORES.add(self)

    def _open_manifest(self, manifest: Path) -> None:
        if manifest.exists():
            stored = self._read_manifest(manifest)
            if stored.get("format_version") != FORMAT_VERSION:
                raise StoreMismatch(
                    f"store {str(self.path)!r} has store format {stored.get('format_version')!r}, "
                    f"this qfridge writes format {FORMAT_VERSION} (chunk checksums, code "
                    "fingerprint); delete it to start over, or use another store path")
            if stored.get("key") != self.key:
                diff = _differences(stored.get("description", {}), self.identity)
                raise StoreMismatch(
                    f"store {str(self.path)!r} holds a different sweep (differs in: "
                    f"{'; '.join(diff) or 'format'}); refusing to mix results — use another "
                    "store path, or delete this one to start over")
        else:
            if self.chunk_dir.is_dir() and any(self.chunk_dir.glob("chunk-*")):
                raise StoreDamaged(f"store {str(self.path)!r} has chunk files but no "
                                   f"{MANIFEST_NAME}; it is damaged — delete it to start over")
            self._write_atomic(manifest, json.dumps(
                {"format": FORMAT, "format_version": FORMAT_VERSION, "key": self.key,
                 "description": self.identity}, indent=1, sort_keys=True).encode())
            _fsync_dir(self.path)  # the manifest is durable before any chunk
        self.chunk_dir.mkdir(exist_ok=True)
        for tmp in self.chunk_dir.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)
        for tmp in self.path.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)

    def _read_manifest(self, manifest: Path) -> dict:
        try:
            stored = json.loads(manifest.read_bytes())
        except (ValueError, UnicodeDecodeError) as err:
            raise StoreDamaged(f"store manifest {str(manifest)!r} is damaged (not valid JSON: "
                               f"{err}); delete the store to start over") from None
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            raise StoreMismatch(f"store {str(self.path)!r} is not a qfridge sweep store "
                                f"({MANIFEST_NAME} has no format {FORMAT!r})")
        if not isinstance(stored.get("key"), str) or not isinstance(stored.get("description"),
                                                                    dict):
            raise StoreDamaged(f"store manifest {str(manifest)!r} is damaged (no key or "
                               "description); delete the store to start over")
        return stored

    # -- lifetime

    def close(self) -> None:
        """Make the renames durable (one directory fsync) and release the lock."""
        if self._dir_dirty:
            with contextlib.suppress(OSError):
                _fsync_dir(self.chunk_dir)
            self._dir_dirty = False
        if self._lock_fh is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        with contextlib.suppress(Exception):
            self.close()

    # -- files

    @staticmethod
    def _write_atomic(target: Path, payload: bytes) -> None:
        tmp = target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}")
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    def chunk_path(self, cid: tuple[int, ...]) -> Path:
        return self.chunk_dir / ("chunk-" + "-".join(f"{i:04d}" for i in cid) + ".nc")

    def has(self, cid: tuple[int, ...]) -> bool:
        return self.chunk_path(cid).exists()

    def load(self, cid: tuple[int, ...]) -> xr.Dataset:
        """A finished chunk, fully loaded into memory (the file is closed).

        Raises :class:`ChunkCorrupt` (naming the file) when the chunk records another
        position or store, or its values do not match its checksum.
        """
        path = self.chunk_path(cid)
        with xr.open_dataset(path, engine=_engine_of(path)) as ds:
            chunk = ds.load()
        try:
            meta = json.loads(chunk.attrs.get(CHUNK_ATTR, ""))
        except ValueError:
            meta = None
        if not isinstance(meta, dict):
            raise ChunkCorrupt(f"chunk {str(path)!r} has no qfridge checksum record")
        if meta.get("store_key") != self.key:
            raise ChunkCorrupt(f"chunk {str(path)!r} belongs to another sweep store "
                               "(its store key differs)")
        if [int(i) for i in meta.get("index", [])] != [int(i) for i in cid]:
            raise ChunkCorrupt(f"chunk {str(path)!r} records chunk index {meta.get('index')}, "
                               f"not {list(cid)}: it was moved or copied")
        if meta.get("sha256") != chunk_checksum(chunk):
            raise ChunkCorrupt(f"chunk {str(path)!r} fails its SHA-256 checksum: its values "
                               "changed since they were written")
        del chunk.attrs[CHUNK_ATTR]
        return chunk

    def save(self, cid: tuple[int, ...], chunk: xr.Dataset) -> None:
        """Write one chunk atomically: temporary file, fsync, rename."""
        final = self.chunk_path(cid)
        tmp = final.with_name(f".tmp-{uuid.uuid4().hex}-{final.name}")
        out = chunk.copy(deep=False)
        out.attrs = {**chunk.attrs, CHUNK_ATTR: json.dumps(
            {"index": [int(i) for i in cid], "store_key": self.key,
             "sha256": chunk_checksum(chunk)}, sort_keys=True)}
        payload = _netcdf3_bytes(out)
        if payload is not None:
            with open(tmp, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            out.to_netcdf(tmp, engine=netcdf_engine())
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, final)
        self._dir_dirty = True


def _engine_of(path: Path) -> str:
    with open(path, "rb") as fh:
        magic = fh.read(4)
    return "scipy" if magic[:3] == b"CDF" else netcdf_engine()


def _netcdf3_bytes(chunk: xr.Dataset) -> bytes | None:
    """The chunk as a NetCDF-3 file (small and fast to write) if it round-trips exactly
    (same variables, dtypes and checksum), else ``None`` (write NetCDF-4 instead)."""
    if importlib.util.find_spec("scipy") is None:
        return None
    try:
        payload = bytes(chunk.to_netcdf(engine="scipy"))
        with xr.open_dataset(io.BytesIO(payload), engine="scipy") as back:
            back = back.load()
    except Exception:  # noqa: BLE001 - not representable in NetCDF-3 (complex, int64, ...)
        return None
    same = (set(back.variables) == set(chunk.variables)
            and all(back[n].dtype == chunk[n].dtype or chunk[n].dtype.kind in "USO"
                    for n in chunk.variables)
            and chunk_checksum(back) == chunk_checksum(chunk)
            and back.attrs == chunk.attrs)
    return payload if same else None


__all__ = ["ChunkCorrupt", "ChunkStore", "StoreDamaged", "StoreLocked", "StoreMismatch",
           "chunk_checksum", "code_fingerprint", "description_key", "netcdf_engine"]

