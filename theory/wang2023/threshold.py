"""The learning-rate threshold eta* of the BBP-like transition, located by bisection over
seeds (Wang et al. 2023, Sec. 5.2, Fig. 2; spec WANG-CLAIM-BBP).

Setting of Table 1 at reduced size (tanh network, eq.-(9) softplus teacher, tau = 0.2,
noise 0.3, d = n/2, h = 3n/4), both layers trained by SGD with batch ``batch_size`` from the
seed's data and initialization until the training loss is below 1e-5. Learning rates are in
the paper's units (``mean`` loss, PyTorch MSELoss; eq. (2) units are twice these).

A run "has the spike" when (1/h) W^T W has at least one eigenvalue above (1 + delta) times
the Marchenko–Pastur edge (1 + sqrt(d/h))^2 (the outlier rule of WANG-CLAIM-SPECTRAL-CLASS,
delta = 0.05; at initialization the top eigenvalue stays below 1.03 edge in 99% of draws at
n = 500, spec Sec. 3 (j)). For each seed, bisection between a rate without and a rate with
the spike brackets that seed's threshold; eta* is the mean of the bracket midpoints over
seeds with the Student 95% interval, widened by the bracket half-width.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from rmtcheck.errors import InputError
from rmtcheck.rng import generator
from rmtcheck.training import metrics
from rmtcheck.training.two_layer import train

from .table1 import problem, t_quantile

DELTA = 0.05


def spike_run(seed: int, n: int, lr: float, batch_size: int = 32, epochs: int = 300,
              d_ratio: float = 0.5, h_ratio: float = 0.75, n_test: int = 1000,
              loss: str = "mean") -> dict[str, float]:
    """One SGD run (both layers) of the seed's Table-1 problem at learning rate ``lr``:
    ``spike`` (1 when an eigenvalue of (1/h) W^T W exceeds (1 + delta) MP edge), ``lam_ratio``
    (top eigenvalue / edge), |beta^T u_1|, test R^2, ``diverged`` and epochs."""
    p = problem(seed, n, d_ratio, h_ratio, n_test)
    rng = generator(seed, "WANG-eta-star", {"n": n, "lr": lr, "batch_size": batch_size})
    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", lr=lr, layers="both",
                loss=loss, batch_size=batch_size, epochs=epochs, loss_threshold=1e-5, rng=rng,
                desc=f"SGD lr={lr:g}")
    edge = (1 + math.sqrt(p.d / p.h)) ** 2
    top = float(np.linalg.eigvalsh(res.W.T @ res.W / p.h)[-1])
    return {"spike": float(top > (1 + DELTA) * edge and not res.diverged),
            "lam_ratio": top / edge,
            "align_w": metrics.weight_alignment(res.W, p.teacher.beta[:, 0]),
            "r2": metrics.r2_score(p.y_test, p.output(p.X_test, res.W, res.v)),
            "diverged": float(res.diverged), "epochs": float(res.epochs)}


def bisect_seed(seed: int, n: int, lo: float, hi: float, steps: int = 4,
                **kw: Any) -> dict[str, Any]:
    """Bracket the seed's threshold: ``lo`` must give no spike and ``hi`` a spike (else the
    bracket is reported ``valid = 0``); ``steps`` bisections halve it each time."""
    runs = {lo: spike_run(seed, n, lo, **kw), hi: spike_run(seed, n, hi, **kw)}
    valid = runs[lo]["spike"] == 0 and runs[hi]["spike"] == 1
    a, b = lo, hi
    for _ in range(steps if valid else 0):
        mid = (a + b) / 2
        runs[mid] = spike_run(seed, n, mid, **kw)
        a, b = (a, mid) if runs[mid]["spike"] else (mid, b)
    return {"seed": seed, "lo": a, "hi": b, "valid": float(valid), "runs": runs}


def estimate(brackets: list[dict[str, Any]]) -> dict[str, float]:
    """eta* = mean over seeds of the bracket midpoints; 95% interval mean +- (t_{k-1} sd /
    sqrt k + largest bracket half-width); ``seed_lo``/``seed_hi`` the range of midpoints."""
    ok = [b for b in brackets if b["valid"]]
    if len(ok) < 3:
        raise InputError("seeds", f"{len(ok)} valid brackets", "at least 3 seeds whose low rate "
                         "has no spike and whose high rate has one")
    mids = np.array([(b["lo"] + b["hi"]) / 2 for b in ok])
    half = max((b["hi"] - b["lo"]) / 2 for b in ok)
    k = mids.size
    width = t_quantile(k) * float(mids.std(ddof=1)) / math.sqrt(k) + half
    m = float(mids.mean())
    return {"eta_star": m, "lo": m - width, "hi": m + width, "seeds": float(k),
            "seed_lo": float(mids.min()), "seed_hi": float(mids.max()), "resolution": half}


LOCATED = {250: (15.569, 14.923, 16.214), 500: (17.119, 16.094, 18.143)}
"""eta* (mean, 95% interval) located by :func:`bisect_seed` over seeds 0-4 (batch 32, MSELoss
units; ``python -m rmtcheck.simulations.wang2023.eta_star --n 250 --lo 10 --hi 16.5`` and
``--n 500 --lo 12 --hi 19``), by n; at n = 250 seed 3 has no spike at 16.5 and is
re-bracketed with 17."""


def transition_over_seeds(rng: np.random.Generator, n: int, lr_low: float = 12.0,
                          lr_high: float = 19.0, seeds: int = 3, first_seed: int = 0,
                          batch_size: int = 32, epochs: int = 300) -> dict[str, float]:
    """Both layers trained by SGD at a rate below and a rate above the located eta* from each
    seed's data and initialization (Sec. 5.2, Fig. 2): fraction of seeds with the spike
    (eigenvalue of (1/h) W^T W above 1.05 MP edge), extreme alignments |beta^T u_1|, mean R^2
    and divergences at each rate, with the located interval ``eta_lo``, ``eta_hi`` for n."""
    out: dict[str, float] = {}
    for tag, lr in (("low", lr_low), ("high", lr_high)):
        runs = [spike_run(s, n, lr, batch_size, epochs)
                for s in range(first_seed, first_seed + seeds)]
        align = [r["align_w"] for r in runs]
        out |= {f"spike_frac_{tag}": float(np.mean([r["spike"] for r in runs])),
                f"align_w_{tag}_min": min(align), f"align_w_{tag}_max": max(align),
                f"lam_ratio_{tag}_max": max(r["lam_ratio"] for r in runs),
                f"r2_{tag}": float(np.mean([r["r2"] for r in runs])),
                f"diverged_{tag}": float(sum(r["diverged"] for r in runs))}
    if n in LOCATED:
        out["eta_star"], out["eta_lo"], out["eta_hi"] = LOCATED[n]
    return out
