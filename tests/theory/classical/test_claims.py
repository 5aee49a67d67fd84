"""The classical catalogue (RMT-*): every card meets its expectation at quick scale, and each
statistical check rejects a perturbed parameter or closed form (negative controls)."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings

import rmtcheck as rc
from rmtcheck.testing import params_strategy

RMT = [cid for cid in rc.load_catalogue() if cid.startswith("RMT-")]


def mp_sample_ratio_off(rng, p, ratio, var, law, method):
    """Negative control: data drawn at 1.1 x the ratio the law is evaluated at."""
    from rmtcheck.theory.classical.claims import mp_spectrum

    return mp_spectrum(rng, p, 1.1 * ratio, var, law, method)


def mp_edges_ratio_off(p, ratio, var):
    from rmtcheck.theory.classical.claims import mp_edges

    return mp_edges(p, 1.1 * ratio, var)


def moments_without_kurtosis(p, n, law, var):
    """A wrong closed form: the Gaussian value m4 = 3 used for every entry law."""
    return np.array([var, var**2 * (n + p + 1) / n])


@pytest.mark.parametrize("claim", ["RMT-MP-LAW", "RMT-MP-ATOM", "RMT-MP-UNIVERSALITY"])
def test_mp_check_rejects_a_ratio_off_by_ten_percent(claim):
    card = replace(rc.get_card(claim), empirical=f"{__name__}:mp_sample_ratio_off")
    assert not rc.check(card).passed


def test_edge_check_rejects_a_ratio_off_by_ten_percent():
    card = replace(rc.get_card("RMT-MP-EDGE"), theory=f"{__name__}:mp_edges_ratio_off")
    assert not rc.check(card).passed


def test_moment_check_rejects_the_gaussian_formula_for_uniform_entries():
    card = replace(
        rc.get_card("RMT-SAMPLE-COV-MOMENTS"), theory=f"{__name__}:moments_without_kurtosis"
    )
    v = rc.check(card)  # quick scale uses uniform entries (m4 = 9/5)
    assert not v.passed and v.statistics["max_z"] > 4


def test_edge_rate_rejects_the_bulk_rate():
    card = replace(rc.get_card("RMT-MP-EDGE-RATE"), fit={"size": "p", "exponent": -1.0})
    assert not rc.check(card).passed


@pytest.mark.parametrize("claim", ["RMT-CAUCHY-INTERLACING", "RMT-WEYL", "RMT-RANK-R-INTERLACING"])
@settings(max_examples=25, deadline=None)
@given(data=__import__("hypothesis").strategies.data())
def test_inequalities_hold_over_their_domain(claim, data):
    params = data.draw(params_strategy(claim))
    assert rc.check(claim, params, trials=1).passed
