"""Random matrix products (rmtcheck.ensembles.products): structure, batching, initializers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.products import (
    batched_mean,
    def4_variances,
    draw_layers,
    end_to_end,
    glorot_uniform,
    glorot_variances,
    grams_a,
    grams_b,
    prefix_products,
    product_squared_singular_values,
    suffix_products,
)
from rmtcheck.errors import InputError

widths_st = st.lists(st.integers(1, 7), min_size=2, max_size=5)


@settings(derandomize=True, max_examples=40, deadline=None)
@given(widths=widths_st, seed=st.integers(0, 2**32 - 1))
def test_prefix_suffix_structure(widths, seed):
    rng = np.random.default_rng(seed)
    layers = draw_layers(widths, [0.5] * (len(widths) - 1), rng)
    pre, suf = prefix_products(layers), suffix_products(layers)
    w = end_to_end(layers)
    n = len(layers)
    assert np.allclose(pre[0], np.eye(widths[0])) and np.allclose(suf[n], np.eye(widths[-1]))
    assert np.allclose(pre[n], w) and np.allclose(suf[0], w)
    for l in range(n + 1):  # S^l P^{l+1} = W for every split point (pre[l] is P^{l+1})
        assert np.allclose(suf[l] @ pre[l], w)
    b, a = grams_b(layers), grams_a(layers)
    assert np.allclose(b[-1], w.T @ w) and np.allclose(a[0], w @ w.T)
    for g in (*b, *a):  # Gram matrices are symmetric positive semidefinite
        assert np.allclose(g, g.T)
        assert np.linalg.eigvalsh(g).min() > -1e-10 * max(1.0, np.abs(g).max())


@settings(derandomize=True, max_examples=20, deadline=None)
@given(widths=widths_st, seed=st.integers(0, 2**32 - 1),
       law=st.sampled_from(["gaussian", "uniform", "rademacher", "student_t"]))
def test_batched_equals_per_trial(widths, seed, law):
    layers = draw_layers(widths, [0.3] * (len(widths) - 1), np.random.default_rng(seed), law,
                         trials=4)
    b, a = grams_b(layers), grams_a(layers)
    for t in range(4):
        single = [q[t] for q in layers]
        for x, y in zip(b, grams_b(single), strict=True):
            assert np.allclose(x[t], y)
        for x, y in zip(a, grams_a(single), strict=True):
            assert np.allclose(x[t], y)


def test_def4_and_glorot_variances():
    assert np.allclose(def4_variances([8, 64, 64, 64, 4]), [1 / 64, 2 / 128, 2 / 128, 1 / 64])
    assert np.allclose(glorot_variances([8, 64, 4]), [2 / 72, 2 / 68])
    # first layer by fan-out, last by fan-in; middle layers agree with Glorot
    v = def4_variances([3, 10, 30, 20, 2])
    assert np.allclose(v, [1 / 10, 2 / 40, 2 / 50, 1 / 20])
    assert np.allclose(v[1:-1], glorot_variances([3, 10, 30, 20, 2])[1:-1])


def test_glorot_uniform_bounds_and_variance():
    rng = np.random.default_rng(0)
    layers = glorot_uniform([50, 400, 30], rng)
    for q, (fan_in, fan_out) in zip(layers, [(50, 400), (400, 30)], strict=True):
        a = np.sqrt(6 / (fan_in + fan_out))
        assert np.abs(q).max() <= a
        # variance a^2/3 with relative standard error sqrt(0.8/size) < 0.01 here
        assert q.var() == pytest.approx(a**2 / 3, rel=0.05)


def test_entry_variances_follow_request():
    rng = np.random.default_rng(1)
    q = draw_layers([200, 300], [0.37], rng, "student_t")[0]
    assert q.var() == pytest.approx(0.37, rel=0.03)  # kurtosis 6: rel. s.e. sqrt(5/6e4) = 0.009


def test_batched_mean_matches_numpy():
    rng = np.random.default_rng(2)
    data = rng.standard_normal((1000, 3))
    chunks = iter(np.split(data, [300, 600, 1000]))
    mean, se = batched_mean(lambda t: next(chunks), 1000, 300)
    assert np.allclose(mean, data.mean(axis=0))
    assert np.allclose(se, data.std(axis=0, ddof=1) / np.sqrt(1000))


def test_squared_singular_values_match_gram_eigenvalues():
    rng = np.random.default_rng(3)
    sv = product_squared_singular_values(30, 3, rng)
    assert sv.shape == (30,) and np.all(sv >= 0) and np.all(np.diff(sv) >= 0)
    assert np.sum(sv) > 0


@pytest.mark.parametrize("bad", [
    lambda: def4_variances([5]),
    lambda: draw_layers([3, 4], [0.1, 0.2], np.random.default_rng(0)),
    lambda: draw_layers([3, 4], [-0.1], np.random.default_rng(0)),
    lambda: draw_layers([3, 4], [0.1], np.random.default_rng(0), law="cauchy"),
    lambda: draw_layers([3, 0], [0.1], np.random.default_rng(0)),
    lambda: product_squared_singular_values(0, 2, np.random.default_rng(0)),
])
def test_bad_input(bad):
    with pytest.raises(InputError):
        bad()


@pytest.mark.parametrize("df", [4.0, 3.0, 2.5])
def test_student_t_without_fourth_moment_is_refused(df):
    """App. A.1 assumes bounded kurtosis: Student-t entries need df > 4 (one clear line)."""
    with pytest.raises(InputError) as err:
        draw_layers([3, 4], [0.1], np.random.default_rng(0), law="student_t", df=df)
    assert err.value.name == "df" and "fourth moment" in str(err.value)
    assert "\n" not in str(err.value)
    draw_layers([3, 4], [0.1], np.random.default_rng(0), law="student_t", df=4.5)
