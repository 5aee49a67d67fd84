"""Sweeps under hostile conditions: a valid store on read-only media is read, not called
corrupt; Ctrl-C with 2 workers prints one line (no worker traceback), exits 130 and
resumes; cell counts, worker counts and sizes are bounded before any work."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rmtcheck.cli.main import main
from rmtcheck.errors import InputError
from rmtcheck.sweep import ResultStore, Sweep
from tests.engine.readonly import read_only
from tests.engine.sweep.helpers import CARDS, CLAIM, MARKERS

ROOT = Path(__file__).resolve().parents[3]
SMALL = {"sizes": [16, 32, 64], "trials": 3}


@pytest.fixture
def good(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    path = folder / "good.db"
    with Sweep(CLAIM, **SMALL, store=path, catalogue=[CARDS]) as sw:
        sw.run()
    return path


def test_read_only_store_is_listed_shown_fitted_not_called_corrupt(good, tmp_path, capsys):
    with read_only(good.parent):
        for action in ("list", "show", "fit"):
            code = main(["results", action, "--store", str(good), "--catalogue", CARDS])
            out, err = capsys.readouterr()
            assert code == 0, err
            assert CLAIM in out and err == ""
        code = main(["results", "export", "--store", str(good), "--out", str(tmp_path / "c.csv")])
        assert code == 0 and (tmp_path / "c.csv").read_text().count("\n") == 1 + 9
        capsys.readouterr()
        # writing there is refused as a read-only location, not as a corrupt file
        code = main(["sweep", CLAIM, "--catalogue", CARDS, "--sizes", "16,32,64,128",
                     "--trials", "3", "--workers", "1", "--store", str(good), "--resume"])
        err = capsys.readouterr().err
        assert code == 2 and "read-only location" in err and "corrupt" not in err
        assert err.count("\n") == 1
    assert not any(p.name.startswith(".rmtcheck-probe") for p in good.parent.iterdir())


def test_corrupt_file_is_told_apart_from_a_read_only_location(tmp_path, capsys):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\0" + os.urandom(4000))
    code = main(["results", "list", "--store", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "corrupt" in err and "read-only" not in err


def test_read_only_open_never_writes(good):
    before = good.read_bytes()
    with ResultStore(good, create=False, read_only=True) as st:
        assert len(st.cells()) == 9
    assert good.read_bytes() == before
    with pytest.raises(InputError, match="no result store"):
        ResultStore(good.parent / "missing.db", read_only=True)


@pytest.mark.parametrize("extra, needle", [
    (["--trials", "1000000000000"], "--trials"),
    (["--workers", "100000"], "--workers"),
    (["--dask-local", "100000"], "--dask-local"),
    (["--sizes", "1," + "9" * 400], "--sizes"),
    (["--sizes", "0,5"], "--sizes"),
    (["--plot", "out.xyz"], "--plot"),
    (["--plot", ""], "--plot"),
    (["--store", "x" * 5000], "--store"),
])
def test_bounds_refused_before_work(extra, needle, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workers = [] if {"--workers", "--dask-local"} & set(extra) else ["--workers", "1"]
    code = main(["sweep", CLAIM, "--catalogue", CARDS, *workers, *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and needle in err, err
    assert not list(tmp_path.iterdir())  # nothing written, no store created


def test_read_only_plot_folder_refused_before_the_sweep(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    store = tmp_path / "s.db"
    with read_only(folder):
        code = main(["sweep", CLAIM, "--catalogue", CARDS, "--workers", "1", "--store",
                     str(store), "--plot", str(folder / "f.png")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rmtcheck: --plot: cannot write")
    assert not store.exists()  # refused before the store was even opened



def _terminal_ctrl_c() -> None:
    """Start the driver as a shell does, with Ctrl-C at its default and unblocked, whatever
    the test process itself inherited (an ignored SIGINT would be inherited through exec)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

@pytest.mark.parametrize("after", [1, 3])  # 1: the other worker may still be starting
def test_ctrl_c_with_two_workers_one_line_exit_130_then_resume(tmp_path, after):
    store, markers = tmp_path / "s.db", tmp_path / "markers"
    markers.mkdir()
    cmd = [sys.executable, "-m", "rmtcheck.cli.main", "sweep", CLAIM, "--catalogue", CARDS,
           "--sizes", "16,32,64,128", "--trials", "6", "--param", "delay=0.3",
           "--workers", "2", "--store", str(store)]
    env = {**os.environ, MARKERS: str(markers), "RMTCHECK_NO_PROGRESS": "1"}
    # the driver and its workers in one new process group, as a terminal's Ctrl-C sends
    driver = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True,
                              preexec_fn=_terminal_ctrl_c)
    try:
        deadline = time.monotonic() + 60
        while len(list(markers.iterdir())) < after and time.monotonic() < deadline:
            time.sleep(0.01)
        assert driver.poll() is None, driver.communicate()
        os.killpg(driver.pid, signal.SIGINT)
        out, err = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
            driver.wait()
    assert driver.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().count("\n") == 0 and "interrupted" in err
    shutil.rmtree(markers)
    con = sqlite3.connect(store)
    partial = con.execute("SELECT count(*) FROM cells").fetchone()[0]
    con.close()
    assert partial < 24  # interrupted mid-run
    code = main(["sweep", CLAIM, "--catalogue", CARDS, "--sizes", "16,32,64,128", "--trials",
                 "6", "--param", "delay=0.3", "--workers", "1", "--store", str(store),
                 "--resume", "--quiet"])
    con = sqlite3.connect(store)
    pairs = con.execute("SELECT size, trial, count(*) FROM cells GROUP BY size, trial").fetchall()
    con.close()
    assert code == 0 and len(pairs) == 24 and {p[2] for p in pairs} == {1}
