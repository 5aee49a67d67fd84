"""Papyan (2020) on scikit-learn's digits: the matrix-free operators are exact, the separation
statistic detects a planted gap and no other, the data loader and its missing-package error,
and the negative control of PAP-DIGITS-CLASS-SUBSPACE (the quick verdicts of both digits cards
run in test_catalogue.py)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck as rc
import rmtcheck.theory.papyan2020.digits as dg
import rmtcheck.theory.papyan2020.mlp as mlp
import rmtcheck.theory.papyan2020.operators as ops
from rmtcheck.ensembles.ccm import ccm_sample
from rmtcheck.errors import InputError


def _small(seed: int, n: int = 5, C: int = 3, D: int = 5, widths=(6, 4)):
    rng = np.random.default_rng(seed)
    X, y = ccm_sample(rng, D, C, n, 2.0)
    weights = mlp.init_mlp(rng, [D, *widths, C])
    return X, y, weights, ops.curvature(weights, X, y)


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).max() / np.abs(b).max())


@pytest.mark.parametrize("seed", [0, 1])
def test_operators_match_the_dense_matrices(seed):
    """G, E, Hess column by column against Ave J^T U J and the exact E of mlp.residual_hessian
    (two independent constructions): float64 rounding, 1e-12."""
    X, y, weights, cv = _small(seed)
    G = mlp.gauss_newton(cv.ps)
    E = mlp.residual_hessian(weights, cv.ps, y)
    eye = np.eye(cv.size)
    for name, M in (("G", G), ("E", E), ("Hess", G + E)):
        assert _rel(cv.operator(name).matmat(eye), M) < 1e-12, name


def test_hessian_operator_matches_finite_differences():
    """Hess v against central differences of the analytic gradient (O(h^2) + rounding)."""
    X, y, weights, cv = _small(3)
    H = mlp.hessian_fd(weights, X, y)
    assert _rel(cv.operator("Hess").matmat(np.eye(cv.size)), H) < 1e-6


def test_mean_factors_give_the_eq_6_4_parts():
    """F^T F of the class, cross and c = c' factors equal the dense Eq. 6.4 parts, and
    G - (all three) is G_within."""
    X, y, weights, cv = _small(4, n=6)
    parts = mlp.g_decomposition(cv.ps, 6, 3)
    f = ops.mean_factors(cv, 6, 3)
    for F, M in ((f.klass, parts.klass), (f.cross, parts.cross), (f.same, parts.same)):
        assert _rel(F.T @ F, M) < 1e-12
    within = cv.operator("G", f.all).matmat(np.eye(cv.size))
    assert _rel(within, parts.within) < 1e-12
    assert _rel(ops.factor_eigenvalues(f.klass)[:3],
                np.sort(np.linalg.eigvalsh(parts.klass))[::-1][:3]) < 1e-10


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_operators_are_symmetric_and_g_is_psd(seed):
    """u.(M v) = v.(M u) for G, E, Hess; v.(G v) >= 0 (G = J^T U J, U PSD)."""
    _, _, _, cv = _small(seed % 97, n=3)
    rng = np.random.default_rng(seed)
    u, v = rng.standard_normal((2, cv.size))
    for name in ("G", "E", "Hess"):
        op = cv.operator(name)
        a, b = u @ op.matvec(v), v @ op.matvec(u)
        assert abs(a - b) <= 1e-10 * (abs(a) + abs(b) + 1e-12)
    assert v @ cv.operator("G").matvec(v) >= -1e-12 * (v @ v)


def test_separation_detects_a_planted_gap_and_no_other():
    """The gap statistic PAP-DIGITS-C-CLASS-OUTLIERS reports: C = 10 values at 10..1 over a
    geometric bulk below 0.5 give separation > 1; the bulk alone (no gap anywhere) gives
    exactly 1 (equal log-gaps, so '> 1' fails), and with the gap planted at 9 the statistic at
    10 sees only the bulk (1, fails)."""
    bulk = 0.5 * 0.97 ** np.arange(40)
    planted = np.concatenate([np.linspace(10, 1, 10), bulk])
    assert dg.separation(planted, 10) > 1
    assert dg.separation(bulk, 10) == pytest.approx(1.0)
    at_nine = np.concatenate([np.linspace(10, 1, 9), bulk])
    assert dg.separation(at_nine, 10) <= 1 + 1e-9 and dg.separation(at_nine, 9) > 1
    with pytest.raises(InputError):
        dg.separation(bulk[:20], 10)


def test_digits_split_is_balanced_and_class_major():
    X, y, Xt, yt = dg.load_digits_split(7, 3)
    assert X.shape == (70, 64) and Xt.shape == (30, 64)
    assert np.array_equal(y, np.repeat(np.arange(10), 7))
    assert np.array_equal(yt, np.repeat(np.arange(10), 3))
    with pytest.raises(InputError, match="n_test"):
        dg.load_digits_split(170, 10)


def test_missing_scikit_learn_is_one_line_naming_the_extra(monkeypatch, capsys):
    from rmtcheck.cli.main import main  # noqa: PLC0415

    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(InputError, match=r"rmtcheck\[data\]"):
        dg.load_digits_split(5)
    try:
        code = main(["check", "PAP-DIGITS-C-CLASS-OUTLIERS", "--param", "n=11"])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "rmtcheck[data]" in err


def test_library_bad_input_is_one_input_error():
    rng = np.random.default_rng(0)
    base = dict(n=10, width=4, depth=1, epochs=1, lr=0.05, wd=0.0, seeds=1, k=9)
    with pytest.raises(InputError, match="remove"):
        dg.class_subspace(rng, **base, remove="labels")
    with pytest.raises(InputError, match="k"):
        dg.g_outliers(rng, **{**base, "k": 11})


# --- negative control, derived before it was run (cards.toml notes) ------------------------

@pytest.mark.parametrize("scale", ["quick", pytest.param("full", marks=pytest.mark.slow)])
def test_class_subspace_control_rejects_through_the_same_statistic(scale):
    """G_within (every class and cross-class mean removed): nothing aligns its top eigenvectors
    with the class means, so the overlap falls far below 0.5 and the card is rejected."""
    verdict = rc.check("PAP-DIGITS-CLASS-SUBSPACE", {"remove": "all_means"}, scale=scale)
    assert not verdict.passed and verdict.statistics["fraction"] < 0.8
    assert verdict.statistics["overlap_max"] < 0.5


def test_c_class_outliers_fail_on_every_network_and_the_gap_is_reported():
    """PAP-DIGITS-C-CLASS-OUTLIERS: lambda_C(G_class) < lambda_1(G_within) on every network,
    not only in the median; the count statistics it reports are there."""
    verdict = rc.check("PAP-DIGITS-C-CLASS-OUTLIERS", scale="quick")
    assert verdict.meets_expected
    assert verdict.statistics["class_C_over_edge_max"] < 1
    assert {"median_separation", "median_above_edge"} <= set(verdict.statistics)
