"""Shared timing helper of the benchmark scripts."""

from __future__ import annotations

import timeit
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Smallest wall time (seconds) of ``repeat`` single calls of ``fn``."""
    return min(timeit.repeat(fn, number=1, repeat=repeat))
