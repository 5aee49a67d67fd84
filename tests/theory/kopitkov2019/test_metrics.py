"""Alignment metrics of spec Sec. 2.3 (NTK-MET-1..6, eq. A22): identities and invariants."""

import numpy as np
import pytest
import rmtcheck.theory.kopitkov2019.metrics as met
from hypothesis import given, settings
from hypothesis import strategies as st
from rmtcheck.theory.kopitkov2019.dynamics import eig_desc

from rmtcheck.errors import InputError


def random_psd(seed, n, rank=None):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((rank or n, n))
    return A.T @ A, rng


@given(st.integers(0, 10**6), st.integers(2, 30))
@settings(max_examples=50, deadline=None)
def test_relative_energy_invariants(seed, n):
    G, rng = random_psd(seed, n)
    e = eig_desc(G)
    phi = rng.standard_normal(n)
    E = met.relative_energy(e.vectors, phi, np.arange(1, n + 1))
    assert np.all(np.diff(E) >= -1e-12) and abs(E[-1] - 1.0) < 1e-12     # monotone, total 1
    flipped = e.vectors * np.where(rng.random(n) < 0.5, -1.0, 1.0)      # sign invariance
    assert np.allclose(met.relative_energy(flipped, phi, np.arange(1, n + 1)), E)
    assert np.allclose(met.relative_energy(e.vectors, 3.7 * phi, [1, n]), E[[0, -1]])
    k = int(rng.integers(1, n + 1))
    assert abs(met.relative_energy(e.vectors, e.vectors[:, k - 1], k) - 1.0) < 1e-12
    if k > 1:
        assert met.relative_energy(e.vectors, e.vectors[:, k - 1], k - 1) < 1e-12
    angle = met.alignment_angle(E[k - 1])
    assert abs(np.cos(angle) ** 2 - E[k - 1]) < 1e-12                    # poster: cos^2


def test_energy_rank_is_the_smallest_k_reaching_the_share():
    G, rng = random_psd(1, 40)
    e = eig_desc(G)
    phi = rng.standard_normal(40)
    E = met.relative_energy(e.vectors, phi, np.arange(1, 41))
    for eps in (0.5, 0.1, 0.01, 0.0):
        k = met.energy_rank(e.vectors, phi, eps)
        assert E[k - 1] >= 1 - eps - 1e-12 and (k == 1 or E[k - 2] < 1 - eps)


def test_first_order_error_is_zero_for_the_linear_model_and_detects_a_bad_step():
    G, rng = random_psd(2, 20)
    m = rng.standard_normal(20)
    delta = 0.3
    exact = -delta / 20 * G @ m
    err, cos = met.first_order_error(exact, G, m, delta)
    assert err < 1e-14 and abs(cos - 1) < 1e-14
    err, cos = met.first_order_error(1.1 * exact, G, m, delta)           # control
    assert abs(err - 0.1 / 1.1) < 1e-12 and abs(cos - 1) < 1e-12


@given(st.integers(0, 10**6), st.integers(3, 25))
@settings(max_examples=40, deadline=None)
def test_quadratic_forms_match_direct_products(seed, n):
    G, rng = random_psd(seed, n, rank=n - 1)                             # singular
    e = eig_desc(G)
    y = rng.standard_normal(n)
    yGy, yGinv = met.quadratic_forms(e.values, e.vectors, y)
    assert abs(yGy - y @ G @ y) <= 1e-9 * abs(y @ G @ y)
    pinv = np.linalg.pinv(G, rcond=1e-8, hermitian=True)
    assert abs(yGinv - y @ pinv @ y) <= 1e-6 * abs(y @ pinv @ y)


def test_stability_numbers():
    vals = np.array([400.0, 100.0, 1.0])
    s = met.stability(vals, delta=1.0, n=100)
    assert s["boundary"] == 0.5 and s["ratio"] == 4.0
    assert np.allclose(s["balancing"], [4.0, 1.0, 0.01])


def test_spectrum_preservation_of_identical_and_rotated_bases():
    G, rng = random_psd(3, 12)
    e = eig_desc(G)
    assert abs(met.spectrum_preservation(e.vectors, e.vectors, 3, 3) - 1.0) < 1e-12
    assert met.spectrum_preservation(e.vectors, e.vectors, 4, 3) < 1e-12


def test_sampled_fourier_on_a_grid_is_the_dft():
    """On the n x n grid x = j/n, eq. A22 equals the 2-D DFT divided by N = n^2."""
    n = 16
    g = np.arange(n) / n
    X = np.array([(a, b) for b in g for a in g])
    rng = np.random.default_rng(4)
    phi = rng.standard_normal(n * n)
    img = met.sampled_fourier(X, phi, 5)
    dft = np.abs(np.fft.fft2(phi.reshape(n, n))) / n**2                 # rows: x2, cols: x1
    idx = np.arange(-5, 6) % n
    assert np.allclose(img, dft[np.ix_(idx, idx)], atol=1e-12)


def test_frequency_centroid_orders_a_low_and_a_high_frequency_wave():
    rng = np.random.default_rng(5)
    X = rng.random((3000, 2))
    lo = np.cos(2 * np.pi * 2 * X[:, 0])
    hi = np.cos(2 * np.pi * 7 * X[:, 1])
    c_lo = met.frequency_centroid(met.sampled_fourier(X, lo, 10), lo @ lo, 3000)
    c_hi = met.frequency_centroid(met.sampled_fourier(X, hi, 10), hi @ hi, 3000)
    assert abs(c_lo - 2) < 0.5 and abs(c_hi - 7) < 0.5


def test_grid_interpolation_reproduces_a_linear_function():
    rng = np.random.default_rng(6)
    X = np.vstack([rng.random((400, 2)), [[0, 0], [0, 1], [1, 0], [1, 1]]])
    img = met.to_grid(X, 2 * X[:, 0] - X[:, 1] + 0.5, 9)
    g = np.linspace(0, 1, 9)
    gx, gy = np.meshgrid(g, g)
    assert np.allclose(img, 2 * gx - gy + 0.5, atol=1e-12)


def test_bad_input():
    G, _ = random_psd(0, 5)
    e = eig_desc(G)
    with pytest.raises(InputError):
        met.relative_energy(e.vectors, np.zeros(5), 2)
    with pytest.raises(InputError):
        met.relative_energy(e.vectors, np.ones(5), 6)
    with pytest.raises(InputError):
        met.energy_rank(e.vectors, np.ones(5), 1.5)


def test_grid_fourier_agrees_with_the_sampled_transform_for_a_smooth_function():
    """App. G (grid + FFT) and eq. A22 (sum over samples) estimate the same transform; for a
    smooth periodic phi both are within the Monte-Carlo error ~ |phi| / sqrt(N) of each other."""
    rng = np.random.default_rng(7)
    X = rng.random((4000, 2))
    phi = np.cos(2 * np.pi * (2 * X[:, 0] + X[:, 1]))
    a = met.grid_fourier(X, phi, 64, 4)
    b = met.sampled_fourier(X, phi, 4)
    assert np.abs(a - b).max() < 3 / np.sqrt(4000)
    assert abs(a[4 + 1, 4 + 2] - 0.5) < 0.02          # the peak sits at xi = (2, 1)
    with pytest.raises(InputError):
        met.grid_fourier(X, phi, 8, 4)                 # kmax must stay below size / 2
