"""Key-by-key comparison of a scenario with the paper: the rule, its validation, and the
summary files of a run."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmtcheck.checker.compare import Comparison, compare, lookup, parse_compare
from rmtcheck.checker.scenarios import simulate
from rmtcheck.errors import CardError

from .test_scenario_loader import GOOD

SCALES = ("quick", "full")
finite = st.floats(-1e6, 1e6, allow_nan=False)
tol = st.floats(0, 1e3, allow_nan=False)


@given(ours=finite, paper=finite, atol=tol, rtol=st.floats(0, 2))
def test_holds_exactly_when_within_atol_plus_rtol(ours, paper, atol, rtol):
    rule = Comparison("k", paper, "Table 1", atol=atol, rtol=rtol)
    inside = abs(ours - paper) <= atol + rtol * abs(paper)
    assert rule.judge(ours, "full") == ("holds" if inside else "fails")


@given(ours=finite, low=finite, width=tol)
def test_a_range_holds_exactly_inside(ours, low, width):
    rule = Comparison("k", None, "Fig. 3", range=(low, low + width))
    assert rule.judge(ours, "quick") == ("holds" if low <= ours <= low + width else "fails")


@pytest.mark.parametrize("ours", [None, math.nan, math.inf, "ten", True, [1.0]])
def test_missing_or_non_finite_numbers_are_errors(ours):
    assert Comparison("k", 1.0, "Sec. 2", atol=1.0).judge(ours, "full") == "error"


def test_an_entry_for_the_other_scale_is_not_judged():
    rule = Comparison("k", 1.0, "Sec. 2", atol=0.1, at="full")
    assert rule.judge(5.0, "quick") == "not judged"
    assert rule.judge(5.0, "full") == "fails"  # the same number is judged at its scale


def test_dotted_keys_reach_into_nested_dicts():
    summary = {"r2": {"case3": 0.7}, "a.b": 2}
    assert lookup(summary, "r2.case3") == 0.7
    assert lookup(summary, "a.b") == 2
    assert lookup(summary, "r2.case9") is None
    assert lookup({"errors": [0.4, {"x": 3}]}, "errors.1.x") == 3
    assert lookup({"errors": [0.4, 0.5]}, "errors.-1") == 0.5
    assert lookup({"errors": [0.4]}, "errors.3") is None
    rows = compare(parse_compare({"r2.case3": {"paper": 0.788, "read": "Table 1", "atol": 0.1}},
                                 "x", SCALES), summary, "full")
    assert rows[0]["verdict"] == "holds" and rows[0]["ours"] == 0.7


@pytest.mark.parametrize("entry, field", [
    ({"paper": 1, "atol": 0.1}, "read"),
    ({"paper": 1, "read": "Sec. 1"}, "compare.k"),
    ({"paper": "ten", "read": "Sec. 1", "atol": 1}, "paper"),
    ({"paper": 1, "read": "Sec. 1", "atol": -1}, "atol"),
    ({"read": "Sec. 1", "range": [2, 1]}, "range"),
    ({"read": "Sec. 1", "range": [0, float("nan")]}, "range"),
    ({"paper": 1, "read": "Sec. 1", "atol": 1, "at": "huge"}, "at"),
    ({"paper": 1, "read": "Sec. 1", "atol": 1, "colour": "red"}, "colour"),
])
def test_bad_entries_name_their_field(entry, field):
    with pytest.raises(CardError, match=field):
        parse_compare({"k": entry}, "demo", SCALES)


def test_simulate_writes_the_comparison_beside_the_paper(tmp_path):
    folder = tmp_path / "cat" / "demo"
    folder.mkdir(parents=True)
    (folder / "functions.py").write_text(
        "def run(out_dir, rng, p):\n    return {'count': p, 'nested': {'x': 0.5}}\n")
    (folder / "scenarios.toml").write_text(GOOD + """[scenario.compare.count]
paper = 10
read = "Sec. 1 text"
atol = 0
[scenario.compare."nested.x"]
paper = 0.9
read = "Fig. 2, read at the peak"
rtol = 0.1
[scenario.compare.absent]
paper = 1
read = "Sec. 3"
atol = 1
""")
    summary = simulate("demo_one", tmp_path / "out", scale="full",
                       catalogue=[str(tmp_path / "cat")])
    verdicts = {r["key"]: r["verdict"] for r in summary["comparison"]}
    assert verdicts == {"count": "holds", "nested.x": "fails", "absent": "error"}
    on_disk = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert on_disk["comparison"] == summary["comparison"]
    table = (tmp_path / "out" / "summary.md").read_text()
    assert "| nested.x | 0.5 | 0.9 | rtol 0.1 | fails | Fig. 2, read at the peak |" in table


def test_a_one_sided_range_uses_inf():
    rule = parse_compare({"k": {"read": "Sec. 2: positive", "range": [0, math.inf]}}, "x",
                         SCALES)[0]
    assert rule.judge(1e300, "full") == "holds" and rule.judge(-1e-9, "full") == "fails"
    assert rule.tolerance() == "in [0, inf]"
