"""Fisher information (G = Hessian) of multinomial logistic regression, and Theorem 8.1.

Papyan (2020), Sec. 8 and App. B. Parameters are
theta = vec(W), W in R^{C x D}, with the column-major vec (``vec(W)[d*C + k] = W[k, d]``), so
that df/dtheta^T = x (x) I_C and (Eq. 8.1)

    G = Ave_i (x_i x_i^T) (x) U_i,      U_i = diag(p_i) - p_i p_i^T.

Three ways to get G: dense from the block formula (:func:`fim_dense`), matrix-free
(:func:`fim_operator`, matvec O(N C (D + C))) and, for CCM with the symmetric probabilities
of Def 8.2, in closed form (Lemma 8.1: :func:`expected_fim`, :func:`expected_fim_operator`).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator

from rmtcheck import validate
from rmtcheck.ensembles.ccm import ccm_sample, symmetric_probs
from rmtcheck.errors import InputError


def vec(W: np.ndarray) -> np.ndarray:
    """Column-major vec of a C x D matrix (Sec 1.0 convention)."""
    return np.asarray(W).reshape(-1, order="F")


def unvec(theta: np.ndarray, C: int) -> np.ndarray:
    """Inverse of :func:`vec`: the C x D matrix with vec = theta."""
    return np.asarray(theta).reshape(C, -1, order="F")


def softmax_hessians(P: np.ndarray) -> np.ndarray:
    """U_i = diag(p_i) - p_i p_i^T for each row p_i of P (N x C) -> N x C x C (Boehning 1992)."""
    P = np.asarray(P, dtype=float)
    return np.einsum("ia,ab->iab", P, np.eye(P.shape[1])) - P[:, :, None] * P[:, None, :]


def _check_data(X: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, P = np.asarray(X, dtype=float), np.asarray(P, dtype=float)
    if X.ndim != 2 or P.ndim != 2 or X.shape[0] != P.shape[0]:
        raise InputError("X, P", f"shapes {X.shape}, {P.shape}", "X (N x D) and P (N x C), same N")
    return X, P


def fim_dense(X: np.ndarray, P: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Dense G = sum_i w_i (x_i x_i^T) (x) U_i (w_i = 1/N by default), Eq. 8.1 (PAP-EQ-8.1).

    Block (d, e) of size C x C is sum_i w_i x_id x_ie U_i, one GEMM of shape (D C^2) x N x D."""
    X, P = _check_data(X, P)
    N, D = X.shape
    C = P.shape[1]
    w = np.full(N, 1.0 / N) if weights is None else np.asarray(weights, dtype=float)
    U = softmax_hessians(P) * w[:, None, None]
    XU = (X[:, :, None] * U.reshape(N, 1, C * C)).reshape(N, D * C * C)
    blocks = (XU.T @ X).reshape(D, C, C, D)          # [d, a, b, e]
    return blocks.transpose(0, 1, 3, 2).reshape(D * C, D * C)


def fim_naive(X: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Reference loop: Ave_i (x_i (x) I_C) U_i (x_i (x) I_C)^T, literally (slow)."""
    X, P = _check_data(X, P)
    C = P.shape[1]
    G = np.zeros((X.shape[1] * C,) * 2)
    for x, U in zip(X, softmax_hessians(P), strict=True):
        J = np.kron(x[:, None], np.eye(C))             # df/dtheta^T = x (x) I_C, DC x C
        G += J @ U @ J.T
    return G / X.shape[0]


def fim_operator(X: np.ndarray, P: np.ndarray) -> LinearOperator:
    """Matrix-free G: v -> Ave_i (x_i (x) I)(U_i ((x_i^T (x) I) v)), O(N C (D + C)) per matvec.

    With V = unvec(v): logits z_i = V x_i, u_i = p_i * z_i - p_i (p_i . z_i),
    G v = vec(Ave u_i x_i^T)."""
    X, P = _check_data(X, P)
    N, D = X.shape
    C = P.shape[1]

    def matvec(v: np.ndarray) -> np.ndarray:
        Z = X @ unvec(np.ravel(v), C).T               # N x C
        Uz = P * Z - P * np.sum(P * Z, axis=1, keepdims=True)
        return vec(Uz.T @ X / N)

    return LinearOperator((D * C, D * C), matvec=matvec, rmatvec=matvec, dtype=float)


def _ccm_args(D: int, C: int, t: float, alpha: float) -> tuple[int, int, float, float]:
    """Validated (D, C, t, alpha): C >= 2, D >= C, t >= 0, alpha in [0, 1] (Def 8.2's domain
    alpha <= (C-1)/C is the cards' business: the formulas hold for every probability)."""
    D, C = validate.integer("D", D, 2), validate.integer("C", C, 2)
    if C > D:
        raise InputError("C", f"got {C} > D = {D}", "integer in [2, D] (Def 8.1: means e_c in R^D)")
    t = validate.real("t", t, 0.0)
    alpha = validate.probability("alpha", alpha)
    return D, C, t, alpha


def class_hessians(C: int, alpha: float) -> np.ndarray:
    """U_c = diag(p_{.,c}) - p_{.,c} p_{.,c}^T for the symmetric probabilities of Def 8.2."""
    return softmax_hessians(symmetric_probs(C, alpha))


def expected_fim(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Lemma 8.1: E G = (s/C) blkdiag(U_1, ..., U_C, 0_{(D-C)C}) + I_D (x) U_bar, s = t^2."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    U = class_hessians(C, alpha)
    G = np.kron(np.eye(D), U.mean(axis=0))
    for c in range(C):
        G[c * C:(c + 1) * C, c * C:(c + 1) * C] += t * t / C * U[c]
    return G


def expected_fim_kron(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Second construction of Lemma 8.1: Ave_c (t^2 e_c e_c^T + I_D) (x) U_c."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    U = class_hessians(C, alpha)
    E = np.eye(D)
    return sum(np.kron(t * t * np.outer(E[c], E[c]) + E, U[c]) for c in range(C)) / C


def expected_fim_operator(D: int, C: int, t: float, alpha: float) -> LinearOperator:
    """Matrix-free Lemma 8.1, O(D C^2) per matvec: column d of V maps to
    U_bar v_d (+ s/C U_d v_d for d <= C). A block of m vectors is one (m D x C) @ (C x C)
    product (column-major vec: entry d C + c of a vector is V[c, d])."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    U = class_hessians(C, alpha)
    Ubar = U.mean(axis=0)

    def matmat(x: np.ndarray) -> np.ndarray:
        m = x.shape[1]
        xt = np.asarray(x, dtype=float).T.reshape(m, D, C)    # xt[j, d, c] = V_j[c, d]
        out = (xt.reshape(m * D, C) @ Ubar).reshape(m, D, C)  # U_bar is symmetric
        out[:, :C, :] += t * t / C * np.einsum("dab,mdb->mda", U, xt[:, :C, :])
        return out.reshape(m, D * C).T

    def matvec(v: np.ndarray) -> np.ndarray:
        return matmat(np.ravel(v)[:, None])[:, 0]

    return LinearOperator((D * C, D * C), matvec=matvec, rmatvec=matvec, matmat=matmat,
                          dtype=float)


def moment_matched_points(D: int, C: int, t: float) -> tuple[np.ndarray, np.ndarray]:
    """2D points t e_c +- sqrt(D) e_k per class with equal weight: they reproduce the first two
    moments of N(t e_c, I) exactly, so feeding them to :func:`fim_dense` gives E G exactly."""
    D, C = validate.integer("D", D, 2), validate.integer("C", C, 2)
    offsets = np.sqrt(D) * np.vstack([np.eye(D), -np.eye(D)])
    X = np.vstack([t * np.eye(D)[c] + offsets for c in range(C)])
    return X, np.repeat(np.arange(C), 2 * D)


def fim_class_data(X: np.ndarray, y: np.ndarray, U: np.ndarray) -> np.ndarray:
    """sum_c (X_c^T X_c / N) (x) U_c when U depends only on the label (Sec 1.11 fast form)."""
    N = X.shape[0]
    return sum(np.kron(X[y == c].T @ X[y == c] / N, U[c]) for c in range(U.shape[0]))


def mc_fim(rng: np.random.Generator, D: int, C: int, t: float, alpha: float, n: int) -> np.ndarray:
    """Empirical G_N on n CCM samples per class with the symmetric probabilities (Part B)."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    X, y = ccm_sample(rng, D, C, validate.integer("n", n, 1), t)
    return fim_class_data(X, y, class_hessians(C, alpha))


def mc_fim_mse(D: int, C: int, t: float, alpha: float, n: int) -> float:
    """PAP-DER-2: E ||G_N - E G||_F^2 = (D + 1)(D + 2 s) ||U_1||_F^2 / (n C).

    Derivation: classes are independent, ||A (x) U||_F = ||A||_F ||U||_F, and for x = mu + z
    E||x x^T - E x x^T||_F^2 = E||x||^4 - ||mu mu^T + I||_F^2 = (D + 1)(D + 2 s), s = ||mu||^2."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    U1 = class_hessians(C, alpha)[0]
    n = validate.integer("n", n, 1)
    return float((D + 1) * (D + 2 * t * t) * np.sum(U1 * U1) / (n * C))


# --- Theorem 8.1 and the lemmas of Appendix B ------------------------------------------------

LEVELS = ("outlier", "mini", "bulk", "zero")


def thm81_levels(D: int, C: int, t: float, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Theorem 8.1 (values, multiplicities) in the printed order outlier, mini-bulk, bulk, zero:

    kappa (s (1 - alpha) + gamma) x C,  kappa (s/C + gamma) x C(C-2),  kappa gamma x (D-C)(C-1),
    0 x D,  with kappa = alpha/(C-1), gamma = 2 - alpha C/(C-1), s = t^2. Any alpha in [0, 1]
    (the multiset is right there; the printed order needs alpha <= (C-1)/C)."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    s, kappa, gamma = t * t, alpha / (C - 1), 2.0 - alpha * C / (C - 1)
    values = np.array([kappa * (s * (1 - alpha) + gamma), kappa * (s / C + gamma),
                       kappa * gamma, 0.0])
    mults = np.array([C, C * (C - 2), (D - C) * (C - 1), D])
    return values, mults


def thm81_spectrum(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """The DC eigenvalues of E G in Theorem 8.1's index order (lambda_1 first)."""
    values, mults = thm81_levels(D, C, t, alpha)
    return np.repeat(values, mults)


def thm81_eigenvectors(D: int, C: int) -> dict[str, np.ndarray]:
    """Spanning sets (columns, col-major vec) of the four eigenspaces of Theorem 8.1:
    outlier e_c (x) (e_c - 1/C), mini-bulk e_c (x) v (v orthogonal to 1 and e_c), bulk
    e_d (x) v (d > C, v orthogonal to 1), zero e_d (x) 1. Orthonormal within each level."""
    D, C = validate.integer("D", D, 2), validate.integer("C", C, 2)
    I_D, I_C, one = np.eye(D), np.eye(C), np.ones(C) / np.sqrt(C)
    centered = np.linalg.svd(I_C - np.outer(one, one))[0][:, : C - 1]   # basis of 1-perp
    out, mini = [], []
    for c in range(C):
        u = I_C[c] - 1.0 / C
        out.append(np.kron(I_D[c], u / np.linalg.norm(u)))
        # the complement of u inside 1-perp: C-2 directions orthogonal to 1 and e_c
        q = np.linalg.svd(centered - np.outer(u, u @ centered) / (u @ u))[0][:, : C - 2]
        mini += [np.kron(I_D[c], q[:, j]) for j in range(C - 2)]
    bulk = [np.kron(I_D[d], centered[:, j]) for d in range(C, D) for j in range(C - 1)]
    zero = [np.kron(I_D[d], one) for d in range(D)]
    dc = D * C
    return {name: np.array(vs).T if vs else np.zeros((dc, 0))
            for name, vs in zip(LEVELS, (out, mini, bulk, zero), strict=True)}


def thm81_identities(D: int, C: int, t: float, alpha: float) -> dict[str, float]:
    """Closed forms after Theorem 8.1: Tr U_c = alpha gamma, gaps and ratios of the levels.

    gap_out_mini = kappa s (1 - alpha - 1/C), gap_mini_bulk = kappa s / C,
    out/bulk = 1 + s (1 - alpha)/gamma, mini/bulk = 1 + s/(C gamma); out/mini -> C(1 - alpha)."""
    D, C, t, alpha = _ccm_args(D, C, t, alpha)
    s, kappa, gamma = t * t, alpha / (C - 1), 2.0 - alpha * C / (C - 1)
    return {
        "trace_U": alpha * gamma,
        "gap_out_mini": kappa * s * (1 - alpha - 1.0 / C),
        "gap_mini_bulk": kappa * s / C,
        "ratio_out_bulk": 1 + s * (1 - alpha) / gamma,
        "ratio_mini_bulk": 1 + s / (C * gamma),
        "ratio_out_mini_limit": C * (1 - alpha),
    }


def lemma_b1_matrix(a: float, b: float, C: int) -> np.ndarray:
    """A = (a - b) I_C + b 1 1^T (Lemma B.1, PAP-LEM-B.1)."""
    C = validate.integer("C", C, 1)
    return (a - b) * np.eye(C) + b * np.ones((C, C))


def lemma_b1_eigenvalues(a: float, b: float, C: int) -> tuple[np.ndarray, np.ndarray]:
    """Lemma B.1 (PAP-LEM-B.1): a + b (C - 1) once (eigenvector 1), a - b with multiplicity
    C - 1."""
    C = validate.integer("C", C, 1)
    return np.array([a + b * (C - 1), a - b]), np.array([1, C - 1])


def lemma_b2_matrix(a: float, b: float, d: float, e: float, C: int) -> np.ndarray:
    """B with B_11 = a, B_1j = B_j1 = b, B_jj = d, B_jk = e (j != k >= 2) (Lemma B.2)."""
    C = validate.integer("C", C, 2)
    B = np.full((C, C), float(e))
    B[0, :] = B[:, 0] = b
    B[0, 0] = a
    B[np.arange(1, C), np.arange(1, C)] = d
    return B


def lemma_b2_eigenvalues(a: float, b: float, d: float, e: float, C: int
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Lemma B.2 (notation fixed, ERR-4): (T +- Delta)/2 once each and d - e x (C - 2), with
    T = a + d + e (C - 2), Det = a (d + e (C - 2)) - b^2 (C - 1), Delta = sqrt(T^2 - 4 Det)."""
    C = validate.integer("C", C, 2)
    T = a + d + e * (C - 2)
    det = a * (d + e * (C - 2)) - b * b * (C - 1)
    delta = np.sqrt(max(T * T - 4 * det, 0.0))
    return np.array([(T + delta) / 2, (T - delta) / 2, d - e]), np.array([1, 1, C - 2])
