"""Sweep stores cannot mix results: one writer (flock), identity = description + qfridge
version + code fingerprint, per-chunk position and checksum checked on resume, and a
damaged manifest is a clear error."""

import importlib
import shutil
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import xarray as xr

from qfridge.sweeps import sweep
from qfridge.sweeps.store import (
    ChunkStore,
    StoreDamaged,
    StoreLocked,
    StoreMismatch,
    code_fingerprint,
)

DESCRIPTION = {"function": {"name": "nowhere.f"}, "grid": {"x": [0, 1]}, "chunk_extent": [1]}
GRID = {"x": np.linspace(0.0, 1.0, 4)}
MARK = 1234.56789  # a value whose bytes are easy to find in a chunk file


def point(x):
    return {"z": MARK + x}


def _sweep(store, **kw):
    return sweep(point, GRID, executor="serial", chunks=2, store=store, progress=False, **kw)


def _chunk(value=1.5):
    return xr.Dataset({"z": (("x",), np.array([value])), "failed": (("x",), [False]),
                       "error": (("x",), [""])}, coords={"x": [0.25]})


# ------------------------------------------------------------------------- one writer

def test_second_writer_in_process_is_refused_until_the_first_closes(tmp_path):
    path = tmp_path / "s.store"
    first = ChunkStore(path, DESCRIPTION)
    with pytest.raises(StoreLocked, match="another process") as info:
        ChunkStore(path, DESCRIPTION)
    assert str(path) in str(info.value)
    with pytest.raises(StoreLocked):
        _sweep(path)  # a whole sweep is refused too, before computing anything
    first.close()
    with ChunkStore(path, DESCRIPTION) as again:
        again.save((0,), _chunk())
    assert not list((path / "chunks").glob(".tmp-*"))


def test_second_writer_in_another_process_is_refused(tmp_path):
    path = tmp_path / "s.store"
    ChunkStore(path, DESCRIPTION).close()
    # another process holds the store's OS lock (as a ChunkStore there would)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, sys
        fh = open({str(path / "lock")!r}, "a+b")
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("locked", flush=True)
        sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked, match=str(path)):
            ChunkStore(path, DESCRIPTION)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    ChunkStore(path, DESCRIPTION).close()  # the lock died with its holder


def _worker(ready, release):
    ready.set()
    release.wait(30)


def test_forked_worker_does_not_keep_the_store_locked(tmp_path):
    import multiprocessing

    path = tmp_path / "s.store"
    store = ChunkStore(path, DESCRIPTION)
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    child = ctx.Process(target=_worker, args=(ready, release))  # outlives its parent's store
    child.start()
    try:
        assert ready.wait(30)  # the child runs (its at-fork hooks have run)
        store._lock_fh.close()  # the parent dies (SIGKILL): its fd closes, no unlock
        store._lock_fh = None
        ChunkStore(path, DESCRIPTION).close()  # not locked by the still-running worker
    finally:
        release.set()
        child.join(30)


# ------------------------------------------------------------------------- identity

def test_changed_code_is_refused(tmp_path, monkeypatch):
    src = tmp_path / "userfuncs_store_safety.py"
    src.write_text("def helper(x):\n    return x\n\n\ndef f(x):\n    return {'z': helper(x)}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("userfuncs_store_safety")
    store = tmp_path / "s.store"
    grid = {"x": np.linspace(0.0, 1.0, 3)}
    sweep(mod.f, grid, executor="serial", store=store, progress=False)
    before = code_fingerprint(mod.f)
    monkeypatch.setattr(mod, "helper", lambda x: 2 * x)  # the function now returns 2x
    assert code_fingerprint(mod.f) != before
    with pytest.raises(StoreMismatch, match="function's code"):
        sweep(mod.f, grid, executor="serial", store=store, progress=False)

    # an edited function of the same name (ChunkStore given the function explicitly)
    def g(x):
        return x

    first = code_fingerprint(g)
    ChunkStore(tmp_path / "g.store", DESCRIPTION, func=g).close()

    def g(x):  # noqa: F811 - the edit
        return 2 * x

    assert code_fingerprint(g) != first
    with pytest.raises(StoreMismatch, match="code_fingerprint"):
        ChunkStore(tmp_path / "g.store", DESCRIPTION, func=g)


def test_fingerprint_is_stable_and_sees_closures():
    def make(k):
        def f(x):
            return k * x
        return f

    assert code_fingerprint(point) == code_fingerprint(point)
    assert code_fingerprint(make(1)) == code_fingerprint(make(1))
    assert code_fingerprint(make(1)) != code_fingerprint(make(2))


def test_cli_model_fingerprint_is_found_from_the_description():
    from qfridge.sweeps.api import _function_identity
    from qfridge.sweeps.config import ModelQuantity
    from qfridge.sweeps.store import _resolve_function

    func = ModelQuantity("AbsorptionFridge", "cooling_power")
    assert code_fingerprint(_resolve_function(_function_identity(func))) == code_fingerprint(func)


def test_version_mismatch_is_refused(tmp_path):
    ChunkStore(tmp_path / "s.store", DESCRIPTION, version="1.0").close()
    with pytest.raises(StoreMismatch, match=r"qfridge version: stored '1.0', now '1.1'"):
        ChunkStore(tmp_path / "s.store", DESCRIPTION, version="1.1")


# ------------------------------------------------------------------------- damaged files

def test_truncated_manifest_is_a_clear_error(tmp_path):
    store = tmp_path / "s.store"
    ChunkStore(store, DESCRIPTION).close()
    manifest = store / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:40])
    with pytest.raises(ValueError, match=r"manifest\.json.* is damaged") as info:
        ChunkStore(store, DESCRIPTION)
    assert isinstance(info.value, StoreDamaged)
    ChunkStore(tmp_path / "other.store", DESCRIPTION).close()  # the lock was released


def _resume_after(tmp_path, damage):
    store = tmp_path / "s.store"
    reference = _sweep(store)
    damage(store / "chunks")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = _sweep(store)
    np.testing.assert_array_equal(resumed["z"].values, reference["z"].values)
    assert resumed.attrs["chunks_computed"] == 1 and resumed.attrs["chunks_from_store"] == 1
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1, messages
    assert _sweep(store).attrs["chunks_computed"] == 0  # the recomputed chunk was stored again
    return messages[0]


def test_chunk_copied_to_another_position_is_detected_and_recomputed(tmp_path):
    def copy(chunks):
        shutil.copyfile(chunks / "chunk-0000.nc", chunks / "chunk-0001.nc")

    message = _resume_after(tmp_path, copy)
    assert "chunk-0001.nc" in message and "moved or copied" in message


def test_flipped_byte_is_detected_and_recomputed(tmp_path):
    def flip(chunks):
        path = chunks / "chunk-0001.nc"
        data = bytearray(path.read_bytes())
        value = np.array([MARK + 1.0], dtype=">f8").tobytes()  # NetCDF-3 is big-endian
        at = data.find(value)
        assert at >= 0, "the value's bytes are in the chunk file"
        data[at + 7] ^= 0x01
        path.write_bytes(bytes(data))

    message = _resume_after(tmp_path, flip)
    assert "chunk-0001.nc" in message and "checksum" in message


def test_chunk_of_another_store_is_detected(tmp_path):
    a = ChunkStore(tmp_path / "a.store", DESCRIPTION, version="1")
    a.save((0,), _chunk())
    a.close()
    b = ChunkStore(tmp_path / "b.store", DESCRIPTION, version="2")
    shutil.copyfile(a.chunk_path((0,)), b.chunk_path((0,)))
    with pytest.raises(ValueError, match="another sweep store"):
        b.load((0,))
    b.close()


def test_values_netcdf3_cannot_hold_round_trip_through_netcdf4(tmp_path):
    chunk = _chunk().assign(c=(("x",), np.array([1 + 2j])), n=(("x",), np.array([2**40])),
                            error=(("x",), ["µ failed"]))
    with ChunkStore(tmp_path / "s.store", DESCRIPTION) as store:
        store.save((0,), chunk)
        back = store.load((0,))
    assert back.identical(chunk)
