"""The PAP-ALG-C1..C7 cards (theory/papyan2020.toml) meet their expected verdicts at
quick scale, and each check rejects a perturbed empirical side (negative controls)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import rmtcheck as rc
import rmtcheck.theory.papyan2020.fim as fim
import rmtcheck.theory.papyan2020.lanczos as lz
from rmtcheck.spectra.lanczos import fast_lanczos
from rmtcheck.spectra.lanczos_subspace import subspace_iteration
from rmtcheck.spectra.slq import log_spectrum_density, slq_density

IDS = [*(f"PAP-ALG-C{i}" for i in range(1, 8)), "PAP-CLAIM-27"]
CARDS = {k: v for k, v in rc.load_catalogue().items() if k in IDS}


def test_catalogue_has_the_algorithm_cards():
    assert sorted(CARDS) == sorted(IDS)




# Perturbed empirical sides, loaded by the checker from this file.

def perturbed_levels(rng, n, levels, method="slow", basis="haar"):
    """Ritz values of an operator whose levels are off by 1e-6 (a wrong closed form)."""
    op, lam = lz.spectral_operator(rng, n, "levels", levels=levels, basis=basis)
    return fast_lanczos(lambda v: op.matvec(v) + 1e-6 * v, n, rng=rng, shape=(n, n)).values


def shrunk_residual_margin(rng, n, steps, spectrum="spiked", ratio=0.5, basis="haar"):
    """The residual bound divided by 10 (not a valid bound)."""
    op, lam = lz.spectral_operator(rng, n, spectrum, ratio, basis=basis)
    res = fast_lanczos(op, steps, rng=rng)
    dist = np.min(np.abs(res.values[:, None] - lam[None, :]), axis=1)
    return float(np.min(res.residuals / 10 - dist)) / np.max(np.abs(lam))


def scaled_slq_quantiles(rng, n, spectrum="mp", ratio=0.5, steps=128, n_vec=10, kappa=3.0):
    """SLQ of the spectrum times 1.1."""
    op, _ = lz.spectral_operator(rng, n, spectrum, ratio, basis="diagonal")
    return slq_density(lambda v: 1.1 * op.matvec(v), steps, n_vec, kappa, rng=rng,
                       shape=(n, n)).quantiles(n)


def ritz_only_margin(rng, n, spectrum="wishart", ratio=0.5, steps=32, basis="haar"):
    """Bounds [theta_1, theta_M0] without residuals or tau: inside the spectrum."""
    op, lam = lz.spectral_operator(rng, n, spectrum, ratio, basis=basis)
    theta = fast_lanczos(op, steps, rng=rng).values
    return float(min(lam[0] - theta[0], theta[-1] - lam[-1]) / (lam[-1] - lam[0]))


def scaled_log_quantiles(rng, n, spectrum="pareto", ratio=0.5, steps=128, n_vec=10, eps=1e-5):
    """Log-spectrum density of 1.3 x the operator."""
    op, _ = lz.spectral_operator(rng, n, spectrum, ratio, basis="diagonal")
    return log_spectrum_density(lambda v: 1.3 * op.matvec(v), steps, n_vec, eps=eps, rng=rng,
                                shape=(n, n)).quantiles(n)


def few_iterations_top_values(rng, n, k, spectrum="spiked", ratio=0.5):
    """SubspaceIteration stopped after 2 iterations."""
    op, _ = lz.spectral_operator(rng, n, spectrum, ratio, basis="diagonal")
    return subspace_iteration(op, k, 2, rng=rng).values


def moved_spike_fig15a(rng, n, steps=128, n_vec=10, kappa=3.0):
    """Fig. 15a with the top spike 5.5 instead of 5 (outlier 6.72, not 6.25)."""
    return lz.fig15a_slq(rng, n, steps, n_vec, kappa, spikes=(5.5, 4.0, 3.0))


def wrong_alpha_deflation(rng, D, C, t, alpha, n_vec=8, tol=1e-8):
    """The pipeline on E G at alpha + 0.02, compared with the Theorem 8.1 levels at alpha."""
    values, mults = fim.thm81_levels(D, C, t, alpha)
    op = fim.expected_fim_operator(D, C, t, alpha + 0.02)
    return lz.deflated_level_report(rng, op, values, mults, 2, n_vec, tol)


PERTURBED = {
    "PAP-ALG-C7": "wrong_alpha_deflation",
    "PAP-CLAIM-27": "moved_spike_fig15a",
    "PAP-ALG-C1": "perturbed_levels",
    "PAP-ALG-C2": "shrunk_residual_margin",
    "PAP-ALG-C3": "scaled_slq_quantiles",
    "PAP-ALG-C4": "ritz_only_margin",
    "PAP-ALG-C5": "scaled_log_quantiles",
    "PAP-ALG-C6": "few_iterations_top_values",
}


@pytest.mark.parametrize("claim", sorted(PERTURBED))
def test_card_rejects_a_perturbed_empirical_side(claim):
    card = dataclasses.replace(CARDS[claim], empirical=f"test_lanczos.py:{PERTURBED[claim]}",
                               origin=__file__)
    assert not rc.check(card, scale="quick").passed


@pytest.mark.parametrize("claim", IDS)
def test_card_holds_over_its_search_domain(claim):
    """Property search over the card's domain (search ranges): no counterexample."""
    from hypothesis import HealthCheck, given, settings

    from rmtcheck.testing.strategies import params_strategy

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(params_strategy(CARDS[claim]))
    def run(params):
        verdict = rc.check(CARDS[claim], params, scale="quick")
        assert verdict.meets_expected, (params, verdict.statistics)

    run()
