"""Free convolution engine (rmtcheck/laws/free.py): the deformed Marchenko–Pastur law and
products of Marchenko–Pastur laws against independent references: a 40-digit mpmath root
solve of Silverstein's polynomial, the non-crossing moment formula checked by brute-force
enumeration, the Fuss–Catalan closed form, and dense eigenvalues of sample covariances."""

from __future__ import annotations

import itertools
import warnings

import mpmath as mp
import numpy as np
import pytest

from rmtcheck.errors import InputError
from rmtcheck.laws.free import DeformedMarchenkoPastur, MarchenkoPasturProduct, noncrossing_moment
from rmtcheck.laws.fuss_catalan import FussCatalan
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur

from .test_law_battery import ks_distance

# (ratio, population eigenvalues, weights): two bulks with a near-split third, two separated
# bulks, and an atom at 0 (ratio > 1).
CASES = [
    (0.3, [1.0, 4.0, 10.0], [0.3, 0.4, 0.3]),
    (0.1, [1.0, 3.0], [0.5, 0.5]),
    (2.0, [1.0, 3.0], [0.5, 0.5]),
]


def silverstein_density(ratio: float, t: list[float], w: list[float], x: float) -> float:
    """Im m / (pi y), m the root with Im m > 0 of the degree-(K+1) polynomial
    x m prod_j (1 + t_j m) + prod_j (1 + t_j m) - y m sum_i w_i t_i prod_{j != i} (1 + t_j m),
    solved with 40 significant digits (0 when all roots are real)."""
    mp.mp.dps = 40

    def times(p, q):
        out = [mp.mpf(0)] * (len(p) + len(q) - 1)
        for i, j in itertools.product(range(len(p)), range(len(q))):
            out[i + j] += p[i] * q[j]
        return out

    full = [mp.mpf(1)]
    for tj in t:
        full = times(full, [mp.mpf(1), mp.mpf(tj)])
    poly = [c for c in times(full, [mp.mpf(0), mp.mpf(x)])]
    for i, c in enumerate(full):
        poly[i] += c
    for i, ti in enumerate(t):
        rest = [mp.mpf(1)]
        for j, tj in enumerate(t):
            if j != i:
                rest = times(rest, [mp.mpf(1), mp.mpf(tj)])
        for k, c in enumerate(times(rest, [mp.mpf(0), mp.mpf(ratio) * w[i] * ti])):
            poly[k] -= c
    with warnings.catch_warnings():  # mpmath >= 1.4 prefers asc=True, absent from 1.3
        warnings.simplefilter("ignore", DeprecationWarning)
        roots = mp.polyroots(poly[::-1], maxsteps=200, extraprec=60)
    top = max(mp.im(r) for r in roots)
    return float(top / (mp.pi * ratio)) if top > mp.mpf(10) ** -25 else 0.0


def quadrature_nodes(law) -> tuple[np.ndarray, np.ndarray]:
    """Nodes x and masses so that int func dF ~ sum masses func(x): Gauss-Legendre (400 nodes)
    in theta on panels of law.pdf, plus the atoms. Panels: each support interval split at the
    interior local minima of the density on a 2001-point grid, x = lo + (hi - lo) sin^2(theta/2)
    on each (independent of the law's own tables and cuts)."""
    nodes, weights = np.polynomial.legendre.leggauss(400)
    theta = np.pi * (nodes + 1) / 2
    xs = [np.array([c for c, _ in law.atoms()])]
    ms = [np.array([m for _, m in law.atoms()])]
    for lo, hi in law.intervals():
        grid = np.linspace(lo, hi, 2001)
        f = law.pdf(grid)
        dips = grid[1:-1][(f[1:-1] < f[:-2]) & (f[1:-1] < f[2:])]
        cuts = [lo, *dips, hi]
        for a, b in zip(cuts[:-1], cuts[1:], strict=False):
            x = a + (b - a) * np.sin(theta / 2) ** 2
            xs.append(x)
            ms.append(np.pi / 2 * weights * law.pdf(x) * (b - a) / 2 * np.sin(theta))
    return np.concatenate(xs), np.concatenate(ms)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_deformed_mp_mass_and_moments(case):
    law = DeformedMarchenkoPastur(*case)
    x, mass = quadrature_nodes(law)
    assert np.sum(mass) == pytest.approx(1.0, abs=1e-8)
    for k in range(1, 7):
        assert np.sum(mass * x**k) == pytest.approx(law.moment(k), rel=1e-9)
    # negative control: the moment formula of a different population is off by far more
    other = DeformedMarchenkoPastur(case[0], np.array(case[1]) * 1.01, case[2])
    assert abs(other.moment(2) / law.moment(2) - 1) > 1e-3


def _grid_agrees(case, points):
    law = DeformedMarchenkoPastur(*case)
    x = np.linspace(0.0, 1.05 * law.b, points + 1)[1:]
    ours = law.pdf(x)
    oracle = np.array([silverstein_density(*case, xi) for xi in x])
    return np.max(np.abs(ours - oracle) / np.maximum(1.0, oracle))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_density_matches_mpmath_root_solve(case):
    assert _grid_agrees(case, 101) < 1e-8


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=str)
def test_density_matches_mpmath_root_solve_2001_points(case):
    assert _grid_agrees(case, 2001) < 1e-8


def test_one_population_atom_is_marchenko_pastur():
    for ratio, t in ((0.5, 1.0), (2.5, 0.7), (1.0, 2.0)):
        law, mp_law = DeformedMarchenkoPastur(ratio, [t]), MarchenkoPastur(ratio, t)
        x = np.linspace(0, 1.1 * mp_law.b, 301)
        np.testing.assert_allclose(law.pdf(x), mp_law.pdf(x), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(law.cdf(x), mp_law.cdf(x), atol=1e-10)
        assert law.atoms() == mp_law.atoms()
        z = np.array([0.3 + 0.2j, 2.0 + 1e-3j, -1.0 + 1j])
        np.testing.assert_allclose(law.stieltjes(z), mp_law.stieltjes(z), rtol=1e-10)


def _is_noncrossing(blocks) -> bool:
    for p, q in itertools.permutations(blocks, 2):
        if any(a < c < b < d for a, b in itertools.combinations(p, 2)
               for c, d in itertools.combinations(q, 2)):
            return False
    return True


def _set_partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _set_partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first, *part[i]]] + part[i + 1:]
        yield [[first], *part]


@pytest.mark.parametrize("k", range(1, 8))
def test_noncrossing_formula_by_enumeration(k):
    """The block-type count k! / ((k - r + 1)! prod m_j!) against brute force over all set
    partitions of [k], with symbolic weights x_j = 2^(j^2) (distinct products per type)."""
    brute = sum(np.prod([2 ** (len(b) ** 2) for b in part], dtype=object)
                for part in _set_partitions(list(range(k))) if _is_noncrossing(part))
    assert noncrossing_moment(k, lambda size: 2 ** (size**2)) == brute


@pytest.mark.parametrize("order", [2, 3, 4])
def test_product_engine_reproduces_fuss_catalan(order):
    law, closed = MarchenkoPasturProduct([1.0] * order), FussCatalan(order)
    assert law.support() == pytest.approx(closed.support(), rel=1e-14)
    x = np.linspace(0, closed.b, 2002)[1:]
    np.testing.assert_allclose(law.pdf(x), closed.pdf(x), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(law.cdf(x), closed.cdf(x), atol=1e-8)
    assert law.expect() == pytest.approx(1.0, abs=1e-10)  # total mass on the tracked branch
    for k in range(1, 7):
        assert law.expect(lambda x, k=k: x**k) == pytest.approx(closed.moment(k), rel=1e-9)


def test_product_of_rectangular_layers_moments():
    law = MarchenkoPasturProduct([0.5, 0.8])
    # E x = 1, E x^2 = 1 + y_1 + y_2 (Lagrange inversion by hand)
    assert law.moment(1) == pytest.approx(1.0) and law.moment(2) == pytest.approx(2.3)
    for k in range(1, 5):
        assert law.expect(lambda x, k=k: x**k) == pytest.approx(law.moment(k), rel=1e-9)


def _sample_covariance_eigenvalues(p: int, ratio: float, t, w, rng) -> np.ndarray:
    n = round(p / ratio)
    scale = np.repeat(np.sqrt(t), np.round(np.array(w) * p).astype(int))
    y = scale[:, None] * rng.standard_normal((p, n))
    return np.linalg.eigvalsh(y @ y.T / n)


def _ks_case(p: int):
    ratio, t, w = CASES[0]
    values = _sample_covariance_eigenvalues(p, ratio, t, w, np.random.default_rng(11))
    tol = (1 + np.log(p)) / p  # the RMT-MP-LAW calibration of theory/classical.toml
    assert ks_distance(values, DeformedMarchenkoPastur(ratio, t, w).cdf) < tol
    wrong = DeformedMarchenkoPastur(ratio, np.array(t) * 1.1, w)  # negative control
    assert ks_distance(values, wrong.cdf) > tol


def test_empirical_spectrum_ks_p1000():
    _ks_case(1000)


@pytest.mark.slow
def test_empirical_spectrum_ks_p4000():
    _ks_case(4000)


@pytest.mark.parametrize("bad", [
    {"ratio": 0.0, "population_eigenvalues": [1.0]},
    {"ratio": 0.5, "population_eigenvalues": [-1.0]},
    {"ratio": 0.5, "population_eigenvalues": [1.0, 2.0], "weights": [0.5, 0.6]},
    {"ratio": 0.5, "population_eigenvalues": []},
])
def test_bad_input(bad):
    with pytest.raises(InputError):
        DeformedMarchenkoPastur(**bad)
    with pytest.raises(InputError, match="ratios"):
        MarchenkoPasturProduct([0.5, 1.5])
