"""The NSA catalogue (NTK-*): every card meets its expectation at quick scale, each check
rejects a perturbed closed form or a wrong parameter (negative controls), and the exact cards
hold over their parameter domain (property search)."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmtcheck as rc
import rmtcheck.theory.kopitkov2019.claims as k
from rmtcheck.testing import params_strategy

NTK = [cid for cid, card in rc.load_catalogue().items()
       if card.text and card.text.name == "kopitkov2019"]


# ---- perturbed closed forms --------------------------------------------------------------

def const_gramian_one_step_late(N, rank, power, c, t, formula):
    return k.const_gramian_theory(N, rank, power, c, t + 1, formula)


def const_gramian_step_off(N, rank, power, c, t, formula):
    return k.const_gramian_theory(N, rank, power, c * (1 + 1e-6), t, formula)


def threshold_at_2_1(c):
    return np.array([float(c < 2.1), abs(1.0 - c)])


def rf_without_decay_bracket(N, P, c, t):
    """A13-A17 at t = infinity (kernel regression) instead of t steps."""
    return k.rf_theory(N, P, c, 10 * t + 10**5)


@pytest.mark.parametrize("theory", ["const_gramian_one_step_late", "const_gramian_step_off"])
def test_constant_gramian_card_rejects_a_perturbed_closed_form(theory):
    card = replace(rc.get_card("NTK-CLAIM-4"), theory=f"{__name__}:{theory}")
    v = rc.check(card, {"t": 200})
    assert not v.passed and v.statistics["max_abs_error"] > 10 * 1e-9 * 200  # 10x the atol


def test_threshold_card_rejects_a_shifted_boundary():
    card = replace(rc.get_card("NTK-CLAIM-5"), theory=f"{__name__}:threshold_at_2_1")
    assert not rc.check(card, {"c": 2.05}).passed
    assert rc.check("NTK-CLAIM-5", {"c": 1.98}).passed  # just below: converges


def test_test_point_card_rejects_the_infinite_time_limit():
    card = replace(rc.get_card("NTK-EQ-A13"), theory=f"{__name__}:rf_without_decay_bracket")
    assert not rc.check(card, {"t": 50}).passed


@pytest.mark.parametrize("claim,exponent", [("NTK-CLAIM-1", -1.0), ("NTK-CLAIM-1", 0.0),
                                            ("NTK-CLAIM-6", -2.0), ("NTK-CLAIM-6", -0.5)])
def test_scaling_cards_reject_a_wrong_exponent(claim, exponent):
    card = rc.get_card(claim)
    card = replace(card, fit={**card.fit, "exponent": exponent})
    assert not rc.check(card).passed


# ---- wrong parameters for the qualitative cards ------------------------------------------

@pytest.mark.parametrize("claim,params", [
    ("NTK-CLAIM-9", {"vector": "residual"}),                # m_t lives in the bottom
    ("NTK-CLAIM-10", {"lr_scale": 0.02}),                   # far from the edge of stability
    ("NTK-CLAIM-11", {"lr_scale": 0.02}),                   # eigenvalues barely move
    ("NTK-CLAIM-2", {"steps": 0}),                          # far from convergence
    ("NTK-CLAIM-14", {"pairs": "shuffled"}),                # no spatial structure
    ("NTK-CLAIM-15", {"basis": "random"}),                  # no frequency ordering
])
def test_qualitative_cards_reject_a_wrong_parameter(claim, params):
    v = rc.check(claim, params)
    assert not v.passed, v.statistics


# ---- property search over the exact cards' domains --------------------------------------

@pytest.mark.parametrize("claim", ["NTK-CLAIM-3", "NTK-CLAIM-4", "NTK-CLAIM-5", "NTK-EQ-A13"])
@given(data=st.data())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
def test_exact_cards_hold_over_their_domain(claim, data):
    params = data.draw(params_strategy(claim))
    v = rc.check(claim, params, trials=1)
    assert v.passed, (params, v.statistics)


# ---- every qualitative card states its criterion and the size it passes at ---------------

@pytest.mark.parametrize("claim", [c for c in NTK if rc.get_card(c).kind == "qualitative"])
def test_qualitative_cards_state_criterion_and_size(claim):
    card = rc.get_card(claim)
    criterion = card.tolerance["criterion"]
    assert any(op in criterion for op in ("<", ">")), criterion
    why = card.tolerance["why"]
    assert why.startswith("passes at quick scale (N = "), why
    assert f"(N = {card.scale['quick']['N']}," in why
    for value in (card.scale["quick"].get("width"), card.scale["quick"].get("steps")):
        assert value in (None, 0) or str(value) in why, (value, why)
