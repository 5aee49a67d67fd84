"""BBP map of the rectangular additive spiked model: closed-form identities and a simulation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmtcheck.errors import InputError
from rmtcheck.laws.bbp import bbp_eigenvalue, bbp_strength, bbp_threshold
from rmtcheck.testing.spike_calibration import spiked_matrix

ratios = st.floats(0.01, 1.0)
variances = st.floats(0.05, 20.0)


@given(ratios, variances, st.floats(1.001, 50.0))
def test_strength_inverts_eigenvalue_above_threshold(y, var, factor):
    theta = factor * bbp_threshold(y, var)
    assert float(bbp_strength(bbp_eigenvalue(theta, y, var), y, var)) == pytest.approx(
        theta, rel=1e-7)


@given(ratios, variances, st.floats(0.0, 1.0))
def test_below_threshold_sticks_to_edge_and_is_not_invertible(y, var, factor):
    theta = factor * bbp_threshold(y, var)
    edge = var * (1 + np.sqrt(y)) ** 2
    assert float(bbp_eigenvalue(theta, y, var)) == pytest.approx(edge, rel=1e-12)
    assert np.isnan(bbp_strength(edge * (1 - 1e-9), y, var))


@given(ratios, variances)
def test_map_is_continuous_and_increasing_at_threshold(y, var):
    tc = bbp_threshold(y, var)
    values = bbp_eigenvalue(tc * np.array([1.0, 1.01, 1.1, 2.0]), y, var)
    assert np.all(np.diff(values) > 0)
    assert values[0] == pytest.approx(var * (1 + np.sqrt(y)) ** 2, rel=1e-12)


def test_outlier_location_matches_simulation_and_rejects_the_uncorrected_map():
    """Spikes 1.5 and 3 at 500 x 1000, mean of the two outliers over 6 draws. The outlier's
    leading fluctuation is the cross term 2 theta u^T Z v / sqrt(n), sd 2 theta / sqrt(n)
    (BGN 2012, Sec. 3); tolerance 4 sd of the mean. Negative control: the map without the
    noise correction, lambda = 1 + theta^2, misses by (1 + theta^2) y / theta^2 (0.72, 0.56)."""
    rng = np.random.default_rng(7)
    p, n, thetas, draws = 500, 1000, np.array([3.0, 1.5]), 6
    tops = []
    for _ in range(draws):
        x = spiked_matrix(p, n, list(thetas), rng)
        tops.append(np.sort(np.linalg.eigvalsh(x @ x.T / n))[::-1][:2])
    mean = np.mean(tops, axis=0)
    tolerance = 4 * 2 * thetas / np.sqrt(n * draws)
    assert np.all(np.abs(mean - bbp_eigenvalue(thetas, p / n)) < tolerance)
    assert np.all(np.abs(mean - (1 + thetas**2)) > tolerance)


def test_bad_ratio():
    with pytest.raises(InputError):
        bbp_threshold(1.5)
    with pytest.raises(InputError):
        bbp_eigenvalue(1.0, 0.5, var=-1.0)


@given(ratios, variances, st.floats(1.001, 30.0))
def test_agrees_with_the_spiked_covariance_map(y, var, factor):
    """ell = 1 + t^2: sigma^2 ell (1 + y / (ell - 1)) (Baik & Silverstein 2006)."""
    theta = factor * bbp_threshold(y, var)
    ell = 1 + theta**2 / var
    assert float(bbp_eigenvalue(theta, y, var)) == pytest.approx(
        var * ell * (1 + y / (ell - 1)), rel=1e-12)
