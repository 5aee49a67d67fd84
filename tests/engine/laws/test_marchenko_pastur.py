"""Marchenko–Pastur law (RMT-MP-*): closed forms against mpmath high-precision quadrature."""

import mpmath as mp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck import InputError, MarchenkoPastur

ratios = st.floats(0.05, 8.0)
variances = st.floats(0.2, 5.0)


def mp_cdf_reference(y: float, var: float, x: float) -> float:
    """F(x) by 30-digit quadrature of the density (plus the atom)."""
    mp.mp.dps = 30
    a = var * (1 - mp.sqrt(y)) ** 2
    b = var * (1 + mp.sqrt(y)) ** 2
    dens = lambda t: mp.sqrt((b - t) * (t - a)) / (2 * mp.pi * var * y * t)  # noqa: E731
    atom = max(0, 1 - 1 / mp.mpf(y)) if x >= 0 else 0
    if x <= a:
        return float(atom)
    return float(atom + mp.quad(dens, [a, min(mp.mpf(x), b)]))


@settings(max_examples=25, deadline=None)
@given(ratios, variances, st.floats(0.01, 0.99))
def test_cdf_matches_mpmath(y, var, u):
    law = MarchenkoPastur(y, var)
    x = law.a + u * (law.b - law.a)
    assert law.cdf(x) == pytest.approx(mp_cdf_reference(y, var, x), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(ratios, variances, st.integers(1, 6))
def test_moments_are_narayana_and_match_quadrature(y, var, k):
    law = MarchenkoPastur(y, var)
    mp.mp.dps = 30
    a, b = mp.mpf(law.a), mp.mpf(law.b)
    dens = lambda t: t**k * mp.sqrt((b - t) * (t - a)) / (2 * mp.pi * var * y * t)  # noqa: E731
    assert law.moment(k) == pytest.approx(float(mp.quad(dens, [a, b])), rel=1e-9)


def test_known_moments():
    law = MarchenkoPastur(0.5, 2.0)
    assert law.mean() == pytest.approx(2.0)
    assert law.var_() == pytest.approx(4.0 * 0.5)  # var^2 * y
    assert law.moment(3) == pytest.approx(8.0 * (1 + 3 * 0.5 + 0.25))


@settings(max_examples=40, deadline=None)
@given(ratios, variances, st.floats(0.0, 1.0))
def test_ppf_inverts_cdf(y, var, q):
    law = MarchenkoPastur(y, var)
    x = law.ppf(q)
    if q <= law.atom:
        assert x == 0.0
    else:
        assert law.cdf(x) == pytest.approx(q, abs=1e-10)


def test_atom_and_support():
    law = MarchenkoPastur(2.5)
    assert law.atom == pytest.approx(0.6)
    assert law.cdf(-1e-12) == 0.0 and law.cdf(0.0) == pytest.approx(0.6)
    assert law.cdf(law.b) == pytest.approx(1.0)
    assert MarchenkoPastur(0.5).cdf(0.0) == 0.0


def test_rvs_follow_the_law():
    law = MarchenkoPastur(0.3, 1.5)
    draws = law.rvs(20000, random_state=3)
    from scipy.stats import kstest

    assert kstest(draws, law.cdf).pvalue > 1e-3
    # negative control: the same draws reject a 10% different ratio
    assert kstest(draws, MarchenkoPastur(0.33, 1.5).cdf).pvalue < 1e-6


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), "a"])
def test_bad_ratio(bad):
    with pytest.raises(InputError, match="ratio"):
        MarchenkoPastur(bad)


def test_bad_quantile():
    with pytest.raises(InputError, match="q"):
        MarchenkoPastur(0.5).ppf([0.5, 1.5])
