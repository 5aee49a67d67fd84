"""Catalogue robustness (a malformed user card is skipped with a warning; the built-in
catalogue stays strict), reserved names, the card's memory field and scenario ranges."""

import warnings
from pathlib import Path

import pytest

import rmtcheck as rc
from rmtcheck import CardError
from rmtcheck.checker import cards as cards_module
from rmtcheck.checker import load_file
from rmtcheck.checker.cards import CatalogueWarning
from rmtcheck.checker.scenarios import parse_scenario, simulate
from rmtcheck.cli.main import main
from rmtcheck.errors import InputError

from .test_cards import GOOD

BAD = GOOD.replace('id = "T-1"', 'id = "T-2"').replace('kind = "inequality"', 'kind = "vibes"')


def _folder(tmp_path: Path, *texts: str) -> str:
    for i, text in enumerate(texts):
        (tmp_path / f"c{i}.toml").write_text(text)
    return str(tmp_path)


def test_malformed_user_card_is_skipped_with_a_warning_naming_file_card_field(tmp_path):
    folder = _folder(tmp_path, GOOD + BAD.replace("[[claim]]", "\n[[claim]]", 1))
    with pytest.warns(CatalogueWarning) as caught:
        cards = rc.load_catalogue([folder])
    assert "T-1" in cards and "T-2" not in cards
    text = str(caught[0].message)
    assert "c0.toml" in text and "T-2" in text and "field 'kind'" in text


def test_invalid_toml_user_file_is_skipped_the_others_still_load(tmp_path):
    folder = _folder(tmp_path, GOOD, "[[claim]\n")
    with pytest.warns(CatalogueWarning, match="c1.toml.*invalid TOML"):
        assert "T-1" in rc.load_catalogue([folder])


def test_cli_prints_the_warning_on_one_line_and_runs_the_valid_card(tmp_path, capsys):
    folder = _folder(tmp_path, GOOD + BAD.replace("[[claim]]", "\n[[claim]]", 1))
    cards_module._load.cache_clear()
    assert main(["check", "T-1", "--catalogue", folder]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rmtcheck: warning: skipped a card of")


def test_the_builtin_catalogue_stays_strict(tmp_path, monkeypatch):
    (tmp_path / "bad.toml").write_text(BAD)
    monkeypatch.setattr(cards_module, "builtin_dir", lambda: tmp_path)
    cards_module._load.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(CardError, match="field 'kind'"):
                rc.load_catalogue()
    finally:
        cards_module._load.cache_clear()


@pytest.mark.parametrize("name", ["trials", "sizes", "rng"])
def test_reserved_parameter_names_are_refused_with_the_reason(tmp_path, name):
    path = tmp_path / "cards.toml"
    path.write_text(GOOD.replace("n = { int = [1, 50] }", f"n = {{ int = [1, 50] }}\n"
                                 f"{name} = {{ int = [1, 5] }}"))
    with pytest.raises(CardError, match=f"field 'params.{name}': is a reserved name"):
        load_file(path)


@pytest.mark.parametrize("memory, problem", [
    ("8 * q", "undeclared parameter"), ("8 *", "cannot parse"), ("", "expression in bytes"),
    ("__import__('os')", "undeclared|forbidden|cannot"),
])
def test_memory_field_is_validated(tmp_path, memory, problem):
    path = tmp_path / "cards.toml"
    path.write_text(GOOD.replace('kind = "inequality"',
                                 f'kind = "inequality"\nmemory = "{memory}"'))
    with pytest.raises(CardError, match=f"field 'memory': .*({problem})"):
        load_file(path)


def test_memory_field_refuses_before_running_and_passes_small_runs(tmp_path, monkeypatch):
    path = tmp_path / "cards.toml"
    path.write_text(GOOD.replace('kind = "inequality"', 'kind = "inequality"\n'
                                 'memory = "2**30 * n"'))
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "4G")
    assert rc.check("T-1", {"n": 3}, catalogue=[str(tmp_path)]).passed  # 3 GiB fits
    with pytest.raises(InputError, match="^--param n: T-1 at n=5 needs about 5 GiB"):
        rc.check("T-1", {"n": 5}, catalogue=[str(tmp_path)])


SCENARIO = {"name": "s", "title": "t", "source": "x", "claims": [], "run": "m:f",
            "params": {"p": 100, "ratios": [0.5, 1.0]}, "quick": {"p": 20}}


@pytest.mark.parametrize("ranges, problem", [
    ({"q": [1, 2]}, "undeclared"), ({"p": [5]}, "low, high"), ({"p": [9, 1]}, "low, high"),
    ({"p": [1, 50]}, "excludes the default 100"), ({"ratios": [0.7, 2]}, "excludes the default"),
    ({"p": ["a", "b"]}, "low, high"),
])
def test_scenario_ranges_are_validated(ranges, problem):
    with pytest.raises(CardError, match=problem):
        parse_scenario({**SCENARIO, "ranges": ranges}, "x/scenarios.toml", set())
    parse_scenario({**SCENARIO, "ranges": {"p": [10, 1000]}}, "x/scenarios.toml", set())


def test_scenario_parameters_out_of_range_refused_before_running(tmp_path):
    with pytest.raises(InputError, match=r"^--param p: got 1000000; valid: in \[10, 8000\]"):
        simulate("classical_mp_universality", tmp_path / "out", params={"p": "1000000"})
    assert not (tmp_path / "out").exists()
