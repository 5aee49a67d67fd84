"""Block Lanczos top eigenpairs: they match eigh on small matrices and on an FC-net Gramian,
their residuals meet the tolerance, and a run stopped early does not claim convergence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.fc_net import init_fc_net
from rmtcheck.errors import InputError
from rmtcheck.spectra.block_krylov import top_eigenpairs
from rmtcheck.spectra.gramian import gramian
from rmtcheck.spectra.gramian_product import gramian_operator


def psd(n, seed, decay):
    rng = np.random.default_rng(seed)
    q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    lam = np.arange(1, n + 1, dtype=float) ** -decay
    return (q * lam) @ q.T, lam


def check(res, A, k, tol):
    """Residual bound, orthonormality, and each value within its residual of an eigenvalue."""
    exact = np.linalg.eigvalsh(A)[::-1][:k]
    v = res.vectors
    assert res.converged
    assert np.allclose(v.T @ v, np.eye(k), atol=1e-10)
    true_res = np.linalg.norm(A @ v - v * res.values, axis=0)
    assert true_res.max() <= tol * res.values[0] * (1 + 1e-6) + 1e-12 * exact[0]
    # Ritz values of the top-k block interlace below the eigenvalues; with residuals r the
    # error of a converged pair is at most r (Weyl), so |theta_i - lambda_i| <= max r.
    assert np.abs(res.values - exact).max() <= tol * exact[0] + 1e-12 * exact[0]


@given(n=st.integers(5, 80), seed=st.integers(0, 10**6), decay=st.floats(0.5, 3.0),
       frac=st.floats(0.05, 0.5), block=st.integers(1, 12))
@settings(max_examples=30, deadline=None)
def test_matches_eigh_on_random_psd(n, seed, decay, frac, block):
    A, _ = psd(n, seed, decay)
    k = max(1, int(frac * n))
    res = top_eigenpairs(A, k, rng=np.random.default_rng(seed), block=min(block, n), tol=1e-8,
                         max_blocks=10 * n)
    check(res, A, k, 1e-8)


def test_repeated_eigenvalues_and_restarts():
    """A 3-fold top eigenvalue with block 1 and a basis cap that forces thick restarts."""
    rng = np.random.default_rng(4)
    q = np.linalg.qr(rng.standard_normal((60, 60)))[0]
    lam = np.concatenate([[5.0, 5.0, 5.0], np.linspace(2.0, 0.01, 57)])
    A = (q * lam) @ q.T
    res = top_eigenpairs(A, 5, rng=rng, block=1, tol=1e-9, max_basis=12, max_blocks=2000)
    check(res, A, 5, 1e-9)


def test_gramian_operator_top_pairs_match_dense_eigh():
    rng = np.random.default_rng(2)
    net = init_fc_net(2, 16, 4, rng)
    X = rng.random((300, 2))
    G = gramian(net, X)
    res = top_eigenpairs(gramian_operator(net, X), 40, rng=rng, block=20, tol=1e-6)
    check(res, G, 40, 1e-6)


def test_early_stop_is_not_converged():
    """Negative control: one block of a slowly decaying spectrum cannot meet the tolerance,
    and the run says so (its residual exceeds tol) instead of returning as converged."""
    A, lam = psd(200, 1, 0.5)
    res = top_eigenpairs(A, 20, rng=np.random.default_rng(0), block=20, tol=1e-8,
                         max_blocks=1)
    assert not res.converged
    assert res.residuals.max() > 1e-8 * res.values[0]


def test_bad_input():
    A, _ = psd(10, 0, 1.0)
    rng = np.random.default_rng(0)
    with pytest.raises(InputError, match="k"):
        top_eigenpairs(A, 11, rng=rng)
    with pytest.raises(InputError, match="rng"):
        top_eigenpairs(A, 2, rng=0)
    with pytest.raises(InputError, match="tol"):
        top_eigenpairs(A, 2, rng=rng, tol=0.0)
    with pytest.raises(InputError, match="max_basis"):
        top_eigenpairs(A, 4, rng=rng, block=4, max_basis=5)


def test_basis_filling_the_space_stays_orthonormal():
    """N = 300 points, k = 201 with blocks of 100: the basis fills all 300 dimensions while
    the FC Gramian's tail is at rounding level, so the orthogonalised blocks shrink by ~1e-16;
    re-orthogonalising the normalised columns keeps Q^T Q = I (without that pass: 1.7e-6 and
    residuals stuck at 5e-8 lambda_1, not converged), and the pairs meet tol 1e-10."""
    rng = np.random.default_rng(3)
    net = init_fc_net(2, 16, 6, rng)
    X = rng.random((300, 2))
    res = top_eigenpairs(gramian_operator(net, X), 201, rng=rng, block=100, tol=1e-10)
    assert res.converged and res.basis == 300
    assert np.abs(res.vectors.T @ res.vectors - np.eye(201)).max() < 1e-12
    assert res.residuals.max() <= 1e-10 * res.values[0]
