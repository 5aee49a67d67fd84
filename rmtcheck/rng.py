"""Seeding policy: every random draw comes from a SeedSequence spawned per
(claim, parameters, trial), so results never depend on order or number of workers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from .errors import InputTypeError

DEFAULT_SEED = 20260101


def stable_int(value: Any) -> int:
    """A 32-bit integer from the canonical JSON of ``value`` (stable across runs and machines)."""
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def seed_sequence(
    root: int, claim: str, params: dict[str, Any], trial: int = 0
) -> np.random.SeedSequence:
    """``SeedSequence(root, spawn_key=(h(claim), h(params), trial))``."""
    return np.random.SeedSequence(
        entropy=int(root), spawn_key=(stable_int(claim), stable_int(params), int(trial))
    )


def generator(root: int, claim: str, params: dict[str, Any], trial: int = 0) -> np.random.Generator:
    """A fresh PCG64 generator for one (claim, parameters, trial) cell."""
    return np.random.default_rng(seed_sequence(root, claim, params, trial))


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Accept a Generator, an int seed or None (fresh entropy) as library users expect."""
    if isinstance(rng, np.random.Generator):
        return rng
    ok = rng is None or isinstance(rng, np.random.SeedSequence | np.random.BitGenerator) or (
        isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0)
    if not ok:
        raise InputTypeError("rng", f"got {str(rng)[:60]!r} ({type(rng).__name__})",
                             "a numpy Generator, an int seed >= 0, a SeedSequence or None")
    return np.random.default_rng(rng)
