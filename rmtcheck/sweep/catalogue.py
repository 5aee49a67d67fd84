"""The catalogue on many workers: ``rmtcheck verify`` and ``rmtcheck simulate`` fan their
independent units (one card's check, one scenario's run) out over an executor, store each
finished unit in the result store as it arrives and, with ``resume``, take back what the
store already holds instead of running it again.

A unit draws its random numbers from (claim or scenario, parameters, seed) exactly as in
one process, so verdicts and summaries do not depend on the executor, the number of workers
or the order in which units finish. Dask runs units in worker threads, where a card's
``timeout_s`` cannot be enforced (no alarm off the main thread); local processes enforce it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backend import backend_name, set_backend
from ..checker.cards import Card
from ..checker.run import check
from ..checker.verdict import Verdict, plain
from ..errors import InputError
from .cells import canonical
from .executors import Executor, drain, make_executor
from .store import ResultStore

_VERDICT_FIELDS = [f.name for f in dataclasses.fields(Verdict)]


@dataclass(frozen=True)
class Unit:
    """One independent piece of catalogue work: ``fn(*args)`` keyed by ``key`` in the store."""

    key: str
    kind: str  # "card" or "scenario"
    name: str
    scale: str
    seed: int
    fn: Callable[..., Any]
    args: tuple[Any, ...]


def _on_backend(backend: str) -> None:
    if backend_name() != backend:  # the driver's choice holds on every worker
        set_backend(backend)


def check_unit(card: Card, scale: str, seed: int, backend: str,
               progress: Callable[[int], Any] | None = None) -> Verdict:
    """One card's verdict on a worker (``rmtcheck.checker.run.check``)."""
    _on_backend(backend)
    return check(card, scale=scale, seed=seed, progress=progress, timeout_s=card.timeout_s)


def simulate_unit(name: str, out_dir: str, scale: str, seed: int, params: dict[str, Any],
                  catalogue: list[str] | None, backend: str) -> dict[str, Any]:
    """One scenario's summary on a worker; its figures go to ``out_dir``."""
    from ..checker.scenarios import simulate  # noqa: PLC0415 - scenarios load the catalogue

    _on_backend(backend)
    return simulate(name, out_dir, scale=scale, seed=seed, params=params, catalogue=catalogue)


def card_units(cards: list[Card], scale: str, seed: int) -> list[Unit]:
    backend = backend_name()
    return [Unit(canonical(["card", c.id, scale, seed, c.scale.get(scale, {}), backend]),
                 "card", c.id, scale, seed, check_unit, (c, scale, seed, backend))
            for c in cards]


def scenario_units(names: list[str], out: Path, scale: str, seed: int,
                   params: dict[str, Any], catalogue: list[str] | None,
                   folder: Callable[[str], Path]) -> list[Unit]:
    backend = backend_name()
    return [Unit(canonical(["scenario", n, scale, seed, params, backend, str(out)]),
                 "scenario", n, scale, seed, simulate_unit,
                 (n, str(folder(n)), scale, seed, params, catalogue, backend))
            for n in names]


def _record(result: Any) -> tuple[dict[str, Any], Any, float]:
    if isinstance(result, Verdict):
        return result.as_dict(), result.detail, result.seconds
    return plain(result), None, float(result.get("seconds", 0.0))


def _rebuild(kind: str, record: dict[str, Any], detail: Any) -> Any:
    if kind == "card":
        return Verdict(**{k: record[k] for k in _VERDICT_FIELDS if k in record}, detail=detail)
    return record


def run_units(units: list[Unit], executor: Executor, store: ResultStore | None, *,
              resume: bool = False,
              done: Callable[[Unit, Any, bool], Any] | None = None) -> dict[str, Any]:
    """Run ``units`` on ``executor``; return key -> result (a Verdict or a summary dict).

    Each finished unit is written to ``store`` in its own transaction before the next is
    taken. Units already stored are read back when ``resume`` (else the run is refused, so a
    store is never mixed silently into a fresh run). ``done(unit, result, from_store)`` is
    called once per unit, in finishing order."""
    stored = store.units([u.key for u in units]) if store is not None else {}
    if stored and not resume:
        raise InputError("--resume", f"{store.path} already holds {len(stored)} of "
                         f"{len(units)} units of this run",
                         "pass --resume to continue, or another --store")
    results: dict[str, Any] = {}
    for unit in units:
        if unit.key in stored:
            results[unit.key] = _rebuild(unit.kind, *stored[unit.key])
            if done:
                done(unit, results[unit.key], True)

    def finished(unit: Unit, result: Any) -> None:
        if store is not None:
            record, detail, seconds = _record(result)
            store.add_unit(unit.key, unit.kind, unit.name, unit.scale, unit.seed, record,
                           seconds, detail)
        results[unit.key] = result
        if done:
            done(unit, result, False)

    def where(unit: Unit) -> str:
        kept = f"; the finished units are in {store.path}: fix and rerun with --resume" \
            if store is not None else ""
        return f"in {unit.kind} {unit.name}{kept}"

    drain(executor, [(u, u.fn, u.args) for u in units if u.key not in results], finished, where)
    return results


def run_on(units: list[Unit], options: dict[str, Any], store_path: str | None, *,
           resume: bool = False, done: Callable[[Unit, Any, bool], Any] | None = None
           ) -> list[Any]:
    """:func:`run_units` on the executor ``options`` name (``make_executor`` arguments) and
    the store at ``store_path`` (none: nothing kept), both released afterwards; the results
    in the order of ``units``."""
    if resume and store_path is None:
        raise InputError("--resume", "needs the store to resume from", "--store PATH")
    options = dict(options)
    store = ResultStore(store_path) if store_path is not None else None
    try:
        executor, owned = make_executor(options.pop("executor"), **options)
        try:
            results = run_units(units, executor, store, resume=resume, done=done)
        finally:
            if owned:
                executor.shutdown()
    finally:
        if store is not None:
            store.close()
    return [results[u.key] for u in units]
