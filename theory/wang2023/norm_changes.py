"""Norm changes of weights and kernels after training, as n grows at fixed aspect ratios
(Wang et al. 2023, eq. (16), Figs. 9-10, 30-33, Corollary B.3), and the Table-1 cases compared
from one initialization (Fig. 3(a) KTA, Fig. 8 norm changes, Fig. 18 catapult).

Sizes d = d_ratio n, h = h_ratio n. Statistics of a trained state against its initialization:
``w_op``, ``w_fro``, ``w_2inf`` = (1/sqrt d)||W_t - W_0|| in operator, Frobenius and (2, inf)
(largest row, eq. 17) norms; ``ck_*`` and ``ntk_*`` the operator and Frobenius norms of the
CK (eq. 4) and NTK (eq. 5; K_1 alone when only W is trained) changes; ``v_rel`` =
||v_t - v_0|| / ||v_0||. A ``slope_<stat>`` is the least-squares log-log slope in n over all
(size, repeat) cells: Theta(1) is slope 0, the fixed-t early phase (Lemma 5.1) about -1.
"""

from __future__ import annotations

import math

import numpy as np

from rmtcheck.ensembles.two_layer import sample_problem
from rmtcheck.laws.two_layer_kernels import ck_kernel, tangent_kernel
from rmtcheck.training import metrics
from rmtcheck.training.two_layer import Snapshot, train

STATISTICS = ("w_op", "w_fro", "w_2inf", "ck_op", "ck_fro", "ntk_op", "ntk_fro", "v_rel",
              "row_ratio")


def _sym_op(M: np.ndarray) -> float:
    vals = np.linalg.eigvalsh(M)
    return float(max(abs(vals[0]), abs(vals[-1])))


def _changes(seed: int, n: int, optimizer: str, layers: str, lr: float, batch_size: int,
             epochs: int, loss_threshold: float, d_ratio: float, h_ratio: float,
             activation: str, target: str, noise: float, v_init: str) -> dict[str, float]:
    """One training run from a seed (single-index teacher sigma*(beta^T x), as in Figs. 9,
    30-33): the change statistics, the final loss, the epochs run and whether it diverged."""
    rng = np.random.default_rng(seed)
    d, h = max(1, round(d_ratio * n)), max(1, round(h_ratio * n))
    p = sample_problem(rng, d=d, n=n, h=h, activation=activation, teacher="single",
                       target=target, tau=0.0, noise=noise, v_init=v_init)
    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer=optimizer, lr=lr, layers=layers,
                batch_size=None if optimizer == "gd" else min(batch_size, n), epochs=epochs,
                loss_threshold=loss_threshold, rng=rng, desc="norm changes")
    dW = res.W - res.W0
    dck = ck_kernel(res.W, p.X, p.activation) - ck_kernel(res.W0, p.X, p.activation)
    dntk = (tangent_kernel(res.W, res.v, p.X, p.activation, layers)
            - tangent_kernel(res.W0, res.v0, p.X, p.activation, layers))
    s = math.sqrt(d)
    # eq. (19): row i of W_t - W_0 is v_i times a vector of nearly common length, so the
    # largest row is max|v_i| / ||v|| times the Frobenius norm (row_ratio ~ 1)
    row_ratio = metrics.norm_2inf(dW) * float(np.linalg.norm(res.v0)) / (
        float(np.max(np.abs(res.v0))) * float(np.linalg.norm(dW)))
    return {"row_ratio": row_ratio, "w_op": float(np.linalg.norm(dW, 2)) / s,
            "w_fro": float(np.linalg.norm(dW)) / s,
            "w_2inf": metrics.norm_2inf(dW) / s, "ck_op": _sym_op(dck),
            "ck_fro": float(np.linalg.norm(dck)), "ntk_op": _sym_op(dntk),
            "ntk_fro": float(np.linalg.norm(dntk)),
            "v_rel": float(np.linalg.norm(res.v - res.v0) / np.linalg.norm(res.v0)),
            "final_loss": float(res.losses[-1]), "epochs": float(res.epochs),
            "diverged": float(res.diverged)}


def change_slopes(rng: np.random.Generator, n_min: int = 50, doublings: int = 2,
                  repeats: int = 2,
                  optimizer: str = "gd", layers: str = "first", lr: float = 5.0,
                  batch_size: int = 200, epochs: int = 4000, loss_threshold: float = 1e-4,
                  d_ratio: float = 0.6, h_ratio: float = 1.2, activation: str = "tanh",
                  target: str = "softplus", noise: float = 0.3, v_init: str = "gaussian"
                  ) -> dict[str, float]:
    """Train ``repeats`` networks at each n = n_min 2^j (j <= doublings) until the eq.-(2)
    loss is below ``loss_threshold`` (or ``epochs`` pass) and fit the log-log slope in n of
    every change statistic; also the largest final loss, the number of diverged runs and the
    range of ``row_ratio``. ``epochs = 3`` is the early phase of Lemma 5.1 (the control)."""
    setting = (optimizer, layers, float(lr), int(batch_size), int(epochs),
               float(loss_threshold), float(d_ratio), float(h_ratio), activation, target,
               float(noise), v_init)
    cells = [(n, _changes(int(rng.integers(2**62)), int(n), *setting))
             for n in (n_min * 2**j for j in range(doublings + 1)) for _ in range(repeats)]
    logn = np.log([c[0] for c in cells])
    out: dict[str, float] = {}
    for key in STATISTICS:
        vals = np.array([c[1][key] for c in cells])
        if np.all(vals > 0):
            out[f"slope_{key}"] = float(np.polyfit(logn, np.log(vals), 1)[0])
        out[f"largest_n_{key}"] = float(np.mean(vals[logn == logn.max()]))
    ratios = [c[1]["row_ratio"] for c in cells]
    out["row_ratio_min"], out["row_ratio_max"] = min(ratios), max(ratios)
    out["loss_max"] = max(c[1]["final_loss"] for c in cells)
    out["epochs_max"] = max(c[1]["epochs"] for c in cells)
    out["diverged"] = sum(c[1]["diverged"] for c in cells)
    return out


def _matrices(W: np.ndarray, p, h: int) -> tuple[np.ndarray, ...]:  # noqa: ANN001
    """(1/h) W^T W, K^CK and K_1 of W on the problem's data (second layer fixed)."""
    return (W.T @ W / h, ck_kernel(W, p.X, p.activation),
            tangent_kernel(W, p.v, p.X, p.activation, "first"))


def early_eigen_shifts(rng: np.random.Generator, n_min: int = 100, doublings: int = 2,
                       repeats: int = 2, steps: int = 3, lr: float = 1.0,
                       lr_power: float = 0.0, d_ratio: float = 0.6, h_ratio: float = 1.2,
                       activation: str = "tanh", target: str = "tanh", noise: float = 0.2,
                       v_init: str = "rademacher") -> dict[str, float]:
    """Corollary B.3: after ``steps`` first-layer GD steps the eigenvalues of (1/h) W^T W,
    K^CK and K^NTK (= K_1) move by at most the operator norm of the matrix change (Weyl), which
    is O(1/n) (Lemmas 5.1, B.2). Returns ``weyl_margin`` = min over matrices and cells of
    ||dM|| - max_i |lambda_i(M_t) - lambda_i(M_0)| (>= 0 up to rounding) and the log-log slopes
    in n of the largest shifts (``slope_shift_*``) and of ||dM|| (``slope_op_*``). The step
    size is lr (n / n_min)^lr_power: ``lr_power = 1`` (eta proportional to n, a Theta(1) move
    per step) is the negative control."""
    names = ("gram", "ck", "ntk")
    sizes, margin = [], math.inf
    shifts: dict[str, list[float]] = {k: [] for k in names}
    norms: dict[str, list[float]] = {k: [] for k in names}
    for n in (n_min * 2**j for j in range(doublings + 1)):
        for _ in range(repeats):
            d, h = max(1, round(d_ratio * n)), max(1, round(h_ratio * n))
            p = sample_problem(rng, d=d, n=n, h=h, activation=activation, teacher="single",
                               target=target, tau=0.0, noise=noise, v_init=v_init)
            res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="gd", layers="first",
                        lr=lr * (n / n_min) ** lr_power, epochs=steps, desc="Corollary B.3")

            sizes.append(n)
            for key, m0, m1 in zip(names, _matrices(res.W0, p, h), _matrices(res.W, p, h),
                                   strict=True):
                shift = float(np.max(np.abs(np.linalg.eigvalsh(m1) - np.linalg.eigvalsh(m0))))
                norms[key].append(_sym_op(m1 - m0))
                margin = min(margin, norms[key][-1] - shift)
                shifts[key].append(shift)
    logn = np.log(sizes)

    def slope(values: list[float]) -> float:
        return float(np.polyfit(logn, np.log(values), 1)[0])

    return {**{f"slope_shift_{k}": slope(v) for k, v in shifts.items()},
            **{f"slope_op_{k}": slope(v) for k, v in norms.items()}, "weyl_margin": margin}


CASE_OPTIMIZERS = {"gd": "gd", "sgd_small": "sgd", "sgd_large": "sgd", "adam": "adam"}
GD_LR, SGD_SMALL_LR = 10.0, 0.1  # Table 1 Cases 1, 2 in eq.-(2) units (spec Sec. 3 (i), (l))


def case_changes(rng: np.random.Generator, n: int = 200, epochs: int = 100,
                 gd_epochs: int = 2000, adam_lr: float = 0.092, sgd_lr: float = 36.0,
                 batch_size: int = 32, d_ratio: float = 0.5, h_ratio: float = 0.75,
                 activation: str = "tanh", target: str = "softplus", tau: float = 0.2,
                 noise: float = 0.3) -> dict[str, float]:
    """Table-1 Cases 1 (GD, eta = 10), 2 (SGD, eta = 0.1), 3 (SGD at the large rate ``sgd_lr``)
    and 4 (Adam at ``adam_lr``), batch ``batch_size``, both layers, from one data set and
    initialization, each until the eq.-(2) loss < 1e-5 or its epoch
    budget (``gd_epochs`` for GD, ``epochs`` otherwise). Per case: (1/sqrt d)||W_t - W_0||
    (``w_fro``, ``w_op``), ||K_t^NTK - K_0^NTK|| (``ntk_fro``, ``ntk_op``, full NTK of
    eq. 5) and ``kta`` = KTA(K_t^CK) (eq. 15); ``kta_init`` at t = 0, and ``norm_ratio`` =
    min over the four norms of Case 4 / max(Case 1, Case 2) (Fig. 8)."""
    d, h = max(1, round(d_ratio * n)), max(1, round(h_ratio * n))
    p = sample_problem(rng, d=d, n=n, h=h, activation=activation, teacher="mixture",
                       target=target, tau=tau, noise=noise)
    ntk0 = tangent_kernel(p.W, p.v, p.X, p.activation, "both")
    out = {"kta_init": metrics.kta(ck_kernel(p.W, p.X, p.activation), p.y)}
    lrs = {"gd": GD_LR, "sgd_small": SGD_SMALL_LR, "sgd_large": sgd_lr, "adam": adam_lr}
    for case, optimizer in CASE_OPTIMIZERS.items():
        gd = optimizer == "gd"
        res = train(p.W, p.v, p.X, p.y, p.activation, optimizer=optimizer, lr=lrs[case],
                    layers="both", batch_size=None if gd else batch_size,
                    epochs=gd_epochs if gd else epochs, loss_threshold=1e-5, rng=rng,
                    desc=f"Case {case}")
        dW = res.W - res.W0
        dntk = tangent_kernel(res.W, res.v, p.X, p.activation, "both") - ntk0
        out |= {f"w_fro_{case}": float(np.linalg.norm(dW)) / math.sqrt(d),
                f"w_op_{case}": float(np.linalg.norm(dW, 2)) / math.sqrt(d),
                f"ntk_fro_{case}": float(np.linalg.norm(dntk)), f"ntk_op_{case}": _sym_op(dntk),
                f"kta_{case}": metrics.kta(ck_kernel(res.W, p.X, p.activation), p.y),
                f"loss_{case}": float(res.losses[-1]), f"diverged_{case}": float(res.diverged)}
    out["norm_ratio"] = min(out[f"{k}_adam"] / max(out[f"{k}_gd"], out[f"{k}_sgd_small"])
                            for k in ("w_fro", "w_op", "ntk_fro", "ntk_op"))
    return out


def catapult(rng: np.random.Generator, n: int = 500, lr: float = 36.0, batch_size: int = 32,
             epochs: int = 150, early: int = 10, d_ratio: float = 0.5, h_ratio: float = 0.75,
             activation: str = "tanh", target: str = "softplus", tau: float = 0.2,
             noise: float = 0.3) -> dict[str, float]:
    """Fig. 18: both layers trained by SGD (batch ``batch_size``) until the eq.-(2) loss
    < 1e-5. ``loss_rise`` = the largest epoch-to-epoch ratio L_{t+1}/L_t of the full training
    loss over the first ``early`` epochs (> 1: the loss is not monotone), ``ck_growth`` =
    lambda_max(K^CK) after training / at initialization, and the largest lambda_max(K^CK)
    ratio seen at the checkpoints of the first ``early`` epochs."""
    d, h = max(1, round(d_ratio * n)), max(1, round(h_ratio * n))
    p = sample_problem(rng, d=d, n=n, h=h, activation=activation, teacher="mixture",
                       target=target, tau=tau, noise=noise)

    def top_ck(W: np.ndarray) -> float:
        return float(np.linalg.eigvalsh(ck_kernel(W, p.X, p.activation))[-1])

    def early_ck(s: Snapshot) -> dict[str, float]:
        return {"lam_ck": top_ck(s.W)} if s.epoch <= early else {}

    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", lr=lr, layers="both",
                batch_size=batch_size, epochs=epochs, loss_threshold=1e-5, rng=rng,
                checkpoint_every=1, hooks=[early_ck], desc=f"SGD lr={lr:g}")
    lam = np.array([c["lam_ck"] for c in res.checkpoints if "lam_ck" in c])
    loss = res.losses[: early + 1]
    return {"loss_rise": float(np.max(loss[1:] / loss[:-1])),
            "ck_growth": float(top_ck(res.W) / lam[0]),
            "ck_growth_early": float(np.max(lam) / lam[0]),
            "final_loss": float(res.losses[-1]), "diverged": float(res.diverged),
            "epochs": float(res.epochs)}
