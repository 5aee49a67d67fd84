"""Scenarios of Papyan (2020), at CPU scale on Gaussian-mixture
data (class means t e_c, Def 8.1) with small bias-free ReLU MLPs trained by SGD (App. D.1):

- ``gmm_mlp_spectrum`` (X4/X5, Figs 1, 4–6): Hess, G, E of a trained GMM-MLP; C outliers of G,
  the G_class / G_cross / G_within / G_{c=c'} knockouts and their ranks.
- ``knockout_scatter`` (X6–X9, Figs 7, 9, 11, 13): per-layer knockout scatter plots for the
  features H^l, the backpropagated errors Delta^l and the weights W^l; KFAC vs CFAC.
- ``feature_whitening`` (X6, Fig 8): separation and whitening of feature class means with depth.
- ``g_dynamics`` (X5, Fig 6): distance between the G_cross and G_within bulks over epochs and
  training-set sizes.
- ``thm81_monte_carlo`` (X1, X12): Monte-Carlo FIM against Lemma 8.1 / Theorem 8.1 and the
  genuine-softmax FIM at a fitted MLE.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import spearmanr

import rmtcheck.theory.papyan2020.decomposition as dec
import rmtcheck.theory.papyan2020.fim as fim
import rmtcheck.theory.papyan2020.knockout as ko
import rmtcheck.theory.papyan2020.mlp as mlp
from rmtcheck.ensembles.ccm import ccm_sample, fit_mlr, softmax_probs


def _top(M: np.ndarray, k: int) -> np.ndarray:
    return np.sort(np.linalg.eigvalsh((M + M.T) / 2))[::-1][:k]


def _log_hist(ax: Any, values: np.ndarray, label: str, floor: float = 1e-12) -> None:
    v = values[values > floor * values.max()]
    ax.hist(np.log10(v), bins=60, histtype="step", label=label, density=False)


def _above_threshold(hess: np.ndarray, e: np.ndarray, C: int) -> int:
    """#{|lambda_i(E)| >= tau}, tau = sqrt(lambda_k lambda_{k+1}) of Hess with k its outlier
    count (largest log-gap among the top 2C): E's eigenvalues that would be Hessian outliers."""
    lam = np.sort(hess)[::-1]
    k = ko.count_outliers(lam, 2 * C)
    return int(np.sum(np.abs(e) >= np.sqrt(lam[k - 1] * max(lam[k], 0.0))))


def gmm_mlp_spectrum(out_dir: Path, rng: np.random.Generator, D: int, C: int, n: int, t: float,
                     width: int, epochs: int, lr: float, wd: float, hessian: bool
                     ) -> dict[str, Any]:
    """Train a 2-hidden-layer GMM-MLP; G = G_class + G_cross + G_within + G_{c=c'} and knockouts;
    G on a fresh test set; optionally the finite-difference train and test Hessians and
    E = Hess - G. Writes ``gmm_mlp_spectrum.png``."""
    X, y, weights, ps, acc = mlp.train_gmm(rng, D, C, n, t, [width, width], epochs, lr, wd)
    N = y.size
    parts = mlp.g_decomposition(ps, n, C)
    G = parts.total
    lam = _top(G, G.shape[0])
    k = 3 * C
    knock = {"class": parts.klass, "cross": parts.cross, "within": parts.within, "same": parts.same}
    after = {name: _top(G - B, k) for name, B in knock.items()}
    summary: dict[str, Any] = {
        "params": G.shape[0], "train_accuracy": acc, "residual_eq_6_4": parts.residual,
        "outliers_G": ko.count_outliers(lam, 2 * C),
        "top_G": lam[:k].tolist(),
        "outliers_after_knockout": {name: ko.count_outliers(v, 2 * C) for name, v in after.items()},
        "outliers_G_minus_C": ko.count_outliers(lam, 2 * C) - C,
        "top_C_rel_change": {name: float(np.max(np.abs(v[:C] - lam[:C]) / lam[:C]))
                             for name, v in after.items()},
        "same_over_class_norm": float(np.linalg.norm(parts.same, 2)
                                      / np.linalg.norm(parts.klass, 2)),
    }
    k_out = summary["outliers_G"]
    summary["gap_left"] = {name: float(np.log(after[name][k_out - 1] / after[name][k_out])
                                       / np.log(lam[k_out - 1] / lam[k_out]))
                           for name in ("class", "cross", "same")}
    cross_top = _top(parts.cross, C * (C - 2)) if C > 2 else np.zeros(0)
    within_mean = float(np.trace(parts.within) / G.shape[0])
    # PAP-CLAIM-11 (report only): > 0 puts the G_cross mini-bulk right of the G_within bulk;
    # PAP-CLAIM-30 (report only): the group sizes are in outliers_G and the knockout counts
    summary["cross_vs_within_log10"] = (float(np.log10(np.median(cross_top) / within_mean))
                                        if cross_top.size else None)
    fig, axes = plt.subplots(1, 2 + int(hessian), figsize=(5 * (2 + int(hessian)), 3.6))
    _log_hist(axes[0], lam, "G")
    for name, B in knock.items():
        _log_hist(axes[0], _top(G - B, G.shape[0]), f"G - G_{name}")
    axes[0].set_xlabel("log10 eigenvalue")
    axes[0].legend(fontsize=7)
    axes[0].set_title(f"log-spectrum of G and knockouts (C={C})", fontsize=9)
    axes[1].semilogy(np.arange(1, k + 1), lam[:k], "o", label="G")
    for name, v in after.items():
        axes[1].semilogy(np.arange(1, k + 1), np.maximum(v, 1e-16), ".", label=f"G - G_{name}")
    axes[1].axvline(C + 0.5, color="k", lw=0.5)
    axes[1].legend(fontsize=7)
    axes[1].set_title("top 3C eigenvalues", fontsize=9)
    X_test, y_test = ccm_sample(rng, D, C, n, t)
    G_test = mlp.gauss_newton(mlp.forward_backward(weights, X_test))
    summary["G_train_over_test"] = {"lambda_1": float(lam[0] / _top(G_test, 1)[0]),
                                    "trace": float(np.trace(G) / np.trace(G_test))}
    if hessian:
        H = mlp.hessian_fd(weights, X, y)
        E = H - G
        eh, ee = np.linalg.eigvalsh(H), np.linalg.eigvalsh(E)
        H_test = mlp.hessian_fd(weights, X_test, y_test)
        summary["Hess_train_over_test"] = {                       # PAP-CLAIM-3 (report only)
            "lambda_1": float(eh[-1] / np.linalg.eigvalsh(H_test)[-1]),
            "trace": float(np.trace(H) / np.trace(H_test))}
        summary.update({
            "outliers_Hess": ko.count_outliers(eh, 2 * C),
            "outliers_Hess_minus_C": ko.count_outliers(eh, 2 * C) - C,
            "outliers_E": ko.count_outliers(np.abs(ee), 2 * C),
            "E_above_Hess_threshold": _above_threshold(eh, ee, C),
            "lambda_min_over_max_Hess": float(eh[0] / eh[-1]),
            "trace_E_over_trace_G": float(np.trace(E) / np.trace(G)),
            "lambda_C_Hess_over_norm_E": float(np.sort(eh)[::-1][C - 1] / np.abs(ee).max()),
            "weyl_margin": float(np.abs(ee).max() - np.abs(np.sort(eh) - np.sort(lam)).max()),
            "E_fraction_positive": float(np.mean(ee[np.abs(ee) > 1e-12 * np.abs(ee).max()] > 0)),
        })
        ax = axes[2]
        for name, v in (("Hess", eh), ("G", lam), ("E", ee)):
            ax.plot(np.sort(v)[::-1][: 4 * C], ".", label=name)
        ax.set_yscale("symlog", linthresh=1e-4)
        ax.legend(fontsize=7)
        ax.set_title(f"N={N}: Hess = G + E", fontsize=9)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "gmm_mlp_spectrum.png", dpi=100)
    plt.close(fig)
    return summary


def _layer_stats(H: dict[str, np.ndarray], C: int) -> dict[str, float]:
    """Def 7.6 and PAP-CLAIM-15, operationalised: sep = lambda_C(H_class) / lambda_1(H // H_class);
    whitening = lambda_2 / lambda_C of H_class; edge = lambda_1(H // H_class) / lambda_{C+1}(H)
    (>= 1 by interlacing; near 1 when the knockout leaves the bulk edge in place); global =
    lambda_1(H // h_G h_G^T) / lambda_2(H) (near 1 when the top outlier is the global mean)."""
    cls, lam = _top(H["class"], C), _top(H["total"], C + 1)
    knocked = _top(ko.project_knockout(H["total"], ko.range_basis(H["means"].T)), 1)[0]
    g_mean = H["means"].mean(axis=0)[:, None]
    no_mean = _top(ko.project_knockout(H["total"], ko.range_basis(g_mean)), 1)[0]
    return {"sep": float(cls[-1] / max(knocked, 1e-300)),
            "whitening": float(cls[1] / max(cls[-1], 1e-300)),
            "edge": float(knocked / max(lam[C], 1e-300)),
            "global": float(no_mean / max(lam[1], 1e-300))}


def _scatter(ax: Any, A: np.ndarray, A_knocked: np.ndarray, k: int, C: int, title: str) -> float:
    """Knockout scatter (Sec 3, each axis min-max normalised). Returns the attribution statistic
    mean_{i<=C} log(lambda_i(A)/lambda_i(A//B)) - mean_{C<i<=k} of the same (> 0: the top C are
    removed by the knockout while the bulk stays)."""
    k = min(k, A.shape[0] - C)
    a, b = ko.scatter_pairs(A, A_knocked, k)
    ax.plot(a[C:], b[C:], ".", color="tab:orange", ms=3)
    ax.plot(a[:C], b[:C], "o", color="tab:blue", ms=4)
    ax.plot([0, 1], [0, 1], "k", lw=0.5)
    ax.set_title(title, fontsize=8)
    ax.tick_params(labelsize=6)
    top, top_ko = _top(A, k), _top(A_knocked, k)
    ratio = np.log(np.maximum(top, 1e-300) / np.maximum(top_ko, 1e-12 * top[0]))
    return float(ratio[:C].mean() - ratio[C:].mean())


def _cross_attribution(rng: np.random.Generator, parts: dec.CrossClassParts,
                       after_class: np.ndarray, C: int) -> list[float] | None:
    """Knockout chain of Fig 9b: mu = lambda(Delta // Delta_class), nu = lambda(Delta //
    (Delta_class + Delta_cross)). Returns [misfit, random-baseline misfit] with misfit =
    mean_i |log(nu_i / mu_{i+m})|, m = C(C-2): 0 when Delta_cross spans exactly the top m of mu
    (the mini-bulk is attributed to it); the baseline knocks out m random directions instead.
    None when fewer than 2 directions remain."""
    off = ~np.eye(C, dtype=bool)
    cross = (parts.cross_means - parts.class_means[:, None, :])[off]
    m = C * (C - 2)
    k = after_class.shape[0] - C - m
    if k < 2 or m == 0:
        return None
    mu = _top(after_class, k + m)
    floor = 1e-12 * mu[0]
    out = []
    for extra in (cross, rng.standard_normal((m, cross.shape[1]))):
        Q = ko.range_basis(np.vstack([parts.class_means, extra]).T)
        nu = _top(ko.project_knockout(parts.total, Q), k)
        out.append(float(np.mean(np.abs(np.log(np.maximum(nu, floor)
                                               / np.maximum(mu[m:], floor))))))
    return out


def _khatri_rao_cosine(ps: mlp.Pass, deltas: list[np.ndarray], layer: int,
                       errors: dec.CrossClassParts, features: dict[str, np.ndarray], n: int,
                       C: int) -> float:
    """Eq. 7.12 (PAP-EQ-7.12): median_c cos(g^l_c, h^{l-1}_c (x) delta^l_c) with the Sec 6
    weighted class means of the extended gradients and errors and the plain class means of the
    layer input."""
    g = dec.cross_class_decomposition(dec.by_class(mlp.layer_gradients(ps, deltas, layer), n, C),
                                      dec.by_class(ps.probs, n, C)).class_means
    approx = np.einsum("cj,cm->cjm", features["means"], errors.class_means).reshape(C, -1)
    cos = np.sum(g * approx, axis=1) / np.maximum(
        np.linalg.norm(g, axis=1) * np.linalg.norm(approx, axis=1), 1e-300)
    return float(np.median(cos))


def knockout_scatter(out_dir: Path, rng: np.random.Generator, D: int, C: int, n: int, t: float,
                     width: int, depth: int, epochs: int, lr: float, wd: float, k: int
                     ) -> dict[str, Any]:
    """Per hidden layer: scatter of log lambda(H^l) vs log lambda(H^l // H^l_class), of
    Delta^l vs Delta^l // Delta^l_class, and of sigma(W^l) vs sigma(W^l // W^l_class); KFAC and
    CFAC relative errors of G^l; ``errors_cross``, the misfit of attributing the next C(C-2)
    eigenvalues of Delta^l // Delta_class to Delta_cross (0 = exact; Fig 9b, PAP-CLAIM-18) and
    that of a random knockout of the same rank; the
    median over classes of cos(g^l_c, h^{l-1}_c (x) delta^l_c) (Eq. 7.12, PAP-CLAIM-20);
    ``stationarity`` = ||grad^l L_reg|| / (wd ||W^l||), the relative gap of Eq. 7.13 (W_class
    is meaningful only when it is small). Writes ``knockout_scatter.png``."""
    X, y, weights, ps, acc = mlp.train_gmm(rng, D, C, n, t, [width] * depth, epochs, lr, wd)
    probs = dec.by_class(ps.probs, n, C)
    deltas = mlp.extended_errors(ps)
    fig, axes = plt.subplots(3, depth, figsize=(2.6 * depth, 7.5), squeeze=False)
    out: dict[str, Any] = {"train_accuracy": acc, "features": [], "errors": [], "weights": [],
                           "errors_cross": [], "kfac_err": [], "cfac_err": [],
                           "khatri_rao_cosine": []}
    grads = mlp.unflatten(mlp.loss_grad(weights, X, y, wd)[1], weights)
    out["stationarity"] = [float(np.linalg.norm(g) / (wd * np.linalg.norm(W)))   # Eq. 7.13 gap
                           for g, W in zip(grads, weights, strict=True)]
    for l in range(1, depth + 1):
        H = dec.class_decomposition(dec.by_class(ps.h[l], n, C))
        knocked = ko.project_knockout(H["total"], ko.range_basis(H["means"].T))
        out["features"].append(_scatter(axes[0][l - 1], H["total"], knocked, k, C, f"H^{l}"))
        dd = dec.by_class(deltas[l - 1], n, C)
        parts = dec.cross_class_decomposition(dd, probs)
        knocked = ko.project_knockout(parts.total, ko.range_basis(parts.class_means.T))
        out["errors"].append(_scatter(axes[1][l - 1], parts.total, knocked, k, C, f"Delta^{l}"))
        out["errors_cross"].append(_cross_attribution(rng, parts, knocked, C))
        W = weights[l - 1]
        hin = dec.by_class(ps.h[l - 1], n, C).mean(axis=0)                    # h^{l-1}_c
        dcc = dd[:, np.arange(C), np.arange(C)].mean(axis=0)               # unweighted delta_cc
        W_class = -(1 / wd) * dcc.T @ hin / C                              # Eq. 7.13 (class part)
        s = np.linalg.svd(W, compute_uv=False)
        s_ko = np.linalg.svd(ko.project_knockout_nonsquare(W, W_class), compute_uv=False)
        kk = min(k + C, s.size)
        out["weights"].append(_scatter(axes[2][l - 1], np.diag(s[:kk] ** 2),
                                       np.diag(s_ko[:kk] ** 2), kk, C, f"W^{l} (sigma^2)"))
        G_l, kfac, cfac = mlp.kronecker_proxies(ps, deltas, l, n, C)
        H_in = dec.class_decomposition(dec.by_class(ps.h[l - 1], n, C))
        out["kfac_err"].append(float(np.linalg.norm(G_l - kfac) / np.linalg.norm(G_l)))
        out["cfac_err"].append(float(np.linalg.norm(G_l - cfac) / np.linalg.norm(G_l)))
        out["khatri_rao_cosine"].append(_khatri_rao_cosine(ps, deltas, l, parts, H_in, n, C))
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "knockout_scatter.png", dpi=100)
    plt.close(fig)
    out["last"] = {key: out[key][-1] for key in ("features", "errors", "weights",
                                                 "khatri_rao_cosine")}
    out["last"]["cfac_over_kfac"] = out["cfac_err"][-1] / out["kfac_err"][-1]
    out["cfac_better_last_two"] = bool(all(c < kf for c, kf in zip(out["cfac_err"][-2:],
                                                                   out["kfac_err"][-2:],
                                                                   strict=True)))
    return out


def _line_panels(path: Path, x: Any, xlabel: str, panels: dict[str, dict[str, list[float]]],
                 logy: bool = False) -> None:
    """One panel per title, one marked line per label; saved as PNG at ``path``."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 3.4), squeeze=False)
    for ax, (title, lines) in zip(axes[0], panels.items(), strict=True):
        for label, ys in lines.items():
            ax.plot(x, ys, "o-", label=label)
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def feature_whitening(out_dir: Path, rng: np.random.Generator, D: int, C: int, n: int, t: float,
                      width: int, depth: int, epochs: int, lr: float, wd: float
                      ) -> dict[str, Any]:
    """Separation sep^l and whitening rho^l of the feature class means per layer (PAP-DEF-7.6) and
    of the error class means, the knockout edge ratio and the global-mean attribution of lambda_1
    (PAP-CLAIM-15); Spearman correlations with depth. Writes ``feature_whitening.png``."""
    _, _, _, ps, acc = mlp.train_gmm(rng, D, C, n, t, [width] * depth, epochs, lr, wd)
    probs = dec.by_class(ps.probs, n, C)
    feats, errs = [], []
    deltas = mlp.extended_errors(ps)
    for l in range(1, depth + 1):
        feats.append(_layer_stats(dec.class_decomposition(dec.by_class(ps.h[l], n, C)), C))
        parts = dec.cross_class_decomposition(dec.by_class(deltas[l - 1], n, C), probs)
        errs.append(_layer_stats({"class": parts.klass, "total": parts.total,
                                  "means": parts.class_means}, C))
    layers = np.arange(1, depth + 1)
    _line_panels(Path(out_dir) / "feature_whitening.png", layers, "layer", {
        key: {"features H^l": [f[key] for f in feats], "errors Delta^l": [e[key] for e in errs]}
        for key in ("sep", "whitening")}, logy=True)
    return {
        "train_accuracy": acc,
        "sep_features": [f["sep"] for f in feats],
        "whitening_features": [f["whitening"] for f in feats],
        "sep_errors": [e["sep"] for e in errs],
        "whitening_errors": [e["whitening"] for e in errs],
        "edge_features": [f["edge"] for f in feats],
        "global_mean_features": [f["global"] for f in feats],
        "last": {"whitening_features": feats[-1]["whitening"], "edge_features": feats[-1]["edge"],
                 "whitening_errors": errs[-1]["whitening"]},
        "spearman_sep_features_depth": float(spearmanr(layers, [f["sep"] for f in feats])[0]),
        "spearman_whitening_features_depth": float(
            spearmanr(layers, [f["whitening"] for f in feats])[0]),
        "spearman_sep_errors_depth": float(spearmanr(layers, [e["sep"] for e in errs])[0]),
    }


def g_dynamics(out_dir: Path, rng: np.random.Generator, D: int, C: int, t: float, width: int,
               sizes: list[int], checkpoints: list[int], lr: float, wd: float) -> dict[str, Any]:
    """PAP-CLAIM-12: train (constant lr) on n examples per class for each n in ``sizes`` and, at
    each epoch in ``checkpoints``, record cross = log median lambda(G_cross) - log mean-eig
    (G_within) (the top C(C-2) eigenvalues of G_cross) and klass = the same for the top C of
    G_class. Spearman correlations with epochs (per n) and with n (per checkpoint).
    Writes ``g_dynamics.png``."""
    table: dict[int, dict[str, list[float]]] = {}
    for n in sizes:
        X, y = ccm_sample(rng, D, C, n, t)
        weights, done = mlp.init_mlp(rng, [D, width, width, C]), 0
        rows: dict[str, list[float]] = {"cross": [], "klass": []}
        for epoch in checkpoints:
            weights = mlp.train_sgd(rng, weights, X, y, epoch - done, lr=lr, wd=wd, batch=32,
                                    desc=f"n={n}", decay=False)
            done = epoch
            parts = mlp.g_decomposition(mlp.forward_backward(weights, X), n, C)
            within = np.trace(parts.within) / parts.within.shape[0]
            rows["cross"].append(float(np.log(np.median(_top(parts.cross, max(C * (C - 2), 1)))
                                              / within)))
            rows["klass"].append(float(np.log(np.median(_top(parts.klass, C)) / within)))
        table[n] = rows
    _line_panels(Path(out_dir) / "g_dynamics.png", checkpoints, "epoch", {
        f"log G_{key} / G_within": {f"n={n}": table[n][key] for n in sizes}
        for key in ("cross", "klass")})
    by_epoch = [float(spearmanr(checkpoints, table[n]["cross"])[0]) for n in sizes]
    by_size = [float(spearmanr(sizes, [table[n]["cross"][k] for n in sizes])[0])
               for k in range(len(checkpoints))]
    return {"cross": {str(n): table[n]["cross"] for n in sizes},
            "klass": {str(n): table[n]["klass"] for n in sizes},
            "spearman_cross_epochs": by_epoch, "spearman_cross_sizes": by_size,
            "median": {"spearman_cross_epochs": float(np.median(by_epoch)),
                       "spearman_cross_sizes": float(np.median(by_size))}}


def _levels(values: np.ndarray, rtol: float) -> list[list[float]]:
    """Group descending eigenvalues whose consecutive ratio is within ``rtol``: [mean, count]."""
    v = np.sort(values)[::-1]
    groups: list[list[float]] = []
    for x in v:
        if groups and abs(x - groups[-1][0] / groups[-1][1]) <= rtol * max(abs(x), 1e-3):
            groups[-1][0] += x
            groups[-1][1] += 1
        else:
            groups.append([x, 1])
    return [[float(s / m), int(m)] for s, m in groups]


def thm81_monte_carlo(out_dir: Path, rng: np.random.Generator, D: int, C: int, t: float,
                      alpha: float, sizes: list[int], reps: int, softmax_snrs: list[float],
                      softmax_n: int) -> dict[str, Any]:
    """X1 and X12: relative Frobenius error of the Monte-Carlo FIM against Lemma 8.1 per n
    (mean over ``reps``, with the PAP-DER-2 prediction), its log-log slope and the eigenvalue
    groups at the largest n; then the FIM of a fitted softmax regression (``softmax_n`` per
    class) at each SNR, grouped, beside Theorem 8.1's levels. Writes ``thm81_monte_carlo.png``."""
    G = fim.expected_fim(D, C, t, alpha)
    norm = np.linalg.norm(G)
    errors, predicted, last = [], [], None
    for n in sizes:
        runs = [fim.mc_fim(rng, D, C, t, alpha, n) for _ in range(reps)]
        errors.append(float(np.mean([np.linalg.norm(r - G) / norm for r in runs])))
        predicted.append(float(np.sqrt(fim.mc_fim_mse(D, C, t, alpha, n)) / norm))
        last = runs[0]
    slope = float(np.polyfit(np.log(sizes), np.log(errors), 1)[0])
    softmax, softmax_sorted = {}, {}
    for snr in softmax_snrs:
        X, y = ccm_sample(rng, D, C, softmax_n, snr)
        ev = np.linalg.eigvalsh(fim.fim_dense(X, softmax_probs(fit_mlr(X, y, C).W, X)))
        softmax[f"t={snr:g}"] = _levels(ev, 0.08)
        # Sec. 3.4 groups (D = 8, C = 4): top C-1, next C-1, bulk (D-C)(C-1), ..., lowest nonzero
        d = np.sort(ev)[::-1]
        nz = d[: D * (C - 1)]
        softmax_sorted[f"t{snr:g}"] = {
            "top": float(nz[: C - 1].mean()), "lowest": float(nz[-1]),
            "bulk": float(np.median(nz[2 * (C - 1): 2 * (C - 1) + (D - C) * (C - 1)]))}
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    axes[0].loglog(sizes, errors, "o-", label="Monte Carlo")
    axes[0].loglog(sizes, predicted, "k--", label="PAP-DER-2")
    axes[0].set_xlabel("n per class")
    axes[0].set_title("||G_N - E G||_F / ||E G||_F", fontsize=9)
    axes[0].legend(fontsize=7)
    axes[1].plot(np.sort(np.linalg.eigvalsh(last))[::-1], ".", label=f"G_N, n={sizes[-1]}")
    axes[1].plot(fim.thm81_spectrum(D, C, t, alpha), "k_", label="Theorem 8.1")
    axes[1].legend(fontsize=7)
    axes[1].set_title(f"D={D}, C={C}, t={t:g}, alpha={alpha:g}", fontsize=9)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "thm81_monte_carlo.png", dpi=100)
    plt.close(fig)
    values, mults = fim.thm81_levels(D, C, t, alpha)
    mc = np.sort(np.linalg.eigvalsh(last))[::-1]
    edges = np.cumsum([0, *mults])
    return {"rel_error_at": {str(n): e for n, e in zip(sizes, errors, strict=True)},
            "mc_level": {name: float(mc[a:b].mean()) for name, a, b in
                         zip(fim.LEVELS[:3], edges[:3], edges[1:4], strict=True)},
            "softmax_sorted": softmax_sorted,
            "rel_error": errors, "predicted": predicted,
            "ratio_measured_predicted": [e / p for e, p in zip(errors, predicted, strict=True)],
            "slope": slope, "mc_levels": _levels(np.linalg.eigvalsh(last), 0.05),
            "theorem_levels": [[float(v), int(m)] for v, m in zip(values, mults, strict=True)],
            "softmax_levels": softmax}
