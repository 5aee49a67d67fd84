"""Matrix-free Gramian products G V = J J^T V of an FC network from its per-layer factors.

For a layer with inputs H (N x n_in) and back-propagated errors Gamma (N x n_out), row i of
the layer's Jacobian block is J_l[i] = [h_i (x) gamma_i, gamma_i] (weights, then biases), so
(NSA seed 000, App. A-B; the identity behind ``spectra.gramian.kernel``)

    J_l^T v = (H^T diag(v) Gamma, Gamma^T v)          (an n_in x n_out matrix M and a vector)
    (J_l J_l^T v)_i = h_i^T M gamma_i + gamma_i^T (Gamma^T v)

and G = sum_l J_l J_l^T = sum_l (Gamma_l Gamma_l^T) .* (H_l H_l^T + 1 1^T). Two evaluation
orders, neither storing the N x N Gramian nor the N x |theta| Jacobian:

* ``"factors"``: the Khatri-Rao route above, 4 N (n_in + 1) n_out flops per layer and vector,
  memory O(N n);
* ``"rows"``: G V by row blocks of r rows, each block G[rows, rows:] = sum_l (Gamma_l[rows]
  Gamma_l[rows:]^T) .* (H_l[rows] H_l[rows:]^T + 1) of the upper triangle rebuilt from the
  factors and applied to V from both sides: N^2 (n_in + n_out) flops per layer for the whole
  block V plus 2 N^2 b for its b columns, memory O(r N). Cheaper than ``"factors"`` once b
  exceeds ~ (n_in + n_out) N / (4 n_in n_out).

``"auto"`` picks the order of fewer flops for each block.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse.linalg import LinearOperator

from .. import validate
from ..ensembles.fc_net import FCNet
from ..errors import InputError
from .gramian import check_points, layer_factors

ROUTES = ("auto", "factors", "rows")


class FactoredGramian(LinearOperator):
    """G = sum_l (Gamma_l Gamma_l^T) .* (H_l H_l^T + bias 1 1^T) as a LinearOperator.

    ``slab_bytes`` bounds one r x N row block of the ``"rows"`` order (three are live)."""

    def __init__(self, hs: Sequence[np.ndarray], gs: Sequence[np.ndarray], *, bias: bool = True,
                 route: str = "auto", slab_bytes: int = 2**27) -> None:
        self.route = validate.choice("route", route, ROUTES)
        self.bias = bool(bias)
        if len(hs) != len(gs) or not hs:
            raise InputError("gs", f"{len(gs)} error factors for {len(hs)} input factors",
                             "one (H_l, Gamma_l) pair per layer, at least one")
        self.hs = [np.ascontiguousarray(h, dtype=float) for h in hs]
        self.gs = [np.ascontiguousarray(g, dtype=float) for g in gs]
        n = self.hs[0].shape[0]
        for layer, (h, g) in enumerate(zip(self.hs, self.gs, strict=True)):
            if h.ndim != 2 or g.ndim != 2 or h.shape[0] != n or g.shape[0] != n:
                raise InputError(f"factors[{layer}]", f"shapes {h.shape} and {g.shape}",
                                 f"2-D arrays with N = {n} rows")
        self.rows = max(1, min(n, validate.integer("slab_bytes", slab_bytes, 8) // (8 * n)))
        super().__init__(dtype=np.dtype(float), shape=(n, n))

    def flops(self, route: str, b: int) -> float:
        """Flops of one product with an N x b block by ``route`` ("factors" or "rows")."""
        n = self.shape[0]
        if route == "factors":
            return 4.0 * n * b * sum((h.shape[1] + self.bias) * g.shape[1]
                                     for h, g in zip(self.hs, self.gs, strict=True))
        return n * n * (2.0 * b + sum(h.shape[1] + g.shape[1]
                                      for h, g in zip(self.hs, self.gs, strict=True)))

    def _matvec(self, x: np.ndarray) -> np.ndarray:
        return self._matmat(np.reshape(x, (-1, 1)))[:, 0]

    def _matmat(self, X: np.ndarray) -> np.ndarray:
        V = np.asarray(X, dtype=float)
        route = self.route
        if route == "auto":
            b = V.shape[1]
            route = "rows" if self.flops("rows", b) < self.flops("factors", b) else "factors"
        return self._by_rows(V) if route == "rows" else self._by_factors(V)

    def _by_factors(self, V: np.ndarray) -> np.ndarray:
        out = np.zeros(V.shape)
        for h, g in zip(self.hs, self.gs, strict=True):
            if self.bias:
                out += g @ (g.T @ V)
            for c in range(V.shape[1]):
                M = h.T @ (V[:, c, None] * g)                    # J_l^T v, weight part
                out[:, c] += np.einsum("ij,ij->i", h @ M, g)     # rows h_i^T M gamma_i
        return out

    def _by_rows(self, V: np.ndarray) -> np.ndarray:
        """G V from the upper triangle: slab S = G[i:i+m, i:] adds S V[i:] to rows i:i+m and
        S[:, m:]^T V[i:i+m] to the rows below (symmetry halves the rebuilding)."""
        n, r = self.shape[0], self.rows
        out = np.zeros(V.shape)
        buffers = np.empty((3, r * n))
        for i in range(0, n, r):
            m, w = min(r, n - i), n - i
            s, f, e = (buf[:m * w].reshape(m, w) for buf in buffers)
            s.fill(0.0)
            for h, g in zip(self.hs, self.gs, strict=True):
                np.matmul(h[i:i + m], h[i:].T, out=f)
                if self.bias:
                    f += 1.0
                np.matmul(g[i:i + m], g[i:].T, out=e)
                f *= e
                s += f
            out[i:i + m] += s @ V[i:]
            out[i + m:] += s[:, m:].T @ V[i:i + m]
        return out

    def _adjoint(self) -> FactoredGramian:
        return self


def gramian_operator(net: FCNet, X: np.ndarray, *, route: str = "auto",
                     slab_bytes: int = 2**27) -> FactoredGramian:
    """The Gramian G(X, X) of ``net`` as a :class:`FactoredGramian` (one forward and one
    backward pass; memory O(N sum_l n_l))."""
    hs, gs = layer_factors(net, check_points(net, X, 2))
    return FactoredGramian(hs, gs, route=route, slab_bytes=slab_bytes)
