"""Constant-Gramian closed forms (NSA A9-A18), the stability threshold and the Mercer/Nystrom
relation, checked against direct iteration over random PSD Gramians, singular ones included."""

import mpmath
import numpy as np
import pytest
import rmtcheck.theory.kopitkov2019.dynamics as gd
from hypothesis import given, settings
from hypothesis import strategies as st
from rmtcheck.theory.kopitkov2019.claims import psd_problem

from rmtcheck.errors import InputError


def rel(a, b):
    return np.abs(a - b).max() / max(1.0, np.abs(b).max())


problems = st.tuples(st.integers(0, 10**6), st.integers(2, 40), st.floats(0.05, 1.0),
                     st.floats(0.01, 1.99), st.integers(0, 400))


def draw(seed, n, rank_frac, c):
    rng = np.random.default_rng(seed)
    rank = max(1, int(round(rank_frac * n)))
    p = psd_problem(rng, n, rank, n_test=7)
    delta = c * n / np.linalg.eigvalsh(p["G"])[-1]
    return p, delta


@given(problems)
@settings(max_examples=60, deadline=None)
def test_train_closed_forms_match_iteration(args):
    seed, n, rank_frac, c, t = args
    p, delta = draw(seed, n, rank_frac, c)
    m0 = p["f0"] - p["y"]
    it = gd.iterate(p["G"], p["f0"], p["y"], delta, t, p["g_test"], p["f0_test"])
    # float64 recursion vs eigen-expansion: rounding only, ~t * 1e-16 (1e-9 * t is loose)
    tol = 1e-9 * max(t, 1)
    assert rel(gd.residual(p["G"], m0, delta, t), it["m"]) < tol                    # A9
    assert rel(gd.residual_sum(p["G"], m0, delta, t), it["msum"]) < tol             # A10
    assert rel(gd.outputs(p["G"], p["f0"], p["y"], delta, t), it["f"]) < tol        # A11
    args_test = (p["g_test"], p["G"], p["f0_test"], m0, delta, t)
    assert rel(gd.heldout_outputs(*args_test), it["f_test"]) < tol                  # A13
    assert rel(gd.heldout_outputs_nystrom(*args_test), it["f_test"]) < tol          # A17
    assert rel(gd.heldout_outputs_svd(p["A"], p["B"], p["f0_test"], m0, delta, t),
               it["f_test"]) < tol                                                  # A15


@given(st.integers(0, 10**6), st.integers(2, 30), st.floats(0.01, 1.99), st.integers(0, 300))
@settings(max_examples=40, deadline=None)
def test_invertible_form_matches_iteration(seed, n, c, t):
    p = psd_problem(np.random.default_rng(seed), n, 2 * n, n_test=5)  # rank N: invertible
    delta = c * n / np.linalg.eigvalsh(p["G"])[-1]
    it = gd.iterate(p["G"], p["f0"], p["y"], delta, t, p["g_test"], p["f0_test"])
    got = gd.heldout_outputs_inverse(p["g_test"], p["G"], p["f0_test"], p["f0"] - p["y"],
                                     delta, t)
    assert rel(got, it["f_test"]) < 1e-8


@given(problems)
@settings(max_examples=30, deadline=None)
def test_information_flows_from_residual_to_outputs(args):
    """Poster insight: along each v_i the residual falls by exactly what the output gains,
    f_t - f_0 = m_t - m_0, and the null-space part of m never moves."""
    seed, n, rank_frac, c, t = args
    p, delta = draw(seed, n, rank_frac, c)
    m0 = p["f0"] - p["y"]
    ft = gd.outputs(p["G"], p["f0"], p["y"], delta, t)
    mt = gd.residual(p["G"], m0, delta, t)
    assert rel(ft - p["f0"], mt - m0) < 1e-9
    e = gd.eig_desc(p["G"])
    null = e.vectors[:, ~e.nonzero]
    assert np.allclose(null.T @ mt, null.T @ m0, atol=1e-9)


def test_null_space_term_is_needed_and_a_shifted_exponent_is_detected():
    """Negative controls: A10 without t m_0^z, and A9 with exponent t + 1, both miss the
    iteration by far more than the tolerance on a singular G."""
    p, delta = draw(1, 30, 0.5, 1.2)
    m0 = p["f0"] - p["y"]
    t = 5  # early, while the slow modes still carry weight
    it = gd.iterate(p["G"], p["f0"], p["y"], delta, t)
    e = gd.eig_desc(p["G"])
    mz = e.vectors[:, ~e.nonzero] @ (e.vectors[:, ~e.nonzero].T @ m0)
    assert rel(gd.residual_sum(p["G"], m0, delta, t) - t * mz, it["msum"]) > 1e-2
    assert rel(gd.residual(p["G"], m0, delta, t + 1), it["m"]) > 1e-2


@given(st.integers(0, 10**6), st.floats(0.05, 3.95).filter(lambda c: abs(c - 2) > 0.02))
@settings(max_examples=30, deadline=None)
def test_threshold_decides_convergence(seed, c):
    """NTK-EQ-STAB: the range part of the residual shrinks iff delta < 2N/lambda_max."""
    p, _ = draw(seed, 40, 0.7, 1.0)
    e = gd.eig_desc(p["G"])
    delta = c * 40 / e.values[0]
    proj = e.vectors[:, e.nonzero]
    with np.errstate(over="ignore", invalid="ignore"):
        end = gd.iterate(p["G"], p["f0"], p["y"], delta, 2000)["m"]
        shrunk = np.linalg.norm(proj.T @ end) < np.linalg.norm(proj.T @ (p["f0"] - p["y"]))
    assert shrunk == (delta < gd.max_stable_step(e.values[0], 40))


@given(st.floats(-0.99, 1.99).filter(lambda x: x == 0 or abs(x) > 1e-30), st.integers(0, 500))
@settings(max_examples=100, deadline=None)
def test_geometric_factors_against_mpmath(x, t):
    mpmath.mp.dps = 80  # enough digits to resolve 1 - (1 - x)^t for |x| > 1e-30
    exact = 1 - (1 - mpmath.mpf(x)) ** t
    assert abs(float(gd.decay_factor(x, t)) - float(exact)) <= 1e-12 * max(1.0, abs(float(exact)))
    if x != 0:
        s = float(exact / mpmath.mpf(x))
        assert abs(float(gd.summed_factor(x, t)) - s) <= 1e-10 * max(1.0, abs(s))


def test_summed_factor_limit_is_t():
    assert gd.summed_factor(0.0, 17) == 17.0
    assert abs(gd.summed_factor(1e-14, 17) - 17.0) < 1e-10


def test_nystrom_extension_reproduces_eigenvectors_at_training_points():
    """A4: v~_k(X^i) = g(X^i, X) v_k / lambda_k = v_k(i) exactly."""
    p, _ = draw(5, 25, 0.6, 1.0)
    vt, e = gd.nystrom(p["G"], p["G"])
    assert np.allclose(vt, e.vectors[:, e.nonzero], atol=1e-10)


def test_cosine_kernel_factorisation_and_mercer_limit():
    rng = np.random.default_rng(0)
    c = 0.6 ** np.arange(5)
    x = rng.random(60)
    G = gd.cosine_kernel(x, x, c)
    dense = np.linalg.eigvalsh(G)[::-1][:9]
    assert np.allclose(dense, gd.cosine_gram_eigs(x, c), rtol=1e-10, atol=1e-10)
    assert np.allclose(np.linalg.eigvalsh(G)[:-9], 0.0, atol=1e-10)  # rank 2J + 1
    # equally spaced points integrate the cosines exactly: eig(G)/N = the Mercer spectrum
    grid = (np.arange(64) + 0.5) / 64
    assert np.allclose(gd.cosine_gram_eigs(grid, c) / 64, gd.cosine_kernel_spectrum(c),
                       atol=1e-12)


def test_bad_input():
    G = np.eye(3)
    m = np.ones(3)
    for args in [(G, m, 0.1, -1), (G, m, 0.0, 5), (np.ones((2, 3)), m, 0.1, 5), (G, m, 0.1, 2.5)]:
        with pytest.raises(InputError):
            gd.residual(*args)
    with pytest.raises(InputError):
        gd.max_stable_step(-1.0, 10)
    with pytest.raises(InputError):
        gd.max_stable_step(1.0, 0)
