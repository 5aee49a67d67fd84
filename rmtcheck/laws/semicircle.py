"""Wigner semicircle law with radius R and centre c (Wigner 1958, Ann. Math. 67; Anderson,
Guionnet & Zeitouni 2010, Thm 2.1.1 for R = 2, c = 0):
    f(x) = 2 / (pi R^2) sqrt(R^2 - (x - c)^2)  on [c - R, c + R],
    F(x) = 1/2 + (u sqrt(1 - u^2) + arcsin u) / pi,  u = (x - c) / R,
    E (x - c)^(2k) = C_k (R / 2)^(2k)  (C_k Catalan numbers), odd central moments 0.
If B ~ Beta(3/2, 3/2) then c + R (2B - 1) has this law (used by rvs).
The interface follows scipy.stats (pdf, logpdf, cdf, sf, ppf, isf, rvs, moment, mean, var, std,
support).
"""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.typing import ArrayLike

from .. import validate
from ..rng import as_generator


def catalan(k: int) -> int:
    """C_k = binom(2k, k) / (k + 1)."""
    k = validate.integer("k", k, 0)
    return comb(2 * k, k) // (k + 1)


class Semicircle:
    """Semicircle law on [center - radius, center + radius]."""

    def __init__(self, radius: float = 2.0, center: float = 0.0) -> None:
        self.radius = validate.positive("radius", radius)
        self.center = validate.real("center", center)

    def __repr__(self) -> str:
        return f"Semicircle(radius={self.radius:g}, center={self.center:g})"

    def support(self) -> tuple[float, float]:
        return self.center - self.radius, self.center + self.radius

    def _u(self, x: ArrayLike) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.center) / self.radius

    def pdf(self, x: ArrayLike) -> np.ndarray:
        u = self._u(x)
        inside = np.sqrt(np.clip(1.0 - u * u, 0.0, None))
        return (2.0 / (np.pi * self.radius) * inside)[()]

    def logpdf(self, x: ArrayLike) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.pdf(x))

    def cdf(self, x: ArrayLike) -> np.ndarray:
        u = np.clip(self._u(x), -1.0, 1.0)
        return (0.5 + (u * np.sqrt(1.0 - u * u) + np.arcsin(u)) / np.pi)[()]

    def sf(self, x: ArrayLike) -> np.ndarray:
        """1 - F by the symmetry F(c + t) = 1 - F(c - t) (no cancellation in the right tail)."""
        return self.cdf(2.0 * self.center - np.asarray(x, dtype=float))

    def ppf(self, q: ArrayLike) -> np.ndarray:
        """Quantile: with psi = 2 arcsin u, F = 1/2 + (psi + sin psi) / (2 pi), so psi solves
        psi + sin psi = 2 pi (q - 1/2), an increasing function; vectorised bisection on
        [-pi, pi] to machine precision."""
        q = np.asarray(q, dtype=float)
        bad = ~((q >= 0) & (q <= 1))
        if np.any(bad):
            validate.probability("q", float(q[bad].flat[0]))
        target = 2.0 * np.pi * (q - 0.5)
        lo, hi = np.full(q.shape, -np.pi), np.full(q.shape, np.pi)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            below = mid + np.sin(mid) < target
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return (self.center + self.radius * np.sin(0.25 * (lo + hi)))[()]

    def isf(self, q: ArrayLike) -> np.ndarray:
        return (2.0 * self.center - self.ppf(q))[()]

    def rvs(self, size: int | tuple[int, ...] = 1, random_state=None) -> np.ndarray:
        """I.i.d. draws c + R (2B - 1), B ~ Beta(3/2, 3/2)."""
        beta = as_generator(random_state).beta(1.5, 1.5, size)
        return self.center + self.radius * (2.0 * beta - 1.0)

    def central_moment(self, k: int) -> float:
        """E (x - c)^k = C_{k/2} (R/2)^k for even k, 0 for odd k."""
        k = validate.integer("k", k, 0)
        return 0.0 if k % 2 else float(catalan(k // 2) * (self.radius / 2.0) ** k)

    def moment(self, k: int) -> float:
        """E x^k = sum_j binom(k, j) c^(k-j) E (x - c)^j."""
        k = validate.integer("k", k, 0)
        return float(
            sum(comb(k, j) * self.center ** (k - j) * self.central_moment(j) for j in range(k + 1))
        )

    def mean(self) -> float:
        return self.center

    def var(self) -> float:
        return self.radius**2 / 4.0

    def std(self) -> float:
        return self.radius / 2.0
