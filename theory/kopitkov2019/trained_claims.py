"""Card functions that train their own FC networks: NTK-CLAIM-16 (depth and alignment),
17 (GD beyond the stability bound), 18 (Swish vs Leaky-ReLU spectra), 19 (alignment of m_0
and convergence speed; poster seed 001) and 20 (high-dimensional data: digits vs 2-D).
Seed 000 App. O-V, Figs. 31g-i, 35f, 40, 42; poster seed 001.
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.fc_net import FCNet, init_fc_net, predict
from rmtcheck.spectra.gramian import gramian
from rmtcheck.training.fc_net import loss_and_grads, mse, train

from .dynamics import eig_desc
from .metrics import first_order_error, relative_energy
from .targets import smooth_target, uniform_points


def _lam_max(net: FCNet, X: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(gramian(net, X))[-1])


def _step_error(net: FCNet, X: np.ndarray, y: np.ndarray, delta: float) -> float:
    """error_t = |df~ - df| / |df~| of one GD step of size delta from ``net`` (NTK-MET-2)."""
    trial = net.copy()
    f = predict(net, X)
    _, grads = loss_and_grads(trial, X, y)
    params = [p for w, b in zip(trial.weights, trial.biases, strict=True) for p in (w, b)]
    for p, g in zip(params, grads, strict=True):
        p -= delta * g
    return first_order_error(predict(trial, X) - f, gramian(net, X), f - y, delta)[0]


# ---- NTK-CLAIM-16: depth -------------------------------------------------------------------

def depth_alignment(rng: np.random.Generator, N: int, width: int, steps: int, lr_scale: float,
                    target: str) -> dict[str, float]:
    """FC-NN-L{2,4,6}-W{width} trained alike (delta = lr_scale N / lambda_max(G_0) each, no
    decay) on the same points: E_T(y, N/8) for the smooth target y and the final train / test
    losses (Figs. 31g-i; poster "depth increases alignment, alignment improves performance").
    ``target = "shuffled"``: the nets are trained on y's values permuted over the points and
    E_T is still read for y (the control: depth without the target's signal)."""
    validate.choice("target", target, ("smooth", "shuffled"))
    X, Xt = uniform_points(validate.integer("N", N, 16), rng), uniform_points(N, rng)
    y, yt = smooth_target(X), smooth_target(Xt)
    y_train = rng.permutation(y) if target == "shuffled" else y
    out: dict[str, float] = {}
    for depth in (2, 4, 6):
        net = init_fc_net(2, width, depth, rng)
        out[f"E0_L{depth}"] = relative_energy(eig_desc(gramian(net, X)).vectors, y, N // 8)
        train(net, X, y_train, steps=steps, lr=lr_scale * N / _lam_max(net, X),
              desc=f"L{depth}")
        out[f"E_L{depth}"] = relative_energy(eig_desc(gramian(net, X)).vectors, y, N // 8)
        out[f"train_L{depth}"] = mse(net, X, y_train)
        out[f"test_L{depth}"] = mse(net, Xt, yt)
    return out


# ---- NTK-CLAIM-17: beyond the stability bound ----------------------------------------------

def _frozen_log_growth(G: np.ndarray, m: np.ndarray, delta: float, steps: int) -> float:
    """max_t log10 |m_t| / |m_0| for m_{t+1} = (I - (delta/N) G) m_t (constant Gramian),
    renormalised every step so a diverging run stays finite."""
    A = np.eye(len(m)) - delta / len(m) * G
    v, log_norm, worst = m / np.linalg.norm(m), 0.0, 0.0
    for _ in range(steps):
        v = A @ v
        s = float(np.linalg.norm(v))
        log_norm += np.log10(s)
        worst = max(worst, log_norm)
        v /= s
    return worst


def beyond_stability(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                     lr_scale: float, over: float, kernel: str) -> dict[str, float]:
    """GD with the sub-threshold delta_0 = lr_scale N / lambda_max(G_0) for T/2 steps, then a
    fixed delta = over * 2N / lambda_max(G_{T/2}) above the stability bound (App. V, Fig.
    42a-b: delta constant, the bound falls below it, training goes on, error_t degrades).

    ``log_loss_growth`` = log10 max_{t > T/2} L_t / L_{T/2} (no blow-up: small) and
    ``error_ratio`` = mean error_t over 5 checkpoints after the switch / over 5 before it.
    ``kernel = "frozen"`` runs the second half on the linearised model with G fixed at
    G_{T/2} (the constant-Gramian system, whose first-order error is 0): the control."""
    validate.choice("kernel", kernel, ("trained", "frozen"))
    over = validate.positive("over", over)
    X = uniform_points(validate.integer("N", N, 16), rng)
    y = smooth_target(X)
    net = init_fc_net(2, width, depth, rng)
    half = validate.integer("steps", steps, 20) // 2
    lr = validate.positive("lr_scale", lr_scale) * N / _lam_max(net, X)
    before: list[float] = []
    marks = set(np.linspace(half // 2, half - 1, 5).astype(int).tolist())
    train(net, X, y, steps=half, lr=lr, desc="GD (stable)",
          on_step=lambda t, model, d: before.append(_step_error(model, X, y, d))
          if t in marks else None)
    G = gramian(net, X)
    delta = over * 2 * N / float(np.linalg.eigvalsh(G)[-1])
    loss_s = mse(net, X, y)
    lam_s = float(np.linalg.eigvalsh(G)[-1])
    out = {"loss_switch": loss_s, "ratio_before": lr * lam_s / N, "ratio_after": delta * lam_s / N,
           "error_before": float(np.mean(before))}
    rest = steps - half
    if kernel == "frozen":
        growth = 2 * _frozen_log_growth(G, predict(net, X) - y, delta, rest)
        return {**out, "log_loss_growth": growth, "error_after": 0.0, "error_ratio": 0.0}
    after: list[float] = []
    marks_after = set(np.linspace(rest // 5, rest - 1, 5).astype(int).tolist())
    with np.errstate(over="ignore", invalid="ignore"):
        losses = train(net, X, y, steps=rest, lr=delta, desc="GD (beyond)",
                       on_step=lambda t, model, d: after.append(_step_error(model, X, y, d))
                       if t in marks_after else None)
        losses.append(mse(net, X, y))
    worst = max(losses)
    growth = float(np.log10(worst / loss_s)) if np.isfinite(worst) else 300.0
    err = float(np.mean(after)) if np.all(np.isfinite(after)) else 0.0
    return {**out, "log_loss_growth": growth, "loss_end": float(losses[-1]),
            "error_after": err, "error_ratio": err / out["error_before"]}


# ---- NTK-CLAIM-18: Swish vs Leaky-ReLU spectra ---------------------------------------------

def activation_decay(rng: np.random.Generator, N: int, depth: int, width: int,
                     activation: str, repeats: int) -> dict[str, float]:
    """(lambda_k / lambda_1) of G_0 for ``activation`` over the same for Leaky-ReLU, k = 10 and
    N/4, geometric mean over ``repeats`` pairs of Xavier-initialised nets on the same points
    (Fig. 35f: Swish's decay "much faster than for Leaky-Relu NN"; the text suspects Xavier
    initialisation). ``activation = "leaky_relu"`` compares Leaky-ReLU with itself (the
    control)."""
    X = uniform_points(validate.integer("N", N, 40), rng)
    ks = (10, N // 4)
    logs = []
    for _ in range(validate.integer("repeats", repeats, 1)):
        pair = []
        for act in (activation, "leaky_relu"):
            lam = eig_desc(gramian(init_fc_net(2, width, depth, rng, activation=act), X)).values
            pair.append([lam[k - 1] / lam[0] for k in ks])
        logs.append(np.log10(np.array(pair[0]) / np.array(pair[1])))
    mean = np.mean(logs, axis=0)
    return {"ratio_10": float(10 ** mean[0]), "ratio_quarter": float(10 ** mean[1])}


# ---- NTK-CLAIM-19: alignment of m_0 and speed (poster) ------------------------------------

def alignment_speed(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                    k: int, targets: int, basis: str) -> dict[str, float]:
    """Spearman correlation, over ``targets`` labels, of E_0(m_0, k) with the loss reduction
    1 - L_T / L_0 after ``steps`` GD steps (delta = N / lambda_max(G_0)) from one and the
    same initial net (poster: "for faster convergence ... top eigenvectors should span m_0").

    Label j has m_0 = f_0 - y = |y_s| (sqrt(a_j) u + sqrt(1 - a_j) w), a_j = j / (targets-1),
    u and w random unit vectors in the span of the top k and of the other eigenvectors of G_0,
    |y_s| the norm of the smooth target. ``basis = "random"`` measures E_0 in a random
    orthonormal basis instead of G_0's eigenvectors (the control)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    validate.choice("basis", basis, ("eigen", "random"))
    X = uniform_points(validate.integer("N", N, 16), rng)
    k = validate.integer("k", k, 1, N - 1)
    net0 = init_fc_net(2, width, depth, rng)
    V = eig_desc(gramian(net0, X)).vectors
    f0 = predict(net0, X)
    scale = float(np.linalg.norm(smooth_target(X)))
    basis_vectors = V if basis == "eigen" else np.linalg.qr(rng.standard_normal((N, N)))[0]
    lr = N / _lam_max(net0, X)
    energies, reductions = [], []
    for a in np.linspace(0.0, 1.0, validate.integer("targets", targets, 3)):
        u = V[:, :k] @ rng.standard_normal(k)
        w = V[:, k:] @ rng.standard_normal(N - k)
        m0 = scale * (np.sqrt(a) * u / np.linalg.norm(u) + np.sqrt(1 - a) * w / np.linalg.norm(w))
        y = f0 - m0
        net = net0.copy()
        losses = train(net, X, y, steps=steps, lr=lr, desc="GD")
        energies.append(relative_energy(basis_vectors, m0, k))
        reductions.append(1.0 - mse(net, X, y) / losses[0])
    return {"spearman": float(spearmanr(energies, reductions).statistic),
            "reduction_aligned": reductions[-1], "reduction_unaligned": reductions[0]}


# ---- NTK-CLAIM-20: high-dimensional data ---------------------------------------------------

def digits_problem(rng: np.random.Generator, N: int) -> tuple[np.ndarray, np.ndarray]:
    """N rows of scikit-learn's 8x8 digits (the stand-in for MNIST, spec Sec. 5): pixels
    / 16 in [0, 1] (d = 64) and the label / 9 as the L2 regression target."""
    from sklearn.datasets import load_digits  # noqa: PLC0415

    data = load_digits()
    rows = rng.choice(len(data.target), size=validate.integer("N", N, 16, len(data.target)),
                      replace=False)
    return data.data[rows] / 16.0, data.target[rows] / 9.0


def _error_run(rng: np.random.Generator, X: np.ndarray, y: np.ndarray, depth: int,
               width: int, steps: int) -> tuple[float, np.ndarray, np.ndarray]:
    """lambda_1(G_0), lambda_10(G_0) and error_t at 8 log-spaced checkpoints of a GD run with
    the constant delta = N / lambda_max(G_0) (App. U: constant learning rate)."""
    net = init_fc_net(X.shape[1], width, depth, rng)
    lam = eig_desc(gramian(net, X)).values
    marks = set(np.unique(np.geomspace(1, steps - 1, 8).astype(int)).tolist())
    errors: list[float] = []
    train(net, X, y, steps=steps, lr=len(y) / float(lam[0]), desc="GD",
          on_step=lambda t, model, d: errors.append(_step_error(model, X, y, d))
          if t in marks else None)
    return lam[[0, 9]], np.array(sorted(marks), float), np.array(errors)


def high_dimensional(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                     data: str) -> dict[str, float]:
    """The same FC net trained on ``data`` (digits, d = 64) and on the 2-D task at equal N:
    lambda_i(G_0) ratios (i = 1, 10; Figs. 40d, 42d: "much higher than in 2D"), the Spearman
    correlation of t with error_t on ``data`` (Fig. 40a: "degrades with the optimization
    time") and the ratio of its mean error_t to the 2-D run's ("less accurate for
    high-dimensional data"). ``data = "2d"`` puts a second 2-D run in place of the digits
    (the control)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    validate.choice("data", data, ("digits", "2d"))
    X2 = uniform_points(validate.integer("N", N, 16), rng)
    if data == "digits":
        Xd, yd = digits_problem(rng, N)
    else:
        Xd = uniform_points(N, rng)
        yd = smooth_target(Xd)
    lam_d, t, err_d = _error_run(rng, Xd, yd, depth, width, steps)
    lam_2, _, err_2 = _error_run(rng, X2, smooth_target(X2), depth, width, steps)
    return {"lam1_ratio": float(lam_d[0] / lam_2[0]), "lam10_ratio": float(lam_d[1] / lam_2[1]),
            "error_trend": float(spearmanr(t, err_d).statistic),
            "error_start": float(err_d[0]), "error_end": float(err_d[-1]),
            "error_vs_2d": float(err_d.mean() / err_2.mean()),
            "error_trend_2d": float(spearmanr(t, err_2).statistic)}
