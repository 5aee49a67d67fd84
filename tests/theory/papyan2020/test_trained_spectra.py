"""PAP-CLAIM-3 (train/test gap), PAP-CLAIM-30 (groups of G, covers 11) and PAP-CLAIM-26 (tail
of E) on trained GMM-MLPs; PAP-CLAIM-31 (visibility threshold of class means)."""

from __future__ import annotations

import numpy as np
import pytest

import rmtcheck as rc
import rmtcheck.theory.papyan2020.trained_spectra as ts
from rmtcheck.theory.papyan2020.visibility import class_mean_visibility


def test_train_test_gap_control_untrained_is_rejected():
    """Untrained networks are independent of both samples: ratio 1 up to sampling."""
    verdict = rc.check("PAP-CLAIM-3", {"epochs": 0}, scale="quick")
    assert not verdict.passed and verdict.statistics["fraction"] == 0.0
    assert 0.8 < verdict.statistics["trace_min"] and verdict.statistics["trace_max"] < 1.25


def test_observation_cards_report_their_statistics():
    """Both report only (the specification: report the side and the counts, assert neither);
    their quick runs are in test_catalogue.py. Here: the statistics on a tiny network."""
    cards = rc.load_catalogue()
    assert cards["PAP-CLAIM-30"].expected == cards["PAP-CLAIM-26"].expected == "observation"
    stats = ts.g_groups(np.random.default_rng(0), D=6, C=3, n=10, t=2.0, width=5, epochs=5,
                        wd=5e-4, seeds=1)
    assert all(np.isfinite(stats[k]) for k in ("side_mean", "outliers_mean", "beyond_mean"))
    assert stats["mini_over_cc1_mean"] == pytest.approx(stats["beyond_mean"] / 6)


def test_visibility_control_above_threshold_is_rejected():
    """t = 2 (snr 3.2): all C class-mean outliers leave the bulk near the predicted location."""
    verdict = rc.check("PAP-CLAIM-31", {"t": 2.0}, scale="quick")
    assert not verdict.passed and verdict.statistics["visible_min"] == 4
    assert abs(verdict.statistics["top_mean"] - verdict.statistics["predicted"]) < 0.15


def test_visibility_threshold_location():
    """At snr = 1 the predicted outlier location is the bulk edge (continuity of the formula)."""
    D, C, n = 100, 4, 250
    t = np.sqrt(C * np.sqrt(D / (n * C)))
    stats = class_mean_visibility(np.random.default_rng(0), D, C, n, t * (1 + 1e-9), 1)
    assert stats["predicted"] == pytest.approx(stats["edge"], rel=1e-6)

