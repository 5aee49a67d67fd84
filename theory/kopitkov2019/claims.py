"""Card functions for ``cards.toml`` (claims NTK-*): Kopitkov & Indelman,
Neural Spectrum Alignment (appendix, seed 000; poster, seed 001).

Exact cards compare the constant-Gramian closed forms (``laws.gramian_dynamics``) with
direct GD iteration; the scaling cards measure the Mercer estimate eig(G)/N and the
first-order error of one GD step; the qualitative cards train FC networks
(``training.nsa_run``) on the synthetic 2-D target of the NSA reference runs and measure the
alignment statistics (``spectra.nsa_metrics``), the Hessian-vs-F/N gap and the kernel's
locality and eigenvector frequencies.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.fc_net import init_fc_net, predict
from rmtcheck.spectra.gramian import gramian, loss_gradient, loss_hessian
from rmtcheck.training.fc_net import mse, train

from . import dynamics as gd
from .alignment import AlignmentRun, alignment_run
from .metrics import first_order_error
from .targets import smooth_target, uniform_points

FORMULAS = ("A9", "A10", "A11", "A13", "A15", "A17")


# ---- constant Gramian (NTK-CLAIM-4, NTK-CLAIM-5) ---------------------------------------

def psd_problem(rng: np.random.Generator, N: int, rank: int, n_test: int = 20
                ) -> dict[str, np.ndarray]:
    """A random Jacobian A (rank x N), G = A^T A of rank ``rank``, test gradients B
    (n_test x rank), g(X', X) = B A, labels y and initial outputs f0 (train and test)."""
    A = rng.standard_normal((rank, N))
    B = rng.standard_normal((n_test, rank))
    return _with_gramian(A, B, rng.standard_normal(N), 0.3 * rng.standard_normal(N),
                         0.3 * rng.standard_normal(n_test))


def _with_gramian(A: np.ndarray, B: np.ndarray, y: np.ndarray, f0: np.ndarray,
                  f0_test: np.ndarray) -> dict[str, np.ndarray]:
    return {"A": A, "G": A.T @ A, "B": B, "g_test": B @ A, "y": y, "f0": f0, "f0_test": f0_test}


def _frozen(problem: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Mark the arrays of a cached problem read-only, so no caller can alter the cache."""
    for value in problem.values():
        value.setflags(write=False)
    return problem


@lru_cache(maxsize=4)
def spectral_problem(N: int, rank: int, power: float, n_test: int = 20
                     ) -> dict[str, np.ndarray]:
    """A deterministic instance with a prescribed spectrum: A = diag(s) C with C the first
    ``rank`` rows of the orthonormal DCT-IV, s_i = sqrt(N) (i + 1)^(-power), so G = A^T A has
    eigenvalues N (i + 1)^(-2 power) and an (N - rank)-dimensional null space. The card's
    theory side has no generator, so both sides use this instance (the random PSD Gramians
    are covered by the property tests)."""
    j = np.arange(N) + 0.5
    i = np.arange(rank)
    C = np.sqrt(2.0 / N) * np.cos(np.pi * np.outer(i + 0.5, j) / N)
    A = (np.sqrt(N) * (i + 1.0) ** -power)[:, None] * C
    k = np.arange(n_test)[:, None]
    B = np.cos(1.0 + 0.7 * k + 1.3 * np.sqrt(i + 2.0) * (k + 1))
    return _frozen(_with_gramian(A, B, np.sin(3 * np.pi * j / N) + 0.3 * np.cos(17 * j),
                                 0.2 * np.cos(5 * j + 1), 0.2 * np.sin(np.arange(n_test) + 0.5)))


def _closed(p: dict[str, np.ndarray], delta: float, t: int, formula: str) -> np.ndarray:
    m0 = p["f0"] - p["y"]
    parts = {
        "A9": lambda: gd.residual(p["G"], m0, delta, t),
        "A10": lambda: gd.residual_sum(p["G"], m0, delta, t),
        "A11": lambda: gd.outputs(p["G"], p["f0"], p["y"], delta, t),
        "A13": lambda: gd.heldout_outputs(p["g_test"], p["G"], p["f0_test"], m0, delta, t),
        "A15": lambda: gd.heldout_outputs_svd(p["A"], p["B"], p["f0_test"], m0, delta, t),
        "A17": lambda: gd.heldout_outputs_nystrom(p["g_test"], p["G"], p["f0_test"], m0,
                                                  delta, t),
        "inverse": lambda: gd.heldout_outputs_inverse(p["g_test"], p["G"], p["f0_test"], m0,
                                                      delta, t),
    }
    names = FORMULAS if formula == "all" else (formula,)
    return np.concatenate([parts[f]() for f in names])


def _iterated(p: dict[str, np.ndarray], delta: float, t: int, formula: str) -> np.ndarray:
    it = gd.iterate(p["G"], p["f0"], p["y"], delta, t, p["g_test"], p["f0_test"])
    parts = {"A9": it["m"], "A10": it["msum"], "A11": it["f"], "A13": it["f_test"],
             "A15": it["f_test"], "A17": it["f_test"], "inverse": it["f_test"]}
    names = FORMULAS if formula == "all" else (formula,)
    return np.concatenate([parts[f] for f in names])


def _step(p: dict[str, np.ndarray], c: float) -> float:
    """delta = c N / lambda_max(G)."""
    return c * p["G"].shape[0] / float(np.linalg.eigvalsh(p["G"])[-1])


def const_gramian_theory(N: int, rank: int, power: float, c: float, t: int,
                         formula: str) -> np.ndarray:
    """A9-A17 (or the invertible-G form) on :func:`spectral_problem`."""
    p = spectral_problem(N, rank, power)
    return _closed(p, _step(p, c), t, formula)


def const_gramian_iterated(N: int, rank: int, power: float, c: float, t: int,
                           formula: str) -> np.ndarray:
    """The same quantities from t steps of f <- f - (delta/N) G (f - y) (eqs. 3, A12)."""
    p = spectral_problem(N, rank, power)
    return _iterated(p, _step(p, c), t, formula)


def threshold_theory(c: float) -> np.ndarray:
    """[1 if delta < 2N/lambda_max else 0, |1 - c|], with c = delta lambda_max / N."""
    return np.array([float(c < 2.0), abs(1.0 - c)])


def threshold_iterated(rng: np.random.Generator, N: int, rank: int, c: float, t: int
                       ) -> np.ndarray:
    """[did |m_t - m_0^z| fall below |m_0 - m_0^z| in t steps, the measured one-step factor
    |<v_1, m_1>| / |<v_1, m_0>| of the top mode] for a random PSD G (NTK-CLAIM-5)."""
    p = psd_problem(rng, N, rank, n_test=1)
    e = gd.eig_desc(p["G"])
    delta = c * N / float(e.values[0])
    m0 = p["f0"] - p["y"]
    proj = e.vectors[:, e.nonzero]
    one = gd.iterate(p["G"], p["f0"], p["y"], delta, 1)["m"]
    rate = abs((e.vectors[:, 0] @ one) / (e.vectors[:, 0] @ m0))
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows to inf
        end = gd.iterate(p["G"], p["f0"], p["y"], delta, t)["m"]
        converged = float(np.linalg.norm(proj.T @ end) < np.linalg.norm(proj.T @ m0))
    return np.array([converged, rate])


# ---- test points of a model linear in its parameters (NTK-EQ-A13) -----------------------

def random_features(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """phi(x) = max(0, W x + b) / sqrt(P): f = theta^T phi is linear in theta, so its
    Gramian phi(X) phi(X)^T never changes during training."""
    return np.maximum(X @ W.T + b, 0.0) / np.sqrt(W.shape[0])


@lru_cache(maxsize=4)
def rf_problem(N: int, P: int, n_test: int = 30) -> dict[str, np.ndarray]:
    """Quasi-random features: points, frequencies and theta_0 from the unscrambled Halton
    sequence (deterministic, so the generator-free theory side sees the same model)."""
    from scipy.stats import norm, qmc  # noqa: PLC0415

    pts = qmc.Halton(d=2, scramble=False).random(N + n_test + 1)[1:]
    X, Xt = pts[:N], pts[N:]
    h = qmc.Halton(d=5, scramble=False).random(P + 1)[1:]
    z = norm.ppf(h[:, :3])
    W, theta0 = 3.0 * z[:, :2], z[:, 2]
    b = -(W * h[:, 3:]).sum(axis=1)  # the kink of feature i passes through a point of [0,1]^2
    phi, phit = random_features(X, W, b), random_features(Xt, W, b)
    return _frozen({"phi": phi, "phit": phit, "theta0": theta0, "y": smooth_target(X),
                    "G": phi @ phi.T, "g_test": phit @ phi.T, "f0": phi @ theta0,
                    "f0_test": phit @ theta0})


def rf_theory(N: int, P: int, c: float, t: int) -> np.ndarray:
    """[A11 train outputs, A13, A15, A17 test outputs] from the Gramian at initialisation."""
    p = rf_problem(N, P)
    delta = _step(p, c)
    m0 = p["f0"] - p["y"]
    args = (p["g_test"], p["G"], p["f0_test"], m0, delta, t)
    return np.concatenate([gd.outputs(p["G"], p["f0"], p["y"], delta, t),
                           gd.heldout_outputs(*args),
                           gd.heldout_outputs_svd(p["phi"].T, p["phit"], p["f0_test"], m0,
                                                  delta, t),
                           gd.heldout_outputs_nystrom(*args)])


def rf_trained(N: int, P: int, c: float, t: int) -> np.ndarray:
    """The same outputs after t GD steps on theta: theta <- theta - (delta/N) phi^T (f - y)."""
    p = rf_problem(N, P)
    delta = _step(p, c)
    theta = p["theta0"].copy()
    for _ in range(t):
        theta -= delta / N * (p["phi"].T @ (p["phi"] @ theta - p["y"]))
    ft = p["phit"] @ theta
    return np.concatenate([p["phi"] @ theta, ft, ft, ft])


# ---- Mercer estimate (NTK-CLAIM-1) ------------------------------------------------------

def mercer_error(rng: np.random.Generator, N: int, terms: int, rho: float) -> float:
    """max_k |eig_k(G)/N - lambda~_k| for k(x, x') = sum_{j<terms} rho^j cos 2 pi j (x - x'),
    x ~ U[0, 1] (eq. A3)."""
    c = rho ** np.arange(terms)
    return float(np.abs(gd.cosine_gram_eigs(rng.random(N), c) / N
                        - gd.cosine_kernel_spectrum(c)).max())


# ---- trained networks (NTK-CLAIM-9, 10, 11) ----------------------------------------------

def _run(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
         lr_scale: float, checkpoints: int = 10) -> AlignmentRun:
    """GD on the spec's synthetic target with delta_0 = lr_scale N / lambda_max(G_0), halved
    at 60 % and 80 % of the run (spec Sec. 4.5 pattern), checkpoints log-and-linearly spaced."""
    X = uniform_points(validate.integer("N", N, 2), rng)
    Xt = uniform_points(N, rng)
    ticks = {0, 1, steps} | {int(s) for s in np.linspace(0, steps, checkpoints + 1)}
    decay_at = (int(0.6 * steps), int(0.8 * steps))
    ticks |= {d - 1 for d in decay_at if d > 0}
    return alignment_run(X, smooth_target(X), rng, depth=depth, width=width, steps=steps,
                         lr_scale=lr_scale, decay_at=decay_at, checkpoints=sorted(ticks),
                         ks=(max(1, N // 16), max(1, N // 8)), X_test=Xt,
                         y_test=smooth_target(Xt), desc=f"L{depth}-W{width}")


def top_spectrum_outputs(rng: np.random.Generator, N: int, depth: int, width: int,
                         steps: int, lr_scale: float, vector: str) -> dict[str, float]:
    """min_t E_t(phi_t, N/4) for phi_t = f_t (``vector = "outputs"``) or the residual
    m_t = f_t - y (NTK-CLAIM-9; the residual is the built-in contrast)."""
    run = _run(rng, N, depth, width, steps, lr_scale)
    e = run.series("energy_f" if vector == "outputs" else "energy_m")
    return {"min_energy": float(e.min()), "final_energy": float(e[-1])}


def boundary_chase(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                   lr_scale: float) -> dict[str, float]:
    """max delta_t lambda_max / N over the middle third before the first decay, and the growth
    of lambda_max from the first decay to the end (NTK-CLAIM-10: 2N/lambda_max chases delta_t)."""
    run = _run(rng, N, depth, width, steps, lr_scale)
    t, ratio, lam = run.steps, run.series("ratio"), run.series("values")[:, 0]
    first = int(0.6 * steps)
    before = ratio[(t >= steps // 3) & (t < first)]
    growth = float(lam[-1] / lam[t == first - 1][0])
    return {"ratio_start": ratio[0], "ratio_before_decay": float(before.max()),
            "ratio_end": ratio[-1], "lam_growth_after_decay": growth}


def eigenvalue_growth(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                      lr_scale: float) -> dict[str, float]:
    """Spearman correlation of t with lambda_i(t) (i = 2, 5, 10, 20; t >= 1) and the growth
    factor lambda_i(T) / lambda_i(1), both minimised over i (NTK-CLAIM-11)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    run = _run(rng, N, depth, width, steps, lr_scale)
    keep = run.steps >= 1
    lam = run.series("values")[keep]
    t = run.steps[keep]
    rho = [spearmanr(t, lam[:, i]).statistic for i in (1, 4, 9, 19)]
    return {"min_spearman": float(min(rho)),
            "min_growth": float((lam[-1, [1, 4, 9, 19]] / lam[0, [1, 4, 9, 19]]).min()),
            "lam1_spearman": float(spearmanr(t, lam[:, 0]).statistic)}


# ---- small nets: first-order accuracy (NTK-CLAIM-6) and H ~ F/N (NTK-CLAIM-2) ----------

def first_order_step_error(rng: np.random.Generator, N: int, depth: int, width: int,
                           activation: str, inv_step: int) -> float:
    """error_t = |df~ - df| / |df~| of one GD step at initialisation with
    delta = N / (inv_step lambda_max(G_0)); the neglected terms are O(delta^2), so the
    relative error falls like delta (eq. 3, NTK-MET-2)."""
    inv_step = validate.positive("inv_step", inv_step)
    X = uniform_points(N, rng)
    y = smooth_target(X)
    net = init_fc_net(2, width, depth, rng, activation=activation)
    G = gramian(net, X)
    delta = N / (inv_step * float(np.linalg.eigvalsh(G)[-1]))
    f = predict(net, X)
    step = net.with_flat(net.flat() - delta * loss_gradient(net, X, y))
    return first_order_error(predict(step, X) - f, G, f - y, delta)[0]


def hessian_vs_fim(rng: np.random.Generator, N: int, width: int, steps: int,
                   activation: str, top: int) -> dict[str, float]:
    """Largest relative gap between the ``top`` eigenvalues of the loss Hessian H and of G/N,
    at initialisation and after ``steps`` GD steps (delta = N / lambda_max(G_0)) of a
    2-W-W-1 net on y = sin(3 x1) cos(2 x2), which it can fit (NTK-CLAIM-2, eq. A6)."""
    X = uniform_points(N, rng)
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1])
    net = init_fc_net(2, width, 3, rng, activation=activation)

    def gap() -> float:
        top_h = np.linalg.eigvalsh(loss_hessian(net, X, y))[::-1][:top]
        top_g = np.linalg.eigvalsh(gramian(net, X))[::-1][:top] / N
        return float(np.max(np.abs(top_h - top_g) / top_g))

    start = gap()
    train(net, X, y, steps=steps, lr=N / float(np.linalg.eigvalsh(gramian(net, X))[-1]),
          desc="H vs F/N")
    return {"gap_start": start, "gap_end": gap(), "loss_end": mse(net, X, y)}


# ---- kernel locality and eigenvector frequencies (NTK-CLAIM-14, NTK-CLAIM-15) ------------

def _trained_gramian(rng: np.random.Generator, N: int, depth: int, width: int, steps: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Points X and the Gramian of an FC net after ``steps`` GD steps on the 2-D target."""
    X = uniform_points(validate.integer("N", N, 2), rng)
    y = smooth_target(X)
    net = init_fc_net(2, width, depth, rng)
    if steps:
        lr = N / float(np.linalg.eigvalsh(gramian(net, X))[-1])
        train(net, X, y, steps=steps, lr=lr, desc="GD")
    return X, gramian(net, X)


def kernel_locality(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                    pairs: str) -> dict[str, float]:
    """Spearman correlation over point pairs of the normalised kernel
    g(X, X') / sqrt(g(X, X) g(X', X')) with -|X - X'| (NTK-CLAIM-14, NTK-MET-7);
    ``pairs = "shuffled"`` permutes the kernel values (the contrast)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    X, G = _trained_gramian(rng, N, depth, width, steps)
    d = np.sqrt(np.diag(G))
    iu = np.triu_indices(N, 1)
    corr = (G / np.outer(d, d))[iu]
    if pairs == "shuffled":
        corr = rng.permutation(corr)
    dist = np.linalg.norm(X[iu[0]] - X[iu[1]], axis=1)
    return {"spearman": float(spearmanr(corr, -dist).statistic)}


def eigenvector_frequency(rng: np.random.Generator, N: int, depth: int, width: int,
                          steps: int, kmax: int, basis: str) -> dict[str, float]:
    """Noise-floor-corrected Fourier centroid E|xi| (eq. A22) of v_k for k = 1, 2, 5, 10, 50,
    100, 200 (those <= N), its Spearman correlation with k, and c(v_last) / c(v_1)
    (NTK-CLAIM-15). ``basis = "random"`` uses a random orthonormal basis (the contrast)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    from .metrics import frequency_centroid, sampled_fourier  # noqa: PLC0415

    X, G = _trained_gramian(rng, N, depth, width, steps)
    vectors = gd.eig_desc(G).vectors
    if basis == "random":
        vectors = np.linalg.qr(rng.standard_normal((N, N)))[0]
    ks = [k for k in (1, 2, 5, 10, 50, 100, 200) if k <= N]
    cents = [frequency_centroid(sampled_fourier(X, vectors[:, k - 1], kmax), 1.0, N)
             for k in ks]
    out = {f"c{k}": c for k, c in zip(ks, cents, strict=True)}
    out["spearman"] = float(spearmanr(ks, cents).statistic)
    out["spread"] = cents[-1] / cents[0]
    return out
