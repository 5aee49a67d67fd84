"""Fused generators: the same values as the NumPy versions given the same draws, and the
CCM's law (class means and unit noise) with negative controls."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.ccm import class_means, labels
from rmtcheck.ensembles.counter_rng import counter_block, counter_key
from rmtcheck.ensembles.fused import ccm_sample_counter, features_in_place, two_layer_features
from rmtcheck.errors import InputError
from rmtcheck.laws.activations import ACTIVATIONS, get_activation
from rmtcheck.laws.two_layer_kernels import preactivations

Z_MAX = 4.5


@settings(max_examples=20, deadline=None)
@given(
    D=st.integers(2, 40),
    C=st.integers(2, 6),
    n=st.integers(1, 30),
    t=st.floats(0, 5),
    spread=st.floats(0, 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_ccm_is_class_means_plus_the_counter_noise(D, C, n, t, spread, seed):
    C = min(C, D)
    x, y = ccm_sample_counter(np.random.default_rng(seed), D, C, n, t, spread)
    key = counter_key(np.random.default_rng(seed))
    noise = counter_block(key, (0, n * C), (0, D))
    assert np.array_equal(y, labels(C, n))
    assert np.array_equal(x, class_means(D, C, t, spread=spread)[y] + noise)


def test_ccm_law_class_means_and_noise_variance():
    D, C, n, t = 50, 5, 4000, 1.5
    x, y = ccm_sample_counter(np.random.default_rng(3), D, C, n, t)
    centred = x - class_means(D, C, t)[y]
    # per-class means of every coordinate: z-scores against 0 with SE 1/sqrt(n)
    z = np.stack([centred[y == c].mean(axis=0) for c in range(C)]) * math.sqrt(n)
    assert np.max(np.abs(z)) <= 5.5  # 250 z-scores: family-wise false alarm 250 * 4e-8 = 1e-5
    # noise variance 1: SE sqrt(2 / N)
    z_var = (np.mean(centred**2) - 1.0) / math.sqrt(2.0 / centred.size)
    assert abs(z_var) <= Z_MAX
    # negative controls: the mean t is detected on the class coordinate, and a 10% larger
    # t shows up in the same z-scores
    wrong = x - class_means(D, C, 1.1 * t)[y]
    z_wrong = np.stack([wrong[y == c].mean(axis=0) for c in range(C)]) * math.sqrt(n)
    assert np.max(np.abs(z_wrong)) > 5.5


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_features_equal_the_numpy_ones_to_rounding(activation):
    rng = np.random.default_rng(4)
    W, X = rng.standard_normal((70, 40)), rng.standard_normal((40, 90))
    phi, slope = two_layer_features(W, X, activation)
    act = get_activation(activation)
    z = preactivations(W, X)
    ref_phi, ref_slope = act(z), act.derivative(z)
    # a few ulps of the largest value: libm's and NumPy's tanh/exp may differ in the last bit
    assert np.max(np.abs(phi - ref_phi)) <= 8 * np.finfo(float).eps * np.abs(ref_phi).max()
    assert np.max(np.abs(slope - ref_slope)) <= 8 * np.finfo(float).eps * np.abs(ref_slope).max()
    # negative control: the features of another W differ far beyond rounding
    other, _ = two_layer_features(W + 1e-3, X, activation)
    assert np.max(np.abs(other - ref_phi)) > 1e3 * np.finfo(float).eps


@pytest.mark.parametrize(
    "W,X,activation",
    [
        (np.ones((3, 4)), np.ones((5, 2)), "tanh"),
        (np.ones(3), np.ones((3, 2)), "tanh"),
        (np.ones((3, 4)), np.ones((4, 2)), "gelu"),
    ],
)
def test_features_bad_input(W, X, activation):
    with pytest.raises(InputError):
        two_layer_features(W, X, activation)


def test_ccm_bad_input():
    with pytest.raises(InputError):
        ccm_sample_counter(0, 3, 4, 10, 1.0)  # C > D
    with pytest.raises(InputError):
        ccm_sample_counter(0, 5, 2, 0, 1.0)


def test_features_in_place_overwrites_and_rejects_other_arrays():
    z = np.array([[-1.0, 0.0, 2.0]])
    before = z.copy()
    slope = features_in_place(z, "relu")
    act = get_activation("relu")
    assert np.allclose(z, act(before)) and np.allclose(slope, act.derivative(before))
    for bad in (np.ones((2, 2), dtype=np.float32), np.ones(3), [[1.0]]):
        with pytest.raises(InputError):
            features_in_place(bad, "tanh")
