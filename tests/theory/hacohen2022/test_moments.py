"""Closed forms of rmtcheck.theory.hacohen2022.moments and rmtcheck.laws.fuss_catalan."""

import numpy as np
import pytest
import rmtcheck.theory.hacohen2022.moments as dl
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from rmtcheck.ensembles.products import def4_layers, draw_layers, end_to_end
from rmtcheck.errors import InputError
from rmtcheck.laws.fuss_catalan import FussCatalan, fuss_catalan_number
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.training.deep_linear import gd_step

net_st = st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 30), min_size=n + 1, max_size=n + 1),
    st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))


@settings(derandomize=True, max_examples=60, deadline=None)
@given(net=net_st)
def test_beta_alpha_trace_identities(net):
    widths, variances = net
    n = len(variances)
    # tr E[W^T W] = tr E[W W^T] = m_0 m_N var(W_ij) (Thm 3 extensions with Lemma 2)
    var = dl.product_entry_variance(widths, variances)
    assert widths[0] * dl.beta(widths, variances, n + 1) == pytest.approx(
        widths[0] * widths[-1] * var)
    assert widths[-1] * dl.alpha(widths, variances, 0) == pytest.approx(
        widths[0] * widths[-1] * var)
    assert dl.beta(widths, variances, 1) == 1.0 and dl.alpha(widths, variances, n) == 1.0
    for l in range(1, n + 1):  # one more layer multiplies by m_l sigma_l^2 (resp. m_{l-1})
        assert dl.beta(widths, variances, l + 1) == pytest.approx(
            dl.beta(widths, variances, l) * widths[l] * variances[l - 1])
        assert dl.alpha(widths, variances, l - 1) == pytest.approx(
            dl.alpha(widths, variances, l) * widths[l - 1] * variances[l - 1])


def test_def4_equal_widths_gives_identity_means():
    widths = [8, 64, 64, 64, 4]
    v = [1 / 64, 1 / 64, 1 / 64, 1 / 64]
    assert [dl.beta(widths, v, l) for l in range(2, 5)] == pytest.approx([1, 1, 1])
    assert [dl.alpha(widths, v, l) for l in range(1, 4)] == pytest.approx([1, 1, 1])
    assert dl.beta(widths, v, 5) == pytest.approx(4 / 64)  # E[W^T W] = K/m (eq. 13)
    assert dl.alpha(widths, v, 0) == pytest.approx(8 / 64)  # E[W W^T] = q/m


@pytest.mark.parametrize("m", [16, 64, 1024])
def test_def4_bounded_ratio_caveat(m):
    """Widths (q, m, 2m, m, K): beta_3 = 4/3 and beta_4 = 8/9 at every m (DLN-EQ-DEF4-RATES)."""
    widths = [8, m, 2 * m, m, 4]
    from rmtcheck.ensembles.products import def4_variances  # noqa: PLC0415

    v = def4_variances(widths)
    assert dl.beta(widths, v, 3) == pytest.approx(4 / 3)
    assert dl.beta(widths, v, 4) == pytest.approx(8 / 9)
    assert np.allclose(dl.def4_rates([8, m, m, m, 4]), 1.0)


def test_l2_entry_variances_against_monte_carlo():
    """var(B^2_ii) = m_1 (G-1) sigma^4 and var(B^2_ij) = m_1 sigma^4 (Thm 4, l = 2)."""
    rng = np.random.default_rng(5)
    m1, var1 = 6, 0.2
    layers = draw_layers([3, m1], [var1], rng, "uniform", trials=40000)
    b = np.swapaxes(layers[0], 1, 2) @ layers[0]
    diag, off = dl.gram_entry_variance_l2(m1, var1, 9 / 5)
    # relative standard error of a variance from 4e4 draws is about sqrt(2/4e4) = 0.007
    assert b[:, 0, 0].var() == pytest.approx(diag, rel=0.05)
    assert b[:, 0, 1].var() == pytest.approx(off, rel=0.05)
    assert b[:, 0, 0].var() != pytest.approx(dl.gram_entry_variance_l2(m1, var1, 3.0)[0], rel=0.05)


def test_leading_gram_variance_constants():
    assert dl.gram_entry_variance(2, 100) == pytest.approx((2 / 100, 1 / 100))  # Gaussian l=2
    assert dl.gram_entry_variance(4, 100) == pytest.approx((6 / 100, 3 / 100))  # spec Table 4.2
    with pytest.raises(InputError):
        dl.gram_entry_variance(1, 100)


@settings(derandomize=True, max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), q=st.integers(1, 5), k=st.integers(1, 4))
def test_single_layer_dynamics_are_exact(seed, q, k):
    """For L = 1, A = B = I: Theorem 1 is exact and the B.3 closed form holds at every s."""
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal((k, q))
    d = rng.uniform(0.2, 2.0, q)
    m_target = rng.standard_normal((k, q))
    mu = 0.4 / d.max()
    layers = [w0]
    for s in range(1, 6):
        step = dl.compact_step(layers, np.diag(d), m_target, mu)
        layers = gd_step(layers, np.diag(d), m_target, mu)
        assert np.allclose(step, layers[0])
        assert np.allclose(layers[0], dl.closed_form_columns(w0, d, m_target, mu, 1, s))


@settings(derandomize=True, max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), s=st.integers(0, 6))
def test_eq23_product_form_solves_the_recursion(seed, k, s):
    rng = np.random.default_rng(seed)
    a_seq = [(lambda g: g @ g.T / k)(rng.standard_normal((k, k))) for _ in range(s)]
    w0, m_j, d_j, mu = rng.standard_normal(k), rng.standard_normal(k), 0.7, 0.05
    w = w0.copy()
    for a in a_seq:
        w = w - mu * a @ (d_j * w - m_j)
    assert np.allclose(dl.column_evolution(w0, d_j, m_j, mu, a_seq), w)
    if s:  # with A^s = L I it reduces to the B.3 closed form (here L = 2)
        closed = dl.closed_form_columns(w0[:, None], [d_j], m_j[:, None], mu, 2, s)[:, 0]
        assert np.allclose(dl.column_evolution(w0, d_j, m_j, mu, [2 * np.eye(k)] * s), closed)


def test_eq23_time_order_matters():
    """Negative control for the index correction: the A^nu do not commute, so the printed
    ordering (earlier times on the left) gives another w_j^s."""
    a_seq = [np.diag([1.0, 3.0]), np.array([[2.0, 1.0], [1.0, 2.0]])]
    w0, m_j = np.array([1.0, -1.0]), np.array([0.5, 2.0])
    w = w0
    for a in a_seq:
        w = w - 0.1 * a @ (w - m_j)
    assert np.allclose(dl.column_evolution(w0, 1.0, m_j, 0.1, a_seq), w)
    assert not np.allclose(dl.column_evolution(w0, 1.0, m_j, 0.1, a_seq[::-1]), w)


def test_closed_form_converges_to_least_squares():
    d = np.array([2.0, 1.0, 0.5])
    m_target = np.array([[1.0, -2.0, 0.5]])
    w = dl.closed_form_columns(np.zeros((1, 3)), d, m_target, 0.1, 3, np.array([0, 1, 2000]))
    assert np.allclose(w[0], 0) and np.allclose(w[-1], m_target / d)
    lam = dl.column_rates(d, 0.1, 3)
    assert np.all(np.diff(lam) > 0)  # larger d_j -> smaller lambda_j -> faster (PC-bias)


def test_mean_delta_forms():
    sxx = np.diag([2.0, 1.0])
    assert np.allclose(dl.mean_delta_b(2, 3, 30, sxx), 2 * 3 / 30 * sxx)
    assert np.allclose(dl.printed_mean_delta_b(3, 3, 30, 2), 6 * 3 / 30 * np.eye(2))
    assert np.allclose(dl.mean_delta_a(3, 4, 2, 30, 3.0), 2 * 3 / 30 * np.eye(2))
    assert np.allclose(dl.mean_delta_a(4 - 1, 4, 2, 30, 3.0), dl.mean_delta_a(3, 4, 2, 30, 3.0))


def test_b2_update_linear_in_coefficient():
    rng = np.random.default_rng(0)
    a, w, sxx, mt = rng.standard_normal(4), rng.standard_normal((4, 3)), np.eye(3), np.zeros((4, 3))
    u1 = dl.b2_coefficient_update(a, w, sxx, mt, 0.1, 0.25)
    u2 = dl.b2_coefficient_update(a, w, sxx, mt, 0.1, 0.5)
    assert np.allclose(2 * u1, u2)


# --- Fuss–Catalan --------------------------------------------------------------------------

@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_fuss_catalan_moments(order):
    """Moments of pdf (Gauss-Legendre in t with x = b t^(L+1), which removes the x^(-L/(L+1))
    singularity at 0) equal the Fuss–Catalan numbers; independent of the law's phi-grid CDF."""
    law = FussCatalan(order)
    b = law.support()[1]
    nodes, weights = np.polynomial.legendre.leggauss(400)
    t = 0.5 * (nodes + 1)
    x = b * t ** (order + 1)
    dens = law.pdf(x) * b * (order + 1) * t**order * 0.5 * weights
    for k in range(6):
        assert np.sum(x**k * dens) == pytest.approx(fuss_catalan_number(k, order), rel=1e-5)
    assert quad(lambda u: law.pdf(np.array([u]))[0], 0.5, 1.5)[0] == pytest.approx(
        float(law.cdf(1.5) - law.cdf(0.5)), abs=1e-8)


def test_fuss_catalan_numbers():
    assert [fuss_catalan_number(k, 1) for k in range(6)] == [1, 1, 2, 5, 14, 42]  # Catalan
    assert [fuss_catalan_number(k, 2) for k in range(5)] == [1, 1, 3, 12, 55]


def test_fuss_catalan_order_one_is_marchenko_pastur():
    x = np.linspace(0.01, 3.99, 40)
    assert np.allclose(FussCatalan(1).cdf(x), MarchenkoPastur(1.0).cdf(x), atol=1e-8)
    assert np.allclose(FussCatalan(1).pdf(x), MarchenkoPastur(1.0).pdf(x), rtol=1e-8)


@settings(derandomize=True, max_examples=30, deadline=None)
@given(order=st.integers(1, 6), q=st.floats(0.001, 0.999))
def test_fuss_catalan_ppf_inverts_cdf(order, q):
    law = FussCatalan(order)
    assert law.cdf(law.ppf(q)) == pytest.approx(q, abs=1e-9)
    assert law.cdf(-1.0) == 0.0 and law.cdf(law.support()[1] + 1) == 1.0


def test_fuss_catalan_matches_products_and_rejects_wrong_order():
    from rmtcheck.spectra.compare import ks_statistic  # noqa: PLC0415

    rng = np.random.default_rng(11)
    layers = def4_layers([300] * 4, rng)
    sv = np.linalg.svd(end_to_end(layers), compute_uv=False) ** 2
    tol = (1 + np.log(300)) / 300
    assert ks_statistic(sv, FussCatalan(3)) < tol
    assert ks_statistic(sv, FussCatalan(2)) > 2 * tol  # negative control: wrong depth


def test_bad_law_input():
    with pytest.raises(InputError):
        FussCatalan(0)
    with pytest.raises(InputError):
        dl.beta([3, 4], [0.1], 3)
    with pytest.raises(InputError):
        dl.product_entry_variance([3, 4, 5], [0.1])
    with pytest.raises(InputError):
        dl.closed_form_columns(np.zeros((1, 2)), [1.0, 0.0], np.zeros((1, 2)), 0.1, 2, 3)


@pytest.mark.parametrize("law,kurtosis", [("gaussian", 3.0), ("uniform", 1.8), ("rademacher", 1.0)])
def test_leading_gram_variances_against_monte_carlo(law, kurtosis):
    """var(B^3_ii) ~ (G - 1 + 2)/m and var(B^3_ij) ~ 2/m under Def. 4 (m = 128). Tolerance
    8 %: the pooled variance of 1500 draws has a relative s.e. of ~2 % and the spec measured
    O(1/m) corrections of up to 5 % at m = 128 (Table 4.2)."""
    from rmtcheck.theory.hacohen2022.claims import gram_entry_variance  # noqa: PLC0415

    diag = gram_entry_variance(np.random.default_rng(1), 6, 2, 4, 3, 128, "diag", law, 1500)
    off = gram_entry_variance(np.random.default_rng(2), 6, 2, 4, 3, 128, "offdiag", law, 1500)
    pred_diag, pred_off = dl.gram_entry_variance(3, 128, kurtosis)
    assert diag == pytest.approx(pred_diag, rel=0.08) and off == pytest.approx(pred_off, rel=0.08)
    if kurtosis != 3.0:  # negative control: the Gaussian constant is wrong for this law
        assert diag != pytest.approx(dl.gram_entry_variance(3, 128, 3.0)[0], rel=0.08)
