"""Card functions for the EMPIRICAL trained-network claims of Papyan (2020), seed
Papyan (2020): PAP-CLAIM-1 (Sec. 4.1), 5 (Sec. 5.1), 10 (Sec. 6.1), 16 (Sec. 7.6),
19 (Secs. 7.10-7.11) and 29 (Sec. 9.3).

Surrogate ("GMM-MLP", specification Sec. 2): n examples per class of CCM(D, C) (class means
t e_c, Def 8.1) and a bias-free ReLU MLP trained by SGD with momentum and weight decay (App. D.1)
through :func:`rmtcheck.theory.papyan2020.mlp.train_gmm`. Each function trains ``seeds``
networks in turn from the engine's generator, applies a per-network test and returns the
fraction of networks that pass it (``fraction``) with the range of the statistics behind it;
the cards ask for ``fraction >= 0.8`` over at least 5 networks, as the specification does.
Spectra are dense (``eigvalsh``); the Hessian is G + E with E exact
(:func:`rmtcheck.theory.papyan2020.mlp.residual_hessian`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
from scipy.stats import spearmanr

from rmtcheck import validate
from rmtcheck.ensembles.ccm import ccm_sample
from rmtcheck.errors import InputError

from . import decomposition as dec
from . import knockout as ko
from . import mlp

Net = tuple[np.ndarray, np.ndarray, mlp.Weights, mlp.Pass, float]


def _nets(rng: np.random.Generator, D: int, C: int, n: int, t: float, widths: list[int],
          epochs: int, wd: float, seeds: int, spread: float = 0.0) -> Iterator[Net]:
    """``seeds`` GMM-MLPs trained one after the other from ``rng`` (lr 0.05, batch 128)."""
    seeds = validate.integer("seeds", seeds, 1)
    for k in range(seeds):
        yield mlp.train_gmm(rng, D, C, n, t, widths, epochs, wd=wd, spread=spread,
                            desc=f"net {k + 1}/{seeds}")


def _desc(M: np.ndarray) -> np.ndarray:
    """Eigenvalues of the symmetric part of M, largest first."""
    return np.linalg.eigvalsh((M + M.T) / 2)[::-1]


def _aggregate(rows: list[dict[str, float]], passed: Callable[[dict[str, float]], bool]
               ) -> dict[str, float]:
    """``fraction`` of rows that pass, and min / mean / max of every statistic over the rows."""
    out = {"fraction": float(np.mean([passed(r) for r in rows])), "seeds": float(len(rows))}
    for key in rows[0]:
        v = np.array([r[key] for r in rows], dtype=float)
        out.update({f"{key}_min": float(v.min()), f"{key}_mean": float(v.mean()),
                    f"{key}_max": float(v.max())})
    return out


def _bulk_width(lam: np.ndarray, k: int, q: float) -> float:
    """Width of the bulk: the (1 - q) minus the q quantile of the eigenvalues after the top k,
    leaving out numerical zeros (|lambda| <= 1e-9 max |lambda|)."""
    rest = lam[k:]
    rest = rest[np.abs(rest) > 1e-9 * np.abs(lam).max()]
    return float(np.quantile(rest, 1 - q) - np.quantile(rest, q))


# --- PAP-CLAIM-1: bulk + ~C outliers in the trained Hessian (Sec. 4.1, Fig. 3) ---------------

def _labelled_net(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                  epochs: int, wd: float, labels: str
                  ) -> tuple[np.ndarray, mlp.Weights, mlp.Pass, float]:
    """One 2-hidden-layer GMM-MLP trained on CCM(D, C) with ``labels``: "data" (the class of
    each example), "random" (a random permutation of them, fixed: the network memorises
    labels that carry no input structure) or "resample" (labels drawn afresh at every SGD
    step). Returns the labels the Hessian is taken with (class-major: the data are reordered
    by label for "random"), the weights, their pass and the accuracy on those labels."""
    if labels not in ("data", "random", "resample"):
        raise InputError("labels", f"got {labels!r}", "data, random or resample")
    X, y = ccm_sample(rng, D, C, n, t)
    if labels == "random":
        order = np.argsort(rng.permutation(y), kind="stable")
        X = X[order]
    weights = mlp.train_sgd(rng, mlp.init_mlp(rng, [D, width, width, C]), X, y, epochs, wd=wd,
                            resample=labels == "resample")
    ps = mlp.forward_backward(weights, X)
    return y, weights, ps, float(np.mean(np.argmax(ps.logits, axis=1) == y))


def hessian_outliers(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                     epochs: int, wd: float, seeds: int, labels: str = "data", low: int = -1,
                     high: int = 1) -> dict[str, float]:
    """PAP-CLAIM-1: Hess = G + E (Eq. 5.1-5.2) of each trained 2-hidden-layer GMM-MLP on its
    train data; ``count`` = number of eigenvalues above the largest log-gap among the top 3C
    (``knockout.count_outliers``, Def 1.1-1.2 AMBIG); a network passes when
    C + low <= count <= C + high. Also the gap lambda_count / lambda_{count+1}, the accuracy,
    ``c_minus_1`` / ``c_exact`` (count = C - 1 / count = C) and ``global`` = w ||g_G||^2 /
    lambda_C(Hess): the energy of the weighted global mean g_G = sum_c w_c g_c / w of the
    Sec. 6 gradient class means (w = sum_c w_c), which the text's top outlier needs above the
    bulk (``labels``: see :func:`_labelled_net`)."""
    seeds = validate.integer("seeds", seeds, 1)
    rows = []
    for _ in range(seeds):
        y, weights, ps, acc = _labelled_net(rng, D, C, n, t, width, epochs, wd, labels)
        lam = _desc(mlp.gauss_newton(ps) + mlp.residual_hessian(weights, ps, y))
        k = ko.count_outliers(lam, 3 * C)
        parts = mlp.g_decomposition(ps, n, C)
        mean = parts.w_c @ parts.class_means
        rows.append({"count": k, "gap": lam[k - 1] / lam[k], "accuracy": acc,
                     "c_minus_1": float(k == C - 1), "c_exact": float(k == C),
                     "global": float(mean @ mean / parts.w_c.sum() / lam[C - 1])})
    return _aggregate(rows, lambda r: C + low <= r["count"] <= C + high)


# --- PAP-CLAIM-5: outliers from G, bulk from E (Sec. 5.1, Fig. 4) ----------------------------

def hessian_knockouts(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                      epochs: int, wd: float, seeds: int, data: str = "test",
                      swap: bool = False) -> dict[str, float]:
    """PAP-CLAIM-5 on Hess = G + E of each trained GMM-MLP, on a fresh test sample
    (``data = "test"``) or the train data. k = Hessian outlier count (largest log-gap among the
    top 3C), tau = sqrt(lambda_k lambda_{k+1}) its outlier threshold. Knocking out G (Def 3.1)
    leaves E: (i) ``left`` = #{|lambda_i(E)| >= tau} = 0 (no outlier survives), (ii)
    ``ratio`` = lambda_C(Hess) / ||E||_2 > 1; knocking out E leaves G: (iii) ``width`` =
    bulk width of G / bulk width of Hess < 1 (5-95% quantile range after the top k, zeros left
    out). ``swap = True`` knocks out the wrong component (E for (i)-(ii), G for (iii))."""
    if data not in ("test", "train"):
        raise InputError("data", f"got {data!r}", "test or train")
    rows = []
    for X, y, weights, _, acc in _nets(rng, D, C, n, t, [width, width], epochs, wd, seeds):
        if data == "test":
            X, y = ccm_sample(rng, D, C, n, t)
        ps = mlp.forward_backward(weights, X)
        G, E = mlp.gauss_newton(ps), mlp.residual_hessian(weights, ps, y)
        keep, other = (G, E) if swap else (E, G)
        lam = _desc(G + E)
        k = ko.count_outliers(lam, 3 * C)
        tau = np.sqrt(lam[k - 1] * max(lam[k], 0.0))
        mu = np.abs(_desc(keep))
        rows.append({"left": float(np.sum(mu >= tau)), "ratio": lam[C - 1] / mu.max(),
                     "width": _bulk_width(_desc(other), k, 0.05) / _bulk_width(lam, k, 0.05),
                     "count": k, "accuracy": acc})
    return _aggregate(rows, lambda r: r["left"] == 0 and r["ratio"] > 1 and r["width"] < 1)


# --- PAP-CLAIM-10: knockouts of G_class, G_cross, G_within, G_{c=c'} (Sec. 6.1, Fig. 5) -------

def g_knockouts(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                epochs: int, wd: float, seeds: int, swap: bool = False) -> dict[str, float]:
    """PAP-CLAIM-10 on the train G of each trained GMM-MLP, decomposed as in Eq. 6.4
    (``papyan_mlp.g_decomposition``); k = outlier count of G (largest log-gap among the top 3C).
    For the subtraction knockouts (Def 3.1) of X = G_class, G_cross, G_{c=c'}: ``class``,
    ``cross``, ``same`` = log(lambda_k / lambda_{k+1})(G - X) / log(lambda_k / lambda_{k+1})(G),
    the part of the outlier gap left (1: the outliers stand as before; near 0 or below: they
    have merged with the bulk); ``bulk`` = lambda_{C^2}(G - G_within) / lambda_{C^2}(G) (the main
    bulk is gone: rank(G - G_within) <= C (C - 1), PAP-CLAIM-9); ``shift_cross``, ``shift_same``
    = max_{i <= k} |lambda_i(G - X) / lambda_i(G) - 1| (how far the outliers move). A network
    passes when class < 0.5, cross > 0.5, same > 0.8 and bulk < 1e-6. ``swap = True`` subtracts
    G_cross where G_class is named and vice versa (the wrong component)."""
    rows = []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width, width], epochs, wd, seeds):
        parts = mlp.g_decomposition(ps, n, C)
        knock = {"class": parts.klass, "cross": parts.cross, "same": parts.same}
        if swap:
            knock["class"], knock["cross"] = knock["cross"], knock["class"]
        lam = _desc(parts.total)
        k = ko.count_outliers(lam, 3 * C)
        row = {"count": k, "accuracy": acc,
               "bulk": _desc(parts.total - parts.within)[C * C - 1] / lam[C * C - 1]}
        for name, X in knock.items():
            mu = _desc(parts.total - X)
            row[name] = float(np.log(mu[k - 1] / mu[k]) / np.log(lam[k - 1] / lam[k]))
            if name != "class":
                row[f"shift_{name}"] = float(np.max(np.abs(mu[:k] / lam[:k] - 1)))
        rows.append(row)
    return _aggregate(rows, lambda r: r["class"] < 0.5 and r["cross"] > 0.5 and r["same"] > 0.8
                      and r["bulk"] < 1e-6)


# --- PAP-CLAIM-16: feature class means whiten with depth (Sec. 7.6, Fig. 8) ------------------

def feature_whitening(rng: np.random.Generator, D: int, C: int, n: int, t: float, spread: float,
                      width: int, depth: int, epochs: int, wd: float, seeds: int, top: int = 2
                      ) -> dict[str, float]:
    """PAP-CLAIM-16: rho^l = lambda_top(H^l_class) / lambda_C(H^l_class) for the features h^l of
    the hidden layers l = 1..depth (Def 7.4; H_class = Ave_c h_c h_c^T, uncentred, so its top
    eigenvalue is the global-mean outlier and the paper's whiskers start at ``top = 2``, Def 7.6).
    The input class means get unequal SNRs (``spread``; with spread = 0 the CCM means t e_c are
    already whitened at the input). A network passes when Spearman(rho^l, l) < 0 and
    rho^depth < 2; ``input`` = rho^0 of the data, ``first`` = rho^1."""
    depth, rows = validate.integer("depth", depth, 2), []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width] * depth, epochs, wd, seeds, spread):
        rho = []
        for h in ps.h:
            means = dec.by_class(h, n, C).mean(axis=0)                         # h^l_c, C x n_l
            lam = _desc(means @ means.T / C)                      # nonzero spectrum of H^l_class
            rho.append(lam[top - 1] / max(lam[C - 1], 1e-300))
        rows.append({"spearman": float(spearmanr(np.arange(depth), rho[1:])[0]),
                     "input": rho[0], "first": rho[1], "last": rho[-1], "accuracy": acc})
    return _aggregate(rows, lambda r: r["spearman"] < 0 and r["last"] < 2)


# --- PAP-CLAIM-19: CFAC is a better proxy for G^l than KFAC (Secs. 7.10-7.11, Figs. 11-12) ---

def _log_rmse(A: np.ndarray, B: np.ndarray, k: int) -> float:
    """RMS difference of the top-k log-eigenvalues of A and B (floored at 1e-12 lambda_1(A))."""
    a, b = _desc(A)[:k], _desc(B)[:k]
    floor = 1e-12 * a[0]
    return float(np.sqrt(np.mean(np.log(np.maximum(a, floor) / np.maximum(b, floor)) ** 2)))


def kfac_vs_cfac(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                 depth: int, epochs: int, wd: float, seeds: int, swap: bool = False
                 ) -> dict[str, float]:
    """PAP-CLAIM-19 at the last two layers l = L - 1, L of each trained GMM-MLP (L = depth + 1):
    err_X = ||G^l - G^l_X||_F / ||G^l||_F for X = KFAC (H^{l-1} (x) Delta^l) and CFAC
    (Ave_c H^{l-1}_c (x) Delta^l_c) (``papyan_mlp.kronecker_proxies``); ``ratio`` = the larger
    over the two layers of err_CFAC / err_KFAC; a network passes when ratio < 1. Also the RMS error
    of the top C^2 log-eigenvalues of each proxy at layer L. ``swap = True`` exchanges the
    proxies (a wrong ingredient)."""
    depth, rows = validate.integer("depth", depth, 1), []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width] * depth, epochs, wd, seeds):
        deltas = mlp.extended_errors(ps)
        row: dict[str, float] = {"accuracy": acc}
        ratios = []
        for name, layer in (("prev", depth), ("last", depth + 1)):
            G, kfac, cfac = mlp.kronecker_proxies(ps, deltas, layer, n, C)
            if swap:
                kfac, cfac = cfac, kfac
            norm = np.linalg.norm(G)
            row[f"kfac_{name}"] = float(np.linalg.norm(G - kfac) / norm)
            row[f"cfac_{name}"] = float(np.linalg.norm(G - cfac) / norm)
            ratios.append(row[f"cfac_{name}"] / row[f"kfac_{name}"])
        row["ratio"] = max(ratios)
        row["kfac_log_rmse"] = _log_rmse(G, kfac, C * C)
        row["cfac_log_rmse"] = _log_rmse(G, cfac, C * C)
        rows.append(row)
    return _aggregate(rows, lambda r: r["ratio"] < 1)


# --- PAP-CLAIM-29: removing the feature global mean pushes the outliers into the bulk (9.3) --

def centering_outliers(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                       epochs: int, wd: float, seeds: int, shift: float = -1.0
                       ) -> dict[str, float]:
    """PAP-CLAIM-29 on the train G of each trained GMM-MLP. The mechanism of Sec. 9.3: the
    outliers come from the Khatri-Rao products h_G (x) delta^l_c, and batch norm removes h_G.
    G' = G with every layer input h^{l-1} replaced by h^{l-1} + shift h^{l-1}_G (shift = -1:
    mean-centred features, gradients h (x) delta with the same delta and p; Eq. 7.5-7.6).
    ``push`` = [lambda_1 / lambda_{C+1}](G') / [lambda_1 / lambda_{C+1}](G) (< 1: the top
    outlier moves towards the bulk edge); ``cosine`` = min_c cos(g_c, h_G (.) delta_c), with the
    Sec. 6 weighted class means g_c of the extended gradients and delta^l_c of the extended
    errors and h_G = [h^0_G; ...; h^{L-1}_G]. A network passes when push < 0.8 and
    cosine > 0.6 (``shift = 0`` gives push = 1 exactly)."""
    rows = []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width, width], epochs, wd, seeds):
        probs = dec.by_class(ps.probs, n, C)
        shifted = replace(ps, h=[h + shift * h.mean(axis=0) for h in ps.h])
        ratio = [lam[0] / lam[C] for lam in (_desc(mlp.gauss_newton(m)) for m in (ps, shifted))]
        delta_c = [dec.cross_class_decomposition(dec.by_class(d, n, C), probs).class_means
                   for d in mlp.extended_errors(ps)]
        approx = np.concatenate([np.einsum("j,cm->cjm", h.mean(axis=0), d).reshape(C, -1)
                                 for h, d in zip(ps.h, delta_c, strict=True)], axis=1)
        g_c = mlp.g_decomposition(ps, n, C).class_means
        cos = np.sum(g_c * approx, axis=1) / (np.linalg.norm(g_c, axis=1)
                                              * np.linalg.norm(approx, axis=1))
        rows.append({"push": ratio[1] / ratio[0], "outlier_ratio": ratio[0],
                     "cosine": float(cos.min()), "accuracy": acc})
    return _aggregate(rows, lambda r: r["push"] < 0.8 and r["cosine"] > 0.6)
