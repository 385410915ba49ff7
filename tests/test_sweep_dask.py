"""Sweeps on a real Dask cluster (a LocalCluster started here) equal serial bit for bit."""

import numpy as np
import pytest
import qutip

from qfridge.core.baths import BosonicBath
from qfridge.engines.lindblad import MasterEquation, Transition
from qfridge.sweeps import Axis, sweep

distributed = pytest.importorskip("dask.distributed")


def qubit_heat_current(t_hot, t_cold, omega=1.0):
    h = omega * qutip.num(2)
    lower = qutip.destroy(2)
    me = MasterEquation.local(h, [(BosonicBath(t_hot, 0.01, name="hot"),
                                   Transition(lower, omega)),
                                  (BosonicBath(t_cold, 0.02, name="cold"),
                                   Transition(lower, omega))])
    rho = me.steady_state()
    if t_hot > 1.9:
        raise RuntimeError("deliberate failure on the cluster")
    return {"J_hot": me.heat_current(rho, "hot"), "excited": float(np.real(rho.diag()[1]))}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cl:
        yield cl


GRID = {"t_hot": Axis.linspace(0.5, 2.0, 9, "natural units"),
        "t_cold": Axis.linspace(0.1, 0.4, 5, "natural units")}


def test_dask_client_equals_serial_bit_for_bit(cluster):
    with pytest.warns(RuntimeWarning, match="points failed"):
        serial = sweep(qubit_heat_current, GRID, executor="serial", progress=False)
    with distributed.Client(cluster) as client, \
            pytest.warns(RuntimeWarning, match="points failed"):
        on_dask = sweep(qubit_heat_current, GRID, executor=client, chunks=5, progress=False)
        assert len(client.scheduler_info()["workers"]) == 2
    assert on_dask.attrs["executor"].startswith("dask:tcp://")
    assert on_dask.drop_attrs().identical(serial.drop_attrs())
    for name in ("J_hot", "excited"):
        assert serial[name].values.tobytes() == on_dask[name].values.tobytes()
    assert int(on_dask["failed"].sum()) == 5  # the t_hot = 2.0 row


def test_dask_scheduler_address_string(cluster, tmp_path):
    grid = {"t_hot": Axis([0.6, 0.9], "natural units"),
            "t_cold": Axis([0.1, 0.2, 0.3], "natural units")}
    serial = sweep(qubit_heat_current, grid, executor="serial", progress=False)
    remote = sweep(qubit_heat_current, grid, executor=cluster.scheduler_address, chunks=2,
                   store=tmp_path / "store", progress=False)
    assert remote.drop_attrs().identical(serial.drop_attrs())
    assert len(list((tmp_path / "store" / "chunks").glob("chunk-*.nc"))) == 4  # (1, 2) blocks
