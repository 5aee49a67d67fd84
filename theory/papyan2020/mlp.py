"""A small bias-free ReLU MLP in NumPy with per-example Jacobians, extended backprop errors,
G, the finite-difference Hessian, and SGD with momentum and weight decay.

Papyan (2020), Sec. 7.1–7.3 (Defs 7.1–7.2, Eqs. 7.3–7.8):
z^l = W^l h^{l-1}, h^l = relu(z^l) (l < L), f = z^L. Parameters are the column-major vecs of
W^1..W^L concatenated, so that d l / d vec(W^l) = h^{l-1} (x) delta^l. With
B^l = (df/dz^l)^T (n_l x C), the extended errors are delta^l_{i,c'} = B^l (p_i - e_{c'}).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.ccm import ccm_sample, softmax
from rmtcheck.errors import InputError
from rmtcheck.progress import track

from . import decomposition as dec

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


def _forward(weights: Weights, X: np.ndarray, masks: list[np.ndarray] | None = None
             ) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Features h^0..h^{L-1}, ReLU masks of layers 1..L-1 (``masks`` given: frozen) and logits."""
    h, frozen, masks = [np.asarray(X, dtype=float)], masks, []
    for k, W in enumerate(weights[:-1]):
        z = h[-1] @ W.T
        masks.append(z > 0 if frozen is None else frozen[k])
        h.append(np.where(masks[-1], z, 0.0))
    return h, masks, h[-1] @ weights[-1].T


def forward_backward(weights: Weights, X: np.ndarray, masks: list[np.ndarray] | None = None
                     ) -> Pass:
    """Forward pass and the C backpropagated columns of every example (Sec 1.6, DERIVED).
    ``masks`` freezes the ReLU activation pattern (the network is then multilinear in W)."""
    h, masks, logits = _forward(weights, X, masks)
    N, C = logits.shape
    B = [np.broadcast_to(np.eye(C), (N, C, C))]
    for W, m in zip(weights[:0:-1], masks[::-1], strict=True):
        B.insert(0, m[:, :, None] * np.einsum("ok,iog->ikg", W, B[0]))
    return Pass(h, masks, logits, softmax(logits), B)


def jacobians(ps: Pass) -> np.ndarray:
    """Per-example J_i^T = df_i/dtheta^T (N x p x C): layer block h^{l-1} (x) B^l
    (PAP-EQ-7.3; concatenated over layers, g = h (.) delta, PAP-EQ-7.5)."""
    N = ps.logits.shape[0]
    return np.concatenate(
        [np.einsum("ij,ikc->ijkc", h, B).reshape(N, -1, B.shape[-1]) for h, B in zip(ps.h, ps.B,
                                                                                   strict=True)],
        axis=1)


def extended_errors(ps: Pass) -> list[np.ndarray]:
    """delta^l_{i,c'} = B^l (p_i - e_{c'}) for l = 1..L: N x C' x n_l each (PAP-DEF-7.2)."""
    C = ps.probs.shape[1]
    resid = ps.probs[:, None, :] - np.eye(C)[None]                        # i, c', k
    return [np.einsum("ink,ick->icn", B, resid) for B in ps.B]


def extended_gradients(ps: Pass) -> np.ndarray:
    """g_{i,c'} = J_i^T (p_i - e_{c'}) (PAP-DEF-6.1, sign as in Sec 1.8): N x C' x p."""
    C = ps.probs.shape[1]
    return np.einsum("ipk,ick->icp", jacobians(ps), ps.probs[:, None, :] - np.eye(C)[None])


def gauss_newton(ps: Pass) -> np.ndarray:
    """G = Ave_i J_i^T (diag p_i - p_i p_i^T) J_i (PAP-EQ-5.1), one GEMM p x NC x p."""
    J = jacobians(ps)
    N, _, C = J.shape
    P = ps.probs
    UJ = P[:, None, :] * J - np.einsum("ipc,ic->ip", J, P)[:, :, None] * P[:, None, :]
    return np.einsum("ipc,iqc->pq", J, UJ, optimize=True) / N


def loss_grad(weights: Weights, X: np.ndarray, y: np.ndarray, wd: float = 0.0,
              masks: list[np.ndarray] | None = None) -> tuple[float, np.ndarray]:
    """PAP-DEF-2.1 loss: mean cross-entropy + (wd/2) sum ||W^l||_F^2 and its gradient
    (flattened), by plain backpropagation of r = p - e_y: delta^L = r,
    delta^l = mask^l * (delta^{l+1} W^{l+1})."""
    h, masks, logits = _forward(weights, X, masks)
    N = y.size
    lp = logits - logits.max(axis=1, keepdims=True)
    loss = float(np.mean(np.log(np.exp(lp).sum(axis=1)) - lp[np.arange(N), y]))
    delta = [softmax(logits)]
    delta[0][np.arange(N), y] -= 1.0
    for W, m in zip(weights[:0:-1], masks[::-1], strict=True):
        delta.insert(0, np.where(m, delta[0] @ W, 0.0))
    grads = [d.T @ x / N + wd * W for d, x, W in zip(delta, h, weights, strict=True)]
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


def residual_hessian(weights: Weights, ps: Pass, y: np.ndarray) -> np.ndarray:
    """E = Hess - G = Ave_i sum_k (p_i - e_{y_i})_k d^2 f_k / d theta^2 (Eq. 5.2), exact, for the
    activation pattern of ``ps``. f is multilinear in W^1..W^L there, so the diagonal layer blocks
    vanish; for l < m, with delta^m_i = B^m_i (p_i - e_{y_i}) (true-label errors) and
    M_i = dh^{m-1}_i / dz^l_i (DERIVED from Def 7.1):
    E^{l,m}[(b, a), (d, c)] = Ave_i h^{l-1}_{i,b} M_{i,d,a} delta^m_{i,c} (col-major vecs)."""
    N = y.size
    r = ps.probs.copy()
    r[np.arange(N), y] -= 1.0
    delta = [np.einsum("ink,ik->in", B, r) for B in ps.B]
    edges = np.cumsum([0] + [W.size for W in weights])
    E = np.zeros((edges[-1], edges[-1]))
    for l in range(1, len(weights)):
        M = ps.masks[l - 1][:, :, None] * np.eye(weights[l - 1].shape[0])     # dh^l / dz^l
        for m in range(l + 1, len(weights) + 1):
            if m > l + 1:
                M = ps.masks[m - 2][:, :, None] * np.einsum("dj,ija->ida", weights[m - 2], M)
            block = np.einsum("ib,ida,ic->badc", ps.h[l - 1], M, delta[m - 1], optimize=True)
            block = block.reshape(edges[l] - edges[l - 1], edges[m] - edges[m - 1]) / N
            E[edges[l - 1]:edges[l], edges[m - 1]:edges[m]] = block
            E[edges[m - 1]:edges[m], edges[l - 1]:edges[l]] = block.T
    return E


def train_sgd(rng: np.random.Generator, weights: Weights, X: np.ndarray, y: np.ndarray,
              epochs: int, lr: float = 0.05, momentum: float = 0.9, wd: float = 5e-4,
              batch: int = 128, desc: str = "training", decay: bool = True,
              resample: bool = False) -> Weights:
    """SGD with momentum and weight decay (App. D.1), lr divided by 10 at 1/3 and 2/3 of the
    epochs (``decay=False``: constant lr, for training in segments between snapshots).
    ``resample=True`` draws every label of a minibatch afresh, uniformly over the C outputs, at
    every step (labels independent of the inputs and of each other: no per-label structure)."""
    theta, vel = flatten(weights), np.zeros(sum(W.size for W in weights))
    N = y.size
    for epoch in track(range(validate.integer("epochs", epochs, 0)), desc=desc):
        rate = lr * 0.1 ** (3 * epoch // max(epochs, 1)) if decay else lr
        order = rng.permutation(N)
        for start in range(0, N, batch):
            idx = order[start:start + batch]
            labels = rng.integers(0, weights[-1].shape[0], idx.size) if resample else y[idx]
            g = loss_grad(unflatten(theta, weights), X[idx], labels, wd)[1]
            vel = momentum * vel - rate * g
            theta = theta + vel
    return unflatten(theta, weights)


def layer_gradients(ps: Pass, deltas: list[np.ndarray], layer: int) -> np.ndarray:
    """Extended gradients of layer l (1-based): g^l_{i,c'} = h^{l-1}_i (x) delta^l_{i,c'}
    (Eq. 7.4, col-major vec of W^l), N x C' x (n_{l-1} n_l)."""
    h, d = ps.h[layer - 1], deltas[layer - 1]
    return np.einsum("ij,icm->icjm", h, d).reshape(h.shape[0], d.shape[1], -1)


def layer_gauss_newton(ps: Pass, deltas: list[np.ndarray], layer: int) -> np.ndarray:
    """G^l = sum_{i,c'} w_{i,c'} g^l g^{lT} with w = p_{i,c'}/N (PAP-EQ-7.6), one GEMM."""
    g = layer_gradients(ps, deltas, layer)
    gw = g * np.sqrt(ps.probs / g.shape[0])[:, :, None]
    flat = gw.reshape(-1, g.shape[2])
    return flat.T @ flat


def train_gmm(rng: np.random.Generator, D: int, C: int, n: int, t: float, widths: list[int],
              epochs: int, lr: float = 0.05, wd: float = 5e-4, batch: int = 128,
              desc: str = "papyan MLP", spread: float = 0.0
              ) -> tuple[np.ndarray, np.ndarray, Weights, Pass, float]:
    """A GMM-MLP: n examples per class of CCM(D, C) (class-major; ``spread``: unequal class
    SNRs, see ``ccm.class_means``), a He-initialised MLP with hidden ``widths`` trained by
    :func:`train_sgd` (App. D.1). Returns X, y, the weights, their forward/backward pass on X
    and the train accuracy."""
    X, y = ccm_sample(rng, D, C, n, t, spread=spread)
    weights = train_sgd(rng, init_mlp(rng, [D, *widths, C]), X, y, epochs, lr=lr, wd=wd,
                        batch=batch, desc=desc)
    ps = forward_backward(weights, X)
    return X, y, weights, ps, float(np.mean(np.argmax(ps.logits, axis=1) == y))


def g_decomposition(ps: Pass, n: int, C: int) -> dec.CrossClassParts:
    """Sec 6 decomposition G = G_class + G_cross + G_within + G_{c=c'} of a pass over class-major
    data (extended gradients from the Jacobians, weights p_{i,c,c'}/(nC))."""
    return dec.cross_class_decomposition(dec.by_class(extended_gradients(ps), n, C),
                                         dec.by_class(ps.probs, n, C))


def kronecker_proxies(ps: Pass, deltas: list[np.ndarray], layer: int, n: int, C: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """G^l (Eq. 7.8) and its proxies G^l_KFAC = H^{l-1} (x) Delta^l (Def 7.10, ERR-12) and
    G^l_CFAC = Ave_c H^{l-1}_c (x) Delta^l_c (Def 7.11), with Delta^l_c = Ave_i sum_{c'}
    p_{i,c,c'} delta delta^T, so that Ave_c Delta^l_c = Delta^l, for class-major data."""
    H = dec.class_decomposition(dec.by_class(ps.h[layer - 1], n, C))
    delta_c = dec.per_class_weighted(dec.by_class(deltas[layer - 1], n, C),
                                     dec.by_class(ps.probs, n, C))
    return (layer_gauss_newton(ps, deltas, layer), dec.kfac(H["total"], delta_c.mean(axis=0)),
            dec.cfac(H["per_class"], delta_c))
