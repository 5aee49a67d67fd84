"""Spectra and metrics of a two-layer network state, for checkpoint hooks and summaries.

Matrices, Sec. 3 and 5; spec WANG-DEF-MP, -CK, -NTK):
(1/h) W^T W (d x d, MP law with ratio d/h at initialization), K^CK (eq. 4) and the NTK
(eq. 5: K_1 alone when only the first layer is trained, K_1 + K^CK otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..laws.activations import Activation
from ..laws.two_layer_kernels import ck_kernel, tangent_kernel
from . import metrics
from .two_layer import Snapshot


@dataclass
class State:
    """Weights, Gram matrices and eigen-decompositions of one network state."""

    W: np.ndarray
    v: np.ndarray
    gram: np.ndarray  # (1/h) W^T W
    ck: np.ndarray
    ntk: np.ndarray
    eig_w: np.ndarray
    eig_ck: np.ndarray
    eig_ntk: np.ndarray
    vec_w: np.ndarray  # leading eigenvector of (1/h) W^T W
    vec_ck: np.ndarray  # leading eigenvector of K^CK
    vec_ntk: np.ndarray


def _eig(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(M)
    return vals, vecs[:, -1]


def state(W: np.ndarray, v: np.ndarray, X: np.ndarray, act: Activation,
          layers: str = "first") -> State:
    """Gram matrix, CK and NTK of (W, v) on X with ascending spectra and top eigenvectors."""
    h = W.shape[0]
    gram = W.T @ W / h
    ck = ck_kernel(W, X, act)
    ntk = tangent_kernel(W, v, X, act, layers)
    (ew, uw), (ec, uc), (en, un) = _eig(gram), _eig(ck), _eig(ntk)
    return State(W, v, gram, ck, ntk, ew, ec, en, uw, uc, un)


def compare(s0: State, s1: State, y: np.ndarray, beta: np.ndarray | None = None,
            w_edge: float | None = None) -> dict[str, float]:
    """Invariance and alignment statistics between an initial and a trained state."""
    d = s0.W.shape[1]
    out = {
        "ks_w": metrics.ks_two_sample(s0.eig_w, s1.eig_w),
        "ks_ck": metrics.ks_two_sample(s0.eig_ck, s1.eig_ck),
        "ks_ntk": metrics.ks_two_sample(s0.eig_ntk, s1.eig_ntk),
        "ks_ntk_trace": metrics.ks_two_sample(s0.eig_ntk / s0.eig_ntk.mean(),
                                              s1.eig_ntk / s1.eig_ntk.mean()),
        "dw_fro": float(np.linalg.norm(s1.W - s0.W)) / np.sqrt(d),
        "dw_op": float(np.linalg.norm(s1.W - s0.W, 2)) / np.sqrt(d),
        "dw_2inf": metrics.norm_2inf(s1.W - s0.W) / np.sqrt(d),
        "dck_fro": float(np.linalg.norm(s1.ck - s0.ck)),
        "dntk_fro": float(np.linalg.norm(s1.ntk - s0.ntk)),
        "dv_rel": float(np.linalg.norm(s1.v - s0.v) / np.linalg.norm(s0.v)),
        "lam_max_w": float(s1.eig_w[-1]),
        "lam_max_ck": float(s1.eig_ck[-1]),
        "lam_max_ntk": float(s1.eig_ntk[-1]),
        "lam_min_ntk": float(s1.eig_ntk[0]),
        "align_ck": float(abs(y @ s1.vec_ck) / np.linalg.norm(y)),
        "align_ntk": float(abs(y @ s1.vec_ntk) / np.linalg.norm(y)),
        "kta_ck": metrics.kta(s1.ck, y),
        "hill_w": metrics.hill_tail_index(s1.eig_w, min(20, d - 1)),
        "hill_w_init": metrics.hill_tail_index(s0.eig_w, min(20, d - 1)),
    }
    if beta is not None:
        b = np.ravel(beta)
        out["align_w"] = float(abs(b @ s1.vec_w) / np.linalg.norm(b))
    if w_edge is not None:
        out["spikes_w"] = metrics.count_spikes(s1.eig_w, w_edge)
    return out


SPECTRAL_CLASSES = ("invariant_bulk", "bulk_spike", "heavy_tail")


def spectral_class(before: np.ndarray, after: np.ndarray, edge: float, delta: float = 0.05,
                   k: int = 20, ks_invariant: float = 0.02, ks_bulk: float = 0.03
                   ) -> dict[str, Any]:
    """The regime of a trained spectrum of (1/h) W^T W against its initial one, by the
    operational rule of WANG-CLAIM-SPECTRAL-CLASS (spec Sec. 2.1; Figs. 1, 12-16), with
    s = #{eigenvalues > (1 + delta) edge} and alpha the Hill exponent of the top k
    eigenvalues of the bulk (the spectrum without its s outliers):

    - ``heavy_tail``: s >= max(4, 0.01 d) or alpha(after) < 0.7 alpha(before);
    - ``bulk_spike``: 1 <= s <= 3 and KS(bulk) < ``ks_bulk`` (0.03), the bulk being all
      but the top s eigenvalues of both spectra;
    - ``invariant_bulk``: s = 0 and KS < ``ks_invariant`` (0.02);
    - ``unclassified`` otherwise (a moved bulk without outliers or tail).

    The spike range stops at 3 (the spec's 1-3) and the tail needs 4 or more so that the
    classes are disjoint at reduced sizes where 1% of d is below 3. alpha is taken without
    the outliers because one detached spike alone lowers the top-20 Hill exponent (by 27% for
    Table 1 Case 3 at the paper's size), which is not a heavier bulk tail."""
    before, after = np.sort(np.ravel(before)), np.sort(np.ravel(after))
    d, ks_bulk_cut = after.size, ks_bulk
    spikes = metrics.count_spikes(after, edge, delta)
    bulk0, bulk1 = before[: d - spikes], after[: d - spikes]
    ks_bulk = metrics.ks_two_sample(bulk0, bulk1)
    heavy = spikes >= max(4, 0.01 * d)
    hill0 = hill1 = float("nan")
    if bulk1.size >= 3:
        kb = min(k, bulk1.size - 1)
        hill0, hill1 = metrics.hill_tail_index(bulk0, kb), metrics.hill_tail_index(bulk1, kb)
        heavy = heavy or hill1 < 0.7 * hill0
    if heavy:
        label = "heavy_tail"
    elif 1 <= spikes <= 3 and ks_bulk < ks_bulk_cut:
        label = "bulk_spike"
    elif spikes == 0 and ks_bulk < ks_invariant:
        label = "invariant_bulk"
    else:
        label = "unclassified"
    return {"spectral_class": label, "spikes_w": spikes, "ks_w_bulk": ks_bulk,
            "hill_w_bulk": hill1, "hill_w_bulk_init": hill0}


def spectra_hook(X: np.ndarray, y: np.ndarray, act: Activation, layers: str = "first",
                 beta: np.ndarray | None = None, ntk: bool = False
                 ) -> Callable[[Snapshot], dict[str, Any]]:
    """A checkpoint hook recording the top eigenvalues of (1/h) W^T W and K^CK, the CK
    alignment |y v_1|/||y|| and KTA, |beta^T u_1| when ``beta`` is given, and the top NTK
    eigenvalue when ``ntk`` (one n x n eigendecomposition each)."""

    def hook(snap: Snapshot) -> dict[str, Any]:
        h = snap.W.shape[0]
        ew, uw = _eig(snap.W.T @ snap.W / h)
        ck = ck_kernel(snap.W, X, act)
        ec, uc = _eig(ck)
        row = {"lam_max_w": float(ew[-1]), "lam_max_ck": float(ec[-1]),
               "kta_ck": metrics.kta(ck, y), "align_ck": float(abs(y @ uc) / np.linalg.norm(y))}
        if beta is not None:
            row["align_w"] = float(abs(np.ravel(beta) @ uw) / np.linalg.norm(beta))
        if ntk:
            row["lam_max_ntk"] = float(np.linalg.eigvalsh(tangent_kernel(snap.W, snap.v, X, act,
                                                                     layers))[-1])
        return row

    return hook
