"""Edge constants and the Tracy–Widom largest-eigenvalue test: calibration under the null
(uniform p-values) and power against spikes and a wrong variance."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kstest

from rmtcheck.ensembles.laguerre import laguerre_top_eigenvalue
from rmtcheck.errors import InputError
from rmtcheck.laws.tracy_widom import TracyWidom
from rmtcheck.spectra.edge import EdgeTest, edge_test, wigner_edge, wishart_edge

P, N = 200, 400  # y = 1/2: BBP threshold 1 + sqrt(y) = 1.707 for the spike ell


def null_pvalues(draws: int, seed: int, beta: int = 1, var: float = 1.0) -> np.ndarray:
    """Edge-test p-values of lambda_max(X X^* / n) for ``draws`` null samples of variance
    ``var`` (tridiagonal sampler), tested against unit variance."""
    rng = np.random.default_rng(seed)
    tops = [var * laguerre_top_eigenvalue(P, N, rng, beta=beta) for _ in range(draws)]
    return np.array([edge_test([t], P, N, beta=beta).pvalue for t in tops])


def spiked_eigenvalues(ell: float, rng: np.random.Generator) -> np.ndarray:
    """Eigenvalues of X X^T / n with population covariance diag(ell, 1, ..., 1)."""
    x = rng.standard_normal((P, N))
    x[0] *= np.sqrt(ell)
    return np.linalg.eigvalsh(x @ x.T / N)


def test_wishart_edge_formula():
    a, b = np.sqrt(N - 0.5), np.sqrt(P - 0.5)
    mu, sigma = wishart_edge(P, N)
    assert mu == pytest.approx((a + b) ** 2 / N, rel=1e-15)
    assert sigma == pytest.approx((a + b) * (1 / a + 1 / b) ** (1 / 3) / N, rel=1e-15)
    # the edge tends to the Marchenko–Pastur edge (1 + sqrt(y))^2 var, sigma ~ n^(-2/3)
    mu_big, sigma_big = wishart_edge(10**8, 2 * 10**8, var=3.0)
    assert mu_big == pytest.approx(3.0 * (1 + np.sqrt(0.5)) ** 2, rel=1e-8)
    assert sigma_big * (2e8) ** (2 / 3) == pytest.approx(
        3.0 * (1 + np.sqrt(0.5)) * (1 + np.sqrt(2.0)) ** (1 / 3), rel=1e-6)
    assert wishart_edge(P, N, beta=2)[0] == pytest.approx((np.sqrt(N) + np.sqrt(P)) ** 2 / N)
    assert wigner_edge(1000) == (2.0, pytest.approx(1e-2))
    assert wigner_edge(1000, beta=4)[1] == pytest.approx(2 ** (-1 / 6) * 1e-2)
    with pytest.raises(InputError, match="beta"):
        wigner_edge(1000, beta=3)
    with pytest.raises(InputError, match="beta"):
        wishart_edge(P, N, beta=4)


@pytest.mark.parametrize("beta", [1, 2])
def test_null_pvalues_are_uniform(beta):
    """300 null draws at p = 200, n = 400: KS against U(0, 1), p > 0.01."""
    assert kstest(null_pvalues(300, seed=11 + beta, beta=beta), "uniform").pvalue > 0.01


@pytest.mark.slow
def test_null_pvalues_are_uniform_2000_draws():
    assert kstest(null_pvalues(2000, seed=2001), "uniform").pvalue > 0.01


def test_wrong_variance_is_rejected():
    """Negative control: data with variance 1.1 tested as variance 1 (edge shift 0.29, about
    7 sigma) give non-uniform p-values."""
    assert kstest(null_pvalues(300, seed=13, var=1.1), "uniform").pvalue < 1e-6


def test_spike_above_bbp_gives_tiny_pvalues():
    """ell = 3 > 1 + sqrt(1/2): the outlier sits near ell (1 + y / (ell - 1)) = 3.75, far beyond
    the edge 2.91 in units of sigma = 0.04 (Baik, Ben Arous & Peche 2005)."""
    rng = np.random.default_rng(17)
    pvalues = [edge_test(spiked_eigenvalues(3.0, rng), P, N).pvalue for _ in range(20)]
    assert max(pvalues) < 1e-8


def test_spike_below_bbp_sticks_to_the_edge():
    """ell = 1.3 < 1 + sqrt(1/2): lambda_max keeps the Tracy–Widom law (p-values uniform)."""
    rng = np.random.default_rng(19)
    pvalues = [edge_test(spiked_eigenvalues(1.3, rng), P, N).pvalue for _ in range(200)]
    assert kstest(pvalues, "uniform").pvalue > 0.01


def test_sequential_pvalues_count_one_spike():
    """With one spike the first p-value is tiny and the second (tested with dimension p - 1)
    behaves like a null p-value: mean 0.5 +- 0.1 over 100 draws (sd of the mean 0.03)."""
    rng = np.random.default_rng(23)
    results = [edge_test(spiked_eigenvalues(3.0, rng), P, N, k=2) for _ in range(100)]
    assert max(r.pvalues[0] for r in results) < 1e-8
    assert abs(np.mean([r.pvalues[1] for r in results]) - 0.5) < 0.1
    first = results[0]
    assert isinstance(first, EdgeTest) and first.statistics.shape == (2,)
    assert first.mu[1] == pytest.approx(wishart_edge(P - 1, N)[0])


def test_goe_top_eigenvalue_follows_tw1():
    """GOE with semicircle [-2, 2], n = 200, 300 draws: (lambda_max - 2) n^(2/3) against TW1 (KS
    p > 0.01) and not against TW2 (negative control)."""
    rng = np.random.default_rng(29)
    n = 200
    mu, sigma = wigner_edge(n)
    stats = []
    for _ in range(300):
        g = rng.standard_normal((n, n))
        stats.append((np.linalg.eigvalsh((g + g.T) / np.sqrt(2 * n))[-1] - mu) / sigma)
    assert kstest(stats, TracyWidom(1).cdf).pvalue > 0.01
    assert kstest(stats, TracyWidom(2).cdf).pvalue < 1e-6


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"beta": 4}, "beta"),
        ({"k": 0}, "k"),
        ({"k": P + 1}, "k"),
        ({"var": -1.0}, "var"),
        ({"eigs": [np.nan]}, "eigs"),
        ({"eigs": []}, "eigs"),
    ],
)
def test_bad_input(kwargs, name):
    args = {"eigs": [3.0], "p": P, "n": N, **kwargs}
    with pytest.raises(InputError, match=name):
        edge_test(**args)
