"""Card functions on kernels with a known structure: NTK-CLAIM-21 (under a constant Gramian,
training and test outputs converge at a similar speed; seed 000 App. E, "Intuition") and
NTK-CLAIM-22 (the sampled eigen-approximation is worse for larger k; App. A, after A3)."""

from __future__ import annotations

import numpy as np

from rmtcheck import validate

from . import dynamics as gd
from .claims import _step, rf_problem


def _first_below(t: np.ndarray, r: np.ndarray, q: float) -> float:
    """The first t with r(t) <= q (log-linear interpolation between grid points)."""
    j = int(np.argmax(r <= q))
    if r[j] > q:
        return float("inf")
    if j == 0:
        return float(t[0])
    a, b = np.log(r[j - 1]), np.log(r[j])
    return float(np.exp(np.log(t[j - 1]) + (np.log(q) - a) / (b - a)
                        * (np.log(t[j]) - np.log(t[j - 1]))))


def convergence_speeds(N: int, P: int, c: float, test_step: float) -> dict[str, float]:
    """Times t_q at which |f_t - f_inf| / |f_0 - f_inf| first falls to q = 1/2 and 1/10 at the
    training points (A11) and at held-out points (A13), for the random-features model of
    NTK-EQ-A13 (constant G, delta = c N / lambda_max), and log2 of their ratios.

    With x_i = delta lambda_i / N and c_i = <v_i, m_0>: f_t - f_inf = sum_i (1 - x_i)^t c_i v_i
    at the training points (A11) and (delta/N) g(X', X) sum_i (1 - x_i)^t c_i v_i / x_i at the
    held-out ones (A13 with A10; g(X', X) m_0^z = 0 for this model). ``test_step`` scales the
    step of the held-out outputs (1: the text's setting; 0.25 is the control: held-out outputs
    of a 4x slower run)."""
    test_step = validate.positive("test_step", test_step)
    p = rf_problem(N, P)
    delta = _step(p, c)
    e = gd.eig_desc(p["G"])
    keep = e.nonzero
    V = e.vectors[:, keep]
    coef = V.T @ (p["f0"] - p["y"])
    x = delta * e.values[keep] / N
    x_test = test_step * x
    ts = np.unique(np.geomspace(1, 1e7, 120).astype(int))
    train_dev = (V * coef) @ (1.0 - x[:, None]) ** ts[None, :]
    test_modes = p["g_test"] @ (V * (coef / e.values[keep]))  # columns g(X', X) v_i c_i / lambda_i
    test_dev = test_modes @ (1.0 - x_test[:, None]) ** ts
    r_train = np.linalg.norm(train_dev, axis=0) / np.linalg.norm(V @ coef)
    r_test = np.linalg.norm(test_dev, axis=0) / np.linalg.norm(test_modes.sum(axis=1))
    out: dict[str, float] = {}
    for q, name in ((0.5, "half"), (0.1, "tenth")):
        a, b = _first_below(ts, r_train, q), _first_below(ts, r_test, q)
        out[f"t_{name}_train"], out[f"t_{name}_test"] = a, b
        out[f"log2_ratio_{name}"] = float(np.log2(b / a))
    out["max_abs_log2_ratio"] = max(abs(out["log2_ratio_half"]), abs(out["log2_ratio_tenth"]))
    return out


def _mercer_pair_errors(x: np.ndarray, coeffs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frequency j = 1..J-1: the relative eigenvalue error of the pair eig(G)/N against
    c_j / 2 (mean over the pair) and the eigenvector error 1 - E(phi_j, pair), with phi_j the
    sampled eigenfunctions cos / sin 2 pi j x and E their energy in the span of G's two
    eigenvectors of rank 2j, 2j + 1 (mean over cos and sin)."""
    n = len(x)
    c = np.asarray(coeffs, float)
    root = np.sqrt(np.concatenate([c[:1], np.tile(c[1:], 2)]))
    phi = gd.cosine_features(x, len(c))
    U, s, _ = np.linalg.svd(phi * root, full_matrices=False)  # G = U diag(s^2) U^T
    lam = s**2 / n
    J = len(c)
    val_err, vec_err = np.empty(J - 1), np.empty(J - 1)
    for j in range(1, J):
        pair = U[:, 2 * j - 1:2 * j + 1]
        val_err[j - 1] = np.abs(lam[2 * j - 1:2 * j + 1] / (c[j] / 2) - 1).mean()
        fs = phi[:, [j, J - 1 + j]]
        energy = ((pair.T @ fs) ** 2).sum(axis=0) / (fs**2).sum(axis=0)
        vec_err[j - 1] = 1.0 - energy.mean()
    return val_err, vec_err


def mercer_errors_by_index(rng: np.random.Generator, N: int, terms: int, rho: float,
                           points: str, repeats: int) -> dict[str, float]:
    """Per-frequency eigenvalue and eigenvector errors of the sampled (Gramian) estimate of the
    cosine kernel's Mercer pairs (NTK-CLAIM-1 setting), averaged over ``repeats`` samples of
    N points, and their Spearman correlations with the index j.

    ``points = "grid"`` puts the points at (i + 1/2)/N: the quadrature is then exact (discrete
    orthogonality), so there is no sampling error to grow with k (the control)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    validate.choice("points", points, ("uniform", "grid"))
    validate.integer("repeats", repeats, 1)
    c = validate.real("rho", rho, 0.0, 1.0) ** np.arange(validate.integer("terms", terms, 3))
    errs = []
    for _ in range(repeats):
        x = rng.random(N) if points == "uniform" else (np.arange(N) + 0.5) / N
        errs.append(_mercer_pair_errors(x, c))
    val, vec = np.mean(errs, axis=0)
    j = np.arange(1, terms)
    return {"value_spearman": float(spearmanr(j, val).statistic),
            "vector_spearman": float(spearmanr(j, vec).statistic),
            "value_err_first": float(val[0]), "value_err_last": float(val[-1]),
            "vector_err_first": float(vec[0]), "vector_err_last": float(vec[-1]),
            "min_err": float(min(val.min(), vec.min()))}
