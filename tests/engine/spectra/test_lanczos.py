"""SlowLanczos / FastLanczos (PAP-ALG-C1, C2): Ritz values against eigvalsh, residual bounds,
breakdown, ghosts, seeding, operator kinds and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.linalg import aslinearoperator

from rmtcheck.errors import InputError
from rmtcheck.spectra.interlacing import cauchy_interlacing_margin
from rmtcheck.spectra.lanczos import as_operator, fast_lanczos, slow_lanczos

EPS = np.finfo(float).eps


def rotated(lam: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Q diag(lam) Q^T with Q Haar, symmetrized exactly."""
    q, r = np.linalg.qr(rng.standard_normal((lam.size, lam.size)))
    a = (q * np.sign(np.diag(r)) * lam) @ (q * np.sign(np.diag(r))).T
    return 0.5 * (a + a.T)


def goe(n: int, rng: np.random.Generator) -> np.ndarray:
    g = rng.standard_normal((n, n))
    return (g + g.T) / np.sqrt(2 * n)


def test_slow_lanczos_full_run_returns_the_spectrum():
    rng = np.random.default_rng(1)
    a = goe(80, rng)
    res = slow_lanczos(a, rng=rng)
    lam = np.linalg.eigvalsh(a)
    assert res.steps == 80
    # full reorthogonalization: T_n is A in the Krylov basis, backward-stable to ~ n eps ||A||
    assert np.max(np.abs(res.values - lam)) < 80 * EPS * 10 * np.max(np.abs(lam))


def test_basis_is_orthonormal_and_residual_identity_holds():
    rng = np.random.default_rng(2)
    a = goe(150, rng)
    res = slow_lanczos(a, 40, rng=rng)
    v = res.basis
    assert np.max(np.abs(v @ v.T - np.eye(40))) < 1e-12
    assert np.allclose(v @ a @ v.T, res.tridiagonal(), atol=1e-12)
    x = res.ritz_vectors()
    true_res = np.linalg.norm(a @ x - x * res.values, axis=0)
    # ||A V y - theta V y|| = beta_M |y_M| (ERR-16), up to rounding
    assert np.allclose(true_res, res.residuals, atol=1e-12)
    lam = np.linalg.eigvalsh(a)
    dist = np.min(np.abs(res.values[:, None] - lam), axis=1)
    assert np.all(dist <= res.residuals + 1e-13)


def test_residual_bound_is_not_vacuous():
    """Negative control: a tenth of the residual no longer bounds the distance of the
    unconverged interior Ritz values, so the inequality checks something."""
    rng = np.random.default_rng(3)
    a = goe(300, rng)
    res = fast_lanczos(a, 30, rng=rng)
    dist = np.min(np.abs(res.values[:, None] - np.linalg.eigvalsh(a)), axis=1)
    assert np.all(dist <= res.residuals + 1e-13)
    assert np.any(dist > res.residuals / 10)


def test_fast_lanczos_extremes_match_eigvalsh():
    rng = np.random.default_rng(4)
    lam = np.concatenate([np.linspace(0.0, 1.0, 398), [2.0, 3.0]])
    res = fast_lanczos(rotated(lam, rng), 60, rng=rng)
    assert abs(res.values[-1] - 3.0) <= res.residuals[-1] + 1e-12
    assert abs(res.values[-1] - 3.0) < 1e-10  # well separated: converged to rounding
    assert abs(res.values[0] - 0.0) <= res.residuals[0] + 1e-12


@pytest.mark.parametrize("run", [slow_lanczos, fast_lanczos])
def test_breakdown_on_four_distinct_eigenvalues(run):
    rng = np.random.default_rng(5)
    levels = np.array([-1.0, 0.5, 2.0, 3.0])
    a = rotated(np.repeat(levels, 50), rng)
    res = run(a, 100, rng=rng)
    assert res.breakdown and res.steps == 4
    assert res.beta[-1] < 1e-10 * np.max(np.abs(levels))
    assert np.max(np.abs(res.values - levels)) < 1e-12
    assert np.allclose(res.residuals, 0.0, atol=1e-12)


def test_eigenvector_start_breaks_down_at_once():
    a = np.diag([1.0, 2.0, 3.0])
    res = fast_lanczos(a, 3, v0=[0.0, 5.0, 0.0])
    assert res.steps == 1 and res.breakdown and res.values[0] == 2.0


def test_no_breakdown_on_distinct_spectrum_before_n():
    """Negative control for the breakdown test: distinct eigenvalues give no early stop."""
    rng = np.random.default_rng(6)
    res = slow_lanczos(rotated(np.linspace(1, 2, 60), rng), 30, rng=rng)
    assert not res.breakdown and res.steps == 30


def test_ghosts_fast_has_them_slow_does_not():
    """Loss of orthogonality duplicates converged extremes (App. C.5)."""
    lam = np.concatenate([np.linspace(0.0, 1.0, 298), [2.0, 3.0]])
    counts = {}
    for run in (fast_lanczos, slow_lanczos):
        res = run(np.diag(lam), 150, rng=np.random.default_rng(7))
        counts[run.__name__] = int(np.sum(np.abs(res.values - 3.0) < 1e-8))
    assert counts["fast_lanczos"] >= 2
    assert counts["slow_lanczos"] == 1


def test_same_generator_seed_same_result_other_seed_differs():
    a = goe(50, np.random.default_rng(8))
    r1 = fast_lanczos(a, 20, rng=np.random.default_rng(9))
    r2 = fast_lanczos(a, 20, rng=np.random.default_rng(9))
    r3 = fast_lanczos(a, 20, rng=np.random.default_rng(10))
    assert np.array_equal(r1.alpha, r2.alpha) and np.array_equal(r1.beta, r2.beta)
    assert not np.allclose(r1.alpha, r3.alpha)


def test_operator_kinds_agree():
    a = goe(40, np.random.default_rng(11))
    kinds = [a, sp.csr_matrix(a), aslinearoperator(a), (lambda v: a @ v)]
    out = [fast_lanczos(k, 15, rng=np.random.default_rng(12), shape=(40, 40)).values for k in kinds]
    for values in out[1:]:
        assert np.allclose(values, out[0], rtol=0, atol=1e-13)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: fast_lanczos(np.ones((3, 4)), 2, rng=np.random.default_rng(0)), "matrix"),
        (lambda: fast_lanczos(np.triu(np.ones((3, 3))), 2, rng=np.random.default_rng(0)), "matrix"),
        (lambda: fast_lanczos(np.full((2, 2), np.nan), 2, rng=np.random.default_rng(0)), "matrix"),
        (lambda: fast_lanczos(lambda v: v, 2, rng=np.random.default_rng(0)), "shape"),
        (lambda: fast_lanczos(lambda v: v, 2, rng=np.random.default_rng(0), shape=(2, 3)), "shape"),
        (lambda: fast_lanczos(np.eye(3), 0, rng=np.random.default_rng(0)), "steps"),
        (lambda: fast_lanczos(np.eye(3), 2), "rng"),
        (lambda: slow_lanczos(np.eye(3), 2, rng=None), "rng"),
        (lambda: fast_lanczos(np.eye(3), 2, v0=[1.0, 0.0]), "v0"),
        (lambda: fast_lanczos(np.eye(3), 2, v0=[0.0, 0.0, 0.0]), "v0"),
        (lambda: fast_lanczos(np.eye(3), 2, rng=np.random.default_rng(0), tol=-1.0), "tol"),
        (lambda: fast_lanczos(np.eye(3), 2, rng=np.random.default_rng(0)).ritz_vectors(),
         "ritz_vectors"),
    ],
)
def test_bad_input_raises_input_error(call, name):
    with pytest.raises(InputError) as err:
        call()
    assert err.value.name == name


def test_as_operator_keeps_shape():
    assert as_operator(lambda v: 2 * v, shape=(5, 5)).shape == (5, 5)


spectra = st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=30)


@settings(max_examples=40, deadline=None)
@given(spectra, st.integers(0, 2**32 - 1), st.integers(1, 30))
def test_slow_lanczos_invariants(values, seed, steps):
    """Cauchy interlacing of T_m = V^T A V, unit Gauss weights, trace identity, and
    Gauss-quadrature exactness e1^T T^k e1 = v^T A^k v for k <= 2m - 1."""
    lam = np.asarray(values)
    rng = np.random.default_rng(seed)
    a = rotated(lam, rng)
    v = rng.standard_normal(lam.size)
    res = slow_lanczos(a, min(steps, lam.size), v0=v)
    scale = 1.0 + np.max(np.abs(lam))
    tol = 100 * lam.size * EPS * scale
    assert cauchy_interlacing_margin(lam, res.values) >= -tol
    assert abs(res.weights.sum() - 1.0) < 1e-12 and np.all(res.weights >= 0)
    assert abs(res.values.sum() - res.alpha.sum()) < tol
    u = v / np.linalg.norm(v)
    for k in range(1, min(2 * res.steps, 5)):
        quad = res.weights @ res.values**k
        exact = u @ np.linalg.matrix_power(a, k) @ u
        assert abs(quad - exact) < 1e3 * tol * scale ** (k - 1)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 8), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_breakdown_after_number_of_distinct_values(levels, mult, seed):
    rng = np.random.default_rng(seed)
    distinct = np.sort(rng.uniform(-5, 5, levels))
    if levels > 1 and np.min(np.diff(distinct)) < 1e-3:
        distinct = np.linspace(-5, 5, levels)
    res = fast_lanczos(rotated(np.repeat(distinct, mult), rng), levels * mult, rng=rng)
    assert res.steps == levels and res.breakdown
    assert np.max(np.abs(res.values - distinct)) < 1e-8 * (1 + np.max(np.abs(distinct)))
