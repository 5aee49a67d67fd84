"""Tracy–Widom laws: 30-digit references, the interpolant against the direct Fredholm
determinants, literature moments, density, quantiles, sampling and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck.laws.tracy_widom as tw
from rmtcheck.errors import InputError
from rmtcheck.laws.tracy_widom import TracyWidom, fredholm_values

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "tracy_widom_reference.json").read_text()
)
BETAS = (1, 2, 4)

# Bornemann (2010), Markov Process. Related Fields 16, Table 10 (16-digit evaluations); F4 in
# Tracy & Widom's 1996 convention.
LITERATURE = {
    1: (-1.2065335745820, 1.607781034581),
    2: (-1.771086807411, 0.8131947928329),
    4: (-2.306884893241, 0.5177237207726),
}


def reference(beta: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = np.array(REFERENCE["s"])
    return s, np.array(REFERENCE[f"cdf{beta}"]), np.array(REFERENCE[f"sf{beta}"])


def test_reference_was_computed_beyond_the_tolerance():
    """The 30-digit values are converged far below the 1e-12 tolerance (16 more nodes)."""
    assert REFERENCE["precision_bits"] >= 100
    assert len(REFERENCE["s"]) == 200
    for beta in BETAS:
        assert REFERENCE[f"node_error{beta}"] < 1e-18


@pytest.mark.parametrize("beta", BETAS)
def test_cdf_matches_30_digit_reference(beta):
    s, cdf, sf = reference(beta)
    law = TracyWidom(beta)
    assert np.max(np.abs(law.cdf(s) - cdf)) < 1e-12
    # the survival function keeps relative accuracy in the right tail
    right = s > 0
    assert np.max(np.abs(law.sf(s[right]) / sf[right] - 1.0)) < 1e-10


@pytest.mark.parametrize("beta", BETAS)
def test_reference_comparison_rejects_perturbed_cdf(beta):
    """Negative control: a cdf shifted by 1e-6, the neighbouring beta, and a Nyström rule with
    too few nodes all fail the same 1e-12 comparison."""
    s, cdf, _ = reference(beta)
    law = TracyWidom(beta)
    assert np.max(np.abs(law.cdf(s + 1e-6) - cdf)) > 1e-12
    other = TracyWidom(2 if beta != 2 else 1)
    assert np.max(np.abs(other.cdf(s) - cdf)) > 1e-12


def test_too_few_nodes_fail_the_reference(monkeypatch):
    s, cdf, _ = reference(2)
    monkeypatch.setattr(tw, "NODES", 12)
    assert np.max(np.abs(fredholm_values(s, 2)["cdf"] - cdf)) > 1e-12


@pytest.mark.parametrize("beta", BETAS)
def test_interpolant_matches_direct_fredholm(beta):
    """The Chebyshev table against direct Fredholm determinants at 200 random points of its
    range: absolute cdf error and relative error of 1 - F right of the mode."""
    law = TracyWidom(beta)
    s = np.random.default_rng(16).uniform(law.lower, tw._RIGHT, 200)
    direct = fredholm_values(s, beta)
    assert np.max(np.abs(law.cdf(s) - direct["cdf"])) < 1e-12
    right = s > 0
    assert np.max(np.abs(law.sf(s[right]) / direct["sf"][right] - 1.0)) < 1e-10


@pytest.mark.parametrize("beta", BETAS)
def test_moments_match_literature(beta):
    mean, var = LITERATURE[beta]
    law = TracyWidom(beta)
    assert abs(law.mean() - mean) < 1e-11
    assert abs(law.var() - var) < 1e-11
    assert law.std() == pytest.approx(np.sqrt(var), abs=1e-11)


def test_moments_reject_other_f4_convention():
    """Negative control: F4(sqrt(2) s) (the other convention) has a different mean."""
    mean, _ = LITERATURE[4]
    assert abs(np.sqrt(2.0) * TracyWidom(4).mean() - mean) > 0.5


@pytest.mark.parametrize("beta", BETAS)
def test_pdf_is_the_derivative_of_the_fredholm_cdf(beta):
    """Central differences of the direct determinants, h = 1e-4: truncation h^2 |f''| / 6 <
    1e-8 and rounding 1e-14 / h = 1e-10, so 1e-7 bounds the difference."""
    law = TracyWidom(beta)
    s = np.linspace(-7.0, 8.0, 40)
    h = 1e-4
    slope = (fredholm_values(s + h, beta)["cdf"] - fredholm_values(s - h, beta)["cdf"]) / (2 * h)
    assert np.max(np.abs(law.pdf(s) - slope)) < 1e-7
    assert np.max(np.abs(law.pdf(s) * 1.001 - slope)) > 1e-7  # negative control
    np.testing.assert_allclose(law.logpdf(s), np.log(law.pdf(s)), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("beta", BETAS)
def test_pdf_integrates_to_one(beta):
    law = TracyWidom(beta)
    u, w = np.polynomial.legendre.leggauss(40)
    breaks = np.arange(law.lower, tw._RIGHT + 1e-9, 0.5)
    half = 0.5 * np.diff(breaks)[:, None]
    s = breaks[:-1, None] + half * (u + 1.0)
    assert abs(np.sum(half * w * law.pdf(s)) - 1.0) < 1e-12


@pytest.mark.parametrize("beta", BETAS)
def test_tails_and_special_values(beta):
    law = TracyWidom(beta)
    assert law.support() == (-np.inf, np.inf)
    assert law.cdf(-np.inf) == 0.0 and law.cdf(np.inf) == 1.0
    assert np.isnan(law.cdf(np.nan))
    assert law.cdf(-30.0) == 0.0 and law.pdf(-30.0) == 0.0
    # beyond the table the survival function comes from the determinants directly
    far = np.array([17.0, 20.0])
    np.testing.assert_allclose(law.sf(far), fredholm_values(far, beta)["sf"], rtol=1e-12)
    assert np.all(law.sf(far) > 0) and np.all(np.isfinite(law.logpdf(far)))
    # density beyond the table against central differences of the direct sf (delta = 1e-4:
    # rounding 1e-13 / (delta |d log sf|) < 1e-8, truncation O(delta^2))
    delta = 1e-4
    slope = (fredholm_values(far - delta, beta)["sf"] - fredholm_values(far + delta, beta)["sf"])
    np.testing.assert_allclose(law.pdf(far), slope / (2 * delta), rtol=1e-5)
    assert law.pdf(17.0) < law.pdf(15.9) and law.sf(17.0) < law.sf(15.9)


@pytest.mark.parametrize("beta", BETAS)
def test_quantiles_invert_cdf_and_sf(beta):
    law = TracyWidom(beta)
    q = np.array([1e-15, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-9])
    # relative accuracy except far left, where the table holds F itself (absolute accuracy)
    np.testing.assert_allclose(law.cdf(law.ppf(q)), q, rtol=1e-12, atol=1e-20)
    tiny = np.array([1e-30, 1e-12, 1e-3])
    np.testing.assert_allclose(law.sf(law.isf(tiny)), tiny, rtol=1e-10)
    assert law.ppf(0.0) == -np.inf and law.ppf(1.0) == np.inf and law.isf(0.0) == np.inf


@settings(max_examples=40, deadline=None)
@given(st.floats(-9.0, 15.0), st.floats(0.0, 2.0), st.sampled_from(BETAS))
def test_cdf_monotone_and_complementary(s, step, beta):
    law = TracyWidom(beta)
    assert law.cdf(s) <= law.cdf(s + step) + 1e-15
    assert law.cdf(s) + law.sf(s) == pytest.approx(1.0, abs=1e-15)
    assert law.pdf(s) >= 0.0


@settings(max_examples=40, deadline=None)
@given(st.floats(1e-12, 1 - 1e-12), st.sampled_from(BETAS))
def test_ppf_roundtrip_property(q, beta):
    law = TracyWidom(beta)
    assert law.cdf(law.ppf(q)) == pytest.approx(q, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("beta", BETAS)
def test_rvs_follow_the_law_and_reject_a_neighbour(beta):
    """KS of 3000 inverse-cdf draws (fixed seed) against their own law (p > 0.001) and against
    the neighbouring beta (negative control, p < 1e-6)."""
    from scipy.stats import kstest

    law = TracyWidom(beta)
    draws = law.rvs(3000, random_state=7)
    assert kstest(draws, law.cdf).pvalue > 1e-3
    other = TracyWidom(2 if beta != 2 else 4)
    assert kstest(draws, other.cdf).pvalue < 1e-6
    assert np.array_equal(draws, law.rvs(3000, random_state=7))


@pytest.mark.parametrize("beta", [0, 3, 2.5, True, "2"])
def test_bad_beta(beta):
    with pytest.raises(InputError, match="beta"):
        TracyWidom(beta)


@pytest.mark.parametrize("q", [-0.1, 1.5, np.inf])
def test_bad_probability(q):
    with pytest.raises(InputError, match="q"):
        TracyWidom(2).ppf(q)
    with pytest.raises(InputError, match="q"):
        TracyWidom(2).isf([0.5, q])


def test_nan_probability_gives_nan():
    """The Law protocol: NaN in, NaN out (the other entries are unaffected)."""
    law = TracyWidom(2)
    assert np.isnan(law.ppf(np.nan)) and np.isnan(law.isf(np.nan))
    out = law.isf([1e-30, np.nan])
    assert np.isnan(out[1]) and law.sf(out[0]) == pytest.approx(1e-30, rel=1e-10)
