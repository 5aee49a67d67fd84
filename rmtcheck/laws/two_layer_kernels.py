"""Conjugate and neural tangent kernels of the two-layer network, and lazy-training regression.

Wang et al. (2023), seed 004, Sec. 3 (claims WANG-DEF-CK, WANG-DEF-NTK, WANG-DEF-LAZY), with
Z = W X / sqrt d (h x n), the 1/sqrt d of eq. (4) restored in Sec. 5.1's K_t^CK:
    K^CK = (1/h) sigma(Z)^T sigma(Z)                                             eq. (4)
    K_1  = (X^T X / d) o (1/h) sigma'(Z)^T diag(v)^2 sigma'(Z)  (first layer)   eq. (5)
    K^NTK = K_1 + K^CK (both layers trained; footnote 2 drops K^CK when only W is trained)
    K(X, x) = (X^T x / d) o (1/h) sigma'(Z)^T diag(v)^2 sigma'(W x / sqrt d)
              + (1/h) sigma(Z)^T sigma(W x / sqrt d)                             (cross kernel)
    f_hat(x) = f_0(x) + (y - f_0(X)) K(X, X)^{-1} K(X, x)                        eq. (6)
Each kernel costs two GEMMs of O(h n^2) flops; the Jacobian J (n x hd) is formed only by
:func:`jacobian_first_layer`, a reference for tests. The kernels take NumPy or CuPy arrays
(the caller's array module is used throughout); :func:`lazy_predict` is NumPy (SciPy solve).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg

from .. import validate
from .activations import Activation

LAYERS = ("both", "first")


def network_output(W: Any, v: Any, X: Any, activation: Activation) -> Any:
    """f(X) = (1/sqrt h) v^T sigma(W X / sqrt d), eq. (7) (WANG-DEF-NET2)."""
    return (v @ activation(preactivations(W, X))) / math.sqrt(W.shape[0])


def preactivations(W: Any, X: Any) -> Any:
    """Z = W X / sqrt d (h x n), in the precision of W and X (a Python-float scale keeps
    float32 inputs float32)."""
    return W @ X / math.sqrt(W.shape[1])


def ck_kernel(W: Any, X: Any, activation: Activation, X2: Any = None) -> Any:
    """K^CK = (1/h) sigma(W X/sqrt d)^T sigma(W X2/sqrt d), eq. (4) (X2 = X by default)."""
    phi = activation(preactivations(W, X))
    if X2 is None:
        return phi.T @ phi / W.shape[0]
    return phi.T @ activation(preactivations(W, X2)) / W.shape[0]


def _first_layer_from(Z: Any, Z2: Any, v: Any, X: Any, X2: Any, activation: Activation) -> Any:
    h, d = Z.shape[0], X.shape[0]
    g = activation.derivative(Z) * v[:, None]
    if Z2 is None:
        return (X.T @ X / d) * (g.T @ g / h)
    return (X.T @ X2 / d) * (g.T @ (activation.derivative(Z2) * v[:, None]) / h)


def tangent_kernel_first_layer(W: Any, v: Any, X: Any, activation: Activation,
                               X2: Any = None) -> Any:
    """First-layer NTK of eq. (5): K_1 = (X^T X2 / d) o (1/h) sigma'(Z)^T diag(v)^2 sigma'(Z2)."""
    Z2 = None if X2 is None else preactivations(W, X2)
    return _first_layer_from(preactivations(W, X), Z2, v, X, X2, activation)


def tangent_kernel(W: Any, v: Any, X: Any, activation: Activation, layers: str = "both",
               X2: Any = None) -> Any:
    """K^NTK = K_1 + K^CK (``layers='both'``) or K_1 alone (``'first'``), eq. (5) / footnote 2.
    The pre-activations are computed once and shared by both terms."""
    validate.choice("layers", layers, LAYERS)
    Z = preactivations(W, X)
    Z2 = None if X2 is None else preactivations(W, X2)
    k1 = _first_layer_from(Z, Z2, v, X, X2, activation)
    if layers == "first":
        return k1
    phi = activation(Z)
    phi2 = phi if Z2 is None else activation(Z2)
    return k1 + phi.T @ phi2 / W.shape[0]


def jacobian_first_layer(W: np.ndarray, v: np.ndarray, X: np.ndarray,
                         activation: Activation) -> np.ndarray:
    """J = [J(w_1), ..., J(w_h)] in R^{n x hd}, J(w_i) = (v_i/sqrt h) diag(sigma'(X^T w_i/sqrt d))
    X^T/sqrt d (proof of Lemma 5.1). O(n h d) memory: for tests and small sizes only."""
    h, d = W.shape
    g = activation.derivative(preactivations(W, X)).T * v / np.sqrt(h)  # n x h
    return (g[:, :, None] * X.T[:, None, :] / np.sqrt(d)).reshape(X.shape[1], h * d)


def lazy_predict(W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, X_test: np.ndarray,
                 activation: Activation, include_f0: bool = True,
                 layers: str = "both") -> np.ndarray:
    """Lazy-training predictor of eq. (6) at X_test (d x m): min-norm interpolation of the
    linearized network around (W, v) with the initial NTK. ``include_f0=False`` gives the
    plain kernel regressor y K^{-1} K(X, x) (the variant compared in WANG-CLAIM-LAZY)."""
    K = tangent_kernel(W, v, X, activation, layers)
    Kx = tangent_kernel(W, v, X, activation, layers, X2=X_test)
    target = np.asarray(y, dtype=float)
    if include_f0:
        target = target - network_output(W, v, X, activation)
    coef = scipy.linalg.solve(K, target, assume_a="pos")
    pred = coef @ Kx
    return pred + network_output(W, v, X_test, activation) if include_f0 else pred
