"""One sweep cell on a worker: its stable key, its evaluation and the record sent back.

A cell is (claim, parameters including the size, trial) under a root seed; its generator is
``rmtcheck.rng.generator(seed, claim, params, trial)`` (through
:func:`rmtcheck.checker.run.run_cell`), so a cell's statistic is the same on any worker.
"""

from __future__ import annotations

import json
import os
import socket
import time
from functools import lru_cache
from typing import Any

import numpy as np

from ..backend import backend_name, set_backend
from ..checker.cards import Card
from ..checker.run import cell_value
from ..checker.verdict import versions


class WithArrays(float):
    """A scaling statistic carrying arrays to keep (e.g. the eigenvalues of the cell):
    ``return WithArrays(ks, eigenvalues=eig)``. It is a float everywhere else, so the
    same empirical function serves ``rmtcheck check``."""

    arrays: dict[str, np.ndarray]

    def __new__(cls, value: float, **arrays: Any) -> WithArrays:
        obj = super().__new__(cls, value)
        obj.arrays = {name: np.asarray(a) for name, a in arrays.items()}
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (float(self), self.arrays)


def _rebuild(value: float, arrays: dict[str, np.ndarray]) -> WithArrays:
    return WithArrays(value, **arrays)


def canonical(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces): the text form of parameters in keys."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def cell_key(claim: str, params: dict[str, Any], trial: int, seed: int) -> str:
    """The store key of a cell: canonical JSON of [claim, params, trial, seed]."""
    return canonical([claim, params, int(trial), int(seed)])


@lru_cache(maxsize=1)
def _versions() -> str:
    return canonical(versions())


def evaluate_cell(card: Card, cell: dict[str, Any], seed: int, keep_arrays: bool = False,
                  backend: str = "numpy") -> dict[str, Any]:
    """Run one cell on array ``backend``; return its statistic, compute time, worker and
    software versions.

    With ``keep_arrays`` the arrays attached to the value with :class:`WithArrays` come back too.
    """
    if backend_name() != backend:  # the driver's choice holds on every worker
        set_backend(backend)
    start = time.perf_counter()
    arrays: dict[str, np.ndarray] = {}
    raw = cell_value(card, cell, seed)
    value = float(raw)
    if keep_arrays:
        arrays = dict(getattr(raw, "arrays", {}))
    return {"statistic": value, "seconds": time.perf_counter() - start,
            "worker": f"{socket.gethostname()}:{os.getpid()}", "versions": _versions(),
            "arrays": arrays}
