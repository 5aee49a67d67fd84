"""Class / cross-class decompositions, the NumPy MLP (Khatri–Rao structure, G, Hess = G + E),
KFAC / CFAC and knockouts (Papyan 2020, Sec. 3, 5, 6, 7)."""

from __future__ import annotations

import numpy as np
import pytest
import rmtcheck.theory.papyan2020.decomposition as dec
import rmtcheck.theory.papyan2020.fim as fim
import rmtcheck.theory.papyan2020.knockout as ko
import rmtcheck.theory.papyan2020.mlp as mlp
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles import ccm
from rmtcheck.errors import InputError
from rmtcheck.spectra.interlacing import cauchy_interlacing_margin, rank_r_psd_interlacing_margin

FAST = settings(max_examples=30, deadline=None)


def _mlr_parts(seed: int, D: int, C: int, n: int, t: float = 1.0, printed: bool = False):
    rng = np.random.default_rng(seed)
    X, _ = ccm.ccm_sample(rng, D, C, n, t)
    P = ccm.softmax_probs(rng.standard_normal((C, D)), X)
    g = dec.mlr_extended_gradients(X, P, n, C)
    return X, P, dec.cross_class_decomposition(g, dec.cross_probs(P, n, C), printed)


@FAST
@given(st.integers(2, 5), st.integers(0, 4), st.integers(1, 8), st.floats(0.0, 3.0))
def test_corrected_decomposition_exact_printed_not(C, extra, n, t):
    X, P, parts = _mlr_parts(C * 100 + n, C + extra, C, n, t)
    assert np.allclose(parts.total, fim.fim_dense(X, P), atol=1e-14)      # Eq. 6.2
    assert parts.residual < 1e-12                                          # Eq. 6.4 corrected
    assert _mlr_parts(C * 100 + n, C + extra, C, n, t, printed=True)[2].residual > 1e-6  # ERR-6
    for M in (parts.klass, parts.cross, parts.within, parts.same):
        assert np.linalg.eigvalsh(M)[0] > -1e-14 * np.abs(parts.total).max()


def test_weights_and_same_class_parallel():
    """sum w = 1; sum_{c'} w_{c,c'} g_{c,c'} = 0, so g_{c,c} is parallel to g_c (rank C(C-1))."""
    _, _, parts = _mlr_parts(1, 6, 4, 7)
    assert np.isclose(parts.w_cc.sum(), 1.0)
    zero = np.einsum("cd,cdk->ck", parts.w_cc, parts.cross_means)
    assert np.abs(zero).max() < 1e-14
    same = parts.cross_means[np.arange(4), np.arange(4)]
    cos = np.abs(np.sum(same * parts.class_means, 1)) / (
        np.linalg.norm(same, axis=1) * np.linalg.norm(parts.class_means, axis=1))
    assert np.allclose(cos, 1.0)


def test_manova_and_class_decompositions():
    rng = np.random.default_rng(2)
    v = rng.standard_normal((5, 3, 3, 12)) + rng.standard_normal((1, 3, 3, 12))
    parts = dec.manova_decomposition(v)
    assert np.allclose(parts["class"] + parts["cross"] + parts["within"], parts["total"])
    assert np.linalg.matrix_rank(parts["cross"], tol=1e-10) == 3 * 2
    h = rng.standard_normal((6, 4, 9)) + 2 * rng.standard_normal((1, 4, 9))
    H = dec.class_decomposition(h)
    assert np.allclose(H["class"] + H["within"], H["total"])
    assert np.allclose(H["per_class"].mean(axis=0), H["total"])
    centred = H["class"] - np.outer(H["global_mean"], H["global_mean"])   # DERIVED: rank <= C - 1
    assert np.linalg.matrix_rank(centred, tol=1e-10) == 3
    with pytest.raises(InputError):
        dec.class_decomposition(h[0])
    with pytest.raises(InputError):
        dec.cross_class_decomposition(v, np.ones((5, 3, 2)))


def _mlp(seed: int = 0, D: int = 5, C: int = 3, n: int = 4, widths=(7, 6)):
    rng = np.random.default_rng(seed)
    X, y = ccm.ccm_sample(rng, D, C, n, 2.0)
    weights = mlp.init_mlp(rng, [D, *widths, C])
    return X, y, weights, mlp.forward_backward(weights, X)


def test_mlp_gradient_and_jacobian_against_finite_differences():
    X, y, weights, ps = _mlp()
    theta = mlp.flatten(weights)
    _, grad = mlp.loss_grad(weights, X, y)
    step, fd_grad, fd_jac = 1e-6, [], []
    for e in np.eye(theta.size) * step:
        up, dn = mlp.unflatten(theta + e, weights), mlp.unflatten(theta - e, weights)
        fd_grad.append((mlp.loss_grad(up, X, y)[0] - mlp.loss_grad(dn, X, y)[0]) / (2 * step))
        fd_jac.append((mlp.forward_backward(up, X).logits - mlp.forward_backward(dn, X).logits)
                      / (2 * step))
    assert np.abs(grad - fd_grad).max() < 1e-8
    assert np.abs(mlp.jacobians(ps) - np.stack(fd_jac, axis=1)).max() < 1e-8


def test_mlp_g_is_weighted_extended_gradient_moment_and_hess_blocks():
    """Eq. 6.2 / 7.5 on an MLP: G = sum w (h (.) delta)(h (.) delta)^T; Hess^{l,l} = G^{l,l}."""
    X, y, weights, ps = _mlp(1, n=3)
    G = mlp.gauss_newton(ps)
    deltas = mlp.extended_errors(ps)
    g = np.concatenate([np.einsum("ij,ick->icjk", h, d).reshape(len(y), 3, -1)
                        for h, d in zip(ps.h, deltas, strict=True)], axis=2)
    w = ps.probs / len(y)
    assert np.allclose(np.einsum("ic,icp,icq->pq", w, g, g), G, atol=1e-14)
    H = mlp.hessian_fd(weights, X, y)
    edges = np.cumsum([0] + [W.size for W in weights])
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        assert np.abs(H[a:b, a:b] - G[a:b, a:b]).max() < 1e-7
    E = H - G
    assert abs(np.trace(E)) < 1e-7
    assert np.abs(E).max() > 1e-3          # negative control: E itself is not zero off the blocks


def test_cfac_exact_for_label_only_probabilities_kfac_not():
    rng = np.random.default_rng(4)
    D, C, n, alpha = 6, 3, 30, 0.3
    X, y = ccm.ccm_sample(rng, D, C, n, 2.0)
    G = fim.fim_dense(X, ccm.symmetric_probs(C, alpha)[y])
    U = fim.class_hessians(C, alpha)
    H_c = [X[y == c].T @ X[y == c] / n for c in range(C)]
    cfac, kfac = dec.cfac(H_c, U), dec.kfac(sum(H_c) / C, U.mean(axis=0))
    assert np.allclose(cfac, G, atol=1e-14)
    assert np.abs(kfac - G).max() > 1e-3


def test_train_sgd_reduces_loss():
    rng = np.random.default_rng(6)
    X, y = ccm.ccm_sample(rng, 10, 3, 40, 2.0)
    w0 = mlp.init_mlp(rng, [10, 16, 3])
    w1 = mlp.train_sgd(rng, w0, X, y, epochs=30, lr=0.05, batch=32)
    assert mlp.loss_grad(w1, X, y)[0] < 0.5 * mlp.loss_grad(w0, X, y)[0]


@FAST
@given(st.integers(4, 12), st.integers(1, 3), st.integers(0, 10_000))
def test_knockout_interlacing(p, r, seed):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((p, p + 2))
    A = Z @ Z.T / p
    F = rng.standard_normal((p, r))
    B = F @ F.T
    Q = ko.range_basis(F)
    assert Q.shape[1] == r and np.allclose(Q, ko.range_basis(B) @ (ko.range_basis(B).T @ Q))
    lam = np.linalg.eigvalsh(A)
    Qp = ko.complement_basis(Q)
    mu = np.linalg.eigvalsh(Qp.T @ A @ Qp)
    assert cauchy_interlacing_margin(lam, mu) > -1e-12
    pap = np.linalg.eigvalsh(ko.project_knockout(A, Q))
    assert np.allclose(pap, np.sort(np.concatenate([mu, np.zeros(r)])), atol=1e-12)
    sub = np.linalg.eigvalsh(ko.subtract_knockout(A + B, B))
    assert rank_r_psd_interlacing_margin(sub, np.linalg.eigvalsh(A + B), r) > -1e-10


def test_subtraction_interlacing_negative_control():
    """Subtracting an indefinite B breaks the PSD rank-r interlacing (the check can fail)."""
    rng = np.random.default_rng(0)
    A = np.diag(np.arange(1.0, 9.0))
    f = rng.standard_normal(8)
    B = -5 * np.outer(f, f)                      # negative semidefinite
    margin = rank_r_psd_interlacing_margin(np.linalg.eigvalsh(A - B), np.linalg.eigvalsh(A), 1)
    assert margin < -1e-3


def test_nonsquare_knockout():
    rng = np.random.default_rng(1)
    M = rng.standard_normal((4, 7))
    B = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 7))
    assert np.abs(ko.project_knockout_nonsquare(B, B)).max() < 1e-12      # B knocks itself out
    s = np.linalg.svd(M, compute_uv=False)
    k = np.linalg.svd(ko.project_knockout_nonsquare(M, B), compute_uv=False)
    assert np.all(s - k > -1e-12)                # knocking out never raises a singular value
    assert np.sum(k > 1e-10) == 2                # rank drops by rank B on each side (4 - 2)
    with pytest.raises(InputError):
        ko.project_knockout_nonsquare(M, B.T)


def test_scatter_pairs_normalised():
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((20, 40))
    A = Z @ Z.T / 40 + 10 * np.outer(np.ones(20), np.ones(20)) / 20
    a, b = ko.scatter_pairs(A, ko.project_knockout(A, ko.range_basis(np.ones((20, 1)))), 10)
    assert a.min() == 0 and a.max() == 1 and b.min() == 0 and b.max() == 1
    assert a[0] == 1 and b[0] == 1


def test_count_outliers():
    rng = np.random.default_rng(3)
    bulk = rng.uniform(1.0, 2.0, 200)
    assert ko.count_outliers(np.concatenate([bulk, [20.0, 30.0, 40.0]]), 6) == 3
    assert ko.count_outliers(np.concatenate([bulk, [2.5]]), 6) < 3      # no isolated spikes
    assert ko.count_outliers(np.array([1.0]), 4) == 1
