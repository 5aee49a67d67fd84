"""Marchenko–Pastur law of the sample covariance S = X X^T / n, X p x n, i.i.d. entries of
variance sigma^2, ratio y = p / n (Marchenko & Pastur 1967; Bai & Silverstein 2010, Thm 3.6).

Density on [a, b], a, b = sigma^2 (1 -+ sqrt(y))^2:
    f(x) = sqrt((b - x)(x - a)) / (2 pi sigma^2 y x),
plus a point mass 1 - 1/y at 0 when y > 1. Moments are Narayana polynomials:
    E x^k = sigma^{2k} sum_{r=0}^{k-1} y^r / (r + 1) C(k, r) C(k - 1, r).
The interface follows scipy.stats (pdf, cdf, sf, ppf, rvs, moment, mean, var, support).
"""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.typing import ArrayLike

from .. import validate
from ..rng import as_generator


class MarchenkoPastur:
    """Marchenko–Pastur law with ``ratio`` y = p/n > 0 and entry variance ``var`` sigma^2 > 0."""

    def __init__(self, ratio: float, var: float = 1.0) -> None:
        self.ratio = validate.positive("ratio", ratio)
        self.var = validate.positive("var", var)
        root = np.sqrt(self.ratio)
        self.a = self.var * (1.0 - root) ** 2
        self.b = self.var * (1.0 + root) ** 2
        self.atom = max(0.0, 1.0 - 1.0 / self.ratio)

    def __repr__(self) -> str:
        return f"MarchenkoPastur(ratio={self.ratio:g}, var={self.var:g})"

    def support(self) -> tuple[float, float]:
        """Edges (a, b) of the continuous part (the atom at 0 is extra when y > 1)."""
        return self.a, self.b

    def pdf(self, x: ArrayLike) -> np.ndarray:
        """Density of the continuous part (the atom at 0 is not included)."""
        x = np.asarray(x, dtype=float)
        inside = (x > self.a) & (x < self.b)
        xs = np.where(inside, x, 0.5 * (self.a + self.b))
        value = np.sqrt((self.b - xs) * (xs - self.a)) / (2 * np.pi * self.var * self.ratio * xs)
        return np.where(inside, value, np.where(np.isnan(x), np.nan, 0.0))

    def _antiderivative(self, u: np.ndarray) -> np.ndarray:
        """G(u) with G' = sqrt((b-u)(u-a))/u for unit variance, u in [a, b]:
        G = r + (a+b)/2 asin((2u-a-b)/(b-a)) - sqrt(ab) asin(((a+b)u-2ab)/(u(b-a))),
        r = sqrt((b-u)(u-a)),
        with each asin written as atan2 using its exact cosine (well conditioned at the edges)."""
        y = self.ratio
        a, b = (1 - np.sqrt(y)) ** 2, (1 + np.sqrt(y)) ** 2
        root = np.sqrt(np.clip((b - u) * (u - a), 0.0, None))
        g = root + 0.5 * (a + b) * np.arctan2(2 * u - a - b, 2 * root)
        c = abs(1 - y)  # sqrt(ab)
        if c == 0.0:
            return g
        return g - c * np.arctan2((a + b) * u - 2 * a * b, 2 * c * root)

    def cdf(self, x: ArrayLike) -> np.ndarray:
        """Closed-form CDF, F(x) = atom 1[x >= 0] + (G(x/sigma^2) - G(a/sigma^2)) / (2 pi y)."""
        x = np.asarray(x, dtype=float)
        a1 = self.a / self.var
        u = np.clip(x / self.var, max(a1, 1e-300), self.b / self.var)
        cont = self._antiderivative(u) - self._antiderivative(np.asarray(max(a1, 1e-300)))
        cont = np.clip(cont / (2 * np.pi * self.ratio), 0.0, min(1.0, 1.0 / self.ratio))
        cont = np.where(x >= self.b, min(1.0, 1.0 / self.ratio), np.where(x <= self.a, 0.0, cont))
        return np.where(x >= 0, self.atom, 0.0) + cont

    def sf(self, x: ArrayLike) -> np.ndarray:
        return 1.0 - self.cdf(x)

    def ppf(self, q: ArrayLike) -> np.ndarray:
        """Quantile function: 0 on the atom, else vectorised bisection of the closed-form CDF."""
        q = np.asarray(q, dtype=float)
        if np.any(~np.isfinite(q)) or np.any((q < 0) | (q > 1)):
            validate.probability("q", float(q[~((q >= 0) & (q <= 1))].flat[0]))
        lo = np.full(q.shape, self.a)
        hi = np.full(q.shape, self.b)
        for _ in range(64):
            mid = 0.5 * (lo + hi)
            below = self.cdf(mid) < q
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return np.where(q <= self.atom, 0.0, 0.5 * (lo + hi))

    def rvs(self, size: int | tuple[int, ...] = 1, random_state=None) -> np.ndarray:
        """I.i.d. draws from the law by inversion (not eigenvalues of a random matrix)."""
        return self.ppf(as_generator(random_state).random(size))

    def moment(self, k: int) -> float:
        """k-th moment via the Narayana polynomial (includes the atom; E x^0 = 1)."""
        k = validate.integer("k", k, 0)
        if k == 0:
            return 1.0
        y = self.ratio
        total = sum(y**r / (r + 1) * comb(k, r) * comb(k - 1, r) for r in range(k))
        return float(self.var**k * total)

    def mean(self) -> float:
        return self.moment(1)

    def var_(self) -> float:
        """Variance of the law (named ``var_`` because ``var`` is the entry variance)."""
        return self.moment(2) - self.moment(1) ** 2

    def stats(self) -> tuple[float, float]:
        return self.mean(), self.var_()


def marchenko_pastur(ratio: float, var: float = 1.0) -> MarchenkoPastur:
    """Factory used by claim cards: the MP law for ratio p/n and entry variance ``var``."""
    return MarchenkoPastur(ratio, var)
