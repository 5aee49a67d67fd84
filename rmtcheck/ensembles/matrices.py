"""Rectangular random matrices with i.i.d. standardized entries and sample covariances.

Entry laws (mean 0, variance 1, finite fourth moment, for universality checks):
gaussian; rademacher (+-1); uniform on [-sqrt 3, sqrt 3]; student_t with df > 4, scaled by
sqrt((df - 2) / df). Kurtosis E x^4: 3, 1, 9/5, 3 + 6/(df - 4).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import budget, validate
from ..backend import get_backend, to_numpy
from ..rng import as_generator
from .lapack import eigvalsh_overwrite

ENTRY_LAWS = ("gaussian", "rademacher", "uniform", "student_t")


def fourth_moment(law: str, df: float = 8.0) -> float:
    """E x^4 of the standardized entry law."""
    validate.choice("law", law, ENTRY_LAWS)
    if law == "student_t":
        df = validate.real("df", df, 4.0, None, open_lo=True)
        return 3.0 + 6.0 / (df - 4.0)
    return {"gaussian": 3.0, "rademacher": 1.0, "uniform": 9.0 / 5.0}[law]


def random_matrix(
    p: int,
    n: int,
    law: str = "gaussian",
    rng: np.random.Generator | int | None = None,
    *,
    var: float = 1.0,
    df: float = 8.0,
    dtype: Any = np.float64,
) -> Any:
    """A p x n matrix with i.i.d. entries of mean 0 and variance ``var`` from ``law``.

    Draws on the host with the given generator (so results are backend-independent) and
    moves the result to the active backend.
    """
    p = validate.integer("p", p, 1)
    n = validate.integer("n", n, 1)
    validate.choice("law", law, ENTRY_LAWS)
    scale = np.sqrt(validate.positive("var", var))
    dtype = validate.real_dtype("dtype", dtype)
    gen = as_generator(rng)
    budget.require_memory("p", budget.dense_matrix_bytes(p, n, law), f"a {p} x {n} matrix")
    if law == "gaussian":
        x = gen.standard_normal((p, n), dtype=np.float64)
    elif law == "rademacher":
        x = gen.integers(0, 2, size=(p, n), dtype=np.int8).astype(np.float64) * 2.0 - 1.0
    elif law == "uniform":
        x = gen.uniform(-np.sqrt(3.0), np.sqrt(3.0), size=(p, n))
    else:
        df = validate.real("df", df, 4.0, None, open_lo=True)
        x = gen.standard_t(df, size=(p, n)) * np.sqrt((df - 2.0) / df)
    if scale != 1.0:
        x *= scale
    xp = get_backend()
    return xp.asarray(x, dtype=dtype)


def sample_covariance(x: Any) -> Any:
    """S = X X^T / n for a p x n data matrix X (one GEMM, symmetric by construction)."""
    s = x @ x.T  # BLAS recognises A A^T (syrk): the result is exactly symmetric
    s /= x.shape[1]
    return s


def wishart_eigvalsh(x: Any) -> np.ndarray:
    """Ascending eigenvalues of X X^T / n (length p), via the smaller Gram matrix.

    ``x`` is a real 2-D array (integers are cast; complex, sparse or non-finite input is
    refused). When p > n the p - n trailing zeros are exact (the rank is n), the nonzero
    eigenvalues are those of X^T X / n. On the host the Gram matrix is one BLAS syrk (p^2 n
    flops, lower triangle, the 1/n folded into alpha, Fortran order so LAPACK takes it without
    a copy), then the in-place two-stage eigensolver :func:`.lapack.eigvalsh_overwrite`.
    """
    xp = get_backend()
    x = validate.matrix("x", x, xp)
    p, n = x.shape
    budget.require_memory("x", budget.wishart_bytes(p, n),
                          f"the Gram matrix of a {p} x {n} matrix and its eigensolver")
    if xp is np and x.dtype in (np.float32, np.float64):
        from scipy.linalg.blas import get_blas_funcs  # noqa: PLC0415

        a = x.T if x.flags.c_contiguous else np.asfortranarray(x).T  # n x p, Fortran order
        syrk = get_blas_funcs("syrk", (a,))
        gram = syrk(1.0 / n, a, trans=1 if p <= n else 0, lower=1)
        vals = eigvalsh_overwrite(gram, lower=True)
    else:
        gram = x @ x.T if p <= n else x.T @ x
        gram /= n
        vals = to_numpy(xp.linalg.eigvalsh(gram))
    if p > n:
        vals = np.concatenate([np.zeros(p - n), np.clip(vals, 0.0, None)])
    return vals
