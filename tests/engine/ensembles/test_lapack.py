"""In-place two-stage LAPACK eigenvalues: agreement with numpy.linalg.eigvalsh, bad arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.lapack import eigvalsh_overwrite
from rmtcheck.errors import InputError


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 60),
    seed=st.integers(0, 2**32 - 1),
    lower=st.booleans(),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_in_place_solver_matches_numpy(m, seed, lower, dtype):
    a = np.random.default_rng(seed).standard_normal((m, m))
    a = (a + a.T).astype(dtype)
    expected = np.linalg.eigvalsh(a.astype(np.float64))
    stored = np.tril(a) if lower else np.triu(a)  # only one triangle is read
    got = eigvalsh_overwrite(np.asfortranarray(stored), lower=lower)
    tol = (1e-5 if dtype == np.float32 else 1e-12) * max(1.0, np.abs(expected).max()) * m
    assert got.dtype == dtype and np.all(np.diff(got) >= 0)
    assert np.max(np.abs(got - expected)) <= tol
    # negative control: reading the other (zero) triangle gives another spectrum
    if m > 1 and np.any(np.tril(a, -1)):
        wrong = eigvalsh_overwrite(np.asfortranarray(stored), lower=not lower)
        assert np.max(np.abs(wrong - expected)) > tol


@pytest.mark.parametrize(
    "a",
    [np.ones((3, 4), order="F"), np.ones((3, 3)), np.ones((3, 3), dtype=np.int64, order="F")],
)
def test_in_place_solver_rejects_bad_arrays(a):
    with pytest.raises(InputError):
        eigvalsh_overwrite(a)
