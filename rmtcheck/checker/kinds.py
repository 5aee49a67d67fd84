"""One evaluator per claim kind: (card, params, generators) -> (passed, statistics, detail).

Contracts of the functions a card names (all take plain parameters; ``rng`` is a
``numpy.random.Generator``):
- exact: ``theory(**params) -> array``; ``empirical(rng, **params) -> array | Estimate``.
  A residual card leaves ``theory`` out: its empirical residuals are compared with zero.
- distributional: ``theory(**params) -> law`` (``cdf``, ``ppf``, optional ``support``);
  ``empirical(rng, **params) -> 1-D sample``.
- inequality: ``empirical(rng, **params) -> margin | {"margin": ..., ...}`` (>= 0 holds).
- scaling: ``empirical(rng, **params, <size>=n) -> positive float``; ``fit = {size, exponent}``
  (and ``bound = "upper"`` for a statement O(size^p) rather than Theta(size^p)).
- qualitative: ``empirical(rng, **params) -> {statistic: number}``; the card's criterion
  is evaluated on those statistics and the parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..spectra.compare import compare_to_law
from .cards import Card
from .expr import evaluate
from .fit import fit_exponent
from .resolve import call_with, resolve_function
from .verdict import Estimate

Result = tuple[bool, dict[str, Any], dict[str, Any]]


def _tol(card: Card, key: str, params: dict[str, Any], default: Any = None) -> Any:
    value = card.tolerance.get(key, default)
    return None if value is None else evaluate(value, params)


def _fn(card: Card, which: str) -> Callable[..., Any]:
    return resolve_function(getattr(card, which), card.origin)


def _as_array(value: Any) -> np.ndarray:
    if isinstance(value, tuple) and len(value) == 2 and not np.isscalar(value[0]):
        values, mult = value  # (values, multiplicities) -> expanded multiset
        return np.repeat(np.asarray(values, dtype=float), np.asarray(mult, dtype=int))
    return np.asarray(value, dtype=float)


def _max_relative(err: np.ndarray, theory: np.ndarray) -> float:
    """Largest |error| / |theory| over the entries where the theory is nonzero."""
    nonzero = theory != 0
    return float((err[nonzero] / np.abs(theory[nonzero])).max()) if nonzero.any() else 0.0


def check_exact(card: Card, params: dict[str, Any], rngs: list[np.random.Generator]) -> Result:
    """Closed form against computation: max abs/rel error (or max z-score for an Estimate);
    a card without a theory side compares its residuals with zero."""
    theory = _as_array(call_with(_fn(card, "theory"), params)) if card.theory else None
    rtol = _tol(card, "rtol", params, 0.0)
    atol = _tol(card, "atol", params, 0.0)
    sigmas = _tol(card, "sigmas", params)
    worst: dict[str, Any] = {}
    passed = True
    for rng in rngs:
        emp = call_with(_fn(card, "empirical"), {**params, "rng": rng})
        est = emp if isinstance(emp, Estimate) else None
        value = _as_array(est.value if est else emp)
        if theory is None:
            theory = np.zeros_like(value)
        if card.compare == "sorted":
            value, theory = np.sort(value.ravel()), np.sort(theory.ravel())
        if value.shape != theory.shape:  # a broken card, not a failed statement: outcome error
            raise ValueError(f"shape mismatch: theory {theory.shape}, empirical {value.shape}")
        err = np.abs(value - theory)
        bound = atol + rtol * np.abs(theory)
        stats = {
            "max_abs_error": float(err.max()) if err.size else 0.0,
            "max_rel_error": _max_relative(err, theory),
        }
        if est is not None and sigmas is not None:
            se = np.broadcast_to(np.asarray(est.stderr, dtype=float), value.shape)
            z = err / np.sqrt(se**2 + bound**2 + 1e-300)
            stats["max_z"] = float(z.max())
            ok = bool(np.all(z <= sigmas))
        else:
            ok = bool(np.all(err <= bound))
        if not worst or stats["max_abs_error"] > worst["max_abs_error"]:
            worst = stats
        passed = passed and ok
    return passed, worst, {}


def check_distributional(
    card: Card, params: dict[str, Any], rngs: list[np.random.Generator]
) -> Result:
    """Empirical spectrum against a law: KS (and W1, edges) against calibrated thresholds."""
    law = call_with(_fn(card, "theory"), params)
    sample = np.asarray(call_with(_fn(card, "empirical"), {**params, "rng": rngs[0]}), dtype=float)
    cmp = compare_to_law(sample, law, outlier_margin=_tol(card, "outlier_margin", params))
    stats = cmp.as_dict()
    passed = stats["ks"] <= _tol(card, "ks", params)
    w1_max = _tol(card, "w1", params)
    if w1_max is not None and stats.get("w1") is not None:
        passed = passed and stats["w1"] <= w1_max
    if "max_outliers" in card.tolerance and "outliers" in stats:
        passed = passed and stats["outliers"] <= _tol(card, "max_outliers", params)
    return bool(passed), stats, {"sample": sample, "law": law}


def check_inequality(card: Card, params: dict[str, Any], rngs: list[np.random.Generator]) -> Result:
    """Worst margin over trials; holds when margin >= -atol."""
    atol = _tol(card, "atol", params, 0.0)
    worst: dict[str, Any] | None = None
    for rng in rngs:
        out = call_with(_fn(card, "empirical"), {**params, "rng": rng})
        stats = dict(out) if isinstance(out, dict) else {"margin": out}
        stats = {k: float(v) for k, v in stats.items()}
        if worst is None or stats["margin"] < worst["margin"]:
            worst = stats
    assert worst is not None
    return worst["margin"] >= -atol, worst, {}


def check_qualitative(
    card: Card, params: dict[str, Any], rngs: list[np.random.Generator]
) -> Result:
    """A measurable criterion over the statistics the empirical function returns."""
    stats = call_with(_fn(card, "empirical"), {**params, "rng": rngs[0]})
    plots = stats.pop("_plot", None) if isinstance(stats, dict) else None
    stats = {k: (v if isinstance(v, bool | str) else float(v)) for k, v in stats.items()}
    passed = bool(evaluate(card.tolerance["criterion"], {**params, **stats}))
    return passed, stats, {"plot": plots} if plots is not None else {}


def check_scaling(
    card: Card, params: dict[str, Any], cells: list[tuple[float, float]], seed: int
) -> Result:
    """Fit the exponent over (size, value) cells; holds when the predicted one is inside the
    bootstrap interval widened by ``slack`` (with ``fit.bound = "upper"``, for an O(size^p)
    bound, when the interval reaches down to p or below)."""
    sizes = np.array([c[0] for c in cells])
    values = np.array([c[1] for c in cells])
    conf = float(card.fit.get("confidence", 0.95))
    result = fit_exponent(
        sizes, values, confidence=conf, bootstrap=int(card.fit.get("bootstrap", 2000)), seed=seed
    )
    predicted = float(evaluate(card.fit["exponent"], params))
    slack = _tol(card, "slack", params, 0.0)
    if card.fit.get("bound") == "upper":  # statistic = O(size^p): the slope is at most p
        passed = result.ci_low - slack <= predicted
    else:
        passed = result.ci_low - slack <= predicted <= result.ci_high + slack
    stats = {**result.as_dict(), "predicted": predicted}
    return (
        bool(passed),
        stats,
        {"sizes": sizes, "values": values, "fit": result, "predicted": predicted,
         "slack": float(slack)},
    )
