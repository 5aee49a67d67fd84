"""Cheap synthetic cells for the sweep tests (the card is tests/cards/sweep_test.toml).

``power_stat`` draws ``n`` standard normals ``x`` and returns
``n**power * exp(noise * sqrt(n) * mean(x))``: log of the statistic is
``power * log n + noise * Z`` with ``Z ~ N(0, 1)`` exactly, so its log-log slope is ``power``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from rmtcheck.sweep import WithArrays

MARKERS = "RMTCHECK_SWEEP_TEST_MARKERS"
FAIL = "RMTCHECK_SWEEP_TEST_FAIL"


def power_stat(rng: np.random.Generator, n: int, power: float, noise: float,
               delay: float = 0.0) -> WithArrays:
    """One cell. Test hooks: $RMTCHECK_SWEEP_TEST_FAIL = n makes the cells of size n raise;
    with $RMTCHECK_SWEEP_TEST_MARKERS set, each cell first drops a file named by the pid of
    the worker running it (so a test can kill that worker mid-cell)."""
    if os.environ.get(FAIL) == str(n):
        raise RuntimeError(f"injected failure at n = {n}")
    folder = os.environ.get(MARKERS)
    if folder:
        Path(folder, f"{os.getpid()}-{time.monotonic_ns()}").touch()
    time.sleep(delay)
    x = rng.standard_normal(n)
    return WithArrays(n**power * np.exp(noise * np.sqrt(n) * x.mean()), sample=x)


def worker_threads() -> dict[str, object]:
    """Thread settings seen inside a worker process."""
    import numba  # noqa: PLC0415

    return {"env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")},
            "numba": numba.get_num_threads(), "pid": os.getpid()}


def square(x: float) -> float:
    """A trivial cell for executor tests."""
    return x * x


def fail(x: float) -> float:
    """A cell that raises."""
    raise ValueError(f"cell {x} failed")


CARDS = str(Path(__file__).resolve().parent / "cards")
CLAIM = "TEST-SWEEP-POWER"
