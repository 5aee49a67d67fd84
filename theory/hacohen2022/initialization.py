"""Def. 4 against Glorot-uniform initialization of a wide one-hidden-layer linear network
(claim DLN-CLAIM-16).

Source: Hacohen & Weinshall (2022), supplementary material, App. C.1 and Fig. 10: "while both
initialization schemes achieve the same final accuracy upon convergence, our proposed
initialization variant converges faster on both train and test datasets" (10 networks per
initialization, a binary task, one hidden layer much wider than input and output). With
m >> q, K, Def. 4 gives B^2 = Q_1^T Q_1 ~ I and A^1 = Q_2 Q_2^T ~ I, Glorot's variance
2/(fan_in + fan_out) gives both ~ 2I (Thm 3): by Thm 1 Glorot at step mu moves like Def. 4
at step 2 mu.
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.products import def4_layers, glorot_uniform
from rmtcheck.training.deep_linear import principal_coordinates, train_dln


def binary_data(rng: np.random.Generator, n: int, q: int, separation: float,
                spectrum_ratio: float = 0.01) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two Gaussian classes N(+-separation e/2, C) with C = diag(geomspace(1, spectrum_ratio,
    q)) and e = (1, ..., 1)/sqrt(q); one-hot targets."""
    e = np.full(q, 1.0 / np.sqrt(q))
    labels = rng.integers(0, 2, n)
    scale = np.sqrt(np.geomspace(1.0, spectrum_ratio, q))[:, None]
    x = scale * rng.standard_normal((q, n)) + np.outer(e, (labels - 0.5) * separation)
    return x, np.eye(2)[:, labels], labels


def steps_to_fit(init: str, rng: np.random.Generator, q: int, width: int, d: np.ndarray,
                 m_target: np.ndarray, u: np.ndarray, step_scale: float, steps: int,
                 fraction: float) -> int:
    """The GD step from which L - L* <= fraction (L_0 - L*) holds to the end of the run (L*
    the least-squares optimum) for a fresh network q -> width -> K initialized by ``init``
    (def4 | glorot) at mu = step_scale / (2 d_1); ``steps + 1`` when never (or diverged)."""
    widths = [q, width, m_target.shape[0]]
    layers = def4_layers(widths, rng) if init == "def4" else glorot_uniform(widths, rng)
    layers[0] = layers[0] @ u  # the same network seen in principal coordinates
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            run = train_dln(layers, d, m_target, step_scale / (2.0 * d[0]), steps)
    except np.linalg.LinAlgError:  # the run diverged to inf/nan
        return steps + 1
    gap = run.loss + 0.5 * float(np.sum(m_target**2 / d))
    above = ~(np.isfinite(gap) & (gap <= fraction * gap[0]))
    return int(np.flatnonzero(above)[-1] + 1) if above.any() else 0


def init_speed(rng: np.random.Generator, q: int, width: int, n: int, separation: float,
               spectrum_ratio: float, steps: int, networks: int, fraction: float,
               lr_mode: str = "tuned", step_scale: float = 1.0) -> dict[str, float]:
    """Steps to fit (see :func:`steps_to_fit`) of ``networks`` Def.-4 and Glorot networks on
    one binary data set, and z = (mean_glorot - mean_def4) / sqrt(se_g^2 + se_d^2) (z > 0:
    Def. 4 faster; each standard error floored at the step resolution 0.5 / sqrt(networks)).
    ``lr_mode = "tuned"``: each initialization gets the step_scale c in 2^(k/2), k = -4..3,
    with the fewest mean steps over ``networks`` tuning networks, then ``networks`` fresh
    networks are measured at it (Def. 4 at c and Glorot at c/2 start alike, so both grids
    hold the same effective steps). ``"equal"``: both use ``step_scale`` (a control: Glorot
    diverges above its lower stability edge)."""
    validate.choice("lr_mode", lr_mode, ("tuned", "equal"))
    networks = validate.integer("networks", networks, 2)
    x, y, _ = binary_data(rng, validate.integer("n", n, 2), validate.integer("q", q, 1),
                          validate.positive("separation", separation),
                          validate.real("spectrum_ratio", spectrum_ratio, 0.0, 1.0,
                                        open_lo=True))
    u, d, m_target = principal_coordinates(x / np.sqrt(n), y / np.sqrt(n))
    args = (q, validate.integer("width", width, 1), d, m_target, u)
    fraction = validate.real("fraction", fraction, 0.0, 1.0, open_lo=True, open_hi=True)
    out: dict[str, float] = {}
    for init in ("def4", "glorot"):
        scale = step_scale
        if lr_mode == "tuned":
            grid = 2.0 ** (np.arange(-4, 4) / 2)
            scale = float(grid[np.argmin([
                np.mean([steps_to_fit(init, rng, *args, c, steps, fraction)
                         for _ in range(networks)]) for c in grid])])
        runs = [steps_to_fit(init, rng, *args, scale, steps, fraction) for _ in range(networks)]
        out[f"steps_{init}"] = float(np.mean(runs))
        out[f"se_{init}"] = max(float(np.std(runs, ddof=1)), 0.5) / np.sqrt(networks)
        out[f"step_scale_{init}"] = scale
    out["z"] = (out["steps_glorot"] - out["steps_def4"]) / np.hypot(out["se_def4"],
                                                                  out["se_glorot"])
    return out
