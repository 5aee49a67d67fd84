"""Spectral knockouts and attribution (Papyan 2020, Sec. 3, Def 3.1–3.2, DERIVED 3.a).

 Subtraction ``A - B``; square projection
``(I - B B^+) A (I - B B^+)`` via an orthonormal basis Q of range(B) (never forming B when it is
given by factors); non-square ``(I - U U^T) A (I - V V^T)`` with U, V the singular vectors of B
for its nonzero singular values (AMB-4).
"""

from __future__ import annotations

import numpy as np

from rmtcheck.errors import InputError


def range_basis(B: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Orthonormal basis of range(B), keeping singular values above ``tol * sigma_max``. For
    B = F diag(w) F^T with w > 0 pass the factor F (p x C) itself: same range, B never formed."""
    B = np.asarray(B, dtype=float)
    u, s, _ = np.linalg.svd(B, full_matrices=False)
    if s.size == 0 or s[0] == 0.0:
        return np.zeros((B.shape[0], 0))
    return u[:, s > tol * s[0]]


def subtract_knockout(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Def 3.1 (PAP-DEF-3.1): A (-) B = A - B."""
    return np.asarray(A, dtype=float) - np.asarray(B, dtype=float)


def project_knockout(A: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Def 3.2 (PAP-DEF-3.2, square): P A P with P = I - Q Q^T, Q orthonormal (e.g.
    ``range_basis(B)``)."""
    A, Q = np.asarray(A, dtype=float), np.asarray(Q, dtype=float)
    if A.shape[0] != A.shape[1] or Q.shape[0] != A.shape[0]:
        raise InputError("A, Q", f"shapes {A.shape}, {Q.shape}", "square A and Q with as many rows")
    AQ = A @ Q
    QtAQ = Q.T @ AQ
    return A - AQ @ Q.T - Q @ AQ.T + Q @ QtAQ @ Q.T


def project_knockout_nonsquare(A: np.ndarray, B: np.ndarray, tol: float = 1e-10) -> np.ndarray:
    """Def 3.2 (PAP-DEF-3.2, non-square): (I - U U^T) A (I - V V^T), U, V the singular vectors
    of B with singular value above ``tol * sigma_max`` (compact SVD)."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.shape != B.shape:
        raise InputError("A, B", f"shapes {A.shape}, {B.shape}", "equal shapes")
    u, s, vt = np.linalg.svd(B, full_matrices=False)
    keep = s > tol * s[0] if s.size and s[0] > 0 else np.zeros(s.size, bool)
    U, V = u[:, keep], vt[keep].T
    left = A - U @ (U.T @ A)
    return left - (left @ V) @ V.T


def complement_basis(Q: np.ndarray) -> np.ndarray:
    """Orthonormal basis Q_perp of the orthogonal complement of range(Q) (Q orthonormal)."""
    Q = np.asarray(Q, dtype=float)
    full = np.linalg.svd(np.hstack([Q, np.eye(Q.shape[0])]), full_matrices=True)[0]
    return full[:, Q.shape[1]:]


def scatter_pairs(A: np.ndarray, A_knocked: np.ndarray, k: int, floor: float = 1e-12
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Sec 3 attribution plot data (PAP-DEF-3.3): (log lambda_i(A), log lambda_i(A knocked))
    for the top k, each axis min-max normalised to [0, 1] (points off the identity line are
    attributed to B). Eigenvalues are floored at ``floor * lambda_1`` so exact zeros do not
    dominate the scale; keep k <= p - rank(B) for projection knockouts (the last rank(B) are
    zeros)."""
    def top(M: np.ndarray) -> np.ndarray:
        lam = np.sort(np.linalg.eigvalsh(M))[::-1][:k]
        return np.log(np.maximum(lam, floor * max(lam[0], 1e-300)))

    def norm(u: np.ndarray) -> np.ndarray:
        span = u.max() - u.min()
        return (u - u.min()) / span if span > 0 else np.zeros_like(u)

    return norm(top(A)), norm(top(A_knocked))


def count_outliers(eigenvalues: np.ndarray, k_max: int, floor: float = 1e-12) -> int:
    """Operational outlier count (Def 1.1–1.2, AMBIG): sort descending, take the top
    ``k_max + 1`` eigenvalues above ``floor * lambda_1`` and return the position of the largest
    gap in log-eigenvalue (everything above that gap is an outlier)."""
    lam = np.sort(np.asarray(eigenvalues, dtype=float))[::-1]
    lam = lam[lam > floor * lam[0]][: k_max + 1]
    if lam.size < 2:
        return int(lam.size)
    return int(np.argmax(-np.diff(np.log(lam)))) + 1
