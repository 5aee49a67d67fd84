"""Three outcomes (holds, fails, error) and specific expected failures: a `fails` card meets
its expectation only when its recorded counterexample reproduces; an error never does."""

import json
from pathlib import Path

import pytest

import rmtcheck as rc
from rmtcheck.checker.cards import load_file
from rmtcheck.cli.main import main
from rmtcheck.errors import CardError

CATALOGUE = [str(Path(__file__).parent / "outcome_cards")]


def _check(claim):
    return rc.check(claim, catalogue=CATALOGUE)


def test_the_real_counterexample_reproduces_and_meets_the_expectation():
    v = _check("OUT-REAL-COUNTEREXAMPLE")
    assert (v.outcome, v.reproduced, v.meets_expected) == ("fails", True, True)


@pytest.mark.parametrize("claim, cause", [("OUT-RAISES", "RuntimeError: the card's function"),
                                          ("OUT-NAN", "statistic max_abs_error is nan"),
                                          ("OUT-SHAPE", "shape mismatch")])
def test_errors_are_their_own_outcome_and_never_meet_an_expectation(claim, cause):
    v = _check(claim)
    assert v.outcome == "error" and cause in v.error and not v.meets_expected
    assert v.as_dict()["outcome"] == "error"


def test_a_failure_for_another_reason_does_not_meet_the_expectation():
    v = _check("OUT-OTHER-REASON")
    assert v.outcome == "fails" and v.reproduced is False and not v.meets_expected


def test_an_observation_meets_whatever_it_measures():
    v = _check("OUT-OBSERVATION")
    assert v.outcome == "fails" and v.meets_expected


@pytest.mark.parametrize("claim, code", [("OUT-REAL-COUNTEREXAMPLE", 0), ("OUT-RAISES", 1),
                                         ("OUT-NAN", 1), ("OUT-OTHER-REASON", 1)])
def test_cli_exit_status_and_json(claim, code, capsys):
    assert main(["check", claim, "--catalogue", CATALOGUE[0], "--json"]) == code
    out = json.loads(capsys.readouterr().out)
    assert out["meets_expected"] is (code == 0)
    if claim in ("OUT-RAISES", "OUT-NAN"):
        assert out["outcome"] == "error" and out["error"]


def test_cli_text_names_the_cause_in_one_line(capsys):
    assert main(["check", "OUT-RAISES", "--catalogue", CATALOGUE[0]]) == 1
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip().startswith("error:")]
    assert lines == ["  error: RuntimeError: the card's function broke"]


def test_verify_lists_errors_apart_from_mismatches(capsys):
    assert main(["verify", "--prefix", "OUT-", "--catalogue", CATALOGUE[0], "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out["errors"]) == {"OUT-RAISES", "OUT-NAN", "OUT-SHAPE"}
    assert out["mismatches"] == ["OUT-OTHER-REASON"]


def test_timeout_is_an_error_outcome():
    v = rc.check("OUT-REAL-COUNTEREXAMPLE", catalogue=CATALOGUE, timeout_s=1e-9)
    assert v.outcome in ("error", "fails")  # the alarm may fire after a 1-ns check ends
    card = rc.get_card("OUT-REAL-COUNTEREXAMPLE", CATALOGUE)
    import time

    from rmtcheck.checker import run

    def slow(*args, **kwargs):
        time.sleep(2)

    orig = run._EVAL["exact"]
    run._EVAL["exact"] = slow
    try:
        v = rc.check(card, timeout_s=0.2)
    finally:
        run._EVAL["exact"] = orig
    assert v.outcome == "error" and "timeout_s" in v.error


def _variant(tmp_path, old, new):
    text = (Path(CATALOGUE[0]) / "cards.toml").read_text().replace(old, new, 1)
    path = tmp_path / "cards.toml"
    path.write_text(text)
    (tmp_path / "functions.py").write_text((Path(CATALOGUE[0]) / "functions.py").read_text())
    return path


def test_a_counterexample_outside_the_domain_is_a_load_error(tmp_path):
    path = _variant(tmp_path, "counterexample = { params = { x = 2.0 }",
                    "counterexample = { params = { x = 7.0 }")
    with pytest.raises(CardError, match=r"OUT-REAL-COUNTEREXAMPLE.*counterexample\.params\.x"):
        load_file(path)


@pytest.mark.parametrize("old, new, field", [
    ('quote = "x <= 1"\n', "", "quote"),
    ("statistic = \"max_abs_error\", ", "", "counterexample.statistic"),
    ("value = 1.0, atol = 1e-9", "value = 1.0", "counterexample"),
    ("quick = { x = 2.0 }", "quick = { x = 2.5 }", "scale.quick"),
])
def test_a_printed_error_must_record_its_quote_and_counterexample(tmp_path, old, new, field):
    with pytest.raises(CardError, match=f"field '{field}'"):
        load_file(_variant(tmp_path, old, new))
