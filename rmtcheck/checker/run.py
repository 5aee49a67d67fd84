"""Check one claim: resolve parameters, seed every cell, evaluate, and build the verdict.

The in-process sweep of scaling claims lives here (``scaling_cells``/``run_cell``); the
parallel executors and the result store build on the same two functions.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .. import budget, validate
from ..errors import CardError, InputError
from ..rng import DEFAULT_SEED, generator
from . import kinds
from .cards import MAX_SIZE, Card, get_card
from .domain import resolve
from .expr import evaluate, names_in
from .resolve import call_with, resolve_function
from .verdict import Verdict, make_verdict

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
        low, high = card.fit.get("size_range", [1, MAX_SIZE])
        sizes = [validate.integer("--sizes", s, low, high) for s in sizes]
        if trials < 2:
            raise InputError("--trials", f"got {trials}", "integer >= 2 for a scaling fit")
    return params, sizes, trials


def require_budget(card: Card, params: dict[str, Any], sizes: list[int], trials: int) -> None:
    """Refuse a run whose memory (the card's ``memory`` expression, at the largest size of a
    scaling claim) or cell list exceeds the budget, before running it."""
    if card.kind == "scaling":
        budget.cells("--trials", len(sizes) * trials)
    if card.memory is None:
        return
    env = {**params, **({card.fit["size"]: max(sizes)} if card.kind == "scaling" else {})}
    try:
        need = float(evaluate(card.memory, env))
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise CardError(card.id, "memory", f"cannot evaluate {card.memory!r}: {exc}") from None
    used = [k for k in env if k in names_in(card.memory)]
    name = "--sizes" if card.kind == "scaling" else f"--param {', '.join(used)}"
    shown = ", ".join(f"{k}={env[k]}" for k in used)
    budget.require_memory(name, need, f"{card.id} at {shown}")


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
    timeout_s: float | None = None,
) -> Verdict:
    """Check ``claim`` at ``scale`` (parameters overridable) and return its verdict.

    Bad input raises :class:`InputError`; anything that goes wrong inside the card's
    functions (an exception, a NaN statistic, a shape mismatch, running past ``timeout_s``)
    is the outcome ``error`` of the verdict, with its cause in one line."""
    card = claim if isinstance(claim, Card) else get_card(claim, catalogue)
    seed = validate.integer("--seed", seed, 0)
    params, sizes, trials = run_settings(card, scale, params, sizes, trials)
    require_budget(card, params, sizes, trials)
    start = time.perf_counter()
    stats: dict[str, Any] = {}
    detail: dict[str, Any] = {}
    error = None
    try:
        with time_limit(timeout_s):
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
        outcome = "holds" if passed else "fails"
    except (InputError, CardError):
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside a card is the outcome error
        outcome, error = "error", one_line(exc)
    return make_verdict(card, params, seed=seed, scale=scale, outcome=outcome, statistics=stats,
                        seconds=time.perf_counter() - start, detail=detail, error=error)


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line (the cause of an ``error`` outcome)."""
    text = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {text}"[:500]


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeoutError` in the main thread after ``seconds`` (no limit for
    ``None``, or off the main thread, where no alarm can be set)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"ran past the card's timeout_s = {seconds:g}")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def work_units(card: Card, scale: str) -> int:
    """How many progress steps :func:`check` reports for ``card`` at ``scale``."""
    if card.kind != "scaling":
        return 1
    values = card.scale_values(scale)
    return len(values.get("sizes", [])) * int(values.get("trials", 1))
