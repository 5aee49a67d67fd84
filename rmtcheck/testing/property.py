"""Counterexample search: run a claim over hypothesis-drawn parameters and shrink a failure.

Scale settings (``trials``, ``sizes``) come from the card's quick scale; parameters come from
the domain (``search`` ranges first). The shrunk example is the smallest failing parameter set
hypothesis finds (integers towards their lower bound, floats towards simple values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from .. import validate
from ..checker.cards import Card, get_card
from ..checker.run import check
from ..checker.verdict import Verdict
from ..rng import DEFAULT_SEED
from .strategies import params_strategy


@dataclass
class PropertyResult:
    """Outcome of a search: ``counterexample`` is the shrunk failing verdict, or None."""

    claim: str
    examples: int
    tried: int
    counterexample: Verdict | None
    fixed: dict[str, Any] = field(default_factory=dict)
    explored: dict[str, list[Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "examples": self.examples,
            "tried": self.tried,
            "found": self.counterexample is not None,
            "counterexample": self.counterexample.as_dict() if self.counterexample else None,
            "explored": self.explored,
        }

    def explored_text(self) -> str:
        """'D in [2, 40], C in [2, 8], kind: a, b' over the parameters drawn."""
        return ", ".join(f"{k} in [{v[0]}, {v[1]}]" if len(v) == 2 and _numeric(v) else
                         f"{k}: {', '.join(map(str, v))}" for k, v in self.explored.items())


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _widen(explored: dict[str, list[Any]], params: dict[str, Any]) -> None:
    """Keep [min, max] of numeric parameters and the distinct values of the others."""
    for k, v in params.items():
        seen = explored.setdefault(k, [])
        if _numeric([v]) and (not seen or _numeric(seen)):
            explored[k] = [min([v, *seen]), max([v, *seen])]
        elif v not in seen:
            seen.append(v)


class _Failed(AssertionError):
    pass


def search_counterexample(
    claim: Card | str,
    *,
    examples: int = 100,
    seed: int = DEFAULT_SEED,
    fixed: dict[str, Any] | None = None,
    catalogue: list[str] | None = None,
    progress: Any = None,
) -> PropertyResult:
    """Search the card's domain for parameters where the statement does not hold."""
    card = claim if isinstance(claim, Card) else get_card(claim, catalogue)
    examples = validate.integer("--examples", examples, 1, 100000)
    seed = validate.integer("--seed", seed, 0)
    quick = card.scale_values("quick")
    run = {k: quick[k] for k in ("sizes", "trials") if k in quick}
    tried = 0
    last_failure: list[Verdict] = []
    explored: dict[str, list[Any]] = {}

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        phases=[Phase.generate, Phase.shrink],
    )
    @hypothesis_seed(seed)
    @given(params_strategy(card, fixed))
    def probe(params: dict[str, Any]) -> None:
        nonlocal tried
        tried += 1
        _widen(explored, params)
        if progress:
            progress(1)
        verdict = check(card, params, seed=seed, **run)
        if verdict.outcome != "holds":  # a failure, or an error inside the card's functions
            last_failure[:] = [verdict]
            raise _Failed(card.id)

    try:
        probe()
    except _Failed:
        pass
    return PropertyResult(
        card.id, examples, tried, last_failure[0] if last_failure else None, dict(fixed or {}),
        explored,
    )
