"""Conformance battery: every law in ``law_table.LAWS`` goes through the same short
``check_<property>`` functions (the pattern of scipy's ``test_continuous_basic.py`` and
``common_tests.py``; scipy's own generic checks also run on ``to_scipy()`` of atom-free laws).
A law with atoms is checked on its continuous part plus each atom's location and mass.
"""

from __future__ import annotations

import numpy as np
import pytest

from rmtcheck.errors import InputError
from rmtcheck.laws.law import Law
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur

from .law_table import LAWS

KS_SAMPLE = 4000
KS_SEED = 20260101
# Kolmogorov null: P(sqrt(n) D_n > 1.9495) = 1e-3 for a continuous law (conservative with atoms,
# where D_n is stochastically smaller); scipy.stats.kstwobign.isf(1e-3) = 1.9495.
KS_CRITICAL = 1.9495 / np.sqrt(KS_SAMPLE)
PERTURBATION = 1.25  # negative control: the same sample against the law of 1.25 X
TAIL = 1e-10  # an infinite end is replaced by the quantile ppf(TAIL) or isf(TAIL) on grids


def ends(law) -> tuple[float, float]:
    places = [*law.support(), *(c for c, _ in law.atoms())]
    return min(places), max(places)


def finite(law, lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] with an infinite end replaced by the quantile holding TAIL beyond it."""
    return (float(law.ppf(TAIL)) if lo == -np.inf else lo,
            float(law.isf(TAIL)) if hi == np.inf else hi)


def pieces(law) -> list[tuple[float, float]]:
    """The support intervals, infinite ends cut at the TAIL quantiles."""
    return [finite(law, lo, hi) for lo, hi in law.intervals()]


def interior(law, count: int = 41) -> np.ndarray:
    """Points strictly inside each support interval, off the edges."""
    return np.concatenate([lo + (hi - lo) * np.linspace(0.02, 0.98, count)
                           for lo, hi in pieces(law)])


def levels() -> np.ndarray:
    return np.concatenate([[1e-6, 1e-3], np.linspace(0.01, 0.99, 99), [1 - 1e-3, 1 - 1e-6]])


def ks_distance(sample: np.ndarray, cdf) -> float:
    """sup |F_n - F| with the left limits of F at the sample points (valid with atoms)."""
    x = np.sort(sample)
    n = x.size
    at, left = cdf(x), cdf(np.nextafter(x, -np.inf))
    return float(max(np.max(np.arange(1, n + 1) / n - at), np.max(left - np.arange(n) / n)))


def in_a_jump(law, q: np.ndarray) -> np.ndarray:
    hit = np.zeros(q.shape, dtype=bool)
    for c, mass in law.atoms():
        top = law.cdf(c)
        hit |= (q > top - mass) & (q <= top)
    return hit


# -- checks ---------------------------------------------------------------------------------
def check_cdf_ppf(law, tol):
    q = levels()
    x = law.ppf(q)
    jump = in_a_jump(law, q)
    np.testing.assert_allclose(law.cdf(x[~jump]), q[~jump], atol=tol)
    for c, mass in law.atoms():
        top = law.cdf(c)
        inside = np.linspace(top - mass, top, 7)[1:]
        np.testing.assert_array_equal(law.ppf(inside), c)
    assert np.all(np.diff(x) >= 0)


def check_sf_isf(law, tol):
    x = np.concatenate([interior(law), [c for c, _ in law.atoms()]])
    np.testing.assert_allclose(law.sf(x) + law.cdf(x), 1.0, atol=1e-14)
    q = levels()
    jump = in_a_jump(law, 1 - q)
    np.testing.assert_allclose(law.sf(law.isf(q[~jump])), q[~jump], atol=tol)
    if type(law)._isf is Law._isf:
        np.testing.assert_allclose(law.isf(q), law.ppf(1 - q), rtol=0, atol=0)
    else:  # an own isf inverts the sf: it agrees with ppf(1 - q) up to the rounding of 1 - q
        np.testing.assert_allclose(law.cdf(law.isf(q[~jump])), 1 - q[~jump], atol=tol)


def check_pdf_derivative(law, tol):
    for lo, hi in pieces(law):
        x = lo + (hi - lo) * np.linspace(0.05, 0.95, 31)
        h = 1e-4 * (hi - lo)
        slope = (law.cdf(x + h) - law.cdf(x - h)) / (2 * h)
        np.testing.assert_allclose(slope, law.pdf(x), rtol=tol)


def check_total_mass(law, tol):
    atoms = sum(mass for _, mass in law.atoms())
    assert law.expect() == pytest.approx(1.0, abs=tol)  # quadrature of pdf + atoms
    assert law.expect(lambda x: x * 0 + 1, lb=law.a, ub=law.b) - sum(
        m for c, m in law.atoms() if law.a <= c <= law.b) == pytest.approx(1 - atoms, abs=tol)
    lo, hi = ends(law)
    assert law.cdf(hi) == 1.0 and law.sf(hi) == 0.0
    assert law.cdf(np.nextafter(lo, -np.inf)) == 0.0 and law.sf(np.nextafter(lo, -np.inf)) == 1.0
    assert law.ppf(0.0) == lo and law.ppf(1.0) == pytest.approx(hi, rel=1e-12)
    assert law.isf(1.0) == lo and law.isf(0.0) == pytest.approx(hi, rel=1e-12)


def check_atoms(law):
    for c, mass in law.atoms():
        assert 0 < mass < 1
        jump = law.cdf(c) - law.cdf(np.nextafter(c, -np.inf))
        assert jump == pytest.approx(mass, abs=1e-14)
        assert law.pdf(c) == 0.0  # the pdf is the continuous part's density


def check_moments(law, tol, tol_sum):
    for k in range(1, 5):
        assert law.moment(k) == pytest.approx(law.expect(lambda x, k=k: x**k), rel=tol)
        # independent route: Riemann-Stieltjes sum int x^k dF from the cdf on a fine grid
        total = sum(mass * c**k for c, mass in law.atoms())
        for lo, hi in pieces(law):  # mass TAIL beyond an infinite end is left out
            theta = np.linspace(0, np.pi, 40001)
            x = lo + (hi - lo) * (1 - np.cos(theta)) / 2
            df = np.diff(law.cdf(x))  # atoms inside (lo, hi) would count twice: none in the table
            total += np.sum(df * ((x[1:] + x[:-1]) / 2) ** k)
        assert law.moment(k) == pytest.approx(total, rel=tol_sum)
    assert law.mean() == law.moment(1)
    assert law.var() == pytest.approx(law.moment(2) - law.moment(1) ** 2, rel=1e-14)
    assert law.std() == pytest.approx(np.sqrt(law.var()), rel=1e-14)
    assert law.moment(0) == 1.0


def check_logs(law):
    x = np.concatenate([interior(law), [ends(law)[0] - 1.0, ends(law)[1] + 1.0]])
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(law.logpdf(x), np.log(law.pdf(x)), rtol=1e-13)
        np.testing.assert_allclose(law.logcdf(x), np.log(law.cdf(x)), rtol=1e-13)
        np.testing.assert_allclose(law.logsf(x), np.log(law.sf(x)), rtol=1e-13)
    assert law.logpdf(ends(law)[1] + 1.0) == -np.inf


def check_median_interval(law):
    assert law.median() == law.ppf(0.5)
    for c in (0.5, 0.9, 0.99):
        lo, hi = law.interval(c)
        assert (lo, hi) == (law.ppf((1 - c) / 2), law.ppf((1 + c) / 2))
        held = law.cdf(hi) - law.cdf(np.nextafter(lo, -np.inf))
        assert held >= c - 1e-9


def check_sampling_ks(law):
    sample = law.rvs(KS_SAMPLE, rng=KS_SEED)
    assert ks_distance(sample, law.cdf) < KS_CRITICAL
    # negative control: the same statistic rejects the law of PERTURBATION * X
    assert ks_distance(sample, lambda x: law.cdf(x / PERTURBATION)) > KS_CRITICAL
    for c, mass in law.atoms():  # the atom's frequency, binomial 4-sigma band
        share = np.mean(sample == c)
        assert abs(share - mass) < 4 * np.sqrt(mass * (1 - mass) / KS_SAMPLE)


def check_nan_and_integers(law):
    for method in (law.pdf, law.logpdf, law.cdf, law.logcdf, law.sf, law.logsf, law.ppf,
                   law.isf):
        assert np.isnan(method(np.nan))
        out = method(np.array([0.5, np.nan]))
        assert np.isnan(out[1]) and not np.isnan(out[0])
    x = int(np.ceil(np.mean(finite(law, law.a, law.b))))
    assert law.pdf(x) == law.pdf(float(x)) and law.cdf(x) == law.cdf(float(x))
    assert law.ppf(1) == law.ppf(1.0) and law.ppf(0) == law.ppf(0.0)
    assert law.moment(np.int64(2)) == law.moment(2)
    for bad in (-0.1, 1.5, np.inf):
        with pytest.raises(InputError, match="q"):
            law.ppf([0.5, bad])
    with pytest.raises(InputError, match="k"):
        law.moment(-1)
    with pytest.raises(InputError, match="k"):
        law.moment(2.5)


def check_broadcasting(law):
    x = interior(law, 6).reshape(2, -1)
    q = np.linspace(0.05, 0.95, x.size).reshape(x.shape)
    for method, arg in ((law.pdf, x), (law.cdf, x), (law.sf, x), (law.logpdf, x),
                        (law.ppf, q), (law.isf, q)):
        out = method(arg)
        assert out.shape == arg.shape
        np.testing.assert_array_equal(out, [[method(v) for v in row] for row in arg])
        assert np.ndim(method(arg[0, 0])) == 0
    assert law.rvs((3, 2), rng=1).shape == (3, 2)
    np.testing.assert_array_equal(law.rvs(5, rng=7), law.rvs(5, random_state=7))


def check_stieltjes(law, tol):
    """s(z) = int dmu / (l - z): the law's own (closed form or solver) against the base
    class's quadrature, and the large-z expansion -1/z - m1/z^2 - m2/z^3."""
    lo, hi = finite(law, *ends(law))
    z = np.array([0.5 * (lo + hi) + 0.3j * (hi - lo), hi + 0.5 + 0.1j])
    np.testing.assert_allclose(law.stieltjes(z), Law.stieltjes(law, z), rtol=1e-8)
    big = 1e3j * (1 + abs(hi))
    series = -1 / big - law.moment(1) / big**2 - law.moment(2) / big**3
    assert abs(law.stieltjes(big) - series) < tol * abs(series)


def check_entropy(law):
    h = law.entropy()
    if law.atoms():
        assert h == -np.inf
    else:
        assert np.isfinite(h)


def check_scipy_generic(law):
    """scipy's own generic checks (scipy/stats/tests/common_tests.py) on ``to_scipy()``."""
    common = pytest.importorskip("scipy.stats.tests.common_tests")
    if law.atoms():
        with pytest.raises(InputError):
            law.to_scipy()
        return
    dist = law.to_scipy()
    m, v = law.mean(), law.var()
    common.check_moment(dist, (), m, v, "moment")
    common.check_mean_expect(dist, (), m, "mean")
    common.check_var_expect(dist, (), m, v, "var")
    common.check_edge_support(dist, ())
    assert dist.entropy() == pytest.approx(law.entropy(), rel=1e-7)


# -- one test per row -----------------------------------------------------------------------
@pytest.mark.parametrize("row", LAWS, ids=lambda row: row.id)
def test_law_conforms(row):
    law = row.law()
    check_cdf_ppf(law, row.tolerance("roundtrip"))
    check_sf_isf(law, row.tolerance("roundtrip"))
    check_pdf_derivative(law, row.tolerance("derivative"))
    check_total_mass(law, row.tolerance("mass"))
    check_atoms(law)
    check_moments(law, row.tolerance("moment"), row.tolerance("stieltjes_sum"))
    check_logs(law)
    check_median_interval(law)
    check_nan_and_integers(law)
    check_broadcasting(law)
    check_entropy(law)
    check_stieltjes(law, row.tolerance("series"))


@pytest.mark.parametrize("row", LAWS, ids=lambda row: row.id)
def test_law_sampling(row):
    check_sampling_ks(row.law())


@pytest.mark.parametrize("row", [row for row in LAWS if row.scipy_checks],
                         ids=lambda row: row.id)
def test_scipy_generic_checks(row):
    check_scipy_generic(row.law())


# -- the battery can fail -------------------------------------------------------------------
class WrongDensity(MarchenkoPastur):
    """MP with a density 1 % too high: cdf and moments unchanged."""

    def _pdf(self, x):
        return 1.01 * super()._pdf(x)


class WrongMoment(MarchenkoPastur):
    """MP whose moments are off by one part in 10^6."""

    def _moment(self, k):
        return super()._moment(k) * (1 + 1e-6)


def test_battery_rejects_broken_laws():
    with pytest.raises(AssertionError):
        check_pdf_derivative(WrongDensity(0.5), 1e-6)
    with pytest.raises(AssertionError):
        check_total_mass(WrongDensity(0.5), 1e-9)
    with pytest.raises(AssertionError):
        check_moments(WrongMoment(0.5), 1e-8, 2e-6)
