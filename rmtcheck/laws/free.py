"""Free multiplicative convolutions with Marchenko–Pastur laws, solved on the real axis by a
branch-tracking continuation of an explicit inverse function.

Each law here is known through a transform w(z) of its Cauchy/Stieltjes transform whose
inverse z = Z(w) is explicit:

- the deformed Marchenko–Pastur law MP_y [x] H, H = sum_i w_i delta_{t_i} (limit spectrum of
  T^{1/2} X X^T T^{1/2} / n, X p x n, y = p / n, T with spectrum H), through the companion
  transform m(z) = -(1 - y)/z + y s_F(z) (Silverstein 1995, eq. 1.4; Silverstein & Choi 1995):
      z = Z(m) = -1/m + y sum_i w_i t_i / (1 + t_i m),   f(x) = Im m(x + i0) / (pi y);
- the free product MP_{y_1} [x] ... [x] MP_{y_L} (limit of the squared singular values of a
  product of L rectangular Gaussian matrices), through psi(z) = sum_k mu_k z^k at z = 1/zeta:
  S-transforms multiply, S(w) = prod_l 1/(1 + y_l w) (Voiculescu 1987; Nica & Speicher 2006,
  Lecture 18), hence with u = 1 + psi = zeta G(zeta)
      zeta = Z(u) = u prod_l (1 + y_l (u - 1)) / (u - 1),   f(x) = -Im u(x + i0) / (pi x).

Branch: for each x the root is tracked from z = x + 10 i s (s the spectral scale, where the
far-field guess is accurate) down to z = x + 1e-9 i |x| along a geometric path in Im z,
Newton from the previous point with steps halved whenever they would leave the half plane of
the physical branch, and a final Newton solve at Im z = 0. The support is cut at the images
Z(w*) of the real critical points Z'(w*) = 0 (Silverstein & Choi 1995, Thm 4.1-4.2), each
piece kept when the density at its midpoint is positive. On each support interval [l, u]
the mass element g(theta) = f(x(theta)) dx/dtheta, x = l + (u - l) sin(theta/2)^(2q), is
smooth (q = 1 removes square-root edges, q = k + 1 a hard edge at 0 where f ~ x^(-k/(k+1))),
so a Chebyshev series in theta of growing degree gives the cdf and the integrals; the
construction asserts that the total mass is 1.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from fractions import Fraction
from math import factorial, prod

import numpy as np
from numpy.polynomial import Chebyshev
from numpy.polynomial import polynomial as P
from numpy.typing import ArrayLike

from .. import validate
from ..errors import InputError
from .law import Law

_MASS_TOL = 1e-9
_STEPS = 80  # continuation levels from Im z = 10 s down to 1e-9 |x| (geometric)


def _partitions(k: int, largest: int | None = None):
    """Integer partitions of k as non-increasing tuples."""
    largest = k if largest is None else largest
    if k == 0:
        yield ()
        return
    for part in range(min(k, largest), 0, -1):
        for rest in _partitions(k - part, part):
            yield (part, *rest)


def noncrossing_moment(k: int, cumulant) -> Fraction:
    """sum over non-crossing partitions pi of [k] of prod_{B in pi} cumulant(|B|), grouped by
    block type: (m_1, m_2, ...) blocks of sizes 1, 2, ... with r blocks in all occur
    k! / ((k - r + 1)! prod_j m_j!) times (Kreweras 1972; Nica & Speicher 2006, Lect. 9)."""
    total = Fraction(0)
    for parts in _partitions(k):
        r = len(parts)
        counts = {size: parts.count(size) for size in set(parts)}
        count = factorial(k - r + 1) * prod(map(factorial, counts.values()))
        number = Fraction(factorial(k), count)
        total += number * prod(cumulant(size) for size in parts)
    return total


class FreeLaw(Law, ABC):
    """A law given by an explicit inverse Z(w) of a transform w(z) (see the module docstring).
    Subclasses define ``_inverse`` (Z, Z', Z''), ``_far`` (w at large |z|), ``_sign`` (the sign
    of Im w when Im z > 0), ``_density`` (f from w and x), ``_critical_polynomial`` (numerator
    of Z', coefficients low to high) and ``_scale`` (an upper bound of the support)."""

    _sign: int
    _scale: float
    _edge_power: int = 1

    @abstractmethod
    def _inverse(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Z(w) and its first two derivatives."""

    @abstractmethod
    def _far(self, z: np.ndarray) -> np.ndarray:
        """w(z) at large |z| (the start of the continuation)."""

    @abstractmethod
    def _density(self, w: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The density at x from the transform value w."""

    @abstractmethod
    def _critical_polynomial(self) -> np.ndarray:
        """Numerator of Z' (coefficients low to high): its real roots bound the support."""

    # -- the solver --------------------------------------------------------------------------
    def transform(self, x: ArrayLike) -> np.ndarray:
        """w(x + i0) on the physical branch, by continuation down from x + 10 i s."""
        x = np.asarray(x, dtype=float)
        top = 10 * self._scale
        bottom = np.maximum(1e-9 * np.abs(x), 1e-300)
        w = self._far(x + 1j * top)
        for j in range(1, _STEPS + 1):
            level = top * (bottom / top) ** (j / _STEPS)
            w = self._newton(x + 1j * level, w, strict=True)
        return self._newton(x + 0j, w, strict=False)

    def _newton(self, z: np.ndarray, w: np.ndarray, strict: bool) -> np.ndarray:
        """Newton on Z(w) = z from w, halving any step that leaves the physical half plane
        (Im w sign; on the real axis, ``strict`` off, Im w = 0 is allowed). Tracking steps stop
        at relative change 1e-10, the final solve at 1e-15."""
        tol = 1e-10 if strict else 1e-15
        w = np.array(w, dtype=complex)
        z = np.broadcast_to(z, w.shape)
        active = np.ones(w.shape, dtype=bool)
        for _ in range(60):
            value, slope, _ = self._inverse(w[active])
            step = (value - z[active]) / slope
            old = w[active]
            new = old - step
            for _ in range(60):
                side = self._sign * new.imag
                bad = ~np.isfinite(new) | ((side <= 0) if strict else (side < 0))
                if not bad.any():
                    break
                step = np.where(bad, step / 2, step)
                new = old - step
            w[active] = np.where(bad, old, new)
            active[active] = np.abs(step) > tol * np.abs(old)
            if not active.any():
                break
        return w

    def _support_intervals(self) -> list[tuple[float, float]]:
        """Pieces between consecutive images Z(w*) of real critical points (and 0) that carry
        density at their midpoint. A complex critical point near the real axis marks a deep
        minimum of the density (two bulks about to split): its real image becomes an extra
        cut, so that every piece's mass element stays far from singularities in theta."""
        roots = P.polyroots(self._critical_polynomial())
        real = np.abs(roots.imag) <= 1e-8 * (1 + np.abs(roots))
        crit = roots[real].real.astype(complex)
        for _ in range(8):  # polish the simple critical points: Newton on Z'
            _, d1, d2 = self._inverse(crit)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = d1 / d2
            crit = np.where(np.abs(step) < 1e-3 * (1 + np.abs(crit)), crit - step, crit)
        images = self._inverse(crit)[0].real
        near = self._inverse(roots[~real])[0]
        cuts = near.real[np.abs(near.imag) < 0.25 * np.abs(near.real)]
        edges = np.concatenate([[0.0], images, cuts])
        edges = np.unique(edges[(edges >= 0) & np.isfinite(edges)])
        edges = edges[np.concatenate([[True], np.diff(edges) > 1e-12 * self._scale])]
        mids = 0.5 * (edges[1:] + edges[:-1])
        keep = self._density(self.transform(mids), mids) > 1e-10 / self._scale
        pairs = zip(edges[:-1], edges[1:], keep, strict=True)
        return [(float(lo), float(hi)) for lo, hi, on in pairs if on]

    def _power(self, lo: float) -> int:
        """q of the map x = lo + (hi - lo) sin(theta/2)^(2q): 1 at a square-root edge,
        k + 1 at a hard edge at 0 where f ~ x^(-k/(k+1)) (the mass element is then smooth)."""
        return self._edge_power if lo == 0.0 else 1

    def _x_of(self, lo: float, hi: float, theta: np.ndarray) -> np.ndarray:
        return lo + (hi - lo) * np.sin(theta / 2) ** (2 * self._power(lo))

    def _theta_of(self, lo: float, hi: float, x: np.ndarray) -> np.ndarray:
        u = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
        return 2 * np.arcsin(u ** (1 / (2 * self._power(lo))))

    def _tabulate(self) -> None:
        """Chebyshev series in theta of the mass element on each support interval."""
        self._pieces = self._support_intervals()
        if not self._pieces:
            raise InputError("law", "no support found", "parameters giving a nonempty support")
        self.a, self.b = self._pieces[0][0], self._pieces[-1][1]
        self._series = []
        for lo, hi in self._pieces:
            def element(theta, lo=lo, hi=hi):
                q = self._power(lo)
                x = self._x_of(lo, hi, theta)
                dx = (hi - lo) * q * np.sin(theta / 2) ** (2 * q - 1) * np.cos(theta / 2)
                inside = (x > lo) & (x < hi)
                out = np.zeros(theta.shape)
                out[inside] = self._density(self.transform(x[inside]), x[inside]) * dx[inside]
                return out

            for degree in (64, 128, 256, 512, 1024, 2048, 4096):
                series = Chebyshev.interpolate(element, degree, domain=[0.0, np.pi])
                tail = np.max(np.abs(series.coef[-8:]))
                if tail <= 1e-13 * np.max(np.abs(series.coef)):
                    break
            self._series.append((series, series.integ(lbnd=0.0)))
        self.mass_error = sum(float(c(np.pi)) for _, c in self._series) - self.continuous_mass()
        if abs(self.mass_error) > _MASS_TOL:
            raise ArithmeticError(f"{self!r}: continuous mass off by {self.mass_error:.2e}")

    # -- Law hooks ---------------------------------------------------------------------------
    def intervals(self) -> list[tuple[float, float]]:
        """The support intervals (adjacent pieces split at a deep density minimum merged)."""
        merged = [self._pieces[0]]
        for lo, hi in self._pieces[1:]:
            if lo == merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        return merged

    def _pdf(self, x: np.ndarray) -> np.ndarray:
        return np.clip(self._density(self.transform(x), x), 0.0, None)

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(x.shape)
        for (lo, hi), (_, cum) in zip(self._pieces, self._series, strict=False):
            theta = self._theta_of(lo, hi, x)
            out += np.where(x >= hi, cum(np.pi), np.where(x > lo, cum(theta), 0.0))
        return out

    def _ppf(self, p: np.ndarray) -> np.ndarray:
        """Bisection in theta on the piece holding the level (exact near a hard edge, where
        the cdf moves by x^(1/(k+1)))."""
        out = np.full(p.shape, float(self.b))
        start = 0.0
        for (lo, hi), (_, cum) in zip(self._pieces, self._series, strict=True):
            mass = float(cum(np.pi))
            here = (p >= start) & (p <= start + mass) & (out == self.b)
            left, right = np.zeros(here.sum()), np.full(here.sum(), np.pi)
            target = p[here] - start
            for _ in range(60):
                mid = 0.5 * (left + right)
                below = cum(mid) < target
                left, right = np.where(below, mid, left), np.where(below, right, mid)
            out[here] = np.where(target >= mass - 1e-15, hi, self._x_of(lo, hi, right))
            start += mass
        return out

    def _integrate(self, func, lo: float, hi: float) -> float:
        """int_lo^hi func(x) f(x) dx by Gauss-Legendre in theta on the Chebyshev mass element."""
        total = 0.0
        nodes, weights = np.polynomial.legendre.leggauss(800)
        for (a, b), (series, _) in zip(self._pieces, self._series, strict=False):
            left, right = max(a, lo), min(b, hi)
            if left >= right:
                continue
            t0, t1 = self._theta_of(a, b, np.array([left, right]))
            theta = t0 + (t1 - t0) * (nodes + 1) / 2
            x = self._x_of(a, b, theta)
            total += (t1 - t0) / 2 * float(np.sum(weights * func(x) * series(theta)))
        return total

    def stieltjes(self, z: ArrayLike) -> np.ndarray:
        """s(z) = int dmu / (l - z) for Im z > 0, the transform continued from z + 10 i s."""
        z = np.asarray(z, dtype=complex)
        top = z.imag + 10 * self._scale
        w = self._far(z.real + 1j * top)
        for j in range(1, _STEPS + 1):
            w = self._newton(z.real + 1j * top * (z.imag / top) ** (j / _STEPS), w, True)
        return self._cauchy_from(w, z)[()]


class DeformedMarchenkoPastur(FreeLaw):
    """MP_y [x] H, H = sum_i weights_i delta_{t_i}: the limit spectrum of the sample covariance
    T^{1/2} X X^T T^{1/2} / n (X p x n, p / n -> y = ``ratio``) when T has the spectrum H
    (Silverstein 1995; Silverstein & Choi 1995). Atom 1 - 1/y at 0 when y > 1."""

    _sign = 1

    def __init__(self, ratio: float, population_eigenvalues: ArrayLike,
                 weights: ArrayLike | None = None) -> None:
        self.ratio = validate.positive("ratio", ratio)
        t = np.atleast_1d(np.asarray(population_eigenvalues, dtype=float))
        if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t) & (t > 0)):
            raise InputError("population_eigenvalues", f"got {t!r}", "finite numbers > 0")
        w = np.full(t.size, 1.0 / t.size) if weights is None else np.asarray(weights, float)
        if w.shape != t.shape or np.any(~(w > 0)) or abs(w.sum() - 1) > 1e-12:
            raise InputError("weights", f"got {w!r}", "positive numbers summing to 1, one per t")
        self.population = t
        self.weights = w
        self.atom = max(0.0, 1.0 - 1.0 / self.ratio)
        self._scale = float(t.max() * (1 + np.sqrt(self.ratio)) ** 2)
        self._tabulate()

    def __repr__(self) -> str:
        return (f"DeformedMarchenkoPastur(ratio={self.ratio:g}, "
                f"population_eigenvalues={self.population.tolist()}, "
                f"weights={self.weights.tolist()})")

    def atoms(self) -> list[tuple[float, float]]:
        return [(0.0, self.atom)] if self.atom > 0 else []

    def _inverse(self, m):
        """Z = ((y - 1) - y S(m)) / m, S = sum_i w_i / (1 + t_i m) (the same Z, written without
        the cancellation of -1/m against y/m at large m, i.e. near a hard edge at 0)."""
        t, w, y = self.population, self.weights, self.ratio
        q = 1 + np.multiply.outer(m, t)
        n0 = (y - 1) - y * (1 / q) @ w
        n1 = y * (t / q**2) @ w
        n2 = -2 * y * (t**2 / q**3) @ w
        return n0 / m, (n1 * m - n0) / m**2, (n2 * m**2 - 2 * n1 * m + 2 * n0) / m**3

    def _far(self, z):
        return -1 / z

    def _density(self, m, x):
        return m.imag / (np.pi * self.ratio)

    def _cauchy_from(self, m, z):
        """s_F(z) = (m + (1 - y)/z) / y."""
        return (m + (1 - self.ratio) / z) / self.ratio

    def _critical_polynomial(self):
        """prod_j (1 + t_j m)^2 - y m^2 sum_i w_i t_i^2 prod_{j != i} (1 + t_j m)^2."""
        t, w, y = self.population, self.weights, self.ratio
        factors = [P.polypow([1.0, tj], 2) for tj in t]
        out = np.array([1.0])
        for factor in factors:
            out = P.polymul(out, factor)
        for i in range(t.size):
            rest = np.array([1.0])
            for j in range(t.size):
                if j != i:
                    rest = P.polymul(rest, factors[j])
            out = P.polysub(out, y * w[i] * t[i] ** 2 * P.polymul([0.0, 0.0, 1.0], rest))
        return out

    def _moment(self, k: int) -> float:
        """E x^k = sum_{pi in NC(k)} y^{|pi| - 1} prod_{B in pi} h_{|B|}, h_j = sum_i w_i t_i^j:
        the companion law is a compound free Poisson with free cumulants y h_j (Nica & Speicher
        2006, Prop. 12.11), and its moments are y times those of F for k >= 1."""
        y = Fraction(self.ratio)
        h = {j: sum(Fraction(wi) * Fraction(ti) ** j for ti, wi in
                    zip(self.population, self.weights, strict=False)) for j in range(1, k + 1)}
        return float(noncrossing_moment(k, lambda size: y * h[size]) / y)


class MarchenkoPasturProduct(FreeLaw):
    """MP_{y_1} [x] ... [x] MP_{y_L}, ratios y_l in (0, 1]: the limit spectrum of
    (A_L ... A_1)(A_L ... A_1)^T for independent Gaussian layers (Muller 2002; Burda et al.
    2010). All ratios 1 gives the Fuss–Catalan law of order L. Solved in u = 1 + psi = zeta G
    (relative precision at the hard edge, where u -> 0):
        zeta = Z(u) = u prod_l (1 + y_l (u - 1)) / (u - 1),   f(x) = -Im u(x + i0) / (pi x)."""

    _sign = -1

    def __init__(self, ratios: ArrayLike) -> None:
        y = np.atleast_1d(np.asarray(ratios, dtype=float))
        if y.ndim != 1 or y.size == 0 or not np.all((y > 0) & (y <= 1)):
            raise InputError("ratios", f"got {y!r}", "one or more numbers in (0, 1]")
        self.ratios = y
        self._poly = np.array([0.0, 1.0])  # u prod_l (1 - y_l + y_l u)
        for yl in y:
            self._poly = P.polymul(self._poly, [1.0 - yl, yl])
        ones = int(np.sum(y == 1.0))
        self._edge_power = ones + 1 if ones else 1  # f ~ x^(-k/(k+1)) at 0 with k ratios 1
        self._scale = float(np.prod(1 + np.sqrt(y)) ** 2)
        self._tabulate()

    def __repr__(self) -> str:
        return f"MarchenkoPasturProduct(ratios={self.ratios.tolist()})"

    def _inverse(self, u):
        p0 = P.polyval(u, self._poly)
        p1 = P.polyval(u, P.polyder(self._poly))
        p2 = P.polyval(u, P.polyder(self._poly, 2))
        v = u - 1
        return p0 / v, (p1 * v - p0) / v**2, (p2 * v**2 - 2 * p1 * v + 2 * p0) / v**3

    def _far(self, zeta):
        return 1 + 1 / zeta

    def _density(self, u, x):
        return -u.imag / (np.pi * x)

    def _cauchy_from(self, u, zeta):
        """s(zeta) = -G(zeta) = -u / zeta."""
        return -u / zeta

    def _critical_polynomial(self):
        """(u - 1) P'(u) - P(u)."""
        return P.polysub(P.polymul([-1.0, 1.0], P.polyder(self._poly)), self._poly)

    def _moment(self, k: int) -> float:
        """Lagrange inversion of psi = z (1 + psi) prod_l (1 + y_l psi), psi = sum_k mu_k z^k,
        z = 1/zeta: E x^k = (1/k) [psi^{k-1}] ((1 + psi) prod_l (1 + y_l psi))^k."""
        poly = [Fraction(1), Fraction(1)]
        for yl in self.ratios:
            poly = _times(poly, [Fraction(1), Fraction(yl)])
        power = [Fraction(1)]
        for _ in range(k):
            power = _times(power, poly)
        return float(power[k - 1] / k)


def _times(p: list[Fraction], q: list[Fraction]) -> list[Fraction]:
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, pi in enumerate(p):
        for j, qj in enumerate(q):
            out[i + j] += pi * qj
    return out
