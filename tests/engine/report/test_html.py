"""report.html: self-contained, every claim with its statement, citation, parameters,
statistics, tolerance and why, printed errors with quote, counterexample and the command that
reproduces it, and the coverage ledger per text."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

from rmtcheck.checker.coverage import counts
from rmtcheck.report.html import OUTCOMES


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(text: str) -> list[tuple[str, dict]]:
    p = _Collect()
    p.feed(text)
    return p.tags


def test_page_is_self_contained(small_report):
    text = small_report["html"].read_text(encoding="utf-8")
    tags = _parse(text)
    assert not [a for t, a in tags if t in ("link", "script") and ("href" in a or "src" in a)]
    assert not re.search(r"""(src|href)=["'](https?:)?//""", text)
    images = [a["src"] for t, a in tags if t == "img"]
    assert len(images) == 2  # the atom spectrum and the scaling fit
    for src in images:
        head, data = src.split(",", 1)
        assert head == "data:image/png;base64"
        assert base64.b64decode(data).startswith(b"\x89PNG")


def test_summary_rows_carry_the_filter_keys(small_report):
    tags = _parse(small_report["html"].read_text(encoding="utf-8"))
    rows = [a for t, a in tags if t == "tr" and "data-claim" in a]
    cards = small_report["cards"]
    assert [r["data-claim"] for r in rows] == [v.claim for v in small_report["verdicts"]]
    for r, v in zip(rows, small_report["verdicts"], strict=True):
        assert r["data-outcome"] in OUTCOMES and r["data-outcome"] == v.outcome
        assert r["data-kind"] == v.kind
        assert cards[v.claim].source_text.lower() in r["data-text"]
        assert r["data-mismatch"] == str(int(not v.meets_expected))
    ids = {a.get("id") for _, a in tags}
    assert {"q", "kind", "outcome", "summary", "coverage"} <= ids
    assert {v.claim for v in small_report["verdicts"]} <= ids  # a section per claim


def test_each_claim_shows_its_evidence(small_report):
    text = small_report["html"].read_text(encoding="utf-8")
    for v in small_report["verdicts"]:
        card = small_report["cards"][v.claim]
        section = text[text.index(f'<section class="claim" id="{v.claim}">'):]
        section = section[:section.index("</section>")]
        for piece in (card.title, card.source_text, card.text.citation, "Parameters",
                      "Statistics", "Why:"):
            assert _unescaped(piece) in _unescaped(section), (v.claim, piece)
    err = text[text.index('id="PAP-ERR-1">'):]
    err = err[:err.index("</section>")]
    assert "Counterexample" in err and "rmtcheck check PAP-ERR-1 --param" in err
    assert _unescaped(small_report["cards"]["PAP-ERR-1"].quote) in _unescaped(err)


def test_ledger_counts_per_text(small_report):
    text = small_report["html"].read_text(encoding="utf-8")
    ledger = text[text.index('id="coverage"'):]
    for name, row in counts(small_report["ledger"]).items():
        assert f"<tr><td>{name}</td><td>{row['card']}</td>" in ledger
        assert f"<summary>{name}</summary>" in ledger


def test_markdown_report_uses_the_same_figures(small_report):
    md = small_report["md"].read_text(encoding="utf-8")
    assert "![RMT-MP-ATOM](RMT-MP-ATOM.png)" in md
    assert "![RMT-MP-KS-RATE](RMT-MP-KS-RATE.png)" in md


def _unescaped(s: str) -> str:
    from html import unescape

    return " ".join(unescape(s).split())
