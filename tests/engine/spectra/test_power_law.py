"""CSN power-law fit: closed form at fixed x_min, recovery, interval coverage, goodness of
fit with a negative control, agreement with the `powerlaw` package."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmtcheck.errors import InputError
from rmtcheck.spectra.power_law import fit_power_law


def pareto(rng, alpha, size, xmin=1.0):
    return xmin * (1.0 - rng.random(size)) ** (-1.0 / (alpha - 1.0))


def mixed(rng, alpha=2.5, n_tail=600, n_body=1400):
    """A Pareto tail above 1 and a uniform body on [0.2, 1)."""
    return np.concatenate([pareto(rng, alpha, n_tail), rng.uniform(0.2, 1.0, n_body)])


@given(st.integers(0, 10_000), st.floats(1.5, 5.0))
def test_fixed_xmin_is_the_closed_form_mle(seed, alpha):
    x = pareto(np.random.default_rng(seed), alpha, 200, xmin=2.0)
    fit = fit_power_law(x, xmin=2.0)
    assert fit.alpha == pytest.approx(1 + x.size / np.sum(np.log(x / 2.0)), rel=1e-12)
    assert fit.n_tail == x.size


def test_recovers_alpha_and_xmin_of_mixed_samples():
    """Over 5 seeds: alpha within 3 standard errors (alpha - 1) / sqrt(n_tail) of 2.5 and x_min
    in [0.9, 2.5] (the body ends at 1; CSN's x_min search often settles higher). Negative
    control: x_min fixed inside the body (0.2) biases alpha out of that band."""
    for seed in range(5):
        x = mixed(np.random.default_rng(seed))
        fit = fit_power_law(x)
        band = 3 * (fit.alpha - 1) / np.sqrt(fit.n_tail)
        assert abs(fit.alpha - 2.5) < band
        assert 0.9 <= fit.xmin <= 2.5
        assert abs(fit_power_law(x, xmin=0.2).alpha - 2.5) > band


def test_interval_coverage_over_seeds():
    """95 % interval at fixed x_min over 400 samples of 100: coverage within 3 binomial
    standard errors (0.033) of 0.95. Negative control: a half-width interval covers < 0.8."""
    rng = np.random.default_rng(1)
    hits, half_hits = 0, 0
    for _ in range(400):
        fit = fit_power_law(pareto(rng, 3.0, 100), xmin=1.0)
        hits += fit.alpha_low <= 3.0 <= fit.alpha_high
        mid, half = fit.alpha, (fit.alpha_high - fit.alpha_low) / 4
        half_hits += mid - half <= 3.0 <= mid + half
    assert abs(hits / 400 - 0.95) < 3 * np.sqrt(0.95 * 0.05 / 400)
    assert half_hits / 400 < 0.8


def test_goodness_of_fit_accepts_a_power_law_and_rejects_an_exponential():
    """CSN bootstrap (Sec. 4.1), 50 refits. A Pareto sample's p-value is uniform under the
    null: > 0.05 for this seed. Negative control: an exponential sample of 1000 points with
    x_min fixed at 0.5 (CSN's free x_min can hide a light tail in its last few points)
    gives p <= 0.05."""
    rng = np.random.default_rng(2)
    good = fit_power_law(pareto(rng, 2.5, 300), bootstrap=50, rng=3)
    bad = fit_power_law(rng.exponential(1.0, 1000), xmin=0.5, bootstrap=50, rng=4)
    assert good.p_value > 0.05
    assert bad.p_value <= 0.05
    assert good.n_bootstrap == bad.n_bootstrap == 50


def test_agrees_with_the_powerlaw_package():
    """Same MLE at a fixed x_min (1e-10) and, with the x_min search, alpha within one
    standard error (their KS compares to i / (n - 1) at each point, ours is the exact sup)."""
    powerlaw = pytest.importorskip("powerlaw")
    x = mixed(np.random.default_rng(5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fixed = powerlaw.Fit(x, xmin=1.2, verbose=False).power_law.alpha
        free = powerlaw.Fit(x, verbose=False)
    assert fit_power_law(x, xmin=1.2).alpha == pytest.approx(fixed, rel=1e-10)
    ours = fit_power_law(x, min_tail=2)
    assert abs(ours.alpha - free.power_law.alpha) < (ours.alpha - 1) / np.sqrt(ours.n_tail)


def test_bad_input():
    with pytest.raises(InputError):
        fit_power_law([1.0, np.nan, 2.0])
    with pytest.raises(InputError):
        fit_power_law(np.arange(1.0, 6.0), min_tail=10)
    with pytest.raises(InputError):
        fit_power_law(np.arange(1.0, 60.0), xmin=59.5)
