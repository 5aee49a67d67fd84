"""Scenarios of Hacohen & Weinshall (2022), supplementary material:
the PC-bias of deep linear networks (main claim, B.3; DLN-EQ-B3), the Def. 4 vs
Glorot-uniform comparison of App. C.1 (DLN-EXP-C1) and the frequency dataset of C.2.1 / D.4
with its critical-frequency labels (DLN-DATA-FREQ, DLN-DEF-CRITFREQ, DLN-DEF-DISCRIM).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import pearsonr, spearmanr

from rmtcheck import validate
from rmtcheck.ensembles.products import def4_layers, glorot_uniform
from rmtcheck.progress import track
from rmtcheck.theory.hacohen2022.frequency import (
    KAPPA,
    critical_frequency,
    discriminability,
    frequencies,
    frequency_dataset,
    group_pearson,
    learning_curves,
)
from rmtcheck.theory.hacohen2022.initialization import binary_data
from rmtcheck.theory.hacohen2022.moments import column_rates
from rmtcheck.training.deep_linear import principal_coordinates, train_dln

# --- PC-bias ---------------------------------------------------------------------------------

def spectrum_data(rng: np.random.Generator, spectrum: np.ndarray, n: int, k_out: int,
                  noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """X (q x n) with population covariance R diag(spectrum) R^T (R Haar orthogonal) and
    Y = T X + noise (T a random K x q teacher)."""
    q = spectrum.size
    rot, _ = np.linalg.qr(rng.standard_normal((q, q)))
    x = rot @ (np.sqrt(spectrum)[:, None] * rng.standard_normal((q, n)))
    y = rng.standard_normal((k_out, q)) @ x / np.sqrt(q) + noise * rng.standard_normal((k_out, n))
    return x, y


def pc_bias(out_dir: Path, rng: np.random.Generator, q: int, K: int, depth: int, width: int,
            n: int, decay: float, steps: int, step_scale: float) -> dict[str, Any]:
    """Train a Def. 4 DLN by full-batch GD in principal coordinates on data whose covariance
    spectrum is geometric (ratio ``decay``); report how fast each principal direction
    converges: effective per-column rates at s = 5 against lambda_j = 1 - mu d_j L, and the
    first step at which ||w_j - w_j^*|| falls below 10 % of its start."""
    spectrum = decay ** np.arange(validate.integer("q", q, 2))
    x, y = spectrum_data(rng, spectrum, validate.integer("n", n, 2), K)
    u, d, m_target = principal_coordinates(x, y)
    mu = step_scale / (depth * d[0])
    layers = def4_layers([q] + [width] * (depth - 1) + [K], rng)
    layers[0] = layers[0] @ u  # W_1 U: the same network seen in principal coordinates
    run = train_dln(layers, d, m_target, mu, steps, progress=True)
    rel = run.column_error / run.column_error[0]
    below = rel < 0.1
    converged = np.where(below.any(axis=0), below.argmax(axis=0), steps + 1)
    rates = run.effective_rates(min(5, steps))
    fig, ax = plt.subplots(figsize=(6, 4))
    for j in range(q):
        ax.semilogy(rel[:, j], label=f"d_{j + 1} = {d[j]:.3g}")
    ax.set_xlabel("GD step s")
    ax.set_ylabel("||w_j^s - w_j^*|| / ||w_j^0 - w_j^*||")
    ax.set_title(f"PC-bias: L = {depth}, m = {width}")
    ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(out_dir / "pc_bias_columns.png", dpi=120)
    plt.close(fig)
    return {
        "d": d, "mu": mu, "effective_rates_s5": rates,
        "predicted_rates": column_rates(d, mu, depth),
        "steps_to_10pct": converged,
        "spearman_rate_vs_d": float(spearmanr(rates, d)[0]),
        "spearman_steps_vs_d": float(spearmanr(converged, d)[0]),
        "max_a_drift": float(run.a_drift.max()),
    }


# --- App. C.1: Def. 4 vs Glorot-uniform --------------------------------------------------------

def _accuracy(w: np.ndarray, x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Accuracy of argmax(W x) along a history of W (steps, K, q)."""
    return np.mean(np.argmax(w @ x, axis=1) == labels, axis=-1)


def _run_init(init: str, rng: np.random.Generator, widths: list[int], d: np.ndarray,
              m_target: np.ndarray, u: np.ndarray, mu: float, steps: int) -> Any:
    layers = def4_layers(widths, rng) if init == "def4" else glorot_uniform(widths, rng)
    layers[0] = layers[0] @ u
    return train_dln(layers, d, m_target, mu, steps)


def init_comparison(out_dir: Path, rng: np.random.Generator, q: int, width: int, n: int,
                    separation: float, spectrum_ratio: float, steps: int, networks: int,
                    step_grid: list[float]) -> dict[str, Any]:
    """App. C.1 on synthetic binary data: a 1-hidden-layer linear net (q -> width -> 2),
    mean-squared loss over n samples (Sigma = X X^T / n), Def. 4 vs Glorot-uniform. The step
    mu = c / (2 d_max) is tuned per initialization over ``step_grid`` (lowest mean training
    loss over the run, i.e. fastest stable descent, on one tuning network), since Glorot's
    E[B^2] ~ E[A^1] ~ 2I acts like a larger step.
    Reports final train/test accuracy and the steps to reach 99 % of the final loss drop."""
    x, y, labels = binary_data(rng, n, q, separation, spectrum_ratio)
    x_test, _, labels_test = binary_data(rng, n, q, separation, spectrum_ratio)
    u, d, m_target = principal_coordinates(x / np.sqrt(n), y / np.sqrt(n))
    widths = [q, width, 2]
    out: dict[str, Any] = {}
    curves = {}
    for init in ("def4", "glorot"):
        with np.errstate(over="ignore", invalid="ignore"):
            losses = [np.mean(_run_init(init, rng, widths, d, m_target, u, c / (2 * d[0]),
                                        steps).loss) for c in step_grid]
        best = float(step_grid[int(np.nanargmin(np.where(np.isfinite(losses), losses, np.nan)))])
        mu = best / (2 * d[0])
        train_acc, test_acc, to_99 = [], [], []
        for _ in track(range(networks), desc=init):
            run = _run_init(init, rng, widths, d, m_target, u, mu, steps)
            drop = run.loss - run.loss[-1]
            to_99.append(int(np.argmax(drop <= 0.01 * drop[0])))
            train_acc.append(_accuracy(run.w, u.T @ x, labels)[-1])
            test_acc.append(_accuracy(run.w, u.T @ x_test, labels_test)[-1])
        curves[init] = run.loss
        out[init] = {"step_scale": best, "final_train_acc": float(np.mean(train_acc)),
                     "final_test_acc": float(np.mean(test_acc)),
                     "steps_to_99pct_loss": float(np.mean(to_99)),
                     "steps_to_99pct_sd": float(np.std(to_99))}
    fig, ax = plt.subplots(figsize=(6, 4))
    for init, loss in curves.items():
        ax.semilogy(loss - min(c.min() for c in curves.values()) + 1e-12, label=init)
    ax.set_xlabel("GD step")
    ax.set_ylabel("training loss - best final loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "init_comparison_loss.png", dpi=120)
    plt.close(fig)
    out["def4_faster"] = out["def4"]["steps_to_99pct_loss"] < out["glorot"]["steps_to_99pct_loss"]
    return out


def frequency_scenario(out_dir: Path, rng: np.random.Generator, n_train: int, n_test: int,
                       k_neighbours: int, n_fit: int, networks: int, width: int, depth: int,
                       steps: int, lr: float, record_every: int) -> dict[str, Any]:
    """The C.2 / D.4 dataset: range of lambda, class balance, critical-frequency histograms
    (both rules), the correlation of discriminability with critical frequency, and (C.2.1-2)
    small MLPs trained on the first ``n_fit`` points: accessibility (fraction of checkpoints,
    over networks, at which a point is classified correctly) against critical frequency, and
    the fraction learned per critical frequency over training (low kappa first)."""
    x, labels = frequency_dataset(rng, n_train)
    x_test, labels_test = frequency_dataset(rng, n_test)
    grid = np.linspace(-1.0, 1.0, 20001)
    lam = frequencies(grid).sum(axis=1)
    crit = critical_frequency(x, labels)
    stable = critical_frequency(x, labels, "stable")
    disc = discriminability(x, labels, k_neighbours)
    record = learning_curves(rng, x[:n_fit], labels[:n_fit], networks, width, depth, steps, lr,
                             record_every)
    access = record.mean(axis=(0, 1))
    low, high = crit[:n_fit] == 0, crit[:n_fit] > 0
    by_time = record.mean(axis=0)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].scatter(x[:, 0], x[:, 1], c=labels, s=1, cmap="coolwarm")
    axes[0].plot(grid, lam, "k", lw=0.8)
    axes[0].set_xlabel("z")
    axes[0].set_ylabel("u")
    axes[0].set_title("frequency dataset, separator u = lambda(z)")
    width_bar = 0.4
    axes[1].bar(KAPPA - width_bar / 2, np.bincount(crit.astype(int), minlength=10), width_bar,
                label="smallest j")
    axes[1].bar(KAPPA + width_bar / 2, np.bincount(stable.astype(int), minlength=10), width_bar,
                label="stable")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("critical frequency kappa")
    axes[1].legend()
    checkpoints = np.arange(by_time.shape[0]) * record_every
    axes[2].plot(checkpoints, by_time[:, low].mean(axis=1), label="kappa = 0")
    axes[2].plot(checkpoints, by_time[:, high].mean(axis=1), label="kappa > 0")
    axes[2].set_xlabel("Adam step")
    axes[2].set_ylabel("fraction classified correctly")
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(out_dir / "frequency_dataset.png", dpi=120)
    plt.close(fig)
    return {
        "lambda_range": [float(lam.min()), float(lam.max())],
        "class1_fraction_train": float(labels.mean()),
        "class1_fraction_test": float(labels_test.mean()),
        "critical_histogram_smallest": np.bincount(crit.astype(int), minlength=10),
        "critical_histogram_stable": np.bincount(stable.astype(int), minlength=10),
        "pearson_discriminability_vs_critical": float(pearsonr(disc, crit)[0]),
        "pearson_discriminability_vs_stable": float(pearsonr(disc, stable)[0]),
        "pearson_accessibility_vs_critical": float(pearsonr(access, crit[:n_fit])[0]),
        "group_pearson_accessibility": group_pearson(crit[:n_fit], access, 5)[0],
        "group_pearson_discriminability": group_pearson(crit, disc, 5)[0],
        "accessibility_kappa0": float(access[low].mean()),
        "accessibility_kappa_pos": float(access[high].mean()),
        "final_train_accuracy": float(by_time[-1].mean()),
    }
