"""Scenario papyan2020_residual_tail (Fig. 16, PAP-CLAIM-26 / 3) at quick scale, shortened."""

from __future__ import annotations

from rmtcheck.checker.scenarios import simulate


def test_residual_tail(tmp_path):
    s = simulate("papyan2020_residual_tail", tmp_path, scale="quick", params={"epochs": 20})
    r = s["reproduced"]
    assert (tmp_path / "residual_tail.png").exists() and (tmp_path / "summary.json").exists()
    assert 0.3 < r["E_fraction_positive"] < 0.7                  # E nearly symmetric about 0
    for half in ("positive", "negative"):
        low, high = r["alpha_interval"][half]
        assert 1 < low < r["alpha"][half] < high and r["tail_points"][half] >= 20
    assert r["Hess_test_over_train"]["trace"] > 0
