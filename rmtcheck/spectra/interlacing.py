"""Exact eigenvalue inequalities, each returning the worst margin (>= 0 iff it holds).

Eigenvalues are sorted descending, lambda_1 >= ... >= lambda_n (Horn & Johnson, Matrix
Analysis, 2nd ed.: Cauchy interlacing Thm 4.3.17 / 4.3.28, Weyl Thm 4.3.1, rank-r
perturbation Cor. 4.3.5 and Thm 4.3.4).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import validate
from ..errors import InputError


def _desc(values: Any, name: str) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise InputError(name, "empty or contains NaN/inf", "a finite, non-empty spectrum")
    return np.sort(x)[::-1]


def cauchy_interlacing_margin(full: Any, sub: Any) -> float:
    """Compression of an n x n Hermitian A to m dimensions (principal submatrix or V^T A V,
    V with orthonormal columns): lambda_i(A) >= mu_i >= lambda_{i+n-m}(A), i = 1..m."""
    lam, mu = _desc(full, "full"), _desc(sub, "sub")
    n, m = lam.size, mu.size
    if m > n:
        raise InputError("sub", f"has {m} eigenvalues, more than the full matrix ({n})", f"<= {n}")
    upper = lam[:m] - mu
    lower = mu - lam[n - m :]
    return float(min(upper.min(), lower.min()))


compression_interlacing_margin = cauchy_interlacing_margin


def weyl_margin(a: Any, b: Any, a_plus_b: Any) -> float:
    """Weyl: lambda_{i+j-1}(A+B) <= lambda_i(A) + lambda_j(B) and
    lambda_{i+j-n}(A+B) >= lambda_i(A) + lambda_j(B) for all admissible i, j."""
    la, lb, lc = _desc(a, "a"), _desc(b, "b"), _desc(a_plus_b, "a_plus_b")
    n = la.size
    if lb.size != n or lc.size != n:
        raise InputError("spectra", "have different lengths", "three spectra of equal length")
    idx = np.arange(n)
    i, j = np.meshgrid(idx, idx, indexing="ij")
    s = la[i] + lb[j]
    up = i + j  # 0-based index of lambda_{i+j-1}
    ok_up = up < n
    upper = (s - lc[np.minimum(up, n - 1)])[ok_up]
    lo = i + j - (n - 1)  # 0-based index of lambda_{i+j-n}
    ok_lo = lo >= 0
    lower = (lc[np.maximum(lo, 0)] - s)[ok_lo]
    return float(min(upper.min(), lower.min()))


def rank_r_psd_interlacing_margin(a: Any, a_plus_p: Any, rank: int) -> float:
    """A + P with P PSD of rank r: lambda_i(A) <= lambda_i(A+P) <= lambda_{i-r}(A)
    (the upper bound for i > r); r = 1 gives the rank-one update interlacing."""
    la, lb = _desc(a, "a"), _desc(a_plus_p, "a_plus_p")
    if la.size != lb.size:
        raise InputError("spectra", "have different lengths", "two spectra of equal length")
    r = validate.integer("rank", rank, 0, la.size)
    margins = [np.min(lb - la)]
    if r < la.size:
        margins.append(np.min(la[: la.size - r] - lb[r:]))
    return float(min(margins))


def rank_one_update_margin(a: Any, a_plus_vvt: Any) -> float:
    """Rank-one PSD update A + v v^T: the r = 1 case of the rank-r interlacing."""
    return rank_r_psd_interlacing_margin(a, a_plus_vvt, 1)
