"""PAP-CLAIM-12 (Papyan 2020, Sec. 6.2, Fig. 6): the G_cross and G_within bulks separate with
training at a fixed sample size and merge as the sample size grows at a fixed epoch.

Statistic (specification, PAP-CLAIM-12): cross = log median lambda(G_cross) - log mean-eig
(G_within), over the top C (C - 2) eigenvalues of G_cross (its rank, PAP-CLAIM-9), on the train
G of a GMM-MLP (2 hidden ReLU layers) trained with a constant learning rate and read at the
epochs ``checkpoints``, for n examples per class in ``sizes``; klass = the same for the top C of
G_class (reported: 'roughly unchanged').
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from rmtcheck import validate
from rmtcheck.ensembles.ccm import ccm_sample

from . import mlp
from .trained import _aggregate, _desc


def _levels(parts, C: int) -> tuple[float, float]:
    """(cross, klass) for one Sec. 6 decomposition."""
    within = np.trace(parts.within) / parts.within.shape[0]
    cross = _desc(parts.cross)[: max(C * (C - 2), 1)]
    klass = _desc(parts.klass)[:C]
    return float(np.log(np.median(cross) / within)), float(np.log(np.median(klass) / within))


CHECKPOINTS = (1 / 40, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)   # fractions of ``epochs`` (Fig. 6)


def g_cross_dynamics(rng: np.random.Generator, D: int, C: int, t: float, width: int,
                     n_min: int, grid: int, epochs: int, lr: float, wd: float, seeds: int,
                     resample: bool = False) -> dict[str, float]:
    """For each of ``seeds`` repetitions and each n in sizes = n_min 3^k (k < grid) a network
    is trained (batch 32, constant lr) and read at the checkpoints ``CHECKPOINTS`` x epochs
    (2, 5, 10, 20, 40, 80 for 80 epochs). ``epochs_rho`` = mean over n of
    Spearman(cross, epoch), ``sizes_rho`` = mean over checkpoints of Spearman(cross, n),
    ``klass_range`` = max - min of klass over the table (its drift). A repetition passes when
    epochs_rho > 0 and sizes_rho < 0."""
    seeds = validate.integer("seeds", seeds, 1)
    sizes = [validate.integer("n_min", n_min, 2) * 3 ** k
             for k in range(validate.integer("grid", grid, 2))]
    epochs = validate.integer("epochs", epochs, len(CHECKPOINTS))
    checkpoints = sorted({max(1, round(f * epochs)) for f in CHECKPOINTS})
    rows = []
    for _ in range(seeds):
        cross = np.empty((len(sizes), len(checkpoints)))
        klass = np.empty_like(cross)
        for a, n in enumerate(sizes):
            X, y = ccm_sample(rng, D, C, n, t)
            weights, done = mlp.init_mlp(rng, [D, width, width, C]), 0
            for b, epoch in enumerate(checkpoints):
                weights = mlp.train_sgd(rng, weights, X, y, epoch - done, lr=lr, wd=wd, batch=32,
                                        decay=False, resample=resample)
                done = epoch
                parts = mlp.g_decomposition(mlp.forward_backward(weights, X), n, C)
                cross[a, b], klass[a, b] = _levels(parts, C)
        rows.append({
            "epochs_rho": float(np.mean([spearmanr(checkpoints, r)[0] for r in cross])),
            "sizes_rho": float(np.mean([spearmanr(sizes, c)[0] for c in cross.T])),
            "cross_first": float(cross[:, 0].mean()), "cross_last": float(cross[:, -1].mean()),
            "klass_range": float(klass.max() - klass.min())})
    return _aggregate(rows, lambda r: r["epochs_rho"] > 0 and r["sizes_rho"] < 0)
