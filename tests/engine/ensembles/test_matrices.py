"""Random-matrix generators: entry laws, the tridiagonal model, seeding, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck import InputError, laguerre_eigvalsh, random_matrix, wishart_eigvalsh
from rmtcheck.ensembles.matrices import ENTRY_LAWS, fourth_moment
from rmtcheck.laws import MarchenkoPastur
from rmtcheck.spectra import ks_statistic


@pytest.mark.parametrize("law", ENTRY_LAWS)
def test_entry_laws_are_standardized(law):
    x = np.asarray(random_matrix(400, 500, law, rng=1)).ravel()
    n = x.size
    # CLT: sd of the mean is 1/sqrt(n); of the mean square sqrt(m4 - 1)/sqrt(n). 5 sd bounds.
    m4 = fourth_moment(law)
    assert abs(x.mean()) < 5 / np.sqrt(n)
    assert abs(np.mean(x**2) - 1) <= 5 * np.sqrt(m4 - 1) / np.sqrt(n)
    if law != "student_t":  # the t law's 8th moment is infinite at df=8: skip its 4th-moment CLT
        assert abs(np.mean(x**4) - m4) < 0.1 * m4


def test_same_seed_same_matrix():
    a = random_matrix(30, 40, "uniform", rng=np.random.default_rng(7))
    b = random_matrix(30, 40, "uniform", rng=np.random.default_rng(7))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("p,n", [(300, 600), (600, 300), (200, 200)])
def test_tridiagonal_and_dense_agree_in_law(p, n):
    """Pooled over 10 seeds, both paths are within the MP KS threshold and their trace
    moments agree within CLT error."""
    law = MarchenkoPastur(p / n)
    rng = np.random.default_rng(11)
    tri = np.concatenate([laguerre_eigvalsh(p, n, rng) for _ in range(10)])
    den = np.concatenate([wishart_eigvalsh(random_matrix(p, n, rng=rng)) for _ in range(10)])
    for vals in (tri, den):
        assert ks_statistic(vals, law) < (1 + np.log(p)) / p
    # E tr S^2 / p = (n + p + 1)/n exactly for Gaussian; per-draw sd is O(1/p)
    exact = (n + p + 1) / n
    for vals in (tri, den):
        assert abs(np.sum(vals**2) / (10 * p) - exact) < 0.02 * exact
    assert np.sum(tri == 0.0) == 10 * max(0, p - n)


def test_tridiagonal_rejects_wrong_ratio():
    vals = laguerre_eigvalsh(1000, 2000, 5)
    assert ks_statistic(vals, MarchenkoPastur(0.5)) < (1 + np.log(1000)) / 1000
    assert ks_statistic(vals, MarchenkoPastur(0.55)) > (1 + np.log(1000)) / 1000


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40))
def test_wishart_eigvalsh_matches_dense(p, n):
    x = np.asarray(random_matrix(p, n, rng=p * 100 + n))
    ref = np.linalg.eigvalsh(x @ x.T / n)
    got = wishart_eigvalsh(x)
    assert got.shape == (p,)
    assert np.allclose(got, ref, atol=1e-10 * max(1, ref.max()))


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"p": 0, "n": 3}, "p"),
        ({"p": 3, "n": -1}, "n"),
        ({"p": 2.5, "n": 3}, "p"),
        ({"p": 3, "n": 3, "law": "cauchy"}, "law"),
        ({"p": 3, "n": 3, "var": float("nan")}, "var"),
        ({"p": 3, "n": 3, "law": "student_t", "df": 4.0}, "df"),
    ],
)
def test_bad_input(kwargs, name):
    with pytest.raises(InputError, match=f"^{name}:"):
        random_matrix(**kwargs)
