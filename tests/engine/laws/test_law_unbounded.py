"""The Law base class on unbounded supports: its quadrature (tangent maps to infinite ends)
against closed-form moments of the normal law and of exponential laws on either half-line."""

from __future__ import annotations

import numpy as np
import pytest

from rmtcheck.laws.law import Law


class Normal(Law):
    """Standard normal: moments 0, 1, 0, 3; entropy (1 + log 2 pi) / 2."""

    a, b = -np.inf, np.inf

    def _pdf(self, x):
        return np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)


class Exponential(Law):
    """Rate-1 exponential on [0, inf) (``sign`` = -1: its mirror image on (-inf, 0]):
    E X^k = sign^k k!."""

    def __init__(self, sign: int = 1, density_factor: float = 1.0) -> None:
        self.sign, self.density_factor = sign, density_factor
        self.a, self.b = (0.0, np.inf) if sign > 0 else (-np.inf, 0.0)

    def _pdf(self, x):
        return self.density_factor * np.exp(-np.abs(x))


def test_whole_line_quadrature_matches_the_normal_law():
    law = Normal()
    assert law.support() == (-np.inf, np.inf)
    assert law.expect() == pytest.approx(1.0, abs=1e-12)
    for k, exact in ((1, 0.0), (2, 1.0), (3, 0.0), (4, 3.0)):
        assert law.moment(k) == pytest.approx(exact, abs=1e-10)
    assert law.entropy() == pytest.approx(0.5 * (1 + np.log(2 * np.pi)), rel=1e-10)
    assert law.expect(lb=-np.inf, ub=0.0) == pytest.approx(0.5, abs=1e-12)
    assert law.cdf(1.0) == pytest.approx(0.8413447460685429, abs=1e-12)
    assert law.cdf(-np.inf) == 0.0 and law.cdf(np.inf) == 1.0


@pytest.mark.parametrize("sign", [1, -1])
def test_half_line_quadrature_matches_the_exponential_law(sign):
    law = Exponential(sign)
    assert law.expect() == pytest.approx(1.0, abs=1e-12)
    for k, factorial in ((1, 1), (2, 2), (3, 6), (4, 24)):
        assert law.moment(k) == pytest.approx(sign**k * factorial, rel=1e-10)
    assert law.entropy() == pytest.approx(1.0, rel=1e-10)


@pytest.mark.parametrize("sign", [1, -1])
def test_quadrature_detects_a_wrong_density(sign):
    """Negative control: a density 1 % too high fails the mass and moment checks above."""
    law = Exponential(sign, density_factor=1.01)
    assert law.expect() != pytest.approx(1.0, abs=1e-12)
    assert law.moment(2) != pytest.approx(2.0, rel=1e-10)
