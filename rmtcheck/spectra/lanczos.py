"""Matrix-free Lanczos for symmetric operators (Papyan 2020, App. C, Algorithms 1–2).

SlowLanczos (PAP-ALG-C1) keeps the basis V and reorthogonalizes every new vector against it;
FastLanczos (PAP-ALG-C2) keeps three vectors only. Both run the recursion
    w = A v_m - beta_{m-1} v_{m-1},  alpha_m = v_m^T w,  w -= alpha_m v_m,
    beta_m = ||w||,  v_{m+1} = w / beta_m
from v_1 = v / ||v||, v ~ N(0, I) drawn from the caller's Generator (erratum ERR-14), and
return the eigenpairs (theta_m, y_m) of the tridiagonal T = tridiag(beta, alpha, beta).
Breakdown (missing from the paper): when beta_m <= tol * ||T|| the Krylov space is invariant
and the run stops; the Ritz values are then exact eigenvalues. From one start vector Lanczos
reaches at most (#distinct eigenvalues) dimensions (seed 003, App. C; spec PAP-ALG-C1).
Ritz residuals: ||A V y_m - theta_m V y_m|| = beta_M |y_m[M]| (erratum ERR-16); each Ritz value
lies within its residual of an eigenvalue of A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh_tridiagonal
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from .. import validate
from ..errors import InputError

Operator = LinearOperator | np.ndarray | sp.spmatrix | Callable[[np.ndarray], np.ndarray]
BREAKDOWN_TOL = 1e-10


def as_operator(a: Any, shape: tuple[int, int] | None = None) -> LinearOperator:
    """A square real ``LinearOperator`` from a dense or sparse symmetric matrix, a
    LinearOperator, or a callable ``matvec`` together with ``shape = (n, n)``."""
    if callable(a) and not isinstance(a, LinearOperator | np.ndarray) and not sp.issparse(a):
        if shape is None:
            raise InputError("shape", "is required with a callable matvec", "(n, n)")
        n = validate.integer("shape[0]", shape[0], 1)
        if validate.integer("shape[1]", shape[1], 1) != n:
            raise InputError("shape", f"got {tuple(shape)}, not square", "(n, n)")
        return LinearOperator((n, n), matvec=a, dtype=float)
    if isinstance(a, LinearOperator):
        op = a
    elif sp.issparse(a):
        op = aslinearoperator(a)
    else:
        arr = np.asarray(a, dtype=float) if not isinstance(a, np.ndarray) else a
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
            raise InputError("matrix", f"shape {arr.shape} is not square", "a square 2-D array")
        if not np.all(np.isfinite(arr)):
            raise InputError("matrix", "contains NaN or inf", "finite entries")
        scale = max(float(np.max(np.abs(arr))), 1e-300)
        if np.max(np.abs(arr - arr.T)) > 1e-10 * scale:
            raise InputError("matrix", "is not symmetric", "a real symmetric matrix")
        op = aslinearoperator(arr)
    if len(op.shape) != 2 or op.shape[0] != op.shape[1] or op.shape[0] == 0:
        raise InputError("operator", f"shape {op.shape} is not square", "an n x n operator")
    return op


@dataclass(frozen=True)
class LanczosResult:
    """Output of a Lanczos run of ``steps`` = m matvecs.

    alpha (m,), beta (m,): T_m has diagonal alpha and off-diagonal beta[:-1]; beta[-1] is
    beta_m, the norm of the unnormalized next vector. values/vectors: eigenpairs of T_m
    (theta ascending, y in columns). basis: V_m as an (m, n) array (SlowLanczos) or None.
    """

    alpha: np.ndarray
    beta: np.ndarray
    values: np.ndarray
    vectors: np.ndarray
    breakdown: bool
    basis: np.ndarray | None = None

    @property
    def steps(self) -> int:
        return int(self.alpha.size)

    @property
    def weights(self) -> np.ndarray:
        """Gauss-quadrature weights y_m[1]^2 (sum to 1): the spectral measure of A seen from v_1."""
        return self.vectors[0] ** 2

    @property
    def residuals(self) -> np.ndarray:
        """Ritz residual norms beta_m |y_m[last]| (ERR-16)."""
        return abs(self.beta[-1]) * np.abs(self.vectors[-1])

    def tridiagonal(self) -> np.ndarray:
        """The dense m x m tridiagonal T_m."""
        off = self.beta[:-1]
        return np.diag(self.alpha) + np.diag(off, 1) + np.diag(off, -1)

    def ritz_vectors(self) -> np.ndarray:
        """V_m y (n x m, columns), available when the basis was kept (SlowLanczos)."""
        if self.basis is None:
            raise InputError("ritz_vectors", "FastLanczos keeps no basis", "use slow_lanczos")
        return self.basis.T @ self.vectors


def start_vector(n: int, rng: np.random.Generator | None, v0: Any = None) -> np.ndarray:
    """v0 normalized, or a standard Gaussian vector from ``rng`` (never global state)."""
    if v0 is not None:
        v = np.asarray(v0, dtype=float).ravel()
        if v.size != n or not np.all(np.isfinite(v)) or not np.any(v):
            raise InputError("v0", f"size {v.size} or non-finite/zero entries",
                             f"a finite nonzero vector of size {n}")
    elif isinstance(rng, np.random.Generator):
        v = rng.standard_normal(n)
    else:
        raise InputError("rng", f"got {type(rng).__name__}",
                         "a numpy.random.Generator (or pass v0)")
    return v / np.linalg.norm(v)


def _run(op: LinearOperator, steps: int, v: np.ndarray, reorth: bool, tol: float) -> LanczosResult:
    n = op.shape[0]
    alpha, beta = np.zeros(steps), np.zeros(steps)
    basis = np.empty((steps, n)) if reorth else None
    q, q_prev, b_prev, t_norm = v, np.zeros(n), 0.0, 0.0
    m, breakdown = 0, False
    for j in range(steps):
        if basis is not None:
            basis[j] = q
        w = np.asarray(op.matvec(q), dtype=float).ravel() - b_prev * q_prev
        a = float(q @ w)
        w -= a * q
        if basis is not None:  # classical Gram-Schmidt twice ("twice is enough")
            for _ in range(2):
                w -= basis[: j + 1].T @ (basis[: j + 1] @ w)
        b = float(np.linalg.norm(w))
        alpha[j], beta[j], m = a, b, j + 1
        t_norm = max(t_norm, abs(a) + b + b_prev)  # max row sum >= ||T||_2 / 1
        if b <= tol * t_norm or not np.isfinite(b):
            breakdown = True
            break
        q_prev, q, b_prev = q, w / b, b
    alpha, beta = alpha[:m], beta[:m]
    if m == 1:
        values, vectors = alpha.copy(), np.ones((1, 1))
    else:
        values, vectors = eigh_tridiagonal(alpha, beta[:-1])
    return LanczosResult(alpha, beta, values, vectors, breakdown,
                         None if basis is None else basis[:m])


def _prepare(a: Any, steps: int | None, tol: float,
             shape: Any) -> tuple[LinearOperator, int, float]:
    op = as_operator(a, shape)
    n = op.shape[0]
    steps = n if steps is None else validate.integer("steps", steps, 1)
    tol = validate.real("tol", tol, 0.0, 1.0)
    return op, min(steps, n), tol


def slow_lanczos(a: Operator, steps: int | None = None, *, rng: np.random.Generator | None = None,
                 v0: Any = None, tol: float = BREAKDOWN_TOL,
                 shape: tuple[int, int] | None = None) -> LanczosResult:
    """SlowLanczos (Alg. 1, PAP-ALG-C1): full reorthogonalization, ``steps`` (default n)
    matvecs or fewer on breakdown. Time O(steps * matvec + n steps^2), memory O(n steps)."""
    op, steps, tol = _prepare(a, steps, tol, shape)
    return _run(op, steps, start_vector(op.shape[0], rng, v0), True, tol)


def fast_lanczos(a: Operator, steps: int, *, rng: np.random.Generator | None = None,
                 v0: Any = None, tol: float = BREAKDOWN_TOL,
                 shape: tuple[int, int] | None = None) -> LanczosResult:
    """FastLanczos (Alg. 2, PAP-ALG-C2): no reorthogonalization, memory O(n). Loss of
    orthogonality produces "ghost" copies of converged Ritz values (App. C.5)."""
    op, steps, tol = _prepare(a, steps, tol, shape)
    return _run(op, steps, start_vector(op.shape[0], rng, v0), False, tol)
