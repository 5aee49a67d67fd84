"""Spectral tools: KS/W1 against scipy, interlacing/Weyl margins with planted violations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from rmtcheck import InputError
from rmtcheck.spectra import (
    cauchy_interlacing_margin,
    compare_to_law,
    eigvalsh,
    ks_statistic,
    rank_one_update_margin,
    rank_r_psd_interlacing_margin,
    wasserstein1,
    weyl_margin,
)


def test_ks_matches_scipy_for_continuous_laws():
    x = np.random.default_rng(0).normal(size=500)
    law = stats.norm(0.1, 1.2)
    assert ks_statistic(x, law) == pytest.approx(stats.kstest(x, law.cdf).statistic, abs=1e-12)


def test_w1_matches_scipy_on_a_large_sample():
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    ref = stats.wasserstein_distance(x, stats.norm(0.3).ppf((np.arange(20000) + 0.5) / 20000))
    assert wasserstein1(x, stats.norm(0.3)) == pytest.approx(ref, abs=2e-3)


def test_compare_counts_outliers():
    x = np.r_[np.linspace(0, 1, 100), 1.5, 3.0]
    cmp = compare_to_law(x, stats.uniform(0, 1), outlier_margin=0.25)
    assert cmp.outliers == 2 and cmp.count == 102


def _sym(rng, n):
    g = rng.standard_normal((n, n))
    return (g + g.T) / 2


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.data())
def test_cauchy_interlacing_holds(n, data):
    m = data.draw(st.integers(1, n))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    a = _sym(rng, n)
    idx = np.sort(rng.choice(n, m, replace=False))
    margin = cauchy_interlacing_margin(
        np.linalg.eigvalsh(a), np.linalg.eigvalsh(a[np.ix_(idx, idx)])
    )
    assert margin >= -1e-12 * n


def test_planted_interlacing_violation_is_flagged():
    lam = np.array([3.0, 2.0, 1.0, 0.0])
    assert cauchy_interlacing_margin(lam, [2.5, 1.5, 0.5]) == pytest.approx(0.5)
    assert cauchy_interlacing_margin(lam, [2.5, 2.2, 0.5]) == pytest.approx(-0.2)  # planted
    assert cauchy_interlacing_margin(lam, [3.1, 1.5, 0.5]) == pytest.approx(-0.1)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 25), st.integers(0, 2**32 - 1))
def test_weyl_holds_and_trace_identity(n, seed):
    rng = np.random.default_rng(seed)
    a, b = _sym(rng, n), _sym(rng, n)
    la, lb, lc = (np.linalg.eigvalsh(m) for m in (a, b, a + b))
    assert weyl_margin(la, lb, lc) >= -1e-11 * n
    assert lc.sum() == pytest.approx(la.sum() + lb.sum(), abs=1e-9 * n)


def test_weyl_flags_a_planted_violation():
    la, lb = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    assert weyl_margin(la, lb, [2.0, 0.0]) == pytest.approx(0.0)
    assert weyl_margin(la, lb, [2.3, -0.3]) < 0  # lambda_1(A+B) > lambda_1(A) + lambda_1(B)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 25), st.data())
def test_rank_r_interlacing_holds(n, data):
    r = data.draw(st.integers(0, n))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    a = _sym(rng, n)
    u = rng.standard_normal((n, r))
    margin = rank_r_psd_interlacing_margin(
        np.linalg.eigvalsh(a), np.linalg.eigvalsh(a + u @ u.T), r
    )
    assert margin >= -1e-10 * n * (1 + r)


def test_rank_one_flags_a_negative_update_and_too_small_rank():
    rng = np.random.default_rng(4)
    a = _sym(rng, 20)
    v = rng.standard_normal(20)
    la = np.linalg.eigvalsh(a)
    assert rank_one_update_margin(la, np.linalg.eigvalsh(a + np.outer(v, v))) >= -1e-12
    assert rank_one_update_margin(la, np.linalg.eigvalsh(a - np.outer(v, v))) < -1e-3
    u = rng.standard_normal((20, 3))
    assert rank_r_psd_interlacing_margin(la, np.linalg.eigvalsh(a + 10 * u @ u.T), 1) < 0


@pytest.mark.parametrize("bad", [np.ones((2, 3)), np.array([[1.0, np.nan], [np.nan, 1.0]])])
def test_eigvalsh_bad_input(bad):
    with pytest.raises(InputError, match="matrix"):
        eigvalsh(bad)


def test_margin_bad_input():
    with pytest.raises(InputError):
        cauchy_interlacing_margin([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(InputError):
        ks_statistic([], stats.norm())
