"""Cards of theory/wang2023.toml: each meets its expected verdict at quick scale, the
failing printed statements reproduce their counterexamples, and every statistical check has a
negative control (the same check rejects a wrong exponent, a tightened bound, a wrong law, a
different optimizer or a learning rate below the transition)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings

import rmtcheck as rc
import rmtcheck.theory.wang2023.training as claims
from rmtcheck.checker import Verdict, kinds, run_settings
from rmtcheck.checker.domain import resolve
from rmtcheck.checker.expr import evaluate
from rmtcheck.errors import InputError
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.spectra.compare import compare_to_law
from rmtcheck.testing.strategies import params_strategy
from rmtcheck.theory.wang2023 import threshold
from tests.theory.catalogue import quick_verdict

IDS = [
    "WANG-CLAIM-L5.1-W", "WANG-CLAIM-L5.1-CK", "WANG-CLAIM-L5.1-NTK",
    "WANG-CLAIM-L5.1-NTK-RATES", "WANG-CLAIM-LB.2-F", "WANG-CLAIM-LB.2-OP",
    "WANG-CLAIM-FIG28-2INF", "WANG-CLAIM-FIG28-2INF-CORRECTED", "WANG-CLAIM-T5.2",
    "WANG-CLAIM-C5.3", "WANG-CLAIM-C5.3-KERNELS", "WANG-CLAIM-BBP",
]
WRONG_EXPONENT = {-1.0: -0.5, -0.5: -1.0}


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    return {cid: quick_verdict(cid) for cid in IDS}


def test_catalogue_links() -> None:
    cards = rc.load_catalogue()
    for cid in IDS:
        card = cards[cid]
        if card.expected == "fails":
            assert cards[card.corrected].corrects == cid
            assert card.counterexample
        assert card.source["file"] == "004_683c33a0321fdf26.txt"


def test_failing_cards_reproduce_their_counterexamples(verdicts) -> None:
    v, card = verdicts["WANG-CLAIM-FIG28-2INF"], rc.get_card("WANG-CLAIM-FIG28-2INF")
    assert v.outcome == "fails" and v.reproduced is True
    assert all(v.params[k] == x for k, x in card.counterexample["params"].items())
    low, high = card.counterexample["range"]
    assert low <= v.statistics["slope"] <= high


@pytest.mark.parametrize("cid", [c for c in IDS if rc.get_card(c).kind == "scaling"])
def test_scaling_cards_reject_a_wrong_exponent(verdicts, cid: str) -> None:
    """Negative control: the same cells fitted against the other claimed exponent (for an
    O(n^p) bound, a bound one power tighter, which the measured slope must break)."""
    card, v = rc.get_card(cid), verdicts[cid]
    p = card.fit["exponent"]
    wrong_p = p - 1.0 if card.fit.get("bound") == "upper" else WRONG_EXPONENT[p]
    wrong = replace(card, fit={**card.fit, "exponent": wrong_p})
    cells = list(zip(v.detail["sizes"], v.detail["values"], strict=True))
    passed, stats, _ = kinds.check_scaling(wrong, v.params, cells, v.seed)
    if card.expected == "holds":
        assert not passed, stats
    else:  # the failing printed rates: the corrected exponent fits the same data
        corrected = replace(card, fit={**card.fit, "exponent": -1.0})
        slack = replace(corrected, tolerance={**card.tolerance, "slack": 0.1})
        assert kinds.check_scaling(slack, v.params, cells, v.seed)[0]


def test_ntk_corrected_rejects_swapped_activations(verdicts) -> None:
    card, stats = rc.get_card("WANG-CLAIM-L5.1-NTK-RATES"), verdicts[
        "WANG-CLAIM-L5.1-NTK-RATES"].statistics
    swapped = {**stats, "fro_tanh": stats["fro_relu"], "fro_relu": stats["fro_tanh"]}
    assert not evaluate(card.tolerance["criterion"], swapped)


def test_theorem52_rejects_a_tightened_rate() -> None:
    """Negative control: (12) with a rate 32x the printed one is violated on the same run."""
    ok = rc.check("WANG-CLAIM-T5.2", scale="quick")
    bad = rc.check("WANG-CLAIM-T5.2", {"rate_factor": 32.0}, scale="quick")
    assert ok.passed and ok.statistics["lr_in_range"] == 1.0
    assert not bad.passed and bad.statistics["m12"] < 0 < bad.statistics["m13"]


def test_theorem52_lr_domain() -> None:
    with pytest.raises(InputError):
        rc.check("WANG-CLAIM-T5.2", {"lr": 4.0}, scale="quick")  # n/(4 l^2 (1+sqrt 2)^2) = 3.4
    with pytest.raises(InputError):  # eta < alpha^2 n / 2 = B_sigma n / 8 = 1.99 at n = 200
        rc.check("WANG-CLAIM-T5.2", {"lr": 2.5}, scale="quick")


def test_theorem52_fails_above_its_learning_rate_range() -> None:
    """Negative control without tightening the bound: the same margins at a rate 50x above
    alpha^2 n / 2 (eta = 100, n = 200; GD does not diverge but overshoots) violate (12) and
    (13), while the card's run inside the range keeps every margin positive."""
    card = rc.get_card("WANG-CLAIM-T5.2")
    params = run_settings(card, "quick")[0]
    inside = claims.theorem52_margin(np.random.default_rng(0), **params)
    above = claims.theorem52_margin(np.random.default_rng(0), **{**params, "lr": 100.0,
                                                                  "epochs": 300})
    assert inside["margin"] > 0 and inside["lr_in_range"] == 1.0
    assert above["diverged"] == 0.0 and above["lr_in_range"] == 0.0
    assert above["m12"] < 0 and above["m13"] < 0


def test_invariance_rejects_adam_and_a_wrong_law() -> None:
    """Negative controls for WANG-CLAIM-C5.3 (distributional) and -KERNELS (qualitative)."""
    card = rc.get_card("WANG-CLAIM-C5.3")
    params = run_settings(card, "quick")[0]
    ks_max = evaluate(card.tolerance["ks"], params)
    rng = np.random.default_rng(0)
    gd = claims.trained_weight_spectrum(rng, n=200)
    adam = claims.trained_weight_spectrum(np.random.default_rng(0), n=200, optimizer="adam",
                                          lr=0.05, epochs=60)
    law = claims.invariance_law(200)
    assert compare_to_law(gd, law).ks <= ks_max
    assert compare_to_law(adam, law).ks > 2 * ks_max
    assert compare_to_law(gd, MarchenkoPastur(0.5)).ks > ks_max  # ratio 1/2 instead of 2/3
    kcard = rc.get_card("WANG-CLAIM-C5.3-KERNELS")
    kparams = run_settings(kcard, "quick")[0]
    stats = claims.kernel_invariance(np.random.default_rng(1), **{
        **kparams, "optimizer": "adam", "lr": 0.05, "epochs": 60})
    assert not evaluate(kcard.tolerance["criterion"], {**kparams, **stats})


def test_bbp_rejects_a_learning_rate_below_the_transition() -> None:
    """Negative control inside the card's domain: 15 (an allowed lr_low, below the located
    eta* = 17.12 [16.09, 18.14]) used as the 'high' rate gives no spike and fails the same
    criterion; the card's own run holds."""
    card = rc.get_card("WANG-CLAIM-BBP")
    params = run_settings(card, "quick")[0]
    assert quick_verdict("WANG-CLAIM-BBP").passed
    resolve(card.params, {**params, "lr_low": 15.0})  # the control rate is in the domain
    low = threshold.transition_over_seeds(None, **{**params, "lr_high": 15.0})
    assert low["spike_frac_high"] == 0 and low["align_w_high_max"] < 0.5
    assert not evaluate(card.tolerance["criterion"], {**params, **low})
    with pytest.raises(InputError):  # a rate inside the located interval is excluded
        rc.check("WANG-CLAIM-BBP", {"lr_high": 18.0}, scale="quick")


@settings(max_examples=8, deadline=None, derandomize=True)
@given(params=params_strategy("WANG-CLAIM-T5.2"))
def test_theorem52_holds_over_its_domain(params: dict) -> None:
    """Property: the bounds (12)-(14) hold for parameters drawn from the card's search range."""
    v = rc.check("WANG-CLAIM-T5.2", params, scale="quick")
    assert v.passed, (params, v.statistics)


@settings(max_examples=5, deadline=None, derandomize=True)
@given(params=params_strategy("WANG-CLAIM-C5.3-KERNELS"))
def test_kernel_invariance_holds_over_its_domain(params: dict) -> None:
    v = rc.check("WANG-CLAIM-C5.3-KERNELS", params, scale="quick")
    assert v.passed, (params, v.statistics)


def test_lemma_51_ntk_rate_holds_inside_its_hypotheses_and_rejects_relu():
    """WANG-CLAIM-L5.1-NTK is an O(1/n) bound checked with tanh and Rademacher v (inside
    Assumption 4.2 and ||v||_inf <= 1); the same upper-bound rule rejects the ReLU run, whose
    slope (about -0.75) stays above -1 (the -RELU observation card)."""
    inside = rc.check("WANG-CLAIM-L5.1-NTK")
    assert inside.outcome == "holds" and inside.statistics["ci_low"] <= -1.0
    relu = rc.check("WANG-CLAIM-L5.1-NTK-RELU")
    card = rc.get_card("WANG-CLAIM-L5.1-NTK")
    assert relu.expected == "observation" and relu.meets_expected
    assert relu.statistics["ci_low"] - card.tolerance["slack"] > card.fit["exponent"]
