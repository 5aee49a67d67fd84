"""papyan2020_digits at a reduced quick size: figures, exact ranks, the key-by-key comparison,
and compare tables on every papyan2020 scenario."""

from __future__ import annotations

import json

import numpy as np

from rmtcheck.checker.scenarios import load_scenarios, simulate

SMALL = {"n": 20, "n_test": 10, "width": 16, "epochs": 60, "top_steps": 60, "slq_steps": 32,
         "n_vec": 1}


def test_digits_scenario_small(tmp_path):
    s = simulate("papyan2020_digits", tmp_path, scale="quick", params=SMALL)
    r = s["reproduced"]
    for name in ("digits_log_spectrum.png", "digits_scree.png", "digits_hessian.png",
                 "summary.json", "summary.md"):
        assert (tmp_path / name).exists(), name
    assert r["params"] == 64 * 16 + 16 * 16 + 16 * 10 and r["train_size"] == 200
    # Eq. 6.4 ranks from the factors (exact): C, C(C-2), C, and C(C-1) together (g_cc || g_c)
    assert r["rank"] == {"class": 10, "cross": 80, "same": 10, "rest": 90}
    ratios = np.array(r["class_eigenvalues_over_edge"])
    assert np.all(np.diff(ratios) <= 0) and ratios[-1] > 0
    assert 0 <= r["E_fraction_positive"] <= 1 and r["E_outliers"] >= 0
    top = np.array(r["top_G"])
    assert np.all(np.diff(top) <= 1e-12 * top[0])
    rows = {row["key"]: row for row in s["comparison"]}
    assert set(rows) == {c.key for c in load_scenarios()["papyan2020_digits"].compare}
    assert all(row["verdict"] in ("holds", "fails") for row in rows.values())   # no key missing
    assert rows["rank.cross"]["verdict"] == "holds"
    assert rows["rank.rest"]["verdict"] == "fails"          # C(C-1) = 90, the caption's C^2
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["comparison"] == s["comparison"]
    assert "| rank.cross | 80 | 80 |" in (tmp_path / "summary.md").read_text()


def test_every_papyan_scenario_compares_key_by_key():
    scenarios = {k: v for k, v in load_scenarios().items() if k.startswith("papyan2020_")}
    assert len(scenarios) == 7
    for name, sc in scenarios.items():
        assert len(sc.compare) >= 2, name
        assert all(c.read.strip() for c in sc.compare)
