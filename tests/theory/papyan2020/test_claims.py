"""The Papyan (2020) catalogue: every card meets its expected verdict at quick scale, failing
cards carry their reproduced counterexample, and the checker rejects perturbed closed forms."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import rmtcheck as rc
import rmtcheck.theory.papyan2020.fim as fim

CARDS = sorted(k for k, card in rc.load_catalogue().items()
               if card.text and card.text.name == "papyan2020")


def test_catalogue_has_the_core_claims():
    for cid in ("PAP-LEM-8.1", "PAP-THM-8.1", "PAP-CLAIM-24", "PAP-ERR-5", "PAP-ERR-1",
                "PAP-EQ-6.4", "PAP-CLAIM-22", "PAP-DERIVED-3.a", "PAP-CLAIM-4", "PAP-X12"):
        assert cid in CARDS


@pytest.mark.parametrize("cid", [c for c in CARDS if rc.get_card(c).expected == "fails"])
def test_failing_cards_reproduce_their_counterexample(cid):
    card = rc.get_card(cid)
    assert card.counterexample is not None
    assert rc.get_card(card.corrected).corrects == cid
    at = dict(card.counterexample["params"])
    verdict = rc.check(cid, at, scale="quick")
    assert verdict.outcome == "fails" and verdict.reproduced is True
    assert rc.check(card.corrected, at, scale="quick").passed


def perturbed_thm81(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Theorem 8.1 with the mini-bulk level off by a relative 1e-6 (negative control)."""
    values, mults = fim.thm81_levels(D, C, t, alpha)
    return np.repeat(values * np.array([1.0, 1.0 + 1e-6, 1.0, 1.0]), mults)


def printed_minibulk_count(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Sec 1.6's C(C-1) mini-bulk count (C(C-1) - C taken from the bulk): a wrong multiset."""
    values, mults = fim.thm81_levels(D, C, t, alpha)
    return np.repeat(values, mults + np.array([0, C, -C, 0]))


def row_major_lemma81(D: int, C: int, t: float, alpha: float) -> np.ndarray:
    """Lemma 8.1's layout under numpy's default row-major vec: the commuted matrix K G K^T."""
    G = fim.expected_fim(D, C, t, alpha)
    perm = np.arange(D * C).reshape(D, C).T.ravel()
    return G[np.ix_(perm, perm)].ravel()


@pytest.mark.parametrize("cid, theory", [
    ("PAP-THM-8.1", "perturbed_thm81"),
    ("PAP-CLAIM-23", "printed_minibulk_count"),
    ("PAP-LEM-8.1", "row_major_lemma81"),
])
def test_checker_rejects_perturbed_closed_forms(cid, theory):
    card = dataclasses.replace(rc.get_card(cid), theory=f"test_claims.py:{theory}",
                               origin=__file__)
    assert not rc.check(card, scale="quick").passed


def test_der2_rejects_wrong_variance_formula():
    """The Monte-Carlo card's sigma test rejects the MSE formula with D + s instead of D + 2s."""
    card = dataclasses.replace(rc.get_card("PAP-DER-2"),
                               theory="test_claims.py:wrong_mse", origin=__file__)
    assert not rc.check(card, scale="quick").passed


def wrong_mse(D: int, C: int, t: float, alpha: float, n: int) -> np.ndarray:
    U1 = fim.class_hessians(C, alpha)[0]
    return np.array([(D + 1) * (D + t * t) * np.sum(U1 * U1) / (n * C)])


def test_scaling_card_rejects_wrong_exponent():
    card = rc.get_card("PAP-CLAIM-22")
    wrong = dataclasses.replace(card, fit={**card.fit, "exponent": -1.0})
    assert not rc.check(wrong, scale="quick").passed


def test_genuine_softmax_criterion_rejects_symmetric_surrogate_count():
    """Theorem 8.1's ordering (C above the bulk + C(C-2) mini-bulk above too) is NOT what the
    genuine softmax FIM shows: requiring C + C(C-2) = C(C-1) levels above the bulk fails."""
    card = rc.get_card("PAP-X12")
    crit = card.tolerance["criterion"].replace("above == C*(C-1)/2", "above == C*(C-1)")
    wrong = dataclasses.replace(card, tolerance={**card.tolerance, "criterion": crit})
    assert not rc.check(wrong, {"n": 5000}, scale="quick").passed


CHEAP_HOLDS = ["PAP-LEM-8.1", "PAP-THM-8.1", "PAP-CLAIM-23", "PAP-CLAIM-24", "PAP-CLAIM-25",
               "PAP-THM-8.1-GAPS", "PAP-ERR-1-CORRECTED", "PAP-EQ-6.4-CORRECTED",
               "PAP-CLAIM-9", "PAP-DERIVED-3.a", "PAP-DER-1", "PAP-LEM-B.2"]


@pytest.mark.parametrize("cid", CHEAP_HOLDS)
def test_property_search_finds_no_counterexample(cid):
    """Hypothesis over the card's domain (search ranges): a true statement survives."""
    from rmtcheck.testing import search_counterexample

    result = search_counterexample(cid, examples=15)
    assert result.counterexample is None, result.counterexample.params


@pytest.mark.parametrize("cid", ["PAP-EQ-6.4", "PAP-ERR-1", "PAP-ERR-3"])
def test_property_search_shrinks_to_a_counterexample_inside_the_hypotheses(cid):
    """A printed error: the search shrinks to a failing case inside the card's domain (the
    text's hypotheses), and the recorded counterexample reproduces."""
    from rmtcheck.checker.domain import resolve
    from rmtcheck.testing import search_counterexample

    card = rc.get_card(cid)
    ce = search_counterexample(cid, examples=100).counterexample
    assert ce is not None and ce.outcome == "fails"
    assert resolve(card.params, ce.params) == ce.params
    v = rc.check(cid)
    assert v.reproduced is True and v.meets_expected


@pytest.mark.parametrize("D, C, t", [(3, 3, 1.0), (12, 4, 2.0), (20, 5, 0.5), (9, 8, 3.0)])
def test_theorem_81_holds_at_the_edge_of_definition_82(D, C, t):
    """alpha = (C-1)/C is inside Def. 8.2; the printed order holds there (a tie of the outlier
    and mini-bulk levels), so PAP-ERR-5 is an observation, not a printed error."""
    v = rc.check("PAP-THM-8.1", {"D": D, "C": C, "t": t, "alpha": (C - 1) / C})
    assert v.outcome == "holds"
    gaps = rc.check("PAP-THM-8.1-GAPS", {"D": D, "C": C, "t": t, "alpha": (C - 1) / C})
    assert gaps.outcome == "holds"


def test_beyond_definition_82_the_order_flips_as_an_observation():
    v = rc.check("PAP-ERR-5")
    assert v.expected == "observation" and v.outcome == "fails" and v.meets_expected
    assert v.statistics["margin"] < 0
