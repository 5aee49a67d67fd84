"""A small real report: a spectral card with an atom, a scaling card on small sizes, and a
printed error with its counterexample, plus the coverage ledger."""

from __future__ import annotations

import pytest

from rmtcheck.checker.cards import load_catalogue
from rmtcheck.checker.coverage import ledger
from rmtcheck.checker.run import check
from rmtcheck.report import write_html, write_report
from rmtcheck.report.figures import write_figures


@pytest.fixture(scope="session")
def small_report(tmp_path_factory):
    cards = load_catalogue()
    verdicts = [
        check(cards["RMT-MP-ATOM"], scale="quick", seed=1),
        check(cards["RMT-MP-KS-RATE"], scale="quick", seed=1, sizes=[100, 200, 400, 800],
              trials=4),
        check(cards["PAP-ERR-1"], scale="quick", seed=1),
    ]
    out = tmp_path_factory.mktemp("report")
    figures = write_figures(verdicts, cards, out)
    entries = ledger()
    md = write_report(verdicts, cards, out, scale="quick", seed=1, ledger=entries,
                      figures=figures)
    html = write_html(verdicts, cards, out, scale="quick", seed=1, ledger=entries,
                      figures=figures)
    return {"cards": cards, "verdicts": verdicts, "md": md, "html": html, "ledger": entries}
