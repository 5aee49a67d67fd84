"""`rmtcheck property`: the search finds and shrinks a counterexample to a wrong card, and finds
none for a true one."""

from pathlib import Path

from rmtcheck.cli.main import main
from rmtcheck.testing import search_counterexample

WRONG = str(Path(__file__).parents[1] / "checker" / "wrong_cards")


def test_search_shrinks_the_wrong_card_to_its_minimal_counterexample():
    res = search_counterexample("TEST-WRONG-SUPERADDITIVE", examples=60, seed=1, catalogue=[WRONG])
    assert res.counterexample is not None
    assert res.counterexample.params["n"] == 2  # n = 1 is additive; n = 2 is the smallest failure
    assert res.counterexample.statistics["margin"] < 0


def test_search_finds_nothing_for_a_true_claim():
    res = search_counterexample("RMT-WEYL", examples=30, seed=1)
    assert res.counterexample is None and res.tried == 30


def test_cli_property_prints_the_shrunk_counterexample(capsys):
    code = main(
        [
            "property",
            "TEST-WRONG-SUPERADDITIVE",
            "--examples",
            "60",
            "--seed",
            "1",
            "--catalogue",
            WRONG,
        ]
    )
    out = capsys.readouterr().out
    assert code == 1  # the card expects `holds`, a counterexample contradicts it
    assert "counterexample found" in out and '"n": 2' in out


def test_cli_property_no_counterexample(capsys):
    assert main(["property", "RMT-RANK-R-INTERLACING", "--examples", "20"]) == 0
    assert "no counterexample in 20 examples" in capsys.readouterr().out


def test_property_reports_the_explored_domain():
    """Theorem 8.1 acceptance: 200 examples reach D = 40 and C = 8 (the search ranges' tops)."""
    from rmtcheck.testing.property import search_counterexample

    res = search_counterexample("PAP-THM-8.1", examples=200, seed=1)
    assert res.counterexample is None
    assert res.explored["D"] == [2, 40] and res.explored["C"] == [2, 8]
    assert res.as_dict()["explored"]["C"] == [2, 8]
    assert "D in [2, 40]" in res.explored_text()
