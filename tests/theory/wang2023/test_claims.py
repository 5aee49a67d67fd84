"""The spectral cards of theory/wang2023.toml at quick scale, plus negative controls that
run the same checker on perturbed inputs."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import rmtcheck as rc
from rmtcheck.checker.expr import evaluate
from rmtcheck.checker.kinds import check_distributional, check_exact, check_inequality
from rmtcheck.ensembles.two_layer import first_layer, second_layer
from rmtcheck.laws.activations import get_activation
from rmtcheck.laws.two_layer_kernels import ck_kernel, tangent_kernel
from rmtcheck.spectra.dense import psd_eigvalsh
from rmtcheck.testing.strategies import params_strategy
from rmtcheck.theory.wang2023.claims import (
    _fd_jacobian,
    cauchy_ck_tails,
    dims,
    eq11_margin,
    mp_law_w,
    teacher_moments_mc,
)

IDS = ["WANG-DEF-ACT-NORM", "WANG-DEF-HERMITE", "WANG-DEF-MP", "WANG-DEF-CK", "WANG-DEF-NTK",
       "WANG-DEF-LAZY", "WANG-DEF-NET2", "WANG-DEF-TEACHER-MI", "WANG-DEF-TEACHER-MIX",
       "WANG-DEF-CK-LIMIT", "WANG-CLAIM-EQ11", "WANG-CLAIM-HT-NOTSUFF", "WANG-CLAIM-LB.1",
       "WANG-CLAIM-LB.1-CORRECTED"]




def test_lemma_b1_fails_only_through_eq31_and_its_counterexample_reproduces():
    """(22) and (28) hold on the failing draw; (31) fails since ||f_0(X)||/sqrt n ~ 1."""
    card = rc.get_card("WANG-CLAIM-LB.1")
    verdict = rc.check(card, dict(card.counterexample["params"]), scale="quick")
    stats = verdict.statistics
    assert not verdict.passed and stats["margin_31"] < 0
    assert stats["margin_22"] > 0 and stats["margin_28"] > 0
    assert stats["f0_over_sqrt_n"] > 1
    assert verdict.reproduced is True and verdict.meets_expected


def test_catalogue_file_holds_these_ids():
    cards = rc.load_catalogue()
    mine = {c for c, card in cards.items() if card.text and card.text.name == "wang2023"}
    assert set(IDS) <= mine


def test_net2_rejects_an_unnormalized_network_negative_control():
    """The same Monte-Carlo check rejects E f_0^2 = 1 when the theory side is off by 10%."""
    card = rc.get_card("WANG-DEF-NET2")
    params = dict(card.scale_values("quick"))
    rng = np.random.default_rng(21)
    wrong = replace(card, theory="tests.theory.wang2023.test_claims:_wrong_moments")
    passed, stats, _ = check_exact(wrong, params, [rng])
    assert not passed and stats["max_z"] > 4


def _wrong_moments(activation: str) -> np.ndarray:
    return np.array([0.0, 1.1])


def test_teacher_card_rejects_wrong_k():
    """Var f* = 1/k: checking the k = 5 teacher against 1/4 fails."""
    card = rc.get_card("WANG-DEF-TEACHER-MI")
    params = {**card.scale_values("quick"), "k": 4}
    emp = replace(card, empirical="tests.theory.wang2023.test_claims:_teacher_k5")
    passed, stats, _ = check_exact(emp, params, [np.random.default_rng(22)])
    assert not passed and stats["max_z"] > 4


def _teacher_k5(rng, d, teacher, target, tau=0.2, reps=40000, k=4):
    return teacher_moments_mc(rng, d, teacher, target, 5, tau, reps)


def test_eq11_margin_is_sensitive_negative_control():
    """eq. (11) holds with room, but the sharper heuristic a_sigma - eta_0^2 is an asymptotic
    value approached from below: at finite h/n the margin against it is negative."""
    card = rc.get_card("WANG-CLAIM-EQ11")
    params = dict(card.scale_values("quick"))
    passed, stats, _ = check_inequality(card, params, [np.random.default_rng(23)])
    assert passed
    out = eq11_margin(np.random.default_rng(23), **params)
    assert out["lambda_min"] - out["a_minus_eta0_sq"] < 0
    assert dims(1000, 2.0, 1.5) == (500, 750)


def test_heavy_tail_criterion_rejects_a_bounded_activation_negative_control():
    """With tanh (bounded) the Cauchy-initialized CK only widens: its Hill index stays > 3
    (spec Sec. 2.5: 14.1 vs 14.7 at Table-1 size), so the card's criterion fails."""
    card = rc.get_card("WANG-CLAIM-HT-NOTSUFF")
    params = {**card.scale_values("quick"), "activation": "tanh"}
    stats = cauchy_ck_tails(np.random.default_rng(24), **params)
    assert stats["alpha_cauchy"] > 3 and stats["lambda_max_cauchy"] > 1.5 * stats["edge"]
    assert not evaluate(card.tolerance["criterion"], {**params, **stats})


def test_mp_law_edges_at_table1_size():
    """Spec Sec. 1.6: (1/h) W^T W at d = 1000, h = 1500 has support [0.033674, 3.299660];
    W W^T/d has atom 1/3 at 0 and right edge 4.949490."""
    np.testing.assert_allclose(mp_law_w(1000, 1.5).support(), [0.033674, 3.299660], atol=1e-6)
    wwt = mp_law_w(1000, 1.5, "WWt_over_d")
    assert wwt.atom == pytest.approx(1 / 3)
    assert wwt.support()[1] == pytest.approx(4.949490, abs=1e-6)


def _search(claim: str, examples: int) -> None:
    """Hypothesis over the card's search domain: every drawn parameter set meets the card."""
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(params_strategy(rc.get_card(claim)))
    def run(params):
        verdict = rc.check(claim, params, scale="quick")
        assert verdict.meets_expected, (params, verdict.statistics)

    run()


@pytest.mark.parametrize("claim", [c for c in IDS if c != "WANG-CLAIM-LB.1"])
def test_property_search_over_the_domain(claim):
    _search(claim, 8)


# --- negative controls through the cards' own checks (same card, tolerance and checker;
# only the perturbed function is swapped in) -------------------------------------------


def _swap(claim: str, **functions: str):
    card = rc.get_card(claim)
    return replace(card, **functions), dict(card.scale_values("quick"))


def test_act_norm_card_rejects_raw_tanh_negative_control():
    """WANG-DEF-ACT-NORM: [E sigma, E sigma^2] of raw tanh is [0, 0.394], not [0, 1]."""
    card, params = _swap("WANG-DEF-ACT-NORM",
                         empirical="tests.theory.wang2023.test_claims:_raw_moments")
    params = {**params, "activation": "tanh"}
    passed, stats, _ = check_exact(card, params, [np.random.default_rng(0)])
    assert not passed and stats["max_abs_error"] > 0.5
    right = replace(card, empirical=rc.get_card("WANG-DEF-ACT-NORM").empirical)
    assert check_exact(right, params, [np.random.default_rng(0)])[0]


def _raw_moments(activation: str) -> np.ndarray:
    raw = get_activation(activation, normalized=False)
    return np.array([raw.expect(raw), raw.expect(lambda z: raw(z) ** 2)])


def test_ck_limit_card_rejects_a_raw_tanh_kernel_negative_control():
    """WANG-DEF-CK-LIMIT: the CK built with raw tanh (scale 0.63, not 1) is far from the
    normalized-tanh limit law; KS >> 1.5 (1 + log n)/n."""
    card, params = _swap("WANG-DEF-CK-LIMIT", empirical="tests.theory.wang2023.test_claims:_raw_ck")
    passed, stats, _ = check_distributional(card, params, [np.random.default_rng(1)])
    assert not passed and stats["ks"] > 0.1


def _raw_ck(rng, n, gamma1, gamma2, activation="tanh"):
    d, h = dims(n, gamma1, gamma2)
    X = rng.standard_normal((d, n))
    W = first_layer(rng, h, d)
    return psd_eigvalsh(ck_kernel(W, X, get_activation(activation, normalized=False)))


def test_mp_card_rejects_a_wrong_ratio_negative_control():
    """WANG-DEF-MP: the W spectrum against MP with h/d off by 10% (gamma2 1.65 for 1.5)."""
    card, params = _swap("WANG-DEF-MP", theory="tests.theory.wang2023.test_claims:_mp_wrong_ratio")
    passed, stats, _ = check_distributional(card, params, [np.random.default_rng(2)])
    assert not passed, stats
    right = replace(card, theory=rc.get_card("WANG-DEF-MP").theory)
    assert check_distributional(right, params, [np.random.default_rng(2)])[0]


def _mp_wrong_ratio(d, gamma2, matrix="WtW_over_h"):
    return mp_law_w(d, 1.1 * gamma2, matrix)


def test_ntk_card_rejects_a_kernel_without_its_ck_term_negative_control():
    """WANG-DEF-NTK with both layers trained: K_1 alone (no v-gradient term K^CK) against
    the finite-difference Jacobian Gram J J^T leaves an O(1) relative residual."""
    card, params = _swap("WANG-DEF-NTK", empirical="tests.theory.wang2023.test_claims:_ntk_no_ck")
    assert params["layers"] == "both"
    passed, stats, _ = check_exact(card, params, [np.random.default_rng(s) for s in (3, 4)])
    assert not passed and stats["max_abs_error"] > 0.1


def _ntk_no_ck(rng, n, d, h, activation="tanh", layers="both"):
    act = get_activation(activation)
    X = rng.standard_normal((d, n))
    W, v = first_layer(rng, h, d), second_layer(rng, h)
    J = _fd_jacobian(W, v, X, act)
    K = tangent_kernel(W, v, X, act, "first")
    return np.array([np.max(np.abs(K - J @ J.T)) / np.max(np.abs(K))])
