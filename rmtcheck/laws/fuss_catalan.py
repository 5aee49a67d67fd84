"""Fuss–Catalan law: limit ESD of the squared singular values of Q_L ... Q_1, square Gaussian
layers of variance 1/n (free multiplicative power of Marchenko–Pastur with ratio 1).

Moments are the Fuss–Catalan numbers FC_L(k) = binom((L+1)k, k) / (Lk + 1) (L = 1: Catalan,
the MP law). The density uses the parametrization of Haagerup & Möller (2012) / Neuschel
(2014): for phi in (0, pi/(L+1)),
    x(phi)      = sin((L+1)phi)^(L+1) / (sin(phi) sin(L phi)^L),
    rho(x(phi)) = sin(phi)^2 sin(L phi)^(L-1) / (pi sin((L+1)phi)^L),
which is free of cancellation (no root finding of the degree-(L+1) algebraic equation). In
phi the mass element rho |dx/dphi| is smooth, so the CDF is a cumulative quadrature on a
phi grid. The interface is :class:`~.law.Law`'s. Used by claim DLN-FC-LAW (products of L
Gaussian matrices, App. A.1 of Hacohen & Weinshall (2022), supplementary material; the
Fuss–Catalan second moment is quoted in DLN-THM-6 item 4).
"""

from __future__ import annotations

from math import comb

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import cumulative_simpson

from .. import validate
from .law import Law


def fuss_catalan_number(k: int, order: int) -> float:
    """FC_L(k) = binom((L+1)k, k) / (Lk + 1), the k-th moment of the law of order L."""
    k = validate.integer("k", k, 0)
    order = validate.integer("order", order, 1)
    return comb((order + 1) * k, k) / (order * k + 1)


class FussCatalan(Law):
    """Fuss–Catalan law of order ``order`` = L >= 1 on [0, (L+1)^(L+1) / L^L]."""

    domain = {"order": (1, 6)}  # search range for property tests

    def __init__(self, order: int, grid: int = 20001) -> None:
        self.order = validate.integer("order", order, 1)
        s = self.order
        self.a, self.b = 0.0, (s + 1) ** (s + 1) / s**s
        eps = 1e-12
        self._phi = np.linspace(eps, np.pi / (s + 1) - eps, validate.integer("grid", grid, 101))
        self._x = self.x_of_phi(self._phi)  # decreasing
        mass = self.pdf_phi(self._phi) * -self._dx_dphi(self._phi)
        tail = cumulative_simpson(mass[::-1], x=-self._phi[::-1], initial=0.0)[::-1]
        self._cdf_phi = tail / tail[0]  # F(x(phi)), decreasing from 1 to 0 in phi

    def __repr__(self) -> str:
        return f"FussCatalan(order={self.order})"

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
        """Invert the decreasing map phi -> x(phi): the grid cell holding x (binary search on
        the tabulated x(phi)), then 34 vectorised bisections inside it (cell width ~ 1e-4,
        so the bracket reaches ~ 1e-15)."""
        idx = np.clip(np.searchsorted(-self._x, -x), 1, self._phi.size - 1)
        lo, hi = self._phi[idx - 1], self._phi[idx]
        lo = np.where(idx == 1, 0.0, lo)
        hi = np.where(idx == self._phi.size - 1, np.pi / (self.order + 1), hi)
        for _ in range(34):
            mid = 0.5 * (lo + hi)
            above = self.x_of_phi(mid) > x
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return 0.5 * (lo + hi)

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return self.pdf_phi(self._phi_of_x(x))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return np.interp(self._phi_of_x(x), self._phi, self._cdf_phi)

    def _ppf(self, p: np.ndarray) -> np.ndarray:
        out = self.x_of_phi(np.interp(p, self._cdf_phi[::-1], self._phi[::-1]))
        return np.where(p <= 0, self.a, np.where(p >= 1, self.b, out))

    def _integrate(self, func, lo: float, hi: float) -> float:
        """int_lo^hi func(x) rho(x) dx = int func(x(phi)) rho(x(phi)) |x'(phi)| dphi by
        adaptive quadrature in phi, where the mass element is smooth and cheap to evaluate."""
        from scipy.integrate import quad

        far, near = self._phi_of_x(np.array([lo, hi], dtype=float))  # phi decreases in x

        def integrand(phi: float) -> float:
            mass = self.pdf_phi(phi) * -self._dx_dphi(np.asarray(phi))
            return float(func(self.x_of_phi(phi)) * mass)

        return quad(integrand, near, far, limit=400, epsabs=1e-13, epsrel=1e-11)[0]

    def _moment(self, k: int) -> float:
        """FC_L(k)."""
        return fuss_catalan_number(k, self.order)
