"""Spectra of symmetric tridiagonal matrices by Sturm counts, without eigenvalues.

For T with diagonal d and off-diagonal e, the number of eigenvalues below x is the number of
negative pivots of the LDL^T factorization of T - x I (Sylvester's law of inertia):
    q_1 = d_1 - x,  q_i = d_i - x - e_{i-1}^2 / q_{i-1},  N(x) = #{i : q_i < 0},
with a pivot |q_i| <= pivmin replaced by -pivmin, pivmin = tiny * max(1, max e_i^2) (LAPACK
dstebz; Kahan 1966). In floating point this count is exact for a matrix within a few ulps
of T entrywise (Demmel, Dhillon & Ren 1995, ETNA 3). One count costs O(m); many points are
counted in one parallel Numba pass, vectorised across points.

KS bracket. Let F_n be the empirical CDF of the m eigenvalues (plus ``total - m`` exact
zeros, for the rank-deficient Wishart case) and F a continuous law on (0, inf) with
matching atom at 0. On a grid lo = x_0 < ... < x_K = hi with lo <= min(lambda_min, a),
hi >= max(lambda_max, b) (both ends checked by counts), write c_i = N(x_i)/total, which lies
in [F_n(x_i^-), F_n(x_i)] (an eigenvalue exactly at x_i may be counted, through a zero pivot,
or not). Monotonicity of F_n and F gives, for x in (x_i, x_{i+1}),
    c_i <= F_n(x) <= c_{i+1},  F(x_i) <= F(x) <= F(x_{i+1}),
so with D = sup |F_n - F|:
    L = max_i |c_i - F(x_i)|  <=  D  <=  U = max(L, max_i max(c_{i+1} - F(x_i), F(x_{i+1}) - c_i)),
as |c_i - F(x_i)| is at most the larger of |F_n - F| at x_i and its left limit. Cells whose
bound exceeds L + width are halved until U - L <= width. The bracket is rigorous for the
matrix within a few ulps of T for which the counts are exact, and up to the rounding of F.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from .. import validate
from ..errors import InputError

_TINY = np.finfo(np.float64).tiny
_EPS = np.finfo(np.float64).eps
_LANES = 64  # points counted together by one thread (the vectorised inner loop)


@numba.njit(parallel=True, cache=True)
def _counts(d, e2, x, pivmin, out):  # noqa: ANN001, ANN202 - numba kernel
    """out[k] = number of negative LDL^T pivots of T - x[k] I."""
    m, points = d.size, x.size
    for chunk in numba.prange((points + _LANES - 1) // _LANES):
        lo = chunk * _LANES
        width = min(points, lo + _LANES) - lo
        xs = x[lo : lo + width].copy()
        q = np.empty(width)
        cnt = np.zeros(width, dtype=np.int64)
        for k in range(width):
            t = d[0] - xs[k]
            if abs(t) <= pivmin:
                t = -pivmin
            q[k] = t
            cnt[k] += t < 0.0
        for i in range(1, m):
            di = d[i]
            ei = e2[i - 1]
            for k in range(width):
                t = di - xs[k] - ei / q[k]
                if abs(t) <= pivmin:
                    t = -pivmin
                q[k] = t
                cnt[k] += t < 0.0
        out[lo : lo + width] = cnt


class Tridiagonal:
    """A symmetric tridiagonal matrix (diagonal ``d``, off-diagonal ``e``) for Sturm counts."""

    def __init__(self, d: Any, e: Any) -> None:
        self.d = np.ascontiguousarray(d, dtype=np.float64)
        e = np.ascontiguousarray(e, dtype=np.float64)
        if self.d.ndim != 1 or self.d.size == 0 or e.shape != (self.d.size - 1,):
            raise InputError("d, e", f"lengths {self.d.size}, {e.size}", "len(e) = len(d) - 1 >= 0")
        if not (np.all(np.isfinite(self.d)) and np.all(np.isfinite(e))):
            raise InputError("d, e", "contain NaN or inf", "finite entries")
        self.e2 = e * e
        self.pivmin = _TINY * max(1.0, float(self.e2.max(initial=0.0)))
        abs_e = np.abs(e)
        radius = np.zeros(self.d.size)
        radius[:-1] += abs_e
        radius[1:] += abs_e
        lo, hi = float(np.min(self.d - radius)), float(np.max(self.d + radius))
        slack = 2.0 * _EPS * self.d.size * max(abs(lo), abs(hi)) + 4.0 * self.pivmin
        self.gershgorin = (lo - slack, hi + slack)  # widened as in LAPACK dstebz

    @property
    def size(self) -> int:
        return self.d.size

    def counts(self, x: Any) -> np.ndarray:
        """N(x): number of eigenvalues below each point of ``x`` (any shape)."""
        x = np.asarray(x, dtype=np.float64)
        if not np.all(np.isfinite(x)):
            raise InputError("x", "contains NaN or inf", "finite points")
        flat = np.ascontiguousarray(x.ravel())
        out = np.empty(flat.size, dtype=np.int64)
        _counts(self.d, self.e2, flat, self.pivmin, out)
        return out.reshape(x.shape)

    def eigenvalue_brackets(self, index: Any, *, sections: int = 15) -> np.ndarray:
        """[low, high] with N(low) <= j < N(high) for each 0-based ascending index j, by
        parallel multisection (``sections`` points per interval and pass) down to a few ulps."""
        j = np.atleast_1d(np.asarray(index, dtype=np.int64))
        if np.any((j < 0) | (j >= self.size)):
            raise InputError("index", f"got {j.tolist()}", f"integers in [0, {self.size - 1}]")
        lo = np.full(j.size, self.gershgorin[0])
        hi = np.full(j.size, self.gershgorin[1])
        frac = np.arange(1, sections + 1) / (sections + 1)
        for _ in range(64):
            tol = 4.0 * _EPS * np.maximum(np.abs(lo), np.abs(hi)) + 2.0 * self.pivmin
            if np.all(hi - lo <= tol):
                break
            pts = lo[:, None] + (hi - lo)[:, None] * frac[None, :]
            below = self.counts(pts) <= j[:, None]  # eigenvalue j lies at or above pts
            last = below.sum(axis=1)  # points with N <= j form a prefix (N is monotone)
            lo = np.where(last > 0, pts[np.arange(j.size), np.maximum(last - 1, 0)], lo)
            top = pts[np.arange(j.size), np.minimum(last, sections - 1)]
            hi = np.where(last < sections, top, hi)
        return np.stack([lo, hi], axis=1)

    def extreme_eigenvalues(self, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(k smallest, k largest) eigenvalues, ascending, to a few ulps by multisection."""
        k = validate.integer("k", k, 1, self.size)
        idx = np.concatenate([np.arange(k), np.arange(self.size - k, self.size)])
        mid = self.eigenvalue_brackets(idx).mean(axis=1)
        return mid[:k], mid[k:]


def ks_bracket(
    tri: Tridiagonal,
    law: Any,
    *,
    total: int | None = None,
    width: float = 1e-3,
    max_rounds: int = 60,
) -> dict[str, Any]:
    """Rigorous bracket [ks_low, ks_high] on sup |F_n - F| between the spectrum of ``tri``
    (with ``total - size`` extra zero eigenvalues) and ``law`` (``cdf``, a finite
    ``support()`` and optionally ``ppf``; an atom only at 0, matching the zeros), refined
    until ks_high - ks_low <= ``width`` (see the module doc)."""
    width = validate.real("width", width, 0.0, 1.0, open_lo=True)
    m = tri.size
    total = m if total is None else validate.integer("total", total, m)
    zeros = total - m
    ends = tri.eigenvalue_brackets([0, m - 1])
    lam_min_low, lam_max_high = float(ends[0, 0]), float(ends[1, 1])
    edge_lo, edge_hi = (float(v) for v in law.support())
    if not (math.isfinite(edge_lo) and math.isfinite(edge_hi)):
        raise InputError("law", "support is not bounded", "a law with a finite support()")
    lo = min(lam_min_low, edge_lo)
    if zeros and lo <= 0.0:
        raise InputError("total", "extra zero eigenvalues need a spectrum and law above 0", "")
    hi = max(lam_max_high, edge_hi)
    cells = max(2, min(math.ceil(2.0 / width), 4 * total))  # then refined where needed
    if hasattr(law, "ppf"):
        inner = np.asarray(law.ppf(np.arange(1, cells) / cells), dtype=float)
        inner = inner[(inner > lo) & (inner < hi)]
    else:
        inner = np.linspace(lo, hi, cells + 1)[1:-1]
    x = np.unique(np.concatenate([[lo, hi], inner]))
    c = (tri.counts(x) + zeros) / total
    if c[0] != zeros / total or c[-1] != 1.0:
        raise RuntimeError("grid ends do not enclose the spectrum")  # pragma: no cover
    f = np.asarray(law.cdf(x), dtype=float)
    for rounds in range(max_rounds + 1):
        low = float(np.max(np.abs(c - f)))
        cell = np.maximum(c[1:] - f[:-1], f[1:] - c[:-1])
        high = max(low, float(cell.max()))
        if high - low <= width or rounds == max_rounds:
            break
        split = np.nonzero(cell > low + width)[0]
        mids = 0.5 * (x[split] + x[split + 1])
        mids = mids[(mids > x[split]) & (mids < x[split + 1])]
        if mids.size == 0:
            break
        x_new = np.concatenate([x, mids])
        order = np.argsort(x_new, kind="stable")
        c = np.concatenate([c, (tri.counts(mids) + zeros) / total])[order]
        f = np.concatenate([f, np.asarray(law.cdf(mids), dtype=float)])[order]
        x = x_new[order]
    return {
        "lambda_min": float(ends[0].mean()),
        "lambda_max": float(ends[1].mean()),
        "ks_low": low,
        "ks_high": high,
        "converged": high - low <= width,
        "points": int(x.size),
        "rounds": rounds,
    }


def mp_check_tridiagonal(
    p: int,
    n: int,
    rng: np.random.Generator | int | None = None,
    *,
    var: float = 1.0,
    width: float = 1e-3,
    beta: int = 1,
) -> dict[str, Any]:
    """Marchenko–Pastur check of the spectrum of S = X X^* / n, X p x n Gaussian, from the
    Dumitriu–Edelman tridiagonal model (O(p) memory, O(p) per Sturm count): a rigorous
    bracket [ks_low, ks_high] on the KS distance to MP(p/n, var), of width <= ``width``, and
    the extreme eigenvalues of the nonzero part (lambda_min, lambda_max) against the edges."""
    from ..ensembles.laguerre import laguerre_tridiagonal  # noqa: PLC0415
    from ..laws.marchenko_pastur import MarchenkoPastur  # noqa: PLC0415

    var = validate.positive("var", var)
    d, e = laguerre_tridiagonal(p, n, rng, beta=beta)
    d *= var / n
    e *= var / n
    law = MarchenkoPastur(p / n, var)
    result = ks_bracket(Tridiagonal(d, e), law, total=p, width=width)
    return {
        "p": p,
        "n": n,
        "ratio": p / n,
        "var": var,
        "edge_low": float(law.a),
        "edge_high": float(law.b),
        **result,
    }
