"""Scenarios: `rmtcheck simulate` runs a declarative scenario and writes figures + summary."""

import json

import pytest

from rmtcheck import InputError
from rmtcheck.cli.main import main
from rmtcheck.simulate import load_scenarios, simulate


def test_mp_universality_quick(tmp_path):
    summary = simulate("mp_universality", tmp_path, scale="quick", seed=1)
    assert summary["reproduced"]["all_within"] is True
    assert "mp_universality.png" in summary["figures"]
    assert json.loads((tmp_path / "summary.json").read_text())["params"]["p"] == 400


def test_unknown_parameter_is_rejected(tmp_path):
    with pytest.raises(InputError, match="--param q"):
        simulate("mp_universality", tmp_path, scale="quick", params={"q": "1"})


def test_cli_list(capsys):
    assert main(["simulate", "--list"]) == 0
    assert "mp_universality" in capsys.readouterr().out
    assert "mp_universality" in load_scenarios()
