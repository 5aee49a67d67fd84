"""Wigner semicircle law with radius R and centre c (Wigner 1958, Ann. Math. 67; Anderson,
Guionnet & Zeitouni 2010, Thm 2.1.1 for R = 2, c = 0):
    f(x) = 2 / (pi R^2) sqrt(R^2 - (x - c)^2)  on [c - R, c + R],
    F(x) = 1/2 + (u sqrt(1 - u^2) + arcsin u) / pi,  u = (x - c) / R,
    E (x - c)^(2k) = C_k (R / 2)^(2k)  (C_k Catalan numbers), odd central moments 0.
If B ~ Beta(3/2, 3/2) then c + R (2B - 1) has this law (used by rvs).
The interface is :class:`~.law.Law`'s (scipy.stats' method set).
"""

from __future__ import annotations

from math import comb

import numpy as np

from .. import validate
from .law import Law


def catalan(k: int) -> int:
    """C_k = binom(2k, k) / (k + 1)."""
    k = validate.integer("k", k, 0)
    return comb(2 * k, k) // (k + 1)


class Semicircle(Law):
    """Semicircle law on [center - radius, center + radius]."""

    domain = {"radius": (0.1, 10.0), "center": (-5.0, 5.0)}  # search ranges for property tests

    def __init__(self, radius: float = 2.0, center: float = 0.0) -> None:
        self.radius = validate.positive("radius", radius)
        self.center = validate.real("center", center)
        self.a, self.b = self.center - self.radius, self.center + self.radius

    def __repr__(self) -> str:
        return f"Semicircle(radius={self.radius:g}, center={self.center:g})"

    def _u(self, x: np.ndarray) -> np.ndarray:
        return (x - self.center) / self.radius

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        u = self._u(x)
        return 2.0 / (np.pi * self.radius) * np.sqrt(np.clip(1.0 - u * u, 0.0, None))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        u = np.clip(self._u(x), -1.0, 1.0)
        return 0.5 + (u * np.sqrt(1.0 - u * u) + np.arcsin(u)) / np.pi

    def _sf(self, x: np.ndarray) -> np.ndarray:
        """1 - F by the symmetry F(c + t) = 1 - F(c - t) (no cancellation in the right tail)."""
        return self._cdf(2.0 * self.center - x)

    def _ppf(self, p: np.ndarray) -> np.ndarray:
        """Quantile: with psi = 2 arcsin u, F = 1/2 + (psi + sin psi) / (2 pi), so psi solves
        psi + sin psi = 2 pi (q - 1/2), an increasing function; vectorised bisection on
        [-pi, pi] to machine precision."""
        target = 2.0 * np.pi * (p - 0.5)
        lo, hi = np.full(p.shape, -np.pi), np.full(p.shape, np.pi)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            below = mid + np.sin(mid) < target
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        x = self.center + self.radius * np.sin(0.25 * (lo + hi))
        return np.where(p >= 1.0, self.b, np.where(p <= 0.0, self.a, x))  # exact ends

    def _rvs(self, size: int | tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        """I.i.d. draws c + R (2B - 1), B ~ Beta(3/2, 3/2)."""
        return self.center + self.radius * (2.0 * rng.beta(1.5, 1.5, size) - 1.0)

    def central_moment(self, k: int) -> float:
        """E (x - c)^k = C_{k/2} (R/2)^k for even k, 0 for odd k."""
        k = validate.integer("k", k, 0)
        return 0.0 if k % 2 else float(catalan(k // 2) * (self.radius / 2.0) ** k)

    def _moment(self, k: int) -> float:
        """E x^k = sum_j binom(k, j) c^(k-j) E (x - c)^j."""
        return float(
            sum(comb(k, j) * self.center ** (k - j) * self.central_moment(j) for j in range(k + 1))
        )
