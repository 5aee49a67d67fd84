"""Fuss–Catalan law: limit ESD of the squared singular values of Q_L ... Q_1, square Gaussian
layers of variance 1/n (free multiplicative power of Marchenko–Pastur with ratio 1).

Moments are the Fuss–Catalan numbers FC_L(k) = binom((L+1)k, k) / (Lk + 1) (L = 1: Catalan,
the MP law). The density uses the parametrization of Haagerup & Möller (2012) / Neuschel
(2014): for phi in (0, pi/(L+1)),
    x(phi)      = sin((L+1)phi)^(L+1) / (sin(phi) sin(L phi)^L),
    rho(x(phi)) = sin(phi)^2 sin(L phi)^(L-1) / (pi sin((L+1)phi)^L),
which is free of cancellation (no root finding of the degree-(L+1) algebraic equation). In
phi the mass element rho |dx/dphi| is smooth, so the CDF is a cumulative quadrature on a
phi grid. Used by claim DLN-FC (products of L Gaussian matrices, App. A.1 of
Hacohen & Weinshall (2022), supplementary material; the Fuss–Catalan second moment is
quoted in DLN-THM-6 item 4).
"""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import cumulative_simpson

from .. import validate


def fuss_catalan_number(k: int, order: int) -> float:
    """FC_L(k) = binom((L+1)k, k) / (Lk + 1), the k-th moment of the law of order L."""
    k = validate.integer("k", k, 0)
    order = validate.integer("order", order, 1)
    return comb((order + 1) * k, k) / (order * k + 1)


class FussCatalan:
    """Fuss–Catalan law of order ``order`` = L >= 1 on [0, (L+1)^(L+1) / L^L]."""

    def __init__(self, order: int, grid: int = 20001) -> None:
        self.order = validate.integer("order", order, 1)
        s = self.order
        eps = 1e-12
        self._phi = np.linspace(eps, np.pi / (s + 1) - eps, validate.integer("grid", grid, 101))
        mass = self.pdf_phi(self._phi) * -self._dx_dphi(self._phi)
        tail = cumulative_simpson(mass[::-1], x=-self._phi[::-1], initial=0.0)[::-1]
        self._cdf_phi = tail / tail[0]  # F(x(phi)), decreasing from 1 to 0 in phi

    def __repr__(self) -> str:
        return f"FussCatalan(order={self.order})"

    def support(self) -> tuple[float, float]:
        s = self.order
        return 0.0, (s + 1) ** (s + 1) / s**s

    def x_of_phi(self, phi: ArrayLike) -> np.ndarray:
        s, p = self.order, np.asarray(phi, dtype=float)
        return np.sin((s + 1) * p) ** (s + 1) / (np.sin(p) * np.sin(s * p) ** s)

    def pdf_phi(self, phi: ArrayLike) -> np.ndarray:
        """rho(x(phi))."""
        s, p = self.order, np.asarray(phi, dtype=float)
        return np.sin(p) ** 2 * np.sin(s * p) ** (s - 1) / (np.pi * np.sin((s + 1) * p) ** s)

    def _dx_dphi(self, phi: np.ndarray) -> np.ndarray:
        s = self.order
        dlog = ((s + 1) ** 2 / np.tan((s + 1) * phi) - 1.0 / np.tan(phi) - s**2 / np.tan(s * phi))
        return self.x_of_phi(phi) * dlog

    def _phi_of_x(self, x: np.ndarray) -> np.ndarray:
        """Invert the decreasing map phi -> x(phi) by bisection (vectorised, 60 halvings)."""
        lo = np.zeros_like(x)
        hi = np.full_like(x, np.pi / (self.order + 1))
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            above = self.x_of_phi(mid) > x
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return 0.5 * (lo + hi)

    def pdf(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        a, b = self.support()
        inside = (x > a) & (x < b)
        out = np.zeros_like(x)
        out[inside] = self.pdf_phi(self._phi_of_x(x[inside]))
        return out

    def cdf(self, x: ArrayLike) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        a, b = self.support()
        out = np.where(x >= b, 1.0, 0.0)
        inside = (x > a) & (x < b)
        phi = self._phi_of_x(x[inside])
        out[inside] = np.interp(phi, self._phi, self._cdf_phi)
        return out

    def ppf(self, q: ArrayLike) -> np.ndarray:
        q = np.asarray(q, dtype=float)
        phi = np.interp(q, self._cdf_phi[::-1], self._phi[::-1])
        out = self.x_of_phi(phi)
        out = np.where(q <= 0, 0.0, out)
        return np.where(q >= 1, self.support()[1], out)

    def moment(self, k: int) -> float:
        """FC_L(k)."""
        return fuss_catalan_number(k, self.order)
