"""Scenario ``nsa_regression``: neural spectrum alignment on 2-D image regression (Kopitkov &
Indelman, seed 000 App. H-R, poster seed 001; claims NTK-CLAIM-6..16).

N points X^i ~ U[0, 1]^2 carry the grey level of a portrait (matplotlib's sample image in
place of the Mona Lisa). FC networks of several depths are trained by full-batch GD with
delta_0 = lr_scale N / lambda_max(G_0) and step decays; at checkpoints the Gramian G_t is
formed by the per-layer identity and its spectrum, E_t(y, k), the boundary 2N/lambda_max and
the first-order error are recorded. Figures: relative energy over time, the spectrum over
time, the top eigenvectors of G_T on the image grid, the learned images and the losses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import rmtcheck.theory.kopitkov2019.metrics as met
from rmtcheck.ensembles.fc_net import predict
from rmtcheck.theory.kopitkov2019.alignment import AlignmentRun, alignment_run, run_summary
from rmtcheck.theory.kopitkov2019.targets import image_target, uniform_points
from rmtcheck.theory.kopitkov2019.top_alignment import TopRun, top_alignment_run

INDICES = (1, 2, 5, 10, 20, 50, 100)


def _ticks(steps: int, count: int) -> list[int]:
    """0, 1 and ``count`` log-spaced checkpoints up to ``steps``."""
    logs = np.unique(np.geomspace(1, max(steps, 1), count).astype(int))
    return sorted({0, steps, *map(int, logs)})


def _grid(size: int) -> np.ndarray:
    g = np.linspace(0.0, 1.0, size)
    gx, gy = np.meshgrid(g, g[::-1])  # image rows top to bottom
    return np.column_stack([gx.ravel(), gy.ravel()])


def _label(depth: int, shortcuts: bool) -> str:
    return f"L{depth}" + ("-sc" if shortcuts else "")


def _plot_energy(runs: dict[str, AlignmentRun], name: str, out: Path) -> None:
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    deepest = runs[name]
    n = len(deepest.y)
    ks = np.arange(1, n + 1)
    for cp in deepest.checkpoints[:: max(1, len(deepest.checkpoints) // 6)]:
        if cp.vectors is not None:
            a.plot(ks, met.relative_energy(cp.vectors, deepest.y, ks), label=f"t={cp.t}")
    a.set(xscale="log", xlabel="k", ylabel="E_t(y, k)", title=f"{name}: label energy")
    a.legend(fontsize=7)
    for label, run in runs.items():
        b.plot(np.maximum(run.steps, 1), run.series("energy_y")[:, -1], "o-", ms=3, label=label)
    b.set(xscale="log", xlabel="t", ylabel=f"E_t(y, {deepest.ks[-1]})", title="alignment over time")
    b.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "energy.png", dpi=100)
    plt.close(fig)


def _plot_spectrum(run: AlignmentRun, name: str, out: Path) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    t = np.maximum(run.steps, 1)
    vals = run.series("values")
    for i in INDICES:
        if i <= vals.shape[1]:
            axes[0].plot(t, vals[:, i - 1], label=f"lambda_{i}")
    axes[0].set(xscale="log", yscale="log", xlabel="t", title=f"{name}: eigenvalues of G_t")
    axes[0].legend(fontsize=6)
    for cp in run.checkpoints[:: max(1, len(run.checkpoints) // 6)]:
        axes[1].plot(np.arange(1, len(cp.values) + 1), np.clip(cp.values, 1e-12, None),
                     label=f"t={cp.t}")
    axes[1].set(xscale="log", yscale="log", xlabel="i", title="spectrum over time")
    axes[1].legend(fontsize=6)
    axes[2].plot(t, 2 * len(run.y) / vals[:, 0], label="2N / lambda_max")
    axes[2].plot(t, run.series("delta"), label="delta_t")
    axes[2].set(xscale="log", yscale="log", xlabel="t", title="stability boundary")
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "spectrum.png", dpi=100)
    plt.close(fig)


def _plot_eigenvectors(run: AlignmentRun, count: int, size: int, kmax: int, out: Path) -> None:
    """Top row: v_k of G_T on the grid; bottom row: |v_k^(xi)| by the grid FFT (App. G)."""
    last = run.checkpoints[-1]
    fig, axes = plt.subplots(2, count, figsize=(2.2 * count, 4.6), squeeze=False)
    fsize = max(size, 2 * kmax + 2)
    for k in range(count):
        v = last.vectors[:, k]
        axes[0][k].imshow(met.to_grid(run.X, v, size)[::-1], cmap="RdBu_r")
        axes[0][k].set_title(f"v_{k + 1}", fontsize=8)
        ext = (-kmax - 0.5, kmax + 0.5, -kmax - 0.5, kmax + 0.5)
        axes[1][k].imshow(met.grid_fourier(run.X, v, fsize, kmax), origin="lower", extent=ext)
        axes[1][k].set_title(f"|FFT v_{k + 1}|", fontsize=8)
    for ax in axes.ravel():
        ax.tick_params(labelsize=6)
    for ax in axes[0]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(out / "eigenvectors.png", dpi=100)
    plt.close(fig)


def _plot_images(runs: dict[str, AlignmentRun], size: int, mean: float, out: Path) -> None:
    grid = _grid(size)
    fig, axes = plt.subplots(1, len(runs) + 1, figsize=(2.6 * (len(runs) + 1), 2.9))
    axes[0].imshow(image_target(grid).reshape(size, size), cmap="gray", vmin=0, vmax=1)
    axes[0].set_title("target", fontsize=9)
    for ax, (name, run) in zip(axes[1:], runs.items(), strict=True):
        img = predict(run.net, grid).reshape(size, size) + mean
        ax.imshow(img, cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"{name}, loss {run.checkpoints[-1].test_loss:.4f}", fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(out / "learned.png", dpi=100)
    plt.close(fig)


def _plot_losses(runs: dict[str, AlignmentRun], out: Path) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for name, run in runs.items():
        ax.plot(np.arange(1, len(run.losses) + 1), run.losses, label=f"{name} train")
    ax.set(xscale="log", yscale="log", xlabel="t", ylabel="loss")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "losses.png", dpi=100)
    plt.close(fig)


def _details(run: AlignmentRun, kmax: int) -> dict[str, Any]:
    """k_90(y), k_99(f_T), first-order error range and Fourier centroids of v_k at T."""
    last = run.checkpoints[-1]
    n = len(run.y)
    cents = {}
    for k in (1, 2, 5, 10, 50):
        if k <= n:
            v = last.vectors[:, k - 1]
            cents[f"v{k}"] = met.frequency_centroid(met.sampled_fourier(run.X, v, kmax), 1.0, n)
    return {
        "k90_y": [met.energy_rank(c.vectors, run.y, 0.1) for c in (run.checkpoints[0], last)],
        "k99_f_end": met.energy_rank(last.vectors, last.outputs, 0.01),
        "first_order_error": [float(run.series("error").min()), float(run.series("error").max())],
        "cos_alpha_min": float(run.series("cos").min()),
        "fourier_centroid": cents,
        "lam_end": {f"lambda_{i}": float(last.values[i - 1]) for i in INDICES if i <= n},
    }


def nsa_regression(out_dir: Path, rng: np.random.Generator, N: int, n_test: int, width: int,
                   depths: list[int], shortcuts: bool, steps: int, lr_scale: float,
                   decay_at: list[float], checkpoints: int, grid: int, kmax: int,
                   eigenvectors: int) -> dict[str, Any]:
    """Train one net per depth (plus an L{max}-shortcut net when ``shortcuts``) on the
    portrait and write energy/spectrum/eigenvector/learned/loss figures."""
    out = Path(out_dir)
    X, Xt = uniform_points(N, rng), uniform_points(n_test, rng)
    mean = float(image_target(X).mean())  # centred grey levels: the alignment concerns
    y, yt = image_target(X) - mean, image_target(Xt) - mean  # the picture, not its mean
    ticks = _ticks(steps, checkpoints)
    decays = [int(f * steps) for f in decay_at]
    plans = [(d, False) for d in depths] + ([(max(depths), True)] if shortcuts else [])
    runs: dict[str, AlignmentRun] = {}
    for depth, sc in plans:
        name = _label(depth, sc)
        runs[name] = alignment_run(
            X, y, rng, depth=depth, width=width, steps=steps, lr_scale=lr_scale,
            decay_at=decays, checkpoints=ticks, ks=(max(1, N // 16), max(1, N // 8)),
            X_test=Xt, y_test=yt, shortcuts=sc, keep_vectors=True, desc=f"{name}-W{width}")
    deepest = _label(max(depths), False)
    _plot_energy(runs, deepest, out)
    _plot_spectrum(runs[deepest], deepest, out)
    _plot_eigenvectors(runs[deepest], eigenvectors, grid, kmax, out)
    _plot_images(runs, grid, mean, out)
    _plot_losses(runs, out)
    summary: dict[str, Any] = {name: run_summary(run) for name, run in runs.items()}
    summary[deepest].update(_details(runs[deepest], kmax))
    order = [_label(d, False) for d in sorted(depths)]
    summary["alignment_increases_with_depth"] = bool(np.all(np.diff(
        [runs[name].checkpoints[-1].energy_y[-1] for name in order]) > 0))
    return summary


def _plot_top_curves(run: TopRun, ks: list[int], out: Path) -> None:
    """E_t(y, k) and E_t(f_t, k) against k at every checkpoint, and E_t(y, k) against t."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    index = np.arange(1, run.k + 1)
    for cp in run.checkpoints:
        axes[0].plot(index, cp.curve_y, label=f"t={cp.t}")
        axes[1].plot(index, cp.curve_f, label=f"t={cp.t}")
    axes[0].set(xscale="log", xlabel="k", ylabel="E_t(y, k)", title="target energy in top k")
    axes[1].set(xscale="log", xlabel="k", ylabel="E_t(f_t, k)", title="output energy in top k")
    t = [cp.t for cp in run.checkpoints]
    for k in ks:
        axes[2].plot(t, [cp.curve_y[k - 1] for cp in run.checkpoints], "o-", ms=3,
                     label=f"k={k}")
    axes[2].set_xscale("symlog", linthresh=1.0)  # t = 0 (initialisation) stays on the axis
    axes[2].set(xlabel="GD step t", ylabel="E_t(y, k)", title="alignment over time")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "alignment_curves.png", dpi=150)
    plt.close(fig)


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _k_reaching(curve: np.ndarray, share: float) -> int | None:
    """Fewest top eigenvectors holding ``share`` of the energy, None when K do not."""
    hit = np.flatnonzero(curve >= share)
    return int(hit[0] + 1) if hit.size else None


def nsa_alignment_topk(out_dir: Path, rng: np.random.Generator, N: int, width: int,
                       depth: int, steps: int, lr_scale: float, decay_at: list[float],
                       checkpoints: list[int], k: int, ks: list[int], block: int,
                       tol: float, paper_steps: int) -> dict[str, Any]:
    """Train FC-NN-L{depth}-W{width} by GD on the centred portrait at N points and record
    E_t(y, k), E_t(f_t, k) (k <= K = ``k``) from the top-K Gramian eigenpairs (block Lanczos
    on the matrix-free product) at ``checkpoints``; time the steps and extrapolate to the
    text's ``paper_steps``. ``E_bound`` holds the Davis-Kahan bound of each E_t(y, k) and
    E_t(f_t, k) (None where the residual ``tol`` does not resolve the k-th eigenspace)."""
    out = Path(out_dir)
    X = uniform_points(N, rng)
    y = image_target(X)
    y = y - y.mean()
    run = top_alignment_run(X, y, rng, depth=depth, width=width, steps=steps, k=k,
                            checkpoints=checkpoints, lr_scale=lr_scale,
                            decay_at=[int(float(f) * steps) for f in decay_at], block=block,
                            tol=tol, desc=f"L{depth}-W{width} N={N}")
    _plot_top_curves(run, [kk for kk in ks if kk <= k], out)
    cps = run.checkpoints
    per_step = run.train_seconds / steps if steps else None
    first, last = cps[0], cps[-1]
    keys = [str(kk) for kk in ks if kk <= k]
    return {
        "N": N, "params": run.params, "lr": run.lr, "steps": steps,
        "t": [cp.t for cp in cps],
        "train_loss": [cp.train_loss for cp in cps],
        "lam_max": [float(cp.values[0]) for cp in cps],
        "ratio_delta_lam_max_over_N": [cp.delta * float(cp.values[0]) / N for cp in cps],
        "E_y": {kk: [float(cp.curve_y[int(kk) - 1]) for cp in cps] for kk in keys},
        "E_f": {kk: [float(cp.curve_f[int(kk) - 1]) for cp in cps] for kk in keys},
        "E_bound": {kk: [_finite_or_none(cp.bound[int(kk) - 1]) for cp in cps] for kk in keys},
        "E_y_end": {kk: float(last.curve_y[int(kk) - 1]) for kk in keys},
        "E_y_gain": {kk: float(last.curve_y[int(kk) - 1] - first.curve_y[int(kk) - 1])
                     for kk in keys},
        "E_f_min": {kk: float(min(cp.curve_f[int(kk) - 1] for cp in cps)) for kk in keys},
        "k90_y": [_k_reaching(cp.curve_y, 0.9) for cp in cps],
        "k99_f": [_k_reaching(cp.curve_f, 0.99) for cp in cps],
        "residual_max_over_lam1": max(cp.residual for cp in cps),
        "converged": all(cp.converged for cp in cps),
        "checkpoint_seconds": [round(cp.seconds, 1) for cp in cps],
        "train_seconds": run.train_seconds, "seconds_per_step": per_step,
        "hours_for_paper_steps": per_step * paper_steps / 3600.0 if steps else None,
    }
