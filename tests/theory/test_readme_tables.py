"""README's tables of source texts and printed errors are the catalogue's own (no drift)."""

import re
from pathlib import Path

import pytest

import rmtcheck as rc
from rmtcheck.report.catalogue import errata_table, texts_table

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("name, make", [("texts", texts_table), ("errata", errata_table)])
def test_readme_table_matches_the_catalogue(name, make):
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {name}:start[^>]*-->\n(.*?)\n<!-- {name}:end -->", text, re.S)
    assert found, f"README has no {name} table"
    expected = make(rc.load_catalogue())
    assert found.group(1).strip() == expected, f"regenerate README's {name} table:\n{expected}"


def test_every_printed_error_quotes_its_sentence_and_counterexample():
    for card in rc.load_catalogue().values():
        if card.expected == "fails":
            assert card.quote and card.counterexample["params"] and card.corrected
