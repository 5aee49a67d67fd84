"""Sweeps on Dask: identical statistics to one in-process worker, a worker killed mid-cell
loses nothing, an unreachable scheduler fails fast with one error, Dask missing is named."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from rmtcheck.errors import InputError
from rmtcheck.sweep import DaskExecutor, Sweep
from tests.engine.sweep.helpers import CARDS, CLAIM, MARKERS

distributed = pytest.importorskip("distributed")


def _stats(sw: Sweep) -> dict[str, float]:
    return {row["key"]: row["statistic"] for row in sw.table()}


def test_dask_local_cluster_gives_identical_statistics(tmp_path):
    kw = {"sizes": [20, 40, 80], "trials": 3}
    with Sweep("RMT-MP-KS-RATE", **kw) as one, \
            Sweep("RMT-MP-KS-RATE", **kw, store=tmp_path / "d.db", executor="dask",
                  workers=2) as dask:
        v1, v2 = one.run(), dask.run()
        assert dask.last_run["executor"] == "dask (2 workers)"
        assert _stats(dask) == _stats(one) and len(_stats(one)) == 9
        assert v1.statistics == v2.statistics


def _kill_first_worker(folder: Path, killed: list[int], stop: threading.Event) -> None:
    """SIGKILL the worker process that starts the first cell, while it sleeps in it."""
    while not stop.is_set():
        marks = sorted(folder.iterdir(), key=lambda p: int(p.name.split("-")[1]))
        if marks:
            pid = int(marks[0].name.split("-")[0])
            assert pid != os.getpid()
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            return
        time.sleep(0.01)


def test_worker_killed_mid_cell_loses_nothing(tmp_path, monkeypatch):
    params = {"delay": 0.4}
    with Sweep(CLAIM, [16, 32], 3, params, catalogue=[CARDS]) as ref:
        ref.run()
        expected = _stats(ref)
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv(MARKERS, str(marks))  # inherited by the cluster's worker processes
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        killed: list[int] = []
        stop = threading.Event()
        killer = threading.Thread(target=_kill_first_worker, args=(marks, killed, stop))
        killer.start()
        try:
            with Sweep(CLAIM, [16, 32], 3, params, catalogue=[CARDS], store=tmp_path / "k.db",
                       executor="dask", scheduler=cluster.scheduler_address) as sw:
                sw.run()
                got = _stats(sw)
                workers = {r["worker"].split(":")[-1] for r in sw.table()}
        finally:
            stop.set()
            killer.join()
    assert len(killed) == 1
    assert str(killed[0]) not in workers  # its cell was rerun by another worker
    assert got == expected  # every cell present, none twice, same numbers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_fails_fast():
    start = time.monotonic()
    with pytest.raises(InputError, match="no Dask scheduler answered") as err:
        DaskExecutor(scheduler=f"tcp://127.0.0.1:{_free_port()}", timeout=3)
    assert time.monotonic() - start < 10
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("address", ["localhost:8786", "tcp://", "http://h:1", "tcp://a b:1"])
def test_malformed_scheduler_address(address):
    with pytest.raises(InputError, match="tcp://HOST:PORT"):
        DaskExecutor(scheduler=address)


def test_missing_dask_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(InputError, match=r"pip install rmtcheck\[dask\]"):
        DaskExecutor(workers=1)
