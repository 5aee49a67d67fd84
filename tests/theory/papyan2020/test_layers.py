"""Layer-wise cards of Papyan (2020): PAP-CLAIM-15 (features), PAP-CLAIM-18 (errors),
PAP-CLAIM-20 (Khatri-Rao class means). Quick verdicts run in test_catalogue.py; here the
controls (derived in the cards' notes) are rejected by the same statistic, and one exact case."""

from __future__ import annotations

import numpy as np
import pytest

import rmtcheck as rc
import rmtcheck.theory.papyan2020.layers as layers
from rmtcheck.errors import InputError


@pytest.mark.parametrize("cid, control", [
    ("PAP-CLAIM-15", {"epochs": 0}),     # untrained: the class means do not separate with depth
    ("PAP-CLAIM-18", {"epochs": 0}),     # untrained: no trend of the error separation
])
def test_untrained_control_is_rejected(cid, control):
    verdict = rc.check(cid, control, scale="quick")
    assert not verdict.passed and verdict.statistics["fraction"] < 0.8
    assert verdict.statistics["spearman_mean"] < 0.5


def test_khatri_rao_control_pairs_the_wrong_errors():
    """h_c (x) delta_{c+1}: the mechanism predicts cos ~ -1/(C-1); the same statistic rejects.
    Width 24 (the prediction does not depend on the width) keeps it cheap."""
    verdict = rc.check("PAP-CLAIM-20", {"shift": 1, "width": 24}, scale="quick")
    assert not verdict.passed and verdict.statistics["fraction"] == 0.0
    assert verdict.statistics["deep_max"] < 0.0


def test_khatri_rao_is_exact_with_one_example_per_class():
    """n = 1: g_{c,c'} = h_c (x) delta_{c,c'} and g_c = h_c (x) delta_c exactly (Eq. 7.12 has
    no within-class covariance to neglect), at every layer, trained or not."""
    stats = layers.khatri_rao_means(np.random.default_rng(3), D=6, C=3, n=1, t=1.0, width=5,
                                    depth=2, epochs=0, wd=0.0, seeds=2)
    for key in ("deep_min", "cross_min", "shallow_min"):
        assert stats[key] == pytest.approx(1.0, abs=1e-12)


def test_singular_separation_sees_planted_class_outliers():
    """Control of the Fig. 13 statistic (PAP-CLAIM-21-SINGULAR-VALUES): a Gaussian bulk W plus a
    rank-C part B with singular values 3 x the bulk edge gives sep > 1.25 when W_class = B and
    sep < 1.25 without the planted part (Gaussian 40 x 30: sigma_C / sigma_{2C+1} ~ 1.2)."""
    rng = np.random.default_rng(0)
    C, bulk = 4, rng.standard_normal((40, 30)) / np.sqrt(40)
    U, _ = np.linalg.qr(rng.standard_normal((40, C)))
    V, _ = np.linalg.qr(rng.standard_normal((30, C)))
    B = 3 * (1 + np.sqrt(30 / 40)) * U @ V.T
    assert layers.singular_separation(bulk + B, B) > 2.5
    assert layers.singular_separation(bulk, B) < 1.25


def test_bad_part_is_one_input_error():
    with pytest.raises(InputError) as err:
        layers.error_separation(np.random.default_rng(0), 6, 3, 10, 1.0, 5, 2, 0, 0.0, 5,
                                part="white")
    assert err.value.name == "part" and "\n" not in str(err.value)

