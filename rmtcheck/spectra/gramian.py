"""Gradient-similarity kernel (empirical NTK) of an FC network without its Jacobian.

NSA (seed 000, App. A-B; spec Sec. 2.1): ``g_t(X, X') = grad f(X)^T grad f(X')``, Gramian
``G = A^T A`` with Jacobian columns ``A[:, i] = grad f(X^i)``, FIM ``F = A A^T``. Per layer l
the weight gradient of f(X^i) is the outer product ``h_l(X^i) Gamma_l(X^i)^T`` of the layer
input and the back-propagated error, so

    G = sum_l (Gamma_l Gamma_l'^T) .* (H_l H_l'^T + 1 1^T)

(``1 1^T`` from the biases), costing O(N N' sum_l n_l) flops and O(N N') memory instead of the
O(N |theta|) Jacobian. The loss Hessian of Appendix B is ``H = F / N + (1/N) sum_i r_i H_f(X^i)``
(eq. A6), reached through exact Hessian-vector products.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import validate
from ..ensembles.fc_net import FCNet, backward, flatten, forward, loss_hvp, param_grads
from ..errors import InputError


def check_points(net: FCNet, X: np.ndarray, min_points: int = 1, name: str = "X") -> np.ndarray:
    """X as an N x d float array with d the net's input dimension and N >= ``min_points``."""
    X = np.asarray(X, dtype=float)
    d = net.weights[0].shape[0]
    if X.ndim != 2 or X.shape[1] != d:
        raise InputError(name, f"has shape {X.shape}", f"an N x {d} array of points")
    if X.shape[0] < min_points:
        raise InputError("N", f"got {X.shape[0]} point(s) in {name}",
                         f"N >= {min_points} (a Gramian spectrum needs two points)")
    return X


def layer_factors(net: FCNet, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Layer inputs H_l (N x n_{l-1}) and per-sample errors Gamma_l = df/dz_l (N x n_l)."""
    fw = forward(net, check_points(net, X))
    return fw.h, backward(net, fw, np.ones(fw.h[0].shape[0]))


def kernel(net: FCNet, X: np.ndarray, X2: np.ndarray | None = None,
           layers: Sequence[int] | None = None) -> np.ndarray:
    """g(X, X2) (N x N2) by the per-layer Hadamard identity; ``X2 = None`` gives G(X, X).

    ``layers`` restricts the sum to some layers (the per-layer NTK contributions)."""
    h1, g1 = layer_factors(net, X)
    h2, g2 = (h1, g1) if X2 is None else layer_factors(net, X2)
    picked = range(net.depth) if layers is None else layers
    out = np.zeros((h1[0].shape[0], h2[0].shape[0]))
    for layer in picked:
        validate.integer("layers", layer, 0, net.depth - 1)
        feat = h1[layer] @ h2[layer].T
        feat += 1.0
        feat *= g1[layer] @ g2[layer].T
        out += feat
    return out


def gramian(net: FCNet, X: np.ndarray) -> np.ndarray:
    """G(i, j) = g(X^i, X^j) for N >= 2 points, symmetrised against rounding."""
    G = kernel(net, check_points(net, X, 2))
    return 0.5 * (G + G.T)


def jacobian(net: FCNet, X: np.ndarray) -> np.ndarray:
    """Explicit per-sample Jacobian J (N x |theta|), row i = grad f(X^i) in the flat layout.

    Memory O(N |theta|): a reference for small nets and the benchmark baseline."""
    hs, gs = layer_factors(net, X)
    n = hs[0].shape[0]
    parts = []
    for h, g in zip(hs, gs, strict=True):
        parts += [np.einsum("ni,nj->nij", h, g).reshape(n, -1), g]
    return np.concatenate(parts, axis=1)


def loss_gradient(net: FCNet, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Flat gradient of L = (1/N) sum 1/2 (f_i - y_i)^2: (1/N) A m with m = f - y (eq. A7)."""
    fw = forward(net, X)
    return flatten(param_grads(fw, backward(net, fw, (fw.out - y) / len(y))))


def loss_hessian(net: FCNet, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Dense loss Hessian (|theta| x |theta|) from |theta| exact HVPs: small nets only."""
    p = net.n_params
    H = np.empty((p, p))
    for j in range(p):
        e = np.zeros(p)
        e[j] = 1.0
        H[:, j] = loss_hvp(net, X, y, e)
    return 0.5 * (H + H.T)


def fim(net: FCNet, X: np.ndarray) -> np.ndarray:
    """F = A A^T = J^T J (|theta| x |theta|); F/N approximates H near convergence (eq. A6)."""
    J = jacobian(net, X)
    return J.T @ J
