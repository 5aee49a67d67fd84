"""Sturm counts, extreme eigenvalues by multisection and the rigorous KS bracket."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.linalg import eigvalsh_tridiagonal

from rmtcheck.cli.main import main
from rmtcheck.ensembles.laguerre import laguerre_tridiagonal
from rmtcheck.errors import InputError
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.spectra.compare import ks_statistic
from rmtcheck.spectra.sturm import Tridiagonal, ks_bracket, mp_check_tridiagonal

EPS = np.finfo(float).eps

# small integers make ties: repeated eigenvalues, zero off-diagonals (split matrices) and
# points landing exactly on eigenvalues
entries = st.one_of(st.integers(-3, 3).map(float), st.floats(-5, 5, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    m=st.integers(1, 30),
)
def test_counts_match_dense_eigenvalues(data, m):
    d = np.array(data.draw(st.lists(entries, min_size=m, max_size=m)))
    e = np.array(data.draw(st.lists(entries, min_size=m - 1, max_size=m - 1)))
    lam = np.linalg.eigvalsh(np.diag(d) + np.diag(e, 1) + np.diag(e, -1)) if m > 1 else d
    x = np.concatenate([lam, np.array(data.draw(st.lists(entries, max_size=10)))])
    counts = Tridiagonal(d, e).counts(x)
    # the count is exact for a matrix within a few ulps of T: allow a backward-error slack
    tol = 16 * m * EPS * (np.abs(d).max() + 2 * np.abs(e).max(initial=0.0)) + 1e-300
    low = (lam[None, :] < x[:, None] - tol).sum(axis=1)
    high = (lam[None, :] <= x[:, None] + tol).sum(axis=1)
    assert np.all((low <= counts) & (counts <= high))
    far = low == high  # no eigenvalue within tol of x: the count is exact
    assert np.array_equal(counts[far], low[far])


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 80), k=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_extreme_eigenvalues_by_multisection(m, k, seed):
    rng = np.random.default_rng(seed)
    d, e = rng.standard_normal(m), rng.standard_normal(m - 1)
    e[rng.random(m - 1) < 0.2] = 0.0
    lam = eigvalsh_tridiagonal(d, e) if m > 1 else d
    k = min(k, m)
    low, high = Tridiagonal(d, e).extreme_eigenvalues(k)
    tol = 64 * EPS * max(1.0, np.abs(lam).max())
    assert np.max(np.abs(low - lam[:k])) <= tol and np.max(np.abs(high - lam[-k:])) <= tol


def _dense_ks(p: int, n: int, seed: int, law: MarchenkoPastur) -> tuple[Tridiagonal, float]:
    d, e = laguerre_tridiagonal(p, n, seed)
    d, e = d / n, e / n
    lam = eigvalsh_tridiagonal(d, e)
    values = np.concatenate([np.zeros(p - lam.size), lam])
    return Tridiagonal(d, e), ks_statistic(values, law)


@pytest.mark.parametrize("p,n", [(4000, 8000), (4000, 3000)])
def test_bracket_contains_the_ks_of_the_dense_eigenvalues(p, n):
    law = MarchenkoPastur(p / n)
    tri, ks = _dense_ks(p, n, 21, law)
    for width in (1e-3, 1e-4):
        b = ks_bracket(tri, law, total=p, width=width)
        assert b["converged"] and b["ks_high"] - b["ks_low"] <= width
        assert b["ks_low"] <= ks <= b["ks_high"]


def test_bracket_refines_until_narrow():
    """A width below the cells' initial spread forces refinement rounds; still contains KS."""
    law = MarchenkoPastur(0.5)
    tri, ks = _dense_ks(1000, 2000, 22, law)
    b = ks_bracket(tri, law, total=1000, width=2e-5)
    assert b["rounds"] > 0 and b["converged"] and b["ks_low"] <= ks <= b["ks_high"]


def test_wrong_ratio_is_excluded():
    """The CLI's criterion ks <= (1 + log p) / p: the right law passes with the upper end of
    the bracket, a 10% wrong ratio fails with its lower end (negative control)."""
    p = 4000
    threshold = (1 + math.log(p)) / p
    d, e = laguerre_tridiagonal(p, 2 * p, 23)
    tri = Tridiagonal(d / (2 * p), e / (2 * p))
    right = ks_bracket(tri, MarchenkoPastur(0.5), total=p)
    wrong = ks_bracket(tri, MarchenkoPastur(0.55), total=p)
    assert right["ks_high"] <= threshold < wrong["ks_low"]


def test_mp_check_edges_and_scaling():
    p, n = 20000, 40000
    threshold = (1 + math.log(p)) / p
    r = mp_check_tridiagonal(p, n, 5, var=2.0, width=1e-4)
    assert r["converged"] and r["ks_high"] - r["ks_low"] <= 1e-4
    assert r["ks_high"] <= threshold
    # Tracy–Widom scale at the edges: p^(-2/3) times an O(1) constant
    scale = p ** (-2 / 3)
    assert abs(r["lambda_max"] - r["edge_high"]) <= 10 * scale * r["edge_high"]
    assert abs(r["lambda_min"] - r["edge_low"]) <= 10 * scale * r["edge_high"]
    # negative control: the same spectrum against MP with a 10% wrong variance
    d, e = laguerre_tridiagonal(p, n, 5)
    wrong = ks_bracket(Tridiagonal(d * 2.0 / n, e * 2.0 / n), MarchenkoPastur(0.5, 2.2), total=p)
    assert wrong["ks_low"] > threshold


@pytest.mark.parametrize(
    "d,e",
    [([1.0, 2.0], [1.0, 1.0]), ([], []), ([1.0, np.nan], [0.0]), ([[1.0]], [])],
)
def test_bad_tridiagonal(d, e):
    with pytest.raises(InputError):
        Tridiagonal(d, e)


def test_bad_bracket_input():
    tri = Tridiagonal([1.0, 2.0], [0.5])
    with pytest.raises(InputError):
        ks_bracket(tri, MarchenkoPastur(0.5), width=0.0)
    with pytest.raises(InputError):
        ks_bracket(tri, stats.norm())  # unbounded support: the tails cannot be bracketed
    with pytest.raises(InputError):
        tri.counts([np.inf])
    with pytest.raises(InputError):
        tri.eigenvalue_brackets([2])


def test_cli_sturm_json(capsys):
    argv = ["spectrum", "wishart", "--p", "3000", "--n", "6000", "--method", "sturm", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "sturm" and out["ks_high"] - out["ks_low"] <= 1e-3
    assert out["ks_low"] <= out["ks_high"] and out["consistent"] is True
    assert out["edge_low"] < out["edge_high"] and out["min_value"] < out["max_value"]


def test_cli_sturm_verdict_is_null_while_the_bracket_straddles_the_threshold(capsys):
    argv = ["spectrum", "wishart", "--p", "3000", "--n", "6000", "--method", "sturm"]
    assert main([*argv, "--width", "0.05", "--json"]) == 0
    wide = json.loads(capsys.readouterr().out)
    assert wide["ks_low"] <= wide["ks_threshold"] < wide["ks_high"]
    assert wide["consistent"] is None
    # negative control: a 10% wrong variance is decided against (bracket above the threshold)
    assert main([*argv, "--json"]) == 0
    right = json.loads(capsys.readouterr().out)
    d, e = laguerre_tridiagonal(3000, 6000, 0)
    wrong = ks_bracket(Tridiagonal(d / 6000, e / 6000), MarchenkoPastur(0.5, 1.1), total=3000)
    assert right["consistent"] is True and wrong["ks_low"] > right["ks_threshold"]


def test_cli_sturm_needs_gaussian_entries(capsys):
    argv = ["spectrum", "wishart", "--law", "uniform", "--method", "sturm"]
    assert main(argv) == 2
