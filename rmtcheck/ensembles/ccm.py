"""Canonical classification model CCM(D, C) and multinomial logistic regression on it.

Papyan (2020), Sec. 8.1 (Def 8.1, Def 8.2): balanced classes,
``x_{i,c} = t mu_c + z_{i,c}`` with ``mu_c = e_c`` (or a rotation of it) and z ~ N(0, I_D).
Rows of a data matrix are ordered class-major (all of class 0, then class 1, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from .. import validate
from ..errors import InputError


def _dims(D: int, C: int) -> tuple[int, int]:
    D, C = validate.integer("D", D, 2), validate.integer("C", C, 2)
    if C > D:
        raise InputError("C", f"got {C} > D = {D}", "integer in [2, D] (Def 8.1: means e_c in R^D)")
    return D, C


def class_means(D: int, C: int, t: float, rotation: np.ndarray | None = None,
                spread: float = 0.0) -> np.ndarray:
    """C x D matrix of class means t e_c^T (Def 8.1, PAP-DEF-8.1), optionally rotated: rows
    t e_c^T R^T. ``spread`` > 0 gives the classes unequal SNRs
    t_c = t (1 + spread (c / (C - 1) - 1/2)), c = 0..C-1, so that the class means are no longer
    whitened (not part of Def 8.1)."""
    D, C = _dims(D, C)
    t = validate.real("t", t, 0.0)
    spread = validate.real("spread", spread, 0.0, 2.0)
    means = t * np.eye(C, D) * (1 + spread * (np.arange(C) / (C - 1) - 0.5))[:, None]
    if rotation is not None:
        r = np.asarray(rotation, dtype=float)
        if r.shape != (D, D) or not np.allclose(r.T @ r, np.eye(D), atol=1e-10):
            raise InputError("rotation", f"shape {r.shape} or not orthogonal",
                             f"a {D}x{D} orthogonal matrix")
        means = means @ r.T
    return means


def random_rotation(rng: np.random.Generator, D: int) -> np.ndarray:
    """A Haar-distributed D x D orthogonal matrix (QR of a Gaussian with sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((D, D)))
    return q * np.sign(np.diag(r))


def labels(C: int, n: int) -> np.ndarray:
    """Class-major labels [0]*n + [1]*n + ... + [C-1]*n."""
    return np.repeat(np.arange(validate.integer("C", C, 1)), validate.integer("n", n, 1))


def ccm_sample(rng: np.random.Generator, D: int, C: int, n: int, t: float,
               rotation: np.ndarray | None = None, spread: float = 0.0
               ) -> tuple[np.ndarray, np.ndarray]:
    """n examples per class of CCM(D, C): X (nC x D, class-major) and labels y (nC,);
    ``spread`` as in :func:`class_means`."""
    means = class_means(D, C, t, rotation, spread)
    y = labels(C, n)
    return means[y] + rng.standard_normal((y.size, means.shape[1])), y


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large logits."""
    return special.softmax(np.asarray(logits, dtype=float), axis=-1)


def softmax_probs(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """p_i = softmax(W x_i) for W (C x D) and X (N x D): an N x C array."""
    return softmax(np.asarray(X) @ np.asarray(W).T)


def symmetric_probs(C: int, alpha: float) -> np.ndarray:
    """Def 8.2 (PAP-DEF-8.2): C x C array whose row c is p_{.,c}: 1 - alpha on c, alpha/(C-1)
    elsewhere.

    Probabilities need only alpha in [0, 1]; Def 8.2's domain is alpha <= (C-1)/C (the
    callers that need the domain check it)."""
    C = validate.integer("C", C, 2)
    alpha = validate.probability("alpha", alpha)
    p = np.full((C, C), alpha / (C - 1))
    np.fill_diagonal(p, 1.0 - alpha)
    return p


def nll(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy Ave_i -log softmax(W x_i)_{y_i}."""
    logits = X @ W.T
    return float(np.mean(special.logsumexp(logits, axis=1) - logits[np.arange(y.size), y]))


def nll_grad(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of :func:`nll` w.r.t. W (C x D): Ave_i (p_i - e_{y_i}) x_i^T (Sec 1.1)."""
    r = softmax_probs(W, X)
    r[np.arange(y.size), y] -= 1.0
    return r.T @ X / y.size


@dataclass(frozen=True)
class FittedMLR:
    """A multinomial logistic regression fit: weights W (C x D) and the optimizer record."""

    W: np.ndarray
    loss: float
    grad_norm: float
    iterations: int


def fit_mlr(X: np.ndarray, y: np.ndarray, C: int, l2: float = 0.0, tol: float = 1e-10,
            max_iter: int = 2000) -> FittedMLR:
    """Maximum-likelihood (optionally ridge ``l2/2 ||W||_F^2``) fit of W by L-BFGS (scipy)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    C = validate.integer("C", C, 2)
    l2 = validate.real("l2", l2, 0.0)
    D = X.shape[1]

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W = theta.reshape(C, D)
        return (nll(W, X, y) + 0.5 * l2 * theta @ theta,
                nll_grad(W, X, y).ravel() + l2 * theta)

    res = optimize.minimize(fun, np.zeros(C * D), jac=True, method="L-BFGS-B",
                            options={"gtol": tol, "ftol": 1e-15, "maxiter": max_iter})
    W = res.x.reshape(C, D)
    return FittedMLR(W, float(res.fun), float(np.linalg.norm(fun(res.x)[1])), int(res.nit))


def bayes_weights(D: int, C: int, t: float) -> np.ndarray:
    """Population MLE of CCM with equal priors: W* = t [I_C | 0] (posterior softmax(t x_{1:C}))."""
    return class_means(D, C, t)


def bayes_error(C: int, t: float) -> float:
    """Bayes error of CCM: 1 - int phi(z) Phi(z + t)^{C-1} dz (Gauss–Hermite, 80 nodes)."""
    C = validate.integer("C", C, 2)
    t = validate.real("t", t, 0.0)
    z, w = np.polynomial.hermite_e.hermegauss(80)
    return float(1.0 - np.sum(w * stats.norm.cdf(z + t) ** (C - 1)) / np.sqrt(2 * np.pi))
