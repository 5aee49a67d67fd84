"""Scenarios of rmtcheck.simulations.hacohen2022: the frequency dataset, critical frequencies,
and quick runs of the three hacohen2022 scenarios."""

import numpy as np
import pytest

from rmtcheck.checker.scenarios import simulate
from rmtcheck.theory.hacohen2022.frequency import (
    PHI,
    critical_frequency,
    discriminability,
    frequencies,
    frequency_dataset,
)


def test_frequency_dataset_matches_spec():
    """lambda([-1, 1]) = [-4.66, 4.92] and about half the points in class 1 (spec 4.1)."""
    rng = np.random.default_rng(0)
    x, labels = frequency_dataset(rng, 20000)
    lam = frequencies(np.linspace(-1, 1, 20001)).sum(axis=1)
    assert lam.min() == pytest.approx(-4.66, abs=0.005)
    assert lam.max() == pytest.approx(4.92, abs=0.005)
    assert abs(labels.mean() - 0.5) < 0.02  # binomial s.e. 0.0035; the area ratio is 0.4998
    assert np.all(np.abs(x[:, 0]) <= 1) and np.all(np.abs(x[:, 1]) <= 2 * np.pi)
    exact = x[:, 1] > frequencies(x[:, 0]).sum(axis=1)
    assert np.array_equal(labels, exact.astype(int))
    # the OCR-garbled list (phi_8 = 0.45 twice) gives another separator
    garbled = PHI.copy()
    garbled[7] = 0.45
    lam_garbled = np.sin(2 * np.pi * np.outer(np.linspace(-1, 1, 2001), np.arange(10.0)) + garbled)
    assert abs(lam_garbled.sum(axis=1).max() - 4.92) > 0.05


def test_critical_frequency_rules():
    rng = np.random.default_rng(1)
    x, labels = frequency_dataset(rng, 5000)
    smallest, stable = critical_frequency(x, labels), critical_frequency(x, labels, "stable")
    assert np.all(smallest <= stable) and np.all(stable <= 9)
    # definition check on each point: partial sum at the critical frequency classifies it right
    partial = np.cumsum(frequencies(x[:, 0]), axis=1)
    correct = (x[:, 1:2] > partial) == labels[:, None].astype(bool)
    idx = smallest.astype(int)
    assert np.all(correct[np.arange(len(x)), idx])
    j = np.arange(10)
    assert np.all(~correct | (j >= idx[:, None]))  # nothing below the smallest is correct
    assert np.all(correct | (j < stable[:, None]))  # everything from the stable one on is
    # most points are classified already by the constant term (spec: 86 % at kappa = 0)
    assert 0.8 < np.mean(smallest == 0) < 0.92
    with pytest.raises(Exception, match="rule"):
        critical_frequency(x, labels, "largest")


def test_discriminability_far_from_boundary():
    x = np.array([[0.0, 6.0], [0.01, 6.01], [0.02, 6.0], [0.0, -6.0], [0.01, -6.01], [0.02, -6.0]])
    labels = np.array([1, 1, 1, 0, 0, 0])
    assert np.allclose(discriminability(x, labels, 2), 1.0)
    assert np.allclose(discriminability(x, 1 - labels, 2), 1.0)
    assert np.allclose(discriminability(x, np.array([1, 0, 0, 0, 1, 1]), 2)[[0, 3]], [0.0, 0.0])


def test_frequency_scenario_quick(tmp_path):
    s = simulate("hacohen2022_frequency", tmp_path, scale="quick")["reproduced"]
    assert s["lambda_range"] == pytest.approx([-4.66, 4.92], abs=0.005)
    hist = np.array(s["critical_histogram_smallest"])
    assert hist.sum() == 4000 and hist[0] > 0.8 * 4000
    assert s["pearson_discriminability_vs_critical"] < -0.3
    # C.2.2: points with a higher critical frequency are learned later (paper r = -0.93)
    assert s["pearson_accessibility_vs_critical"] < -0.3
    assert s["accessibility_kappa0"] > s["accessibility_kappa_pos"]
    assert (tmp_path / "frequency_dataset.png").exists()


def test_pc_bias_scenario_quick(tmp_path):
    s = simulate("hacohen2022_pc_bias", tmp_path, scale="quick")["reproduced"]
    assert s["spearman_rate_vs_d"] < -0.9 and s["spearman_steps_vs_d"] < -0.9
    assert np.allclose(s["effective_rates_s5"], s["predicted_rates"], atol=0.1)
    assert (tmp_path / "pc_bias_columns.png").exists()


def test_init_comparison_scenario_quick(tmp_path):
    s = simulate("hacohen2022_init_comparison", tmp_path, scale="quick")["reproduced"]
    # tuned steps: Glorot's effective step is about twice Def. 4's, so its tuned scale is lower
    assert s["glorot"]["step_scale"] < s["def4"]["step_scale"]
    assert s["def4"]["final_train_acc"] > 0.9 and s["glorot"]["final_train_acc"] > 0.9
    assert abs(s["def4"]["final_test_acc"] - s["glorot"]["final_test_acc"]) < 0.05
    assert (tmp_path / "init_comparison_loss.png").exists()
