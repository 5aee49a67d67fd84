"""The public hypothesis strategies of rmtcheck.testing.strategies, used as a library user
would: properties that hold pass, and a planted error is found and shrunk to a small matrix."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from rmtcheck.laws.fuss_catalan import FussCatalan
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.spectra.interlacing import cauchy_interlacing_margin
from rmtcheck.testing.strategies import (
    law_parameters,
    laws,
    random_matrices,
    spectra,
    symmetric_matrices,
)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(random_matrices(max_side=6, aspect_ratios=(0.25, 2.0)))
def test_random_matrices_shapes_and_aspect(x):
    p, n = x.shape
    assert 1 <= p <= 6 and np.all(np.isfinite(x))
    # n = max(1, round(p / y)) with y in [0.25, 2]: |n - p / y| <= 1/2 unless clipped at 1
    assert p / (n + 0.5) <= 2.0 and (n == 1 or p / (n - 0.5) >= 0.25)


@FAST
@given(spectra(max_size=6))
def test_spectra_are_sorted(lam):
    assert 1 <= lam.size <= 6 and np.all(np.diff(lam) >= 0)


@FAST
@given(symmetric_matrices(max_size=6))
def test_symmetric_matrices_are_symmetric(a):
    assert np.allclose(a, a.T)


@FAST
@given(st.data())
def test_prescribed_spectrum_is_the_spectrum(data):
    lam = data.draw(spectra(max_size=6))
    a = data.draw(symmetric_matrices(st.just(lam)))
    np.testing.assert_allclose(np.linalg.eigvalsh(a), lam, atol=1e-9 * (1 + np.abs(lam).max()))


@FAST
@given(symmetric_matrices(psd=True, max_size=6))
def test_psd_matrices_are_psd(a):
    assert np.linalg.eigvalsh(a).min() >= -1e-9 * (1 + np.abs(a).max())


@FAST
@given(symmetric_matrices(max_size=6).filter(lambda a: a.shape[0] >= 2))
def test_cauchy_interlacing_holds(a):
    full, sub = np.linalg.eigvalsh(a), np.linalg.eigvalsh(a[:-1, :-1])
    assert cauchy_interlacing_margin(full, sub) >= -1e-9 * (1 + np.abs(full).max())


def wrong_interlacing_fails(a: np.ndarray) -> bool:
    """Planted error: 'deleting a row and column never lowers the largest eigenvalue'
    (true: it never raises it, lambda_max(B) <= lambda_max(A))."""
    if a.shape[0] < 2:
        return False
    return np.linalg.eigvalsh(a[:-1, :-1]).max() < np.linalg.eigvalsh(a).max() - 1e-9


def test_planted_error_is_found_and_shrunk():
    example = find(symmetric_matrices(max_size=8), wrong_interlacing_fails,
                   settings=settings(database=None, max_examples=500, deadline=None))
    assert example.shape[0] <= 3
    assert wrong_interlacing_fails(example)


@FAST
@given(laws(MarchenkoPastur, FussCatalan))
def test_laws_from_their_domains(law):
    assert law.cdf(law.support()[1]) == 1.0 and law.moment(0) == 1.0


@FAST
@given(law_parameters(MarchenkoPastur))
def test_law_parameters_lie_in_the_domain(params):
    assert 0.05 <= params["ratio"] <= 8.0 and 0.2 <= params["var"] <= 5.0
    assert MarchenkoPastur(**params).mean() > 0
