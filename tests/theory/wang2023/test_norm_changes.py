"""Negative controls for the norm-change, Corollary B.3, Table-1-case and catapult cards of
theory/wang2023 (norm_changes.py): each card's own criterion, evaluated on the same statistic,
rejects a run that the claim excludes (the fixed-t early phase instead of convergence, eta
proportional to n, Adam at a small learning rate, SGD below the spike threshold). The quick
verdicts themselves are checked by test_catalogue.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck as rc
import rmtcheck.theory.wang2023.norm_changes as nc
from rmtcheck.checker import Card, run_settings
from rmtcheck.checker.expr import evaluate
from tests.theory.catalogue import quick_verdict

CONVERGED = ["WANG-CLAIM-EQ16", "WANG-CLAIM-FIG30", "WANG-CLAIM-FIG31", "WANG-CLAIM-FIG32",
             "WANG-CLAIM-FIG33", "WANG-CLAIM-FIG10", "WANG-CLAIM-EQ16-2INF-CORRECTED"]


def _quick(cid: str) -> tuple[Card, dict]:
    card = rc.get_card(cid)
    return card, run_settings(card, "quick")[0]


def _passes(card: Card, params: dict, stats: dict) -> bool:
    return bool(evaluate(card.tolerance["criterion"], {**params, **stats}))


@pytest.mark.parametrize("cid", CONVERGED)
def test_early_phase_gives_the_opposite_verdict(cid: str) -> None:
    """One full-batch GD step (Lemma 5.1's fixed-t early phase) instead of training to
    convergence: the same slopes decay like n^{-1/2} or faster and the criterion rejects them
    (the loss is not converged either, so the slope itself is asserted)."""
    card, params = _quick(cid)
    stats = nc.change_slopes(np.random.default_rng(5),
                             **{**params, "optimizer": "gd", "epochs": 1})
    assert not _passes(card, params, stats)
    assert stats["slope_w_fro"] < -0.5 and stats["slope_w_2inf"] < -0.75, stats
    assert not _passes(card, params, {**stats, "loss_max": 0.0})


def test_two_inf_norm_fails_where_the_frobenius_norm_holds() -> None:
    """The printed (2, inf) part of eq. (16) fails with the slope of its counterexample,
    while the same Theta(1) cut accepts the Frobenius and operator slopes of the same run."""
    v = quick_verdict("WANG-CLAIM-EQ16-2INF")
    card = rc.get_card("WANG-CLAIM-EQ16-2INF")
    low, high = card.counterexample["range"]
    assert v.outcome == "fails" and v.reproduced
    assert low <= v.statistics["slope_w_2inf"] <= high
    assert abs(v.statistics["slope_w_fro"]) < 0.25 and abs(v.statistics["slope_w_op"]) < 0.25


def test_weyl_rate_rejects_a_learning_rate_growing_with_n() -> None:
    """Corollary B.3 control: eta proportional to n moves W by Theta(1) in three steps, so the
    operator-norm changes of (1/h) W^T W and K^CK stop decaying and the criterion rejects."""
    card, params = _quick("WANG-CLAIM-CB.3")
    stats = nc.early_eigen_shifts(np.random.default_rng(0), **{**params, "lr_power": 1.0})
    assert stats["weyl_margin"] >= -1e-9  # Weyl still holds
    assert max(stats["slope_op_gram"], stats["slope_op_ck"]) > -0.5, stats
    assert not _passes(card, params, stats)


def test_small_learning_rate_adam_moves_and_aligns_like_gd() -> None:
    """Shared control of WANG-CLAIM-NORMCHANGE-CASES and -KTA: Adam at eta = 0.002 (Fig.
    26-like) instead of 0.092 stays within a factor 3 of GD's norm changes and its KTA falls
    below large-lr SGD's, so both criteria reject the same run."""
    card, params = _quick("WANG-CLAIM-NORMCHANGE-CASES")
    stats = nc.case_changes(np.random.default_rng(0), **{**params, "adam_lr": 0.002})
    assert stats["norm_ratio"] < 3.0
    assert not _passes(card, params, stats)
    kcard, kparams = _quick("WANG-CLAIM-KTA")
    assert kparams == params
    assert stats["kta_adam"] < stats["kta_sgd_large"]
    assert not _passes(kcard, kparams, stats)


def test_catapult_is_absent_below_the_spike_threshold() -> None:
    """Fig. 18 control: at eta = 24 (below eta*) the loss falls every early epoch and
    lambda_max(K^CK) stays flat, so the same criterion rejects."""
    card, params = _quick("WANG-CLAIM-CASE3-CATAPULT")
    stats = nc.catapult(np.random.default_rng(0), **{**params, "lr": 24.0})
    assert stats["diverged"] == 0.0
    assert stats["loss_rise"] < 1.0 and stats["ck_growth"] < 1.03, stats
    assert not _passes(card, params, stats)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(n_min=st.integers(12, 40), steps=st.integers(1, 4), lr=st.floats(0.1, 2.0),
       lr_power=st.sampled_from([0.0, 1.0]), h_ratio=st.floats(0.3, 2.0))
def test_weyl_bound_holds_for_every_run(n_min, steps, lr, lr_power, h_ratio) -> None:
    """Invariant: no eigenvalue of (1/h) W^T W, K^CK or K_1 moves by more than the operator
    norm of the matrix change, whatever the step size (Weyl's inequality)."""
    stats = nc.early_eigen_shifts(np.random.default_rng(n_min), n_min=n_min, doublings=1,
                                  repeats=1, steps=steps, lr=lr, lr_power=lr_power,
                                  h_ratio=h_ratio)
    assert stats["weyl_margin"] >= -1e-9
