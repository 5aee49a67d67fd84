"""Theorem 8.1 (Papyan 2020, Sec. 8.2) at the acceptance level: the property search over
D <= 40, C <= 8; the FIM constructions against each other; SLQ against dense eigenvalues;
negative controls (wrong multiplicity, wrong centring, wrong SLQ sigma); bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import rmtcheck.theory.papyan2020.decomposition as dec
import rmtcheck.theory.papyan2020.fim as fim
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck as rc
from rmtcheck.cli.main import main as cli
from rmtcheck.ensembles import ccm
from rmtcheck.errors import InputError
from rmtcheck.spectra.slq import DiscreteSpectrum, level_masses, probe_mass_se, slq_density
from rmtcheck.testing import search_counterexample


@st.composite
def ccm_params(draw):
    """The whole PAP-THM-8.1 search range: C <= min(D, 8), D <= 40, Def 8.2's alpha."""
    D = draw(st.integers(2, 40))
    C = draw(st.integers(2, min(D, 8)))
    return D, C, draw(st.floats(0.0, 5.0)), draw(st.floats(0.0, (C - 1) / C))


def _dense(op) -> np.ndarray:
    return op.matmat(np.eye(op.shape[1]))


# --- 1. property search over D <= 40, C <= 8 --------------------------------------------------

def test_thm81_search_range_reaches_d40_c8():
    card = rc.get_card("PAP-THM-8.1")
    assert card.params["D"].bounds({}, search=True) == (2, 40)
    assert card.params["C"].bounds({"D": 40}, search=True) == (2, 8)
    assert card.params["C"].bounds({"D": 5}, search=True) == (2, 5)          # C <= D
    assert card.params["alpha"].bounds({"C": 8}, search=True) == (0.0, 7 / 8)  # Def 8.2
    for corner in ({"D": 40, "C": 8, "t": 5.0, "alpha": 7 / 8},
                   {"D": 40, "C": 8, "t": 0.0, "alpha": 0.0},
                   {"D": 8, "C": 8, "t": 5.0, "alpha": 0.5}):
        assert rc.check("PAP-THM-8.1", corner).passed, corner


def test_thm81_property_search_finds_no_counterexample(monkeypatch):
    """60 hypothesis examples (the CLI default seed) reach D >= 30 and C >= 7, without a
    counterexample."""
    import rmtcheck.testing.property as prop

    seen: list[dict] = []
    check = prop.check
    monkeypatch.setattr(prop, "check", lambda card, p, **kw: seen.append(p) or check(card, p, **kw))
    result = search_counterexample("PAP-THM-8.1", examples=60, seed=1)
    assert result.counterexample is None, result.counterexample.params
    assert len(seen) >= 60
    assert max(p["D"] for p in seen) >= 30 and max(p["C"] for p in seen) >= 7
    assert all(p["C"] <= p["D"] and p["alpha"] <= (p["C"] - 1) / p["C"] for p in seen)


def test_property_search_rejects_thm81_beyond_def82():
    """Negative control: the same card with alpha allowed up to 1 (outside Def 8.2) has a
    counterexample (the mini-bulk overtakes the outliers, PAP-ERR-5)."""
    card = rc.get_card("PAP-THM-8.1")
    wide = dataclasses.replace(
        card, params={**card.params, "alpha": dataclasses.replace(card.params["alpha"], high=1.0)})
    result = search_counterexample(wide, examples=60, seed=1)
    assert result.counterexample is not None
    p = result.counterexample.params
    assert p["alpha"] > (p["C"] - 1) / p["C"]


# --- 2. the FIM constructions agree to 1e-12 ---------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(ccm_params())
def test_fim_constructions_agree_to_1e12(params):
    """Lemma 8.1 closed form (blkdiag + I (x) U_bar), the dense Kronecker sum
    Ave_c (t^2 e_c e_c^T + I) (x) U_c, the closed-form matrix-free operator, and the per-sample
    dense and matrix-free Eq. 8.1 on points matching the CCM moments: all equal E G."""
    D, C, t, alpha = params
    G = fim.expected_fim(*params)
    X, y = fim.moment_matched_points(D, C, t)
    P = ccm.symmetric_probs(C, alpha)[y]
    for other in (fim.expected_fim_kron(*params), _dense(fim.expected_fim_operator(*params)),
                  fim.fim_dense(X, P), _dense(fim.fim_operator(X, P))):
        assert np.abs(other - G).max() <= 1e-12


# --- 3. SLQ against dense eigenvalues ----------------------------------------------------------

SLQ_CASE = (40, 6, 2.0, 0.4)
N_VEC = 200     # probes; over 30 seeds W1 = 1.07e-3 +- 0.17e-3 (max 0.47 tol), 5 sigma >= 1.26 tol


def _w1(a, b, lo: float, hi: float) -> float:
    """int |F_a - F_b| dx on a 40001-point grid (step CDFs: error <= 4 jumps x grid step)."""
    x = np.linspace(lo, hi, 40001)
    return float(np.trapezoid(np.abs(a.cdf(x) - b.cdf(x)), x))


def _w1_tolerance(sigma: float, n_vec: int) -> float:
    """W1(smoothed, exact) <= sigma sqrt(2/pi) (the Gaussian smoothing, sigma from the SLQ rule)
    + sum_j gap_j |F_q(x_j) - F(x_j)| (the quadrature measure; Lanczos breaks down on the four
    exact levels, so F_q(x_j) is a Beta variable of mean F(x_j) and standard error SE_j,
    probe_mass_se). Each |F_q - F| = SE_j |z_j| with z_j about standard normal; 4 bounds all
    three |z_j| except with probability < 2e-4."""
    values, mults = fim.thm81_levels(*SLQ_CASE)
    order = np.argsort(values)
    n = int(mults.sum())
    cum = np.cumsum(mults[order])[:-1] / n
    return sigma * np.sqrt(2 / np.pi) + 4 * float(np.diff(values[order]) @
                                                  probe_mass_se(cum, n, n_vec))


def _slq(seed: int, n_vec: int):
    return slq_density(fim.expected_fim_operator(*SLQ_CASE), steps=128, n_vec=n_vec,
                       rng=np.random.default_rng(seed))


def test_slq_density_matches_dense_eigenvalues_in_w1():
    exact = DiscreteSpectrum(np.linalg.eigvalsh(fim.expected_fim(*SLQ_CASE)))
    w1s = []
    for seed in range(8):
        sd = _slq(seed, N_VEC)
        tol = _w1_tolerance(sd.sigma, N_VEC)
        w1s.append(_w1(sd, exact, -0.05, 0.4))
        assert w1s[-1] <= tol, (seed, w1s[-1], tol)
    # the spread over seeds: the bound is not loose by orders of magnitude
    assert max(w1s) > 0.25 * tol


def test_slq_w1_rejects_a_wrong_sigma():
    """Negative control: 5 times the rule's sigma smears each level by 5 sigma sqrt(2/pi)."""
    exact = DiscreteSpectrum(np.linalg.eigvalsh(fim.expected_fim(*SLQ_CASE)))
    sd = _slq(0, N_VEC)
    assert _w1(sd, exact, -0.05, 0.4) <= _w1_tolerance(sd.sigma, N_VEC)
    wide = dataclasses.replace(sd, sigma=5 * sd.sigma)
    assert _w1(wide, exact, -0.05, 0.4) > _w1_tolerance(sd.sigma, N_VEC)


def test_slq_masses_match_thm81_multiplicities_and_reject_a_wrong_one():
    """Quadrature weights summed at each level are within 4 SE of m_k / (D C); the mini-bulk
    multiplicity C(C-1) of Sec 1.6 (instead of C(C-2), bulk reduced to keep the total) is not."""
    D, C = SLQ_CASE[:2]
    values, mults = fim.thm81_levels(*SLQ_CASE)
    n, n_vec = D * C, 200
    masses, stray = level_masses(_slq(1, n_vec), values, 1e-9)
    assert stray < 1e-12                                  # every Gauss node is a Theorem level
    se = probe_mass_se(mults / n, n, n_vec)
    assert np.all(np.abs(masses - mults / n) <= 4 * se)
    wrong = mults + np.array([0, C, -C, 0])
    assert np.any(np.abs(masses - wrong / n) > 4 * probe_mass_se(wrong / n, n, n_vec))


# --- 4. wrong centring of the cross-class decomposition ----------------------------------------

@pytest.mark.parametrize("centre", ["within_at_class_mean", "class_at_global_mean"])
def test_decomposition_rejects_a_wrong_centring(centre):
    """Eq. 6.4 (corrected) is exact; centring G_within at g_c instead of g_{c,c'}, or G_class at
    the global mean, leaves a residual (the printed g_{c'} centring is test_papyan_decomposition's
    negative control)."""
    rng = np.random.default_rng(4)
    n, D, C = 6, 5, 3
    X, _ = ccm.ccm_sample(rng, D, C, n, 1.0)
    P = ccm.softmax_probs(rng.standard_normal((C, D)), X)
    g = dec.mlr_extended_gradients(X, P, n, C)
    p = dec.cross_probs(P, n, C)
    parts = dec.cross_class_decomposition(g, p)
    assert parts.residual < 1e-12
    w = p / (n * C)
    klass, within = parts.klass, parts.within
    if centre == "within_at_class_mean":
        r = g - parts.class_means[None, :, None, :]
        within = np.einsum("icd,icdk,icdl->kl", w, r, r)
    else:
        r = parts.class_means - parts.class_means.mean(axis=0)
        klass = np.einsum("c,ck,cl->kl", parts.w_c, r, r)
    rest = parts.total - klass - parts.cross - within - parts.same
    assert np.abs(rest).max() / np.abs(parts.total).max() > 1e-6


# --- 5. bad input: one InputError line (library), exit 2 with one line (CLI) --------------------

@pytest.mark.parametrize(("args", "name"), [
    ((4, 9, 1.0, 0.2), "C"),            # C > D
    ((8, 4, 1.0, 1.5), "alpha"),        # alpha > 1
    ((8, 4, 1.0, -0.1), "alpha"),       # alpha < 0
    ((8, 4, -1.0, 0.2), "t"),           # t < 0
    ((4.5, 2, 1.0, 0.2), "D"),          # non-integer sizes
    ((8, 2.5, 1.0, 0.2), "C"),
    ((8, "4", 1.0, 0.2), "C"),
])
@pytest.mark.parametrize("fn", [fim.thm81_levels, fim.expected_fim, fim.expected_fim_operator,
                                fim.expected_fim_kron])
def test_library_bad_input_is_one_input_error_line(fn, args, name):
    with pytest.raises(InputError) as info:
        fn(*args)
    assert info.value.name == name
    assert len(str(info.value).splitlines()) == 1


def test_ccm_sample_rejects_c_above_d():
    with pytest.raises(InputError, match=r"^C: got 5 > D = 3"):
        ccm.ccm_sample(np.random.default_rng(0), 3, 5, 4, 1.0)


@pytest.mark.parametrize(("params", "name"), [
    (["C=9", "D=4"], "C"), (["alpha=1.5"], "alpha"), (["alpha=-0.1"], "alpha"),
    (["alpha=0.9", "C=4"], "alpha"), (["t=-1"], "t"), (["D=4.5"], "D"), (["C=2.5"], "C"),
])
def test_cli_bad_input_exits_2_with_one_line(capsys, params, name):
    argv = ["check", "PAP-THM-8.1"] + [a for p in params for a in ("--param", p)]
    assert cli(argv) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert len(out.err.splitlines()) == 1
    assert out.err.startswith(f"rmtcheck: --param {name}: got ")
