"""The sweep result store: one SQLite file, written only by the driver.

- WAL journal, one transaction per finished cell: a killed driver loses no finished cell,
  and ``resume`` skips every cell whose key is already stored.
- Versioned schema: ``PRAGMA application_id`` marks the file as an rmtcheck store,
  ``PRAGMA user_version`` holds the schema version, and a ``meta`` table says the same in
  words. A file that is not such a store, or fails SQLite's integrity check, is refused with
  one :class:`~rmtcheck.errors.InputError`; it is never overwritten.
- Optional arrays of a cell (eigenvalues) go beside the database in ``<store>.arrays/`` as
  compressed NumPy files, written atomically (temporary file, then ``os.replace``).
- Export to CSV, or Parquet with the ``parquet`` extra.
- Catalogue units (schema 2): a whole card's verdict or a scenario's summary, one row each,
  for ``verify`` and ``simulate`` on many workers (``rmtcheck.sweep.catalogue``). A schema-1
  store gains the table when opened for writing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..version import __version__
from .cells import canonical

APPLICATION_ID = 0x524D5443  # "RMTC"
SCHEMA_VERSION = 2
FORMAT = "rmtcheck-sweep-store"
CELL_COLUMNS = ("key", "claim", "base", "size", "trial", "seed", "params", "statistic",
                "seconds", "worker", "finished", "versions", "arrays")
_UNITS = """CREATE TABLE IF NOT EXISTS units (
    key TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, scale TEXT NOT NULL,
    seed INTEGER NOT NULL, record TEXT NOT NULL, detail BLOB, seconds REAL NOT NULL,
    finished TEXT NOT NULL)"""
_SCHEMA = f"""
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT, claim TEXT NOT NULL, base TEXT NOT NULL,
    size_name TEXT NOT NULL, sizes TEXT NOT NULL, trials INTEGER NOT NULL,
    seed INTEGER NOT NULL, created TEXT NOT NULL,
    UNIQUE (claim, base, sizes, trials, seed));
CREATE TABLE cells (
    key TEXT PRIMARY KEY, claim TEXT NOT NULL, base TEXT NOT NULL, size INTEGER NOT NULL,
    trial INTEGER NOT NULL, seed INTEGER NOT NULL, params TEXT NOT NULL,
    statistic REAL NOT NULL, seconds REAL NOT NULL, worker TEXT NOT NULL,
    finished TEXT NOT NULL, versions TEXT NOT NULL, arrays TEXT);
CREATE INDEX cells_sweep ON cells (claim, base, seed);
{_UNITS};
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _refuse(path: Path, problem: str) -> InputError:
    return InputError("--store", f"{path} {problem}",
                      "an rmtcheck result store, or a new file path (nothing is overwritten)")


class ResultStore:
    """An open result store (``create=False`` to refuse a missing file).

    Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool = False
                 ) -> None:
        self.path = Path(path)
        self.memory = str(path) == ":memory:"
        self.read_only = read_only and not self.memory
        try:
            if "\0" in str(path):
                raise ValueError("a NUL character in the path")
            exists = not self.memory and self.path.exists()
        except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL
            raise InputError("--store", f"cannot use {str(path)[:80]!r}: "
                             f"{getattr(exc, 'strerror', None) or exc}", "a file path") from None
        if exists and not self.path.is_file():
            raise _refuse(self.path, "is not a file")
        if not exists and (not create or self.read_only) and not self.memory:
            raise InputError("--store", f"no result store at {self.path}",
                             "the --store file a sweep wrote")
        fresh = self.memory or not exists or self.path.stat().st_size == 0
        if self.read_only and fresh:
            raise _refuse(self.path, "is empty, not an rmtcheck store")
        if fresh and not self.memory:
            self._check_writable()
        try:
            self.con = self._connect()
            if fresh:
                self._create()
            else:
                self._validate()
            if not self.read_only:
                self.con.execute("PRAGMA journal_mode = WAL")
                self.con.execute("PRAGMA synchronous = NORMAL")
                self._upgrade()
        except sqlite3.OperationalError as exc:
            if self.memory or not self._location_read_only():
                raise _refuse(self.path, f"cannot be opened ({exc})") from None
            raise InputError("--store", f"{self.path} is in a read-only location ({exc})",
                             "a writable location to add cells; reading "
                             "(`rmtcheck results`) works there") from None
        except sqlite3.DatabaseError as exc:
            raise _refuse(self.path, f"is corrupted or not an rmtcheck store ({exc})") from None

    def _connect(self) -> sqlite3.Connection:
        """Read-write, or read-only: ``mode=ro``, or ``immutable=1`` where the folder or
        file cannot be written (then SQLite cannot make the WAL's shared-memory file)."""
        if not self.read_only:
            return sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        uri = self.path.resolve().as_uri()
        mode = "immutable=1" if self._location_read_only() else "mode=ro"
        con = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None, timeout=30)
        try:
            con.execute("PRAGMA schema_version").fetchone()
        except sqlite3.OperationalError:  # e.g. a WAL file that needs -shm: read it as is
            con.close()
            con = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
        return con

    def _location_read_only(self) -> bool:
        """Whether the store's file or folder cannot be written (read-only mount, immutable
        attribute or permissions), probed by creating a file."""
        if self.path.exists() and not os.access(self.path, os.W_OK):
            return True
        try:
            with tempfile.NamedTemporaryFile(dir=self.path.parent or ".",
                                             prefix=".rmtcheck-probe"):
                pass
        except OSError:
            return True
        return False

    def _check_writable(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=".rmtcheck-probe"):
                pass
        except OSError as exc:
            raise InputError("--store", f"cannot write {self.path} ({exc.strerror or exc})",
                             "a writable file path") from None

    def _create(self) -> None:
        with self._transaction():
            for statement in filter(str.strip, _SCHEMA.split(";")):
                self.con.execute(statement)
            self.con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("format", FORMAT), ("schema", str(SCHEMA_VERSION)), ("created", _now()),
                ("rmtcheck", __version__)])

    def _validate(self) -> None:
        app = self.con.execute("PRAGMA application_id").fetchone()[0]
        version = self.con.execute("PRAGMA user_version").fetchone()[0]
        if app != APPLICATION_ID:
            raise _refuse(self.path, "is a database of another program, not an rmtcheck store")
        if version > SCHEMA_VERSION:
            raise _refuse(self.path, f"has schema {version}, newer than this rmtcheck "
                                     f"({SCHEMA_VERSION}); upgrade rmtcheck")
        check = self.con.execute("PRAGMA quick_check").fetchone()[0]
        fmt = self.con.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if check != "ok" or fmt is None or fmt[0] != FORMAT:
            raise _refuse(self.path, f"is corrupted (integrity check: {check})")

    def _upgrade(self) -> None:
        """Schema 1 -> 2: add the catalogue-unit table (nothing else changed)."""
        if self.con.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            with self._transaction():
                self.con.execute(_UNITS)
                self.con.execute("UPDATE meta SET value = ? WHERE name = 'schema'",
                                 (str(SCHEMA_VERSION),))
                self.con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self) -> Any:
        return _Transaction(self.con)

    # -- writing (driver only) -----------------------------------------------------------
    def add_sweep(self, claim: str, base: dict[str, Any], size_name: str, sizes: list[int],
                  trials: int, seed: int) -> int:
        """Record a sweep's grid (idempotent); return its id."""
        row = (claim, canonical(base), size_name, canonical(sizes), trials, seed)
        with self._transaction():
            self.con.execute("INSERT OR IGNORE INTO sweeps (claim, base, size_name, sizes, "
                             "trials, seed, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (*row, _now()))
        return int(self.con.execute(
            "SELECT id FROM sweeps WHERE claim = ? AND base = ? AND sizes = ? AND trials = ? "
            "AND seed = ?", (row[0], row[1], row[3], row[4], row[5])).fetchone()[0])

    def add_cell(self, key: str, cell: dict[str, Any], claim: str, base: dict[str, Any],
                 seed: int, result: dict[str, Any]) -> None:
        """Store one finished cell in its own transaction (arrays first, atomically)."""
        arrays = self._save_arrays(key, result.get("arrays") or {})
        with self._transaction():
            self.con.execute(
                f"INSERT OR IGNORE INTO cells ({', '.join(CELL_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(CELL_COLUMNS))})",
                (key, claim, canonical(base), int(cell["size"]), int(cell["trial"]), int(seed),
                 canonical(cell["params"]), float(result["statistic"]), float(result["seconds"]),
                 result["worker"], _now(), result["versions"], arrays))

    def _save_arrays(self, key: str, arrays: dict[str, np.ndarray]) -> str | None:
        if not arrays:
            return None
        if self.memory:
            raise InputError("keep_arrays", "arrays need a store file", "a --store path")
        folder = self.arrays_dir
        folder.mkdir(exist_ok=True)
        name = hashlib.sha256(key.encode()).hexdigest()[:24] + ".npz"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez_compressed(fh, **arrays)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return name

    def add_unit(self, key: str, kind: str, name: str, scale: str, seed: int,
                 record: dict[str, Any], seconds: float, detail: Any = None) -> None:
        """Store one finished catalogue unit (a card's verdict record, a scenario's summary)
        in its own transaction, with ``detail`` (the figure data: arrays and the law objects
        drawn over them) as a pickle, so a resumed report draws the same figures. Like any
        pickle, read back only stores you wrote."""
        blob = pickle.dumps(detail, protocol=pickle.HIGHEST_PROTOCOL) if detail else None
        with self._transaction():
            self.con.execute(
                "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, kind, name, scale, int(seed), json.dumps(record), blob, float(seconds),
                 _now()))

    # -- reading -------------------------------------------------------------------------
    def units(self, keys: list[str]) -> dict[str, tuple[dict[str, Any], Any]]:
        """The stored units among ``keys``: key -> (record, detail)."""
        if not self._has_units():
            return {}
        found: dict[str, tuple[dict[str, Any], Any]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            for key, record, blob in self.con.execute(
                    f"SELECT key, record, detail FROM units WHERE key IN "
                    f"({', '.join('?' * len(chunk))})", chunk):
                found[key] = (json.loads(record), pickle.loads(blob) if blob else {})
        return found

    def _has_units(self) -> bool:
        return self.con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = 'units'").fetchone() is not None

    @property
    def arrays_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".arrays")

    def finished_keys(self, keys: list[str]) -> set[str]:
        """The subset of ``keys`` already stored."""
        done: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            done.update(r[0] for r in self.con.execute(
                f"SELECT key FROM cells WHERE key IN ({', '.join('?' * len(chunk))})", chunk))
        return done

    def sweeps(self) -> list[dict[str, Any]]:
        """Every recorded sweep with its number of finished cells."""
        out = []
        for row in self.con.execute("SELECT id, claim, base, size_name, sizes, trials, seed, "
                                    "created FROM sweeps ORDER BY id"):
            sweep = dict(zip(("id", "claim", "params", "size_name", "sizes", "trials", "seed",
                              "created"), row, strict=True))
            sweep["params"] = json.loads(sweep["params"])
            sweep["sizes"] = json.loads(sweep["sizes"])
            sweep["cells"] = len(sweep["sizes"]) * sweep["trials"]
            sweep["finished"] = len(self.cells(sweep))
            out.append(sweep)
        return out

    def sweep(self, sweep_id: int | None = None) -> dict[str, Any]:
        """One recorded sweep by id (default: the latest)."""
        sweeps = self.sweeps()
        if not sweeps:
            raise InputError("--store", f"{self.path} holds no sweep", "run `rmtcheck sweep` first")
        if sweep_id is None:
            return sweeps[-1]
        for s in sweeps:
            if s["id"] == sweep_id:
                return s
        raise InputError("--sweep", f"no sweep {sweep_id} in {self.path}",
                         "one of " + ", ".join(str(s["id"]) for s in sweeps))

    def cells(self, sweep: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Stored cells (of ``sweep``'s grid, or all), ordered by claim, size, trial."""
        query, args = f"SELECT {', '.join(CELL_COLUMNS)} FROM cells", []
        if sweep is not None:
            query += (" WHERE claim = ? AND base = ? AND seed = ? AND trial < ? AND size IN "
                      f"({', '.join('?' * len(sweep['sizes']))})")
            args = [sweep["claim"], canonical(sweep["params"]), sweep["seed"], sweep["trials"],
                    *sweep["sizes"]]
        rows = self.con.execute(query + " ORDER BY claim, base, seed, size, trial", args)
        return [dict(zip(CELL_COLUMNS, r, strict=True)) for r in rows]

    def load_arrays(self, cell: dict[str, Any]) -> dict[str, np.ndarray]:
        """The arrays kept for a stored cell (empty when none)."""
        if not cell.get("arrays"):
            return {}
        with np.load(self.arrays_dir / cell["arrays"]) as data:
            return {name: data[name] for name in data.files}

    def export(self, out: str | Path, sweep: dict[str, Any] | None = None) -> Path:
        """Write the cells (of ``sweep``, or all) to ``out``: ``.csv`` or ``.parquet``."""
        out = Path(out)
        rows = self.cells(sweep)
        if out.suffix == ".csv":
            with open(out, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=CELL_COLUMNS)
                writer.writeheader()
                writer.writerows({k: repr(v) if isinstance(v, float) else v
                                  for k, v in r.items()} for r in rows)
        elif out.suffix == ".parquet":
            try:
                import pyarrow as pa  # noqa: PLC0415
                import pyarrow.parquet as pq  # noqa: PLC0415
            except ImportError:
                raise InputError("--out", "Parquet export needs pyarrow",
                                 "pip install rmtcheck[parquet], or a .csv path") from None
            table = pa.Table.from_pylist(rows) if rows else pa.table(
                {c: pa.array([], pa.string()) for c in CELL_COLUMNS})
            pq.write_table(table, out)
        else:
            raise InputError("--out", f"unknown format {out.suffix!r}", "a .csv or .parquet path")
        return out

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")
