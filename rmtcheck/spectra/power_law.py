"""Power-law tail of a sample by the Clauset–Shalizi–Newman method (continuous case).

Clauset, Shalizi & Newman (2009), "Power-law distributions in empirical data", SIAM Review 51:
- for a lower cut-off x_min, the maximum-likelihood exponent of p(x) ~ x^{-alpha}, x >= x_min,
  is alpha = 1 + n / sum_i log(x_i / x_min) (eq. 3.1), with standard error
  (alpha - 1) / sqrt(n) (eq. 3.2), n the number of points at or above x_min;
- x_min minimises the Kolmogorov–Smirnov distance D between the tail's empirical CDF and the
  fitted CDF P(x) = 1 - (x / x_min)^{1 - alpha} over the observed values (Sec. 3.3);
- goodness of fit: the p-value is the fraction of semi-parametric bootstrap samples whose D,
  after the same fit (x_min search included), is at least the observed D (Sec. 4.1): each
  synthetic sample keeps the sample size, draws each point from the fitted power law with
  probability n_tail / N and otherwise resamples the points below x_min.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .. import validate
from ..errors import InputError
from ..rng import as_generator

_BLOCK = 256  # x_min candidates per vectorised KS block (memory: _BLOCK x N floats)


@dataclass
class PowerLawFit:
    """A fitted tail p(x) ~ x^{-alpha} on [xmin, inf)."""

    alpha: float
    xmin: float
    n_tail: int
    ks: float
    alpha_low: float
    alpha_high: float
    p_value: float | None = None
    n_bootstrap: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _positive_sorted(values: Any) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(x)):
        raise InputError("values", "contain NaN or inf", "finite values")
    return np.sort(x[x > 0])


def _scan(x: np.ndarray, candidates: np.ndarray, log_xmin: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """alpha and KS distance D for each tail x[i:], i in ``candidates``, cut at ``log_xmin``."""
    logx = np.log(x)
    tail_log_sum = np.cumsum(logx[::-1])[::-1]  # sum_{j >= i} log x_j
    N = x.size
    n_t = N - candidates
    alphas = 1.0 + n_t / (tail_log_sum[candidates] - n_t * log_xmin)
    ks = np.empty(candidates.size)
    j = np.arange(N)
    for start in range(0, candidates.size, _BLOCK):
        idx = candidates[start:start + _BLOCK]
        a = alphas[start:start + _BLOCK, None]
        cut = log_xmin[start:start + _BLOCK, None]
        k = j[None, :] - idx[:, None]  # rank inside the tail, < 0 below x_min
        inside = k >= 0
        with np.errstate(over="ignore", invalid="ignore"):
            fitted = 1.0 - np.exp((1.0 - a) * (logx[None, :] - cut))
        n = (N - idx)[:, None]
        gap = np.maximum((k + 1) / n - fitted, fitted - k / n)
        ks[start:start + _BLOCK] = np.max(np.where(inside, gap, -np.inf), axis=1)
    return alphas, ks


def _fit_sorted(x: np.ndarray, min_tail: int, xmin: float | None
                ) -> tuple[float, float, int, float]:
    if xmin is not None:
        xmin = validate.positive("xmin", xmin)
        i = int(np.searchsorted(x, xmin, side="left"))
        if x.size - i < 2:
            raise InputError("xmin", f"leaves {x.size - i} points in the tail", "at least 2")
        candidates = np.array([i])
        log_xmin = np.array([np.log(xmin)])
    else:
        _, first = np.unique(x, return_index=True)
        candidates = first[x.size - first >= min_tail]
        if candidates.size == 0:
            raise InputError("values", f"{x.size} positive values", f"at least {min_tail}")
        log_xmin = np.log(x[candidates])
    alphas, ks = _scan(x, candidates, log_xmin)
    best = int(np.argmin(ks))
    i = int(candidates[best])
    return float(alphas[best]), float(np.exp(log_xmin[best])), int(x.size - i), float(ks[best])


def fit_power_law(
    values: Any,
    *,
    min_tail: int = 10,
    xmin: float | None = None,
    bootstrap: int = 0,
    level: float = 0.95,
    rng: np.random.Generator | int | None = None,
) -> PowerLawFit:
    """CSN fit of the tail of the positive ``values`` (non-positive values are dropped).

    ``xmin`` fixes the cut-off; otherwise every distinct value leaving at least ``min_tail``
    points in the tail is tried. ``alpha_low``/``alpha_high`` is the normal interval
    alpha -+ z (alpha - 1)/sqrt(n_tail) at confidence ``level``. ``bootstrap`` > 0 runs that
    many semi-parametric bootstrap fits for the goodness-of-fit p-value (CSN Sec. 4.1;
    about 2500 give p to +-0.01)."""
    from scipy.stats import norm  # noqa: PLC0415

    min_tail = validate.integer("min_tail", min_tail, 2)
    bootstrap = validate.integer("bootstrap", bootstrap, 0)
    level = validate.real("level", level, 0.0, 1.0, open_lo=True, open_hi=True)
    x = _positive_sorted(values)
    alpha, x0, n_tail, ks = _fit_sorted(x, min_tail, xmin)
    half = norm.ppf(0.5 + level / 2) * (alpha - 1.0) / np.sqrt(n_tail)
    fit = PowerLawFit(alpha, x0, n_tail, ks, float(alpha - half), float(alpha + half))
    if bootstrap:
        gen = as_generator(rng)
        body = x[x < x0]
        exceed = 0
        for _ in range(bootstrap):
            synth = _synthetic(gen, x.size, n_tail, body, alpha, x0)
            exceed += _fit_sorted(np.sort(synth), min_tail, xmin)[3] >= ks
        fit.p_value = exceed / bootstrap
        fit.n_bootstrap = bootstrap
    return fit


def _synthetic(gen: np.random.Generator, size: int, n_tail: int, body: np.ndarray,
               alpha: float, xmin: float) -> np.ndarray:
    """One CSN semi-parametric sample: power-law draws above x_min with probability
    n_tail / size (inverse CDF x = x_min (1 - u)^{-1/(alpha - 1)}), else body resamples."""
    m = gen.binomial(size, n_tail / size) if body.size else size
    tail = xmin * (1.0 - gen.random(m)) ** (-1.0 / (alpha - 1.0))
    return np.concatenate([tail, gen.choice(body, size - m)]) if m < size else tail
