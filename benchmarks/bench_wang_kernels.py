"""Benchmarks for the two-layer CK / NTK kernels (Wang et al. 2023; laws.two_layer_kernels).

1. CK + NTK build (eq. 5, both layers: W X, sigma(Z)^T sigma(Z), G^T G, X^T X, plus
   O(hn + n^2) entrywise work) against the GEMM-rate bound for its FLOP count
   (2hdn + 2hn^2 + dn^2, the symmetric products as BLAS syrk) at the rate of a square GEMM
   measured in the same run (target <= 1.3), in float64 and float32; and against the
   same four bare GEMMs.
2. The same build against the naive per-pair loop of the definitions (eq. (4), (5)).
3. The Hadamard form of K_1 against the explicit Jacobian Gram J J^T (J: n x hd).
4. Context: eigvalsh of the kernel and the CK limit-law solve (WANG-DEF-CK-LIMIT).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_wang_kernels.py``.
"""

from __future__ import annotations

import numpy as np
from timing import best_of, gemm_rate  # same folder: shared timing helpers

from rmtcheck.ensembles.two_layer import sample_problem
from rmtcheck.laws.ck_limit import ck_limit_for
from rmtcheck.laws.two_layer_kernels import (
    ck_kernel,
    jacobian_first_layer,
    tangent_kernel,
    tangent_kernel_first_layer,
)


def naive_kernels(W, v, X, act):
    """K^CK and K_1 entry by entry from their per-sample definitions."""
    h, d = W.shape
    n = X.shape[1]
    Z = [W @ X[:, a] / np.sqrt(d) for a in range(n)]
    ck, k1 = np.empty((n, n)), np.empty((n, n))
    for a in range(n):
        for b in range(n):
            ck[a, b] = act(Z[a]) @ act(Z[b]) / h
            k1[a, b] = (X[:, a] @ X[:, b] / d) * np.sum(v**2 * act.derivative(Z[a])
                                                       * act.derivative(Z[b])) / h
    return ck, k1


def bench_build(n: int, h: int, d: int, rng: np.random.Generator, dtype: str) -> None:
    p = sample_problem(rng, d, n, h)
    W, v, X = (a.astype(dtype) for a in (p.W, p.v, p.X))
    A, B = rng.standard_normal((h, n)).astype(dtype), rng.standard_normal((d, n)).astype(dtype)

    def bound():
        W @ X
        A.T @ A
        A.T @ A
        B.T @ B

    # W X is a GEMM (2 h d n flops); A^T A-type products are symmetric (BLAS syrk: k n^2)
    flops = 2 * h * d * n + 2 * h * n**2 + d * n**2
    rate = gemm_rate(1500, dtype=dtype, repeat=3)
    t_fast = best_of(lambda: tangent_kernel(W, v, X, p.activation), 3)
    t_gemm = best_of(bound, 3)
    print(f"[{dtype}] CK + NTK build n={n} h={h} d={d}: {t_fast * 1e3:.1f} ms; / GEMM-rate "
          f"bound ({rate / 1e9:.1f} GFLOP/s) {flops / rate * 1e3:.1f} ms = "
          f"{t_fast * rate / flops:.2f}; / its bare GEMMs {t_gemm * 1e3:.1f} ms = "
          f"{t_fast / t_gemm:.2f}")


def bench_naive(n: int, h: int, d: int, rng: np.random.Generator) -> None:
    p = sample_problem(rng, d, n, h)
    t_fast = best_of(lambda: (ck_kernel(p.W, p.X, p.activation),
                              tangent_kernel_first_layer(p.W, p.v, p.X, p.activation)), 5)
    t_naive = best_of(lambda: naive_kernels(p.W, p.v, p.X, p.activation), 1)
    ck, k1 = naive_kernels(p.W, p.v, p.X, p.activation)
    assert np.allclose(ck, ck_kernel(p.W, p.X, p.activation), atol=1e-12)
    assert np.allclose(k1, tangent_kernel_first_layer(p.W, p.v, p.X, p.activation), atol=1e-12)
    print(f"vs naive pair loop n={n} h={h} d={d}: GEMM form {t_fast * 1e3:.2f} ms, loop "
          f"{t_naive * 1e3:.0f} ms (speed-up {t_naive / t_fast:.0f}x)")


def bench_jacobian(n: int, h: int, d: int, rng: np.random.Generator) -> None:
    p = sample_problem(rng, d, n, h)
    t_fast = best_of(lambda: tangent_kernel_first_layer(p.W, p.v, p.X, p.activation), 3)

    def explicit():
        J = jacobian_first_layer(p.W, p.v, p.X, p.activation)
        return J @ J.T

    t_jac = best_of(explicit, 1)
    print(f"K_1 vs explicit J J^T n={n} h={h} d={d}: Hadamard {t_fast * 1e3:.2f} ms, Jacobian "
          f"{t_jac * 1e3:.0f} ms (speed-up {t_jac / t_fast:.0f}x; "
          f"J takes {n * h * d * 8 / 1e6:.0f} MB)")


def bench_context(n: int, h: int, d: int, rng: np.random.Generator) -> None:
    p = sample_problem(rng, d, n, h)
    K = tangent_kernel(p.W, p.v, p.X, p.activation)
    t_build = best_of(lambda: tangent_kernel(p.W, p.v, p.X, p.activation), 2)
    t_eig = best_of(lambda: np.linalg.eigvalsh(K), 2)
    t_law = best_of(lambda: ck_limit_for(n, h, d, p.activation), 2)
    print(f"context n={n}: kernel build {t_build:.3f} s, eigvalsh {t_eig:.3f} s "
          f"(build / eigvalsh {t_build / t_eig:.2f}); CK limit-law solve {t_law:.3f} s")


def main() -> None:
    rng = np.random.default_rng(0)
    for dtype in ("float64", "float32"):
        for n, h, d in [(500, 375, 250), (2000, 1500, 1000)]:
            bench_build(n, h, d, rng, dtype)
    bench_naive(120, 90, 60, rng)
    bench_jacobian(300, 150, 100, rng)
    bench_context(2000, 1500, 1000, rng)


if __name__ == "__main__":
    main()
