"""Scenario tables are validated like cards: unknown fields, bad values and dangling claim
references are load errors naming the file and the field."""

import pytest

from rmtcheck.checker.scenarios import load_scenarios
from rmtcheck.errors import CardError

GOOD = """[[scenario]]
name = "demo_one"
title = "A scenario"
source = "Author (2024), Sec. 1"
claims = ["RMT-MP-LAW"]
run = "functions.py:run"
[scenario.params]
p = 10
[scenario.quick]
p = 5
"""


def _catalogue(tmp_path, text):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "scenarios.toml").write_text(text)
    return [str(tmp_path)]


def test_a_good_scenario_loads_with_its_claims(tmp_path):
    found = load_scenarios(_catalogue(tmp_path, GOOD))
    assert found["demo_one"].claims == ("RMT-MP-LAW",)
    assert "classical_mp_universality" in found


@pytest.mark.parametrize("old, new, field", [
    ('claims = ["RMT-MP-LAW"]', 'claims = ["RMT-NO-SUCH"]', "claims"),
    ('title = "A scenario"', 'title = "A scenario"\ncolour = "red"', "colour"),
    ('run = "functions.py:run"', 'run = "functions.py"', "run"),
    ("[scenario.quick]\np = 5", "[scenario.quick]\nq = 5", "quick"),
    ('title = "A scenario"\n', "", "title"),
    ('claims = ["RMT-MP-LAW"]', 'claims = "RMT-MP-LAW"', "claims"),
])
def test_a_bad_scenario_names_file_and_field(tmp_path, old, new, field):
    with pytest.raises(CardError, match=rf"demo/scenarios\.toml.*field '{field}'"):
        load_scenarios(_catalogue(tmp_path, GOOD.replace(old, new)))


def test_duplicate_names_are_refused(tmp_path):
    with pytest.raises(CardError, match="duplicate"):
        load_scenarios(_catalogue(tmp_path, GOOD + "\n" + GOOD))
