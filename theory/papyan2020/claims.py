"""Card functions for ``cards.toml`` (claims PAP-*): Papyan (2020), "Traces of
class/cross-class structure pervade deep learning spectra"

This module covers Sec. 8 (softmax regression on CCM: Lemma 8.1, Theorem 8.1, App. B, the
Monte-Carlo FIM, genuine softmax); ``networks`` covers Secs. 3, 5–7 (knockouts,
Hess = G + E, decompositions, MLP structure). Residual-type identities on random instances use
``theory = zero`` and return relative residuals; closed forms return (values, multiplicities)
or arrays.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from rmtcheck.checker.verdict import Estimate
from rmtcheck.ensembles.ccm import (
    bayes_error,
    bayes_weights,
    ccm_sample,
    fit_mlr,
    random_rotation,
    softmax_probs,
    symmetric_probs,
)

from . import decomposition as dec
from . import fim


def rel_residual(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max |b|."""
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def numerical_rank(M: np.ndarray, scale: float, tol: float = 1e-9) -> int:
    """Number of eigenvalues of the symmetric part of M above ``tol * scale``."""
    return int(np.sum(np.linalg.eigvalsh((M + M.T) / 2) > tol * scale))


# --- Lemma 8.1, Theorem 8.1, Lemmas B.1 / B.2 ------------------------------------------------

def lemma81_closed_form(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Lemma 8.1's E G (flattened)."""
    return fim.expected_fim(D, C, t, alpha).ravel()


def lemma81_from_definition(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """E G from the per-sample Kronecker formula (Eq. 8.1) on moment-matched points (exact)."""
    X, y = fim.moment_matched_points(D, C, t)
    return fim.fim_dense(X, symmetric_probs(C, alpha)[y]).ravel()


def expected_fim_eigenvalues(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Descending eigenvalues of E G built from its definition (moment-matched points)."""
    G = lemma81_from_definition(D, C, t, alpha).reshape(D * C, D * C)
    return np.linalg.eigvalsh(G)[::-1]


def expected_fim_eigenvalues_operator(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Descending eigenvalues of E G materialised column by column from the matrix-free
    per-sample operator (:func:`fim_operator`) on moment-matched points."""
    X, y = fim.moment_matched_points(D, C, t)
    G = fim.fim_operator(X, symmetric_probs(C, alpha)[y]).matmat(np.eye(D * C))
    return np.linalg.eigvalsh((G + G.T) / 2)[::-1]


def _level_extremes(D: int, C: int, t: float, alpha: float) -> dict[str, tuple[float, float]]:
    """(min, max) of E G compressed to each Theorem 8.1 eigenspace (non-empty ones)."""
    G = lemma81_from_definition(D, C, t, alpha).reshape(D * C, D * C)
    out = {}
    for name, Q in fim.thm81_eigenvectors(D, C).items():
        if Q.shape[1]:
            ev = np.linalg.eigvalsh(Q.T @ G @ Q)
            out[name] = (float(ev[0]), float(ev[-1]))
    return out


def ordering_margin(D: int, C: int, t: float, alpha: float) -> dict[str, float]:
    """Sec 8.2 ordering outlier >= mini-bulk >= bulk >= 0 on the eigenspaces of Theorem 8.1:
    worst of min(upper level) - max(lower level) over consecutive non-empty levels."""
    lv = _level_extremes(D, C, t, alpha)
    chain = [lv[k] for k in fim.LEVELS if k in lv]
    gaps = [hi[0] - lo[1] for hi, lo in zip(chain[:-1], chain[1:], strict=True)]
    return {"margin": min(gaps), "outlier": lv["outlier"][0],
            "mini": lv["mini"][0] if "mini" in lv else float("nan")}


def ordering_margin_corrected(D: int, C: int, t: float, alpha: float) -> dict[str, float]:
    """Corrected ordering: mini-bulk >= bulk and outlier >= bulk always; outlier >= mini-bulk
    for alpha <= (C-1)/C and mini-bulk >= outlier beyond (worse than chance)."""
    lv = _level_extremes(D, C, t, alpha)
    out, low = lv["outlier"], lv.get("bulk", lv["zero"])
    gaps = [out[0] - low[1]]
    if "mini" in lv:
        mini = lv["mini"]
        gaps.append(mini[0] - low[1])
        gaps.append(out[0] - mini[1] if alpha <= (C - 1) / C else mini[0] - out[1])
    return {"margin": min(gaps)}


def printed_ranks(C: int) -> np.ndarray:
    """Text after Lemma 8.1 (ERR-1): rank U_c = C and rank blkdiag(U_1..U_C) = C^2."""
    return np.array([C, C * C])


def corrected_ranks(C: int) -> np.ndarray:
    """rank U_c = C - 1 and rank blkdiag = C (C - 1) for 0 < alpha < 1."""
    return np.array([C - 1, C * (C - 1)])


def numerical_ranks(C: int, alpha: float) -> np.ndarray:
    """Numerical ranks of U_1 and of blkdiag(U_1..U_C) (threshold 1e-9 x largest eigenvalue)."""
    U = fim.class_hessians(C, alpha)
    blk = np.zeros((C * C, C * C))
    for c in range(C):
        blk[c * C:(c + 1) * C, c * C:(c + 1) * C] = U[c]
    scale = np.linalg.eigvalsh(U[0])[-1]
    return np.array([numerical_rank(U[0], scale), numerical_rank(blk, scale)])


def thm81_identities_closed(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Closed-form Tr U_c, gaps and ratios after Theorem 8.1 (without the s -> inf limit)."""
    ident = fim.thm81_identities(D, C, t, alpha)
    return np.array([ident[k] for k in ("trace_U", "gap_out_mini", "gap_mini_bulk",
                                        "ratio_out_bulk", "ratio_mini_bulk")])


def thm81_identities_numeric(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """The same quantities measured: Tr U_1 directly, levels from E G on its eigenspaces."""
    lv = {k: v[0] for k, v in _level_extremes(D, C, t, alpha).items()}
    trace_u = float(np.trace(fim.class_hessians(C, alpha)[0]))
    return np.array([trace_u, lv["outlier"] - lv["mini"], lv["mini"] - lv["bulk"],
                     lv["outlier"] / lv["bulk"], lv["mini"] / lv["bulk"]])


def lemma_b1_numeric(a: float, b: float, C: int) -> np.ndarray:
    """eigvalsh of the Lemma B.1 matrix."""
    return np.linalg.eigvalsh(fim.lemma_b1_matrix(a, b, C))


def lemma_b2_numeric(a: float, b: float, d: float, e: float, C: int) -> np.ndarray:
    """eigvalsh of the Lemma B.2 matrix."""
    return np.linalg.eigvalsh(fim.lemma_b2_matrix(a, b, d, e, C))


# --- Monte-Carlo FIM (Part B, PAP-DER-2) ------------------------------------------------------

def mc_relative_error(rng: np.random.Generator, D: int, C: int, t: float, alpha: float,
                      n: int) -> float:
    """||G_N - E G||_F / ||E G||_F for n CCM samples per class."""
    G = fim.expected_fim(D, C, t, alpha)
    return float(np.linalg.norm(fim.mc_fim(rng, D, C, t, alpha, n) - G) / np.linalg.norm(G))


def mc_mse_closed(D: int, C: int, t: float, alpha: float, n: int) -> np.ndarray:
    """PAP-DER-2 closed form of E ||G_N - E G||_F^2."""
    return np.array([fim.mc_fim_mse(D, C, t, alpha, n)])


def mc_mse_estimate(rng: np.random.Generator, D: int, C: int, t: float, alpha: float, n: int,
                    reps: int) -> Estimate:
    """Mean of ||G_N - E G||_F^2 over ``reps`` independent data sets, with its standard error."""
    G = fim.expected_fim(D, C, t, alpha)
    return Estimate.from_samples([[np.sum((fim.mc_fim(rng, D, C, t, alpha, n) - G) ** 2)]
                                  for _ in range(reps)])


# --- Softmax regression G: shift invariance, CFAC -------------------------------------------

def random_mlr_instance(rng: np.random.Generator, D: int, C: int, n: int, t: float
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CCM data with Haar-rotated means and a Gaussian W (generic softmax probabilities)."""
    X, y = ccm_sample(rng, D, C, n, t, random_rotation(rng, D))
    W = rng.standard_normal((C, D))
    return X, y, W, softmax_probs(W, X)


def shift_null_residual(rng: np.random.Generator, D: int, C: int, n: int, t: float) -> np.ndarray:
    """PAP-DER-1: max |G (e_d (x) 1_C)| over d, relative to Ave ||x||^2 (the scale of G's entries
    before the cancellation U_i 1 = 0; max |G| itself can be tiny for saturated probabilities)."""
    X, _, _, P = random_mlr_instance(rng, D, C, n, t)
    G = fim.fim_dense(X, P)
    null = np.kron(np.eye(D), np.ones((C, 1)))
    return np.array([np.abs(G @ null).max() / np.mean(np.sum(X * X, axis=1))])


def cfac_residual(rng: np.random.Generator, D: int, C: int, n: int, t: float, alpha: float
                  ) -> np.ndarray:
    """DERIVED after Def 7.11: for softmax regression with label-only probabilities (Def 8.2)
    G = Ave_c H_c (x) Delta_c exactly (CFAC); returns [CFAC residual, KFAC residual > 1e-3]."""
    X, y = ccm_sample(rng, D, C, n, t)
    U = fim.class_hessians(C, alpha)
    G = fim.fim_dense(X, symmetric_probs(C, alpha)[y])
    H_c = np.array([X[y == c].T @ X[y == c] / n for c in range(C)])
    cfac = dec.cfac(H_c, U)
    kfac = dec.kfac(H_c.mean(axis=0), U.mean(axis=0))
    return np.array([rel_residual(cfac, G), float(rel_residual(kfac, G) > 1e-3)])


def cfac_kfac_expected() -> np.ndarray:
    """[CFAC residual 0, KFAC differs from G (indicator 1)]."""
    return np.array([0.0, 1.0])


# --- Genuine softmax (Sec 3.4 extension, X12) ------------------------------------------------

def _centred(W: np.ndarray) -> np.ndarray:
    """W - 1 (1^T W)/C: the representative of W modulo softmax shifts that L-BFGS from 0 keeps."""
    return W - W.mean(axis=0, keepdims=True)


def genuine_softmax(rng: np.random.Generator, D: int, C: int, n: int,
                    snrs: list[float] | None = None) -> dict[str, float]:
    """Fit softmax regression (L-BFGS) on n CCM samples per class at each SNR t; G at the fit on
    the training data. Bulk level: the mean eigenvalue of the d > C blocks (E[1-||p||^2]/(C-1)
    at the population MLE). Reports lambda_1 / bulk per t, its Spearman correlation with t and
    with the Bayes error, and at the largest t the counts above 1.25 x bulk and in
    (0.05, 0.85) x bulk, which are C(C-1)/2 each for the population FIM."""
    snrs = list(snrs or [0.5, 1.0, 2.0, 3.0])
    ratios, errors, out = [], [], {}
    for t in snrs:
        X, y = ccm_sample(rng, D, C, n, t)
        W = fit_mlr(X, y, C).W
        G = fim.fim_dense(X, softmax_probs(W, X))
        ev = np.linalg.eigvalsh(G)
        bulk = float(np.trace(G[C * C:, C * C:]) / ((D - C) * (C - 1)))
        ratios.append(ev[-1] / bulk)
        errors.append(bayes_error(C, t))
        out.update(above=float(np.sum(ev > 1.25 * bulk)),
                   below=float(np.sum((ev > 0.05 * bulk) & (ev < 0.85 * bulk))),
                   w_err=float(np.linalg.norm(W - _centred(bayes_weights(D, C, t)))
                               / max(t, 1e-12)))
    out.update({f"ratio_t{t:g}": r for t, r in zip(snrs, ratios, strict=True)})
    out["spearman_t"] = float(stats.spearmanr(snrs, ratios)[0])
    out["spearman_bayes"] = float(stats.spearmanr(errors, ratios)[0])
    return out


# --- Further definitions and errata ------------------------------------------------------------

def vec_jacobian_residual(rng: np.random.Generator, D: int, C: int) -> np.ndarray:
    """Def 8.0: d(W x)/d vec(W)^T = x (x) I_C under the column-major vec (by central
    differences of f(theta) = unvec(theta) x, which is linear, so they are exact up to rounding)."""
    W, x = rng.standard_normal((C, D)), rng.standard_normal(D)
    theta, step = fim.vec(W), 1e-3
    J = np.array([(fim.unvec(theta + step * e, C) @ x - fim.unvec(theta - step * e, C) @ x)
                  / (2 * step) for e in np.eye(theta.size)])
    return np.array([rel_residual(J, np.kron(x[:, None], np.eye(C)))])


def u1_entry_printed(alpha: float) -> np.ndarray:
    """App. B, U_1 display as printed (ERR-3): (p p^T)_{11} = (1 - alpha)^2 / C, here for C = 3."""
    return np.array([(1 - alpha) ** 2 / 3])


def u1_entry_corrected(alpha: float) -> np.ndarray:
    """(p p^T)_{11} = (1 - alpha)^2."""
    return np.array([(1 - alpha) ** 2])


def u1_entry_numeric(alpha: float) -> np.ndarray:
    """(p_{.,1} p_{.,1}^T)_{11} from the symmetric probabilities of Def 8.2 (C = 3)."""
    p = symmetric_probs(3, alpha)[0]
    return np.array([np.outer(p, p)[0, 0]])


def krylov_levels_expected(D: int, C: int) -> np.ndarray:
    """PAP-DER-4: Gauss weights of E G average m_k / (DC) (m_k the Theorem 8.1 multiplicities)
    and the Krylov space of a generic start vector has dimension 4 (distinct levels)."""
    _, mults = fim.thm81_levels(D, C, 1.0, 0.5 * (C - 1) / C)
    return np.append(mults / (D * C), 4.0)


def krylov_levels_estimate(rng: np.random.Generator, D: int, C: int, t: float, alpha: float,
                           reps: int) -> Estimate:
    """Per Gaussian start v: the weights ||P_k v||^2 / ||v||^2 on the four eigenspaces (the
    Gauss-quadrature weights a terminated Lanczos run returns) and the numerical rank of the
    normalised Krylov matrix [v, A v, ..., A^5 v] of A = E G."""
    G = fim.expected_fim(D, C, t, alpha)
    spaces = list(fim.thm81_eigenvectors(D, C).values())
    rows = []
    for _ in range(reps):
        v = rng.standard_normal(D * C)
        v /= np.linalg.norm(v)
        K = [v]
        for _ in range(5):
            K.append(G @ K[-1])
            K[-1] = K[-1] / np.linalg.norm(K[-1])
        s = np.linalg.svd(np.array(K), compute_uv=False)
        rows.append([np.sum((Q.T @ v) ** 2) for Q in spaces] + [np.sum(s > 1e-8 * s[0])])
    return Estimate.from_samples(rows)
