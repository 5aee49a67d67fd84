"""Shared timing helper of the benchmark scripts."""

from __future__ import annotations

import timeit
from collections.abc import Callable

import numpy as np


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Smallest wall time (seconds) of ``repeat`` single calls of ``fn``."""
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def gemm_rate(n: int = 1024, *, batch: int = 1, dtype: str = "float64", repeat: int = 5) -> float:
    """FLOP/s of ``batch`` n x n x n GEMMs in one (batched) matmul call, best of ``repeat``:
    the bound the benchmarks divide by (2 n^3 flops per product)."""
    rng = np.random.default_rng(0)
    shape = (n, n) if batch == 1 else (batch, n, n)
    a = rng.standard_normal(shape).astype(dtype)
    b = rng.standard_normal(shape).astype(dtype)
    return 2.0 * batch * n**3 / best_of(lambda: a @ b, repeat)
