"""Marchenko–Pastur law of the sample covariance S = X X^T / n, X p x n, i.i.d. entries of
variance sigma^2, ratio y = p / n (Marchenko & Pastur 1967; Bai & Silverstein 2010, Thm 3.6).

Density on [a, b], a, b = sigma^2 (1 -+ sqrt(y))^2:
    f(x) = sqrt((b - x)(x - a)) / (2 pi sigma^2 y x),
plus a point mass 1 - 1/y at 0 when y > 1. Moments are Narayana polynomials:
    E x^k = sigma^{2k} sum_{r=0}^{k-1} y^r / (r + 1) C(k, r) C(k - 1, r).
sigma^2 scales the law (MP(y, sigma^2) is sigma^2 times MP(y, 1)), so it is stored as ``scale``;
``var()`` is the law's variance, sigma^4 y. The interface is :class:`~.law.Law`'s.
"""

from __future__ import annotations

from math import comb

import numpy as np

from .. import validate
from .law import Law


class MarchenkoPastur(Law):
    """Marchenko–Pastur law with ``ratio`` y = p/n > 0 and entry variance ``var`` sigma^2 > 0
    (kept as the attribute ``scale``)."""

    domain = {"ratio": (0.05, 8.0), "var": (0.2, 5.0)}  # search ranges for property tests

    def __init__(self, ratio: float, var: float = 1.0) -> None:
        self.ratio = validate.positive("ratio", ratio)
        self.scale = validate.positive("var", var)
        root = np.sqrt(self.ratio)
        self.a = self.scale * (1.0 - root) ** 2
        self.b = self.scale * (1.0 + root) ** 2
        self.atom = max(0.0, 1.0 - 1.0 / self.ratio)

    def __repr__(self) -> str:
        return f"MarchenkoPastur(ratio={self.ratio:g}, var={self.scale:g})"

    def atoms(self) -> list[tuple[float, float]]:
        """The mass 1 - 1/y at 0 when y > 1."""
        return [(0.0, self.atom)] if self.atom > 0 else []

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return np.sqrt((self.b - x) * (x - self.a)) / (2 * np.pi * self.scale * self.ratio * x)

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

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        """Continuous part (G(x/sigma^2) - G(a/sigma^2)) / (2 pi y)."""
        a1 = max(self.a / self.scale, 1e-300)
        u = np.clip(x / self.scale, a1, self.b / self.scale)
        cont = (self._antiderivative(u) - self._antiderivative(np.asarray(a1))) / (
            2 * np.pi * self.ratio)
        return np.clip(cont, 0.0, self.continuous_mass())

    def _moment(self, k: int) -> float:
        """Narayana polynomial sigma^{2k} sum_r y^r / (r + 1) C(k, r) C(k - 1, r)."""
        y = self.ratio
        total = sum(y**r / (r + 1) * comb(k, r) * comb(k - 1, r) for r in range(k))
        return float(self.scale**k * total)

    def stieltjes(self, z) -> np.ndarray:
        """s(z) = (sigma^2 (1 - y) - z + sqrt(z - a) sqrt(z - b)) / (2 sigma^2 y z), Im z > 0
        (Bai & Silverstein 2010, eq. 3.1.1, atom included)."""
        z = np.asarray(z, dtype=complex)
        s2, y = self.scale, self.ratio
        root = np.sqrt(z - self.a) * np.sqrt(z - self.b)
        return ((s2 * (1 - y) - z + root) / (2 * s2 * y * z))[()]


def marchenko_pastur(ratio: float, var: float = 1.0) -> MarchenkoPastur:
    """Factory used by claim cards: the MP law for ratio p/n and entry variance ``var``."""
    return MarchenkoPastur(ratio, var)
