"""SLQ densities, Normalization, log spectrum, SubspaceIteration and deflation
(PAP-ALG-C3..C7): moments against trace moments, CDFs against exact spectra, negative controls."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rmtcheck.theory.papyan2020.lanczos import known_spectrum, reference_law, spectral_operator
from scipy.sparse.linalg import LinearOperator

from rmtcheck.errors import InputError
from rmtcheck.spectra.compare import ks_statistic
from rmtcheck.spectra.lanczos_subspace import deflate, subspace_iteration
from rmtcheck.spectra.slq import (
    Bounds,
    DiscreteSpectrum,
    log_spectrum_density,
    normalization,
    sigma_rule,
    slq_density,
)


def diag_op(lam: np.ndarray) -> LinearOperator:
    return LinearOperator((lam.size, lam.size), matvec=lambda v: lam * np.ravel(v), dtype=float)


def ks_tolerance(n: int, n_vec: int, steps: int) -> float:
    """The PAP-ALG-C3 card's threshold (Brownian-bridge Hutchinson term + smoothing term)."""
    return 3.2 / np.sqrt(n * n_vec) + 1.5 / steps


def test_sigma_rule_matches_the_papers_numbers():
    # spec PAP-ALG-C3: M = 128 -> 5.312e-3, 256 -> 2.646e-3, 2048 -> 3.30e-4 (kappa = 3)
    assert sigma_rule(128, 3.0) == pytest.approx(5.312e-3, abs=1e-6)
    assert sigma_rule(256, 3.0) == pytest.approx(2.646e-3, abs=1e-6)
    assert sigma_rule(2048, 3.0) == pytest.approx(3.30e-4, abs=1e-6)


@pytest.mark.parametrize("spectrum", ["mp", "semicircle", "spiked"])
def test_slq_moments_match_trace_moments(spectrum):
    """E_v[v^T B v / |v|^2] = tr(B)/n and Var = 2/(n+2) (tr(B^2)/n - (tr B/n)^2) for
    Gaussian v; Gauss quadrature with M steps is exact for B = A^k, k <= 2M - 1. So each
    quadrature moment is within 4 standard errors of tr(A^k)/n (chance ~ 6e-5 per check)."""
    n, n_vec = 600, 8
    lam = known_spectrum(n, spectrum)
    dens = slq_density(diag_op(lam), 40, n_vec, rng=np.random.default_rng(21))
    for k in range(1, 6):
        b = lam**k
        sd = np.sqrt(2 / (n + 2) * (np.mean(b**2) - np.mean(b) ** 2) / n_vec)
        assert abs(dens.moment(k) - np.mean(b)) <= 4 * sd + 1e-10 * np.mean(np.abs(b))


def test_slq_moment_check_rejects_another_matrix():
    """Negative control: the same 4-standard-error check rejects the SLQ moments of a
    spectrum scaled by 1.15."""
    n, n_vec = 600, 8
    lam = known_spectrum(n, "mp")
    dens = slq_density(diag_op(1.15 * lam), 40, n_vec, rng=np.random.default_rng(21))
    b = lam**2
    sd = np.sqrt(2 / (n + 2) * (np.mean(b**2) - np.mean(b) ** 2) / n_vec)
    assert abs(dens.moment(2) - np.mean(b)) > 4 * sd


def test_moment_z_scores_are_standard_over_seeds():
    """The Hutchinson variance formula is right: z-scores of the first moment over 60 seeds
    have mean ~ 0 (|mean| < 4/sqrt(60)) and variance within chi-square limits [0.5, 1.6]."""
    n = 300
    lam = known_spectrum(n, "mp")
    sd = np.sqrt(2 / (n + 2) * np.var(lam))
    z = [(slq_density(diag_op(lam), 20, rng=np.random.default_rng(s)).moment(1) - lam.mean()) / sd
         for s in range(60)]
    assert abs(np.mean(z)) < 4 / np.sqrt(60)
    assert 0.5 < np.var(z, ddof=1) < 1.6


@pytest.mark.parametrize(("spectrum", "basis"), [("mp", "diagonal"), ("semicircle", "haar"),
                                                   ("spiked", "diagonal")])
def test_slq_cdf_close_to_exact_spectrum(spectrum, basis):
    n, n_vec, steps = 800, 10, 64
    rng = np.random.default_rng(22)
    op, lam = spectral_operator(rng, n, spectrum, basis=basis)
    dens = slq_density(op, steps, n_vec, rng=rng)
    assert ks_statistic(dens.quantiles(n), DiscreteSpectrum(lam)) <= ks_tolerance(n, n_vec, steps)


@pytest.mark.parametrize(("other", "ratio"), [("mp", 0.7), ("semicircle", 0.5)])
def test_slq_density_of_a_different_matrix_is_rejected(other, ratio):
    """Negative control: SLQ of a different spectrum against the MP(0.5) reference fails the
    same KS threshold."""
    n, n_vec, steps = 2000, 10, 64
    rng = np.random.default_rng(23)
    op, _ = spectral_operator(rng, n, other, ratio=ratio, basis="diagonal")
    sample = slq_density(op, steps, n_vec, rng=rng).quantiles(n)
    assert ks_statistic(sample, reference_law(n, "mp", 0.5)) > ks_tolerance(n, n_vec, steps)


def test_density_on_grid_integrates_to_one_and_scales():
    """phi_lambda = phi_t / d integrates to 1 on the original scale; the CDF is monotone."""
    lam = known_spectrum(500, "spiked")
    for scale in (1.0, 1e3):
        dens = slq_density(diag_op(scale * lam), 64, 4, rng=np.random.default_rng(24))
        x, phi = dens.grid(4096)
        assert np.trapezoid(phi, x) == pytest.approx(1.0, abs=1e-3)
        f = dens.cdf(x)
        assert np.all(np.diff(f) >= -1e-15) and f[0] < 1e-6 and f[-1] > 1 - 1e-6


def test_explicit_bounds_are_used():
    lam = known_spectrum(300, "mp")
    b = Bounds(-1.0, 4.0)
    dens = slq_density(diag_op(lam), 32, rng=np.random.default_rng(25), bounds=b)
    assert dens.bounds == b
    assert dens.sigma == pytest.approx(sigma_rule(32) * 2.5)


@pytest.mark.parametrize("spectrum", ["mp", "spiked", "semicircle", "pareto", "levels", "wishart"])
def test_normalization_encloses_spectrum(spectrum):
    for seed in range(5):
        op, lam = spectral_operator(np.random.default_rng(seed), 400, spectrum)
        b = normalization(op, 32, 0.05, rng=np.random.default_rng(100 + seed))
        assert b.lower < lam[0] and lam[-1] < b.upper
        assert (b.upper - b.lower) < 1.5 * (lam[-1] - lam[0])  # not vacuous


def test_normalization_of_a_multiple_of_identity():
    b = normalization(3.0 * np.eye(5), rng=np.random.default_rng(26))
    assert b.lower < 3.0 < b.upper
    unit = b.normalized(3.0 * np.eye(5))
    assert np.all(np.abs(unit.matvec(np.ones(5))) < 1.0)  # the eigenvalue maps into (-1, 1)


def test_normalized_operator_maps_bounds_to_unit_interval():
    lam = known_spectrum(200, "semicircle")
    b = normalization(diag_op(lam), rng=np.random.default_rng(27))
    t = b.normalized(diag_op(lam)).matvec(np.ones(200))
    assert np.all(np.abs(t) < 1.0)
    assert np.allclose(b.center + b.half_width * t, lam)


@pytest.mark.parametrize("spectrum", ["pareto", "mp"])
def test_log_spectrum_cdf_close_to_exact(spectrum):
    n, n_vec, steps = 1000, 10, 128
    rng = np.random.default_rng(28)
    op, lam = spectral_operator(rng, n, spectrum, basis="diagonal")
    dens = log_spectrum_density(op, steps, n_vec, eps=1e-5, rng=rng)
    law = DiscreteSpectrum(np.log(np.abs(lam) + 1e-5))
    assert ks_statistic(dens.quantiles(n), law) <= 3.2 / np.sqrt(n * n_vec) + 3 / steps


def test_log_spectrum_rejects_a_shifted_spectrum():
    """Negative control: log-density of 1.3 x the spectrum is rejected (shift log 1.3)."""
    n, n_vec, steps = 1000, 10, 128
    lam = known_spectrum(n, "pareto")
    dens = log_spectrum_density(diag_op(1.3 * lam), steps, n_vec, rng=np.random.default_rng(29))
    law = DiscreteSpectrum(np.log(lam + 1e-5))
    assert ks_statistic(dens.quantiles(n), law) > 3.2 / np.sqrt(n * n_vec) + 3 / steps


def test_log_spectrum_jacobian_variant():
    lam = known_spectrum(300, "pareto")
    kw = {"steps": 64, "n_vec": 2, "eps": 0.0}
    plain = log_spectrum_density(diag_op(lam), rng=np.random.default_rng(30), **kw)
    jac = log_spectrum_density(diag_op(lam), rng=np.random.default_rng(30), jacobian=True, **kw)
    assert np.allclose(jac.weights, plain.weights * np.exp(-plain.nodes))
    with pytest.raises(InputError):
        jac.cdf(0.0)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.01, 100.0), st.integers(0, 2**32 - 1))
def test_log_spectrum_shifts_by_log_scale(scale, seed):
    """Scale covariance: with eps = 0, log-nodes of s A are those of A shifted by log s and
    the Gauss weights are unchanged (Lanczos is scale-equivariant)."""
    lam = known_spectrum(120, "mp")
    a = log_spectrum_density(diag_op(lam), 30, eps=0.0, rng=np.random.default_rng(seed))
    b = log_spectrum_density(diag_op(scale * lam), 30, eps=0.0, rng=np.random.default_rng(seed))
    assert np.allclose(b.nodes, a.nodes + np.log(scale), atol=1e-8)
    assert np.allclose(b.weights, a.weights, atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=3, max_size=40),
       st.integers(0, 2**32 - 1))
def test_slq_density_is_a_probability_and_first_moment_is_exact_mean(values, seed):
    """For any spectrum: weights >= 0 summing to 1, nodes inside the Normalization interval,
    and the quadrature mean equals v^T A v / |v|^2, whose average over the n_vec vectors
    lies in [lambda_min, lambda_max]."""
    lam = np.asarray(values)
    dens = slq_density(diag_op(lam), 10, 3, rng=np.random.default_rng(seed))
    assert np.all(dens.weights >= 0) and dens.weights.sum() == pytest.approx(1.0)
    tol = 1e-9 * (1 + np.max(np.abs(lam)))
    assert lam.min() - tol <= dens.moment(1) <= lam.max() + tol
    assert np.all(dens.nodes >= dens.bounds.lower - tol)
    assert np.all(dens.nodes <= dens.bounds.upper + tol)


def test_discrete_spectrum_law():
    law = DiscreteSpectrum([3.0, 1.0, 2.0, 2.0])
    assert np.allclose(law.cdf([0.5, 1.0, 2.0, 3.0]), [0.0, 0.25, 0.75, 1.0])
    assert np.allclose(law.ppf([0.1, 0.25, 0.3, 1.0]), [1.0, 1.0, 2.0, 3.0])
    assert law.support() == (1.0, 3.0) and law.moment(2) == pytest.approx(18 / 4)
    with pytest.raises(InputError):
        DiscreteSpectrum([])


def test_subspace_iteration_top_eigenpairs_and_sign():
    rng = np.random.default_rng(31)
    lam = np.concatenate([known_spectrum(300, "mp"), [-8.0, 6.0, 5.0]])
    op, _ = spectral_operator(rng, 1, "mp")  # exercise the helper on a tiny case too
    q, _ = np.linalg.qr(rng.standard_normal((lam.size, lam.size)))
    a = (q * lam) @ q.T
    a = 0.5 * (a + a.T)
    top = subspace_iteration(a, 3, 128, rng=rng)
    values, vectors = top.values, top.vectors
    assert np.allclose(top.residuals, 0.0, atol=1e-9) and top.iterations == 128
    assert np.allclose(values, [-8.0, 6.0, 5.0], rtol=1e-10)  # sign kept (ERR-17)
    assert np.allclose(a @ vectors, vectors * values, atol=1e-9)
    assert op.shape == (1, 1)


def test_subspace_iteration_without_iterations_is_inaccurate():
    """Negative control: T = 0 (a random subspace) is far from the top eigenvalues."""
    lam = known_spectrum(300, "spiked")
    values = subspace_iteration(diag_op(lam), 3, 0, rng=np.random.default_rng(32)).values
    assert np.max(np.abs(values - lam[::-1][:3])) > 1e-3


def test_deflation_replaces_top_eigenvalues_by_zero():
    rng = np.random.default_rng(33)
    lam = known_spectrum(200, "spiked")
    a = np.diag(lam)
    top = subspace_iteration(a, 3, 128, rng=rng)
    defl = deflate(a, top.values, top.vectors)
    dense = defl.matmat(np.eye(200))
    expected = np.sort(np.concatenate([lam[:-3], np.zeros(3)]))
    assert np.allclose(np.linalg.eigvalsh(0.5 * (dense + dense.T)), expected, atol=1e-10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: sigma_rule(1),
        lambda: sigma_rule(10, 1.0),
        lambda: slq_density(np.eye(4), 8, 0, rng=np.random.default_rng(0)),
        lambda: slq_density(np.eye(4), 8, 1),
        lambda: normalization(np.eye(4), 8, -0.1, rng=np.random.default_rng(0)),
        lambda: log_spectrum_density(np.eye(4), 8, eps=-1.0, rng=np.random.default_rng(0)),
        lambda: subspace_iteration(np.eye(4), 5, rng=np.random.default_rng(0)),
        lambda: subspace_iteration(np.eye(4), 2),
        lambda: deflate(np.eye(4), [1.0], np.ones((3, 1))),
        lambda: known_spectrum(10, "cauchy"),
    ],
)
def test_bad_input_raises_input_error(call):
    with pytest.raises(InputError):
        call()


def test_slq_is_deterministic_given_the_generator_and_clamps_steps():
    lam = known_spectrum(5, "mp")
    a = slq_density(diag_op(lam), 128, 3, rng=np.random.default_rng(40))
    b = slq_density(diag_op(lam), 128, 3, rng=np.random.default_rng(40))
    assert np.array_equal(a.nodes, b.nodes) and np.array_equal(a.weights, b.weights)
    assert a.nodes.size <= 15  # at most n = 5 Ritz values per start vector
    assert a.sigma == pytest.approx(sigma_rule(5) * a.bounds.half_width)
    assert np.max(np.abs(np.sort(a.nodes[:5]) - lam)) < 1e-10  # the full Krylov space
