"""Full-batch gradient descent for deep linear networks and the paired two-layer ReLU model.

Source: Hacohen & Weinshall (2022), supplementary material, App. A.2 (eq. 10), B.1 (eq. 21),
B.2, B.3. Loss
L = 1/2 ||W X - Y||_F^2 with sums (DLN-EQ-LOSS), Sigma_XX = X X^T, Sigma_YX = Y X^T,
Er = W Sigma_XX - Sigma_YX (DLN-DEF-3). Training runs in the principal coordinate system of
Def. 1 (DLN-DEF-1): Sigma_XX = U D U^T, inputs rotated by U^T, so Sigma_XX = D, M = Sigma_YX U.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import validate
from ..ensembles.products import end_to_end, grams_a, prefix_products, suffix_products
from ..errors import InputError
from ..progress import track


def principal_coordinates(x: np.ndarray, y: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(U, d, M): Sigma_XX = X X^T = U diag(d) U^T with d descending, and M = Y X^T U."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise InputError("x, y", f"shapes {x.shape}, {y.shape}", "q x n and K x n arrays")
    d, u = np.linalg.eigh(x @ x.T)
    order = np.argsort(d)[::-1]
    d, u = d[order], u[:, order]
    return u, d, (y @ x.T) @ u


def layer_gradients(layers: Sequence[np.ndarray], sigma_xx: np.ndarray,
                    sigma_yx: np.ndarray) -> list[np.ndarray]:
    """dL/dW_l = (W_L ... W_{l+1})^T [W Sigma_XX - Sigma_YX] (W_{l-1} ... W_1)^T (eq. 21)."""
    er = end_to_end(layers) @ sigma_xx - sigma_yx
    pre, suf = prefix_products(layers), suffix_products(layers)
    return [(_t(suf[l]) @ er) @ _t(pre[l - 1]) for l in range(1, len(layers) + 1)]


def first_order_delta_grams(layers: Sequence[np.ndarray], sigma_xx: np.ndarray,
                            sigma_yx: np.ndarray, mu: float
                            ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """First-order changes of one GD step, B^l -> B^l - Delta B^l and A^l -> A^l - Delta A^l
    (eqs. 10-12): Delta B^l = Delta P^l^T P^l + P^l^T Delta P^l with Delta P^{l+1} =
    Q_l Delta P^l + Delta Q_l P^l, and Delta A^l = Delta S^l S^l^T + S^l Delta S^l^T with
    Delta S^{l-1} = Delta S^l Q_l + S^l Delta Q_l. Returns ([Delta B^1..B^{N+1}],
    [Delta A^0..A^N]); works on stacks of draws."""
    dq = [mu * g for g in layer_gradients(layers, sigma_xx, sigma_yx)]
    pre, suf = prefix_products(layers), suffix_products(layers)
    dp = [np.zeros_like(pre[0])]
    for q, dql, p in zip(layers, dq, pre, strict=False):
        dp.append(q @ dp[-1] + dql @ p)
    ds = [np.zeros_like(suf[-1])]
    for l in range(len(layers), 0, -1):
        ds.append(ds[-1] @ layers[l - 1] + suf[l] @ dq[l - 1])
    ds = ds[::-1]
    db = [_t(d) @ p + _t(p) @ d for d, p in zip(dp, pre, strict=True)]
    da = [d @ _t(s) + s @ _t(d) for d, s in zip(ds, suf, strict=True)]
    return db, da


def gd_step(layers: Sequence[np.ndarray], sigma_xx: np.ndarray, sigma_yx: np.ndarray,
            mu: float) -> list[np.ndarray]:
    """One exact GD step W_l <- W_l - mu dL/dW_l for every layer (eq. 10)."""
    grads = layer_gradients(layers, sigma_xx, sigma_yx)
    return [w - mu * g for w, g in zip(layers, grads, strict=True)]


def _t(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


@dataclass
class DLNRun:
    """A recorded GD run in principal coordinates: W[s] (K x q), the least-squares target
    W* = M D^{-1}, per-column distances r_j(s) = ||w_j^s - w_j^*||, the loss and the drift
    ||A^s - L I||_2 of A^s = sum_l A_l^s (B.3 validity)."""

    d: np.ndarray
    m_target: np.ndarray
    w: np.ndarray
    w_star: np.ndarray
    column_error: np.ndarray
    loss: np.ndarray
    a_drift: np.ndarray

    def effective_rates(self, s: int) -> np.ndarray:
        """(r_j(s) / r_j(0))^(1/s): the per-column contraction (lambda_j in B.3)."""
        s = validate.integer("s", s, 1, self.w.shape[0] - 1)
        return (self.column_error[s] / self.column_error[0]) ** (1.0 / s)


def train_dln(layers: Sequence[np.ndarray], d: Sequence[float], m_target: np.ndarray, mu: float,
              steps: int, constant: float = 0.0, progress: bool = False) -> DLNRun:
    """Full-batch GD on L = 1/2 tr(W D W^T) - tr(W^T M) + ``constant`` from ``layers``
    (in principal coordinates: Sigma_XX = diag(d), Sigma_YX = M); records every step.
    Use :func:`principal_coordinates` and rotate the first layer (W_1 U) for raw data."""
    d = np.asarray(d, dtype=float)
    if np.any(d <= 0):
        raise InputError("d", "has non-positive entries", "positive eigenvalues of Sigma_XX")
    mu = validate.positive("mu", mu)
    steps = validate.integer("steps", steps, 0)
    sxx, syx = np.diag(d), np.asarray(m_target, dtype=float)
    w_star = syx / d
    layers = [np.array(w, dtype=float) for w in layers]
    depth, k = len(layers), syx.shape[0]
    ws, loss, drift = [], [], []
    for s in track(range(steps + 1), desc="GD") if progress else range(steps + 1):
        w = end_to_end(layers)
        ws.append(w)
        loss.append(0.5 * np.sum((w * d) * w) - np.sum(w * syx) + constant)
        a_sum = sum(grams_a(layers)[1:])
        drift.append(np.linalg.norm(a_sum - depth * np.eye(k), 2))
        if s < steps:
            layers = gd_step(layers, sxx, syx, mu)
    w_hist = np.array(ws)
    return DLNRun(d=d, m_target=syx, w=w_hist, w_star=w_star,
                  column_error=np.linalg.norm(w_hist - w_star, axis=1), loss=np.array(loss),
                  a_drift=np.array(drift))


def paired_relu_init(d_in: int, m: int, rng: np.random.Generator, scale: float = 1.0
                     ) -> tuple[np.ndarray, np.ndarray]:
    """B.2 symmetric initialization: w_{2i} = -w_{2i-1}, a_{2i} = -a_{2i-1} (m even);
    rows of W are N(0, scale^2/d_in), a is +-1/sqrt(m)."""
    m = validate.integer("m", m, 2)
    if m % 2:
        raise InputError("m", f"got {m}", "an even number of hidden units (pairs)")
    d_in = validate.integer("d_in", d_in, 1)
    half_w = rng.standard_normal((m // 2, d_in)) * validate.positive("scale", scale) / np.sqrt(d_in)
    half_a = rng.choice([-1.0, 1.0], m // 2) / np.sqrt(m)
    return np.repeat(half_a, 2) * np.tile([1.0, -1.0], m // 2), \
        np.repeat(half_w, 2, axis=0) * np.tile([1.0, -1.0], m // 2)[:, None]


def relu_forward(a: np.ndarray, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """f(x_i) = a^T sigma(W x_i) for the columns x_i of ``x`` (B.2 model)."""
    return a @ np.maximum(w @ x, 0.0)


def relu_gd_step(a: np.ndarray, w: np.ndarray, x: np.ndarray, y: np.ndarray, mu: float
                 ) -> np.ndarray:
    """W^1 = W^0 - mu dL/dW for L = 1/2 sum_i (f(x_i) - y_i)^2 with the indicator
    1[w_r x_i >= 0] as the ReLU derivative (DLN-EQ-B2-GRAD, footnote 3)."""
    act = (w @ x >= 0).astype(float)
    resid = relu_forward(a, w, x) - y
    return w - mu * (a[:, None] * act * resid) @ x.T


def half_space_targets(a: np.ndarray, w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """M~: row r is a_r sum_{i: w_r x_i >= 0} y_i x_i^T (B.2)."""
    act = (w @ x >= 0).astype(float)
    return a[:, None] * ((act * y) @ x.T)
