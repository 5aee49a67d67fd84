"""Dumitriu–Edelman tridiagonal beta-Laguerre model (J. Math. Phys. 43, 5830 (2002), Thm 3.4).

For X p x n Gaussian (beta = 1 real, 2 complex, p <= n) the eigenvalues of X X^* have the law
of those of B B^T, B lower bidiagonal with
    B_ii = chi_{beta (n - i)} / sqrt(beta),  B_{i+1,i} = chi_{beta (p - 1 - i)} / sqrt(beta),
so sampling the spectrum of S = X X^* / n costs O(p) draws and an O(p^2) tridiagonal
eigensolve (LAPACK dsterf) instead of an O(p^2 n) product and an O(p^3) dense solve.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigvalsh_tridiagonal, lapack

from .. import budget, validate
from ..rng import as_generator


def laguerre_tridiagonal(
    p: int, n: int, rng: np.random.Generator | int | None = None, *, beta: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal and off-diagonal of T = B B^T (size min(p, n)), whose eigenvalues are those of
    X X^* for Gaussian X (p x n), nonzero part."""
    p = validate.integer("p", p, 1)
    n = validate.integer("n", n, 1)
    beta = validate.integer("beta", beta, 1, 2)
    gen = as_generator(rng)
    # six length-m float arrays here, and the p eigenvalues with their zeros in the callers
    budget.require_memory("p", 48 * min(p, n) + 24 * p, f"the tridiagonal model at p={p}")
    m, k = min(p, n), max(p, n)
    i = np.arange(m)
    diag = np.sqrt(gen.chisquare(beta * (k - i)) / beta)
    sub = np.sqrt(gen.chisquare(beta * (m - 1 - i[:-1])) / beta) if m > 1 else np.zeros(0)
    d = diag**2
    d[1:] += sub**2
    return d, diag[:-1] * sub


def laguerre_eigvalsh(
    p: int,
    n: int,
    rng: np.random.Generator | int | None = None,
    *,
    beta: int = 1,
    var: float = 1.0,
) -> np.ndarray:
    """Ascending eigenvalues of S = X X^* / n for Gaussian X (p x n), in O(p^2) time.

    When p > n the last p - n eigenvalues of the rank-n matrix are exact zeros.
    """
    var = validate.positive("var", var)
    d, e = laguerre_tridiagonal(p, n, rng, beta=beta)
    vals, info = lapack.dsterf(d, e)
    if info != 0:  # pragma: no cover - LAPACK convergence failure
        raise RuntimeError(f"dsterf failed to converge (info={info})")
    vals = np.sort(vals) * (var / n)
    if p > n:
        vals = np.concatenate([np.zeros(p - n), np.clip(vals, 0.0, None)])
    return vals


def laguerre_top_eigenvalue(
    p: int, n: int, rng: np.random.Generator | int | None = None, *, beta: int = 1
) -> float:
    """lambda_max(X X^* / n) for Gaussian X by bisection on the tridiagonal model (LAPACK
    stebz), O(p) per bisection step: edge statistics at sizes out of reach of a dense solve."""
    d, e = laguerre_tridiagonal(p, n, rng, beta=beta)
    m = d.size
    top = eigvalsh_tridiagonal(d, e, select="i", select_range=(m - 1, m - 1))
    return float(top[0]) / n
