"""A small bias-free ReLU MLP in NumPy with per-example Jacobians, extended backprop errors,
G, the finite-difference Hessian, and SGD with momentum and weight decay.

Papyan (2020), seed 003_72d8fee6e1d897af.txt, Sec. 7.1–7.3 (Defs 7.1–7.2, Eqs. 7.3–7.8):
z^l = W^l h^{l-1}, h^l = relu(z^l) (l < L), f = z^L. Parameters are the column-major vecs of
W^1..W^L concatenated, so that d l / d vec(W^l) = h^{l-1} (x) delta^l. With
B^l = (df/dz^l)^T (n_l x C), the extended errors are delta^l_{i,c'} = B^l (p_i - e_{c'}).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validate
from ..errors import InputError
from ..progress import track
from .ccm import softmax

Weights = list[np.ndarray]


def init_mlp(rng: np.random.Generator, widths: list[int]) -> Weights:
    """He-initialised W^l (n_l x n_{l-1}) for widths [n_0 = D, n_1, ..., n_L = C]."""
    widths = [validate.integer("widths", w, 1) for w in widths]
    if len(widths) < 2:
        raise InputError("widths", f"got {widths}", "at least [D, C]")
    return [rng.standard_normal((o, i)) * np.sqrt((2.0 if k < len(widths) - 2 else 1.0) / i)
            for k, (i, o) in enumerate(zip(widths[:-1], widths[1:], strict=True))]


def flatten(weights: Weights) -> np.ndarray:
    """theta = [vec(W^1); ...; vec(W^L)] (column-major vecs)."""
    return np.concatenate([W.reshape(-1, order="F") for W in weights])


def unflatten(theta: np.ndarray, like: Weights) -> Weights:
    """Inverse of :func:`flatten`: weights shaped like ``like``."""
    out, k = [], 0
    for W in like:
        out.append(theta[k:k + W.size].reshape(W.shape, order="F"))
        k += W.size
    return out


@dataclass(frozen=True)
class Pass:
    """Forward/backward quantities: features h^0..h^{L-1} (N x n_{l-1}), ReLU masks of layers
    1..L-1, logits f (N x C), softmax p and B^l = (df/dz^l)^T for l = 1..L (N x n_l x C)."""

    h: list[np.ndarray]
    masks: list[np.ndarray]
    logits: np.ndarray
    probs: np.ndarray
    B: list[np.ndarray]


def forward_backward(weights: Weights, X: np.ndarray, masks: list[np.ndarray] | None = None
                     ) -> Pass:
    """Forward pass and the C backpropagated columns of every example (Sec 1.6, DERIVED).
    ``masks`` freezes the ReLU activation pattern (the network is then multilinear in W)."""
    h, frozen, masks = [np.asarray(X, dtype=float)], masks, []
    for k, W in enumerate(weights[:-1]):
        z = h[-1] @ W.T
        masks.append(z > 0 if frozen is None else frozen[k])
        h.append(np.where(masks[-1], z, 0.0))
    logits = h[-1] @ weights[-1].T
    N, C = logits.shape
    B = [np.broadcast_to(np.eye(C), (N, C, C))]
    for W, m in zip(weights[:0:-1], masks[::-1], strict=True):
        B.insert(0, m[:, :, None] * np.einsum("ok,iog->ikg", W, B[0]))
    return Pass(h, masks, logits, softmax(logits), B)


def jacobians(ps: Pass) -> np.ndarray:
    """Per-example J_i^T = df_i/dtheta^T (N x p x C): layer block h^{l-1} (x) B^l (Eq. 7.4)."""
    N = ps.logits.shape[0]
    return np.concatenate(
        [np.einsum("ij,ikc->ijkc", h, B).reshape(N, -1, B.shape[-1]) for h, B in zip(ps.h, ps.B,
                                                                                   strict=True)],
        axis=1)


def extended_errors(ps: Pass) -> list[np.ndarray]:
    """delta^l_{i,c'} = B^l (p_i - e_{c'}) for l = 1..L: N x C' x n_l each (Def 7.2)."""
    C = ps.probs.shape[1]
    resid = ps.probs[:, None, :] - np.eye(C)[None]                        # i, c', k
    return [np.einsum("ink,ick->icn", B, resid) for B in ps.B]


def extended_gradients(ps: Pass) -> np.ndarray:
    """g_{i,c'} = J_i^T (p_i - e_{c'}) (Def 6.1, sign as in Sec 1.8): N x C' x p."""
    C = ps.probs.shape[1]
    return np.einsum("ipk,ick->icp", jacobians(ps), ps.probs[:, None, :] - np.eye(C)[None])


def gauss_newton(ps: Pass) -> np.ndarray:
    """G = Ave_i J_i^T (diag p_i - p_i p_i^T) J_i (Eq. 5.1), one GEMM p x NC x p."""
    J = jacobians(ps)
    N, _, C = J.shape
    P = ps.probs
    UJ = P[:, None, :] * J - np.einsum("ipc,ic->ip", J, P)[:, :, None] * P[:, None, :]
    return np.einsum("ipc,iqc->pq", J, UJ, optimize=True) / N


def loss_grad(weights: Weights, X: np.ndarray, y: np.ndarray, wd: float = 0.0,
              masks: list[np.ndarray] | None = None) -> tuple[float, np.ndarray]:
    """Mean cross-entropy + (wd/2) sum ||W^l||_F^2 and its gradient (flattened)."""
    ps = forward_backward(weights, X, masks)
    N = y.size
    lp = ps.logits - ps.logits.max(axis=1, keepdims=True)
    loss = float(np.mean(np.log(np.exp(lp).sum(axis=1)) - lp[np.arange(N), y]))
    r = ps.probs.copy()
    r[np.arange(N), y] -= 1.0
    delta = [np.einsum("ink,ik->in", B, r) for B in ps.B]
    grads = [d.T @ h / N + wd * W for d, h, W in zip(delta, ps.h, weights, strict=True)]
    return loss + 0.5 * wd * sum(float(np.sum(W * W)) for W in weights), flatten(grads)


def hessian_fd(weights: Weights, X: np.ndarray, y: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Hessian of the mean cross-entropy by central differences of the analytic gradient with
    the ReLU pattern of ``weights`` frozen (the a.e. Hessian: no kink is crossed), symmetrised;
    error O(step^2) plus rounding O(eps / step)."""
    theta, masks = flatten(weights), forward_backward(weights, X).masks
    H = np.empty((theta.size, theta.size))
    for j in track(range(theta.size), desc="Hessian (finite differences)"):
        e = np.zeros_like(theta)
        e[j] = step
        H[:, j] = (loss_grad(unflatten(theta + e, weights), X, y, masks=masks)[1]
                   - loss_grad(unflatten(theta - e, weights), X, y, masks=masks)[1]) / (2 * step)
    return (H + H.T) / 2


def train_sgd(rng: np.random.Generator, weights: Weights, X: np.ndarray, y: np.ndarray,
              epochs: int, lr: float = 0.05, momentum: float = 0.9, wd: float = 5e-4,
              batch: int = 128, desc: str = "training", decay: bool = True) -> Weights:
    """SGD with momentum and weight decay (App. D.1), lr divided by 10 at 1/3 and 2/3 of the
    epochs (``decay=False``: constant lr, for training in segments between snapshots)."""
    theta, vel = flatten(weights), np.zeros(sum(W.size for W in weights))
    N = y.size
    for epoch in track(range(validate.integer("epochs", epochs, 0)), desc=desc):
        rate = lr * 0.1 ** (3 * epoch // max(epochs, 1)) if decay else lr
        order = rng.permutation(N)
        for start in range(0, N, batch):
            idx = order[start:start + batch]
            g = loss_grad(unflatten(theta, weights), X[idx], y[idx], wd)[1]
            vel = momentum * vel - rate * g
            theta = theta + vel
    return unflatten(theta, weights)


def layer_gradients(ps: Pass, deltas: list[np.ndarray], layer: int) -> np.ndarray:
    """Extended gradients of layer l (1-based): g^l_{i,c'} = h^{l-1}_i (x) delta^l_{i,c'}
    (Eq. 7.4, col-major vec of W^l), N x C' x (n_{l-1} n_l)."""
    h, d = ps.h[layer - 1], deltas[layer - 1]
    return np.einsum("ij,icm->icjm", h, d).reshape(h.shape[0], d.shape[1], -1)


def layer_gauss_newton(ps: Pass, deltas: list[np.ndarray], layer: int) -> np.ndarray:
    """G^l = sum_{i,c'} w_{i,c'} g^l g^{lT} with w = p_{i,c'}/N (Eq. 7.8), one GEMM."""
    g = layer_gradients(ps, deltas, layer)
    gw = g * np.sqrt(ps.probs / g.shape[0])[:, :, None]
    flat = gw.reshape(-1, g.shape[2])
    return flat.T @ flat
