"""Exponent fits for scaling claims: least squares of log statistic on log size with a
stratified bootstrap interval (resampling trials within each size)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import InputError


@dataclass
class ExponentFit:
    """Slope p of log(stat) = c + p log(size) with a bootstrap percentile interval."""

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    confidence: float
    r2: float
    points: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _slope(lx: np.ndarray, ly: np.ndarray) -> tuple[float, float]:
    xm = lx.mean()
    slope = float(np.dot(lx - xm, ly - ly.mean()) / np.dot(lx - xm, lx - xm))
    return slope, float(ly.mean() - slope * xm)


def fit_exponent(
    sizes: Any,
    values: Any,
    *,
    confidence: float = 0.95,
    bootstrap: int = 2000,
    seed: int = 0,
) -> ExponentFit:
    """Fit ``values ~ C * sizes**p`` over all (size, trial) points.

    The interval is the percentile bootstrap of the slope, resampling the trials of each
    size with replacement (sizes are design points, not random), widened around the slope by
    :func:`_small_sample_factor` (coverage of a 95% interval with 3 trials per size: 0.825
    plain, 0.92 widened; tests/test_checker.py). Points are sorted by size
    (stably), so callers pass the trials of each size in trial order.
    """
    x = np.asarray(sizes, dtype=float).ravel()
    y = np.asarray(values, dtype=float).ravel()
    if x.size != y.size:
        raise InputError("values", "length differs from sizes", "one value per (size, trial)")
    if np.unique(x).size < 2:
        raise InputError("--sizes", "fewer than two distinct sizes", "at least two sizes")
    if np.any(~np.isfinite(y)) or np.any(y <= 0) or np.any(x <= 0):
        raise InputError(
            "statistic",
            "non-positive or non-finite values cannot be fitted on a log scale",
            "positive finite values",
        )
    if not 0 < confidence < 1:
        raise InputError("confidence", f"got {confidence}", "(0, 1)")
    order = np.argsort(x, kind="stable")  # canonical order: the same numbers for any input order
    lx, ly = np.log(x[order]), np.log(y[order])
    x = x[order]
    slope, intercept = _slope(lx, ly)
    resid = ly - (intercept + slope * lx)
    r2 = 1.0 - float(np.sum(resid**2) / max(np.sum((ly - ly.mean()) ** 2), 1e-300))
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(x == s) for s in np.unique(x)]
    slopes = np.empty(bootstrap)
    for b in range(bootstrap):
        idx = np.concatenate([g[rng.integers(0, g.size, g.size)] for g in groups])
        slopes[b] = _slope(lx[idx], ly[idx])[0]
    alpha = (1.0 - confidence) / 2
    lo, hi = np.quantile(slopes, [alpha, 1 - alpha])
    f = _small_sample_factor([g.size for g in groups], alpha)
    lo, hi = slope - f * (slope - lo), slope + f * (hi - slope)
    return ExponentFit(slope, intercept, float(lo), float(hi), confidence, r2, int(x.size))


def _small_sample_factor(counts: list[int], alpha: float) -> float:
    """Widening of the stratified percentile interval for few trials per size: the bootstrap
    variance of a mean of m resampled values is (m - 1)/m of the unbiased one, and its normal
    quantile ignores the df = sum(m_s - 1) of the within-size spread, so scale by
    sqrt(m / (m - 1)) t_{df} / z (m = the smallest trial count)."""
    m, df = min(counts), sum(c - 1 for c in counts)
    from scipy import stats  # heavy: imported only when a fit is made

    return float(np.sqrt(m / (m - 1)) * stats.t.ppf(1 - alpha, df) / stats.norm.ppf(1 - alpha))
