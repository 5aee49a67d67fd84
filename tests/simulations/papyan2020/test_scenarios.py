"""Papyan (2020) scenarios run at quick scale (shortened training) and report consistent numbers."""

from __future__ import annotations

import numpy as np

from rmtcheck.checker.scenarios import simulate


def _missing(summary: dict) -> set[str]:
    """Compared keys the run did not return (verdict error)."""
    return {row["key"] for row in summary["comparison"] if row["verdict"] == "error"}


def test_gmm_mlp_spectrum(tmp_path):
    s = simulate("papyan2020_gmm_mlp_spectrum", tmp_path, scale="quick", params={"epochs": 20})
    r = s["reproduced"]
    assert (tmp_path / "gmm_mlp_spectrum.png").exists() and (tmp_path / "summary.json").exists()
    assert r["residual_eq_6_4"] < 1e-12                           # Eq. 6.4 (corrected) on an MLP
    assert abs(r["trace_E_over_trace_G"]) < 1e-6                   # DERIVED (b): Tr E = 0
    assert r["weyl_margin"] > -1e-9                 # Weyl: |l_i(Hess) - l_i(G)| <= ||E||
    assert 0.3 < r["E_fraction_positive"] < 0.7                    # E nearly symmetric about 0
    top = np.array(r["top_G"])
    assert np.all(np.diff(top) <= 0) and 1 <= r["outliers_G"] <= 2 * 4
    assert r["top_C_rel_change"]["same"] < r["top_C_rel_change"]["class"]
    assert r["Hess_train_over_test"]["trace"] > 0 and r["G_train_over_test"]["lambda_1"] > 0
    assert r["outliers_G_minus_C"] == r["outliers_G"] - 4 and _missing(s) == set()


def test_knockout_scatter(tmp_path):
    s = simulate("papyan2020_knockout_scatter", tmp_path, scale="quick", params={"epochs": 20})
    r = s["reproduced"]
    assert (tmp_path / "knockout_scatter.png").exists()
    assert len(r["features"]) == len(r["kfac_err"]) == len(r["stationarity"]) - 1 == 3
    assert all(v > 0 for v in r["features"])                       # class knockout removes top C
    assert all(np.isfinite(r["cfac_err"])) and all(v > 0 for v in r["kfac_err"])
    assert all(-1 <= c <= 1 for c in r["khatri_rao_cosine"])
    assert all(len(e) == 2 and min(e) >= 0 for e in r["errors_cross"])   # misfits are |log|
    assert r["last"]["features"] == r["features"][-1] and _missing(s) == set()


def test_feature_whitening(tmp_path):
    s = simulate("papyan2020_feature_whitening", tmp_path, scale="quick", params={"epochs": 20})
    r = s["reproduced"]
    assert (tmp_path / "feature_whitening.png").exists()
    assert len(r["sep_features"]) == 4
    assert all(w >= 1 for w in r["whitening_features"])            # lambda_2 / lambda_C >= 1
    assert all(e >= 1 - 1e-9 for e in r["edge_features"])         # Cauchy: mu_1 >= lambda_{1+r}
    assert -1 <= r["spearman_sep_features_depth"] <= 1
    assert r["last"]["whitening_features"] == r["whitening_features"][-1] and _missing(s) == set()


def test_g_dynamics(tmp_path):
    s = simulate("papyan2020_g_dynamics", tmp_path, scale="quick",
                 params={"sizes": [10, 30], "checkpoints": [2, 4, 6]})
    r = s["reproduced"]
    assert (tmp_path / "g_dynamics.png").exists()
    assert set(r["cross"]) == {"10", "30"} and all(len(v) == 3 for v in r["cross"].values())
    assert all(np.isfinite(v).all() for v in r["klass"].values())
    assert len(r["spearman_cross_sizes"]) == 3
    np.testing.assert_equal(r["median"]["spearman_cross_sizes"],
                            np.median(r["spearman_cross_sizes"]))
    assert _missing(s) == set()


def test_thm81_monte_carlo(tmp_path):
    """X1: measured/predicted MC error within 25% (over 40 seeds the ratio for 5 reps per n had
    sd 0.05 and range 0.83-1.14, so 0.25 is ~ 5 sd), slope near -1/2 (ratio noise of 5% moves a
    slope over two decades by < 0.03), and the Theorem 8.1 multiplicities."""
    s = simulate("papyan2020_thm81", tmp_path, scale="quick",
                 params={"sizes": [10, 100, 1000], "reps": 5, "softmax_n": 2000})
    r = s["reproduced"]
    assert (tmp_path / "thm81_monte_carlo.png").exists()
    assert all(0.75 < q < 1.25 for q in r["ratio_measured_predicted"])
    assert abs(r["slope"] + 0.5) < 0.1
    assert [m for _, m in r["theorem_levels"]] == [4, 8, 12, 8]
    assert r["softmax_levels"]["t=2"][-1][1] == 8                  # D shift directions at 0
    assert set(r["rel_error_at"]) == {"10", "100", "1000"} and set(r["mc_level"]) == {
        "outlier", "mini", "bulk"}
    assert _missing(s) == {"rel_error_at.10000"}                   # sizes cut for the test
    verdicts = {row["key"]: row["verdict"] for row in s["comparison"]}
    assert verdicts["rel_error_at.100000"] == "not judged"        # judged at full scale only
