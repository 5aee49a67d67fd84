"""Card functions for the heavy-tail claims of Wang et al. (2023) (``cards.toml``).

Seed 004, Sec. 5.3 and App. A.2 (Case 4, Fig. 17(a)), A.4 (multiple-index teacher, Figs.
3(b), 17(b,c), 20), A.5 (Fig. 21), A.6 (AdaGrad, Figs. 22-23), A.7 (Figs. 24-27); spec IDs
WANG-CLAIM-HT-POWERLAW, -HT-MI, -HT-FIG20, -ADAGRAD, -A7, -FIG21.

Runs are seeded by the integer ``run_seed`` (data, teacher, initialization, then batch order),
not by the card's generator, so that cards and tests reading the same experiment (e.g. HT-MI
and HT-FIG20, or a card and its control test) train it once per process (:func:`_run`).
Sizes: d = d_ratio n, h = h_ratio n. Learning rates of GD/SGD are in eq.-(2) units; Adam and
AdaGrad are invariant to the gradient scale (up to eps), so theirs are the paper's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmtcheck.ensembles.two_layer import TwoLayerProblem, sample_problem
from rmtcheck.laws.two_layer_kernels import ck_kernel, tangent_kernel_first_layer
from rmtcheck.spectra.power_law import fit_power_law
from rmtcheck.training import metrics
from rmtcheck.training.two_layer import Snapshot, train


@dataclass(frozen=True)
class Run:
    """One training run: the problem, the trained weights and the checkpoint spectra
    (eigenvalues of W^T W, ascending, at each recorded epoch)."""

    problem: TwoLayerProblem
    W: np.ndarray
    v: np.ndarray
    epochs: np.ndarray
    spectra: tuple[np.ndarray, ...]
    final_loss: float
    status: str


@dataclass(frozen=True)
class Setting:
    """The data and network of one experiment (hashable: the cache key of :func:`_run`)."""

    n: int
    d_ratio: float
    h_ratio: float
    activation: str
    teacher: str
    target: str
    tau: float
    k: int
    noise: float
    n_test: int
    run_seed: int

    def problem(self) -> TwoLayerProblem:
        d, h = max(1, round(self.d_ratio * self.n)), max(1, round(self.h_ratio * self.n))
        return sample_problem(np.random.default_rng(self.run_seed), d, self.n, h,
                              activation=self.activation, teacher=self.teacher,
                              target=self.target, tau=self.tau, k=self.k, noise=self.noise,
                              n_test=self.n_test)


# A stage is (optimizer, lr, batch_size or 0 for full batch, epochs); a run chains stages
# (App. A.7 (i): Adam then SGD) and records the W^T W spectrum every ``every`` epochs.
Stage = tuple[str, float, int, int]


@lru_cache(maxsize=16)
def _run(setting: Setting, stages: tuple[Stage, ...], layers: str = "both", every: int = 0,
         loss_threshold: float | None = None) -> Run:
    p = setting.problem()
    rng = np.random.default_rng((setting.run_seed, 1))
    W, v = p.W, p.v
    epochs, spectra = [0], [np.linalg.eigvalsh(p.W.T @ p.W)]
    offset, loss, status = 0, float("nan"), "budget"

    def hook(s: Snapshot) -> None:
        if s.epoch > 0:
            epochs.append(offset + s.epoch)
            spectra.append(np.linalg.eigvalsh(s.W.T @ s.W))

    for optimizer, lr, batch, n_epochs in stages:
        res = train(W, v, p.X, p.y, p.activation, optimizer=optimizer, lr=lr, layers=layers,
                    batch_size=batch or None, epochs=n_epochs, checkpoint_every=every,
                    loss_threshold=loss_threshold, rng=rng, hooks=[hook] if every else (),
                    desc=f"{optimizer} lr={lr:g}")
        W, v, offset = res.W, res.v, offset + res.epochs
        loss, status = float(res.losses[-1]), res.status
        if status != "budget":
            break
    if epochs[-1] != offset:
        epochs.append(offset)
        spectra.append(np.linalg.eigvalsh(W.T @ W))
    for a in (W, v, *spectra, p.X, p.y, p.W, p.v, p.X_test, p.y_test):
        a.flags.writeable = False  # a cached run is shared: no caller may change it
    return Run(p, W, v, np.array(epochs), tuple(spectra), loss, status)


def _mp_edge(p: TwoLayerProblem) -> float:
    """Right edge of MP(d/h), the limiting spectrum of (1/h) W_0^T W_0 (WANG-DEF-MP)."""
    return (1 + math.sqrt(p.d / p.h)) ** 2


def _test_error(run: Run) -> tuple[float, float]:
    p = run.problem
    pred = p.output(p.X_test, run.W, run.v)
    return metrics.mse(p.y_test, pred), metrics.r2_score(p.y_test, pred)


def tail_statistics(run: Run, k: int = 20) -> dict[str, float]:
    """Heavy-tail signature of the final (1/h) W^T W against the initial one (spec Sec. 2.5):
    the fraction and number of eigenvalues above 1.05 x the MP edge, the Hill exponent of the
    top k (:func:`rmtcheck.training.metrics.hill_tail_index`) and its ratio final/initial,
    |beta^T u_1| (WANG-DEF-ALIGN-W, beta the first teacher direction) and the test error."""
    p = run.problem
    first, last = run.spectra[0] / p.h, run.spectra[-1] / p.h
    hill0, hill1 = metrics.hill_tail_index(first, k), metrics.hill_tail_index(last, k)
    mse, r2 = _test_error(run)
    beta = p.teacher.beta[:, 0]
    return {"frac_above": float(np.mean(last > 1.05 * _mp_edge(p))),
            "outliers": float(metrics.count_spikes(last, _mp_edge(p))),
            "align_w": metrics.weight_alignment(run.W, beta),
            "frac_above_init": float(np.mean(first > 1.05 * _mp_edge(p))),
            "hill_ratio": hill1 / hill0, "hill_init": hill0, "hill_final": hill1,
            "lam_max_ratio": float(last[-1] / _mp_edge(p)), "test_mse": mse, "r2": r2,
            "final_loss": run.final_loss, "epochs": float(run.epochs[-1]),
            "diverged": float(run.status == "diverged")}


def _csn(eigs: np.ndarray, rng: np.random.Generator, bootstrap: int = 0,
         top: float = 0.1) -> tuple[float, float, int]:
    """(alpha, p-value, n_tail) of the Clauset–Shalizi–Newman power-law fit
    (:func:`rmtcheck.spectra.power_law.fit_power_law`) of the top ``top`` fraction (at least
    10) of a spectrum, so x_min is searched in the tail: the Marchenko–Pastur bulk is no power
    law, and a free x_min inside it gives exponents from 0.5x to 2.5x their median over
    Gaussian draws (d = 250), while inside the top decile the spread is 0.74x-1.6x. p = NaN
    without bootstrap."""
    eigs = np.sort(eigs)
    fit = fit_power_law(eigs[-max(10, int(top * eigs.size)):], bootstrap=bootstrap, rng=rng)
    p = float("nan") if fit.p_value is None else fit.p_value
    return fit.alpha, p, fit.n_tail


def null_alpha(rng: np.random.Generator, d: int, h: int, draws: int = 10) -> float:
    """Median CSN exponent (:func:`_csn`) of the W^T W spectrum over ``draws`` Gaussian
    initializations W (h x d): the reference level of an untrained network."""
    return float(np.median([_csn(np.linalg.eigvalsh(W.T @ W), rng)[0]
                            for W in (rng.standard_normal((h, d)) for _ in range(draws))]))


def powerlaw_path(rng: np.random.Generator, n: int, optimizer: str = "adam", lr: float = 0.092,
                  batch_size: int = 32, epochs: int = 12, every: int = 1, early: int = 3,
                  d_ratio: float = 0.5, h_ratio: float = 0.75, activation: str = "tanh",
                  target: str = "softplus", tau: float = 0.2, noise: float = 0.3,
                  run_seed: int = 0, null_draws: int = 30, bootstrap: int = 50
                  ) -> dict[str, float]:
    """Fig. 17(a): the power-law exponent alpha (rho(x) ~ x^{-alpha}) of the W^T W spectrum
    along a Table-1 run (Case 4: Adam, both layers), by the CSN fit (:func:`_csn`) at every
    checkpoint. ``alpha_ratio`` = alpha(final) / alpha_null, alpha_null the median exponent
    of ``null_draws`` untrained Gaussian W (:func:`null_alpha`); ``early_share`` =
    (alpha_null - alpha(early)) / (alpha_null - alpha(final)), the part of the drop made in
    the first ``early`` epochs; ``p_init``/``p_final`` the CSN bootstrap goodness-of-fit
    p-values of the initial and final fits. Also Fig. 17(a)'s other two metrics (ref. [60],
    reported only): weighted alpha = alpha log10(lambda_max) (printed alpha lambda_1, spec
    Sec. 5 item 9) and the log alpha-norm log10(sum_i lambda_i^alpha), lambda_i of W^T W."""
    s = Setting(n, d_ratio, h_ratio, activation, "mixture", target, tau, 1, noise, 0, run_seed)
    run = _run(s, ((optimizer, lr, batch_size, epochs),), "both", every)
    p = run.problem
    alphas = [_csn(ev, rng)[0] for ev in run.spectra]
    ref = null_alpha(rng, p.d, p.h, null_draws)
    a0, p0, t0 = _csn(run.spectra[0], rng, bootstrap)
    a1, p1, t1 = _csn(run.spectra[-1], rng, bootstrap)
    a_early = alphas[min(int(np.searchsorted(run.epochs, early)), len(alphas) - 1)]
    drop = ref - a1
    lam0, lam1 = run.spectra[0], run.spectra[-1]
    return {"alpha_null": ref, "alpha_init": a0, "alpha_final": a1, "alpha_early": a_early,
            "weighted_alpha_init": a0 * math.log10(lam0[-1]),
            "weighted_alpha_final": a1 * math.log10(lam1[-1]),
            "log_alpha_norm_init": float(np.log10(np.sum(lam0 ** a0))),
            "log_alpha_norm_final": float(np.log10(np.sum(lam1 ** a1))),
            "alpha_ratio": a1 / ref, "early_share": (ref - a_early) / drop if drop else 0.0,
            "p_init": p0, "p_final": p1, "n_tail_init": float(t0), "n_tail_final": float(t1),
            "alpha_min": float(min(alphas)), "alpha_max": float(max(alphas)),
            "epochs": float(run.epochs[-1]), "final_loss": run.final_loss,
            "diverged": float(run.status == "diverged")}


def trained_tail(rng: np.random.Generator, n: int, optimizer: str = "adagrad", lr: float = 0.5,
                 batch_size: int = 8, epochs: int = 5, then_lr: float = 0.0,
                 then_epochs: int = 0, d_ratio: float = 0.5, h_ratio: float = 0.75,
                 activation: str = "softplus", target: str = "tanh", tau: float = 0.2,
                 noise: float = 0.3, n_test: int = 1000, run_seed: int = 0, k: int = 20,
                 bootstrap: int = 50) -> dict[str, float]:
    """Heavy-tail signature after training both layers (App. A.6 AdaGrad, A.7 (i) Adam for
    ``epochs`` then SGD at ``then_lr`` for ``then_epochs``, same batch): the statistics of
    :func:`tail_statistics` plus the CSN exponent of the final spectrum and its p-value."""
    s = Setting(n, d_ratio, h_ratio, activation, "mixture", target, tau, 1, noise, n_test,
                run_seed)
    stages: tuple[Stage, ...] = ((optimizer, lr, batch_size, epochs),)
    if then_epochs:
        stages += (("sgd", then_lr, batch_size, then_epochs),)
    run = _run(s, stages)
    a1, p1, t1 = _csn(run.spectra[-1], rng, bootstrap)
    return {**tail_statistics(run, k), "alpha_init": _csn(run.spectra[0], rng)[0],
            "alpha_final": a1, "p_final": p1, "n_tail_final": float(t1)}


def first_layer_adam_invariance(rng: np.random.Generator, n: int, lr: float = 0.001,
                                batch_size: int = 100, epochs: int = 120,
                                layers: str = "first", d_ratio: float = 0.5,
                                h_ratio: float = 1.5, activation: str = "softplus",
                                target: str = "tanh", tau: float = 0.2, noise: float = 0.3,
                                run_seed: int = 0) -> dict[str, float]:
    """Fig. 21 (App. A.5): Adam on the first layer only. Two-sample KS distances between the
    initial and trained spectra of (1/h) W^T W (``ks_w``), K^CK (``ks_ck``) and the first
    NTK component K_1 (``ks_ntk``, footnote 2), lambda_min(K_1) trained / initial and the
    training loss (eq. 2) final / initial. ``layers = "both"`` is the Case-4 control."""
    s = Setting(n, d_ratio, h_ratio, activation, "mixture", target, tau, 1, noise, 0, run_seed)
    run = _run(s, (("adam", lr, batch_size, epochs),), layers)
    p = run.problem
    ck0, ck1 = (np.linalg.eigvalsh(ck_kernel(W, p.X, p.activation)) for W in (p.W, run.W))
    k0, k1 = (np.linalg.eigvalsh(tangent_kernel_first_layer(W, v, p.X, p.activation))
              for W, v in ((p.W, p.v), (run.W, run.v)))
    loss0 = 0.5 * float(np.mean((p.y - p.output()) ** 2))
    return {"ks_w": metrics.ks_two_sample(run.spectra[0], run.spectra[-1]),
            "ks_ck": metrics.ks_two_sample(ck0, ck1), "ks_ntk": metrics.ks_two_sample(k0, k1),
            "lam_min_ratio": float(k1[0] / k0[0]), "lam_min_init": float(k0[0]),
            "loss_ratio": run.final_loss / loss0, "final_loss": run.final_loss,
            "diverged": float(run.status == "diverged")}


MI_OPTIMIZERS = ("gd", "sgd", "adam")


def subspace_statistics(p: TwoLayerProblem, W: np.ndarray, v: np.ndarray, m: int,
                        delta: float = 0.05) -> dict[str, float]:
    """What Figs. 3(b), 17(b) and 20 plot for one trained network on the multiple-index
    problem: the largest principal angle (degrees) between U = span{beta_i} and the top-m
    eigenspace of W^T W (``theta_m``) and the top-k one (``theta_k``, k = number of beta_i;
    WANG-DEF-PANGLES), the number of eigenvalues of (1/h) W^T W above (1 + delta) x the MP
    edge, the gap lambda_k / lambda_{k+1} and the test MSE."""
    k = p.teacher.beta.shape[1]
    eig = np.linalg.eigvalsh(W.T @ W) / p.h
    mse = metrics.mse(p.y_test, p.output(p.X_test, W, v))
    return {"theta_m": float(np.degrees(metrics.principal_angles(p.teacher.beta, W, m)[-1])),
            "theta_k": float(np.degrees(metrics.principal_angles(p.teacher.beta, W, k)[-1])),
            "outliers": float(metrics.count_spikes(eig, _mp_edge(p), delta)),
            "gap_k": float(eig[-k] / eig[-k - 1]), "mse": mse}


def multi_index_runs(rng: np.random.Generator, n: int, lr_gd: float = 30.0,
                     lr_sgd: float = 7.25, lr_adam: float = 0.007, epochs_gd: int = 100,
                     epochs_sgd: int = 20, epochs_adam: int = 20, k: int = 5,
                     d_ratio: float = 0.2, h_ratio: float = 0.5, activation: str = "relu",
                     noise: float = 0.3, n_test: int = 1000, run_seed: int = 0
                     ) -> dict[str, float]:
    """Sec. 5.3 / App. A.4: one multiple-index problem (eq. 8, k directions, sigma* = sigma =
    normalized ReLU, n : h : d = 5 : 2.5 : 1) trained from one initialization, both layers,
    by GD, SGD (batch 8) and Adam (batch 16); :func:`subspace_statistics` of each, suffixed
    ``_gd``, ``_sgd``, ``_adam``, with m = 100 d / 1000 (the paper's top 100 of d = 1000)."""
    s = Setting(n, d_ratio, h_ratio, activation, "multi", activation, 0.0, k, noise, n_test,
                run_seed)
    stages = {"gd": ("gd", lr_gd, 0, epochs_gd), "sgd": ("sgd", lr_sgd, 8, epochs_sgd),
              "adam": ("adam", lr_adam, 16, epochs_adam)}
    out: dict[str, float] = {}
    for name in MI_OPTIMIZERS:
        run = _run(s, (stages[name],))
        m = max(k, round(100 * run.problem.d / 1000))
        stats = subspace_statistics(run.problem, run.W, run.v, m)
        out |= {f"{key}_{name}": value for key, value in stats.items()}
        out[f"diverged_{name}"] = float(run.status == "diverged")
    return out
