"""Scenarios: `rmtcheck simulate` runs a declarative scenario and writes figures + summary."""

import json

import pytest

from rmtcheck import InputError
from rmtcheck.checker.scenarios import load_scenarios, simulate
from rmtcheck.cli.main import main


def test_mp_universality_quick(tmp_path):
    summary = simulate("classical_mp_universality", tmp_path, scale="quick", seed=1)
    assert summary["reproduced"]["all_within"] is True
    assert "mp_universality.png" in summary["figures"]
    assert json.loads((tmp_path / "summary.json").read_text())["params"]["p"] == 400


def test_unknown_parameter_is_rejected(tmp_path):
    with pytest.raises(InputError, match="--param q"):
        simulate("classical_mp_universality", tmp_path, scale="quick", params={"q": "1"})


def test_cli_list(capsys):
    assert main(["simulate", "--list"]) == 0
    assert "classical_mp_universality" in capsys.readouterr().out
    assert "classical_mp_universality" in load_scenarios()


def test_size_reduced_is_the_quick_scale(capsys, tmp_path):
    assert (
        main(
            [
                "simulate",
                "classical_mp_universality",
                "--size",
                "reduced",
                "--out",
                str(tmp_path),
                "--json",
                "--param",
                "p=200",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["scale"] == "quick" and summary["params"]["p"] == 200
