"""Sweeps of scaling claims from Python: fan the (size, trial) cells out to an executor,
store each finished cell, read the results back as a table, fit and judge.

    from rmtcheck.sweep import Sweep
    with Sweep("RMT-MP-KS-RATE", sizes=[250, 500, 1000], trials=25, store="ks.db",
               executor="processes", workers=2) as sw:
        sw.run(resume=True)
        v = sw.verdict()          # the fit of rmtcheck.checker.kinds.check_scaling
        rows = sw.table()         # list of dicts; sw.array() gives a structured array

The statistic of every cell depends on (claim, parameters incl. size, trial, seed) only, so
a sweep gives the same numbers, and the same verdict as ``rmtcheck.check``, on any executor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import validate
from ..backend import backend_name
from ..checker import kinds
from ..checker.cards import Card, get_card
from ..checker.run import require_budget, run_settings, scaling_cells
from ..checker.verdict import Verdict, make_verdict
from ..errors import InputError
from ..rng import DEFAULT_SEED
from .cells import cell_key, evaluate_cell
from .executors import EXECUTORS, Executor, drain, make_executor
from .store import ResultStore


class Sweep:
    """A sweep of one scaling claim over ``sizes`` x ``trials`` cells.

    ``executor``: an :class:`~rmtcheck.sweep.executors.Executor`, or one of ``"in-process"``
    (default), ``"processes"`` (``workers`` or one per core) and ``"dask"`` (``scheduler``
    address, else a LocalCluster of ``workers``). ``store``: a result-store path
    (default in memory). Unset sizes, trials and parameters come from the card's ``scale``.
    Cells run on the array backend active here (``rmtcheck.backend``), on every worker.
    """

    def __init__(self, claim: str | Card, sizes: Sequence[int] | None = None,
                 trials: int | None = None, params: dict[str, Any] | None = None, *,
                 seed: int = DEFAULT_SEED, store: str | Path = ":memory:",
                 executor: str | Executor = "in-process", workers: int | None = None,
                 scheduler: str | None = None, scale: str = "quick", keep_arrays: bool = False,
                 catalogue: list[str] | None = None, read_only: bool = False) -> None:
        self.card = claim if isinstance(claim, Card) else get_card(claim, catalogue)
        if self.card.kind != "scaling":
            raise InputError("CLAIM", f"{self.card.id} is a {self.card.kind} claim",
                             "a scaling claim (kind = 'scaling')")
        if isinstance(executor, str):
            validate.choice("executor", executor, EXECUTORS)  # before any allocation
        if sizes is not None and (len(sizes) == 0 or len(set(sizes)) < len(sizes)):
            raise InputError("--sizes", f"got {list(sizes)}",
                             "at least two distinct positive integers, none repeated")
        self.seed = validate.integer("--seed", seed, 0)
        self.params, self.sizes, self.trials = run_settings(
            self.card, scale, params, list(sizes) if sizes is not None else None, trials)
        self.scale = scale
        self.executor, self.workers, self.scheduler = executor, workers, scheduler
        self.keep_arrays = keep_arrays
        require_budget(self.card, self.params, self.sizes, self.trials)
        self.store = ResultStore(store, read_only=read_only)
        self.cells = [{**c, "key": cell_key(self.card.id, c["params"], c["trial"], self.seed)}
                      for c in scaling_cells(self.card, self.params, self.sizes, self.trials)]
        self.last_run: dict[str, Any] = {}

    @property
    def record(self) -> dict[str, Any]:
        """This sweep as the store lists it."""
        return {"claim": self.card.id, "params": self.params, "sizes": self.sizes,
                "trials": self.trials, "seed": self.seed}

    def pending(self) -> list[dict[str, Any]]:
        """Cells not yet in the store."""
        done = self.store.finished_keys([c["key"] for c in self.cells])
        return [c for c in self.cells if c["key"] not in done]

    def run(self, *, resume: bool = False, progress: Callable[[int], Any] | None = None
            ) -> Verdict:
        """Run the cells missing from the store, storing each as it finishes; return
        :meth:`verdict`. With stored cells of this sweep, ``resume=True`` is required
        (the store is never silently mixed into a fresh run)."""
        todo = self.pending()
        done = len(self.cells) - len(todo)
        if done and not resume:
            raise InputError("--resume", f"{self.store.path} already holds {done} of "
                             f"{len(self.cells)} cells of this sweep",
                             "pass --resume (resume=True) to continue, or another --store")
        start = time.perf_counter()
        executor, owned = (make_executor(self.executor, self.workers, self.scheduler)
                           if todo else (None, False))
        try:
            self.store.add_sweep(self.card.id, self.params, self.card.fit["size"], self.sizes,
                                 self.trials, self.seed)
            if executor is not None:
                self._drain(executor, todo, progress)
        finally:
            if owned:
                executor.shutdown()
        self.last_run = {"executor": executor.describe() if executor else None,
                         "ran": len(todo), "skipped": done,
                         "wall_seconds": time.perf_counter() - start}
        return self.verdict()

    def _drain(self, executor: Executor, todo: list[dict[str, Any]],
               progress: Callable[[int], Any] | None) -> None:
        backend = backend_name()

        def finished(cell: dict[str, Any], result: dict[str, Any]) -> None:
            self.store.add_cell(cell["key"], cell, self.card.id, self.params, self.seed, result)
            if progress:
                progress(1)

        drain(executor, [(c, evaluate_cell, (self.card, c, self.seed, self.keep_arrays, backend))
                         for c in todo], finished,
              lambda cell: f"in sweep cell {cell['key']}; the finished cells are in "
                           f"{self.store.path}: fix and rerun with --resume")

    def table(self) -> list[dict[str, Any]]:
        """The stored cells of this sweep, one dict per cell (ordered by size, trial)."""
        return self.store.cells(self.record)

    def array(self) -> np.ndarray:
        """The stored cells as a structured array (size, trial, seed, statistic, seconds)."""
        dtype = [("size", "i8"), ("trial", "i8"), ("seed", "i8"), ("statistic", "f8"),
                 ("seconds", "f8")]
        return np.array([tuple(r[n] for n, _ in dtype) for r in self.table()], dtype=dtype)

    def verdict(self) -> Verdict:
        """Exponent fit with its bootstrap interval and the verdict against the card
        (:func:`rmtcheck.checker.kinds.check_scaling` over the stored cells)."""
        rows = self.table()
        if len({r["size"] for r in rows}) < 2:
            raise InputError("--store", f"{len(rows)} of {len(self.cells)} cells of this sweep "
                             "are stored, over fewer than two sizes", "run the sweep first")
        cells = [(r["size"], r["statistic"]) for r in rows]
        passed, stats, detail = kinds.check_scaling(self.card, self.params, cells, self.seed)
        stats = {**stats, "cells": len(rows), "complete": len(rows) == len(self.cells)}
        return make_verdict(self.card, self.params, seed=self.seed, scale=self.scale,
                            outcome="holds" if passed else "fails", statistics=stats,
                            seconds=float(sum(r["seconds"] for r in rows)), detail=detail)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Sweep:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_sweep(store: str | Path, sweep_id: int | None = None,
               catalogue: list[str] | None = None, *, read_only: bool = False) -> Sweep:
    """A recorded sweep of an existing store (default: its latest), ready to read or resume
    (``read_only``: only to read, e.g. on read-only media)."""
    with ResultStore(store, create=False, read_only=True) as st:
        rec = st.sweep(sweep_id)
    return Sweep(rec["claim"], rec["sizes"], rec["trials"], rec["params"], seed=rec["seed"],
                 store=store, catalogue=catalogue, read_only=read_only)
