"""Benchmark: batched Monte-Carlo of random matrix products (rmtcheck.ensembles.products).

Computes the Gram matrices B^2..B^{N+1} and A^0..A^{N-1} of T independent products
Q_N ... Q_1 (eq. 6 of 002_c98a5a9dc558f5a6.txt; claims DLN-THM-3, DLN-LEM-2) three ways:
- naive: a Python loop over trials, one small NumPy product at a time;
- batched: the library path, np.matmul on (T, m_n, m_{n-1}) stacks (grams_b / grams_a);
- bound: the same multiply-add count done by one large GEMM (the BLAS peak on this machine).
Random draws are made once up front and shared, so only the products are timed.
Prints the batched-over-naive speed-up and the fraction of GEMM peak each path reaches.

Second part (DLN-LEM-2 at width 256): a Monte-Carlo of T = 10^4 end-to-end products
W = Q_4 Q_3 Q_2 Q_1 of 256 x 256 layers, accumulating the means of W_ij and W_ij^2. The
layers of all 10^4 draws would take 21 GB, so one chunk of draws is made up front and its
products are timed T / chunk times (the cost of a product does not depend on the values);
the naive per-trial loop is timed on a subset and scaled to T (printed as such). Both are
compared with the GEMM-rate bound time = flops / rate, the rate measured in the same run on
a 1024^3 GEMM and on a batched 256^3 matmul. On a shared machine the load drifts, so the
ratios are also given from the best chunk time of five interleaved rounds of each path.
Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_products.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from timing import best_of, gemm_rate

from rmtcheck.ensembles.products import draw_layers, end_to_end, grams_a, grams_b


def naive(layers: list[np.ndarray]) -> list[np.ndarray]:
    """Per-trial loop: prefix and suffix products and their Grams with 2-D matmuls."""
    out = []
    for t in range(layers[0].shape[0]):
        qs = [q[t] for q in layers]
        p = np.eye(qs[0].shape[1])
        for q in qs:
            p = q @ p
            out.append(p.T @ p)
        s = np.eye(qs[-1].shape[0])
        for q in reversed(qs):
            s = s @ q
            out.append(s @ s.T)
    return out


def batched(layers: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return grams_b(layers), grams_a(layers)


def flops(widths: list[int], trials: int) -> float:
    """Multiply-adds x 2 of the prefix/suffix products and Grams (identity products included)."""
    m0, mn, total = widths[0], widths[-1], 0
    for n in range(1, len(widths)):
        total += widths[n] * widths[n - 1] * m0 + m0 * m0 * widths[n]  # Q P, P^T P
        total += mn * widths[n] * widths[n - 1] + mn * mn * widths[n - 1]  # S Q, S S^T
    return 2.0 * total * trials


def moments_batched(layers: list[np.ndarray], total: np.ndarray, total_sq: np.ndarray) -> None:
    """Add sum_t W_t and sum_t W_t^2 of a stack of draws (the DLN-LEM-2 Monte-Carlo path)."""
    w = end_to_end(layers)
    total += w.sum(axis=0)
    total_sq += np.einsum("tij,tij->ij", w, w)


def moments_naive(layers: list[np.ndarray], total: np.ndarray, total_sq: np.ndarray) -> None:
    """The same sums with a Python loop over trials and 2-D matmuls."""
    for t in range(layers[0].shape[0]):
        w = layers[0][t]
        for q in layers[1:]:
            w = q[t] @ w
        total += w
        total_sq += w * w


def monte_carlo_256(trials: int, chunk: int, naive_trials: int, rng: np.random.Generator
                    ) -> None:
    """Time the DLN-LEM-2 Monte-Carlo of ``trials`` products of four 256-wide layers."""
    widths, n = [256] * 5, 256
    layers = draw_layers(widths, [1.0 / n] * 4, rng, trials=chunk)
    flop_chunk = 2.0 * 3 * n**3 * chunk  # three n^3 products per draw (moment sums are O(n^2))
    flop = flop_chunk * trials / chunk
    total, total_sq = np.zeros((n, n)), np.zeros((n, n))
    start = time.perf_counter()
    for _ in range(trials // chunk):
        moments_batched(layers, total, total_sq)
    t_batch = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(naive_trials // chunk):
        moments_naive(layers, total, total_sq)
    t_naive = (time.perf_counter() - start) * trials / naive_trials
    start = time.perf_counter()
    draw_layers(widths, [1.0 / n] * 4, rng, trials=chunk)
    t_draw = (time.perf_counter() - start) * trials / chunk
    # interleaved rounds: best chunk time of each path and best GEMM rates (robust to load)
    best = {"batched": np.inf, "naive": np.inf, "rate_1024": 0.0, "rate_256": 0.0}
    for _ in range(5):
        best["rate_1024"] = max(best["rate_1024"], gemm_rate(1024))
        best["rate_256"] = max(best["rate_256"], gemm_rate(256, batch=chunk))
        for name, fn in (("batched", moments_batched), ("naive", moments_naive)):
            best[name] = min(best[name], best_of(lambda fn=fn: fn(layers, total, total_sq), 1))
    rate = max(best["rate_1024"], best["rate_256"])
    print(f"\nDLN-LEM-2 Monte-Carlo: T = {trials} products of four 256 x 256 layers "
          f"({flop / 1e12:.2f} TFLOP; chunks of {chunk} draws)")
    print(f"GEMM rate (best of 5 rounds): {best['rate_1024'] / 1e9:.1f} GFLOP/s (1024^3), "
          f"{best['rate_256'] / 1e9:.1f} GFLOP/s (batched {chunk} x 256^3)")
    print(f"whole run, batched: {t_batch:.2f} s for T draws; naive loop: {t_naive:.2f} s "
          f"(timed on {naive_trials} draws, scaled x{trials / naive_trials:g}); "
          f"drawing the layers (not included): {t_draw:.2f} s")
    print(f"whole run: naive / batched = {t_naive / t_batch:.2f}, batched time / (flops / rate)"
          f" = {t_batch * rate / flop:.2f}, naive = {t_naive * rate / flop:.2f}")
    print(f"best chunk of 5 interleaved rounds: naive / batched = "
          f"{best['naive'] / best['batched']:.2f}, batched time / (flops / rate) = "
          f"{best['batched'] * rate / flop_chunk:.2f}, naive = "
          f"{best['naive'] * rate / flop_chunk:.2f} (rate = the larger GEMM rate)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="T = 10^3 in the width-256 part")
    args = parser.parse_args()
    rng = np.random.default_rng(12345)
    peak = gemm_rate()
    print(f"GEMM bound (1024^3): {peak / 1e9:.2f} GFLOP/s")
    print(f"{'widths':>22} {'T':>6} {'naive s':>9} {'batched s':>10} {'speed-up':>9} "
          f"{'naive %peak':>12} {'batched %peak':>14}")
    for widths, trials in (([5, 9, 17, 4], 20000), ([8, 25, 25, 25, 8], 20000),
                           ([6, 64, 64, 64, 3], 4000), ([8, 256, 256, 4], 200)):
        layers = draw_layers(widths, [1.0 / w for w in widths[1:]], rng, trials=trials)
        t_naive = best_of(lambda layers=layers: naive(layers), repeat=2)
        t_batch = best_of(lambda layers=layers: batched(layers))
        work = flops(widths, trials)
        print(f"{str(widths):>22} {trials:>6} {t_naive:>9.3f} {t_batch:>10.3f} "
              f"{t_naive / t_batch:>8.1f}x {100 * work / t_naive / peak:>11.1f}% "
              f"{100 * work / t_batch / peak:>13.1f}%")
    trials = 1000 if args.quick else 10_000
    monte_carlo_256(trials, chunk=50, naive_trials=trials // 5, rng=rng)


if __name__ == "__main__":
    main()
