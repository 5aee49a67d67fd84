"""Limiting spectrum of the conjugate kernel at initialization (the nonlinear MP map).

Wang et al. (2023), seed 004, WANG-DEF-CK-LIMIT (background from Fan & Wang 2020): for a
normalized activation and Gaussian data, the ESD of K^CK = (1/h) sigma(WX/sqrt d)^T sigma(WX/sqrt d)
(n x n) converges to  MP_gamma [x] nu,  gamma = n/h, where nu is the law of
t = (1 - b^2) + b^2 lambda, lambda ~ MP(n/d) (the limit ESD of X^T X/d, atom 1 - d/n at 0 when
n > d) and b = b_sigma = E sigma'(z). Silverstein's equation for the companion transform m_(z):
    z = -1/m_ + gamma * int t dH(t) / (1 + t m_),     m(z) = (m_ + (1 - gamma)/z) / gamma,
and the density of the continuous part is Im[m_ + max(0, 1 - gamma)/z] / (pi gamma) at
z = x + i0, x > 0 (the companion's atom removed), of total mass min(1, 1/gamma); the rest,
1 - 1/gamma when n > h, is an atom at 0.

For the affine-MP population the integral is closed-form through the MP Stieltjes transform s:
    int dH / (1 + t m) = s(w) / (m b^2),   w = -(1 + m (1 - b^2)) / (m b^2).
The equation is solved by Newton's method on a grid of x with continuation in Im z (from
Im z = 10 * scale down to 1e-10 * scale), keeping Im m_ > 0; the total mass is asserted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .. import validate
from .activations import Activation
from .law import Law

_MASS_TOL = 1e-3


def mp_stieltjes(w: np.ndarray, ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """s(w) = int dMP_c(l) / (l - w) and s'(w) for Im w > 0 (atom 1 - 1/c at 0 included):
    s = (1 - c - w + sqrt(w - a) sqrt(w - b)) / (2 c w), a, b = (1 -+ sqrt c)^2."""
    c = ratio
    a, b = (1 - np.sqrt(c)) ** 2, (1 + np.sqrt(c)) ** 2
    r = np.sqrt(w - a) * np.sqrt(w - b)
    num = 1 - c - w + r
    s = num / (2 * c * w)
    ds = ((-1 + (2 * w - a - b) / (2 * r)) * w - num) / (2 * c * w**2)
    return s, ds


class Population(Protocol):
    """A population law H: g(m) = int t dH(t) / (1 + t m) with g'(m), and max supp H."""

    def g(self, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def upper(self) -> float: ...


@dataclass(frozen=True)
class AffineMPPopulation:
    """H = law of (1 - b^2) + b^2 lambda, lambda ~ MP(ratio) (with its atom at 0 if ratio > 1)."""

    ratio: float
    b: float

    def g(self, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """g(m) = int t dH / (1 + t m) and g'(m)."""
        b2 = self.b**2
        if b2 < 1e-8:  # nu = delta_1 up to O(b^2); avoids overflow of w ~ 1/b^2
            return 1 / (1 + m), -1 / (1 + m) ** 2
        w = -(1 + m * (1 - b2)) / (m * b2)
        s, ds = mp_stieltjes(w, self.ratio)
        u = s / (m * b2)
        du = ds / (m**3 * b2**2) - s / (m**2 * b2)
        return (1 - u) / m, -(1 - u) / m**2 - du / m

    def upper(self) -> float:
        """Right edge of H: (1 - b^2) + b^2 (1 + sqrt(ratio))^2."""
        return 1 - self.b**2 + self.b**2 * (1 + np.sqrt(self.ratio)) ** 2


@dataclass(frozen=True)
class DiscretePopulation:
    """H = sum_j weights_j delta_{t_j} (e.g. quantiles of nu, or eigenvalues of a given matrix)."""

    t: np.ndarray
    weights: np.ndarray

    def g(self, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """g(m) = sum_j w_j t_j / (1 + t_j m) and g'(m) (cost: len(m) x J)."""
        q = 1 + np.multiply.outer(m, self.t)
        return (self.t / q) @ self.weights, -((self.t / q) ** 2) @ self.weights

    def upper(self) -> float:
        """Largest atom."""
        return float(np.max(self.t))


def spectral_scale(gamma: float, population: Population) -> float:
    """Upper bound of the support, max t (1 + sqrt gamma)^2: the unit of Im z."""
    return max(population.upper() * (1 + np.sqrt(gamma)) ** 2, 1e-12)


def companion_transform(x: np.ndarray, gamma: float, population: Population,
                        eta: float = 1e-10) -> np.ndarray:
    """m_(x + i eta') for eta' from 10 * scale down to ``eta`` * scale (Newton + continuation)."""
    scale = spectral_scale(gamma, population)
    m = -1 / (x + 10j * scale)
    for level in np.geomspace(10.0, eta, 80):
        z = x + 1j * level * scale
        for _ in range(8):
            g, dg = population.g(m)
            f = z + 1 / m - gamma * g
            step = f / (-1 / m**2 - gamma * dg)
            new = m - step
            bad = ~(new.imag > 0) | ~np.isfinite(new)
            for _ in range(30):
                if not bad.any():
                    break
                step = np.where(bad, step / 2, step)
                new = m - step
                bad = ~(new.imag > 0) | ~np.isfinite(new)
            m = np.where(bad, m, new)
            if np.all(np.abs(step) <= 1e-13 * np.abs(m)):
                break
    return m


def _intervals(x: np.ndarray, dens: np.ndarray, tol: float) -> list[tuple[float, float]]:
    """Closed intervals [x_{i-1}, x_{j+1}] around each run of grid points with density > tol."""
    on = dens > tol
    out = []
    i = 0
    while i < x.size:
        if on[i]:
            j = i
            while j + 1 < x.size and on[j + 1]:
                j += 1
            lo = x[i - 1] if i > 0 else 0.0
            hi = x[j + 1] if j + 1 < x.size else x[-1]
            out.append((float(lo), float(hi)))
            i = j + 1
        else:
            i += 1
    return out


class CKLimitLaw(Law):
    """The law MP_gamma [x] H with H = ``population``: atom max(0, 1 - 1/gamma) at 0 plus a
    density computed on Chebyshev-clustered nodes of each support interval. ``eta`` is the final
    Im z relative to the spectrum's scale (raise it to ~1/J for a population of J atoms).

    The interface is :class:`~.law.Law`'s; pdf and cdf interpolate the solver's nodes linearly,
    so they agree with each other to the tabulation accuracy (about 1e-3 relative for the
    density's slope, 1e-5 for the cdf)."""

    def __init__(self, gamma: float, population: Population, grid: int = 4000, nodes: int = 1500,
                 eta: float = 1e-10) -> None:
        self.gamma = validate.positive("gamma", gamma)
        self.eta = validate.positive("eta", eta)
        self.population = population
        self.atom = max(0.0, 1.0 - 1.0 / self.gamma)
        self.scale = spectral_scale(self.gamma, population)
        top = 1.05 * self.scale
        coarse = (np.arange(grid) + 0.5) * top / grid
        dens = self._density(coarse)
        pieces = _intervals(coarse, dens, 1e-6 * dens.max())
        xs, cum, ps = [], [], []
        total = 0.0
        for lo, hi in pieces:
            theta = np.linspace(0.0, np.pi, nodes)
            x = lo + (hi - lo) * (1 - np.cos(theta)) / 2
            p = self._density(x)
            p[0] = p[-1] = 0.0
            integrand = p * (hi - lo) / 2 * np.sin(theta)
            steps = np.diff(theta) * (integrand[1:] + integrand[:-1]) / 2
            c = np.concatenate([[0.0], np.cumsum(steps)])
            xs.append(x)
            ps.append(p)
            cum.append(total + c)
            total += c[-1]
        expected = min(1.0, 1.0 / self.gamma)
        assert abs(total - expected) < _MASS_TOL, (
            f"CK limit solver lost mass: continuous part {total:.6f}, expected {expected:.6f}")
        self.mass_error = total - expected
        self._nodes = np.concatenate(xs)
        self._pdf_nodes = np.concatenate(ps) * expected / total
        self._cdf_nodes = np.concatenate(cum) * expected / total  # continuous part only
        support = self._nodes[self._pdf_nodes > 1e-5 * self._pdf_nodes.max()]
        self.a, self.b = float(support[0]), float(support[-1])
        self.pieces = pieces

    def _density(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        m = companion_transform(x, self.gamma, self.population, self.eta)
        z = x + 1j * self.eta * self.scale
        m = m + max(0.0, 1.0 - self.gamma) / z  # remove the companion's atom at 0 (gamma < 1)
        return np.clip(m.imag, 0.0, None) / (np.pi * self.gamma)

    def __repr__(self) -> str:
        return f"CKLimitLaw(gamma={self.gamma:g}, support=({self.a:.4g}, {self.b:.4g}))"

    def atoms(self) -> list[tuple[float, float]]:
        """The mass 1 - 1/gamma at 0 when gamma > 1."""
        return [(0.0, self.atom)] if self.atom > 0 else []

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        """Density of the continuous part (linear interpolation between solver nodes)."""
        return np.interp(x, self._nodes, self._pdf_nodes, left=0.0, right=0.0)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        return np.interp(x, self._nodes, self._cdf_nodes, left=0.0, right=self.continuous_mass())

    def _ppf(self, p: np.ndarray) -> np.ndarray:
        keep = np.concatenate([[True], np.diff(self._cdf_nodes) > 0])
        return np.clip(np.interp(p, self._cdf_nodes[keep], self._nodes[keep]), self.a, self.b)

    def _moment(self, k: int) -> float:
        """k-th moment (trapezoid on the solver nodes; the atom contributes to k = 0 only)."""
        if k == 0:
            return 1.0
        dc = np.diff(self._cdf_nodes)
        mid = 0.5 * (self._nodes[1:] + self._nodes[:-1])
        return float(np.sum(dc * mid**k))


def ck_limit_law(gamma: float, phi: float, b: float, **kwargs) -> CKLimitLaw:
    """MP_gamma [x] ((1 - b^2) + b^2 MP(phi)): CK limit for n/h = gamma, n/d = phi, b = b_sigma."""
    phi = validate.positive("phi", phi)
    b = validate.real("b", b, 0.0, 1.0, open_hi=True)
    return CKLimitLaw(gamma, AffineMPPopulation(phi, b), **kwargs)


def ck_limit_for(n: int, h: int, d: int, activation: Activation, **kwargs) -> CKLimitLaw:
    """CK limit law at the realised ratios n/h, n/d for a normalized ``activation``."""
    return ck_limit_law(n / h, n / d, activation.b_sigma, **kwargs)
