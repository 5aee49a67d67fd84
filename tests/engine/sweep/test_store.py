"""The sweep result store: schema and versioning, refusal of foreign or corrupted files
(never overwritten), atomic arrays, exact CSV/Parquet export."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.errors import InputError
from rmtcheck.sweep import ResultStore, Sweep, cell_key
from rmtcheck.sweep.store import APPLICATION_ID, SCHEMA_VERSION
from tests.engine.sweep.helpers import CARDS, CLAIM

SMALL = {"sizes": [16, 32, 64], "trials": 3}


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sql(path, statement: str) -> None:
    """Run one statement on ``path`` with plain sqlite3 (as another program would)."""
    con = sqlite3.connect(path)
    con.execute(statement)
    con.commit()
    con.close()


@pytest.fixture
def filled(tmp_path):
    """A store holding one finished sweep of the test card (with kept arrays)."""
    path = tmp_path / "s.db"
    with Sweep(CLAIM, **SMALL, store=path, catalogue=[CARDS], keep_arrays=True) as sw:
        sw.run()
    return path


def test_new_store_is_versioned_wal(tmp_path):
    path = tmp_path / "new.db"
    ResultStore(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    meta = dict(con.execute("SELECT name, value FROM meta"))
    assert meta["format"] == "rmtcheck-sweep-store" and meta["schema"] == str(SCHEMA_VERSION)


def _text_file(path) -> None:
    path.write_text("my thesis notes\n" * 200)


def _other_database(path) -> None:
    _sql(path, "CREATE TABLE cells (key TEXT)")


@pytest.mark.parametrize("write, match", [(_text_file, "corrupted or not an rmtcheck store"),
                                          (_other_database, "another program")])
def test_foreign_file_is_refused_untouched(tmp_path, write, match):
    path = tmp_path / "foreign.db"
    write(path)
    before = _digest(path)
    with pytest.raises(InputError, match=match):
        ResultStore(path)
    assert _digest(path) == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    ResultStore(path).close()
    _sql(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(InputError, match="newer than this rmtcheck"):
        ResultStore(path)


def test_corrupted_store_gives_one_clear_error(filled):
    ResultStore(filled).close()  # checkpoints the WAL into the main file
    data = bytearray(filled.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page: 3 * page] = b"\x5a" * page  # garble a whole b-tree page
    filled.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        ResultStore(filled)
    assert "corrupted" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("make_bad", ["under_a_file", "directory"])
def test_unwritable_or_wrong_store_path(tmp_path, make_bad):
    blocker = tmp_path / "plain.txt"
    blocker.write_text("x")
    path = blocker / "s.db" if make_bad == "under_a_file" else tmp_path
    with pytest.raises(InputError, match="--store"):
        ResultStore(path)


def test_missing_store_is_not_created_for_reading(tmp_path):
    with pytest.raises(InputError, match="no result store"):
        ResultStore(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def test_arrays_are_kept_atomically_and_match_the_statistic(filled):
    with ResultStore(filled) as store:
        cells = store.cells()
        assert len(cells) == 9
        for cell in cells:
            x = store.load_arrays(cell)["sample"]
            assert x.shape == (cell["size"],)
            n = cell["size"]  # the helper's formula, recomputed from the stored draws
            assert cell["statistic"] == n**-0.5 * np.exp(0.1 * np.sqrt(n) * x.mean())
        leftovers = [p for p in store.arrays_dir.iterdir() if p.name.startswith(".tmp-")]
        assert not leftovers and len(list(store.arrays_dir.iterdir())) == 9


def test_csv_export_round_trips_statistics_exactly(filled, tmp_path):
    out = tmp_path / "cells.csv"
    with ResultStore(filled) as store:
        store.export(out)
        stored = {c["key"]: c["statistic"] for c in store.cells()}
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["key"]: float(r["statistic"]) for r in rows} == stored


def test_parquet_export(filled, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "cells.parquet"
    with ResultStore(filled) as store:
        store.export(out)
        stored = sorted(c["statistic"] for c in store.cells())
    assert sorted(pq.read_table(out).column("statistic").to_pylist()) == stored


def test_export_unknown_format(filled, tmp_path):
    with ResultStore(filled) as store, pytest.raises(InputError, match="csv or .parquet"):
        store.export(tmp_path / "cells.xlsx")


_positive = st.floats(min_value=5e-324, max_value=1e308, allow_nan=False, allow_infinity=False)


@given(values=st.lists(_positive, min_size=1, max_size=12))
@settings(max_examples=40, deadline=None)
def test_any_statistic_round_trips_bit_for_bit_through_store_and_csv(values):
    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "s.db") as store:
        for trial, value in enumerate(values):
            cell = {"params": {"n": 8}, "size": 8, "trial": trial}
            store.add_cell(cell_key(CLAIM, cell["params"], trial, 0), cell, CLAIM, {}, 0,
                           {"statistic": value, "seconds": 0.0, "worker": "w", "versions": "{}"})
        stored = [c["statistic"] for c in store.cells()]
        store.export(Path(tmp) / "c.csv")
        with open(Path(tmp) / "c.csv", newline="") as fh:
            exported = [float(r["statistic"]) for r in csv.DictReader(fh)]
    assert [struct.pack("<d", v) for v in stored] == [struct.pack("<d", v) for v in values]
    assert exported == values


@given(params=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4),
                              st.integers(-5, 5) | st.floats(-1, 1) | st.booleans(),
                              max_size=5),
       trial=st.integers(0, 100), seed=st.integers(0, 2**32))
def test_cell_key_is_canonical(params, trial, seed):
    reordered = dict(reversed(list(params.items())))
    assert cell_key(CLAIM, params, trial, seed) == cell_key(CLAIM, reordered, trial, seed)
    assert cell_key(CLAIM, params, trial, seed) != cell_key(CLAIM, params, trial + 1, seed)
    assert cell_key(CLAIM, params, trial, seed) != cell_key(CLAIM, params, trial, seed + 1)
