"""Scenarios simulations/wang_*.toml: they load, run at reduced sizes, write their figures and
report the paper's numbers beside the reproduced ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmtcheck.simulate import load_scenarios, simulate

NAMES = ["wang_table1", "wang_lr_transition", "wang_early_phase", "wang_invariance"]


def test_scenarios_are_registered_with_paper_numbers() -> None:
    found = load_scenarios()
    for name in NAMES:
        assert name in found and found[name].paper
    assert found["wang_table1"].paper["lazy"]["r2"] == pytest.approx(0.68092)


def test_early_phase_tiny(tmp_path: Path) -> None:
    out = simulate("wang_early_phase", tmp_path, scale="quick",
                   params={"sizes": [60, 120, 240], "trials": 2})
    slopes = out["reproduced"]["slopes"]
    assert slopes["w_fro_scaled"]["claimed"] == -1.0
    assert -1.3 < slopes["w_fro_scaled"]["slope"] < -0.7  # the Theta(1/n) rate at tiny n
    assert out["figures"] == ["early_phase.png"]


def test_table1_tiny_orders_gd_below_large_lr_sgd(tmp_path: Path) -> None:
    cases = {"case1": {"optimizer": "gd", "lr": 5.0, "epochs": 40},
             "case4": {"optimizer": "adam", "lr": 0.092, "batch_size": 32, "epochs": 5}}
    out = simulate("wang_table1", tmp_path, scale="quick",
                   params={"n": 160, "n_test": 300, "cases": cases})
    rows = out["reproduced"]["cases"]
    assert set(rows) == {"lazy", "case1", "case4"}
    # invariant bulk (KS < 6/d, WANG-CLAIM-C5.3-KERNELS) vs outliers and a heavier tail
    assert rows["case1"]["ks_w"] < 6 / 80 and rows["case1"]["spikes_w"] == 0
    assert rows["case4"]["ks_w"] > rows["case1"]["ks_w"] and rows["case4"]["spikes_w"] >= 1
    assert (tmp_path / "table1_spectra.png").exists() and (tmp_path / "summary.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_quick_scenarios(tmp_path: Path, name: str) -> None:
    out = simulate(name, tmp_path, scale="quick")
    assert out["figures"] and out["seconds"] < 120
