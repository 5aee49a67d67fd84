"""Deflated SLQ (PAP-ALG-C7 with projected probes) and the block SubspaceIteration behind it
(PAP-ALG-C6): Theorem 8.1 masses, exact spectra, memory, early stopping, negative controls."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import rmtcheck.theory.papyan2020.fim as fim
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import LinearOperator

from rmtcheck.errors import InputError
from rmtcheck.spectra.deflated_slq import complement_mass_se, deflated_slq
from rmtcheck.spectra.lanczos_subspace import project_out, subspace_iteration
from rmtcheck.spectra.slq import DiscreteSpectrum, level_masses, slq_density

T, ALPHA = 3.0, 0.3


def masses_agree(masses: np.ndarray, share: np.ndarray, se: np.ndarray) -> bool:
    """|mass - share| <= 4 SE + 1e-12 for every level (4 SE: two-sided false alarm ~6e-5)."""
    return bool(np.all(np.abs(masses - share) <= 4.0 * se + 1e-12))


def thm81_case(D: int, C: int, n_vec: int, seed: int):
    op = fim.expected_fim_operator(D, C, T, ALPHA)
    values, mults = fim.thm81_levels(D, C, T, ALPHA)
    ds = deflated_slq(op, C * (C - 1), n_vec=n_vec, rng=np.random.default_rng(seed))
    return ds, values, mults


def test_block_matmat_of_the_lemma_8_1_operator_equals_the_dense_matrix():
    op = fim.expected_fim_operator(9, 4, 1.7, 0.4)
    x = np.random.default_rng(0).standard_normal((36, 7))
    dense = fim.expected_fim(9, 4, 1.7, 0.4)
    assert np.allclose(op.matmat(x), dense @ x, atol=1e-14)
    assert np.allclose(op.matmat(np.asfortranarray(x)), dense @ x, atol=1e-14)


def test_deflated_slq_recovers_theorem_8_1_levels_and_masses():
    D, C, n_vec = 60, 6, 6
    n = D * C
    ds, values, mults = thm81_case(D, C, n_vec, 1)
    # the deflated pairs are the outliers (C) and mini-bulk (C(C-2)) exactly
    assert np.allclose(np.sort(ds.top.values)[::-1], np.repeat(values[:2], mults[:2]), atol=1e-9)
    assert ds.top.residuals.max() <= 1e-8 * values.max()
    masses, stray = ds.level_masses(values, 1e-7 * values.max())
    assert stray < 1e-12
    assert np.allclose(masses[:2], mults[:2] / n, rtol=1e-13, atol=0)   # exact, no probe noise
    assert masses_agree(masses, mults / n, complement_mass_se(mults, 2, n_vec))
    # negative control: a wrong mini-bulk multiplicity C(C-1) (the Sec. 1.6 schematic count)
    wrong = mults.astype(float).copy()
    wrong[1], wrong[2] = C * (C - 1), wrong[2] - C
    assert not masses_agree(masses, wrong / n, complement_mass_se(mults, 2, n_vec))


def test_plain_slq_cannot_resolve_the_smallest_levels_that_deflation_makes_exact():
    """At n = 1800 and 4 probes, the outlier mass (share 1/180) has SE ~ 24 % relative in plain
    SLQ; deflation makes it exact. Compare the errors of both on the same seed."""
    D, C, n_vec = 300, 6, 4
    n = D * C
    values, mults = fim.thm81_levels(D, C, T, ALPHA)
    plain = slq_density(fim.expected_fim_operator(D, C, T, ALPHA), 128, n_vec,
                        rng=np.random.default_rng(2))
    m_plain, _ = level_masses(plain, values, 1e-7 * values.max())
    ds, _, _ = thm81_case(D, C, n_vec, 2)
    m_defl, _ = ds.level_masses(values, 1e-7 * values.max())
    assert np.abs(m_defl[0] - mults[0] / n) < 1e-15
    assert np.abs(m_plain[0] - mults[0] / n) > 1e-3 * mults[0] / n


def test_deflated_cdf_matches_the_exact_spectrum_of_a_spiked_matrix():
    """A = Wishart bulk + 5 outliers; KS(deflated CDF, exact) below the SLQ Hutchinson term
    3.2 / sqrt(n n_vec) plus the smoothing term 1.5 / M (the PAP-ALG-C3 threshold)."""
    rng = np.random.default_rng(3)
    n, n_vec, steps = 400, 8, 64
    x = rng.standard_normal((n, 2 * n)) / np.sqrt(2 * n)
    a = x @ x.T
    q = np.linalg.qr(rng.standard_normal((n, 5)))[0]
    a += (q * np.array([30.0, 25.0, 20.0, 15.0, 10.0])) @ q.T
    lam = np.linalg.eigvalsh(a)
    ds = deflated_slq(a, 5, steps, n_vec, rng=rng)
    assert np.allclose(np.sort(ds.top.values), lam[-5:], rtol=1e-9)
    exact = DiscreteSpectrum(lam)
    grid = np.linspace(lam[0] - 0.1, lam[-1] + 0.1, 4000)
    ks = np.abs(ds.cdf(grid) - exact.cdf(grid)).max()
    assert ks < 3.2 / np.sqrt(n * n_vec) + 1.5 / steps
    # negative control: the same CDF against a spectrum with the outliers moved by +20 %
    moved = DiscreteSpectrum(np.concatenate([lam[:-5], 1.2 * lam[-5:]]))
    assert np.abs(ds.cdf(grid) - moved.cdf(grid)).max() >= 1.0 / n


def test_projected_operator_maps_the_deflated_space_to_zero_and_keeps_the_rest():
    rng = np.random.default_rng(4)
    lam = np.linspace(1.0, 10.0, 50)
    top = subspace_iteration(np.diag(lam), 4, 300, rng=rng)
    dense = project_out(np.diag(lam), top.vectors).matmat(np.eye(50))
    got = np.linalg.eigvalsh(0.5 * (dense + dense.T))
    assert np.allclose(got, np.sort(np.concatenate([lam[:-4], np.zeros(4)])), atol=1e-9)


def test_subspace_iteration_stops_early_at_the_residual_tolerance():
    lam = np.concatenate([np.linspace(0.0, 1.0, 500), [4.0, 3.0, 2.5]])
    a = np.diag(lam)
    top = subspace_iteration(a, 3, 500, rng=np.random.default_rng(5), tol=1e-10, check_every=4)
    assert top.iterations < 500 and top.iterations % 4 == 0
    assert top.residuals.max() <= 1e-10 * 4.0
    assert np.allclose(top.values, [4.0, 3.0, 2.5], rtol=1e-12)
    # negative control: without tol it runs every iteration
    assert subspace_iteration(a, 3, 40, rng=np.random.default_rng(5)).iterations == 40


def test_subspace_iteration_holds_one_block_in_memory():
    """Traced peak: the block (n k 8 bytes) plus at most five chunk-sized temporaries (A Q of two
    chunks, the residual's two), here 1.4 blocks; numpy's QR alone would hold three blocks
    (input copy, Householder factors, Q)."""
    n, k, chunk = 200_000, 48, 4
    lam = np.ones(n)
    lam[:k] = np.arange(k, 0, -1) + 10.0
    diag = LinearOperator((n, n), matvec=lambda v: lam * np.ravel(v),
                          matmat=lambda x: lam[:, None] * x, dtype=float)
    tracemalloc.start()
    subspace_iteration(diag, k, 3, rng=np.random.default_rng(6), chunk=chunk)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < (n * k + 5 * n * chunk) * 8 < 1.5 * n * k * 8


@settings(max_examples=25, deadline=None)
@given(n=st.integers(6, 60), k=st.integers(1, 5), rank=st.integers(1, 5), seed=st.integers(0, 99))
def test_subspace_iteration_is_orthonormal_even_for_rank_deficient_operators(n, k, rank, seed):
    """k may exceed the rank: the shifted Cholesky QR keeps the block orthonormal."""
    rng = np.random.default_rng(seed)
    b = rng.standard_normal((n, min(rank, n)))
    top = subspace_iteration(b @ b.T, min(k, n), 30, rng=rng)
    v = top.vectors
    assert np.all(np.isfinite(v))
    assert np.allclose(v.T @ v, np.eye(v.shape[1]), atol=1e-8)


@pytest.mark.parametrize("call", [
    lambda: deflated_slq(np.eye(4), 4, rng=np.random.default_rng(0)),
    lambda: deflated_slq(np.eye(4), 0, rng=np.random.default_rng(0)),
    lambda: subspace_iteration(np.eye(4), 2, tol=0.0, rng=np.random.default_rng(0)),
    lambda: subspace_iteration(np.eye(4), 2, chunk=0, rng=np.random.default_rng(0)),
    lambda: project_out(np.eye(4), np.ones((3, 1))),
])
def test_bad_input_raises_input_error(call):
    with pytest.raises(InputError):
        call()


def test_subspace_iteration_handles_a_wide_range_of_wanted_eigenvalues():
    """|lambda| from 1e6 down to 1 in the block: column scaling keeps Cholesky QR accurate."""
    lam = np.concatenate([np.linspace(0.0, 0.1, 300), [1e6, 1e3, 1.0]])
    top = subspace_iteration(np.diag(lam), 3, 60, rng=np.random.default_rng(7))
    assert np.allclose(top.values, [1e6, 1e3, 1.0], rtol=1e-10)
    assert np.allclose(top.vectors.T @ top.vectors, np.eye(3), atol=1e-12)
