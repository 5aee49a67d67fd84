"""Trained-network cards of Papyan (2020): PAP-CLAIM-1, 5, 10, 16, 19, 29 on the GMM-MLP surrogate.

Their quick-scale verdicts run in tests/test_papyan_claims.py (every card of papyan2020.toml).
Here: each check rejects a perturbation (the same function and criterion with a wrong parameter
or ingredient), bad input gives one error line, the engine pieces the cards use are exact
(E = Hess - G, backprop gradient, CFAC for one example per class, unequal class SNRs), and the
full-scale verdicts (slow).
"""

from __future__ import annotations

import numpy as np
import pytest

import rmtcheck as rc
import rmtcheck.theory.papyan2020.decomposition as dec
import rmtcheck.theory.papyan2020.mlp as mlp
from rmtcheck.ensembles import ccm
from rmtcheck.errors import InputError

CARDS = ["PAP-CLAIM-5", "PAP-CLAIM-10", "PAP-CLAIM-16", "PAP-CLAIM-19",
         "PAP-CLAIM-29"]


def test_cards_are_in_the_catalogue_with_at_least_five_seeds():
    cards = rc.load_catalogue()
    for cid in CARDS:
        card = cards[cid]
        assert card.kind == "qualitative" and card.expected == "holds"
        assert card.empirical.startswith("rmtcheck.theory.papyan2020.trained:")
        assert "fraction >= 0.8" in card.tolerance["criterion"]
        assert all(card.scale_values(s)["seeds"] >= 5 for s in ("quick", "full"))


# --- negative controls: the same check rejects a wrong parameter or ingredient ---------------

def test_claim1_is_unreproduced_and_its_control_is_rejected_by_the_same_count():
    """PAP-CLAIM-1: count in [C, C + 1] (approximately C, minus the C - 1 derived for the
    control). Labels drawn afresh at every step on data without class means (t = 0) remove the
    per-label mean structure; the same count rule rejects them."""
    card = rc.load_catalogue()["PAP-CLAIM-1"]
    assert card.expected == "unreproduced" and card.tried
    quick = card.scale_values("quick")
    assert (quick["low"], quick["high"], quick["labels"]) == (0, 1, "data")
    verdict = rc.check("PAP-CLAIM-1", {"labels": "resample", "t": 0.0}, scale="quick")
    assert not verdict.passed and verdict.statistics["fraction"] < 0.8
    assert verdict.statistics["accuracy_max"] < 0.4              # nothing was learnt


@pytest.mark.slow
def test_claim1_former_band_admits_random_label_networks():
    """Why the band changed: [C - 1, C + 1] passes networks that memorised random labels."""
    verdict = rc.check("PAP-CLAIM-1", {"labels": "random", "t": 0.0, "low": -1},
                       scale="quick")
    assert verdict.passed and verdict.statistics["fraction"] >= 0.8


@pytest.mark.parametrize("cid, wrong", [
    ("PAP-CLAIM-5", {"swap": True}),         # knock out E where G is meant (and vice versa)
    ("PAP-CLAIM-10", {"swap": True}),        # subtract G_cross where G_class is meant
    ("PAP-CLAIM-16", {"epochs": 0}),         # random ReLU layers de-whiten the class means
    ("PAP-CLAIM-19", {"swap": True}),        # KFAC and CFAC exchanged
    ("PAP-CLAIM-29", {"shift": 1.0}),        # global mean added instead of removed
    ("PAP-CLAIM-29", {"shift": 0.0}),        # no centering: push = 1 exactly
])
def test_check_rejects_the_perturbation(cid, wrong):
    verdict = rc.check(cid, wrong, scale="quick")
    assert not verdict.passed, verdict.statistics
    assert verdict.statistics["fraction"] < 0.8           # rejected by the statistic itself


# --- bad input: one error line --------------------------------------------------------------

@pytest.mark.parametrize("cid, param", [
    ("PAP-CLAIM-1", "seeds=3"), ("PAP-CLAIM-1", "labels=shuffled"),
    ("PAP-CLAIM-5", "data=valid"), ("PAP-CLAIM-10", "C=9"),
    ("PAP-CLAIM-16", "depth=1"), ("PAP-CLAIM-19", "width=100"), ("PAP-CLAIM-29", "shift=2"),
])
def test_cli_bad_param_exits_2_with_one_line(capsys, cid, param):
    from rmtcheck.cli.main import main  # noqa: PLC0415

    try:
        code = main(["check", cid, "--param", param])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and param.split("=")[0] in err
    assert "Traceback" not in err


def test_library_bad_input_is_one_input_error():
    import rmtcheck.theory.papyan2020.trained as tr  # noqa: PLC0415

    rng = np.random.default_rng(0)
    base = dict(D=6, C=3, n=10, t=2.0, width=6, epochs=1, wd=0.01)
    for call, name in ((lambda: tr.hessian_outliers(rng, **base, seeds=0), "seeds"),
                       (lambda: tr.hessian_knockouts(rng, **base, seeds=5, data="val"), "data"),
                       (lambda: tr.feature_whitening(rng, **base, spread=0.5, depth=1, seeds=5),
                        "depth"),
                       (lambda: tr.centering_outliers(rng, **{**base, "C": 7}, seeds=5), "C")):
        with pytest.raises(InputError) as err:
            call()
        assert err.value.name == name and "\n" not in str(err.value)


# --- engine pieces ----------------------------------------------------------------------------

def _net(seed: int, depth: int, D: int = 5, C: int = 3, n: int = 6, width: int = 5):
    rng = np.random.default_rng(seed)
    X, y = ccm.ccm_sample(rng, D, C, n, 1.5)
    weights = mlp.train_sgd(rng, mlp.init_mlp(rng, [D] + [width] * depth + [C]), X, y, 5,
                            batch=8)
    return X, y, weights, mlp.forward_backward(weights, X)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_residual_hessian_is_hessian_minus_g(depth):
    """E from the mixed second derivatives equals Hess (central differences) - G; its diagonal
    layer blocks vanish and Tr E = 0 (DERIVED (b))."""
    X, y, weights, ps = _net(depth, depth)
    E = mlp.residual_hessian(weights, ps, y)
    H = mlp.hessian_fd(weights, X, y)
    G = mlp.gauss_newton(ps)
    assert np.abs(G + E - H).max() < 1e-7 * np.abs(H).max()
    assert np.array_equal(E, E.T) and abs(np.trace(E)) == 0.0
    edges = np.cumsum([0] + [W.size for W in weights])
    assert all(not E[a:b, a:b].any() for a, b in zip(edges[:-1], edges[1:], strict=True))


def test_loss_grad_backprop_matches_extended_errors():
    """The plain backprop gradient equals Ave_i h^{l-1} (x) delta^l_{i,y_i} from the C
    backpropagated columns B^l (Def 7.2, Eq. 7.4)."""
    X, y, weights, ps = _net(4, 3)
    true = [d[np.arange(y.size), y] for d in mlp.extended_errors(ps)]
    expected = mlp.flatten([d.T @ h / y.size for d, h in zip(true, ps.h, strict=True)])
    assert np.allclose(mlp.loss_grad(weights, X, y)[1], expected, rtol=0, atol=1e-14)


def test_cfac_is_exact_with_one_example_per_class_and_kfac_is_not():
    """With n = 1, H_c = h_c h_c^T, so Ave_c H_c (x) Delta_c is G^l exactly (Def 7.11);
    KFAC's Delta is Ave_c Delta_c (the Sec 7.7 second moment)."""
    X, y, weights, ps = _net(5, 2, n=1)
    deltas = mlp.extended_errors(ps)
    for layer in (1, 2, 3):
        G, kfac, cfac = mlp.kronecker_proxies(ps, deltas, layer, 1, 3)
        assert np.allclose(cfac, G, atol=1e-14 * np.abs(G).max())
        assert np.abs(kfac - G).max() > 1e-3 * np.abs(G).max()
    errors, probs = dec.by_class(deltas[1], 1, 3), dec.by_class(ps.probs, 1, 3)
    total = dec.cross_class_decomposition(errors, probs).total
    assert np.allclose(dec.per_class_weighted(errors, probs).mean(axis=0), total, atol=1e-15)


def test_class_means_spread_gives_unequal_snrs():
    means = ccm.class_means(6, 3, 2.0, spread=1.0)
    assert np.allclose(means, np.diag([1.0, 2.0, 3.0]) @ np.eye(3, 6))
    assert np.array_equal(ccm.class_means(6, 3, 2.0), 2.0 * np.eye(3, 6))
    with pytest.raises(InputError):
        ccm.class_means(6, 3, 2.0, spread=2.5)


# --- full scale (make test-slow) ------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("cid", CARDS)
def test_card_meets_expected_at_full_scale(cid):
    verdict = rc.check(cid, scale="full")
    assert verdict.meets_expected, (cid, verdict.statistics)
