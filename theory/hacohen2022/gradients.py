"""Finite-difference checks of the printed gradients (claims DLN-LEM-1, DLN-CLAIM-11).

Source: Hacohen & Weinshall (2022), supplementary material: Lemma 1 (App. A.3, eq. 19),
dG/dW = U^T [U W V Sigma_XX - Sigma_YX] V^T for G(W) = 1/2 ||U W V X - Y||_F^2, and the layer
gradient of Thm 1's proof (App. B.1, eq. 21),
dL/dW_l = (W_L ... W_{l+1})^T [W Sigma_XX - Sigma_YX] (W_{l-1} ... W_1)^T,
whose right factor is printed (prod_{l=1}^{l} W_j)^T. Sums, not means: Sigma_XX = X X^T,
Sigma_YX = Y X^T (DLN-EQ-LOSS).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.products import def4_layers, end_to_end, prefix_products, suffix_products
from rmtcheck.errors import InputError


def central_differences(f: Callable[[np.ndarray], float], w: np.ndarray, h: float) -> np.ndarray:
    """(f(W + h E_ij) - f(W - h E_ij)) / 2h for every entry (i, j) of ``w``."""
    grad = np.empty_like(w)
    for idx in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[idx] = h
        grad[idx] = (f(w + step) - f(w - step)) / (2.0 * h)
    return grad


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def lemma1_gradient(u: np.ndarray, w: np.ndarray, v: np.ndarray, x: np.ndarray, y: np.ndarray,
                    sigma: str = "sum") -> np.ndarray:
    """U^T [U W V Sigma_XX - Sigma_YX] V^T (eq. 19) with Sigma = X X^T, Y X^T (``sum``, the
    text's convention) or divided by the sample size (``mean``, a wrong convention)."""
    scale = 1.0 if validate.choice("sigma", sigma, ("sum", "mean")) == "sum" else 1.0 / x.shape[1]
    sxx, syx = scale * (x @ x.T), scale * (y @ x.T)
    return u.T @ (u @ w @ v @ sxx - syx) @ v.T


def lemma1_residual(rng: np.random.Generator, a: int, b: int, c: int, d: int, n: int, h: float,
                    sigma: str = "sum") -> np.ndarray:
    """||eq. 19 - central differences of G||_F / ||central differences||_F for Gaussian U
    (a x b), W (b x c), V (c x d), X (d x n), Y (a x n) (DLN-LEM-1). G is quadratic in W,
    so the differences are exact up to rounding."""
    dims = [validate.integer(k, v, 1) for k, v in (("a", a), ("b", b), ("c", c), ("d", d))]
    n = validate.integer("n", n, 1)
    u, w, v = (rng.standard_normal((p, r)) / np.sqrt(r)
              for p, r in zip(dims[:-1], dims[1:], strict=True))
    x, y = rng.standard_normal((dims[3], n)), rng.standard_normal((dims[0], n))

    def g(wm: np.ndarray) -> float:
        return 0.5 * float(np.sum((u @ wm @ v @ x - y) ** 2))

    fd = central_differences(g, w, validate.positive("h", h))
    return np.array([_rel(lemma1_gradient(u, w, v, x, y, sigma), fd)])


def eq21_gradients(layers: list[np.ndarray], sigma_xx: np.ndarray, sigma_yx: np.ndarray,
                   index_range: str = "corrected") -> list[np.ndarray]:
    """Eq. (21) for every layer: (W_L ... W_{l+1})^T Er R_l^T with R_l = W_{l-1} ... W_1
    (``corrected``) or, read literally, the printed prod_{j=1}^{l} W_j = W_1 W_2 ... W_l in the
    text's left-to-right product convention (``printed``; it needs square layers)."""
    validate.choice("index_range", index_range, ("corrected", "printed"))
    er = end_to_end(layers) @ sigma_xx - sigma_yx
    suf = suffix_products(layers)
    if index_range == "corrected":
        right = prefix_products(layers)[:-1]
    else:
        if len({s for w in layers for s in w.shape}) != 1:
            raise InputError("index_range", "'printed' with unequal widths",
                             "'corrected', or equal widths (square layers)")
        right = [layers[0]]
        for w in layers[1:]:
            right.append(right[-1] @ w)
    return [suf[l].T @ er @ right[l - 1].T for l in range(1, len(layers) + 1)]


def eq21_residual(rng: np.random.Generator, q: int, m: int, K: int, N: int, n: int, h: float,
                  index_range: str = "corrected") -> np.ndarray:
    """max over layers of ||eq. 21 - central differences of L||_F / ||central differences||_F
    for L = 1/2 ||W X - Y||_F^2, a Def.-4 DLN of widths (q, m, ..., m, K) and Gaussian X
    (q x n), Y (K x n) (DLN-CLAIM-11)."""
    q, m, K = (validate.integer(k, v, 1) for k, v in (("q", q), ("m", m), ("K", K)))
    N = validate.integer("N", N, 1)
    layers = def4_layers([q] + [m] * (N - 1) + [K], rng)
    x, y = rng.standard_normal((q, validate.integer("n", n, 1))), rng.standard_normal((K, n))
    grads = eq21_gradients(layers, x @ x.T, y @ x.T, index_range)
    h = validate.positive("h", h)
    errors = []
    for l, wl in enumerate(layers):
        def loss(w: np.ndarray, l: int = l) -> float:
            return 0.5 * float(np.sum((end_to_end([*layers[:l], w, *layers[l + 1:]]) @ x - y) ** 2))

        errors.append(_rel(grads[l], central_differences(loss, wl, h)))
    return np.array([max(errors)])
