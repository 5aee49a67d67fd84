"""Metrics recorded along training runs of the two-layer network.

Definitions follow the spec of (Wang et al. 2023):
WANG-DEF-R2, -TESTERR, -KTA (eq. 15), -ALIGN-W, -ALIGN-K, -PANGLES, -QQ, -CHANGE-NORMS
(norms of eq. 17: ||M||_{2,inf} = largest row norm), -POWERLAW (Hill / CSN tail exponent).
All functions take host NumPy arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import validate
from ..spectra.tails import hill_alpha


def r2_score(y_true: Any, y_pred: Any) -> float:
    """R^2 = 1 - sum (y - yhat)^2 / sum (y - mean y)^2 (WANG-DEF-R2)."""
    y, p = np.ravel(y_true).astype(float), np.ravel(y_pred).astype(float)
    return float(1.0 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2))


def mse(y_true: Any, y_pred: Any) -> float:
    """Test error (1/m) sum (y - yhat)^2, without the 1/2 (WANG-DEF-TESTERR)."""
    return float(np.mean((np.ravel(y_true) - np.ravel(y_pred)) ** 2))


def kta(K: Any, y: Any) -> float:
    """Kernel-target alignment y K y^T / (||K||_F ||y||^2) (eq. 15)."""
    K, y = np.asarray(K, dtype=float), np.ravel(y).astype(float)
    return float(y @ K @ y / (np.linalg.norm(K) * (y @ y)))


def top_eigh(M: Any, m: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The m largest eigenvalues (decreasing) and their unit eigenvectors (columns) of a
    symmetric matrix."""
    M = np.asarray(M, dtype=float)
    m = validate.integer("m", m, 1, M.shape[0])
    vals, vecs = np.linalg.eigh(M)
    return vals[::-1][:m], vecs[:, ::-1][:, :m]


def align_profile(M: Any, target: Any, m: int = 1) -> np.ndarray:
    """|target . u_i| / ||target|| for the top-m eigenvectors u_i of symmetric M
    (WANG-DEF-ALIGN-K; with M = W^T W and target = beta it is WANG-DEF-ALIGN-W)."""
    t = np.ravel(target).astype(float)
    _, vecs = top_eigh(M, m)
    return np.abs(t @ vecs) / np.linalg.norm(t)


def weight_alignment(W: Any, beta: Any) -> float:
    """|beta^T u_1| / ||beta|| with u_1 the leading right singular vector of W."""
    W = np.asarray(W, dtype=float)
    return float(align_profile(W.T @ W, beta, 1)[0])


def principal_angles(basis: Any, W: Any, m: int) -> np.ndarray:
    """Principal angles (radians, increasing) between span(basis) (d x k) and the top-m
    eigenspace of W^T W (WANG-DEF-PANGLES): cos theta_i = sigma_i(Q_U^T Q_E)."""
    W = np.asarray(W, dtype=float)
    q_u, _ = np.linalg.qr(np.asarray(basis, dtype=float).reshape(W.shape[1], -1))
    _, q_e = top_eigh(W.T @ W, m)
    cos = np.linalg.svd(q_u.T @ q_e, compute_uv=False)
    return np.arccos(np.clip(np.sort(cos)[::-1][: q_u.shape[1]], -1.0, 1.0))


def hill_tail_index(eigs: Any, k: int = 20) -> float:
    """Density exponent alpha of rho(x) ~ x^{-alpha} from the top k eigenvalues
    (WANG-DEF-POWERLAW): alpha = 1 + Hill tail index of the survival function
    (:func:`rmtcheck.spectra.tails.hill_alpha`, threshold the (k+1)-th largest).
    Smaller = heavier tail."""
    return 1.0 + hill_alpha(eigs, k)


def ks_two_sample(a: Any, b: Any) -> float:
    """Two-sample Kolmogorov–Smirnov distance sup_x |F_a(x) - F_b(x)| between two spectra
    (WANG-DEF-QQ proxy).

    Eigenvalues within a symmetric eigensolver's rounding of zero, |lambda| <= m eps
    max|lambda| (its backward error is O(m eps ||M||); Demmel 1997, Applied Numerical Linear
    Algebra, Sec. 5.2), count as 0: the n - h null eigenvalues of a rank-deficient Gram matrix
    (K^CK with h < n) would otherwise enter through the order of their rounding noise (+-1e-15),
    which differs between two otherwise equal spectra. Computed in integer counts,
    max |c_a n_b - c_b n_a| / (n_a n_b): for n_a = n_b = m exactly the float k / m that a cut
    such as 10 / m compares with."""
    a, b = _snap_zeros(np.ravel(a).astype(float)), _snap_zeros(np.ravel(b).astype(float))
    a, b = np.sort(a), np.sort(b)
    x = np.concatenate([a, b])
    ca = np.searchsorted(a, x, side="right").astype(np.int64)
    cb = np.searchsorted(b, x, side="right").astype(np.int64)
    return float(np.max(np.abs(ca * len(b) - cb * len(a)))) / (len(a) * len(b))


def _snap_zeros(eigs: np.ndarray) -> np.ndarray:
    """``eigs`` with |lambda| <= m eps max|lambda| set to 0 (see :func:`ks_two_sample`)."""
    if eigs.size == 0:
        return eigs
    tol = eigs.size * np.finfo(float).eps * float(np.max(np.abs(eigs)))
    return np.where(np.abs(eigs) <= tol, 0.0, eigs)


def max_eig_shift(a: Any, b: Any) -> float:
    """max_i |lambda_i(a) - lambda_i(b)| over sorted spectra of equal size (Weyl / Cor. B.3)."""
    return float(np.max(np.abs(np.sort(np.ravel(a)) - np.sort(np.ravel(b)))))


def norm_2inf(M: Any) -> float:
    """||M||_{2,inf}: the largest row l2-norm (eq. 17)."""
    return float(np.max(np.linalg.norm(np.asarray(M, dtype=float), axis=1)))


def change_norms(before: Any, after: Any) -> dict[str, float]:
    """Operator, Frobenius and (2,inf) norms of after - before (WANG-DEF-CHANGE-NORMS)."""
    D = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    return {"op": float(np.linalg.norm(D, 2)), "fro": float(np.linalg.norm(D)),
            "2inf": norm_2inf(D)}


def count_spikes(eigs: Any, edge: float, delta: float = 0.05) -> int:
    """Eigenvalues above (1 + delta) * edge (the 'spikes' of WANG-DEF-QQ)."""
    return int(np.sum(np.ravel(eigs) > (1.0 + delta) * edge))
