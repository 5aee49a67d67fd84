"""Scenario ``papyan2020_residual_tail`` (Papyan 2020, App. E, Fig. 16; PAP-CLAIM-26): the
spectrum of the test E = Hess - G of a trained GMM-MLP, its two halves on log-log axes with the
Clauset-Shalizi-Newman power-law fits (rmtcheck.spectra.power_law), beside the train and test
Hessians (PAP-CLAIM-3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import rmtcheck.theory.papyan2020.mlp as mlp
from rmtcheck.ensembles.ccm import ccm_sample
from rmtcheck.spectra.power_law import fit_power_law


def _survival(ax: Any, x: np.ndarray, label: str, fit: Any) -> None:
    """Empirical P(|lambda| >= x) on log-log axes and the fitted tail (x / x_min)^{1 - alpha}
    scaled to the tail's share."""
    x = np.sort(x)[::-1]
    ax.loglog(x, np.arange(1, x.size + 1) / x.size, ".", ms=3, label=label)
    grid = np.geomspace(fit.xmin, x[0], 50)
    ax.loglog(grid, fit.n_tail / x.size * (grid / fit.xmin) ** (1 - fit.alpha), "-",
              label=f"alpha = {fit.alpha:.2f} [{fit.alpha_low:.2f}, {fit.alpha_high:.2f}]")


def residual_tail(out_dir: Path, rng: np.random.Generator, D: int, C: int, n: int, t: float,
                  width: int, epochs: int, lr: float, wd: float, min_tail: int
                  ) -> dict[str, Any]:
    """Train one 2-hidden-layer GMM-MLP (App. D.1), take the test E (a fresh CCM sample) and the
    train and test Hessians; fit p(|lambda|) ~ |lambda|^{-alpha} to each half of E's nonzero
    eigenvalues. Writes ``residual_tail.png``."""
    _, y, weights, ps, acc = mlp.train_gmm(rng, D, C, n, t, [width, width], epochs, lr, wd)
    X2, y2 = ccm_sample(rng, D, C, n, t)
    ps2 = mlp.forward_backward(weights, X2)
    E = mlp.residual_hessian(weights, ps2, y2)
    mu = np.linalg.eigvalsh(E)
    mu = mu[np.abs(mu) > 1e-9 * np.abs(mu).max()]
    fits = {"positive": fit_power_law(mu[mu > 0], min_tail=min_tail),
            "negative": fit_power_law(-mu[mu < 0], min_tail=min_tail)}
    hess = {name: np.linalg.eigvalsh(mlp.gauss_newton(p) + mlp.residual_hessian(weights, p, lab))
            for name, p, lab in (("train", ps, y), ("test", ps2, y2))}
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 3.6))
    axes[0].hist(mu, bins=80, log=True)
    axes[0].set_title("test E: eigenvalues (log counts)", fontsize=9)
    for name, half in (("positive", mu[mu > 0]), ("negative", -mu[mu < 0])):
        _survival(axes[1], half, f"{name} half", fits[name])
    axes[1].set_title("test E: P(|lambda| >= x), CSN power-law fits", fontsize=9)
    axes[1].legend(fontsize=7)
    for name, lam in hess.items():
        axes[2].hist(lam, bins=80, log=True, histtype="step", label=f"Hess {name}")
    axes[2].set_title("train vs test Hessian (PAP-CLAIM-3)", fontsize=9)
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "residual_tail.png", dpi=100)
    plt.close(fig)
    return {"params": int(E.shape[0]), "train_accuracy": acc,
            "E_fraction_positive": float(np.mean(mu > 0)),
            "alpha": {k: float(f.alpha) for k, f in fits.items()},
            "alpha_interval": {k: [float(f.alpha_low), float(f.alpha_high)]
                               for k, f in fits.items()},
            "tail_points": {k: int(f.n_tail) for k, f in fits.items()},
            "Hess_test_over_train": {
                "trace": float(hess["test"].sum() / hess["train"].sum()),
                "lambda_1": float(hess["test"].max() / hess["train"].max())}}
