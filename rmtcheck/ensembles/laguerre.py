"""Dumitriu–Edelman tridiagonal beta-Laguerre model (J. Math. Phys. 43, 5830 (2002), Thm 3.4).

For X p x n Gaussian (beta = 1 real, 2 complex, p <= n) the eigenvalues of X X^* have the law
of those of B B^T, B lower bidiagonal with
    B_ii = chi_{beta (n - i)} / sqrt(beta),  B_{i+1,i} = chi_{beta (p - 1 - i)} / sqrt(beta),
so sampling the spectrum of S = X X^* / n costs O(p) draws and an O(p^2) tridiagonal
eigensolve (LAPACK dsterf) instead of an O(p^2 n) product and an O(p^3) dense solve.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

from .. import validate
from ..rng import as_generator


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
    p = validate.integer("p", p, 1)
    n = validate.integer("n", n, 1)
    beta = validate.integer("beta", beta, 1, 2)
    var = validate.positive("var", var)
    gen = as_generator(rng)
    m, k = min(p, n), max(p, n)
    i = np.arange(m)
    diag = np.sqrt(gen.chisquare(beta * (k - i)) / beta)
    sub = np.sqrt(gen.chisquare(beta * (m - 1 - i[:-1])) / beta) if m > 1 else np.zeros(0)
    d = diag**2
    d[1:] += sub**2
    e = diag[:-1] * sub
    vals, info = lapack.dsterf(d, e)
    if info != 0:  # pragma: no cover - LAPACK convergence failure
        raise RuntimeError(f"dsterf failed to converge (info={info})")
    vals = np.sort(vals) * (var / n)
    if p > n:
        vals = np.concatenate([np.zeros(p - n), np.clip(vals, 0.0, None)])
    return vals
