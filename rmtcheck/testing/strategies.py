"""Hypothesis strategies generated from a card's parameter domain.

``params_strategy(card)`` draws the parameters in declaration order, evaluating bounds that
depend on earlier parameters, preferring each parameter's ``search`` range, and honouring
``require`` constraints. Every drawn dict is valid for :func:`rmtcheck.check`::

    from hypothesis import given
    from rmtcheck.testing.strategies import params_strategy
    @given(params_strategy(rc.get_card("RMT-WEYL")))
    def test_weyl(params): assert rc.check("RMT-WEYL", params).passed
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from ..checker.cards import Card, get_card
from ..checker.domain import ParamSpec
from ..checker.expr import evaluate


def _one(spec: ParamSpec, env: dict[str, Any]) -> st.SearchStrategy[Any]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "choice":
        return st.sampled_from(spec.options)
    lo, hi = spec.bounds(env, search=True)
    if spec.type == "int":
        lo, hi = int(-(-lo // 1)), int(hi // 1)
        return st.integers(lo, hi) if lo <= hi else st.nothing()
    return st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False)


def params_strategy(
    card: Card | str, fixed: dict[str, Any] | None = None
) -> st.SearchStrategy[dict]:
    """Valid parameter dicts for ``card``; names in ``fixed`` keep the given values."""
    card = card if isinstance(card, Card) else get_card(card)
    fixed = dict(fixed or {})

    @st.composite
    def draw_params(draw: Any) -> dict[str, Any]:
        env: dict[str, Any] = {}
        for name, spec in card.params.items():
            value = fixed[name] if name in fixed else draw(_one(spec, env))
            if spec.require:
                assume(bool(evaluate(spec.require, {**env, name: value})))
            env[name] = value
        return env

    return draw_params()
