"""Benchmark of the two-layer training engine (rmtcheck.training.two_layer).

Claims measured in one run, each as a ratio against a bound timed in the same process:
1. one full-batch GD step (both layers, eqs. 18-19) at the Table 1 size (n = 2000,
   h = 1500, d = 1000) costs its FLOPs (forward W X and backward [(v r^T) o sigma'(Z)] X^T:
   4 h d n, plus O(h n)) at the GEMM rate of a square GEMM measured in the same run:
   ratio <= 1.3 expected, in float64 and float32;
2. one SGD epoch (batch 32) costs the same 4 h d n in 32-column GEMMs plus the epoch's
   full-loss forward pass (2 h d n): ratio of its time to 6 h d n at the GEMM rate, and to
   the same FLOPs with the batch GEMMs at the rate of an h x d x 32 GEMM (their ceiling);
3. the full-batch gradient is far faster than the naive per-sample NumPy gradient;
4. the Table 1 Case 3 run (SGD lr 22, ``mean`` loss, batch 32, to loss 1e-5; 62 epochs
   at this size in spec Sec. 3 (k)), timed in full; with a small ``--case3-epochs`` budget
   the time is extrapolated to 62 epochs.

Run: ``python benchmarks/bench_wang_training.py [--n 2000]`` with the default BLAS threads,
as users run it: claim 2 then also catches a second BLAS library competing with NumPy's
in the SGD loop (SciPy's gemm there made an epoch 10-20 times slower on two cores).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from timing import best_of, gemm_rate

from rmtcheck.ensembles.two_layer import sample_problem
from rmtcheck.training.two_layer import gradients, train

CASE3_EPOCHS = 62  # epochs to loss 1e-5 measured for Case 3 at the Table 1 size (spec 3 (k))


def naive_gradient(W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, act) -> np.ndarray:
    """grad_W of eq. (2) accumulated sample by sample (rank-one updates)."""
    h, d = W.shape
    n = X.shape[1]
    g = np.zeros_like(W)
    for i in range(n):
        z = W @ X[:, i] / math.sqrt(d)
        r = y[i] - v @ act(z) / math.sqrt(h)
        g -= np.outer(v * r * act.derivative(z), X[:, i])
    return g / (n * math.sqrt(d * h))


def per_epoch(W, v, X, y, act, dtype: str, epochs: int, **kw) -> float:
    """Seconds per epoch of train(): (time of ``epochs`` epochs - time of 0 epochs) / epochs,
    so the initial loss/gradient evaluation is not counted."""
    def run(e: int) -> float:
        return best_of(lambda: train(W, v, X, y, act, layers="both", loss="mean", epochs=e,
                                     dtype=dtype, rng=1, **kw), 2)
    return (run(epochs) - run(0)) / epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="samples; d = n/2, h = 3n/4")
    parser.add_argument("--case3-epochs", type=int, default=200,
                        help="Case 3 epoch budget (a run stopped by it is extrapolated)")
    args = parser.parse_args()
    n = args.n
    p = sample_problem(np.random.default_rng(0), d=n // 2, n=n, h=3 * n // 4)
    h, d = p.h, p.d
    print(f"n={n} d={d} h={h}")
    for dtype in ("float64", "float32"):
        act = p.activation
        W, v, X, y = (a.astype(dtype) for a in (p.W, p.v, p.X, p.y))
        rate = gemm_rate(1500, dtype=dtype, repeat=3)
        gd_flops, sgd_flops = 4 * h * d * n + 4 * h * n, 6 * h * d * n + 6 * h * n
        gd = per_epoch(W, v, X, y, act, dtype, 3, lr=1.0)
        sgd = per_epoch(W, v, X, y, act, dtype, 1, optimizer="sgd", batch_size=32, lr=1.0)
        Xb = X[:, :32].copy()
        rate_b = 2 * h * d * 32 / best_of(lambda W=W, Xb=Xb: W @ Xb, 20)
        sgd_ceiling = 4 * h * d * n / rate_b + 2 * h * d * n / rate
        print(f"[{dtype}] GEMM rate {rate / 1e9:6.1f} GFLOP/s (square), "
              f"{rate_b / 1e9:6.1f} GFLOP/s (h x d x 32, the SGD batch shape)")
        print(f"[{dtype}] GD step (full batch)   {gd * 1e3:8.1f} ms   / GEMM-rate bound "
              f"{gd_flops / rate * 1e3:7.1f} ms = {gd * rate / gd_flops:5.2f}")
        print(f"[{dtype}] SGD epoch (batch 32)   {sgd * 1e3:8.1f} ms   / GEMM-rate bound "
              f"{sgd_flops / rate * 1e3:7.1f} ms = {sgd * rate / sgd_flops:5.2f}  (batch GEMMs "
              f"at the batch-shape rate: {sgd / sgd_ceiling:5.2f})")

    act, W, v, X, y = p.activation, p.W, p.v, p.X, p.y
    step = best_of(lambda: gradients(W, v, X, y, act, "half_mean", "first"), 2)
    m = min(n, 100)
    naive = best_of(lambda: naive_gradient(W, v, X[:, :m], y[:m], act), 1) * n / m
    fast = gradients(W, v, X[:, :m], y[:m], act, "half_mean", "first")[0]
    err = np.max(np.abs(naive_gradient(W, v, X[:, :m], y[:m], act) - fast))
    print(f"naive per-sample gradient {naive * 1e3:8.1f} ms (extrapolated from {m} samples; "
          f"max diff {err:.1e}); full-batch gradient {step * 1e3:.1f} ms: "
          f"speed-up {naive / step:6.1f}x")

    e = args.case3_epochs
    start = time.perf_counter()
    res = train(W, v, X, y, act, optimizer="sgd", lr=22.0, batch_size=32, layers="both",
                loss="mean", epochs=e, loss_threshold=1e-5, rng=1)
    t = time.perf_counter() - start
    line = f"Case 3 (float64, n={n}): {res.status} after {res.epochs} epochs in {t:.1f} s"
    if res.status == "budget":
        line += f"; extrapolated to {CASE3_EPOCHS} epochs: {t / res.epochs * CASE3_EPOCHS:.0f} s"
    print(line)


if __name__ == "__main__":
    main()
