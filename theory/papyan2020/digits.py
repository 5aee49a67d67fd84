"""Papyan (2020) on real images: scikit-learn's handwritten digits (1797 8x8 images, C = 10
classes, 174-183 per class; shipped with scikit-learn, no download), a bias-free ReLU MLP
trained by the text's own SGD (:func:`.mlp.train_sgd`, App. D.1), and the spectra of G through
the matrix-free operators of :mod:`.operators`.

Data: pixel values / 16, standardised by one scalar mean and standard deviation (as a
per-channel normalisation of MNIST does; the per-pixel mean image stays); the first ``n``
images of each class (file order) are the train set, the next ``n_test`` the test set, both
class-major. A trained network is cached per process (key: every argument), so several cards
and the scenario share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmtcheck import validate
from rmtcheck.errors import InputError
from rmtcheck.spectra.lanczos import slow_lanczos

from . import knockout as ko
from . import mlp
from . import operators as ops

C_DIGITS = 10
MAX_PER_CLASS = 174          # the smallest class (digit 8) has 174 images


def load_digits_split(n: int, n_test: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        np.ndarray]:
    """(X, y, X_test, y_test), class-major, n (n_test) images per class."""
    n = validate.integer("n", n, 1, MAX_PER_CLASS)
    n_test = validate.integer("n_test", n_test, 0, MAX_PER_CLASS - n)
    try:
        from sklearn.datasets import load_digits  # noqa: PLC0415
    except ImportError:
        raise InputError("dataset digits", "needs scikit-learn, which is not installed",
                         "pip install 'rmtcheck[data]'") from None
    data = load_digits()
    X = data.data / 16.0
    X = (X - X.mean()) / X.std()
    rows = [np.flatnonzero(data.target == c) for c in range(C_DIGITS)]
    train = np.concatenate([r[:n] for r in rows])
    test = np.concatenate([r[n:n + n_test] for r in rows])
    return X[train], data.target[train], X[test], data.target[test]


@dataclass(frozen=True)
class DigitsNet:
    """A trained digits MLP: train data (class-major), weights, train and test accuracy."""

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    weights: mlp.Weights
    accuracy: float
    test_accuracy: float
    n: int


@lru_cache(maxsize=32)
def train_digits(n: int, widths: tuple[int, ...], epochs: int, lr: float, wd: float, seed: int,
                 n_test: int = 0) -> DigitsNet:
    """He-initialised MLP [64, *widths, 10] trained by SGD (momentum 0.9, batch 128, lr / 10 at
    1/3 and 2/3 of the epochs, weight decay ``wd``; App. D.1) from ``default_rng(seed)``."""
    X, y, Xt, yt = load_digits_split(n, n_test)
    rng = np.random.default_rng(validate.integer("seed", seed, 0))
    weights = mlp.train_sgd(rng, mlp.init_mlp(rng, [X.shape[1], *widths, C_DIGITS]), X, y,
                            epochs, lr=lr, wd=wd, desc="digits MLP")

    def acc(A: np.ndarray, b: np.ndarray) -> float:
        if not b.size:
            return float("nan")
        return float(np.mean(np.argmax(mlp.forward_backward(weights, A).logits, axis=1) == b))

    return DigitsNet(X, y, Xt, yt, weights, acc(X, y), acc(Xt, yt), n)


def top_eigenvalues(op, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Ritz values of SlowLanczos (Alg. 1, full reorthogonalisation), largest first, with their
    residuals; the k-th largest Ritz value is <= lambda_k (Cauchy), with equality to within
    its residual once converged."""
    res = slow_lanczos(op, min(steps, op.shape[0]), rng=rng)
    order = np.argsort(res.values)[::-1]
    return res.values[order], res.residuals[order]


def separation(lam: np.ndarray, k: int) -> float:
    """log(lambda_k / lambda_{k+1}) over the largest log-gap among lambda_{k+1}..lambda_{3k+1}:
    > 1 when the top k stand apart from the next 2k by more than any gap among those."""
    lam = np.sort(np.asarray(lam, dtype=float))[::-1]
    if lam.size < 3 * k + 1 or lam[3 * k] <= 0:
        raise InputError("eigenvalues", f"{lam.size} given, or lambda_{3 * k + 1} <= 0",
                         f"at least {3 * k + 1} positive")
    gaps = -np.diff(np.log(lam[: 3 * k + 1]))
    return float(gaps[k - 1] / gaps[k:].max())


REMOVE = ("nothing", "class_means", "all_means")


def _one_network(rng: np.random.Generator, seed: int, n: int, widths: tuple[int, ...],
                 epochs: int, lr: float, wd: float, k: int, remove: str, steps: int
                 ) -> dict[str, float]:
    net = train_digits(n, widths, epochs, lr, wd, seed)
    cv = ops.curvature(net.weights, net.X, net.y)
    f = ops.mean_factors(cv, n, C_DIGITS)
    minus = {"nothing": None, "class_means": np.vstack([f.klass, f.same]),
             "all_means": f.all}[remove]
    lam, res = top_eigenvalues(cv.operator("G", minus), steps, rng)
    edge = top_eigenvalues(cv.operator("G", f.all), 40, rng)[0][0]
    return {"separation": separation(lam, k), "above_edge": float(np.sum(lam > edge)),
            "count": float(ko.count_outliers(lam, 2 * k)),
            "gap": float(lam[k - 1] / lam[k]), "accuracy": net.accuracy,
            "class_C_over_edge": float(ops.factor_eigenvalues(f.klass)[C_DIGITS - 1] / edge),
            "residual": float(res[: 3 * k + 1].max() / lam[0])}


def g_outliers(rng: np.random.Generator, n: int, width: int, depth: int, epochs: int, lr: float,
               wd: float, seeds: int, k: int, remove: str = "nothing", steps: int = 80
               ) -> dict[str, float]:
    """Outliers of G at MLPs trained on the digits (Sec. 6.1, Fig. 5; C = 10).

    For each of ``seeds`` networks (network s trained from seed s, so every card and control at
    the same settings shares the cached networks; ``rng`` draws the Lanczos start vectors):
    M = G on the train set, or G with
    the gradient mean structure removed: ``class_means``: G - G_class - G_{c=c'} (every
    direction g_c; g_{c,c} is parallel to g_c), ``all_means``: G_within (all C^2 means
    g_{c,c'} removed, Eq. 6.4). ``separation`` = log(lambda_k / lambda_{k+1}) over the
    largest log-gap among lambda_{k+1}..lambda_{3k+1} of M (top eigenvalues by SlowLanczos,
    ``steps`` matvecs); ``above_edge`` = #{lambda_i(M) > lambda_1(G_within)}, the eigenvalues
    beyond the main bulk, which the text attributes to G_within (Sec. 6.1). Returns the medians
    over the networks ``median_separation``, ``median_above_edge`` and
    ``median_class_C_over_edge``, the ``fraction`` with
    separation > 1, and per-statistic min / mean / max: also ``count`` (largest log-gap
    among the top 2k, Def 1.1-1.2), ``gap`` = lambda_k / lambda_{k+1} and ``class_C_over_edge``
    = lambda_C(G_class) / lambda_1(G_within) (< 1: the C-th class direction lies inside the
    main bulk)."""
    remove = validate.choice("remove", remove, REMOVE)
    widths = (validate.integer("width", width, 1),) * validate.integer("depth", depth, 1)
    k = validate.integer("k", k, 1, C_DIGITS)
    seeds = validate.integer("seeds", seeds, 1)
    rows = [_one_network(rng, s, n, widths, epochs, lr, wd, k, remove, steps)
            for s in range(seeds)]
    sep = np.array([r["separation"] for r in rows])
    out = {"median_separation": float(np.median(sep)), "fraction": float(np.mean(sep > 1)),
           "median_above_edge": float(np.median([r["above_edge"] for r in rows])),
           "median_class_C_over_edge": float(np.median([r["class_C_over_edge"] for r in rows])),
           "seeds": float(seeds)}
    for key in rows[0]:
        v = np.array([r[key] for r in rows])
        out.update({f"{key}_min": float(v.min()), f"{key}_mean": float(v.mean()),
                    f"{key}_max": float(v.max())})
    return out


def class_subspace(rng: np.random.Generator, n: int, width: int, depth: int, epochs: int,
                   lr: float, wd: float, seeds: int, k: int, remove: str = "nothing",
                   steps: int = 80) -> dict[str, float]:
    """Attribution of the outliers of G to the gradient class means (Sec. 6.1: "once G_class is
    knocked out, the C outliers disappear"), read on the eigenvectors: ``overlap`` =
    ||Q^T V_k||_F^2 / k, with V_k the top-k Ritz vectors of M (SlowLanczos, ``steps``) and Q an
    orthonormal basis of span{g_1..g_C} (Sec. 6 weighted class means). 1: the top k lie in
    the class-mean span; a random k-subspace gives about C/p. M = G, or (``remove``, as in
    :func:`g_outliers`) G - G_class - G_{c=c'} or G_within; networks as in :func:`g_outliers`.
    Returns the ``fraction`` of
    ``seeds`` networks with overlap >= 1/2 and min / mean / max of the overlap."""
    remove = validate.choice("remove", remove, REMOVE)
    widths = (validate.integer("width", width, 1),) * validate.integer("depth", depth, 1)
    k = validate.integer("k", k, 1, C_DIGITS)
    overlaps = []
    for seed in range(validate.integer("seeds", seeds, 1)):
        net = train_digits(n, widths, epochs, lr, wd, seed)
        cv = ops.curvature(net.weights, net.X, net.y)
        f = ops.mean_factors(cv, n, C_DIGITS)
        minus = {"nothing": None, "class_means": np.vstack([f.klass, f.same]),
                 "all_means": f.all}[remove]
        res = slow_lanczos(cv.operator("G", minus), min(steps, cv.size), rng=rng)
        V = res.ritz_vectors()[:, np.argsort(res.values)[::-1][:k]]
        Q = ko.range_basis(f.class_means.T)
        overlaps.append(float(np.sum((Q.T @ V) ** 2) / k))
    v = np.array(overlaps)
    return {"fraction": float(np.mean(v >= 0.5)), "overlap_min": float(v.min()),
            "overlap_mean": float(v.mean()), "overlap_max": float(v.max()),
            "seeds": float(v.size)}
