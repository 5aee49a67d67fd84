"""Every card of theory/wang2023.toml meets its expected verdict at the full scale (the paper's
sizes where the card has them). Minutes to an hour on two cores: run by `make test-slow`."""

from __future__ import annotations

import pytest

import rmtcheck as rc

WANG_IDS = sorted(cid for cid, card in rc.load_catalogue().items()
                  if card.text and card.text.name == "wang2023")


def test_the_full_scale_list_covers_the_catalogue_file() -> None:
    assert len(WANG_IDS) >= 26 and "WANG-CLAIM-BBP" in WANG_IDS


@pytest.mark.slow
@pytest.mark.parametrize("cid", WANG_IDS)
def test_card_meets_expected_at_full_scale(cid: str) -> None:
    verdict = rc.check(cid, scale="full")
    assert verdict.meets_expected, (cid, verdict.statistics)
