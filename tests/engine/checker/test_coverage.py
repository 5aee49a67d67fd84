"""The coverage ledger lists every specification ID with a status derived from the cards."""

from pathlib import Path

import pytest

from rmtcheck.checker.coverage import counts, ledger
from rmtcheck.cli.main import main
from rmtcheck.errors import CardError

SPEC_IDS = Path(__file__).resolve().parents[4] / "shared" / "spec" / "claim_ids.txt"


def test_no_specification_id_is_missing_and_each_has_a_reason_or_a_card():
    entries = ledger()
    assert entries and not [e.id for e in entries if e.status == "missing"]
    for e in entries:
        assert e.cards if e.status == "card" else e.reason


@pytest.mark.skipif(not SPEC_IDS.exists(), reason="the specifications' ID list is not beside "
                    "this checkout")
def test_the_ledger_holds_every_id_of_the_specifications():
    wanted = {line.strip() for line in SPEC_IDS.read_text().splitlines() if line.strip()}
    assert {e.id for e in ledger()} == wanted


def test_counts_add_up():
    table = counts(ledger())
    for row in table.values():
        assert row["card"] + row["not checkable"] + row["open"] + row["missing"] == row["total"]


def _text(tmp_path, ledger_text):
    folder = tmp_path / "demo2024"
    folder.mkdir()
    (folder / "cards.toml").write_text('''[text]
name = "demo2024"
prefix = "DEMO"
short = "Demo (2024)"
title = "t"
citation = "Demo (2024). t."

[[claim]]
id = "DEMO-ONE"
title = "t"
statement = "s"
source = { file = "f" }
covers = ["DEMO-CLAIM-1"]
kind = "inequality"
expected = "holds"
empirical = "f.py:g"
tolerance = { atol = 0, why = "w" }
[claim.scale]
quick = {}
''')
    (folder / "ledger.toml").write_text(ledger_text)
    return [str(tmp_path)]


def test_status_comes_from_covers_and_the_reasons(tmp_path):
    cat = _text(tmp_path, 'spec_ids = ["DEMO-CLAIM-1", "DEMO-CLAIM-2", "DEMO-CLAIM-3"]\n'
                          '[uncarded]\n"DEMO-CLAIM-2" = { status = "open", reason = "r" }\n')
    got = {e.id: (e.status, e.cards) for e in ledger(cat, "demo2024")}
    assert got == {"DEMO-CLAIM-1": ("card", ("DEMO-ONE",)), "DEMO-CLAIM-2": ("open", ()),
                   "DEMO-CLAIM-3": ("missing", ())}


@pytest.mark.parametrize("text, field", [
    ('spec_ids = ["DEMO-CLAIM-1"]\n[uncarded]\n"DEMO-CLAIM-1" = { status = "open", '
     'reason = "r" }\n', "uncarded.DEMO-CLAIM-1"),
    ('spec_ids = ["DEMO-CLAIM-2"]\n[uncarded]\n"DEMO-CLAIM-2" = { status = "later", '
     'reason = "r" }\n', "uncarded.DEMO-CLAIM-2"),
    ('spec_ids = ["A"]\n[uncarded]\n"B" = { status = "open", reason = "r" }\n', "uncarded.B"),
])
def test_a_stale_or_bad_entry_is_a_load_error(tmp_path, text, field):
    with pytest.raises(CardError, match=f"field '{field}'"):
        ledger(_text(tmp_path, text), "demo2024")


def test_cli_json_and_unknown_text(capsys):
    assert main(["coverage", "--text", "papyan2020", "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert set(out["counts"]) == {"papyan2020"}
    assert all(e["id"].startswith("PAP-") for e in out["ids"])
    assert main(["coverage", "--text", "nosuch"]) == 2
