"""Cards of theory/hacohen_dln.toml: every card meets its expected verdict at quick scale, each
statistical check rejects a perturbed closed form or a wrong parameter, and Theorem 3 /
Lemma 2 hold over random widths, variances and entry laws (hypothesis)."""

import dataclasses

import numpy as np
import pytest
import rmtcheck.theory.hacohen2022.claims as h
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmtcheck as rc

DLN_IDS = sorted(c for c in rc.load_catalogue() if c.startswith("DLN-"))


def _max_z(est, theory):
    return float(np.max(np.abs(est.value - theory) / np.maximum(est.stderr, 1e-300)))


def test_failing_cards_name_their_corrections():
    cards = rc.load_catalogue()
    failing = [c for c in DLN_IDS if cards[c].expected == "fails"]
    assert len(failing) == 4
    for cid in failing:
        assert cards[cid].corrected == cid + "-CORRECTED" and cards[cid].counterexample
        assert cards[cid + "-CORRECTED"].corrects == cid


QUICK3 = dict(N=3, m0=5, m1=9, m2=17, m3=4, m4=1, v1=0.3, v2=0.05, v3=0.2, v4=0.1)


def test_thm3_rejects_perturbed_beta():
    est = h.thm3_monte_carlo(np.random.default_rng(0), **QUICK3, law="gaussian", reps=20000)
    theory = h.thm3_means(**QUICK3)
    assert _max_z(est, theory) < 5
    assert _max_z(est, 1.03 * theory) > 5  # a 3 % error in beta_l / alpha_l is rejected
    wrong = h.thm3_means(**{**QUICK3, "v2": 0.055})  # a wrong variance parameter
    assert _max_z(est, wrong) > 5


def test_lemma2_rejects_perturbed_variance():
    params = dict(N=2, m0=4, m1=7, m2=3, m3=1, m4=1, v1=0.3, v2=0.2, v3=0.1, v4=0.1)
    est = h.lemma2_monte_carlo(np.random.default_rng(1), **params, law="uniform", reps=20000)
    theory = h.lemma2_moments(**params)
    assert _max_z(est, theory) < 5
    assert _max_z(est, theory * np.r_[np.ones(12), np.full(12, 1.04)]) > 5


net_params = st.integers(1, 4).flatmap(lambda n: st.fixed_dictionaries({
    "N": st.just(n),
    **{f"m{i}": st.integers(1, 8) for i in range(5)},
    **{f"v{i}": st.floats(0.02, 0.6) for i in range(1, 5)},
    "law": st.sampled_from(["gaussian", "uniform", "rademacher", "student_t"]),
}))


@settings(derandomize=True, max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(params=net_params, seed=st.integers(0, 2**32 - 1))
def test_thm3_and_lemma2_hold_over_domain(params, seed):
    rng = np.random.default_rng(seed)
    shape = {k: v for k, v in params.items() if k != "law"}
    reps = 20000 if params["law"] == "student_t" else 3000  # the cards' domain requirement
    est = h.thm3_monte_carlo(rng, **params, reps=reps)
    theory = h.thm3_means(**shape)
    z = np.abs(est.value - theory) / np.sqrt(est.stderr**2 + (1e-12 * (1 + np.abs(theory)))**2)
    assert z.max() < 5.5  # <= 2*4*64 entries: P(max |z| > 5.5) < 2e-5 under the CLT
    est2 = h.lemma2_monte_carlo(rng, **params, reps=reps)
    theory2 = h.lemma2_moments(**shape)
    z2 = np.abs(est2.value - theory2) / np.sqrt(est2.stderr**2 + (1e-12 * (1 + theory2))**2)
    assert z2.max() < 5.5


def test_eq17_corrected_rejects_printed_and_naive_forms():
    params = dict(q=4, K=2, N=4, m=32, l=3, spread=0.5, law="gaussian", draws=6000)
    est = h.delta_gram_mean(np.random.default_rng(2), **params)
    corrected = h.eq17_corrected(4, 2, 4, 32, 3, 0.5, "B")
    bias = 0.7 * (3 - 2) / 32 * np.abs(corrected)  # the card's rtol
    z = np.abs(est.value - corrected) / np.sqrt(est.stderr**2 + bias**2)
    assert z.max() < 5
    naive = corrected * 2 * (3 - 1) / (3 * 2)  # 2 mu (l-1)(K/m): off by a factor 3/2 at l = 3
    assert (np.abs(est.value - naive) / np.sqrt(est.stderr**2 + bias**2)).max() > 5
    printed = h.eq17_printed(4, 2, 32, 3)  # equals the corrected diagonal only when whitened
    assert (np.abs(est.value - printed) / np.sqrt(est.stderr**2 + bias**2)).max() > 5


@pytest.mark.parametrize("claim,wrong", [
    ("DLN-THM-4", -0.5), ("DLN-COR-5.1", -1.0), ("DLN-COR-3.1", -0.5), ("DLN-THM-1", 1.0),
    ("DLN-THM-6", -0.5), ("DLN-EQ-DEF4-RATES-CORRECTED", -0.5),
])
def test_scaling_cards_reject_wrong_exponent(claim, wrong):
    card = rc.load_catalogue()[claim]
    bad = dataclasses.replace(card, fit={**card.fit, "exponent": wrong})
    assert not rc.check(bad, scale="quick").passed


def test_fuss_catalan_card_rejects_wrong_depth():
    card = rc.load_catalogue()["DLN-FC-LAW"]
    v = rc.check(card, {"depth": 2}, scale="quick")
    assert v.passed
    sample = h.product_spectrum(np.random.default_rng(3), 400, 2, "gaussian")
    from rmtcheck.spectra.compare import ks_statistic  # noqa: PLC0415

    assert ks_statistic(sample, h.fuss_catalan_law(3)) > 3 * (1 + np.log(400)) / 400


def test_b3_rejects_wrong_rates():
    """Negative control: the closed form with lambda_j built for depth L - 1 instead of L is
    far from GD at a large width, where the right one is within a few percent."""
    from rmtcheck.theory.hacohen2022.moments import closed_form_columns  # noqa: PLC0415

    from rmtcheck.ensembles.products import def4_layers  # noqa: PLC0415
    from rmtcheck.training.deep_linear import train_dln  # noqa: PLC0415

    rng = np.random.default_rng(4)
    d = np.geomspace(2.0, 0.1, 6)
    mu = 0.25 / (3 * d[0])
    target = 0.05 * rng.standard_normal((2, 6)) * d
    run = train_dln(def4_layers([6, 1024, 1024, 2], rng), d, target, mu, 20)
    scale = np.linalg.norm(run.w[0] - run.w_star)
    times = np.arange(21)
    for depth, ok in ((3, True), (2, False)):
        cf = closed_form_columns(run.w[0], d, target, mu, depth, times)
        assert bool(np.linalg.norm(run.w - cf, axis=(1, 2)).max() / scale < 0.1) == ok


def test_b2_and_lemma3_residuals():
    rng = np.random.default_rng(5)
    for _ in range(5):
        assert h.b2_fitted_coefficient(rng, 4, 6, 10, 0.05)[0] == pytest.approx(0.25, abs=1e-12)
        assert h.lemma3_residual(rng, 2, 9, "pinv")[0] < 1e-12
        assert h.lemma3_residual(rng, 2, 9, "generic")[0] > 1e-3


# --- negative controls through the cards' own checks (dataclasses.replace) ----------------

def _drop_factor(widths, variances, n):
    """beta_l, alpha_l and var(W_ij) with the factor m_n sigma_n^2 left out of Thm 3's product
    (a plausible transcription slip)."""
    import rmtcheck.theory.hacohen2022.moments as dl  # noqa: PLC0415

    factor = widths[n] * variances[n - 1]
    betas = [dl.beta(widths, variances, l) / (factor if l > n else 1.0)
             for l in range(2, len(widths) + 1)]
    return betas, dl.product_entry_variance(widths, variances) / factor


def thm3_means_dropping_m2_factor(N, m0, m1, m2, m3, m4, v1, v2, v3, v4):
    """Theorem 3 with m_2 sigma_2^2 dropped from beta_l (l >= 3); alpha_l unchanged."""
    w, v = [m0, m1, m2, m3, m4][: N + 1], [v1, v2, v3, v4][:N]
    betas, _ = _drop_factor(w, v, 2)
    parts = [b * np.eye(w[0]) for b in betas]
    right = h.thm3_means(N, m0, m1, m2, m3, m4, v1, v2, v3, v4)
    return np.concatenate([*(p.ravel() for p in parts), right[sum(p.size for p in parts):]])


def lemma2_moments_dropping_m1_factor(N, m0, m1, m2, m3, m4, v1, v2, v3, v4):
    """Lemma 2 with m_1 sigma_1^2 dropped from var(W_ij)."""
    w, v = [m0, m1, m2, m3, m4][: N + 1], [v1, v2, v3, v4][:N]
    size = w[0] * w[-1]
    return np.concatenate([np.zeros(size), np.full(size, _drop_factor(w, v, 1)[1])])


@pytest.mark.parametrize("claim,theory", [
    ("DLN-THM-3", "thm3_means_dropping_m2_factor"),
    ("DLN-LEM-2", "lemma2_moments_dropping_m1_factor"),
])
def test_moment_cards_reject_a_dropped_factor(claim, theory):
    """At quick scale m_2 sigma_2^2 = 0.85 (THM-3) and m_1 sigma_1^2 = 2.2 (LEM-2): the card's
    own z-score check (5 sigmas) must reject the product with that factor missing."""
    card = rc.load_catalogue()[claim]
    assert rc.check(card, scale="quick").passed
    bad = dataclasses.replace(card, theory=f"{__name__}:{theory}")
    v = rc.check(bad, scale="quick")
    assert not v.passed and v.statistics["max_z"] > 5


@pytest.mark.parametrize("claim,wrong", [("DLN-THM-7", -0.5), ("DLN-THM-7", -1.5)])
def test_thm7_rejects_wrong_exponent(claim, wrong):
    card = rc.load_catalogue()[claim]
    assert not rc.check(dataclasses.replace(card, fit={**card.fit, "exponent": wrong}),
                        scale="quick").passed


# --- bad input: one InputError line (library) and exit status 2 with one line (CLI) -------

THM3_ARGS = dict(QUICK3, law="gaussian", reps=200)


@pytest.mark.parametrize("change,name", [
    ({"m1": 0}, "m1"), ({"v2": -0.1}, "v2"), ({"N": 0}, "N"),
    ({"law": "student_t", "df": 4.0}, "df"), ({"law": "student_t", "df": 3.0}, "df"),
])
def test_thm3_bad_input_is_one_input_error(change, name):
    from rmtcheck.errors import InputError  # noqa: PLC0415

    with pytest.raises(InputError) as err:
        h.thm3_monte_carlo(np.random.default_rng(0), **{**THM3_ARGS, **change})
    assert err.value.name == name and "\n" not in str(err.value)
    if name == "df":
        assert "fourth moment" in str(err.value) and "kurtosis" in str(err.value)


@pytest.mark.parametrize("param", ["m1=0", "v2=-0.1", "N=0", "df=4", "df=3.5"])
def test_cli_check_thm3_bad_param_exits_2_with_one_line(capsys, param):
    from rmtcheck.cli.main import main  # noqa: PLC0415

    argv = ["check", "DLN-THM-3", "--param", "law=student_t", "--param", param]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse-style exits
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and param.split("=")[0] in err
    assert "Traceback" not in err
