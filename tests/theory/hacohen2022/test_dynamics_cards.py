"""Negative controls of the deep-linear cards DLN-LEM-1, DLN-EQ-21 (CLAIM-11), DLN-NOTE-RATE
(CLAIM-9), DLN-THM-5, DLN-CLAIM-15, -16, -17 and -18: each card's own check, with the card's
function called with its control setting, must give the opposite verdict through the same
statistic. The cards themselves run in test_catalogue.py (quick verdicts are reused here)."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck as rc
from rmtcheck.errors import InputError
from rmtcheck.theory.hacohen2022 import concentration, frequency, gradients, initialization, pc_bias
from tests.theory.catalogue import quick_verdict


def _control(claim, function, **params):
    """The quick verdict of ``claim`` with its empirical function replaced by ``function`` of
    this module (the card's function with a control setting)."""
    card = rc.load_catalogue()[claim]
    return rc.check(dataclasses.replace(card, empirical=f"{__name__}:{function}"), params or None,
                    scale="quick")


# --- the card functions with their control settings ----------------------------------------

def lemma1_with_means(rng, **p):
    return gradients.lemma1_residual(rng, **p, sigma="mean")


def eq21_printed_range(rng, **p):
    return gradients.eq21_residual(rng, **p, index_range="printed")


def drift_ratio_tied(rng, **p):
    return concentration.drift_ratio(rng, **p, outputs="tied")


def deviations_with_bottleneck(rng, **p):
    return concentration.entry_deviation_probabilities(rng, **p, bottleneck=True)


def rates_whitened(rng, **p):
    return pc_bias.column_rate_order(rng, **p, whiten=True)


def speed_at_equal_step(rng, **p):
    return initialization.init_speed(rng, **p, lr_mode="equal", step_scale=2.5)


def learning_order_white(rng, **p):
    return frequency.learning_order(**p, learner="white")


def accessibility_shuffled(rng, **p):
    return frequency.accessibility_correlations(**p, shuffle=True)


# --- gradients (exact) -------------------------------------------------------------------------

def test_lemma1_rejects_the_mean_convention():
    """Sigma = X X^T / n instead of the sum: relative error 1 - 1/n = 0.9 at n = 10."""
    assert quick_verdict("DLN-LEM-1").passed
    v = _control("DLN-LEM-1", "lemma1_with_means")
    assert not v.passed and v.statistics["max_abs_error"] == pytest.approx(0.9, abs=1e-9)


def test_eq21_rejects_the_printed_index_range():
    """With square layers the literal printed factor (W_1 ... W_l)^T is computable; it is far
    from the gradient where the corrected one agrees to rounding."""
    square = {"q": 4, "m": 4, "K": 4}
    assert rc.check("DLN-EQ-21", square, scale="quick").passed
    v = _control("DLN-EQ-21", "eq21_printed_range", **square)
    assert not v.passed and v.statistics["max_abs_error"] > 0.1
    with pytest.raises(InputError, match="index_range"):
        gradients.eq21_residual(np.random.default_rng(0), 5, 8, 3, 3, 10, 1e-4, "printed")


@settings(derandomize=True, max_examples=15, deadline=None)
@given(dims=st.lists(st.integers(1, 6), min_size=5, max_size=5), seed=st.integers(0, 2**32 - 1))
def test_lemma1_and_eq21_hold_over_shapes(dims, seed):
    a, b, c, d, n = dims
    assert gradients.lemma1_residual(np.random.default_rng(seed), a, b, c, d, n, 1e-3)[0] < 1e-6
    q, m, k, depth, _ = dims
    assert gradients.eq21_residual(np.random.default_rng(seed), q, m, k, min(depth, 4), n,
                                   1e-4)[0] < 1e-6


# --- drift rates and concentration ----------------------------------------------------------

def test_drift_note_rejects_tied_outputs():
    """K = q: the ratio of the mean drifts stays ~3 (slope ~0), so the fitted exponent 1 fails."""
    assert quick_verdict("DLN-NOTE-RATE").passed
    v = _control("DLN-NOTE-RATE", "drift_ratio_tied")
    assert not v.passed and abs(v.statistics["slope"]) < 0.2


def test_per_draw_drifts_of_b2_and_a_last_have_equal_spectral_norms():
    """The card's note: for whitened data Delta B^2 = 2 mu W^T W and Delta A^{N-1} = 2 mu W W^T
    share their nonzero spectrum, so per draw B's drift is as large as A's in operator norm."""
    from rmtcheck.ensembles.products import def4_layers  # noqa: PLC0415
    from rmtcheck.training.deep_linear import first_order_delta_grams  # noqa: PLC0415

    rng = np.random.default_rng(3)
    q, k, depth, m = 16, 2, 3, 64
    layers = def4_layers([q] + [m] * (depth - 1) + [k], rng)
    db, da = first_order_delta_grams(layers, np.eye(q), np.zeros((k, q)), 1.0)
    norm_b, norm_a = np.linalg.norm(db[1], 2), np.linalg.norm(da[depth - 1], 2)
    assert norm_b == pytest.approx(norm_a, rel=1e-10)
    # while the mean eigenvalues differ by q/K, the ratio the card fits
    assert (np.trace(da[depth - 1]) / k) / (np.trace(db[1]) / q) == pytest.approx(q / k)


def test_thm5_rejects_a_fixed_bottleneck_width():
    assert quick_verdict("DLN-THM-5").passed
    v = _control("DLN-THM-5", "deviations_with_bottleneck")
    assert not v.passed and v.statistics["p_large"] > 0.25 * v.statistics["p_small"]


@pytest.mark.slow
def test_thm5_rejects_a_fixed_bottleneck_width_at_full_scale():
    card = rc.load_catalogue()["DLN-THM-5"]
    v = rc.check(dataclasses.replace(card, empirical=f"{__name__}:deviations_with_bottleneck"),
                 scale="full")
    assert not v.passed and v.statistics["p_large"] > 0.25 * v.statistics["p_small"]


# --- PC-bias, initialization, frequency dataset ------------------------------------------------

def test_pc_bias_order_vanishes_for_whitened_data():
    assert quick_verdict("DLN-CLAIM-15").passed
    v = _control("DLN-CLAIM-15", "rates_whitened")
    assert not v.passed and v.statistics["mean_spearman"] < v.statistics["null_cut"]


def test_def4_is_faster_only_at_a_step_glorot_cannot_take():
    """The card expects 'unreproduced' (z <= 3 with tuned steps); at the shared step c = 2.5
    Glorot diverges and the same z exceeds 3, so that verdict no longer meets 'unreproduced'."""
    assert quick_verdict("DLN-CLAIM-16").meets_expected
    v = _control("DLN-CLAIM-16", "speed_at_equal_step")
    assert v.passed and not v.meets_expected and v.statistics["z"] > 3


def test_learning_order_vanishes_without_spectral_bias():
    """A learner whose kernel is narrower than the point spacing fits every point at the same
    rate: the order of learning no longer follows the critical frequency."""
    assert quick_verdict("DLN-CLAIM-17").passed
    v = _control("DLN-CLAIM-17", "learning_order_white")
    assert not v.passed and abs(v.statistics["spearman"]) < v.statistics["null_3sigma"]


def test_accessibility_correlations_vanish_with_shuffled_labels():
    assert quick_verdict("DLN-CLAIM-18").passed
    v = _control("DLN-CLAIM-18", "accessibility_shuffled")
    assert not v.passed


def test_learning_steps_counts_the_step_from_which_a_point_stays_correct():
    # one network, 4 checkpoints (rows), 3 points (columns): point 0 is lost at the end,
    # point 1 is correct from checkpoint 2 on, point 2 from the start
    record = np.array([[[0, 1, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]], dtype=bool)
    assert frequency.learning_steps(record, 10).tolist() == [40.0, 20.0, 0.0]
    # averaged over networks
    both = np.concatenate([record, np.ones_like(record)])
    assert frequency.learning_steps(both, 10).tolist() == [20.0, 10.0, 0.0]


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call,name", [
    (lambda r: concentration.drift_ratio(r, 4, 1, 3, 64, 2, 1, 0.5, "gaussian", 10, "both"),
     "outputs"),
    (lambda r: concentration.entry_deviation_probabilities(r, 4, 3, 16, 256, 0.0, 10,
                                                           "gaussian"), "eps"),
    (lambda r: pc_bias.column_rate_order(r, 2, 1, 3, 64, 0.1, 0.25, 0.05, 5, 2), "q"),
    (lambda r: initialization.init_speed(r, 8, 64, 100, 1.0, 0.01, 50, 3, 0.01, "best"),
     "lr_mode"),
    (lambda r: frequency.learning_order(0, 100, 1, 8, 3, 10, 0.01, 20), "record_every"),
    (lambda r: gradients.lemma1_residual(r, 0, 2, 2, 2, 3, 1e-3), "a"),
])
def test_bad_input_is_one_input_error(call, name):
    with pytest.raises(InputError) as err:
        call(np.random.default_rng(0))
    assert err.value.name == name and "\n" not in str(err.value)


def test_claims_17_and_18_share_their_training_runs():
    run = dict(seed=7, n=200, networks=1, width=8, depth=2, steps=20, lr=0.01, record_every=10)
    before = frequency._trained_record.cache_info()
    frequency.learning_order(**run)
    frequency.accessibility_correlations(**run, k_neighbours=5, min_points=2)
    after = frequency._trained_record.cache_info()
    assert after.misses - before.misses == 1 and after.hits - before.hits == 1
