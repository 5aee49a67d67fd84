"""Semicircle law: closed forms against quadrature, Catalan moments, quantiles, sampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.stats import kstest

from rmtcheck.errors import InputError
from rmtcheck.laws.semicircle import Semicircle, catalan

radii = st.floats(0.1, 10.0)
centers = st.floats(-5.0, 5.0)


def test_catalan_numbers():
    assert [catalan(k) for k in range(8)] == [1, 1, 2, 5, 14, 42, 132, 429]


@settings(max_examples=30, deadline=None)
@given(radii, centers, st.floats(-1.2, 1.2))
def test_cdf_is_the_integral_of_pdf(radius, center, u):
    law = Semicircle(radius, center)
    x = center + u * radius
    lo = center - radius
    integral = quad(law.pdf, lo, max(lo, x), epsabs=1e-12, epsrel=1e-10, limit=200)[0]
    assert law.cdf(x) == pytest.approx(integral, abs=1e-9)
    assert law.cdf(x) + law.sf(x) == pytest.approx(1.0, abs=1e-15)


@settings(max_examples=30, deadline=None)
@given(radii, centers, st.integers(0, 8))
def test_moments_match_quadrature(radius, center, k):
    law = Semicircle(radius, center)
    lo, hi = law.support()
    integral = quad(lambda x: x**k * law.pdf(x), lo, hi, epsabs=1e-10, epsrel=1e-10, limit=200)[0]
    assert law.moment(k) == pytest.approx(integral, rel=1e-8, abs=1e-8)


def test_standard_moments_are_catalan():
    law = Semicircle()
    assert [law.moment(2 * k) for k in range(6)] == [catalan(k) for k in range(6)]
    assert law.moment(3) == 0.0 and law.mean() == 0.0 and law.var() == 1.0 and law.std() == 1.0
    assert Semicircle(4.0, 1.0).var() == pytest.approx(4.0)
    assert Semicircle(4.0, 1.0).moment(1) == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(radii, centers, st.floats(0.0, 1.0))
def test_ppf_inverts_cdf(radius, center, q):
    law = Semicircle(radius, center)
    assert law.cdf(law.ppf(q)) == pytest.approx(q, abs=1e-12)
    assert law.sf(law.isf(q)) == pytest.approx(q, abs=1e-12)


def test_values_outside_and_logpdf():
    law = Semicircle(2.0, 1.0)
    assert law.support() == (-1.0, 3.0)
    assert law.cdf(-5.0) == 0.0 and law.cdf(5.0) == 1.0 and law.pdf(3.5) == 0.0
    assert law.logpdf(3.5) == -np.inf
    assert law.logpdf(1.0) == pytest.approx(np.log(1.0 / np.pi))
    assert law.pdf(np.array([[0.0, 1.0]])).shape == (1, 2)


def test_rvs_follow_the_law_and_reject_a_wrong_radius():
    """KS of 100000 draws (fixed seed): p > 0.001 against the law; the same draws against radius
    2.1 (negative control: sup |F_2 - F_2.1| = 0.0155, twice the KS critical value 0.0085 at
    level 1e-6 for this sample size) fail."""
    law = Semicircle()
    draws = law.rvs(100000, random_state=3)
    assert kstest(draws, law.cdf).pvalue > 1e-3
    assert kstest(draws, Semicircle(2.1).cdf).pvalue < 1e-6


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"radius": 0.0}, "radius"), ({"radius": -1.0}, "radius"),
                         ({"center": np.inf}, "center"), ({"radius": "2"}, "radius")]
)
def test_bad_parameters(kwargs, name):
    with pytest.raises(InputError, match=name):
        Semicircle(**kwargs)


def test_bad_probability():
    with pytest.raises(InputError, match="q"):
        Semicircle().ppf([0.5, 1.5])
