"""Card functions that read the shared 2-D alignment run (``shared_runs``): NTK-CLAIM-7
(alignment gain and the text's magnitude), 8 (y^T G y, y^T G^+ y), 12 (balancing of
delta_t lambda_i / N) and 13 (spectrum preservation). Seed 000 App. H, U, V and Figs. 1, 31,
35, 39, 41, 44; spec Secs. 2.3 and 4.5.

Every function returns the statistic the text plots, read for the smooth target y. Controls
go through the same statistic: ``target = "shuffled"`` (the net was trained on the label
values permuted over the points, so nothing ties its kernel to y), ``kernel = "frozen"``
(G_t replaced by G_0: no kernel evolution) and ``late = "permuted"`` (the late eigenvectors'
entries permuted over the points).
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate

from .metrics import quadratic_forms, relative_energy
from .shared_runs import shared_run

KERNELS = ("trained", "frozen")


def _energies(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
              lr_scale: float, target: str, ks: list[int]) -> np.ndarray:
    """E_t(y, k) for k in ``ks`` at every checkpoint (rows t)."""
    s = shared_run(rng, N, depth, width, steps, lr_scale, target)
    return np.array([relative_energy(c.vectors, s.y, ks) for c in s.run.checkpoints])


def alignment_gain(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                   lr_scale: float, target: str) -> dict[str, float]:
    """E_t(y, N/16) and E_t(y, N/8) at t = 0 and at the end, and their mean gain
    (NTK-CLAIM-7, Figs. 31a, 35a, 41a)."""
    e = _energies(rng, N, depth, width, steps, lr_scale, target, [N // 16, N // 8])
    return {"E16_start": e[0, 0], "E16_end": e[-1, 0], "E8_start": e[0, 1], "E8_end": e[-1, 1],
            "gain": float((e[-1] - e[0]).mean())}


def alignment_magnitude(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                        lr_scale: float) -> dict[str, float]:
    """E_T(y, N/25) at the end of the run: the text's 98 % of y's energy in the top 400 of
    N = 10^4 eigenvectors (Fig. 35a), as a share of N; E_T(y, N/8) beside it."""
    e = _energies(rng, N, depth, width, steps, lr_scale, "smooth", [max(1, N // 25), N // 8])
    return {"E25_end": float(e[-1, 0]), "E25_start": float(e[0, 0]), "E8_end": float(e[-1, 1])}


def quadratic_alignment(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
                        lr_scale: float, target: str) -> dict[str, float]:
    """Q_t = y^T G_t y / (|y|^2 lambda_max^t) and P_t = y^T G_t^+ y (eigenvalues below
    1e-8 lambda_max cut) at t = 0 and the end: log10 Q_T / Q_0 (the text: grows) and
    log10 P_T / P_0 (falls) (NTK-CLAIM-8, NTK-MET-4; Figs. 41e-f, 43e-f, 45e-f)."""
    s = shared_run(rng, N, depth, width, steps, lr_scale, target)

    def forms(c: object) -> tuple[float, float]:
        yGy, yGinv = quadratic_forms(c.values, c.vectors, s.y)
        return yGy / (float(s.y @ s.y) * float(c.values[0])), yGinv

    (q0, p0), (q1, p1) = forms(s.run.checkpoints[0]), forms(s.run.checkpoints[-1])
    return {"Q_start": q0, "Q_end": q1, "P_start": p0, "P_end": p1,
            "log_Q_gain": float(np.log10(q1 / q0)), "log_P_gain": float(np.log10(p1 / p0))}


def balancing(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
              lr_scale: float, kernel: str) -> dict[str, float]:
    """Products delta_t lambda_i^t / N for i = 1, 2, 5, 10 (NTK-CLAIM-12, NTK-MET-3;
    Figs. 39e, 44d): ``spread_*`` = max_i / min_i at t = 0 and at the end, ``band`` = the
    largest max_t / min_t of one product over t >= T/3 (after the bootstrap, spanning both
    decays). ``kernel = "frozen"`` keeps lambda_i^0 (no kernel evolution; the control)."""
    validate.choice("kernel", kernel, KERNELS)
    run = shared_run(rng, N, depth, width, steps, lr_scale).run
    values = run.series("values")[:, [0, 1, 4, 9]]
    if kernel == "frozen":
        values = np.broadcast_to(values[0], values.shape)
    prod = run.series("delta")[:, None] * values / N
    late = prod[run.steps >= steps / 3]
    return {"spread_start": float(prod[0].max() / prod[0].min()),
            "spread_end": float(prod[-1].max() / prod[-1].min()),
            "band": float((late.max(axis=0) / late.min(axis=0)).max()),
            **{f"prod{i}_end": float(p) for i, p in zip((1, 2, 5, 10), prod[-1], strict=True)}}


def spectrum_preservation(rng: np.random.Generator, N: int, depth: int, width: int,
                          steps: int, lr_scale: float, late: str) -> dict[str, float]:
    """E_{t1}(v_i^T, 10) for i = 1, 2, 5, 10, 20 with t1 = T/10 (after the bootstrap, as the
    text compares t = 2e4 with 6e5) and T the end, and the Spearman correlation of i with
    it (NTK-CLAIM-13, NTK-MET-6, App. H Fig. 1). ``late = "permuted"`` permutes the entries
    of the late eigenvectors over the points (the control)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    validate.choice("late", late, ("trained", "permuted"))
    run = shared_run(rng, N, depth, width, steps, lr_scale).run
    early = next(c for c in run.checkpoints if c.t >= steps // 10)
    vectors = run.checkpoints[-1].vectors
    if late == "permuted":
        vectors = vectors[rng.permutation(N)]
    idx = (1, 2, 5, 10, 20)
    pres = [relative_energy(early.vectors, vectors[:, i - 1], 10) for i in idx]
    return {**{f"pres{i}": p for i, p in zip(idx, pres, strict=True)},
            "top": float(min(pres[:2])), "trend": float(spearmanr(idx, pres).statistic),
            "t1": float(early.t)}
