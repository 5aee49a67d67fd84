"""Benchmarks for the softmax-regression FIM (Papyan 2020, Sec. 8; rmtcheck.theory.papyan2020.fim).

1. Matrix-free matvec (O(N C (D + C))) against the dense DC x DC matvec and against its bound,
   the two bare GEMMs X V^T and U^T X that the operator performs.
2. Dense FIM build (one GEMM of shape (D C^2) x N x D) against the naive per-sample Kronecker
   loop and against a bare GEMM of the same shape.
3. Closed-form Lemma 8.1 operator (O(D C^2)) against the dense E G matvec.

The sample operator beats a dense matvec once N C (D + C) < (D C)^2, i.e. roughly N < D C;
its point is memory (N (D + C) numbers instead of (D C)^2) when D C is large.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_papyan.py``.
"""

from __future__ import annotations

import numpy as np
import rmtcheck.theory.papyan2020.fim as fim
from timing import best_of  # same folder: shared timing helpers

from rmtcheck.ensembles.ccm import softmax_probs


def bench_matvec(N: int, D: int, C: int, rng: np.random.Generator) -> None:
    X = rng.standard_normal((N, D))
    P = softmax_probs(rng.standard_normal((C, D)), X)
    op, G = fim.fim_operator(X, P), fim.fim_dense(X, P)
    v = rng.standard_normal(D * C)
    V = v.reshape(C, D, order="F")
    t_op = best_of(lambda: op.matvec(v), 5)
    t_dense = best_of(lambda: G @ v, 5)
    t_bound = best_of(lambda: (X @ V.T).T @ X, 5)
    print(f"matvec N={N} D={D} C={C}: operator {t_op * 1e3:.3f} ms, dense {t_dense * 1e3:.3f} ms "
          f"(ratio dense/operator {t_dense / t_op:.2f}); operator / bare-GEMM bound "
          f"{t_op / t_bound:.2f}; operator memory {N * (D + C) * 8 / 1e6:.1f} MB vs dense "
          f"{(D * C) ** 2 * 8 / 1e6:.1f} MB")


def bench_build(N: int, D: int, C: int, rng: np.random.Generator) -> None:
    X = rng.standard_normal((N, D))
    P = softmax_probs(rng.standard_normal((C, D)), X)
    A = rng.standard_normal((D * C * C, N))
    t_fast = best_of(lambda: fim.fim_dense(X, P), 3)
    t_naive = best_of(lambda: fim.fim_naive(X, P), 1)
    t_gemm = best_of(lambda: A @ X, 3)
    assert np.allclose(fim.fim_dense(X, P), fim.fim_naive(X, P), atol=1e-13)
    print(f"dense build N={N} D={D} C={C}: block GEMM {t_fast * 1e3:.2f} ms, naive loop "
          f"{t_naive * 1e3:.1f} ms (speed-up {t_naive / t_fast:.0f}x); build / bare GEMM "
          f"{t_fast / t_gemm:.2f}")


def bench_expected(D: int, C: int, rng: np.random.Generator) -> None:
    op, G = fim.expected_fim_operator(D, C, 2.0, 0.3), fim.expected_fim(D, C, 2.0, 0.3)
    v = rng.standard_normal(D * C)
    t_op, t_dense = best_of(lambda: op.matvec(v), 5), best_of(lambda: G @ v, 5)
    print(f"Lemma 8.1 D={D} C={C}: operator {t_op * 1e6:.1f} us, dense {t_dense * 1e6:.1f} us "
          f"(ratio dense/operator {t_dense / t_op:.2f})")


def main() -> None:
    rng = np.random.default_rng(0)
    for N, D, C in [(2000, 50, 10), (5000, 200, 10), (2000, 300, 15)]:
        bench_matvec(N, D, C, rng)
    for N, D, C in [(500, 20, 5), (2000, 30, 10)]:
        bench_build(N, D, C, rng)
    for D, C in [(100, 10), (1000, 20)]:
        bench_expected(D, C, rng)


if __name__ == "__main__":
    main()
