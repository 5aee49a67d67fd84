"""The law protocol: a base class whose public methods validate and broadcast, and whose
private hooks compute (the pattern of scipy.stats ``rv_continuous``), extended with atoms.

A law here is a probability measure on the real line made of a continuous part with a density
on the support [a, b] (``a``, ``b``, either may be infinite; a union of ``intervals()`` when it
has gaps) plus finitely many point masses ``atoms() -> [(location, mass), ...]`` (e.g. the mass
1 - 1/y at 0 of the Marchenko–Pastur law with ratio y > 1). A subclass sets ``a`` and ``b``
and writes

- ``_pdf(x)``: the density of the continuous part, called only for x in (a, b);
- optionally ``_cdf(x)`` (mass of the continuous part in [a, x]), ``_sf(x)``, ``_ppf(p)``
  (smallest x in [a, b] with ``_cdf(x) >= p``, p in [0, continuous mass]), ``_isf(q)`` (q in
  [0, 1], default ``ppf(1 - q)``; a law with an accurate upper tail inverts its ``_sf``),
  ``_logpdf``, ``_moment(k)`` (raw moment of the whole law, atoms included) and
  ``_rvs(size, rng)``; the defaults integrate ``_pdf`` numerically, bisect ``_cdf`` and invert
  uniforms. The bisection needs finite ends: a law with an infinite end writes its ``_ppf``.

The public methods, for every law: pdf, logpdf, cdf, logcdf, sf, logsf, ppf, isf, mean, var,
std, median, interval, moment, expect, entropy, support, atoms, stieltjes, rvs, to_scipy.
Conventions: the cdf includes each atom's jump (right-continuous); the pdf is the density of
the continuous part only; ppf(q) = inf{x : cdf(x) >= q}, so it returns an atom's location on
the whole jump and the left end of a flat stretch; moments, ``expect`` and ``rvs`` include the
atoms. NaN in gives NaN out; integers are accepted; outputs have the input's shape (a 0-d
input gives a NumPy scalar). A probability outside [0, 1] raises :class:`InputError`. A law
object is frozen: its parameters are fixed at construction and stored under names that never
shadow a method (the Marchenko–Pastur entry variance is ``scale``, since ``var()`` is the law's
variance).

Why not ``scipy.stats.rv_continuous`` or ``scipy.stats.make_distribution``: both describe a
measure with a density (rv_continuous's generic moments, ``expect``, entropy and sampling
integrate the pdf; make_distribution builds continuous or discrete families, not mixtures of
the two), while the spectral laws of random matrices routinely carry atoms (a rank-deficient
sample covariance has a point mass at 0). rv_continuous also passes the parameters on every
call and re-validates them, which fits cheap closed forms but not laws whose construction
solves an equation once (Fuss–Catalan tables, free convolutions). ``to_scipy()`` returns an
``rv_continuous`` instance for a law without atoms, for code that wants scipy's own methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import validate
from ..errors import InputError
from ..rng import as_generator

_BISECTIONS = 64
_QUAD = {"limit": 400, "epsabs": 1e-13, "epsrel": 1e-11}  # reachable in float64 at hard edges


def _theta_map(lo: float, hi: float, theta: Any) -> tuple[Any, Any]:
    """x(theta) for theta in (0, pi) and dx/dtheta. On a bounded [lo, hi]:
    x = lo + (hi - lo) sin^2(theta/2) = lo + (hi - lo)(1 - cos theta)/2, which removes
    square-root edges; an infinite end is reached by a tangent (unit length scale):
    x = lo + tan(theta/2), x = hi - cot(theta/2), or x = -cot(theta) on the whole line."""
    if np.isfinite(lo) and np.isfinite(hi):
        return lo + (hi - lo) * np.sin(theta / 2) ** 2, (hi - lo) / 2 * np.sin(theta)
    if np.isfinite(lo):
        return lo + np.tan(theta / 2), 0.5 / np.cos(theta / 2) ** 2
    if np.isfinite(hi):
        return hi - 1.0 / np.tan(theta / 2), 0.5 / np.sin(theta / 2) ** 2
    return -1.0 / np.tan(theta), 1.0 / np.sin(theta) ** 2


class Law(ABC):
    """Base class of the laws: a continuous part on [a, b] plus ``atoms()``."""

    a: float
    b: float

    # -- hooks a subclass may override -------------------------------------------------------
    def atoms(self) -> list[tuple[float, float]]:
        """Point masses as (location, mass) pairs (none by default)."""
        return []

    def intervals(self) -> list[tuple[float, float]]:
        """The support of the continuous part as disjoint closed intervals (default [a, b])."""
        return [(self.a, self.b)]

    @abstractmethod
    def _pdf(self, x: np.ndarray) -> np.ndarray:
        """Density of the continuous part at x in (a, b): the one hook every law writes."""

    def _logpdf(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self._pdf(x))

    def _cdf(self, x: np.ndarray) -> np.ndarray:
        """Mass of the continuous part in [a, x] by adaptive quadrature of ``_pdf``."""
        from scipy.integrate import quad

        out = np.empty(x.shape)
        for i, xi in enumerate(x.flat):
            out.flat[i] = sum(quad(lambda t: float(self._pdf(np.asarray(t))), lo, min(hi, xi),
                                   **_QUAD)[0]
                              for lo, hi in self.intervals() if lo < xi)
        return out

    def _sf(self, x: np.ndarray) -> np.ndarray:
        return self.continuous_mass() - self._cdf(x)

    def _ppf(self, p: np.ndarray) -> np.ndarray:
        """inf{x in [a, b] : _cdf(x) >= p} by vectorised bisection."""
        lo = np.full(p.shape, float(self.a))
        hi = np.full(p.shape, float(self.b))
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            below = self._cdf(mid) < p
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return np.where(p <= 0, self.a, np.where(p >= self.continuous_mass(), self.b, hi))

    def _moment(self, k: int) -> float:
        return self.expect(lambda x: x**k)

    def _integrate(self, func, lo: float, hi: float) -> float:
        """int_lo^hi func(x) pdf(x) dx, adaptive quadrature in theta, x = x(theta); points where
        the density is 0 contribute 0 (so 0 log 0 = 0 in the entropy)."""
        from scipy.integrate import quad

        def integrand(theta: float) -> float:
            x, dx = _theta_map(lo, hi, theta)
            density = self.pdf(x) if lo < x < hi else 0.0
            return float(func(x) * density) * dx if density > 0 else 0.0

        return quad(integrand, 0.0, np.pi, **_QUAD)[0]

    def _isf(self, q: np.ndarray) -> np.ndarray:
        return self._quantile(1.0 - q)

    def _rvs(self, size: int | tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        return self.ppf(rng.random(size))

    # -- support and masses ------------------------------------------------------------------
    def support(self) -> tuple[float, float]:
        """Edges (a, b) of the continuous part (atoms may lie outside, see ``atoms()``)."""
        return float(self.a), float(self.b)

    def continuous_mass(self) -> float:
        """1 - total mass of the atoms."""
        return 1.0 - sum(mass for _, mass in self.atoms())

    def _ends(self) -> tuple[float, float]:
        places = [self.a, self.b] + [c for c, _ in self.atoms()]
        return float(min(places)), float(max(places))

    # -- densities and distribution functions ------------------------------------------------
    @staticmethod
    def _points(x: ArrayLike) -> np.ndarray:
        return np.asarray(x, dtype=float)

    def _inside(self, x: np.ndarray, hook, outside: float) -> np.ndarray:
        """hook(x) on (a, b), ``outside`` elsewhere, NaN on NaN."""
        out = np.full(x.shape, outside)
        inside = (x > self.a) & (x < self.b)
        if inside.any():
            out[inside] = hook(x[inside])
        out[np.isnan(x)] = np.nan
        return out

    def _atom_mass(self, x: np.ndarray, below: bool) -> np.ndarray:
        """Mass of the atoms at <= x (``below``) or > x."""
        out = np.zeros(x.shape)
        for c, mass in self.atoms():
            out += mass * ((c <= x) if below else (c > x))
        return out

    def pdf(self, x: ArrayLike) -> np.ndarray:
        """Density of the continuous part (atoms excluded; 0 outside (a, b))."""
        return self._inside(self._points(x), self._pdf, 0.0)[()]

    def logpdf(self, x: ArrayLike) -> np.ndarray:
        """log pdf (-inf outside the support)."""
        return self._inside(self._points(x), self._logpdf, -np.inf)[()]

    def cdf(self, x: ArrayLike) -> np.ndarray:
        """P(X <= x), atoms included."""
        x = self._points(x)
        cont = self._inside(x, self._cdf, 0.0)
        cont = np.where(x >= self.b, self.continuous_mass(), cont)
        return np.clip(cont + self._atom_mass(x, below=True), 0.0, 1.0)[()]

    def sf(self, x: ArrayLike) -> np.ndarray:
        """P(X > x), atoms included."""
        x = self._points(x)
        cont = self._inside(x, self._sf, 0.0)
        cont = np.where(x <= self.a, self.continuous_mass(), cont)
        return np.clip(cont + self._atom_mass(x, below=False), 0.0, 1.0)[()]

    def logcdf(self, x: ArrayLike) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.cdf(x))

    def logsf(self, x: ArrayLike) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.sf(x))

    @staticmethod
    def _probabilities(name: str, q: ArrayLike) -> np.ndarray:
        q = np.asarray(q, dtype=float)
        bad = ~np.isnan(q) & ~((q >= 0) & (q <= 1))
        if bad.any():
            raise InputError(name, f"got {q[bad].flat[0]!r}", "probability in [0, 1]")
        return q

    def _quantiles(self, q: ArrayLike, hook) -> np.ndarray:
        """hook(q) on the probabilities q, NaN on NaN."""
        q = self._probabilities("q", q)
        out = np.full(q.shape, np.nan)
        ok = ~np.isnan(q)
        out[ok] = hook(q[ok])
        return out[()]

    def ppf(self, q: ArrayLike) -> np.ndarray:
        """Quantile inf{x : cdf(x) >= q}: an atom's location on its jump (q in (F(c-), F(c)])."""
        return self._quantiles(q, self._quantile)

    def _quantile(self, q: np.ndarray) -> np.ndarray:
        out = np.empty(q.shape)
        done = q <= 0
        out[done] = self._ends()[0]
        below = np.zeros(q.shape)  # mass of the atoms strictly below the answer
        for c, mass in self.atoms():
            top = float(self.cdf(c))
            hit = ~done & (q > top - mass) & (q <= top)
            out[hit] = c
            done |= hit
            below += np.where(q > top, mass, 0.0)
        rest = ~done
        p = np.clip(q[rest] - below[rest], 0.0, self.continuous_mass())
        out[rest] = self._ppf(p)
        return out

    def isf(self, q: ArrayLike) -> np.ndarray:
        """Inverse survival function, ppf(1 - q) unless the law inverts its sf (``_isf``)."""
        return self._quantiles(q, self._isf)

    # -- summaries ---------------------------------------------------------------------------
    def moment(self, k: int) -> float:
        """Raw moment E X^k (atoms included; E X^0 = 1)."""
        k = validate.integer("k", k, 0)
        return 1.0 if k == 0 else float(self._moment(k))

    def mean(self) -> float:
        return self.moment(1)

    def var(self) -> float:
        """Variance of the law, E X^2 - (E X)^2."""
        return self.moment(2) - self.moment(1) ** 2

    def std(self) -> float:
        return float(np.sqrt(self.var()))

    def median(self) -> float:
        return float(self.ppf(0.5))

    def interval(self, confidence: float) -> tuple[float, float]:
        """Equal-tailed interval (ppf((1 - c)/2), ppf((1 + c)/2)) holding ``confidence``."""
        c = validate.probability("confidence", confidence)
        return float(self.ppf((1 - c) / 2)), float(self.ppf((1 + c) / 2))

    def expect(self, func=None, lb: float | None = None, ub: float | None = None,
               conditional: bool = False) -> float:
        """E[func(X); lb <= X <= ub] (divided by P(lb <= X <= ub) when ``conditional``):
        ``_integrate`` of func * pdf on each support interval plus the atoms."""
        func = (lambda x: x * 0.0 + 1.0) if func is None else func
        lo_b = -np.inf if lb is None or lb == -np.inf else validate.real("lb", lb)
        hi_b = np.inf if ub is None or ub == np.inf else validate.real("ub", ub)
        total = sum(mass * float(func(c)) for c, mass in self.atoms() if lo_b <= c <= hi_b)
        mass_in = sum(mass for c, mass in self.atoms() if lo_b <= c <= hi_b)
        for lo, hi in self.intervals():
            lo, hi = max(lo, lo_b), min(hi, hi_b)
            if lo < hi:
                total += self._integrate(func, lo, hi)
                mass_in += float(self.cdf(hi) - self.cdf(lo)) + sum(
                    mass for c, mass in self.atoms() if c == lo)
        return total / mass_in if conditional else total

    def entropy(self) -> float:
        """Differential entropy -int f log f of a law without atoms; -inf with atoms (the
        limit of the entropy of ever narrower densities standing in for the atoms)."""
        if self.atoms():
            return -np.inf
        return self.expect(lambda x: -self.logpdf(x))

    def stieltjes(self, z: ArrayLike) -> np.ndarray:
        """s(z) = int dmu(l) / (l - z) for z off the support: ``expect`` of its real and
        imaginary parts (atoms included)."""
        z = np.asarray(z, dtype=complex)
        out = np.zeros(z.shape, dtype=complex)
        for i, zi in enumerate(z.flat):
            out.flat[i] = (self.expect(lambda x, zi=zi: np.real(1 / (x - zi)))
                           + 1j * self.expect(lambda x, zi=zi: np.imag(1 / (x - zi))))
        return out[()]

    # -- sampling and interoperability -------------------------------------------------------
    def rvs(self, size: int | tuple[int, ...] = 1, random_state: Any = None, *,
            rng: Any = None) -> np.ndarray:
        """I.i.d. draws from the law (atoms included). ``rng`` or ``random_state``: a
        Generator, an int seed or None."""
        if rng is not None and random_state is not None:
            raise InputError("rng", "given together with random_state", "one of the two")
        return self._rvs(size, as_generator(rng if rng is not None else random_state))

    def to_scipy(self):
        """A ``scipy.stats.rv_continuous`` instance with this law's pdf, cdf, sf, ppf and
        moments (laws without atoms only); scipy's generic expect, entropy and fit apply."""
        if self.atoms():
            raise InputError("law", f"{self!r} has atoms", "a law without atoms")
        from scipy import stats

        law = self

        class _Adapter(stats.rv_continuous):
            def _pdf(self, x):
                return law.pdf(x)

            def _cdf(self, x):
                return law.cdf(x)

            def _sf(self, x):
                return law.sf(x)

            def _ppf(self, q):
                return law.ppf(q)

            def _munp(self, k):
                return law.moment(int(k))

        return _Adapter(a=self.a, b=self.b, name=type(self).__name__)
