"""Resumable sweep stores: one NetCDF file per finished chunk, written atomically.

Layout of a store directory::

    store/
      manifest.json          what sweep this is (canonical description + its SHA-256)
      chunks/
        chunk-0003-0001.nc   one finished chunk (NetCDF-4/HDF5, via h5netcdf or netCDF4)

A chunk is first written to a hidden temporary file in ``chunks/`` and then
renamed onto its final name (``os.replace``, atomic on POSIX), so a chunk file
either exists complete or not at all, whatever moment the process is killed.
Leftover temporary files of a killed run are removed when the store is opened.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import uuid
from pathlib import Path

import xarray as xr

FORMAT = "qfridge-sweep-store"
FORMAT_VERSION = 1


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


def description_key(description: dict) -> str:
    """SHA-256 of the canonical JSON of a sweep description."""
    text = json.dumps(description, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            sub = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
            out.append(f"{key}[{', '.join(map(repr, sub))}]")
        else:
            out.append(key)
    return out


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
    """

    def __init__(self, path, description: dict):
        self.path = Path(path)
        self.key = description_key(description)
        self.chunk_dir = self.path / "chunks"
        manifest = self.path / "manifest.json"
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"store {str(self.path)!r} exists and is not a directory")
        if manifest.exists():
            stored = json.loads(manifest.read_text())
            if stored.get("format") != FORMAT:
                raise StoreMismatch(f"store {str(self.path)!r} is not a qfridge sweep store")
            if stored.get("key") != self.key:
                diff = _differences(stored.get("description", {}), description)
                raise StoreMismatch(
                    f"store {str(self.path)!r} holds a different sweep (differs in: "
                    f"{', '.join(diff) or 'format'}); refusing to mix results — use another "
                    "store path, or delete this one to start over")
        elif self.path.exists() and any(self.path.iterdir()):
            raise StoreMismatch(f"store {str(self.path)!r} is a non-empty directory without a "
                                "qfridge manifest.json; refusing to write into it")
        else:
            self.chunk_dir.mkdir(parents=True, exist_ok=True)
            self._write_atomic(manifest, json.dumps(
                {"format": FORMAT, "format_version": FORMAT_VERSION, "key": self.key,
                 "description": description}, indent=1, sort_keys=True).encode())
        self.chunk_dir.mkdir(exist_ok=True)
        for tmp in self.chunk_dir.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)

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
        """A finished chunk, fully loaded into memory (the file is closed)."""
        with xr.open_dataset(self.chunk_path(cid), engine=netcdf_engine()) as ds:
            return ds.load()

    def save(self, cid: tuple[int, ...], chunk: xr.Dataset) -> None:
        """Write one chunk atomically: temporary file, fsync, rename."""
        final = self.chunk_path(cid)
        tmp = final.with_name(f".tmp-{uuid.uuid4().hex}-{final.name}")
        chunk.to_netcdf(tmp, engine=netcdf_engine())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
