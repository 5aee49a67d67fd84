"""Top eigenpairs by subspace iteration and low-rank deflation (Papyan 2020, App. C.8,
Algorithm 5; PAP-ALG-C6, PAP-ALG-C7).

SubspaceIteration: Q = orth(V), V ~ N(0, I) (n x k); repeat T times Q = orth(A Q). The printed
lambda_c = ||A q_c|| loses the sign (ERR-17), so the output is the Rayleigh–Ritz step
eig(Q^T A Q) with Ritz vectors Q Y. Convergence ~ |lambda_{k+1} / lambda_k|^T (by magnitude).
Cost O(T (k matvecs + n k^2)).

Memory: one n x k block (Fortran order) and a chunk of ``chunk`` columns. A Q is formed chunk by
chunk in place and orthonormalized in place by Cholesky QR (Q <- Q R^{-1}, R = chol(Q^T Q)); no QR
workspace, so k = 90 vectors of length 10^6 need 0.7 GiB in float64 (Householder QR, taken
only for a rank-deficient block, needs three blocks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import LinAlgError, blas, cholesky
from scipy.sparse.linalg import LinearOperator

from .. import validate
from ..errors import InputError
from .lanczos import Operator, as_operator


@dataclass(frozen=True)
class Eigenpairs:
    """Ritz pairs: values sorted by decreasing |lambda|, vectors as columns (n x k, orthonormal),
    residuals ||A v - lambda v||, and the number of iterations run."""

    values: np.ndarray
    vectors: np.ndarray
    residuals: np.ndarray
    iterations: int


def _orthonormalize(q: np.ndarray, passes: int = 1) -> None:
    """Cholesky QR in place on a Fortran-ordered block: Q <- Q (R S)^{-1} with S the column
    norms and R^T R = S^{-1} Q^T Q S^{-1} (syrk + trsm, 2 n k^2 flops). One pass leaves
    ||Q^T Q - I|| ~ u cond(Q S^{-1})^2, enough inside the iteration (the next pass repairs it);
    the final basis gets two ("twice is enough"). Column scaling makes the test below measure
    linear dependence, not the spread of |lambda|: a numerically rank-deficient block (Cholesky
    fails or min diag R < 1e-5) falls back to Householder QR, orthonormal at any rank."""
    for _ in range(passes):
        g = blas.dsyrk(1.0, q, trans=1)          # upper triangle of Q^T Q
        s = np.sqrt(np.diag(g))
        r = None
        if s.min() > 0.0:
            try:
                r = cholesky(g / np.outer(s, s), lower=False, check_finite=False)
            except LinAlgError:
                pass
        if r is None or np.diag(r).min() < 1e-5:
            q[:] = np.linalg.qr(q)[0]
            continue
        blas.dtrsm(1.0, r * s, q, side=1, lower=0, overwrite_b=1)


def _apply(op: LinearOperator, q: np.ndarray, chunk: int):
    """Yield (columns, A q[:, columns]) chunk by chunk."""
    for j in range(0, q.shape[1], chunk):
        cols = slice(j, min(j + chunk, q.shape[1]))
        yield cols, np.asarray(op.matmat(q[:, cols]), dtype=float)


def _rayleigh_ritz(op: LinearOperator, q: np.ndarray, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """Rotate q in place to the Ritz vectors of Q^T A Q; return (values, residual norms)."""
    h = np.empty((q.shape[1], q.shape[1]))
    for cols, aq in _apply(op, q, chunk):
        h[:, cols] = q.T @ aq
    values, y = np.linalg.eigh(0.5 * (h + h.T))
    order = np.argsort(-np.abs(values), kind="stable")
    values, y = values[order], y[:, order]
    rows = max(1, (1 << 18) // q.shape[1])          # 2 MiB row blocks
    for i in range(0, q.shape[0], rows):
        q[i:i + rows] = q[i:i + rows] @ y
    res = np.empty(values.size)
    for cols, aq in _apply(op, q, chunk):
        res[cols] = np.linalg.norm(aq - q[:, cols] * values[cols], axis=0)
    return values, res


def _power_steps(values: np.ndarray, limit: int) -> int:
    """Applications of A between orthonormalizations: p with (|theta_1| / |theta_k|)^p <= 1e3,
    so Cholesky QR of A^p Q stays accurate (u cond^2 <= 1e-10)."""
    top, low = np.abs(values).max(), np.abs(values).min()
    if low <= 0.0 or top <= low * (1.0 + 1e-12):
        return 1 if low <= 0.0 else limit
    return int(np.clip(np.log(1e3) / np.log(top / low), 1, limit))


def _next_check(history: list[tuple[int, float]], tol: float, every: int) -> int:
    """Iterations until the next residual check: predicted from the last two checks' rate."""
    if len(history) < 2:
        return every
    (d1, r1), (d2, r2) = history[-2:]
    rate = (r2 / r1) ** (1.0 / (d2 - d1)) if r1 > 0.0 and r2 > 0.0 else 1.0
    if not 0.0 < rate < 1.0:
        return every
    need = int(np.ceil(np.log(tol / r2) / np.log(rate)))
    return int(np.clip(need, max(1, every // 2), 4 * every))


def subspace_iteration(a: Operator, k: int, iters: int = 128, *,
                       rng: np.random.Generator | None = None, tol: float | None = None,
                       check_every: int = 8, chunk: int = 16,
                       shape: tuple[int, int] | None = None) -> Eigenpairs:
    """The k eigenpairs of largest |lambda| (default T = 128, App. D.2).

    With ``tol``, the Rayleigh–Ritz residuals are checked (after ``check_every`` iterations,
    then when the observed convergence rate predicts it) and the iteration stops once every
    ||A v - lambda v|| <= tol max|lambda|; each check costs two block matvecs. After the first
    check A is applied p times between orthonormalizations, (|theta_1|/|theta_k|)^p <= 1e3.
    ``chunk`` columns go through ``op.matmat`` at a time."""
    op = as_operator(a, shape)
    n = op.shape[0]
    k = validate.integer("k", k, 1, n)
    iters = validate.integer("iters", iters, 0)
    check_every = validate.integer("check_every", check_every, 1)
    chunk = validate.integer("chunk", chunk, 1)
    if tol is not None:
        tol = validate.real("tol", tol, 0.0, 1.0, open_lo=True)
    if not isinstance(rng, np.random.Generator):
        raise InputError("rng", f"got {type(rng).__name__}", "a numpy.random.Generator")
    q = rng.standard_normal((k, n)).T         # Fortran order without a copy
    _orthonormalize(q, 2)
    done, power, check, history = 0, 1, check_every, []
    while done < iters:
        for cols, aq in _apply(op, q, chunk):
            q[:, cols] = aq
        done += 1
        if tol is not None and done == check and done < iters:
            _orthonormalize(q, 2)
            values, res = _rayleigh_ritz(op, q, chunk)
            history.append((done, res.max() / max(np.abs(values).max(), 1e-300)))
            if history[-1][1] <= tol:
                return Eigenpairs(values, q, res, done)
            power = _power_steps(values, check_every)
            check = done + _next_check(history, tol, check_every)
        elif done % power == 0:
            _orthonormalize(q)
    _orthonormalize(q, 2)
    values, res = _rayleigh_ritz(op, q, chunk)
    return Eigenpairs(values, q, res, done)


def deflate(a: Operator, values: np.ndarray, vectors: np.ndarray,
            shape: tuple[int, int] | None = None) -> LinearOperator:
    """A - sum_c lambda_c v_c v_c^T as a LinearOperator (LowRankDeflation, PAP-ALG-C7); it
    has extra zero eigenvalues where the v_c span an invariant subspace."""
    op = as_operator(a, shape)
    lam = np.asarray(values, dtype=float).ravel()
    v = _block(vectors, op.shape[0], lam.size)

    def matvec(x: np.ndarray) -> np.ndarray:
        x = np.ravel(x)
        return np.ravel(op.matvec(x)) - v @ (lam * (v.T @ x))

    return LinearOperator(op.shape, matvec=matvec, dtype=float)


def project_out(a: Operator, vectors: np.ndarray,
                shape: tuple[int, int] | None = None) -> LinearOperator:
    """P A P with P = I - V V^T (V orthonormal columns): A compressed to the orthogonal
    complement of span V; V itself is mapped to 0."""
    op = as_operator(a, shape)
    v = _block(vectors, op.shape[0], None)

    def matvec(x: np.ndarray) -> np.ndarray:
        x = np.ravel(x)
        y = np.ravel(op.matvec(x - v @ (v.T @ x)))
        return y - v @ (v.T @ y)

    return LinearOperator(op.shape, matvec=matvec, dtype=float)


def _block(vectors: np.ndarray, n: int, k: int | None) -> np.ndarray:
    v = np.asarray(vectors, dtype=float)
    if v.ndim != 2 or v.shape[0] != n or (k is not None and v.shape[1] != k):
        raise InputError("vectors", f"shape {v.shape}", f"({n}, {'k' if k is None else k})")
    return v
