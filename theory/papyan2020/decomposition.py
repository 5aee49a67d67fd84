"""Class / cross-class decompositions of second moments (Papyan 2020, Sec. 1.10, 6, 7, App. A).

 Arrays are balanced: class-structured ``v[i, c, :]`` (n x C x p)
or cross-class-structured ``v[i, c, c', :]`` (n x C x C x p), c the true class and c' the
would-be label. Weighted versions use w_{i,c,c'} = p_{i,c,c'}/(nC) (Eq. 6.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmtcheck.errors import InputError


def by_class(a: np.ndarray, n: int, C: int) -> np.ndarray:
    """Class-major rows (nC x ...) -> n x C x ... (example i of class c at [i, c])."""
    return np.asarray(a).reshape(C, n, *np.shape(a)[1:]).swapaxes(0, 1)


def _outer_sum(v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """sum_k w_k v_k v_k^T over the leading axes of v (... x p) and w (...)."""
    flat, wf = v.reshape(-1, v.shape[-1]), w.reshape(-1)
    return (flat * wf[:, None]).T @ flat


def class_decomposition(h: np.ndarray) -> dict[str, np.ndarray]:
    """Def 7.4 (PAP-DEF-7.4): H = Ave h h^T = H_class + H_within, H_class = Ave_c h_c h_c^T
    (uncentred), H_within = Ave (h - h_c)(h - h_c)^T; also the means h_c, h_G and H_c = Ave_i h h^T
    per class."""
    h = np.asarray(h, dtype=float)
    if h.ndim != 3:
        raise InputError("h", f"shape {h.shape}", "n x C x p (class-structured)")
    n, C, _ = h.shape
    means = h.mean(axis=0)
    within = h - means[None]
    return {
        "total": _outer_sum(h, np.full((n, C), 1.0 / (n * C))),
        "class": means.T @ means / C,
        "within": _outer_sum(within, np.full((n, C), 1.0 / (n * C))),
        "per_class": np.einsum("icp,icq->cpq", h, h) / n,
        "means": means,
        "global_mean": means.mean(axis=0),
    }


def manova_decomposition(v: np.ndarray) -> dict[str, np.ndarray]:
    """Unweighted Defs 1.3–1.12 (PAP-DEF-1.3 .. PAP-DEF-1.12) for v (n x C x C x p): V = V_class +
    V_cross + V_within with v_{c,c'} = Ave_i v, v_c = Ave_{c'} v_{c,c'} (c' = c included), rank
    V_cross <= C (C - 1)."""
    v = np.asarray(v, dtype=float)
    if v.ndim != 4:
        raise InputError("v", f"shape {v.shape}", "n x C x C x p (cross-class-structured)")
    n, C, C2, _ = v.shape
    cc = v.mean(axis=0)
    c = cc.mean(axis=1)
    return {
        "total": _outer_sum(v, np.full((n, C, C2), 1.0 / (n * C * C2))),
        "class": c.T @ c / C,
        "cross": _outer_sum(cc - c[:, None], np.full((C, C2), 1.0 / (C * C2))),
        "within": _outer_sum(v - cc[None], np.full((n, C, C2), 1.0 / (n * C * C2))),
    }


@dataclass(frozen=True)
class CrossClassParts:
    """Weighted decomposition of Sec 6 / App A (PAP-DEF-6.x, PAP-DEF-7.7): total = class + cross +
    within + same."""

    total: np.ndarray
    klass: np.ndarray
    cross: np.ndarray
    within: np.ndarray
    same: np.ndarray
    class_means: np.ndarray       # g_c, C x p (c' != c only)
    cross_means: np.ndarray       # g_{c,c'}, C x C x p
    w_c: np.ndarray               # class weights w_c = sum_{c' != c} w_{c,c'}
    w_cc: np.ndarray              # w_{c,c'}

    @property
    def residual(self) -> float:
        """max |total - (class + cross + within + same)| / max |total|."""
        rest = self.total - self.klass - self.cross - self.within - self.same
        return float(np.abs(rest).max() / max(np.abs(self.total).max(), 1e-300))


def weighted_means(g: np.ndarray, p: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sec 6 weights and means of g (n x C x C x k) with p (n x C x C), no k x k matrix formed:
    w_{c,c'} = sum_i p/(nC), g_{c,c'} = sum_i pi_{i,c,c'} g_{i,c,c'}, w_c = sum_{c' != c}
    w_{c,c'} and g_c = sum_{c' != c} pi_{c,c'} g_{c,c'} (class means exclude c' = c)."""
    n, C = g.shape[:2]
    w = p / (n * C)
    w_cc = w.sum(axis=0)
    cross_means = np.einsum("icd,icdk->cdk", w, g) / w_cc[:, :, None]
    off = np.where(~np.eye(C, dtype=bool), w_cc, 0.0)
    w_c = off.sum(axis=1)
    return w_cc, cross_means, w_c, np.einsum("cd,cdk->ck", off, cross_means) / w_c[:, None]


def cross_class_decomposition(g: np.ndarray, p: np.ndarray, printed: bool = False
                              ) -> CrossClassParts:
    """Eq. 6.4 / A.1 for extended vectors g (n x C x C x p) and probabilities p (n x C x C):

    G = sum w g g^T, w = p/(nC); G_class = sum_c w_c g_c g_c^T; G_cross = sum_{c' != c}
    w_{c,c'} (g_{c,c'} - g_c)(...)^T; G_within = sum w (g - g_{c,c'})(...)^T; G_{c=c'} =
    sum_c w_{c,c} g_{c,c} g_{c,c}^T. ``printed=True`` centres G_cross at g_{c'} as printed
    (ERR-6)."""
    g, p = np.asarray(g, dtype=float), np.asarray(p, dtype=float)
    if g.ndim != 4 or p.shape != g.shape[:3] or g.shape[1] != g.shape[2]:
        raise InputError("g, p", f"shapes {g.shape}, {p.shape}", "g n x C x C x k and p n x C x C")
    n, C = g.shape[:2]
    w = p / (n * C)
    w_cc, cross_means, w_c, class_means = weighted_means(g, p)
    off = ~np.eye(C, dtype=bool)
    centre = class_means[None, :, :] if printed else class_means[:, None, :]
    same = np.arange(C)
    return CrossClassParts(
        total=_outer_sum(g, w),
        klass=_outer_sum(class_means, w_c),
        cross=_outer_sum(cross_means - centre, np.where(off, w_cc, 0.0)),
        within=_outer_sum(g - cross_means[None], w),
        same=_outer_sum(cross_means[same, same], w_cc[same, same]),
        class_means=class_means, cross_means=cross_means, w_c=w_c, w_cc=w_cc,
    )


def mlr_extended_gradients(X: np.ndarray, P: np.ndarray, n: int, C: int) -> np.ndarray:
    """Def 6.1 (PAP-DEF-6.1) for softmax regression: g_{i,c,c'} = x_{i,c} (x) (p_{i,c} - e_{c'})
    (col-major vec), for class-major X (nC x D) and P (nC x C); returns n x C x C x DC."""
    X = np.asarray(X, dtype=float).reshape(C, n, -1).transpose(1, 0, 2)      # i, c, d
    P = np.asarray(P, dtype=float).reshape(C, n, C).transpose(1, 0, 2)       # i, c, k
    delta = P[:, :, None, :] - np.eye(C)[None, None, :, :]                  # i, c, c', k
    return np.einsum("icd,icek->icedk", X, delta).reshape(n, C, C, -1)


def cross_probs(P: np.ndarray, n: int, C: int) -> np.ndarray:
    """p_{i,c,c'} arranged n x C x C from class-major P (nC x C)."""
    return np.asarray(P, dtype=float).reshape(C, n, C).transpose(1, 0, 2)


def per_class_weighted(v: np.ndarray, p: np.ndarray) -> np.ndarray:
    """V_c = Ave_i sum_{c'} p_{i,c,c'} v_{i,c,c'} v_{i,c,c'}^T for v (n x C x C x k) and p
    (n x C x C): C x k x k, with Ave_c V_c = sum w v v^T (Sec 7.7, ERR-11 normalisation)."""
    return np.einsum("icd,icdj,icdk->cjk", p, v, v) / np.shape(v)[0]


def kfac(H: np.ndarray, Delta: np.ndarray) -> np.ndarray:
    """Def 7.10 (PAP-DEF-7.10, ERR-12): G^l_KFAC = H^{l-1} (x) Delta^l (layer input features,
    errors)."""
    return np.kron(H, Delta)


def cfac(H_c: np.ndarray, Delta_c: np.ndarray) -> np.ndarray:
    """Def 7.11: G^l_CFAC = Ave_c H^{l-1}_c (x) Delta^l_c for C x n x n stacks of per-class
    moments (Delta_c = Ave_i sum_{c'} p_{i,c,c'} delta delta^T, so that Ave_c Delta_c = Delta)."""
    return sum(np.kron(h, d) for h, d in zip(H_c, Delta_c, strict=True)) / len(H_c)
