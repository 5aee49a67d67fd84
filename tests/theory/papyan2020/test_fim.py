"""FIM of softmax regression on CCM (Papyan 2020, Sec. 8): dense vs operator vs closed form,
Theorem 8.1, Lemmas B.1/B.2, the Monte-Carlo error law, and negative controls."""

from __future__ import annotations

import numpy as np
import pytest
import rmtcheck.theory.papyan2020.fim as fim
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles import ccm
from rmtcheck.errors import InputError

FAST = settings(max_examples=40, deadline=None)


@st.composite
def ccm_params(draw, alpha_max: str = "domain"):
    C = draw(st.integers(2, 6))
    D = draw(st.integers(C, 12))
    t = draw(st.floats(0.0, 5.0))
    hi = (C - 1) / C if alpha_max == "domain" else 1.0
    alpha = draw(st.floats(0.0, hi))
    return D, C, t, alpha


def _dense(op) -> np.ndarray:
    return op.matmat(np.eye(op.shape[1]))


def test_vec_convention_jacobian_is_x_kron_identity():
    """df/dtheta^T for f = W x, theta = vec_F(W), equals x (x) I_C (and not I_C (x) x)."""
    rng = np.random.default_rng(0)
    C, D = 3, 5
    W, x = rng.standard_normal((C, D)), rng.standard_normal(D)
    theta = fim.vec(W)
    J = np.array([fim.unvec(e, C) @ x for e in np.eye(theta.size)])   # row j: df / dtheta_j
    assert np.allclose(J, np.kron(x[:, None], np.eye(C)), atol=1e-14)
    assert not np.allclose(J, np.kron(np.eye(C), x[:, None]))
    assert np.allclose(fim.unvec(theta, C), W)


@FAST
@given(st.integers(2, 5), st.integers(1, 6), st.integers(1, 30), st.floats(0.1, 3.0))
def test_dense_naive_operator_agree(C, D, N, scale):
    rng = np.random.default_rng(C * 1000 + D * 10 + N)
    X = rng.standard_normal((N, D))
    P = ccm.softmax_probs(scale * rng.standard_normal((C, D)), X)
    G = fim.fim_dense(X, P)
    assert np.allclose(G, fim.fim_naive(X, P), atol=1e-14)
    assert np.allclose(_dense(fim.fim_operator(X, P)), G, atol=1e-14)
    assert np.allclose(G, G.T, atol=1e-15)
    assert np.linalg.eigvalsh(G)[0] > -1e-14


@FAST
@given(ccm_params("any"))
def test_expected_fim_three_constructions(params):
    G = fim.expected_fim(*params)
    X, y = fim.moment_matched_points(*params[:3])
    P = ccm.symmetric_probs(params[1], params[3])[y]
    assert np.allclose(fim.expected_fim_kron(*params), G, atol=1e-13)
    assert np.allclose(fim.fim_dense(X, P), G, atol=1e-12)
    assert np.allclose(_dense(fim.expected_fim_operator(*params)), G, atol=1e-13)


def test_moment_matched_points_reproduce_gaussian_moments():
    X, y = fim.moment_matched_points(5, 3, 1.7)
    for c in range(3):
        mu = 1.7 * np.eye(5)[c]
        assert np.allclose(X[y == c].mean(axis=0), mu)
        assert np.allclose(X[y == c].T @ X[y == c] / (y == c).sum(), np.outer(mu, mu) + np.eye(5))


@FAST
@given(ccm_params("domain"))
def test_thm81_index_order_inside_domain(params):
    D, C, t, _ = params
    ev = np.linalg.eigvalsh(fim.expected_fim(*params))[::-1]
    assert np.allclose(ev, fim.thm81_spectrum(*params), atol=1e-12 * (1 + t * t) * D)


@FAST
@given(ccm_params("any"))
def test_thm81_multiset_everywhere_and_eigenvectors(params):
    D, C, t, alpha = params
    G = fim.expected_fim(*params)
    ev = np.sort(np.linalg.eigvalsh(G))
    assert np.allclose(ev, np.sort(fim.thm81_spectrum(*params)), atol=1e-12 * (1 + t * t) * D)
    values, mults = fim.thm81_levels(*params)
    vecs = fim.thm81_eigenvectors(D, C)
    basis = np.hstack(list(vecs.values()))
    assert basis.shape == (D * C, D * C)
    assert np.allclose(basis.T @ basis, np.eye(D * C), atol=1e-12)      # levels are orthogonal
    for (name, Q), v, m in zip(vecs.items(), values, mults, strict=True):
        assert Q.shape[1] == m, name
        assert np.allclose(G @ Q, v * Q, atol=1e-12 * (1 + t * t))


def test_ordering_fails_beyond_chance_level():
    """Negative control of the index order: alpha = 0.9 > (C-1)/C puts the mini-bulk on top."""
    D, C, t, alpha = 8, 4, 2.0, 0.9
    ev = np.linalg.eigvalsh(fim.expected_fim(D, C, t, alpha))[::-1]
    assert not np.allclose(ev, fim.thm81_spectrum(D, C, t, alpha), atol=1e-6)
    values, _ = fim.thm81_levels(D, C, t, alpha)
    assert values[1] > values[0]


@pytest.mark.parametrize("perturb", ["value", "multiplicity", "gamma"])
def test_perturbed_thm81_is_rejected(perturb):
    """Negative controls: a slightly wrong level, the C(C-1) mini-bulk of Sec 1.6, a wrong gamma."""
    D, C, t, alpha = 10, 4, 1.5, 0.35
    ev = np.sort(np.linalg.eigvalsh(fim.expected_fim(D, C, t, alpha)))
    values, mults = fim.thm81_levels(D, C, t, alpha)
    if perturb == "value":
        values = values * np.array([1, 1 + 1e-8, 1, 1])
    elif perturb == "multiplicity":
        mults = mults + np.array([0, C, -C, 0])
    else:
        kappa, s = alpha / (C - 1), t * t
        gamma = 2 - alpha * C / C
        values = np.array([kappa * (s * (1 - alpha) + gamma), kappa * (s / C + gamma),
                           kappa * gamma, 0])
    wrong = np.sort(np.repeat(values, mults))
    assert np.abs(ev - wrong).max() > 1e-12 * (1 + t * t) * D


@FAST
@given(ccm_params("domain"))
def test_thm81_identities(params):
    D, C, t, alpha = params
    ident = fim.thm81_identities(*params)
    values, _ = fim.thm81_levels(*params)
    p = ccm.symmetric_probs(C, alpha)[0]
    U = fim.class_hessians(C, alpha)
    assert np.isclose(np.trace(U[0]), ident["trace_U"], atol=1e-14)
    assert np.isclose(values[2], (1 - p @ p) / (C - 1), atol=1e-14)     # bulk = (1-|p|^2)/(C-1)
    assert np.isclose(values[0] - values[1], ident["gap_out_mini"], atol=1e-12)
    assert np.isclose(values[1] - values[2], ident["gap_mini_bulk"], atol=1e-12)
    if alpha > 1e-3:
        assert np.isclose(values[0] / values[2], ident["ratio_out_bulk"], rtol=1e-10)
        assert np.isclose(values[1] / values[2], ident["ratio_mini_bulk"], rtol=1e-10)


def test_out_mini_ratio_limit_and_monotone_in_snr():
    D, C, alpha = 8, 4, 0.2
    ratios = [fim.thm81_identities(D, C, t, alpha)["ratio_out_bulk"] for t in (0, 1, 2, 4, 8)]
    assert np.all(np.diff(ratios) > 0)
    values, _ = fim.thm81_levels(D, C, 1e4, alpha)
    assert np.isclose(values[0] / values[1], C * (1 - alpha), rtol=1e-6)


@FAST
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.integers(2, 12))
def test_lemma_b1_b2(a, b, d, e, C):
    vals, mult = fim.lemma_b1_eigenvalues(a, b, C)
    ev = np.linalg.eigvalsh(fim.lemma_b1_matrix(a, b, C))
    tol = 1e-11 * C * (1 + abs(a) + C * abs(b))          # eigvalsh: ~ C eps ||A||
    assert np.allclose(np.sort(np.repeat(vals, mult)), ev, atol=tol)
    vals, mult = fim.lemma_b2_eigenvalues(a, b, d, e, C)
    tol = 1e-11 * C * (1 + abs(a) + abs(d) + C * (abs(b) + abs(e)))
    assert np.allclose(np.sort(np.repeat(vals, mult)),
                       np.linalg.eigvalsh(fim.lemma_b2_matrix(a, b, d, e, C)), atol=tol)


def test_lemma_b2_printed_variant_rejected():
    """ERR-4: the printed top eigenvalue of the lower block, d + e (C - 1), gives a wrong T."""
    a, b, d, e, C = 0.9, -0.2, 0.5, 0.1, 5
    T = a + d + e * (C - 1)
    det = a * (d + e * (C - 1)) - b * b * (C - 1)
    printed = np.array([(T + np.sqrt(T * T - 4 * det)) / 2, (T - np.sqrt(T * T - 4 * det)) / 2])
    ev = np.linalg.eigvalsh(fim.lemma_b2_matrix(a, b, d, e, C))
    assert np.abs(np.sort(printed) - ev[[0, -1]]).max() > 1e-3


def test_mc_fim_mse_law_and_negative_control():
    """PAP-DER-2 by Monte Carlo: the mean of 600 squared errors lies within 4 standard errors of
    the closed form (CLT); the formula without the 2 s term is rejected at the same level."""
    rng = np.random.default_rng(7)
    D, C, t, alpha, n = 6, 3, 2.0, 0.3, 40
    G = fim.expected_fim(D, C, t, alpha)
    sq = np.array([np.sum((fim.mc_fim(rng, D, C, t, alpha, n) - G) ** 2) for _ in range(600)])
    mean, se = sq.mean(), sq.std(ddof=1) / np.sqrt(sq.size)
    assert abs(mean - fim.mc_fim_mse(D, C, t, alpha, n)) < 4 * se
    U1 = fim.class_hessians(C, alpha)[0]
    wrong = (D + 1) * D * np.sum(U1 * U1) / (n * C)
    assert abs(mean - wrong) > 4 * se


def test_fit_mlr_and_bayes_error():
    """The L-BFGS fit is stationary, close to the (centred) population MLE t [I | 0], and its
    test error matches the Bayes error within 4 binomial standard errors."""
    rng = np.random.default_rng(3)
    D, C, t, n = 6, 3, 2.0, 4000
    X, y = ccm.ccm_sample(rng, D, C, n, t)
    fit = ccm.fit_mlr(X, y, C)
    assert fit.grad_norm < 1e-6
    Wstar = ccm.bayes_weights(D, C, t)
    assert np.linalg.norm(fit.W - (Wstar - Wstar.mean(axis=0))) / t < 0.1
    Xt, yt = ccm.ccm_sample(rng, D, C, n, t)
    err = np.mean(np.argmax(Xt @ Wstar.T, axis=1) != yt)
    pe = ccm.bayes_error(C, t)
    assert abs(err - pe) < 4 * np.sqrt(pe * (1 - pe) / yt.size)
    assert abs(err - ccm.bayes_error(C, 1.5 * t)) > 4 * np.sqrt(pe * (1 - pe) / yt.size)


def test_fit_mlr_ridge_is_stationary_and_shrinks():
    """With l2 > 0 the optimum satisfies grad nll + l2 W = 0 and has a smaller norm than l2 = 0
    (separable data: the unpenalised norm grows with the optimiser's tolerance)."""
    rng = np.random.default_rng(8)
    X, y = ccm.ccm_sample(rng, 4, 3, 30, 3.0)
    ridge, free = ccm.fit_mlr(X, y, 3, l2=0.1), ccm.fit_mlr(X, y, 3)
    assert np.abs(ccm.nll_grad(ridge.W, X, y) + 0.1 * ridge.W).max() < 1e-6
    assert np.linalg.norm(ridge.W) < np.linalg.norm(free.W)
    assert ridge.iterations > 0 and ridge.loss > ccm.nll(ridge.W, X, y)


def test_rotation_invariance_of_spectrum():
    rng = np.random.default_rng(5)
    D, C, n, t = 6, 3, 50, 1.5
    R = ccm.random_rotation(rng, D)
    X, y = ccm.ccm_sample(np.random.default_rng(1), D, C, n, t)
    Xr, _ = ccm.ccm_sample(np.random.default_rng(1), D, C, n, t, rotation=R)
    means = ccm.class_means(D, C, t)[y]
    assert np.allclose(Xr - means @ R.T, X - means)        # same noise, rotated means
    P = ccm.symmetric_probs(C, 0.3)[y]
    Gr = fim.fim_dense(X @ R.T, P)
    assert np.allclose(np.linalg.eigvalsh(Gr), np.linalg.eigvalsh(fim.fim_dense(X, P)), atol=1e-12)


@pytest.mark.parametrize("call", [
    lambda: fim.expected_fim(3, 4, 1.0, 0.2),          # D < C
    lambda: fim.expected_fim(4, 1, 1.0, 0.2),          # C < 2
    lambda: fim.expected_fim(4, 3, -1.0, 0.2),         # t < 0
    lambda: fim.expected_fim(4, 3, 1.0, 1.5),          # alpha > 1
    lambda: fim.thm81_levels(4, 3, 1.0, float("nan")),
    lambda: ccm.symmetric_probs(3, -0.1),
    lambda: fim.fim_dense(np.ones((3, 2)), np.ones((4, 2))),
    lambda: ccm.class_means(4, 2, 1.0, rotation=np.ones((4, 4))),
    lambda: fim.mc_fim(np.random.default_rng(0), 4, 2, 1.0, 0.2, 0),
])
def test_bad_input(call):
    with pytest.raises(InputError):
        call()
