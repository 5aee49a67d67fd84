"""Benchmark: batched Monte-Carlo of random matrix products (rmtcheck.ensembles.products).

Computes the Gram matrices B^2..B^{N+1} and A^0..A^{N-1} of T independent products
Q_N ... Q_1 (eq. 6 of 002_c98a5a9dc558f5a6.txt; claims DLN-THM-3, DLN-LEM-2) three ways:
- naive: a Python loop over trials, one small NumPy product at a time;
- batched: the library path, np.matmul on (T, m_n, m_{n-1}) stacks (grams_b / grams_a);
- bound: the same multiply-add count done by one large GEMM (the BLAS peak on this machine).
Random draws are made once up front and shared, so only the products are timed.
Prints the batched-over-naive speed-up and the fraction of GEMM peak each path reaches.
Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_products.py
"""

from __future__ import annotations

import timeit

import numpy as np

from rmtcheck.ensembles.products import draw_layers, grams_a, grams_b


def _best(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` single calls (seconds)."""
    return min(timeit.repeat(fn, number=1, repeat=repeat))


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


def gemm_rate(n: int = 1024) -> float:
    """Flop rate of one n x n GEMM (the bound)."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    return 2.0 * n**3 / _best(lambda: a @ b)


def main() -> None:
    rng = np.random.default_rng(12345)
    peak = gemm_rate()
    print(f"GEMM bound (1024^3): {peak / 1e9:.2f} GFLOP/s")
    print(f"{'widths':>22} {'T':>6} {'naive s':>9} {'batched s':>10} {'speed-up':>9} "
          f"{'naive %peak':>12} {'batched %peak':>14}")
    for widths, trials in (([5, 9, 17, 4], 20000), ([8, 25, 25, 25, 8], 20000),
                           ([6, 64, 64, 64, 3], 4000), ([8, 256, 256, 4], 200)):
        layers = draw_layers(widths, [1.0 / w for w in widths[1:]], rng, trials=trials)
        t_naive = _best(lambda layers=layers: naive(layers), repeat=2)
        t_batch = _best(lambda layers=layers: batched(layers))
        work = flops(widths, trials)
        print(f"{str(widths):>22} {trials:>6} {t_naive:>9.3f} {t_batch:>10.3f} "
              f"{t_naive / t_batch:>8.1f}x {100 * work / t_naive / peak:>11.1f}% "
              f"{100 * work / t_batch / peak:>13.1f}%")


if __name__ == "__main__":
    main()
