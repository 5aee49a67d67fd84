"""Top eigenpairs by subspace iteration and low-rank deflation (Papyan 2020, App. C.8,
Algorithm 5; PAP-ALG-C6, PAP-ALG-C7).

SubspaceIteration: Q = qr(V), V ~ N(0, I) (p x C); repeat T times Q = qr(A Q). The printed
lambda_c = ||A q_c|| loses the sign (ERR-17), so the output is the Rayleigh–Ritz step
eig(Q^T A Q) with Ritz vectors Q Y. Convergence ~ |lambda_{C+1} / lambda_C|^T (by magnitude).
Cost O(T (C matvec + p C^2)).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .. import validate
from ..errors import InputError
from .lanczos import Operator, as_operator


def subspace_iteration(a: Operator, k: int, iters: int = 128, *,
                       rng: np.random.Generator | None = None,
                       shape: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The k eigenpairs of largest |lambda| (defaults T = 128, App. D.2): (values sorted by
    decreasing |lambda|, vectors as columns of an n x k array)."""
    op = as_operator(a, shape)
    n = op.shape[0]
    k = validate.integer("k", k, 1, n)
    iters = validate.integer("iters", iters, 0)
    if not isinstance(rng, np.random.Generator):
        raise InputError("rng", f"got {type(rng).__name__}", "a numpy.random.Generator")
    q, _ = np.linalg.qr(rng.standard_normal((n, k)))
    for _ in range(iters):
        q, _ = np.linalg.qr(np.asarray(op.matmat(q), dtype=float))
    h = q.T @ np.asarray(op.matmat(q), dtype=float)
    values, y = np.linalg.eigh(0.5 * (h + h.T))
    order = np.argsort(-np.abs(values), kind="stable")
    return values[order], q @ y[:, order]


def deflate(a: Operator, values: np.ndarray, vectors: np.ndarray,
            shape: tuple[int, int] | None = None) -> LinearOperator:
    """A - sum_c lambda_c v_c v_c^T as a LinearOperator (LowRankDeflation, PAP-ALG-C7); it
    has extra zero eigenvalues where the v_c span an invariant subspace."""
    op = as_operator(a, shape)
    lam = np.asarray(values, dtype=float).ravel()
    v = np.asarray(vectors, dtype=float)
    if v.ndim != 2 or v.shape != (op.shape[0], lam.size):
        raise InputError("vectors", f"shape {v.shape}", f"({op.shape[0]}, {lam.size})")

    def matvec(x: np.ndarray) -> np.ndarray:
        x = np.ravel(x)
        return np.ravel(op.matvec(x)) - v @ (lam * (v.T @ x))

    return LinearOperator(op.shape, matvec=matvec, dtype=float)
