"""beta-Hermite ensembles: dense and tridiagonal samplers agree in law, fill the semicircle,
have Catalan moments, and their top eigenvalue follows Tracy–Widom."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp, kstest

from rmtcheck.ensembles.hermite import (
    hermite_eigvalsh,
    hermite_matrix,
    hermite_top_eigenvalue,
)
from rmtcheck.errors import InputError
from rmtcheck.laws.semicircle import Semicircle, catalan
from rmtcheck.laws.tracy_widom import TracyWidom
from rmtcheck.spectra.compare import ks_statistic
from rmtcheck.spectra.edge import wigner_edge


def per_draw(n: int, beta: float, method: str, draws: int, seed: int) -> np.ndarray:
    """(largest eigenvalue, eigenvalue of index n/4) of ``draws`` independent matrices: i.i.d.
    across draws, so a two-sample KS test has its nominal level."""
    rng = np.random.default_rng(seed)
    rows = [hermite_eigvalsh(n, beta, rng, method=method)[[-1, n // 4]] for _ in range(draws)]
    return np.array(rows)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_dense_and_tridiagonal_agree_in_law(beta):
    """Two-sample KS (400 draws each, n = 60) on the top eigenvalue and on the n/4-th one:
    p > 0.01 (a 1% false-rejection rate per statistic under the same law)."""
    dense = per_draw(60, beta, "dense", 400, seed=beta)
    tri = per_draw(60, beta, "tridiagonal", 400, seed=10 + beta)
    for column in range(2):
        assert ks_2samp(dense[:, column], tri[:, column]).pvalue > 0.01


def test_dense_vs_tridiagonal_rejects_a_different_beta():
    """Negative control: GOE against the beta = 2 tridiagonal model is rejected (p < 1e-6)."""
    dense = per_draw(60, 1, "dense", 400, seed=1)
    tri = per_draw(60, 2, "tridiagonal", 400, seed=12)
    assert ks_2samp(dense[:, 0], tri[:, 0]).pvalue < 1e-6


@pytest.mark.parametrize(("beta", "method"), [(1, "dense"), (2, "dense"),
                                              (4, "tridiagonal"), (0.5, "tridiagonal"),
                                              (7.0, "tridiagonal")])
def test_spectrum_fills_the_semicircle(beta, method):
    """One n = 1000 spectrum: sup |F_n - F| < 0.01 (the semicircle's finite-n corrections and
    the eigenvalue fluctuations are O(log n / n), a few 1e-3), and 0.01 is exceeded for radius
    2.1 (negative control, distance 0.0155)."""
    values = hermite_eigvalsh(1000, beta, np.random.default_rng(5), method=method)
    assert values.size == 1000
    assert ks_statistic(values, Semicircle()) < 0.01
    assert ks_statistic(values, Semicircle(2.1)) > 0.01


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_moments_are_catalan(beta):
    """(1/n) tr H^(2k), k = 1, 2, 3, averaged over 4 matrices of size 400 against C_k:
    within 0.05 C_k (finite-n corrections O(1/n) times small constants, fluctuations O(1/n));
    a 5% larger scale misses the fourth moment by 20%."""
    rng = np.random.default_rng(7)
    spectra = [hermite_eigvalsh(400, beta, rng) for _ in range(4)]
    for k in (1, 2, 3):
        moment = np.mean([np.mean(v ** (2 * k)) for v in spectra])
        assert abs(moment - catalan(k)) < 0.05 * catalan(k)
    scaled = np.mean([np.mean((1.05 * v) ** 4) for v in spectra])
    assert abs(scaled - catalan(2)) > 0.05 * catalan(2)


def test_gse_form_doubles_each_eigenvalue():
    h = hermite_matrix(30, 4, np.random.default_rng(1))
    assert h.shape == (60, 60) and np.allclose(h, h.conj().T)
    values = np.linalg.eigvalsh(h)
    np.testing.assert_allclose(values[::2], values[1::2], atol=1e-10)


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_top_eigenvalue_follows_tracy_widom(beta):
    """Tridiagonal n = 400, 1000 draws, rescaled by wigner_edge: KS against TW_beta p > 0.01;
    the same statistics against the neighbouring beta are rejected (p < 1e-6)."""
    rng = np.random.default_rng(100 + beta)
    n = 400
    mu, sigma = wigner_edge(n, beta)
    stats = (np.array([hermite_top_eigenvalue(n, beta, rng) for _ in range(1000)]) - mu) / sigma
    assert kstest(stats, TracyWidom(beta).cdf).pvalue > 0.01
    assert kstest(stats, TracyWidom(2 if beta != 2 else 1).cdf).pvalue < 1e-6


def test_top_eigenvalue_matches_the_full_spectrum():
    n, beta = 50, 2.5
    top = hermite_top_eigenvalue(n, beta, np.random.default_rng(3))
    full = hermite_eigvalsh(n, beta, np.random.default_rng(3), method="tridiagonal")
    assert top == pytest.approx(full[-1], abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"beta": 3}, "beta"), ({"beta": 0.0, "method": "tridiagonal"}, "beta"),
     ({"n": 0}, "n"), ({"method": "qr"}, "method")],
)
def test_bad_input(kwargs, name):
    args = {"n": 10, "beta": 1, **kwargs}
    with pytest.raises(InputError, match=name):
        hermite_eigvalsh(**args)
