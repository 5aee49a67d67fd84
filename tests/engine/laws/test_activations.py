"""Normalized activations and Hermite constants (WANG-DEF-ACT-NORM, WANG-DEF-HERMITE)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rmtcheck.theory.wang2023.claims import hermite_constants, hermite_constants_mpmath

from rmtcheck.errors import InputError
from rmtcheck.laws.activations import (
    ACTIVATIONS,
    gaussian_expectation,
    get_activation,
    hermite_polynomial,
)

SMOOTH = ("tanh", "softplus", "sigmoid")


def _mp_expect(g):
    with mpmath.workdps(25):
        val = mpmath.quad(lambda z: g(z) * mpmath.exp(-z * z / 2), [-mpmath.inf, 0, mpmath.inf])
        return float(val / mpmath.sqrt(2 * mpmath.pi))


@pytest.mark.parametrize("name,raw", [
    ("tanh", mpmath.tanh),
    ("softplus", lambda x: mpmath.log1p(mpmath.exp(x))),
    ("relu", lambda x: max(x, 0)),
    ("sigmoid", lambda x: 1 / (1 + mpmath.exp(-x))),
])
def test_mean_and_std_match_mpmath(name, raw):
    act = get_activation(name)
    m = _mp_expect(raw)
    s = math.sqrt(_mp_expect(lambda z: (raw(z) - m) ** 2))
    assert act.mean == pytest.approx(m, abs=1e-13)
    assert act.std == pytest.approx(s, rel=1e-13)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_hermite_constants_match_mpmath(name):
    np.testing.assert_allclose(hermite_constants(name), hermite_constants_mpmath(name), atol=1e-12)


def test_relu_closed_forms():
    """Normalized ReLU: s^2 = 1/2 - 1/(2 pi), eta_0 = 1/(2s), eta_1 = 1/(s sqrt(2 pi)), eta_2 = 0,
    a_sigma = 1/(2 s^2), B_sigma = (1/4 - 1/(2 pi)) / s^2 (spec Sec. 1.5)."""
    act = get_activation("relu")
    s = math.sqrt(0.5 - 1 / (2 * math.pi))
    assert act.mean == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-14)
    assert act.std == pytest.approx(s, rel=1e-13)
    etas = [act.hermite_derivative(k) for k in range(3)]
    expected = [1 / (2 * s), 1 / (s * math.sqrt(2 * math.pi)), 0.0]
    np.testing.assert_allclose(etas, expected, atol=1e-13)
    assert act.a_sigma == pytest.approx(1 / (2 * s * s), rel=1e-12)
    assert act.bound_eq11 == pytest.approx((0.25 - 1 / (2 * math.pi)) / s**2, rel=1e-11)


@pytest.mark.parametrize("name", SMOOTH)
def test_stein_identity_and_parseval(name):
    """eta_k via sqrt(k+1) mu_{k+1} equals E[sigma'(z) h_k(z)] integrated directly, and
    sum_k eta_k^2 -> a_sigma (Parseval); analytic sigma' makes the tail after k = 40 tiny."""
    act = get_activation(name)
    for k in range(10):
        direct = gaussian_expectation(lambda z, k=k: act.derivative(z) * hermite_polynomial(k, z))
        assert act.hermite_derivative(k) == pytest.approx(direct, abs=1e-13)
    partial = sum(act.hermite_derivative(k) ** 2 for k in range(41))
    assert partial == pytest.approx(act.a_sigma, abs=1e-6)
    assert partial <= act.a_sigma + 1e-12


@pytest.mark.parametrize("name", ("tanh", "sigmoid"))
def test_odd_activations_have_no_even_coefficients(name):
    act = get_activation(name)
    for k in range(0, 12, 2):
        assert abs(act.hermite(k)) < 1e-14


@settings(max_examples=40, deadline=None)
@given(j=st.integers(0, 25), k=st.integers(0, 25))
def test_hermite_polynomials_are_orthonormal(j, k):
    value = gaussian_expectation(lambda z: hermite_polynomial(j, z) * hermite_polynomial(k, z))
    assert value == pytest.approx(float(j == k), abs=1e-10)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(ACTIVATIONS), x=st.floats(-8, 8))
def test_derivative_matches_finite_difference(name, x):
    act = get_activation(name)
    if name == "relu" and abs(x) < 1e-3:
        x += 0.01
    step = 1e-6
    fd = (act(np.array(x + step)) - act(np.array(x - step))) / (2 * step)
    assert act.derivative(np.array(x)) == pytest.approx(fd, abs=1e-7)
    assert abs(act.derivative(np.array(x))) <= act.lipschitz + 1e-12


def test_normalization_is_needed_negative_control():
    """The raw (unnormalized) activations miss [E sigma, E sigma^2] = [0, 1] by far more than
    the card's 1e-12 tolerance."""
    for name in ACTIVATIONS:
        raw = get_activation(name, normalized=False)
        m1, m2 = raw.expect(raw), raw.expect(lambda z, r=raw: r(z) ** 2)
        assert max(abs(m1), abs(m2 - 1.0)) > 0.05


def test_bad_input():
    with pytest.raises(InputError):
        get_activation("gelu")
    with pytest.raises(InputError):
        get_activation("tanh").hermite(-1)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_float32_inputs_stay_float32(name):
    act = get_activation(name)
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    assert act(x).dtype == np.float32 and act.derivative(x).dtype == np.float32
