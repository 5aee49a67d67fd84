"""Scaling cards with ``fit.bound = "upper"`` (a statement O(size^p)): the slope may be any
value at or below p; a slope clearly above p fails. The default ("equal", Theta) needs p in
the interval."""

import numpy as np
import pytest

from rmtcheck.checker.cards import Card
from rmtcheck.checker.kinds import check_scaling


def _card(bound):
    return Card(id="T-SCALE", title="t", statement="s", source={"file": "f"}, kind="scaling",
                expected="holds", empirical="x:y", tolerance={"slack": 0.05, "why": "w"},
                fit={"size": "n", "exponent": -1.0, **({"bound": bound} if bound else {})})


def _cells(slope, rng):
    sizes = np.repeat([100, 200, 400, 800], 6)
    return [(n, n**slope * np.exp(0.02 * rng.standard_normal())) for n in sizes]


@pytest.mark.parametrize("slope, upper, equal", [(-1.5, True, False), (-1.0, True, True),
                                                 (-0.7, False, False)])
def test_upper_bound_against_theta(slope, upper, equal):
    rng = np.random.default_rng(0)
    cells = _cells(slope, rng)
    assert check_scaling(_card("upper"), {}, cells, 0)[0] is upper
    assert check_scaling(_card(None), {}, cells, 0)[0] is equal
