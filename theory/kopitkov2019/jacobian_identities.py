"""The FIM / Gramian duality of NSA App. B-C (NTK-CLAIM-3), from the explicit Jacobian.

With A_t = J^T (|theta| x N, column i = grad f(X^i)) and its SVD
A_t = sum_i sqrt(lambda_i) w_i v_i^T (w_i: FIM eigenvectors, v_i: Gramian eigenvectors):

* A7  grad L = (1/N) A_t m_t = (1/N) sum_i sqrt(lambda_i) <v_i, m_t> w_i
* A8  theta' = theta_t + eps sqrt(lambda_i) w_i  =>  f(theta') - f(theta_t) = eps lambda_i v_i
      + O(eps^2) (the text takes eps = 1): moving along a FIM eigenvector moves the outputs
      along the matching Gramian eigenvector only.
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.fc_net import FCNet, init_fc_net, predict
from rmtcheck.spectra.gramian import jacobian, loss_gradient

from .targets import smooth_target, uniform_points


def _svd_problem(rng: np.random.Generator, N: int, depth: int, width: int, activation: str
                 ) -> tuple[FCNet, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A net, points X, labels y and the SVD (W, s, V^T) of A = J^T."""
    X = uniform_points(validate.integer("N", N, 2), rng)
    net = init_fc_net(2, width, depth, rng, activation=activation)
    W, s, Vt = np.linalg.svd(jacobian(net, X).T, full_matrices=False)
    return net, X, smooth_target(X), W, s, Vt


def gradient_expansion(W: np.ndarray, s: np.ndarray, Vt: np.ndarray, m: np.ndarray
                       ) -> np.ndarray:
    """A7: (1/N) sum_i sqrt(lambda_i) <v_i, m> w_i, with sqrt(lambda_i) = s_i."""
    return W @ (s * (Vt @ m)) / len(m)


def a7_residual(rng: np.random.Generator, N: int, depth: int, width: int, activation: str
                ) -> np.ndarray:
    """|grad L (backprop) - A7 expansion| / |grad L|: zero up to rounding."""
    net, X, y, W, s, Vt = _svd_problem(rng, N, depth, width, activation)
    grad = loss_gradient(net, X, y)
    m = predict(net, X) - y
    return np.array([np.linalg.norm(grad - gradient_expansion(W, s, Vt, m))
                     / np.linalg.norm(grad)])


def a8_error(rng: np.random.Generator, N: int, depth: int, width: int, activation: str,
             index: int, pair: str, inv_step: int) -> float:
    """|f(theta + eps sqrt(lambda_i) w_i) - f(theta) - eps lambda_i u| / |eps lambda_i u|,
    eps = 1 / inv_step, u = v_i (A8) or, with ``pair = "shifted"``, u = v_{i+1} (the
    control: a Gramian eigenvector other than the one the FIM direction maps to)."""
    eps = 1.0 / validate.positive("inv_step", inv_step)
    validate.choice("pair", pair, ("matched", "shifted"))
    net, X, _, W, s, Vt = _svd_problem(rng, N, depth, width, activation)
    i = validate.integer("index", index, 1, len(s) - 1) - 1
    moved = net.with_flat(net.flat() + eps * s[i] * W[:, i])
    u = Vt[i + 1] if pair == "shifted" else Vt[i]
    pred = eps * s[i] ** 2 * u
    return float(np.linalg.norm(predict(moved, X) - predict(net, X) - pred)
                 / np.linalg.norm(pred))
