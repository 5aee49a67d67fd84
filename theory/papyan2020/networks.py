"""Card functions for ``cards.toml``, Secs. 3 and 5–7 of Papyan (2020) (seed
Papyan (2020)): knockout interlacing, Hess = G + E, the class / cross-class
decompositions of G, Delta and H, the Khatri–Rao structure of MLP gradients, weights at
stationarity and trained-network Hessians. Sec. 8 lives in ``papyan2020``.
"""

from __future__ import annotations

import numpy as np

from rmtcheck.ensembles.ccm import ccm_sample, nll_grad
from rmtcheck.spectra.interlacing import cauchy_interlacing_margin, rank_r_psd_interlacing_margin

from . import decomposition as dec
from . import fim, mlp
from . import knockout as ko
from .claims import numerical_rank, random_mlr_instance, rel_residual


def hessian_equals_g(rng: np.random.Generator, D: int, C: int, n: int, t: float,
                     model: str = "mlr", width: int = 8) -> np.ndarray:
    """PAP-CLAIM-4: Hess (central differences of the analytic gradient) against G. For softmax
    regression E = 0, so Hess = G entirely (DERIVED c); for a bias-free ReLU MLP the layer-diagonal
    blocks of E vanish and Tr E = 0 (DERIVED b). Returns the relative residual."""
    if model == "mlr":
        X, y, W, P = random_mlr_instance(rng, D, C, n, t)
        theta, h = fim.vec(W), 1e-5
        cols = []
        for j in range(theta.size):
            e = np.zeros_like(theta)
            e[j] = h
            cols.append((fim.vec(nll_grad(fim.unvec(theta + e, C), X, y))
                         - fim.vec(nll_grad(fim.unvec(theta - e, C), X, y))) / (2 * h))
        H = np.array(cols).T
        G = fim.fim_dense(X, P)
        return np.array([np.abs(H - G).max() / max(np.abs(G).max(), 1e-3)])
    X, y = ccm_sample(rng, D, C, n, t)
    weights = mlp.init_mlp(rng, [D, width, width, C])
    G = mlp.gauss_newton(mlp.forward_backward(weights, X))
    E = mlp.hessian_fd(weights, X, y) - G
    edges = np.cumsum([0] + [W.size for W in weights])
    diag = max(np.abs(E[a:b, a:b]).max() for a, b in zip(edges[:-1], edges[1:], strict=True))
    return np.array([max(diag, abs(np.trace(E))) / max(np.abs(G).max(), 1e-3)])


def _decomposition(rng: np.random.Generator, D: int, C: int, n: int, t: float, printed: bool
                   ) -> tuple[np.ndarray, np.ndarray, dec.CrossClassParts]:
    """Sec 6 decomposition of G for softmax regression on a random CCM instance."""
    X, _, _, P = random_mlr_instance(rng, D, C, n, t)
    g = dec.mlr_extended_gradients(X, P, n, C)
    return X, P, dec.cross_class_decomposition(g, dec.cross_probs(P, n, C), printed)


def extended_gradient_residual(rng: np.random.Generator, D: int, C: int, n: int,
                               t: float) -> np.ndarray:
    """PAP-EQ-6.2: G from Eq. 8.1 against sum_{i,c,c'} w g g^T with w = p/(nC)."""
    X, P, parts = _decomposition(rng, D, C, n, t, False)
    return np.array([rel_residual(parts.total, fim.fim_dense(X, P))])


def decomposition_residual(rng: np.random.Generator, D: int, C: int, n: int,
                           t: float) -> np.ndarray:
    """Eq. 6.4 with the corrected centering g_c: relative residual of G - sum of parts."""
    return np.array([_decomposition(rng, D, C, n, t, False)[2].residual])


def decomposition_residual_printed(rng: np.random.Generator, D: int, C: int, n: int,
                                   t: float) -> np.ndarray:
    """Eq. 6.4 as printed (G_cross centred at g_{c'}): relative residual."""
    return np.array([_decomposition(rng, D, C, n, t, True)[2].residual])


def decomposition_rank_bounds(C: int) -> np.ndarray:
    """PAP-CLAIM-9 ranks: G_class C, G_cross C (C - 2), G_{c=c'} C, and their sum C (C - 1), not
    C^2: sum_{c'} p_{c'} (p - e_{c'}) = 0 gives sum_{c'} w_{c,c'} g_{c,c'} = 0, so g_{c,c} is
    parallel to g_c and G_{c=c'} adds no direction to G_class."""
    return np.array([C, C * (C - 2), C, C * (C - 1)])


def _span_rank(vectors: np.ndarray, tol: float = 1e-8) -> int:
    """Numerical rank of the span of the rows of ``vectors`` (each normalised to unit length, so
    tiny weights w_{c,c'} of saturated probabilities do not hide directions)."""
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-300)
    s = np.linalg.svd(v, compute_uv=False)
    return int(np.sum(s > tol * s[0]))


def decomposition_ranks(rng: np.random.Generator, D: int, C: int, n: int, t: float) -> np.ndarray:
    """Ranks of G_class, G_cross, G_{c=c'} and their sum, from their factors (a PSD sum
    sum_k w_k v_k v_k^T with w_k > 0 has the rank of span{v_k}): g_c; g_{c,c'} - g_c (c' != c);
    g_{c,c}; all of them together."""
    _, _, parts = _decomposition(rng, D, C, n, t, False)
    off = ~np.eye(C, dtype=bool)
    cross = (parts.cross_means - parts.class_means[:, None, :])[off]
    same = parts.cross_means[np.arange(C), np.arange(C)]
    factors = (parts.class_means, cross, same, np.vstack([parts.class_means, cross, same]))
    return np.array([_span_rank(f) for f in factors])


def manova_residual(rng: np.random.Generator, C: int, n: int, p: int) -> np.ndarray:
    """Defs 1.10–1.12: V - (V_class + V_cross + V_within) relative residual, plus the excess of
    rank V_cross over C (C - 1) (0 when the bound holds)."""
    v = rng.standard_normal((n, C, C, p)) + rng.standard_normal((1, C, C, p))
    parts = dec.manova_decomposition(v)
    scale = np.linalg.eigvalsh(parts["total"])[-1]
    excess = max(numerical_rank(parts["cross"], scale) - C * (C - 1), 0)
    total = parts["class"] + parts["cross"] + parts["within"]
    return np.array([rel_residual(total, parts["total"]) + excess])


def knockout_interlacing(rng: np.random.Generator, D: int, C: int, n: int, t: float) -> dict:
    """DERIVED 3.a on A = G of softmax regression, B = G_class (rank r <= C, factor g_c):
    projection knockout P A P = compression + r zeros (Cauchy), subtraction A - B (rank-r PSD),
    and the non-square knockout of a C x D matrix by its class part (singular values)."""
    X, P, parts = _decomposition(rng, D, C, n, t, False)
    A = parts.total
    Q = ko.range_basis(parts.class_means.T)
    r = Q.shape[1]
    lam = np.linalg.eigvalsh(A)
    comp = np.linalg.eigvalsh(ko.complement_basis(Q).T @ A @ ko.complement_basis(Q))
    pap = np.sort(np.linalg.eigvalsh(ko.project_knockout(A, Q)))
    zeros_ok = -np.abs(pap - np.sort(np.concatenate([comp, np.zeros(r)]))).max()
    sub = rank_r_psd_interlacing_margin(np.linalg.eigvalsh(A - parts.klass), lam, r)
    M = rng.standard_normal((C, D))
    Bm = np.outer(rng.standard_normal(C), rng.standard_normal(D))
    s_full = np.linalg.svd(M, compute_uv=False)
    s_ko = np.linalg.svd(ko.project_knockout_nonsquare(M, Bm), compute_uv=False)
    nonsq = min(float(np.min(s_full - s_ko)), float(np.min(s_ko[: C - 2] - s_full[2:C]))
                if C > 2 else 0.0)
    scale = lam[-1]
    parts_ = {"cauchy": cauchy_interlacing_margin(lam, comp) / scale, "subtraction": sub / scale,
              "zeros": zeros_ok / scale, "nonsquare": nonsq / s_full[0]}
    return {"margin": min(parts_.values()), **parts_, "rank": r}


def _random_mlp(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                depth: int) -> tuple[np.ndarray, np.ndarray, mlp.Weights, mlp.Pass]:
    """CCM data and an untrained He-initialised MLP with ``depth`` hidden layers."""
    X, y = ccm_sample(rng, D, C, n, t)
    weights = mlp.init_mlp(rng, [D] + [width] * depth + [C])
    return X, y, weights, mlp.forward_backward(weights, X)


def mlp_gradient_structure(rng: np.random.Generator, D: int, C: int, n: int, t: float,
                           width: int = 6, depth: int = 2) -> np.ndarray:
    """PAP-CLAIM-13: g^l_{i,c'} = h^{l-1} (x) delta^l against central differences of
    l(f(x_i), y_{c'}), and G^l = sum w (h h^T) (x) (delta delta^T) against the (l, l) block of
    G = Ave J^T U J. Returns the worst relative residual."""
    X, _, weights, ps = _random_mlp(rng, D, C, 1, t, width, depth)
    deltas = mlp.extended_errors(ps)
    g = np.concatenate([mlp.layer_gradients(ps, deltas, l) for l in range(1, depth + 2)],
                       axis=2)                                                  # i, c', p
    theta, step, worst = mlp.flatten(weights), 1e-6, 0.0
    for cp in range(C):
        yc = np.full(X.shape[0], cp)
        fd = np.empty((X.shape[0], theta.size))
        for j in range(theta.size):
            e = np.zeros_like(theta)
            e[j] = step
            for i in range(X.shape[0]):
                up = mlp.loss_grad(mlp.unflatten(theta + e, weights), X[i:i + 1], yc[i:i + 1])[0]
                dn = mlp.loss_grad(mlp.unflatten(theta - e, weights), X[i:i + 1], yc[i:i + 1])[0]
                fd[i, j] = (up - dn) / (2 * step)
        worst = max(worst, rel_residual(g[:, cp], fd))
    G = mlp.gauss_newton(ps)
    edges = np.cumsum([0] + [W.size for W in weights])
    for l, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        worst = max(worst, rel_residual(mlp.layer_gauss_newton(ps, deltas, l + 1), G[a:b, a:b]))
    return np.array([worst])


def feature_decomposition_residual(rng: np.random.Generator, D: int, C: int, n: int, t: float,
                                   width: int = 16, depth: int = 3) -> np.ndarray:
    """PAP-CLAIM-14: H^l = H^l_class + H^l_within and H^l = Ave_c H^l_c at every layer, and the
    centred H_class - h_G h_G^T has rank <= C - 1 (the rank excess is added to the residual)."""
    _, _, _, ps = _random_mlp(rng, D, C, n, t, width, depth)
    worst = 0.0
    for h in ps.h:
        parts = dec.class_decomposition(dec.by_class(h, n, C))
        hg = parts["global_mean"]
        centred = parts["class"] - np.outer(hg, hg)                # DERIVED: rank <= C - 1
        scale = max(np.linalg.eigvalsh(parts["total"])[-1], 1e-300)
        worst = max(worst, rel_residual(parts["class"] + parts["within"], parts["total"]),
                    rel_residual(parts["per_class"].mean(axis=0), parts["total"]),
                    max(numerical_rank(centred, scale) - (C - 1), 0))
    return np.array([worst])


def error_decomposition_residual(rng: np.random.Generator, D: int, C: int, n: int, t: float,
                                 width: int = 16, depth: int = 3) -> np.ndarray:
    """PAP-CLAIM-17: Delta^l = class + cross + within + (c = c') with the corrected centering and
    no extra 1/(NC); Delta^L = Ave (diag p - p p^T); Ave_c Delta^l_c = Delta^l."""
    _, _, _, ps = _random_mlp(rng, D, C, n, t, width, depth)
    pr = dec.by_class(ps.probs, n, C)
    worst = 0.0
    for d in mlp.extended_errors(ps):
        dd = dec.by_class(d, n, C)                                   # i, c, c', n_l
        parts = dec.cross_class_decomposition(dd, pr)
        per_class = dec.per_class_weighted(dd, pr)
        worst = max(worst, parts.residual, rel_residual(per_class.mean(axis=0), parts.total))
    last = fim.softmax_hessians(ps.probs).mean(axis=0)
    return np.array([max(worst, rel_residual(parts.total, last))])


def weight_stationarity_identity(rng: np.random.Generator, D: int, C: int, n: int, t: float,
                                 wd: float, width: int = 8) -> np.ndarray:
    """Eq. 7.13 as an identity at any theta: eta W^l + Ave_{i,c} delta^l_{i,c,c} h^{l-1,T} equals
    the gradient of L + (eta/2) sum ||W||^2, so W = -(1/eta) Ave delta h^T exactly at a stationary
    point; and Ave delta h^T = Ave_c delta_cc h_c^T + Ave (delta - delta_cc)(h - h_c)^T, i.e.
    W - W_class = W_within there. Returns the worst relative residual over layers."""
    X, y = ccm_sample(rng, D, C, n, t)
    weights = mlp.init_mlp(rng, [D, width, width, C])
    ps = mlp.forward_backward(weights, X)
    grads = mlp.unflatten(mlp.loss_grad(weights, X, y, wd)[1], weights)
    deltas = mlp.extended_errors(ps)
    worst = 0.0
    for W, g, h, d in zip(weights, grads, ps.h, deltas, strict=True):
        dtrue = d[np.arange(y.size), y]                                 # delta_{i,c,c}
        avg = dtrue.T @ h / y.size
        worst = max(worst, rel_residual(wd * W + avg, g))
        hc, dc = (dec.by_class(h, n, C)), dec.by_class(dtrue, n, C)           # i, c, .
        klass = np.einsum("cm,cj->mj", dc.mean(axis=0), hc.mean(axis=0)) / C
        within = np.einsum("icm,icj->mj", dc - dc.mean(axis=0), hc - hc.mean(axis=0)) / y.size
        worst = max(worst, rel_residual(klass + within, avg))
    return np.array([worst])


def weyl_hess_g(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int = 6
                ) -> dict[str, float]:
    """PAP-CLAIM-6 / DER-3: Weyl |lambda_i(Hess) - lambda_i(G)| <= ||E||_2 (exact) for a random
    ReLU MLP; also the fraction of the top-2C indices where lambda_{i+1}(G) <= lambda_i(Hess)
    <= lambda_{i-1}(G) holds (the paper's 'interlacing', reported only)."""
    X, y = ccm_sample(rng, D, C, n, t)
    weights = mlp.init_mlp(rng, [D, width, width, C])
    G = mlp.gauss_newton(mlp.forward_backward(weights, X))
    H = mlp.hessian_fd(weights, X, y)
    lg, lh = np.linalg.eigvalsh(G)[::-1], np.linalg.eigvalsh(H)[::-1]
    norm_e = np.abs(np.linalg.eigvalsh(H - G)).max()
    k = min(2 * C, lg.size - 2)
    i = np.arange(1, k + 1)
    inter = np.mean((lg[i + 1] <= lh[i]) & (lh[i] <= lg[i - 1]))
    scale = max(np.abs(lh).max(), 1e-3)
    return {"margin": float((norm_e - np.abs(lh - lg).max()) / scale),
            "norm_E": float(norm_e), "interlacing_fraction": float(inter)}


def trained_hessian_stats(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                          epochs: int, seeds: int) -> dict[str, float]:
    """PAP-CLAIM-2 / CLAIM-26 on ``seeds`` GMM-MLPs (2 hidden layers) trained by SGD (App. D.1):
    fraction with lambda_min(Hess) < -1e-8 lambda_1, mean train accuracy and mean fraction of
    positive eigenvalues of E = Hess - G (symmetry of E about 0, Fig 16)."""
    neg, acc, pos = [], [], []
    for _ in range(seeds):
        X, y = ccm_sample(rng, D, C, n, t)
        weights = mlp.train_sgd(rng, mlp.init_mlp(rng, [D, width, width, C]), X, y, epochs,
                                batch=32)
        ps = mlp.forward_backward(weights, X)
        G, H = mlp.gauss_newton(ps), mlp.hessian_fd(weights, X, y)
        lh, le = np.linalg.eigvalsh(H), np.linalg.eigvalsh(H - G)
        neg.append(lh[0] < -1e-8 * lh[-1])
        acc.append(np.mean(np.argmax(ps.logits, axis=1) == y))
        pos.append(np.mean(le[np.abs(le) > 1e-6 * np.abs(le).max()] > 0))
    return {"negative_fraction": float(np.mean(neg)), "accuracy": float(np.mean(acc)),
            "E_positive_fraction": float(np.mean(pos))}


