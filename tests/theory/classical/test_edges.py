"""Classical edge cards (theory/classical/cards.toml): each holds at quick scale and at a second
parameter point, and the same statistic rejects a wrong law or parameter (negative controls)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import rmtcheck as rc
from rmtcheck.theory.classical.claims import samples_for
from rmtcheck.theory.classical.edges import wishart_edge_statistics
from rmtcheck.laws.semicircle import Semicircle
from rmtcheck.laws.tracy_widom import TracyWidom

CARDS = ["RMT-TW-WISHART", "RMT-TW-GOE", "RMT-BBP", "RMT-SEMICIRCLE-UNIVERSALITY"]


@pytest.mark.parametrize("claim", CARDS)
def test_quick_verdict_holds(claim):
    verdict = rc.check(claim)
    assert verdict.passed and verdict.meets_expected, verdict.as_dict()


@pytest.mark.parametrize(
    ("claim", "params"),
    [
        ("RMT-TW-WISHART", {"beta": 2}),
        ("RMT-TW-WISHART", {"ratio": 2.0, "p": 300}),
        ("RMT-TW-GOE", {"beta": 2}),
        ("RMT-TW-GOE", {"beta": 4}),
        ("RMT-BBP", {"theta": 0.3}),  # below sqrt(1/2): sticks to the edge
        ("RMT-BBP", {"theta": 5.0, "ratio": 0.2}),
        ("RMT-SEMICIRCLE-UNIVERSALITY", {"law": "student_t", "n": 500}),
    ],
)
def test_holds_at_other_parameters(claim, params):
    assert rc.check(claim, params).passed


def tw2_law(beta=1):
    return TracyWidom(2)


def wishart_variance_off(rng, p, ratio, draws, beta=1):
    """Data with variance 1.1 rescaled with the unit-variance edge constants."""
    from rmtcheck.spectra.edge import wishart_edge

    n = samples_for(p, ratio)
    mu, sigma = wishart_edge(p, n, beta=beta)
    stats = wishart_edge_statistics(rng, p, ratio, draws, beta)
    return (1.1 * (stats * sigma + mu) - mu) / sigma


def population_value(p, ratio, theta):
    """Wrong closed form: the population eigenvalue 1 + theta (no sample-covariance bias)."""
    return np.array([1.0 + theta])


def outlier_without_threshold(p, ratio, theta):
    """Wrong closed form: the outlier formula used below the BBP threshold as well."""
    y = p / samples_for(p, ratio)
    return np.array([(1.0 + theta) * (1.0 + y / theta)])


def semicircle_radius_off():
    return Semicircle(2.1)


@pytest.mark.parametrize(
    ("claim", "field", "function", "params"),
    [
        ("RMT-TW-WISHART", "theory", "tw2_law", {}),
        ("RMT-TW-WISHART", "empirical", "wishart_variance_off", {}),
        ("RMT-TW-GOE", "theory", "tw2_law", {}),
        ("RMT-BBP", "theory", "population_value", {}),
        ("RMT-BBP", "theory", "outlier_without_threshold", {"theta": 0.3}),
        ("RMT-SEMICIRCLE-UNIVERSALITY", "theory", "semicircle_radius_off", {}),
    ],
)
def test_negative_controls_are_rejected(claim, field, function, params):
    card = replace(rc.get_card(claim), **{field: f"{__name__}:{function}"})
    assert not rc.check(card, params).passed
