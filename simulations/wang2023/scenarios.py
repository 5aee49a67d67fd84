"""Scenarios of Wang et al. (2023): Table 1 with the lazy
benchmark (Sec. 4, eq. 6; WANG-CLAIM-T1, -LAZY, -SPECTRAL-CLASS), the SGD learning-rate
transition and catapult (Sec. 5.2, Figs. 2, 18; WANG-CLAIM-BBP, -CASE3-CATAPULT), the
early-phase rates (Fig. 28; WANG-CLAIM-FIG28) and first-layer GD invariance (Fig. 29,
Theorem 5.2, Corollary 5.3).

Learning rates are given in the paper's units; ``loss = "mean"`` (PyTorch MSELoss, twice the
gradient of eq. (2)) is the reading under which the spec reproduces Table 1 (spec Sec. 3 (k)).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from rmtcheck.theory.wang2023.training import EARLY_STATISTICS, early_phase_changes

from rmtcheck import validate
from rmtcheck.checker.fit import fit_exponent
from rmtcheck.ensembles.two_layer import TwoLayerProblem, sample_problem
from rmtcheck.laws.two_layer_kernels import lazy_predict
from rmtcheck.progress import track
from rmtcheck.training import metrics, snapshots
from rmtcheck.training.two_layer import LOSSES, train


def _qq(ax: Any, before: np.ndarray, after: np.ndarray, title: str) -> None:
    """Histogram of initial vs trained eigenvalues with a Q-Q inset (WANG-DEF-QQ)."""
    bins = np.linspace(min(before[0], after[0]), max(before[-1], after[-1]), 60)
    ax.hist(before, bins=bins, alpha=0.5, density=True, label="initial")
    ax.hist(after, bins=bins, alpha=0.5, density=True, label="trained")
    ax.set_title(title, fontsize=8)
    ax.legend(fontsize=6)
    inset = ax.inset_axes([0.55, 0.35, 0.4, 0.4])
    inset.plot(np.sort(before), np.sort(after), ".", ms=2)
    inset.plot([before[0], before[-1]], [before[0], before[-1]], "k-", lw=0.5)
    inset.tick_params(labelsize=5)


def _problem(rng: np.random.Generator, n: int, d_ratio: float, h_ratio: float,
             **kw: Any) -> TwoLayerProblem:
    return sample_problem(rng, d=round(d_ratio * n), n=n, h=round(h_ratio * n), **kw)


def table1(out_dir: Path, rng: np.random.Generator, n: int, d_ratio: float, h_ratio: float,
           n_test: int, loss: str, cases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Table 1: each case trains both layers from the same data and initialization; the lazy
    row is eq. (6) with the initial NTK (the linearization at W_0, so its spectra are those of
    initialization: ``invariant_bulk``). Each row holds ``r2``, ``test_error`` (WANG-DEF-R2,
    -TESTERR), ``spectral_class`` (WANG-CLAIM-SPECTRAL-CLASS, rule in
    :func:`rmtcheck.training.snapshots.spectral_class`) and the statistics behind them."""
    n = validate.integer("n", n, 2)
    validate.positive("d_ratio", d_ratio)
    validate.positive("h_ratio", h_ratio)
    validate.integer("n_test", n_test, 2)
    validate.choice("loss", loss, LOSSES)
    p = _problem(rng, n, d_ratio, h_ratio, activation="tanh", teacher="mixture",
                 target="softplus", tau=0.2, noise=0.3, n_test=n_test)
    edge = (1 + math.sqrt(p.d / p.h)) ** 2  # MP edge of (1/h) W^T W
    beta = p.teacher.beta[:, 0]
    s0 = snapshots.state(p.W, p.v, p.X, p.activation, "both")
    lazy = lazy_predict(p.W, p.v, p.X, p.y, p.X_test, p.activation)
    out: dict[str, Any] = {
        "sizes": {"n": n, "h": p.h, "d": p.d}, "loss": loss, "w_edge": edge,
        "lazy": {"r2": metrics.r2_score(p.y_test, lazy), "test_error": metrics.mse(p.y_test, lazy),
                 "spectral_class": "invariant_bulk"}}
    fig, axes = plt.subplots(2, len(cases), figsize=(3.4 * len(cases), 5.5), squeeze=False)
    for j, (name, case) in enumerate(cases.items()):
        res = train(p.W, p.v, p.X, p.y, p.activation, layers="both", loss=loss,
                    loss_threshold=1e-5, rng=rng, desc=name, **case)
        s1 = snapshots.state(res.W, res.v, p.X, p.activation, "both")
        pred = p.output(p.X_test, res.W, res.v)
        out[name] = {"r2": metrics.r2_score(p.y_test, pred),
                     "test_error": metrics.mse(p.y_test, pred),
                     **snapshots.spectral_class(s0.eig_w, s1.eig_w, edge),
                     "optimizer": case["optimizer"], "lr": case["lr"], "status": res.status,
                     "epochs": res.epochs, "train_loss": float(res.losses[-1]),
                     **snapshots.compare(s0, s1, p.y, beta)}
        _qq(axes[0][j], s0.eig_w, s1.eig_w, f"{name}: (1/h) W^T W")
        _qq(axes[1][j], s0.eig_ck, s1.eig_ck, f"{name}: CK")
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "table1_spectra.png", dpi=100)
    plt.close(fig)
    return out


def lr_transition(out_dir: Path, rng: np.random.Generator, n: int, d_ratio: float,
                  h_ratio: float, lrs: list[float], batch_size: int, epochs: int, loss: str,
                  n_test: int) -> dict[str, Any]:
    """Fig. 2 / Fig. 18: SGD (both layers, same data and init) at each lr until loss < 1e-5;
    top eigenvalues of W W^T/d and K^CK, alignments, R^2 and the loss curves (catapult)."""
    p = _problem(rng, n, d_ratio, h_ratio, activation="tanh", teacher="mixture",
                 target="softplus", tau=0.2, noise=0.3, n_test=n_test)
    edge = (1 + math.sqrt(p.h / p.d)) ** 2
    beta = p.teacher.beta[:, 0]
    rows, curves = [], {}
    for lr in track(lrs, desc="lr sweep"):
        res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", lr=lr, layers="both",
                    loss=loss, batch_size=batch_size, epochs=epochs, loss_threshold=1e-5,
                    rng=rng, checkpoint_every=2,
                    hooks=[snapshots.spectra_hook(p.X, p.y, p.activation, "both", beta)])
        last = res.checkpoints[-1]
        rows.append({"lr": lr, "status": res.status, "epochs": res.epochs,
                     "lam_max_w_over_edge": float(np.linalg.norm(res.W, 2) ** 2 / p.d / edge),
                     "lam_max_ck": last["lam_max_ck"], "align_w": last["align_w"],
                     "align_ck": last["align_ck"],
                     "r2": metrics.r2_score(p.y_test, p.output(p.X_test, res.W, res.v)),
                     "loss_increases_first10": int(np.sum(np.diff(res.losses[:11]) > 0))})
        curves[lr] = (res.losses, [c["lam_max_ck"] for c in res.checkpoints])
    ok = [r for r in rows if r["status"] != "diverged"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    x = [r["lr"] for r in ok]
    axes[0].plot(x, [r["lam_max_w_over_edge"] for r in ok], "o-", label="lambda_max(WW^T/d)/edge")
    axes[0].axhline(1.0, color="k", lw=0.8)
    axes[0].set_xlabel("lr")
    axes[0].legend(fontsize=7)
    axes[1].plot(x, [r["align_w"] for r in ok], "o-", label="|beta^T u1|")
    axes[1].plot(x, [r["align_ck"] for r in ok], "s-", label="|y v1(CK)|/|y|")
    axes[1].set_xlabel("lr")
    axes[1].legend(fontsize=7)
    for lr, (losses, _) in curves.items():
        axes[2].semilogy(losses, label=f"lr={lr:g}")
    axes[2].set_xlabel("epoch")
    axes[2].set_ylabel("training loss")
    axes[2].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "lr_transition.png", dpi=100)
    plt.close(fig)
    return {"n": n, "d": p.d, "h": p.h, "w_edge": edge, "loss": loss, "runs": rows}


def early_phase(out_dir: Path, rng: np.random.Generator, sizes: list[int], trials: int,
                activation: str, steps: int, lr: float) -> dict[str, Any]:
    """Fig. 28: norms of W_t - W_0, K^CK and K^NTK changes after ``steps`` first-layer GD
    steps against n, with least-squares log-log slopes and bootstrap intervals."""
    cells = [(n, early_phase_changes(rng, n, steps, lr, activation=activation))
             for n in track([s for s in sizes for _ in range(trials)], desc="early phase")]
    claimed = {"w_fro_scaled": -1.0, "w_fro": -0.5, "w_op": -0.5, "w_2inf": -0.5,
               "ck_fro": -1.0, "ck_op": -1.0, "ntk_fro": -1.0, "ntk_op": -1.0}
    slopes: dict[str, Any] = {}
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for key in EARLY_STATISTICS:
        x = [c[0] for c in cells]
        y = [c[1][key] for c in cells]
        fit = fit_exponent(x, y, bootstrap=1000)
        slopes[key] = {"slope": fit.slope, "ci": [fit.ci_low, fit.ci_high],
                       "claimed": claimed[key]}
        ax.loglog(x, y, "o", ms=3, label=f"{key}: {fit.slope:.2f}")
    ax.set_xlabel("n")
    ax.legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "early_phase.png", dpi=100)
    plt.close(fig)
    return {"activation": activation, "sizes": sizes, "trials": trials, "slopes": slopes}


def invariance(out_dir: Path, rng: np.random.Generator, n: int, d_ratio: float, h_ratio: float,
               activation: str, target: str, lr: float, epochs: int, noise: float,
               n_test: int) -> dict[str, Any]:
    """Fig. 29 / Corollary 5.3: first-layer GD to loss < 1e-5; initial vs trained spectra of
    (1/h) W^T W, K^CK and K_1, norm changes, test R^2, and the loss against bound (12)."""
    p = _problem(rng, n, d_ratio, h_ratio, activation=activation, teacher="single",
                 target=target, noise=noise, n_test=n_test)
    s0 = snapshots.state(p.W, p.v, p.X, p.activation, "first")
    res = train(p.W, p.v, p.X, p.y, p.activation, lr=lr, layers="first", epochs=epochs,
                loss_threshold=1e-5, desc="first-layer GD")
    s1 = snapshots.state(res.W, res.v, p.X, p.activation, "first")
    pred = p.output(p.X_test, res.W, res.v)
    alpha = math.sqrt(max(s0.eig_ntk[0], 0.0)) / 2
    ell = np.sqrt(2 * n * res.losses)
    bound = ell[0] * (1 - lr * alpha**2 / (2 * n)) ** np.arange(ell.size)
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
    _qq(axes[0], s0.eig_w, s1.eig_w, "(1/h) W^T W")
    _qq(axes[1], s0.eig_ck, s1.eig_ck, "CK")
    _qq(axes[2], s0.eig_ntk, s1.eig_ntk, "NTK (K_1)")
    axes[3].semilogy(ell, label="l(W_t)")
    axes[3].semilogy(bound, "--", label="bound (12)")
    axes[3].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "invariance.png", dpi=100)
    plt.close(fig)
    return {"n": n, "d": p.d, "h": p.h, "status": res.status, "epochs": res.epochs,
            "r2": metrics.r2_score(p.y_test, pred), "test_mse": metrics.mse(p.y_test, pred),
            "bound12_holds": bool(np.all(ell[1:] <= bound[1:])),
            **snapshots.compare(s0, s1, p.y)}
