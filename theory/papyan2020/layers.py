"""Card functions for the layer-wise class structure of trained GMM-MLPs in Papyan (2020):
features H^l (PAP-CLAIM-15, Sec. 7.5-7.6, Figs. 7-8), backpropagated errors Delta^l
(PAP-CLAIM-18, Sec. 7.8-7.9, Figs. 9-10) and the Khatri-Rao form of the gradient class means
g_c ~ h_c (x) delta_c (PAP-CLAIM-20, Sec. 7.12).

Separation of a second moment A from its class part B (rank r): sep = lambda_r(B) /
lambda_1(A // B), the smallest class eigenvalue over the bulk edge left by the projection
knockout (Def 3.2; specification 1.7). Networks as in :mod:`rmtcheck.theory.papyan2020.trained`.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from rmtcheck import validate
from rmtcheck.errors import InputError

from . import decomposition as dec
from . import knockout as ko
from . import mlp
from .trained import _aggregate, _desc, _nets


def _separation(A: np.ndarray, factors: np.ndarray, weights: np.ndarray) -> float:
    """lambda_r(B) / lambda_1(A // B) for B = sum_k weights_k f_k f_k^T (factors r x n, B never
    formed: the knockout projects on the complement of the span of the factors)."""
    B_eig = _desc((factors * weights[:, None]).T @ factors)[: factors.shape[0]]
    Q = ko.range_basis(factors.T * np.sqrt(weights))
    bulk = _desc(ko.project_knockout(A, Q))[0]
    return float(B_eig[Q.shape[1] - 1] / max(bulk, 1e-300))


def _trend(values: list[float]) -> float:
    """Spearman correlation of ``values`` with their index (the layer)."""
    return float(spearmanr(np.arange(len(values)), values)[0])


# --- PAP-CLAIM-15: feature outliers from H_class separate with depth -------------------------

def feature_separation(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                       depth: int, epochs: int, wd: float, seeds: int) -> dict[str, float]:
    """PAP-CLAIM-15: for the features h^l of the hidden layers l = 1..depth, sep^l =
    lambda_C(H^l_class) / lambda_1(H^l // H^l_class) (H_class = Ave_c h_c h_c^T, Def 7.4);
    ``spearman`` = Spearman(sep^l, l), ``first``, ``last`` = sep^1, sep^depth, ``gain`` =
    sep^depth / sep^1, and ``knock`` = lambda_1(H^depth // H_class) / lambda_{C+1}(H^depth)
    (>= 1 by interlacing). A network passes when spearman > 0 and knock <= 1.25."""
    depth, rows = validate.integer("depth", depth, 2), []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width] * depth, epochs, wd, seeds):
        sep = []
        for h in ps.h[1:]:
            parts = dec.class_decomposition(dec.by_class(h, n, C))
            sep.append(_separation(parts["total"], parts["means"], np.full(C, 1.0 / C)))
        H = parts["total"]
        bulk = _desc(ko.project_knockout(H, ko.range_basis(parts["means"].T)))[0]
        rows.append({"spearman": _trend(sep), "first": sep[0], "last": sep[-1],
                     "gain": sep[-1] / sep[0], "knock": bulk / _desc(H)[C], "accuracy": acc})
    return _aggregate(rows, lambda r: r["spearman"] > 0 and r["knock"] <= 1.25)


# --- PAP-CLAIM-18: error outliers from Delta_class separate towards the output ---------------

def error_separation(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                     depth: int, epochs: int, wd: float, seeds: int, part: str = "separation"
                     ) -> dict[str, float]:
    """PAP-CLAIM-18: for the extended errors delta^l of the hidden layers l = 1..depth (Def 7.2,
    7.7; weights w = p/(nC)), sep^l = lambda_C(Delta^l_class) / lambda_1(Delta^l //
    Delta^l_class); ``spearman`` = Spearman(sep^l, l) (> 0: the outliers separate at deeper
    layers); ``white`` = Spearman(rho^l, l) with rho^l = lambda_2 / lambda_C(Delta^l_class)
    (< 0: the error class means whiten towards the output, i.e. deteriorate towards the input);
    ``rho_last``, ``rho_first``. A network passes when spearman > 0 (``part = "separation"``)
    or when white < 0 (``part = "whitening"``)."""
    if part not in ("separation", "whitening"):
        raise InputError("part", f"got {part!r}", "separation or whitening")
    depth, rows = validate.integer("depth", depth, 2), []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width] * depth, epochs, wd, seeds):
        probs = dec.by_class(ps.probs, n, C)
        sep, rho = [], []
        for d in mlp.extended_errors(ps)[:depth]:
            parts = dec.cross_class_decomposition(dec.by_class(d, n, C), probs)
            sep.append(_separation(parts.total, parts.class_means, parts.w_c))
            lam = _desc(parts.klass)
            rho.append(lam[1] / max(lam[C - 1], 1e-300))
        rows.append({"spearman": _trend(sep), "white": _trend(rho), "first": sep[0],
                     "last": sep[-1], "rho_first": rho[0], "rho_last": rho[-1],
                     "accuracy": acc})
    key, sign = ("spearman", 1.0) if part == "separation" else ("white", -1.0)
    return _aggregate(rows, lambda r: sign * r[key] > 0)


# --- PAP-CLAIM-20: g_c ~ h_c (x) delta_c, g_{c,c'} ~ h_c (x) delta_{c,c'} ----------------------

def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosines of a and b (... x k)."""
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def khatri_rao_means(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                     depth: int, epochs: int, wd: float, seeds: int, shift: int = 0
                     ) -> dict[str, float]:
    """PAP-CLAIM-20 per layer l = 1..depth + 1: cosines of the Sec. 6 class means g^l_c of the
    layer gradients g^l = h^{l-1} (x) delta^l (Eq. 7.4) with h^{l-1}_c (x) delta^l_{c+shift}
    (h_c = Ave_i h_{i,c}; delta_c the weighted error class means of Sec. 7.7; ``shift`` != 0
    pairs each class with another class's errors, cyclically), and of the cross-class means
    g^l_{c,c'} with h^{l-1}_c (x) delta^l_{c+shift,c'+shift} (c != c'). ``deep`` = the smaller
    over the last two layers of the median class cosine, ``cross`` = the same for the
    cross-class means, ``shallow`` = the median class cosine at layer 1. A network passes when
    deep > 0.9 (the specification's 'median cosine > 0.9 at the deep layers')."""
    depth, rows = validate.integer("depth", depth, 1), []
    shift = validate.integer("shift", shift, 0, C - 1)
    perm = (np.arange(C) + shift) % C
    off = ~np.eye(C, dtype=bool)
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width] * depth, epochs, wd, seeds):
        probs, deltas = dec.by_class(ps.probs, n, C), mlp.extended_errors(ps)
        klass, cross = [], []
        for layer in range(1, depth + 2):
            _, g_cc, _, g_c = dec.weighted_means(
                dec.by_class(mlp.layer_gradients(ps, deltas, layer), n, C), probs)
            _, d_cc, _, d_c = dec.weighted_means(dec.by_class(deltas[layer - 1], n, C), probs)
            h_c = dec.by_class(ps.h[layer - 1], n, C).mean(axis=0)
            approx_c = np.einsum("cj,cm->cjm", h_c, d_c[perm]).reshape(C, -1)
            approx_cc = np.einsum("cj,cdm->cdjm", h_c, d_cc[perm][:, perm]).reshape(C, C, -1)
            klass.append(float(np.median(_cosines(g_c, approx_c))))
            cross.append(float(np.median(_cosines(g_cc, approx_cc)[off])))
        rows.append({"deep": min(klass[-2:]), "cross": min(cross[-2:]), "shallow": klass[0],
                     "accuracy": acc})
    return _aggregate(rows, lambda r: r["deep"] > 0.9)


# --- Sec. 7.13, Fig. 13: W^l has C outlier singular values from W^l_class, emerging with depth --

def singular_separation(W: np.ndarray, W_class: np.ndarray) -> float:
    """sigma_r(W) / sigma_1(W // W_class), r = rank W_class (relative threshold 1e-10): the top
    r singular values of W over the bulk edge left by the non-square knockout (Def 3.2)."""
    s_class = np.linalg.svd(W_class, compute_uv=False)
    r = int(np.sum(s_class > 1e-10 * s_class[0]))
    bulk = np.linalg.svd(ko.project_knockout_nonsquare(W, W_class), compute_uv=False)[0]
    return float(np.linalg.svd(W, compute_uv=False)[r - 1] / bulk)


def weight_separation(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                      depth: int, epochs: int, wd: float, seeds: int) -> dict[str, float]:
    """PAP-CLAIM-21 (empirical part) for the weights W^l of the hidden layers l = 1..depth:
    W^l_class = -(1/eta) Ave_c delta^l_{c,c} h^{l-1,T}_c (Eq. 7.13, unweighted true-label error
    means, eta = wd), sep^l = sigma_r(W^l) / sigma_1(W^l // W^l_class) (r = rank W_class <= C:
    the top r singular values of W over the bulk edge left by the non-square projection
    knockout, Def 3.2 / AMB-4); ``spearman`` = Spearman(sep^l, l),
    ``first``, ``last``, and ``top`` = sigma_1(W^depth) / sigma_1(W^depth // delta_G h_G^T) (the
    top singular value attributed to the global means). A network passes when spearman > 0 and
    last > 1.25 (outliers stand more than 25% above the bulk edge at the last hidden layer, the
    band PAP-CLAIM-15 uses for 'at the bulk')."""
    depth, rows = validate.integer("depth", depth, 2), []
    for _, y, weights, ps, acc in _nets(rng, D, C, n, t, [width] * depth, epochs, wd, seeds):
        errors = mlp.extended_errors(ps)
        sep = []
        for layer in range(1, depth + 1):
            W = weights[layer - 1]
            d_cc = dec.by_class(errors[layer - 1][np.arange(y.size), y], n, C).mean(axis=0)
            h_c = dec.by_class(ps.h[layer - 1], n, C).mean(axis=0)
            sep.append(singular_separation(W, -d_cc.T @ h_c / (C * wd)))
        glob = np.outer(d_cc.mean(axis=0), h_c.mean(axis=0))
        top = np.linalg.svd(W, compute_uv=False)[0] / np.linalg.svd(
            ko.project_knockout_nonsquare(W, glob), compute_uv=False)[0]
        rows.append({"spearman": _trend(sep), "first": sep[0], "last": sep[-1],
                     "top": float(top), "accuracy": acc})
    return _aggregate(rows, lambda r: r["spearman"] > 0 and r["last"] > 1.25)
