"""Check one claim: resolve parameters, seed every cell, evaluate, and build the verdict.

The in-process sweep of scaling claims lives here (``scaling_cells``/``run_cell``); the
parallel executors and the result store build on the same two functions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .. import validate
from ..errors import InputError
from ..rng import DEFAULT_SEED, generator
from . import kinds
from .cards import Card, get_card
from .domain import resolve
from .resolve import call_with, resolve_function
from .verdict import Verdict

Progress = Callable[[int], Any] | None
_EVAL = {
    "exact": kinds.check_exact,
    "distributional": kinds.check_distributional,
    "inequality": kinds.check_inequality,
    "qualitative": kinds.check_qualitative,
}


def run_settings(
    card: Card,
    scale: str,
    overrides: dict[str, Any] | None = None,
    sizes: list[int] | None = None,
    trials: int | None = None,
) -> tuple[dict[str, Any], list[int], int]:
    """Validated parameters, sizes and trials for ``card`` at ``scale`` with user overrides."""
    values = card.scale_values(scale)
    default_sizes = values.pop("sizes", None)
    default_trials = values.pop("trials", 1)
    if card.kind == "scaling":
        values.pop(card.fit["size"], None)
    params = resolve(card.params, {**values, **(overrides or {})})
    trials = validate.integer("--trials", trials if trials is not None else default_trials, 1)
    sizes = list(sizes if sizes is not None else (default_sizes or []))
    if card.kind == "scaling":
        if len(set(sizes)) < 2:
            raise InputError("--sizes", f"got {sizes}", "at least two distinct positive integers")
        sizes = [validate.integer("--sizes", s, 1) for s in sizes]
        if trials < 2:
            raise InputError("--trials", f"got {trials}", "integer >= 2 for a scaling fit")
    return params, sizes, trials


def scaling_cells(
    card: Card, params: dict[str, Any], sizes: list[int], trials: int
) -> list[dict[str, Any]]:
    """The independent (size, trial) cells of a scaling sweep, each with its full parameters."""
    return [
        {"params": {**params, card.fit["size"]: s}, "size": s, "trial": t}
        for s in sizes
        for t in range(trials)
    ]


def cell_value(card: Card, cell: dict[str, Any], seed: int) -> Any:
    """The raw empirical value of one scaling cell, seeded by (claim, parameters incl. size,
    trial) only."""
    rng = generator(seed, card.id, cell["params"], cell["trial"])
    return call_with(resolve_function(card.empirical, card.origin), {**cell["params"], "rng": rng})


def run_cell(card: Card, cell: dict[str, Any], seed: int) -> float:
    """The statistic of one scaling cell (see :func:`cell_value`)."""
    return float(cell_value(card, cell, seed))


def check(
    claim: Card | str,
    params: dict[str, Any] | None = None,
    *,
    scale: str = "quick",
    seed: int = DEFAULT_SEED,
    sizes: list[int] | None = None,
    trials: int | None = None,
    progress: Progress = None,
    catalogue: list[str] | None = None,
) -> Verdict:
    """Check ``claim`` at ``scale`` (parameters overridable) and return its verdict."""
    card = claim if isinstance(claim, Card) else get_card(claim, catalogue)
    seed = validate.integer("--seed", seed, 0)
    params, sizes, trials = run_settings(card, scale, params, sizes, trials)
    start = time.perf_counter()
    if card.kind == "scaling":
        cells = []
        for cell in scaling_cells(card, params, sizes, trials):
            cells.append((cell["size"], run_cell(card, cell, seed)))
            if progress:
                progress(1)
        passed, stats, detail = kinds.check_scaling(card, params, cells, seed)
    else:
        rngs = [generator(seed, card.id, params, t) for t in range(trials)]
        passed, stats, detail = _EVAL[card.kind](card, params, rngs)
        if progress:
            progress(1)
    seconds = time.perf_counter() - start
    counter = None
    if not passed:
        counter = {"params": params, "seed": seed, "statistics": stats}
        if card.counterexample:
            counter["minimal"] = card.counterexample
    return Verdict(
        claim=card.id,
        title=card.title,
        kind=card.kind,
        params=params,
        seed=seed,
        scale=scale,
        expected=card.expected,
        passed=bool(passed),
        statistics=stats,
        tolerance=dict(card.tolerance),
        counterexample=counter,
        seconds=seconds,
        source=card.source_text,
        corrected=card.corrected,
        detail=detail,
    )


def work_units(card: Card, scale: str) -> int:
    """How many progress steps :func:`check` reports for ``card`` at ``scale``."""
    if card.kind != "scaling":
        return 1
    values = card.scale_values(scale)
    return len(values.get("sizes", [])) * int(values.get("trials", 1))
