"""``rmtcheck sweep`` and ``rmtcheck results``: a driver killed with SIGKILL mid-run resumes
to the store an uninterrupted run writes; read-back commands; one-line errors, exit 2."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rmtcheck.cli.main import main
from rmtcheck.sweep import ResultStore
from tests.engine.sweep.helpers import CARDS, CLAIM

ROOT = Path(__file__).resolve().parents[3]
GRID = ["--sizes", "16,32,64,128", "--trials", "6", "--catalogue", CARDS]


def _cells(path: Path) -> dict[str, float]:
    with ResultStore(path, create=False) as store:
        return {c["key"]: c["statistic"] for c in store.cells()}


def _count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM cells").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet
        return 0


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "State:\tZ" in status


def test_sigkilled_driver_resumes_to_the_uninterrupted_store(tmp_path, capsys):
    reference = tmp_path / "ref.db"
    assert main(["sweep", CLAIM, *GRID, "--param", "delay=0.05", "--workers", "1",
                 "--store", str(reference), "--quiet"]) == 0
    capsys.readouterr()
    store = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "rmtcheck.cli.main", "sweep", CLAIM, *GRID,
           "--param", "delay=0.05", "--workers", "2", "--store", str(store), "--quiet"]
    driver = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 25
        while _count(store) < 5 and time.monotonic() < deadline and driver.poll() is None:
            time.sleep(0.02)
        driver.send_signal(signal.SIGKILL)
    finally:
        driver.wait()
    assert driver.returncode == -signal.SIGKILL
    partial = _cells(store)
    assert 5 <= len(partial) < 24  # killed mid-run, finished cells kept
    with ResultStore(store) as st:
        workers = {int(c["worker"].split(":")[-1]) for c in st.cells()}
    deadline = time.monotonic() + 10  # orphaned workers notice the dead driver and exit
    while not all(_gone(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(p) for p in workers)

    assert main(["sweep", CLAIM, *GRID, "--param", "delay=0.05", "--workers", "2",
                 "--store", str(store), "--quiet"]) == 2  # refuses to mix without --resume
    assert "--resume" in capsys.readouterr().err
    assert main(["sweep", CLAIM, *GRID, "--param", "delay=0.05", "--workers", "2",
                 "--store", str(store), "--resume", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["skipped"] == len(partial) and out["ran"] == 24 - len(partial)
    resumed, ref = _cells(store), _cells(reference)
    assert resumed == ref and len(ref) == 24  # same keys, statistics bit for bit
    con = sqlite3.connect(store)
    pairs = con.execute("SELECT size, trial, count(*) FROM cells GROUP BY size, trial").fetchall()
    assert len(pairs) == 24 and {p[2] for p in pairs} == {1}  # no duplicate, no missing cell
    assert out["verdict"]["passed"] is True


@pytest.fixture
def store(tmp_path, capsys):
    path = tmp_path / "s.db"
    assert main(["sweep", CLAIM, "--catalogue", CARDS, "--workers", "1", "--store", str(path),
                 "--quiet"]) == 0
    capsys.readouterr()
    return path


def test_results_list_show_fit(store, capsys):
    args = ["--store", str(store), "--catalogue", CARDS]
    assert main(["results", "list", *args, "--json"]) == 0
    (sweep,) = json.loads(capsys.readouterr().out)
    assert sweep["claim"] == CLAIM and sweep["finished"] == sweep["cells"] == 16
    assert main(["results", "show", *args, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["cells"]) == 16
    assert main(["results", "fit", *args, "--json"]) == 0
    fit = json.loads(capsys.readouterr().out)["verdict"]["statistics"]
    assert fit["ci_low"] <= fit["slope"] <= fit["ci_high"] and fit["predicted"] == -0.5
    assert main(["results", "fit", *args]) == 0
    assert "bootstrap interval" in capsys.readouterr().out


def test_results_plot_and_export(store, tmp_path, capsys):
    args = ["--store", str(store), "--catalogue", CARDS]
    png = tmp_path / "fig.png"
    assert main(["results", "plot", *args, "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    csv_path = tmp_path / "cells.csv"
    assert main(["results", "export", *args, "--out", str(csv_path)]) == 0
    assert len(csv_path.read_text().splitlines()) == 17


def test_failing_fit_exits_1_and_plots(tmp_path, capsys):
    path, png = tmp_path / "bad.db", tmp_path / "bad.png"
    assert main(["sweep", CLAIM, "--catalogue", CARDS, "--workers", "1", "--param",
                 "power=-0.8", "--store", str(path), "--plot", str(png), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "NOT as expected" in out and str(png) in out
    assert png.read_bytes()[:4] == b"\x89PNG"


def _status(argv: list[str]) -> int:
    """Exit status of the CLI (argparse type errors leave through SystemExit)."""
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code)


@pytest.mark.parametrize("extra, needle", [
    (["--sizes", ""], "--sizes"),
    (["--sizes", "16"], "--sizes"),
    (["--sizes", "16,x"], "--sizes"),
    (["--trials", "0"], "--trials"),
    (["--trials", "1"], "--trials"),
    (["--workers", "0"], "--workers"),
    (["--scheduler", "localhost"], "--scheduler"),
    (["--store", "{blocker}/s.db"], "--store"),
    (["--workers", "2", "--dask-local", "2"], "not allowed with"),
])
def test_bad_input_one_line_exit_2(extra, needle, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    extra = [e.replace("{blocker}", str(blocker)) for e in extra]
    store = [] if "--store" in extra else ["--store", str(tmp_path / "s.db")]
    assert _status(["sweep", CLAIM, "--catalogue", CARDS, *store, *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err


def test_unreachable_scheduler_exits_2_quickly(tmp_path, capsys):
    pytest.importorskip("distributed")
    start = time.monotonic()
    assert main(["sweep", CLAIM, "--catalogue", CARDS, "--scheduler", "tcp://127.0.0.1:9",
                 "--store", str(tmp_path / "s.db")]) == 2
    assert time.monotonic() - start < 15
    assert "no Dask scheduler answered" in capsys.readouterr().err


def test_results_on_foreign_file_exits_2(tmp_path, capsys):
    foreign = tmp_path / "photo.db"
    foreign.write_bytes(os.urandom(8192))
    assert main(["results", "list", "--store", str(foreign)]) == 2
    err = capsys.readouterr().err.strip()
    assert "not an rmtcheck store" in err and "\n" not in err
