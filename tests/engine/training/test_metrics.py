"""Metrics of training runs (rmtcheck.training.metrics, .snapshots): identities, invariances,
known values on constructed inputs, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.two_layer import sample_problem
from rmtcheck.errors import InputError
from rmtcheck.training import metrics, snapshots
from rmtcheck.training.two_layer import train


def test_r2_and_mse() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert metrics.r2_score(y, y) == 1.0
    assert metrics.r2_score(y, np.full(4, y.mean())) == 0.0
    assert metrics.mse(y, y + 0.5) == 0.25
    # R^2 = 1 - MSE / Var(y) (the spec's test-set identity behind WANG-DEF-ACT-NORM)
    pred = y + np.array([0.3, -0.2, 0.1, 0.4])
    assert metrics.r2_score(y, pred) == pytest.approx(1 - metrics.mse(y, pred) / y.var())


def test_kta_extremes() -> None:
    y = np.array([1.0, -2.0, 0.5])
    assert metrics.kta(np.outer(y, y), y) == pytest.approx(1.0)  # K = y y^T is perfectly aligned
    q, _ = np.linalg.qr(np.column_stack([y, np.random.default_rng(0).standard_normal((3, 2))]))
    k_perp = np.outer(q[:, 1], q[:, 1])
    assert abs(metrics.kta(k_perp, y)) < 1e-14


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), scale=st.floats(0.01, 100.0))
def test_kta_and_alignment_are_scale_invariant(seed: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((6, 6))
    K, y = a @ a.T, rng.standard_normal(6)
    assert metrics.kta(scale * K, y) == pytest.approx(metrics.kta(K, y), rel=1e-9)
    assert metrics.kta(K, scale * y) == pytest.approx(metrics.kta(K, y), rel=1e-9)
    prof = metrics.align_profile(K, y, 6)
    assert np.sum(prof**2) == pytest.approx(1.0, rel=1e-9)  # full eigenbasis: Parseval
    assert np.all(prof >= 0) and np.all(prof <= 1 + 1e-12)


def test_weight_alignment_planted_direction() -> None:
    rng = np.random.default_rng(1)
    beta = rng.standard_normal(40)
    beta /= np.linalg.norm(beta)
    W = rng.standard_normal((60, 40)) + 30.0 * np.outer(rng.standard_normal(60), beta)
    assert metrics.weight_alignment(W, beta) > 0.99
    assert metrics.weight_alignment(rng.standard_normal((60, 40)), beta) < 0.6


def test_principal_angles() -> None:
    rng = np.random.default_rng(2)
    U = np.linalg.qr(rng.standard_normal((30, 3)))[0]
    W = rng.standard_normal((50, 30)) * 0.1 + 20.0 * rng.standard_normal((50, 3)) @ U.T
    ang = metrics.principal_angles(U, W, 3)
    assert ang.shape == (3,) and np.all(np.diff(ang) >= -1e-12) and ang[-1] < 0.05
    # the top-d eigenspace is everything: all angles vanish
    assert np.max(metrics.principal_angles(U, rng.standard_normal((50, 30)), 30)) < 1e-6


def test_hill_index_recovers_a_pareto_exponent() -> None:
    # density ~ x^{-alpha}: Pareto with tail index alpha - 1 = 2.0; MLE sd ~ (alpha-1)/sqrt(k)
    rng = np.random.default_rng(3)
    x = rng.pareto(2.0, 200000) + 1.0
    est = metrics.hill_tail_index(x, k=2000)
    assert abs(est - 3.0) < 5 * 2.0 / np.sqrt(2000)
    assert metrics.hill_tail_index(np.linspace(1, 2, 500), k=50) > 20  # bounded support: huge
    with pytest.raises(InputError):
        metrics.hill_tail_index([1.0, 2.0], k=5)
    with pytest.raises(InputError):
        metrics.hill_tail_index([3.0, 2.0, 0.0], k=2)  # threshold eigenvalue 0


def test_norms_and_spikes() -> None:
    D = np.array([[3.0, 4.0], [0.0, 1.0]])
    out = metrics.change_norms(np.zeros((2, 2)), D)
    assert out["2inf"] == 5.0 and out["fro"] == pytest.approx(np.sqrt(26))
    assert out["2inf"] <= out["op"] <= out["fro"]  # eq. (17)
    assert metrics.count_spikes([1.0, 2.0, 2.2, 5.0], edge=2.0) == 2
    assert metrics.ks_two_sample([1, 2, 3], [1, 2, 3]) == 0.0
    assert metrics.max_eig_shift([1.0, 3.0], [3.5, 1.0]) == 0.5


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), h=st.integers(1, 8), d=st.integers(1, 8))
def test_eq17_norm_ordering(seed: int, h: int, d: int) -> None:
    M = np.random.default_rng(seed).standard_normal((h, d))
    out = metrics.change_norms(np.zeros_like(M), M)
    assert out["2inf"] <= out["op"] * (1 + 1e-12) and out["op"] <= out["fro"] * (1 + 1e-12)


def test_snapshot_state_and_compare() -> None:
    p = sample_problem(np.random.default_rng(4), d=20, n=40, h=30)
    s0 = snapshots.state(p.W, p.v, p.X, p.activation, "both")
    assert s0.eig_ck.shape == (40,) and s0.eig_w.shape == (20,)
    assert np.all(s0.eig_ntk >= s0.eig_ck[0] - 1e-10)  # K_1 is PSD, so NTK >= CK
    same = snapshots.compare(s0, s0, p.y, p.teacher.beta, w_edge=4.0)
    assert same["ks_w"] == 0 and same["dw_fro"] == 0 and same["dv_rel"] == 0
    res = train(p.W, p.v, p.X, p.y, p.activation, lr=2.0, layers="both", epochs=30,
                checkpoint_every=10,
                hooks=[snapshots.spectra_hook(p.X, p.y, p.activation, "both", p.teacher.beta)])
    assert [c["epoch"] for c in res.checkpoints] == [0, 10, 20, 30]
    assert res.checkpoints[0]["lam_max_ck"] == pytest.approx(s0.eig_ck[-1])
    moved = snapshots.compare(s0, snapshots.state(res.W, res.v, p.X, p.activation, "both"), p.y)
    assert moved["dw_fro"] > 0 and moved["dv_rel"] > 0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), na=st.integers(1, 60), nb=st.integers(1, 60),
       shift=st.floats(-2.0, 2.0), ties=st.booleans())
def test_ks_two_sample_equals_scipy_and_is_an_exact_count(seed, na, nb, shift, ties) -> None:
    """The count form agrees with scipy's ks_2samp to rounding (ties included), and for equal
    sizes it is exactly k / m, so a cut k / m is met at equality; shifting one sample (the
    control) moves the distance."""
    from scipy import stats  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(na), rng.standard_normal(nb) + shift
    if ties:
        a, b = np.round(a, 1), np.round(b, 1)
    ks = metrics.ks_two_sample(a, b)
    with np.errstate(divide="ignore"):  # scipy's p-value at tiny samples; the distance is ours
        ref = stats.ks_2samp(a, b, method="asymp").statistic
    assert ks == pytest.approx(ref, abs=1e-12)
    c = rng.standard_normal(na)
    k = round(metrics.ks_two_sample(a, c) * na)
    assert metrics.ks_two_sample(a, c) == k / na
    assert metrics.ks_two_sample(a, a + 100.0) == 1.0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(20, 80), frac=st.floats(0.3, 0.9))
def test_ks_two_sample_ignores_rounding_noise_of_a_null_space(seed, n, frac) -> None:
    """Spectra equal but for the sign of their n - h null eigenvalues' rounding noise have
    distance 0 (scipy's, which reads the noise, gives (n - h) / n: the mechanism). Two Gram
    matrices Q diag(s) Q^T with rotated eigenvectors differ only by rounding: at most one
    interleaved pair, 1 / n. Control: null eigenvalues lifted to 1e-6 x the top one are no
    longer rounding, and the distance counts them."""
    from scipy import stats  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    h = max(1, int(frac * n))
    s = np.sort(np.concatenate([rng.uniform(0.5, 2.0, h), np.zeros(n - h)]))
    noise = 1e-17 * s.max() * (s == 0.0)
    assert metrics.ks_two_sample(s - noise, s + noise) == 0.0
    assert stats.ks_2samp(s - noise, s + noise).statistic == pytest.approx((n - h) / n)
    q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
    q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
    e1 = np.linalg.eigvalsh(q1 @ np.diag(s) @ q1.T)
    e2 = np.linalg.eigvalsh(q2 @ np.diag(s) @ q2.T)
    assert metrics.ks_two_sample(e1, e2) <= 1.0 / n
    lifted = np.where(s == 0.0, 1e-6 * s.max(), s)
    assert metrics.ks_two_sample(s, lifted) == (n - h) / n
