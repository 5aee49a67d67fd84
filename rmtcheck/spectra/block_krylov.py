"""Top eigenpairs of a symmetric operator by block Lanczos with full reorthogonalisation and
thick restarts (Golub & Underwood 1977; Saad, Numerical Methods for Large Eigenvalue Problems,
2nd ed., Sec. 6.9 and 8.3; Wu & Simon 2000 for the thick restart).

The basis Q = [Q_1, ..., Q_s] (n x m, orthonormal) grows by one block of b columns per operator
application: Q_{j+1} = orth((I - Q Q^T)^2 A Q_j). A Q is kept beside Q, so the projection
H = Q^T A Q grows by b columns per step and the Ritz pairs (theta_i, Q y_i) of H have exact
residuals ||A Q y_i - theta_i Q y_i|| without further products. The run stops when the k
largest Ritz values theta_1 >= ... >= theta_k all have residual <= tol |theta_1|; each Ritz
value then lies within its residual of an eigenvalue of A (Weyl/Bauer-Fike for symmetric A).
When the basis would exceed ``max_basis`` columns it restarts from the leading Ritz vectors
(their residuals lie in the span of the next block, so no Krylov information on them is lost).

Cost per step: one product A Q_j, 4 n m b flops of reorthogonalisation, an m x m eigh and
4 n m k flops for the residuals; memory 2 n max_basis doubles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validate
from ..errors import InputError
from .lanczos import Operator, as_operator


@dataclass(frozen=True)
class TopEigenpairs:
    """The k largest Ritz pairs (values descending, orthonormal vectors as n x k columns), their
    residual norms ||A v - theta v||, the operator applications (``blocks`` products with an
    n x b block), the final basis size, and whether every residual met the tolerance."""

    values: np.ndarray
    vectors: np.ndarray
    residuals: np.ndarray
    blocks: int
    basis: int
    converged: bool


def _orthogonalize(w: np.ndarray, q: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Orthonormal columns spanning (I - Q Q^T) W: classical Gram-Schmidt twice, QR, then one
    more Gram-Schmidt and QR pass on the normalised columns (a column that shrank by a factor
    c keeps u/c of non-orthogonality after the first passes). Directions W loses against Q
    (|R_jj| <= 1e-10 |W|: an invariant subspace) are refilled with random ones."""
    scale = max(float(np.linalg.norm(w, axis=0).max()), 1e-300)
    for _ in range(2):
        w -= q @ (q.T @ w)
    basis, r = np.linalg.qr(w)
    lost = np.abs(np.diag(r)) <= 1e-10 * scale
    if lost.any():
        basis[:, lost] = rng.standard_normal((w.shape[0], int(lost.sum())))
    for _ in range(2):
        basis -= q @ (q.T @ basis)
        basis = np.linalg.qr(basis)[0]
    return basis


def top_eigenpairs(a: Operator, k: int, *, rng: np.random.Generator, block: int | None = None,
                   tol: float = 1e-6, max_basis: int | None = None, max_blocks: int = 100,
                   shape: tuple[int, int] | None = None) -> TopEigenpairs:
    """The k algebraically largest eigenpairs of symmetric ``a`` (for a PSD Gramian: the top k).

    ``block`` columns per product (default k), the basis capped at ``max_basis`` columns
    (default max(3k, k + 3 block), at most n), at most ``max_blocks`` products; ``tol`` is
    relative to |theta_1|. ``converged`` is False when ``max_blocks`` ran out first."""
    op = as_operator(a, shape)
    n = op.shape[0]
    k = validate.integer("k", k, 1, n)
    b = validate.integer("block", block if block is not None else k, 1, n)
    cap = validate.integer("max_basis", max_basis if max_basis is not None
                           else min(n, max(3 * k, k + 3 * b)), min(n, k + b), n)
    max_blocks = validate.integer("max_blocks", max_blocks, 1)
    tol = validate.real("tol", tol, 0.0, 1.0, open_lo=True)
    if not isinstance(rng, np.random.Generator):
        raise InputError("rng", f"got {type(rng).__name__}", "a numpy.random.Generator")
    q, aq, h = np.empty((n, cap)), np.empty((n, cap)), np.zeros((cap, cap))
    new = _orthogonalize(rng.standard_normal((n, b)), q[:, :0], rng)
    m = 0
    for step in range(1, max_blocks + 1):
        lo, m = m, m + new.shape[1]
        q[:, lo:m] = new
        aq[:, lo:m] = np.asarray(op.matmat(new), dtype=float)
        h[:m, lo:m] = q[:, :m].T @ aq[:, lo:m]
        h[lo:m, :lo] = h[:lo, lo:m].T
        theta, y = np.linalg.eigh(0.5 * (h[:m, :m] + h[:m, :m].T))
        theta, y = theta[::-1], y[:, ::-1]
        top = min(k, m)
        vecs = q[:, :m] @ y[:, :top]
        res = np.linalg.norm(aq[:, :m] @ y[:, :top] - vecs * theta[:top], axis=0)
        done = top == k and res.max() <= tol * max(abs(theta[0]), 1e-300)
        if done or step == max_blocks or m == n:
            return TopEigenpairs(theta[:k], vecs, res, step, m, bool(done))
        width = min(b, n - m)
        new = _orthogonalize(aq[:, lo:lo + width].copy(), q[:, :m], rng)
        if m + width > cap:                       # thick restart on the leading Ritz vectors
            keep = cap - width
            q[:, :keep] = q[:, :m] @ y[:, :keep]
            aq[:, :keep] = aq[:, :m] @ y[:, :keep]
            h[:keep, :keep] = np.diag(theta[:keep])
            m = keep
    raise AssertionError("unreachable: the loop returns at max_blocks")
