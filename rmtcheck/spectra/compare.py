"""Empirical spectrum against a law: KS, Wasserstein-1, Q-Q data, edges and outliers.

A law is any object with ``cdf`` (vectorised) and, for W1 and Q-Q, ``ppf``; ``support()``
gives the edges when known (all :mod:`rmtcheck.laws` objects and frozen scipy.stats laws).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .. import validate
from ..backend import to_numpy
from ..errors import InputError, InputTypeError


def _sample(values: Any) -> np.ndarray:
    if hasattr(values, "tocsr"):
        raise InputTypeError("sample", f"got a sparse {type(values).__name__}",
                             "a dense array of eigenvalues")
    try:
        raw = np.asarray(to_numpy(values))
    except (TypeError, ValueError) as exc:
        raise InputTypeError("sample", f"got {type(values).__name__}: {exc}",
                             "an array of real numbers") from None
    if raw.dtype.kind not in "iubf":
        raise InputTypeError("sample", f"has {raw.dtype.name} entries", "real numbers")
    x = np.sort(raw.astype(float).ravel())
    if x.size == 0:
        raise InputError("sample", "is empty", "at least one value")
    if not np.all(np.isfinite(x)):
        raise InputError("sample", "contains NaN or inf", "finite values")
    return x


def ks_statistic(values: Any, law: Any) -> float:
    """sup_x |F_n(x) - F(x)|, exact for laws with atoms (left limits taken at ties)."""
    x = _sample(values)
    u, counts = np.unique(x, return_counts=True)
    upper = np.cumsum(counts) / x.size
    lower = upper - counts / x.size
    f_at = np.asarray(law.cdf(u), dtype=float)
    f_left = np.asarray(law.cdf(np.nextafter(u, -np.inf)), dtype=float)
    return float(max(np.max(np.abs(upper - f_at)), np.max(np.abs(lower - f_left))))


def wasserstein1(values: Any, law: Any, grid: int = 4096) -> float:
    """W1 = int_0^1 |Q_n(u) - Q(u)| du, midpoint rule on ``grid`` quantile levels."""
    x = _sample(values)
    u = (np.arange(grid) + 0.5) / grid
    q_emp = x[np.minimum((u * x.size).astype(int), x.size - 1)]
    return float(np.mean(np.abs(q_emp - np.asarray(law.ppf(u)))))


def qq_data(values: Any, law: Any, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """(law quantiles, empirical quantiles) at ``points`` evenly spaced levels."""
    x = _sample(values)
    u = (np.arange(points) + 0.5) / points
    return np.asarray(law.ppf(u)), np.quantile(x, u)


def outliers(values: Any, edge: float, margin: float) -> int:
    """Number of eigenvalues above ``edge + margin`` (outliers beyond the bulk edge)."""
    return int(np.sum(_sample(values) > edge + margin))


@dataclass
class Comparison:
    """Summary of an empirical spectrum against a law."""

    count: int
    ks: float
    w1: float | None
    edge_low: float | None
    edge_high: float | None
    min_value: float
    max_value: float
    outliers: int | None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def compare_to_law(values: Any, law: Any, *, outlier_margin: float | None = None) -> Comparison:
    """KS and W1 against ``law``, the extreme eigenvalues, the law's finite edges and the count
    of eigenvalues beyond the upper edge by more than ``outlier_margin`` (when given)."""
    x = _sample(values)
    if not callable(getattr(law, "cdf", None)):
        raise InputTypeError("law", f"got {type(law).__name__}", "an object with a cdf method")
    if outlier_margin is not None:
        outlier_margin = validate.real("outlier_margin", outlier_margin)
    lo, hi = law.support() if hasattr(law, "support") else (None, None)
    lo, hi = (e if e is not None and np.isfinite(e) else None for e in (lo, hi))  # TW: no edge
    w1 = wasserstein1(x, law) if hasattr(law, "ppf") else None
    n_out = (
        outliers(x, float(hi), outlier_margin)
        if outlier_margin is not None and hi is not None
        else None
    )
    return Comparison(
        count=int(x.size),
        ks=ks_statistic(x, law),
        w1=w1,
        edge_low=None if lo is None else float(lo),
        edge_high=None if hi is None else float(hi),
        min_value=float(x[0]),
        max_value=float(x[-1]),
        outliers=n_out,
    )
