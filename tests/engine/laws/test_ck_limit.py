"""Reference laws at initialization: MP for the weights (WANG-DEF-MP), the CK limit law
(WANG-DEF-CK-LIMIT) and the tools behind them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rmtcheck.theory.wang2023.claims import ck_law, ck_spectrum, mp_law_w, w_spectrum

from rmtcheck.checker.cards import get_card
from rmtcheck.checker.expr import evaluate
from rmtcheck.errors import InputError
from rmtcheck.laws.activations import get_activation
from rmtcheck.laws.ck_limit import (
    AffineMPPopulation,
    CKLimitLaw,
    DiscretePopulation,
    ck_limit_law,
    mp_stieltjes,
)
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.spectra.compare import ks_statistic
from rmtcheck.spectra.dense import psd_eigvalsh
from rmtcheck.spectra.tails import hill_alpha

GRID = np.linspace(0.0, 12.0, 400)


def _threshold(card_id: str, params: dict) -> float:
    return float(evaluate(get_card(card_id).tolerance["ks"], params))


def test_mp_stieltjes_matches_quadrature_with_atom():
    """s(w) = int dMP(l)/(l - w), including the atom 1 - 1/c at 0 for c > 1."""
    w = np.array([0.5 + 0.3j, 2.0 + 1e-2j, -1.0 + 2j, 7.0 + 0.5j])
    for c in (0.4, 2.5):
        law = MarchenkoPastur(c)
        x = np.linspace(law.a, law.b, 200001)
        dens = law.pdf(x)
        for wi in w:
            direct = np.trapezoid(dens / (x - wi), x) + law.atom / (0.0 - wi)
            assert mp_stieltjes(np.array([wi]), c)[0][0] == pytest.approx(direct, abs=2e-4)
        eps = 1e-6
        s_plus, ds = mp_stieltjes(w + eps, c)
        s_minus, _ = mp_stieltjes(w - eps, c)
        np.testing.assert_allclose(ds, (s_plus - s_minus) / (2 * eps), rtol=1e-4)


@pytest.mark.parametrize("gamma", [0.3, 0.8, 1.5, 3.0])
def test_linear_free_activation_reduces_to_mp(gamma):
    """b_sigma = 0 makes nu = delta_1, so the CK law is MP(gamma) exactly (atom included)."""
    law = ck_limit_law(gamma, 2.0, 0.0)
    mp = MarchenkoPastur(gamma)
    np.testing.assert_allclose(law.cdf(GRID), mp.cdf(GRID), atol=5e-6)
    assert law.support()[1] == pytest.approx(mp.b, rel=1e-4)


@settings(max_examples=12, deadline=None)
@given(gamma=st.floats(0.2, 4.0).filter(lambda g: abs(g - 1) > 0.05), phi=st.floats(0.2, 4.0),
       b=st.floats(0.0, 0.98))
def test_ck_law_moments(gamma, phi, b):
    """First two moments of MP_gamma [x] H: E t and E t^2 + gamma (E t)^2, with E t = 1 and
    E t^2 = 1 + b^4 phi for t = (1 - b^2) + b^2 lambda, lambda ~ MP(phi)."""
    law = ck_limit_law(gamma, phi, b)
    assert law.moment(1) == pytest.approx(1.0, abs=2e-3)
    assert law.moment(2) == pytest.approx(1 + b**4 * phi + gamma, rel=2e-3)
    assert abs(law.mass_error) < 1e-3
    assert law.cdf(-1e-9) == 0.0 and law.cdf(law.b + 1e-9) == pytest.approx(1.0)
    assert law.cdf(0.0) == pytest.approx(max(0.0, 1 - 1 / gamma))


def test_closed_form_population_matches_discrete_quantiles():
    """Independent route of the spec: population atoms at quantiles of nu (J = 200)."""
    b, phi, gamma = get_activation("relu").b_sigma, 0.5, 4 / 3
    q = (np.arange(200) + 0.5) / 200
    t = 1 - b**2 + b**2 * MarchenkoPastur(phi).ppf(q)
    discrete = CKLimitLaw(gamma, DiscretePopulation(t, np.full(200, 1 / 200)), grid=600,
                          nodes=300, eta=1e-5)
    closed = ck_limit_law(gamma, phi, b)
    np.testing.assert_allclose(discrete.cdf(GRID), closed.cdf(GRID), atol=2e-3)
    pop = AffineMPPopulation(phi, b)
    m = np.array([0.3 + 0.2j, -0.5 + 1j])
    np.testing.assert_allclose(pop.g(m)[0], DiscretePopulation(t, np.full(200, 1 / 200)).g(m)[0],
                               rtol=2e-3)


def test_table1_right_edges_match_the_independent_program():
    """Spec Sec. 3 (g): predicted right edges 9.173 (tanh) and 7.942 (ReLU) at n = 2000,
    h = 1500, d = 1000, from 2000 quantile atoms (which sit slightly inside the top edge)."""
    assert ck_law(2000, 2.0, 1.5, "tanh").support()[1] == pytest.approx(9.173, rel=2e-3)
    assert ck_law(2000, 2.0, 1.5, "relu").support()[1] == pytest.approx(7.942, rel=2e-3)


def test_ppf_inverts_cdf_and_pdf_integrates():
    law = ck_law(1000, 2.0, 1.5, "tanh")
    q = np.linspace(0.3, 0.99, 50)
    np.testing.assert_allclose(law.cdf(law.ppf(q)), q, atol=1e-6)
    assert np.all(law.ppf(np.array([0.0, 0.2])) == 0.0)
    x = np.linspace(law.a, law.b, 200001)
    assert np.trapezoid(law.pdf(x), x) == pytest.approx(0.75, abs=2e-3)
    assert np.all(np.diff(law.cdf(GRID)) >= 0)


def test_mass_assertion_fires_on_an_underresolved_solve():
    with pytest.raises(AssertionError, match="lost mass"):
        CKLimitLaw(4 / 3, AffineMPPopulation(2.0, 0.96), grid=30, nodes=4)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_ck_limit_ks_and_negative_controls(activation):
    """The card threshold accepts the right law and rejects b_sigma of another activation and
    an aspect ratio n/h off by 10%."""
    params = {"n": 1000, "gamma1": 2.0, "gamma2": 1.5}
    sample = ck_spectrum(np.random.default_rng(11), activation=activation, **params)
    tol = _threshold("WANG-DEF-CK-LIMIT", params)
    assert ks_statistic(sample, ck_law(activation=activation, **params)) <= tol
    other = "relu" if activation == "tanh" else "tanh"
    wrong_b = ck_law(b_sigma=get_activation(other).b_sigma, activation=activation, **params)
    assert ks_statistic(sample, wrong_b) > 2 * tol
    wrong_ratio = ck_limit_law(1.1 * 1000 / 750, 2.0, get_activation(activation).b_sigma)
    assert ks_statistic(sample, wrong_ratio) > 2 * tol


@pytest.mark.parametrize("matrix", ["WtW_over_h", "WWt_over_d"])
def test_mp_weights_ks_and_negative_control(matrix):
    params = {"d": 500, "gamma2": 1.5, "matrix": matrix}
    sample = w_spectrum(np.random.default_rng(12), **params)
    tol = _threshold("WANG-DEF-MP", params)
    law = mp_law_w(**params)
    assert ks_statistic(sample, law) <= tol
    assert ks_statistic(sample, MarchenkoPastur(law.ratio * 1.1)) > 2 * tol
    if matrix == "WWt_over_d":
        assert np.mean(sample == 0.0) == pytest.approx(1 - 500 / 750)


def test_psd_eigvalsh_zeroes_rank_deficiency_only():
    rng = np.random.default_rng(13)
    a = rng.standard_normal((30, 12))
    ev = psd_eigvalsh(a @ a.T)
    assert np.sum(ev == 0.0) == 18 and ev[18] > 1e-3
    assert np.sum(psd_eigvalsh(a @ a.T, rank=5) == 0.0) == 25


def test_hill_alpha_recovers_pareto_index():
    """Pareto(alpha) tail: the Hill estimator on the top k of 1e5 draws is consistent,
    sd ~ alpha / sqrt(k) = 0.045 for alpha = 1.5, k = 1000."""
    x = np.random.default_rng(14).pareto(1.5, 100000) + 1.0
    assert hill_alpha(x, 1000) == pytest.approx(1.5, abs=0.2)
    assert hill_alpha(np.random.default_rng(15).standard_normal(100000) ** 2, 1000) > 3
    with pytest.raises(InputError):
        hill_alpha(np.zeros(30), 20)


def test_bad_input():
    with pytest.raises(InputError):
        ck_limit_law(-1.0, 2.0, 0.5)
    with pytest.raises(InputError):
        ck_limit_law(1.5, 2.0, 1.0)
    with pytest.raises(InputError):
        ck_law(1000, 2.0, 1.5).ppf(np.array([1.5]))
