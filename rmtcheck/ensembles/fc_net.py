"""Fully connected scalar networks FC-NN-L{depth}-W{width} (NSA seed 000, Sec. 2.4 of the spec).

``depth`` weight layers (``depth - 1`` hidden layers of ``width`` units), a scalar output,
Leaky-ReLU / Swish / tanh, Xavier-normal weights (std sqrt(2 / (fan_in + fan_out))), zero
biases, and optional shortcuts ``h_l = h_{l-1} + sigma(z_l)`` between hidden layers of equal
width. Forward and backward passes are plain NumPy: every product is one BLAS GEMM, so
there is no loop left for numba to win on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import validate

ACTIVATIONS = ("leaky_relu", "swish", "tanh")


@dataclass
class FCNet:
    """Weights ``W[l]`` (n_{l-1} x n_l) and biases ``b[l]`` (n_l) of an MLP ``R^d -> R``."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str = "leaky_relu"
    slope: float = 0.2
    shortcuts: bool = False

    @property
    def depth(self) -> int:
        return len(self.weights)

    @property
    def n_params(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    def skip(self, layer: int) -> bool:
        """Whether layer ``layer`` (0-based) adds its input to its activation (hidden->hidden)."""
        w = self.weights[layer]
        return self.shortcuts and 0 < layer < self.depth - 1 and w.shape[0] == w.shape[1]

    def flat(self) -> np.ndarray:
        """All parameters as one vector, layer by layer (W then b)."""
        return np.concatenate([p.ravel() for w, b in zip(self.weights, self.biases, strict=True)
                               for p in (w, b)])

    def with_flat(self, theta: np.ndarray) -> FCNet:
        """A copy of this network with parameters ``theta`` (the layout of :meth:`flat`)."""
        ws, bs, at = [], [], 0
        for w, b in zip(self.weights, self.biases, strict=True):
            ws.append(theta[at:at + w.size].reshape(w.shape))
            at += w.size
            bs.append(theta[at:at + b.size].copy())
            at += b.size
        return FCNet([w.copy() for w in ws], bs, self.activation, self.slope, self.shortcuts)

    def copy(self) -> FCNet:
        return self.with_flat(self.flat())


def init_fc_net(d: int, width: int, depth: int, rng: np.random.Generator, *,
                activation: str = "leaky_relu", slope: float = 0.2,
                shortcuts: bool = False) -> FCNet:
    """Xavier-normal FC-NN-L{depth}-W{width} on inputs of dimension ``d``, zero biases."""
    d = validate.integer("d", d, 1)
    width = validate.integer("width", width, 1)
    depth = validate.integer("depth", depth, 1)
    validate.choice("activation", activation, ACTIVATIONS)
    slope = validate.real("slope", slope, 0.0, 1.0)
    sizes = [d] + [width] * (depth - 1) + [1]
    weights = [rng.standard_normal((a, b)) * np.sqrt(2.0 / (a + b))
               for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    biases = [np.zeros(b) for b in sizes[1:]]
    return FCNet(weights, biases, activation, slope, bool(shortcuts))


def act(name: str, z: np.ndarray, slope: float, second: bool = False
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """sigma(z), sigma'(z) and, with ``second``, sigma''(z) (Leaky-ReLU: 0 a.e.)."""
    if name == "leaky_relu":
        d1 = np.where(z > 0, 1.0, slope)
        return z * d1, d1, np.zeros_like(z) if second else None
    if name == "tanh":
        s = np.tanh(z)
        d1 = 1.0 - s * s
        return s, d1, -2.0 * s * d1 if second else None
    sig = 0.5 * (1.0 + np.tanh(0.5 * z))  # swish z * sigmoid(z), overflow-free
    d1 = sig * (1.0 + z * (1.0 - sig))
    d2 = sig * (1.0 - sig) * (2.0 + z * (1.0 - 2.0 * sig)) if second else None
    return z * sig, d1, d2


@dataclass
class Forward:
    """Cached forward pass: layer inputs ``h[l]`` (N x n_{l-1}), pre-activations ``z[l]``,
    and sigma', sigma'' at the hidden pre-activations."""

    h: list[np.ndarray]
    z: list[np.ndarray]
    d1: list[np.ndarray] = field(default_factory=list)
    d2: list[np.ndarray] = field(default_factory=list)

    @property
    def out(self) -> np.ndarray:
        return self.z[-1][:, 0]


def forward(net: FCNet, X: np.ndarray, second: bool = False) -> Forward:
    """Forward pass on rows of ``X`` (N x d); the last layer is linear. ``second`` also
    keeps sigma'' (for Hessian-vector products)."""
    h = np.asarray(X, dtype=float)
    fw = Forward([], [])
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        fw.h.append(h)
        z = h @ w + b
        fw.z.append(z)
        if layer < net.depth - 1:
            a, d1, d2 = act(net.activation, z, net.slope, second)
            fw.d1.append(d1)
            if d2 is not None:
                fw.d2.append(d2)
            h = a + h if net.skip(layer) else a
    return fw


def predict(net: FCNet, X: np.ndarray) -> np.ndarray:
    """Outputs f(X^i), shape (N,)."""
    return forward(net, X).out


def backward(net: FCNet, fw: Forward, seed: np.ndarray) -> list[np.ndarray]:
    """Back-propagated errors ``Gamma[l] = d(sum_i seed_i f_i)/dz_l`` row by row (N x n_l).

    With ``seed = 1`` row i of ``Gamma[l]`` is the per-sample derivative d f(X^i)/d z_l
    (rows never mix, so one pass gives all N per-sample errors)."""
    delta = np.asarray(seed, dtype=float).reshape(-1, 1)
    gammas = [delta]
    g_out = None  # gradient w.r.t. the output h_{l+2} of layer l+1 (for its shortcut)
    for layer in range(net.depth - 2, -1, -1):
        gh = delta @ net.weights[layer + 1].T
        if net.skip(layer + 1):
            gh = gh + g_out
        delta = gh * fw.d1[layer]
        g_out = gh
        gammas.insert(0, delta)
    return gammas


def param_grads(fw: Forward, gammas: list[np.ndarray]) -> list[np.ndarray]:
    """Parameter gradients [dW_0, db_0, dW_1, ...] from a pass: dW_l = h_l^T Gamma_l."""
    out = []
    for h, g in zip(fw.h, gammas, strict=True):
        out += [h.T @ g, g.sum(axis=0)]
    return out


def flatten(parts: list[np.ndarray]) -> np.ndarray:
    """Concatenate per-layer arrays in the layout of :meth:`FCNet.flat`."""
    return np.concatenate([p.ravel() for p in parts])


def loss_hvp(net: FCNet, X: np.ndarray, y: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Exact Hessian-vector product of L = (1/N) sum 1/2 (f_i - y_i)^2 (NSA eq. A5-A6).

    Pearlmutter's R-operator: a forward and a backward pass differentiated along ``v``
    (a flat parameter direction). Includes the residual-weighted term sum_i r_i H_f(X^i) v."""
    dirn = net.with_flat(np.asarray(v, dtype=float))
    fw = forward(net, X, second=True)
    n = fw.h[0].shape[0]
    rz, rh = [], np.zeros_like(fw.h[0])
    rhs = []
    for layer in range(net.depth):
        rhs.append(rh)
        r = rh @ net.weights[layer] + fw.h[layer] @ dirn.weights[layer] + dirn.biases[layer]
        rz.append(r)
        if layer < net.depth - 1:
            rh = fw.d1[layer] * r + (rh if net.skip(layer) else 0.0)
    delta = ((fw.out - y) / n).reshape(-1, 1)
    rdelta = rz[-1] / n
    out = [rhs[-1].T @ delta + fw.h[-1].T @ rdelta, rdelta.sum(axis=0)]
    g_out = rg_out = None
    for layer in range(net.depth - 2, -1, -1):
        w, vw = net.weights[layer + 1], dirn.weights[layer + 1]
        gh = delta @ w.T
        rgh = rdelta @ w.T + delta @ vw.T
        if net.skip(layer + 1):
            gh, rgh = gh + g_out, rgh + rg_out
        delta, rdelta = gh * fw.d1[layer], rgh * fw.d1[layer] + gh * fw.d2[layer] * rz[layer]
        g_out, rg_out = gh, rgh
        out = [rhs[layer].T @ delta + fw.h[layer].T @ rdelta, rdelta.sum(axis=0)] + out
    return flatten(out)
