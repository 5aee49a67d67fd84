"""Card functions for the spectra of trained GMM-MLPs of Papyan (2020): the train/test
Hessian gap (PAP-CLAIM-3, Sec. 4.1), the groups of G (PAP-CLAIM-11, Sec. 6.1 and
PAP-CLAIM-30, Sec. 1.6) and the tail of E (PAP-CLAIM-26, App. E, Fig. 16).

Networks: 2 hidden ReLU layers trained by :func:`rmtcheck.theory.papyan2020.mlp.train_gmm`
(SGD with momentum, App. D.1) on n examples per class of CCM(D, C); Hess = G + E with E exact
(:func:`rmtcheck.theory.papyan2020.mlp.residual_hessian`); dense spectra.
"""

from __future__ import annotations

import numpy as np

from rmtcheck.ensembles.ccm import ccm_sample
from rmtcheck.spectra.power_law import fit_power_law

from . import knockout as ko
from . import mlp
from .trained import _aggregate, _desc, _nets

# --- PAP-CLAIM-3: train and test Hessians differ in magnitude (Sec. 4.1, Fig. 3) -------------

def train_test_gap(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                   epochs: int, wd: float, seeds: int) -> dict[str, float]:
    """PAP-CLAIM-3: for each trained network, ``trace`` = Tr Hess_test / Tr Hess_train and
    ``top`` = lambda_1(Hess_test) / lambda_1(Hess_train), both Hessians averaged over their own
    examples (Def 2.1; the test set is a fresh CCM sample of the same size). A network passes
    when trace > 2 (the magnitudes differ by more than a factor 2)."""
    rows = []
    for _, y, weights, ps, acc in _nets(rng, D, C, n, t, [width, width], epochs, wd, seeds):
        X2, y2 = ccm_sample(rng, D, C, n, t)
        ps2 = mlp.forward_backward(weights, X2)
        tr, top = [], []
        for p, labels in ((ps, y), (ps2, y2)):
            H = mlp.gauss_newton(p) + mlp.residual_hessian(weights, p, labels)
            tr.append(np.trace(H))
            top.append(_desc(H)[0])
        rows.append({"trace": tr[1] / tr[0], "top": top[1] / top[0], "accuracy": acc,
                     "test_accuracy": float(np.mean(np.argmax(ps2.logits, axis=1) == y2))})
    return _aggregate(rows, lambda r: r["trace"] > 2)


# --- PAP-CLAIM-11 and PAP-CLAIM-30: where the G_cross eigenvalues sit; group counts of G -----

def g_groups(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
             epochs: int, wd: float, seeds: int) -> dict[str, float]:
    """Train G of each network, decomposed as in Eq. 6.4. Reported (no assertion):
    ``side`` = median log lambda(G_cross) (its top C (C - 2), the rank of PAP-CLAIM-9) minus the
    median log of the nonzero eigenvalues of G_within (> 0: the G_cross eigenvalues sit right of
    the main bulk, Fig. 1; < 0: left of it, Fig. 5); ``outliers`` = outlier count of G (largest
    log-gap among the top 3C); ``top_ratio`` = lambda_1 / lambda_2 (an isolated top outlier);
    ``beyond`` = #{lambda_i(G) > lambda_1(G_within)} - outliers, the eigenvalues outside the
    main bulk edge below the outlier group (the mini-bulk count of Fig. 1, against C (C - 1)
    there and C (C - 2) = rank G_cross); ``mini_over_cc1`` = beyond / (C (C - 1))."""
    rows = []
    for _, _, _, ps, acc in _nets(rng, D, C, n, t, [width, width], epochs, wd, seeds):
        parts = mlp.g_decomposition(ps, n, C)
        lam, within = _desc(parts.total), _desc(parts.within)
        cross = _desc(parts.cross)[: C * (C - 2)]
        within_nz = within[within > 1e-12 * within[0]]
        k = ko.count_outliers(lam, 3 * C)
        beyond = int(np.sum(lam > within[0])) - k
        rows.append({"side": float(np.median(np.log(cross)) - np.median(np.log(within_nz))),
                     "outliers": k, "top_ratio": lam[0] / lam[1], "beyond": beyond,
                     "mini_over_cc1": beyond / (C * (C - 1)), "accuracy": acc})
    return _aggregate(rows, lambda r: r["side"] > 0)


# --- PAP-CLAIM-26: E symmetric with a power-law tail (App. E, Fig. 16) ------------------------

def residual_tail(rng: np.random.Generator, D: int, C: int, n: int, t: float, width: int,
                  epochs: int, wd: float, seeds: int, min_tail: int = 20) -> dict[str, float]:
    """Test E = Hess - G of each trained network (a fresh CCM sample, as Fig. 16 uses test
    data): ``positive`` = fraction of its nonzero eigenvalues that are > 0, ``alpha_pos`` and
    ``alpha_neg`` = Clauset-Shalizi-Newman exponents of p(|lambda|) ~ |lambda|^{-alpha} on the
    positive and negative halves (``fit_power_law``, at least ``min_tail`` points in the tail),
    with their 95% intervals ``*_low``, ``*_high``; ``overlap`` = 1 when the two intervals
    overlap (a symmetric tail). Passes when overlap = 1 and |positive - 0.5| < 0.1."""
    rows = []
    for _, _, weights, _, acc in _nets(rng, D, C, n, t, [width, width], epochs, wd, seeds):
        X2, y2 = ccm_sample(rng, D, C, n, t)
        mu = _desc(mlp.residual_hessian(weights, mlp.forward_backward(weights, X2), y2))
        mu = mu[np.abs(mu) > 1e-9 * np.abs(mu).max()]
        pos = fit_power_law(mu[mu > 0], min_tail=min_tail)
        neg = fit_power_law(-mu[mu < 0], min_tail=min_tail)
        rows.append({"positive": float(np.mean(mu > 0)), "alpha_pos": pos.alpha,
                     "alpha_pos_low": pos.alpha_low, "alpha_pos_high": pos.alpha_high,
                     "alpha_neg": neg.alpha, "alpha_neg_low": neg.alpha_low,
                     "alpha_neg_high": neg.alpha_high, "tail_pos": pos.n_tail,
                     "tail_neg": neg.n_tail, "accuracy": acc,
                     "overlap": float(pos.alpha_low <= neg.alpha_high
                                      and neg.alpha_low <= pos.alpha_high)})
    return _aggregate(rows, lambda r: r["overlap"] == 1 and abs(r["positive"] - 0.5) < 0.1)
