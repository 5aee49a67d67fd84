"""The kopitkov2019_regression scenario and its building blocks: the portrait target, checkpointed
GD runs and the figures."""

import json

import numpy as np
import pytest

from rmtcheck.checker.scenarios import simulate
from rmtcheck.theory.kopitkov2019.alignment import alignment_run
from rmtcheck.theory.kopitkov2019.targets import (
    image_target,
    portrait,
    smooth_target,
    uniform_points,
)


def test_portrait_ships_with_matplotlib_and_is_grey():
    img = portrait()
    assert img.ndim == 2 and img.min() >= 0 and img.max() <= 1 and img.std() > 0.1


def test_image_target_hits_the_pixels_at_the_corners():
    img = np.arange(12.0).reshape(3, 4)
    X = np.array([[0, 1], [1, 1], [0, 0], [1, 0], [0.5, 0.5]])
    # x1 left-right over columns, x2 bottom-top over rows (row 0 is the top)
    # centre: column 1.5, row 1 -> halfway between pixels (1, 1) = 5 and (1, 2) = 6
    assert np.allclose(image_target(X, img), [0, 3, 8, 11, 5.5])


def test_alignment_run_records_the_checkpoints_it_is_asked_for():
    rng = np.random.default_rng(0)
    X = uniform_points(60, rng)
    run = alignment_run(X, smooth_target(X), rng, depth=3, width=16, steps=40,
                        decay_at=(20,), checkpoints=[0, 19, 20, 40], ks=(4, 8),
                        keep_vectors=True)
    assert list(run.steps) == [0, 19, 20, 40]
    assert np.allclose(run.series("ratio")[0], 1.0)     # delta_0 = N / lambda_max(G_0)
    assert run.checkpoints[2].delta == pytest.approx(0.5 * run.lr)
    assert run.series("train_loss")[-1] < run.series("train_loss")[0]
    assert run.series("energy_y").shape == (4, 2)


def test_quick_scenario_writes_figures_and_summary(tmp_path):
    summary = simulate("kopitkov2019_regression", tmp_path, scale="quick",
                       params={"N": 80, "steps": 60, "n_test": 40, "grid": 16,
                               "shortcuts": True})
    assert set(summary["figures"]) == {"energy.png", "spectrum.png", "eigenvectors.png",
                                       "learned.png", "losses.png"}
    saved = json.loads((tmp_path / "summary.json").read_text())
    rep = saved["reproduced"]
    assert {"L2", "L4", "L6", "L6-sc"} <= set(rep) and rep["L6"]["ratio"][0] == pytest.approx(1.0)
    assert 1 <= rep["L6"]["k99_f_end"] <= 80


@pytest.mark.parametrize("steps", [200, 0])
def test_topk_scenario_judges_growth_and_an_untrained_control_fails(tmp_path, steps):
    """Trained for 200 steps the target's energy in the top 200 grows (E_y_gain.200 holds);
    the control (steps = 0: the same statistic on an untrained network) has no growth and
    fails. Judged-at-full keys are not judged at quick scale."""
    summary = simulate("kopitkov2019_alignment_topk", tmp_path, scale="quick",
                       params={"N": 300, "width": 16, "steps": steps,
                               "checkpoints": sorted({0, steps}), "k": 200, "ks": [10, 200],
                               "block": 100})
    assert summary["figures"] == ["alignment_curves.png"]
    rep = summary["reproduced"]
    assert rep["converged"] and rep["ratio_delta_lam_max_over_N"][0] == pytest.approx(1.0)
    verdicts = {row["key"]: row["verdict"] for row in summary["comparison"]}
    assert verdicts["E_y_gain.200"] == ("holds" if steps else "fails")
    assert verdicts["E_y_end.400"] == verdicts["E_f_min.200"] == "not judged"
