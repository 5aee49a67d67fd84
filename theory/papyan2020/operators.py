"""Matrix-free G, E and Hess = G + E of a trained bias-free ReLU MLP, and the low-rank factors of
the class / cross-class decomposition of G (Papyan 2020, Secs. 5-6, Eqs. 5.1-5.2, 6.4).

Products use the R-operator (Pearlmutter 1994) with the ReLU pattern of the network fixed (the
a.e. Hessian). For a direction V = (V^1..V^L) (column-major vecs, as :mod:`.mlp`):

    forward   R z^l = V^l h^{l-1} + W^l R h^{l-1},  R h^l = m^l * R z^l,  R f = R z^L
    G v       d^L = U_i R f_i / N,  d^l = m^l * (W^{l+1 T} d^{l+1}),
              (G v)^l = sum_i d^l h^{l-1 T}
    E v       e^L = 0,  e^l = m^l * (W^{l+1 T} e^{l+1} + V^{l+1 T} delta^{l+1}),
              (E v)^l = sum_i e^l h^{l-1 T} + delta^l R h^{l-1 T}

with U_i = diag p_i - p_i p_i^T and delta^l the backpropagated errors of p_i - e_{y_i} (over N).
One product costs about three passes over the data; nothing of size p x p is formed.

The decomposition pieces of Eq. 6.4 that have low rank are kept as factors F (k x p), the
matrix being F^T F: G_class (rows sqrt(w_c) g_c), G_cross (rows sqrt(w_{c,c'}) (g_{c,c'} - g_c),
c' != c) and G_{c=c'} (rows sqrt(w_{c,c}) g_{c,c}); G_within = G - all three stays matrix-free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import LinearOperator

from . import decomposition as dec
from . import mlp


@dataclass(frozen=True)
class MLPCurvature:
    """The forward pass of ``weights`` on class-major data X (n per class, C classes) with
    labels y, and the true-label backpropagated errors delta^l (N x n_l, divided by N)."""

    weights: mlp.Weights
    ps: mlp.Pass
    y: np.ndarray
    deltas: list[np.ndarray]

    @property
    def size(self) -> int:
        return int(sum(W.size for W in self.weights))

    def _r_forward(self, V: mlp.Weights) -> tuple[list[np.ndarray], np.ndarray]:
        """R h^0..R h^{L-1} (R h^0 = 0) and R f."""
        rh = [np.zeros_like(self.ps.h[0])]
        for l, (W, Vl) in enumerate(zip(self.weights, V, strict=True)):
            rz = self.ps.h[l] @ Vl.T + rh[-1] @ W.T
            if l == len(self.weights) - 1:
                return rh, rz
            rh.append(np.where(self.ps.masks[l], rz, 0.0))
        raise AssertionError("unreachable")

    def _backprop(self, top: np.ndarray, extra: list[np.ndarray] | None) -> list[np.ndarray]:
        """d^L = top, d^l = m^l * (d^{l+1} W^{l+1} + extra^{l+1}); returns d^1..d^L."""
        d = [top]
        for k in range(len(self.weights) - 1, 0, -1):
            back = d[0] @ self.weights[k]
            if extra is not None:
                back = back + extra[k]
            d.insert(0, np.where(self.ps.masks[k - 1], back, 0.0))
        return d

    def products(self, v: np.ndarray, gauss_newton: bool = True, residual: bool = True
                 ) -> np.ndarray:
        """G v, E v or (both) Hess v for a flat direction v (column-major vecs)."""
        V = mlp.unflatten(np.ravel(v), self.weights)
        rh, rf = self._r_forward(V)
        out = [np.zeros_like(W) for W in self.weights]
        if gauss_newton:
            p = self.ps.probs
            top = (p * rf - p * np.sum(p * rf, axis=1, keepdims=True)) / p.shape[0]
            for l, d in enumerate(self._backprop(top, None)):
                out[l] += d.T @ self.ps.h[l]
        if residual:
            extra = [None] + [self.deltas[k] @ V[k] for k in range(1, len(V))]
            e = self._backprop(np.zeros_like(rf), extra)
            for l, el in enumerate(e):
                out[l] += el.T @ self.ps.h[l] + self.deltas[l].T @ rh[l]
        return mlp.flatten(out)

    def operator(self, which: str = "G", minus: np.ndarray | None = None) -> LinearOperator:
        """``which`` = "G", "E" or "Hess" as a LinearOperator; ``minus`` = factors F (k x p):
        the operator of M - F^T F (a subtraction knockout, Def 3.1)."""
        flags = {"G": (True, False), "E": (False, True), "Hess": (True, True)}[which]

        def matvec(v: np.ndarray) -> np.ndarray:
            out = self.products(v, *flags)
            if minus is not None:
                out = out - minus.T @ (minus @ np.ravel(v))
            return out

        def matmat(X: np.ndarray) -> np.ndarray:
            return np.column_stack([matvec(X[:, j]) for j in range(X.shape[1])])

        n = self.size
        return LinearOperator((n, n), matvec=matvec, rmatvec=matvec, matmat=matmat, dtype=float)


def curvature(weights: mlp.Weights, X: np.ndarray, y: np.ndarray) -> MLPCurvature:
    """:class:`MLPCurvature` of ``weights`` on (X, y)."""
    ps = mlp.forward_backward(weights, X)
    r = ps.probs.copy()
    r[np.arange(y.size), y] -= 1.0
    deltas = [np.einsum("ink,ik->in", B, r) / y.size for B in ps.B]
    return MLPCurvature(weights, ps, np.asarray(y), deltas)


@dataclass(frozen=True)
class MeanFactors:
    """Factors of the low-rank parts of Eq. 6.4 (each matrix is F^T F) and the means behind
    them: g_c (C x p), g_{c,c'} (C x C x p), w_c, w_{c,c'}."""

    klass: np.ndarray
    cross: np.ndarray
    same: np.ndarray
    class_means: np.ndarray
    cross_means: np.ndarray
    w_c: np.ndarray
    w_cc: np.ndarray

    @property
    def all(self) -> np.ndarray:
        """Stacked factors of G_class + G_cross + G_{c=c'} = G - G_within."""
        return np.vstack([self.klass, self.cross, self.same])


def mean_factors(cv: MLPCurvature, n: int, C: int) -> MeanFactors:
    """Sec. 6 weighted means of the extended gradients g_{i,c,c'} = h_i (.) delta_{i,c'}
    (Eq. 7.5) without forming them: g^l_{c,c'} = sum_i pi_{i,c,c'} delta^l_{i,c'} h^{l-1 T}_i,
    pi = p_{i,c,c'} / sum_i p_{i,c,c'}; w_{c,c'} = sum_i p_{i,c,c'} / (n C); class means over
    c' != c (Def 6.x, corrected centering ERR-6)."""
    p = dec.by_class(cv.ps.probs, n, C)                                       # i, c, c'
    w_cc = p.sum(axis=0) / (n * C)
    pi = p / p.sum(axis=0, keepdims=True)
    blocks = []
    for h, d in zip(cv.ps.h, mlp.extended_errors(cv.ps), strict=True):
        m = np.einsum("icd,icdm,icj->cdjm", pi, dec.by_class(d, n, C), dec.by_class(h, n, C),
                      optimize=True)
        blocks.append(m.reshape(C, C, -1))                        # col-major vec of d h^T
    g_cc = np.concatenate(blocks, axis=2)
    off = ~np.eye(C, dtype=bool)
    w_off = np.where(off, w_cc, 0.0)
    w_c = w_off.sum(axis=1)
    g_c = np.einsum("cd,cdk->ck", w_off, g_cc) / w_c[:, None]
    diag = np.arange(C)
    return MeanFactors(
        klass=np.sqrt(w_c)[:, None] * g_c,
        cross=(np.sqrt(w_cc)[:, :, None] * (g_cc - g_c[:, None, :]))[off],
        same=np.sqrt(w_cc[diag, diag])[:, None] * g_cc[diag, diag],
        class_means=g_c, cross_means=g_cc, w_c=w_c, w_cc=w_cc)


def factor_eigenvalues(F: np.ndarray) -> np.ndarray:
    """Nonzero-part eigenvalues of F^T F (= those of F F^T), largest first."""
    return np.sort(np.linalg.eigvalsh(F @ F.T))[::-1]
