"""Card functions for the training claims of Wang et al. (2023) (``cards.toml``).

, Sec. 5.1-5.2 and App. B; spec IDs WANG-CLAIM-L5.1, -LB.2,
-FIG28, -T5.2, -C5.3 (the BBP transition: threshold.py). Sizes follow the aspect
ratios d = d_ratio n, h = h_ratio n.
"""

from __future__ import annotations

import math

import numpy as np

from rmtcheck.ensembles.two_layer import TwoLayerProblem, sample_problem
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.laws.two_layer_kernels import ck_kernel, tangent_kernel
from rmtcheck.training import metrics, snapshots
from rmtcheck.training.two_layer import Snapshot, TrainResult, train

EARLY_STATISTICS = ("w_fro_scaled", "w_fro", "w_op", "w_2inf", "ck_fro", "ck_op",
                    "ntk_fro", "ntk_op")


def _problem(rng: np.random.Generator, n: int, d_ratio: float, h_ratio: float,
             activation: str, target: str, teacher: str, tau: float, noise: float,
             v_init: str, n_test: int = 0) -> TwoLayerProblem:
    d, h = max(1, round(d_ratio * n)), max(1, round(h_ratio * n))
    return sample_problem(rng, d=d, n=n, h=h, activation=activation, teacher=teacher,
                          target=target, tau=tau, noise=noise, v_init=v_init, n_test=n_test)


def _sym_op(M: np.ndarray) -> float:
    """Operator norm of a symmetric matrix (largest |eigenvalue|)."""
    vals = np.linalg.eigvalsh(M)
    return float(max(abs(vals[0]), abs(vals[-1])))


def early_phase_changes(rng: np.random.Generator, n: int, steps: int = 3, lr: float = 1.0,
                        d_ratio: float = 0.6, h_ratio: float = 1.2, activation: str = "relu",
                        target: str = "tanh", noise: float = 0.2, v_init: str = "gaussian",
                        which: tuple[str, ...] = EARLY_STATISTICS) -> dict[str, float]:
    """Changes after ``steps`` first-layer GD steps (eq. 10) from initialization (Lemma 5.1,
    Lemma B.2, Fig. 28): ``w_fro_scaled`` = (1/sqrt d)||W_t - W_0||_F, ``w_fro``, ``w_op``,
    ``w_2inf`` (largest row norm, eq. 17) of W_t - W_0, and Frobenius / operator norms of the
    CK and first-layer NTK changes. Single-index teacher (tau = 0), Fig. 28's defaults."""
    p = _problem(rng, n, d_ratio, h_ratio, activation, target, "single", 0.0, noise, v_init)
    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="gd", lr=lr, layers="first",
                epochs=steps, desc="early phase")
    dW = res.W - res.W0
    out = {"w_fro_scaled": float(np.linalg.norm(dW)) / math.sqrt(p.d),
           "w_fro": float(np.linalg.norm(dW)), "w_2inf": metrics.norm_2inf(dW)}
    if "w_op" in which:
        out["w_op"] = float(np.linalg.norm(dW, 2))
    if any(w.startswith("ck_") for w in which):
        dK = ck_kernel(res.W, p.X, p.activation) - ck_kernel(res.W0, p.X, p.activation)
        out |= {"ck_fro": float(np.linalg.norm(dK)), "ck_op": _sym_op(dK)}
    if any(w.startswith("ntk_") for w in which):
        dK = (tangent_kernel(res.W, p.v, p.X, p.activation, "first")
              - tangent_kernel(res.W0, p.v, p.X, p.activation, "first"))
        out |= {"ntk_fro": float(np.linalg.norm(dK)), "ntk_op": _sym_op(dK)}
    return {k: out[k] for k in which}


def early_phase_change(rng: np.random.Generator, n: int, statistic: str = "w_fro_scaled",
                       steps: int = 3, lr: float = 1.0, d_ratio: float = 0.6,
                       h_ratio: float = 1.2, activation: str = "relu", target: str = "tanh",
                       noise: float = 0.2, v_init: str = "gaussian") -> float:
    """One statistic of :func:`early_phase_changes` (scaling cards fit its exponent in n)."""
    return early_phase_changes(rng, n, steps, lr, d_ratio, h_ratio, activation, target, noise,
                               v_init, (statistic,))[statistic]


def ntk_rate_slopes(rng: np.random.Generator, n_min: int = 100, doublings: int = 3,
                    repeats: int = 3, steps: int = 3, lr: float = 1.0, d_ratio: float = 0.6,
                    h_ratio: float = 1.2) -> dict[str, float]:
    """Log-log slopes in n (sizes n_min 2^j, j <= doublings) of the early-phase NTK change:
    Frobenius for tanh (Assumption 4.2 holds), operator and Frobenius for ReLU (Fig. 28)."""
    sizes = [n_min * 2**j for j in range(doublings + 1)]
    cells: dict[str, list[tuple[int, float]]] = {"tanh": [], "relu": []}
    for act in cells:
        for n in sizes:
            for _ in range(repeats):
                cells[act].append((n, early_phase_changes(
                    rng, n, steps, lr, d_ratio, h_ratio, act, "tanh", 0.2, "gaussian",
                    ("ntk_fro", "ntk_op"))))

    def slope(act: str, key: str) -> float:
        x = np.log([c[0] for c in cells[act]])
        y = np.log([c[1][key] for c in cells[act]])
        return float(np.polyfit(x, y, 1)[0])

    return {"fro_tanh": slope("tanh", "ntk_fro"), "op_tanh": slope("tanh", "ntk_op"),
            "fro_relu": slope("relu", "ntk_fro"), "op_relu": slope("relu", "ntk_op")}


def theorem52_margin(rng: np.random.Generator, n: int, lr: float = 3.0, epochs: int = 600,
                     d_ratio: float = 0.5, h_ratio: float = 0.75, activation: str = "tanh",
                     target: str = "softplus", tau: float = 0.2, noise: float = 0.3,
                     v_init: str = "rademacher", rate_factor: float = 1.0) -> dict[str, float]:
    """Worst relative margins of Theorem 5.2's bounds along a first-layer GD trajectory:
    (12) l(W_t) <= (1 - rate_factor eta alpha^2/(2n))^t l(W_0), (13) (alpha/4)||W_0 - W_t||_F
    + l(W_t) <= l(W_0), (14) sum_t ||W_{t+1} - W_t||_F <= 4 l(W_0)/alpha, with l = ||y - f||
    and alpha = sqrt(lambda_min(K_1(W_0)))/2 (WANG-DEF-ALPHA). ``rate_factor = 1`` is the
    printed bound; larger values are negative controls. Also reports the theorem's lr range."""
    p = _problem(rng, n, d_ratio, h_ratio, activation, target, "mixture", tau, noise, v_init)
    k_first = tangent_kernel(p.W, p.v, p.X, p.activation, "first")
    alpha = math.sqrt(max(np.linalg.eigvalsh(k_first)[0], 0.0)) / 2
    lip = p.activation.lipschitz
    eta_max = min(alpha**2 * n / 2, n / (4 * lip**2 * (1 + math.sqrt(n / p.d)) ** 2))
    dist, path, prev = [], [0.0], [p.W]

    def hook(s: Snapshot) -> None:
        dist.append(float(np.linalg.norm(s.W - p.W)))
        path.append(path[-1] + float(np.linalg.norm(s.W - prev[0])))
        prev[0] = s.W

    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="gd", lr=lr, layers="first",
                epochs=epochs, checkpoint_every=1, hooks=[hook], desc="Theorem 5.2")
    ell = np.sqrt(2 * n * res.losses)
    t = np.arange(ell.size)
    bound12 = (1 - rate_factor * lr * alpha**2 / (2 * n)) ** t * ell[0]
    m12 = float(np.min((bound12 - ell)[1:]) / ell[0])  # t = 0 is an equality
    m13 = float(np.min((ell[0] - alpha / 4 * np.asarray(dist) - ell)[1:]) / ell[0])
    radius = 4 * ell[0] / alpha
    m14 = float((radius - path[-1]) / radius)
    if res.diverged:  # the loss left every bound in the next step
        m12 = -1.0
    return {"margin": min(m12, m13, m14), "m12": m12, "m13": m13, "m14": m14,
            "diverged": float(res.diverged), "alpha": alpha, "eta_max": eta_max,
            "lr_in_range": float(lr < eta_max), "final_loss": float(res.losses[-1]),
            "path": path[-1], "path_bound": radius}


def _gd_to_end(rng: np.random.Generator, n: int, lr: float, epochs: int, d_ratio: float,
               h_ratio: float, activation: str, target: str, tau: float, noise: float,
               v_init: str, optimizer: str = "gd", batch_size: int | None = None
               ) -> tuple[TwoLayerProblem, TrainResult]:
    p = _problem(rng, n, d_ratio, h_ratio, activation, target, "mixture", tau, noise, v_init)
    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer=optimizer, lr=lr, layers="first",
                epochs=epochs, loss_threshold=1e-5, batch_size=batch_size, rng=rng,
                desc="Corollary 5.3")
    return p, res


def invariance_law(n: int, d_ratio: float = 0.5, h_ratio: float = 0.75) -> MarchenkoPastur:
    """Limiting ESD of (1/h) W_0^T W_0: Marchenko–Pastur with the realised ratio d/h
    (WANG-DEF-MP)."""
    return MarchenkoPastur(max(1, round(d_ratio * n)) / max(1, round(h_ratio * n)))


def trained_weight_spectrum(rng: np.random.Generator, n: int, lr: float = 3.0, epochs: int = 600,
                            d_ratio: float = 0.5, h_ratio: float = 0.75,
                            activation: str = "tanh", target: str = "softplus", tau: float = 0.2,
                            noise: float = 0.3, v_init: str = "rademacher",
                            optimizer: str = "gd", batch_size: int = 32) -> np.ndarray:
    """Eigenvalues of (1/h) W_t^T W_t after first-layer training (Corollary 5.3); the
    optimizer can be switched to ``adam`` (batch ``batch_size``) for negative controls."""
    _, res = _gd_to_end(rng, n, lr, epochs, d_ratio, h_ratio, activation, target, tau, noise,
                        v_init, optimizer, None if optimizer == "gd" else batch_size)
    return np.linalg.eigvalsh(res.W.T @ res.W / res.W.shape[0])


def kernel_invariance(rng: np.random.Generator, n: int, lr: float = 3.0, epochs: int = 600,
                      d_ratio: float = 0.5, h_ratio: float = 0.75, activation: str = "tanh",
                      target: str = "softplus", tau: float = 0.2, noise: float = 0.3,
                      v_init: str = "rademacher", optimizer: str = "gd",
                      batch_size: int = 32) -> dict[str, float]:
    """Two-sample KS between initial and trained spectra of (1/h)W^T W, K^CK and K_1 after
    first-layer GD, with the norm changes of Corollary 5.3 and lambda_min(K_1) before/after
    (``optimizer = "adam"`` with ``batch_size`` for negative controls)."""
    p, res = _gd_to_end(rng, n, lr, epochs, d_ratio, h_ratio, activation, target, tau, noise,
                        v_init, optimizer, None if optimizer == "gd" else batch_size)
    s0 = snapshots.state(res.W0, res.v0, p.X, p.activation, "first")
    s1 = snapshots.state(res.W, res.v, p.X, p.activation, "first")
    out = snapshots.compare(s0, s1, p.y)
    keys = ("ks_w", "ks_ck", "ks_ntk", "dw_fro", "dck_fro", "dntk_fro")
    return {**{k: out[k] for k in keys}, "lam_min_ratio": float(s1.eig_ntk[0] / s0.eig_ntk[0]),
            "final_loss": float(res.losses[-1]), "epochs": res.epochs}
