"""Tracy–Widom laws F_beta, beta = 1, 2, 4, of the rescaled largest eigenvalue of the Gaussian
orthogonal, unitary and symplectic ensembles (Tracy & Widom 1994, 1996).

All three come from one operator, B_t(x, y) = Ai(x + y + t) on L^2(0, inf) (Ferrari & Spohn
2005; Bornemann 2010, Markov Process. Related Fields 16, Sec. 3, eqs. (3.5)-(3.9)):
    F2(s) = det(I - K_Ai)_{L^2(s, inf)} = det(I - B_s^2) = det(I - B_s) det(I + B_s),
    F1(s) = det(I - B_s),
    F4(s) = (det(I - B_t) + det(I + B_t)) / 2,  t = sqrt(2) s.
F4 is in the convention of Tracy & Widom (1996), where the Painleve form reads
F4(s / sqrt 2) = cosh(mu(s) / 2) F2(s)^(1/2): mean -2.3068848932, variance 0.5177237208. The
other convention in use, F4(sqrt(2) s) of this one, has mean -3.2624 and variance 1.0354.

Each determinant is the Nyström determinant of Bornemann (2010, Math. Comp. 79, Sec. 4):
m-point Gauss–Legendre on (0, T), det(I - [w_i^1/2 B(x_i, x_j) w_j^1/2]), here through the
eigenvalues lambda_k of that symmetric matrix, so that 1 - F keeps its relative accuracy in the
right tail (1 - F1 = -expm1(sum log1p(-lambda_k)); 1 - F4 = -sum of the even elementary
symmetric polynomials of the lambda_k). The law (a :class:`~rmtcheck.laws.law.Law` on the
whole line) uses a piecewise Chebyshev interpolant of these values (of F far left, log F left
of s = -2, log(1 - F) right of it), built once per beta on first use.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from ..errors import InputError
from .law import Law

NODES = 56  # Gauss–Legendre nodes: converged to rounding level from 48 on (t in [-12, 23])
TRUNCATE = 16.0  # B_t is negligible (Ai(16) < 1e-19) past x + y + t = 16
_SPLIT = -2.0  # interpolate log F left of this point and log(1 - F) right of it
_RIGHT = 16.0  # right end of the interpolant: beyond it 1 - F is evaluated directly
_FAR = 120.0  # isf bracket end: sf_beta(120) < 1e-300
_PIECE = 3.0  # length of one Chebyshev piece (at most)
_DEGREE = 24  # degree on each piece
_CHUNK = 128  # Fredholm determinants per batched eigensolve

# (beta -> (lower end, end of the absolute-accuracy region)): left of the lower end
# F_beta < 1e-21 and the cdf is returned as 0; between the two, 1 - max lambda_k < 1e-8 and F
# (not log F) is interpolated.
_LEFT = {1: (-10.0, -8.0), 2: (-10.0, -8.0), 4: (-8.5, -8.0 / np.sqrt(2.0))}


def _check_beta(beta: object) -> int:
    if isinstance(beta, bool) or beta not in (1, 2, 4):
        raise InputError("beta", f"got {beta!r}", "1, 2 or 4")
    return int(beta)


def operator_eigenvalues(t: ArrayLike) -> np.ndarray:
    """Eigenvalues (shape t.shape + (NODES,)) of the Nyström matrix of B_t on L^2(0, inf):
    Gauss–Legendre on (0, T), T = max(TRUNCATE - t, 10) (Bornemann 2010, Math. Comp., eq. 4.3)."""
    from scipy.special import airy

    t = np.asarray(t, dtype=float)
    flat = t.ravel()
    u, w = np.polynomial.legendre.leggauss(NODES)
    upper = np.triu_indices(NODES)
    out = np.empty((flat.size, NODES))
    for start in range(0, flat.size, _CHUNK):
        tc = flat[start : start + _CHUNK]
        half = 0.5 * np.maximum(TRUNCATE - tc, 10.0)[:, None]
        x = half * (u + 1.0)
        sw = np.sqrt(half * w)
        # B_t is a Hankel kernel: Ai is needed at the m (m + 1) / 2 distinct sums x_i + x_j
        values = airy(x[:, upper[0]] + x[:, upper[1]] + tc[:, None])[0]
        kernel = np.empty((tc.size, NODES, NODES))
        kernel[:, upper[0], upper[1]] = values
        kernel[:, upper[1], upper[0]] = values
        out[start : start + tc.size] = np.linalg.eigvalsh(sw[:, :, None] * kernel * sw[:, None, :])
    return out.reshape(t.shape + (NODES,))


def _even_elementary_sum(lam: np.ndarray) -> np.ndarray:
    """sum_{k even >= 2} e_k(lambda) along the last axis (e_k: elementary symmetric
    polynomials), by the recursion e_k <- e_k + lambda_j e_{k-1}."""
    e = np.zeros(lam.shape[:-1] + (lam.shape[-1] + 1,))
    e[..., 0] = 1.0
    for j in range(lam.shape[-1]):
        e[..., 1 : j + 2] = e[..., 1 : j + 2] + lam[..., j, None] * e[..., : j + 1]
    return e[..., 2::2].sum(axis=-1)


def fredholm_values(s: ArrayLike, beta: int) -> dict[str, np.ndarray]:
    """Direct Fredholm evaluation at s: ``cdf`` (absolute accuracy ~1e-14), ``log_cdf`` (relative
    accuracy while 1 - max lambda_k >> 1e-16, i.e. t = s or sqrt(2) s above about -10) and
    ``sf`` = 1 - F_beta(s) (relative accuracy in the right tail)."""
    beta = _check_beta(beta)
    s = np.asarray(s, dtype=float)
    lam = operator_eigenvalues(np.sqrt(2.0) * s if beta == 4 else s)
    with np.errstate(invalid="ignore", divide="ignore"):
        minus = np.sum(np.log1p(-lam), axis=-1)  # log det(I - B)
        plus = np.sum(np.log1p(lam), axis=-1)  # log det(I + B)
        prod_minus = np.clip(np.prod(1.0 - lam, axis=-1), 0.0, None)
        prod_plus = np.clip(np.prod(1.0 + lam, axis=-1), 0.0, None)
        if beta == 1:
            log_cdf, cdf, sf = minus, prod_minus, -np.expm1(minus)
        elif beta == 2:
            log_cdf, cdf = minus + plus, prod_minus * prod_plus
            sf = -np.expm1(np.sum(np.log1p(-(lam**2)), axis=-1))
        else:
            log_cdf = np.logaddexp(minus, plus) - np.log(2.0)
            cdf, sf = 0.5 * (prod_minus + prod_plus), -_even_elementary_sum(lam)
    return {"cdf": cdf, "log_cdf": log_cdf, "sf": sf + 0.0}  # + 0.0: no -0.0 past underflow


class _Table:
    """Piecewise Chebyshev interpolant on [lower, _RIGHT]: per piece a kind (0: F, 1: log F,
    2: log(1 - F)), the coefficients of the value and of its derivative in s."""

    def __init__(self, beta: int) -> None:
        lower, absolute_end = _LEFT[beta]
        breaks, kinds = [], []
        for kind, (a, b) in enumerate(((lower, absolute_end), (absolute_end, _SPLIT),
                                       (_SPLIT, _RIGHT))):
            count = max(1, int(np.ceil((b - a) / _PIECE - 1e-9)))
            breaks.extend(np.linspace(a, b, count + 1)[:-1])
            kinds.extend([kind] * count)
        self.breaks = np.array(breaks + [_RIGHT])
        self.kinds = np.array(kinds)
        cheb = np.polynomial.chebyshev
        nodes = np.cos(np.pi * (np.arange(_DEGREE + 1) + 0.5) / (_DEGREE + 1))
        a, b = self.breaks[:-1, None], self.breaks[1:, None]
        points = 0.5 * (a + b) + 0.5 * (b - a) * nodes
        values = fredholm_values(points, beta)
        samples = np.select(
            [self.kinds[:, None] == 0, self.kinds[:, None] == 1],
            [values["cdf"], values["log_cdf"]],
            np.log(values["sf"]),
        )
        vander = cheb.chebvander(nodes, _DEGREE)
        coef = samples @ vander * (2.0 / (_DEGREE + 1))
        coef[:, 0] *= 0.5
        self.coef = coef
        self.dcoef = cheb.chebder(coef, axis=1) * (2.0 / (b - a))

    def evaluate(self, s: np.ndarray, derivative: bool) -> tuple[np.ndarray, ...]:
        """Kind, value and (optionally) derivative of the interpolant at s in [lower, _RIGHT]."""
        piece = np.clip(np.searchsorted(self.breaks, s, side="right") - 1, 0, self.kinds.size - 1)
        a, b = self.breaks[piece], self.breaks[piece + 1]
        u = (2.0 * s - a - b) / (b - a)
        value = _clenshaw(self.coef[piece], u)
        slope = _clenshaw(self.dcoef[piece], u) if derivative else None
        return self.kinds[piece], value, slope


def _clenshaw(c: np.ndarray, u: np.ndarray) -> np.ndarray:
    """sum_k c[:, k] T_k(u) for rows of coefficients c and points u (Clenshaw recurrence)."""
    b1 = np.zeros_like(u)
    b2 = np.zeros_like(u)
    for k in range(c.shape[1] - 1, 0, -1):
        b1, b2 = 2.0 * u * b1 - b2 + c[:, k], b1
    return u * b1 - b2 + c[:, 0]


@lru_cache(maxsize=3)
def _table(beta: int) -> _Table:
    return _Table(beta)


class TracyWidom(Law):
    """Tracy–Widom law F_beta for beta in {1, 2, 4} (F4 in Tracy & Widom's 1996 convention), a
    :class:`~rmtcheck.laws.law.Law` on the whole line: support() = (-inf, inf).

    Absolute cdf error below 1e-12 on [-8, 6] against 128-bit references; sf and isf keep their
    relative accuracy in the right tail. Left of the table (F_beta < 1e-21) cdf and pdf are 0,
    and from s = 120 on (sf_beta < 1e-300) sf and pdf are 0 (the pdf already where sf(s + h)
    underflows).
    """

    a = -np.inf
    b = np.inf

    def __init__(self, beta: int) -> None:
        self.beta = _check_beta(beta)
        self.lower = _LEFT[self.beta][0]

    def __repr__(self) -> str:
        return f"TracyWidom(beta={self.beta})"

    def _parts(self, s: np.ndarray, derivative: bool) -> dict[str, np.ndarray]:
        """cdf, sf (and pdf, logpdf) at finite s: table inside [lower, _RIGHT], direct Fredholm
        on (_RIGHT, _FAR), 0 left of the table and sf = 0 from _FAR on."""
        flat = s.ravel()
        cdf, sf = np.full(flat.shape, np.nan), np.full(flat.shape, np.nan)
        pdf, logpdf = np.full(flat.shape, np.nan), np.full(flat.shape, np.nan)
        left, right = flat < self.lower, flat > _RIGHT
        inside = ~(left | right)
        cdf[left], sf[left], pdf[left], logpdf[left] = 0.0, 1.0, 0.0, -np.inf
        if np.any(inside):
            kind, v, dv = _table(self.beta).evaluate(flat[inside], derivative)
            ev = np.exp(np.where(kind == 0, 0.0, v))
            cdf[inside] = np.select([kind == 0, kind == 1], [v, ev], -np.expm1(v))
            sf[inside] = np.select([kind == 0, kind == 1], [1.0 - v, -np.expm1(v)], ev)
            if derivative:
                with np.errstate(divide="ignore", invalid="ignore"):
                    slope = np.where(kind == 0, np.clip(dv, 0.0, None), np.abs(dv))
                    pdf[inside] = np.where(kind == 0, slope, ev * slope)
                    logpdf[inside] = np.where(kind == 0, np.log(slope), v + np.log(slope))
        if np.any(right):
            big = flat[right] >= _FAR
            at = np.where(big, _RIGHT, flat[right])
            h = 1e-3 * at
            steps = np.stack([at, at + h, at - h]) if derivative else at[None]
            tail, *around = fredholm_values(steps, self.beta)["sf"]  # one batched eigensolve
            sf[right] = np.where(big, 0.0, tail)
            cdf[right] = 1.0 - sf[right]
            if derivative:
                ahead, behind = around
                gone = big | (ahead == 0)  # sf underflows there: density below 1e-300
                with np.errstate(divide="ignore", invalid="ignore"):
                    # d log(1 - F)/ds by a central difference (relative error O(h^2)) beyond
                    # the table, where the density is below 1e-18
                    rate = np.log(ahead / behind) / (2 * h)
                    pdf[right] = np.where(gone, 0.0, -tail * rate)
                    logpdf[right] = np.where(gone, -np.inf, np.log(tail) + np.log(-rate))
        return {k: v.reshape(s.shape) for k, v in
                {"cdf": cdf, "sf": sf, "pdf": pdf, "logpdf": logpdf}.items()}

    def _cdf(self, s: np.ndarray) -> np.ndarray:
        return self._parts(s, False)["cdf"]

    def _sf(self, s: np.ndarray) -> np.ndarray:
        return self._parts(s, False)["sf"]

    def _pdf(self, s: np.ndarray) -> np.ndarray:
        """Density: derivative of the interpolant (f = F (log F)' or -(1 - F) (log(1 - F))')."""
        return self._parts(s, True)["pdf"]

    def _logpdf(self, s: np.ndarray) -> np.ndarray:
        return self._parts(s, True)["logpdf"]

    def _invert(self, q: np.ndarray, upper: bool) -> np.ndarray:
        """Bisection for cdf(s) = q (upper=False) or sf(s) = q (upper=True) in the bracket
        [lower, _RIGHT], widened to [_RIGHT, _FAR] for sf targets below sf(_RIGHT) (direct
        determinants there); q = 0 and 1 map to the infinite ends, and cdf targets below
        F(lower) < 1e-21 to the lower end."""
        far = (q < self.sf(_RIGHT)) if upper else np.zeros(q.shape, dtype=bool)
        lo = np.where(far, _RIGHT, self.lower)
        hi = np.where(far, _FAR, _RIGHT)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            below = self.sf(mid) > q if upper else self.cdf(mid) < q
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        out = 0.5 * (lo + hi)
        low_end, high_end = (q == 1, q == 0) if upper else (q == 0, q == 1)
        return np.where(low_end, -np.inf, np.where(high_end, np.inf, out))

    def _ppf(self, p: np.ndarray) -> np.ndarray:
        """Quantile by bisection on the cdf (upper half on the sf, for precision)."""
        upper = p > 0.5
        out = np.empty(p.shape)
        out[upper] = self._invert(1.0 - p[upper], True)
        out[~upper] = self._invert(p[~upper], False)
        return out

    def _isf(self, q: np.ndarray) -> np.ndarray:
        """Inverse survival function, sf(isf(q)) = q, by bisection on the sf."""
        return self._invert(q, True)

    def _moment(self, k: int) -> float:
        return _raw_moment(self.beta, k)


@lru_cache(maxsize=24)
def _raw_moment(beta: int, k: int) -> float:
    """int s^k f(s) ds by 40-point Gauss–Legendre on each piece of the table (the mass outside
    it is below 1e-18)."""
    breaks = _table(beta).breaks
    u, w = np.polynomial.legendre.leggauss(40)
    half = 0.5 * np.diff(breaks)[:, None]
    s = breaks[:-1, None] + half * (u + 1.0)
    return float(np.sum(half * w * s**k * TracyWidom(beta).pdf(s)))
