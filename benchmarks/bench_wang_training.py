"""Benchmark of the two-layer training engine (rmtcheck.training.two_layer).

Claims measured in one run, each as a ratio against a bound timed in the same process:
1. a full-batch GD step (both layers, eqs. 18-19) costs about its three GEMMs
   (W X, [(v r^T) o sigma'(Z)] X^T, sigma(Z) r) plus entrywise work: ratio to the bare GEMMs;
2. it is far faster than the naive per-sample NumPy gradient (sum of n rank-one updates);
3. an SGD epoch (batch 32) and an Adam epoch cost about the same GEMM work split in batches.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_wang_training.py [--n 1000]``.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from rmtcheck.ensembles.two_layer import sample_problem
from rmtcheck.training.two_layer import gradients, train


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    """Smallest wall time of ``repeats`` calls (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="samples; d = n/2, h = 3n/4")
    args = parser.parse_args()
    n = args.n
    p = sample_problem(np.random.default_rng(0), d=n // 2, n=n, h=3 * n // 4)
    act, W, v, X, y = p.activation, p.W, p.v, p.X, p.y
    Z = W @ X
    r = y - v @ act(Z)

    gemm = best_of(lambda: (W @ X, Z @ X.T, Z @ r))
    step = best_of(lambda: gradients(W, v, X, y, act, "half_mean", "both"))
    print(f"n={n} d={p.d} h={p.h}")
    print(f"GD gradient (both layers)      {step * 1e3:8.1f} ms   "
          f"ratio to its 3 bare GEMMs ({gemm * 1e3:.1f} ms): {step / gemm:5.2f}")

    m = min(n, 200)
    naive = best_of(lambda: naive_gradient(W, v, X[:, :m], y[:m], act), 1) * n / m
    fast = gradients(W, v, X[:, :m], y[:m], act, "half_mean", "first")[0]
    err = np.max(np.abs(naive_gradient(W, v, X[:, :m], y[:m], act) - fast))
    print(f"naive per-sample gradient      {naive * 1e3:8.1f} ms   "
          f"(extrapolated from {m} samples; max diff {err:.1e})   speed-up {naive / step:6.1f}x")

    epochs = 3
    gd = best_of(lambda: train(W, v, X, y, act, lr=1.0, layers="both", epochs=epochs), 1)
    sgd = best_of(lambda: train(W, v, X, y, act, optimizer="sgd", batch_size=32, lr=1.0,
                                layers="both", epochs=epochs, rng=1), 1)
    adam = best_of(lambda: train(W, v, X, y, act, optimizer="adam", batch_size=32, lr=1e-3,
                                 layers="both", epochs=epochs, rng=1), 1)
    per = gd / epochs
    print(f"train(): GD epoch              {per * 1e3:8.1f} ms   ratio to gradient: "
          f"{per / step:5.2f}")
    print(f"train(): SGD epoch (batch 32)  {sgd / epochs * 1e3:8.1f} ms   ratio to GD epoch: "
          f"{sgd / gd:5.2f}")
    print(f"train(): Adam epoch (batch 32) {adam / epochs * 1e3:8.1f} ms   ratio to SGD epoch: "
          f"{adam / sgd:5.2f}")


if __name__ == "__main__":
    main()
