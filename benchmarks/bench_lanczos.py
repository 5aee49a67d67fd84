"""Benchmark of the matrix-free spectral tools (rmtcheck.spectra.lanczos / slq).

1. SLQ density (M steps x n_vec vectors) of a sparse symmetric operator against dense
   eigvalsh of the same matrix, and against the bound of the same number of bare matvecs.
2. FastLanczos vs SlowLanczos (full reorthogonalization) at growing step counts: the
   reorthogonalization adds O(n M^2) work, so the ratio grows like M.

Run: OPENBLAS_NUM_THREADS=1 python benchmarks/bench_lanczos.py [--n 3000] [--big 20000]
"""

from __future__ import annotations

import argparse

import numpy as np
import scipy.sparse as sp
from timing import best_of

from rmtcheck.spectra.compare import ks_statistic
from rmtcheck.spectra.lanczos import as_operator, fast_lanczos, slow_lanczos
from rmtcheck.spectra.slq import DiscreteSpectrum, slq_density


def sparse_symmetric(n: int, per_row: int, rng: np.random.Generator) -> sp.csr_matrix:
    """A random sparse symmetric matrix with about 2 * per_row nonzeros per row."""
    a = sp.random(n, n, density=per_row / n, random_state=rng, data_rvs=rng.standard_normal)
    return ((a + a.T) / np.sqrt(2 * per_row)).tocsr()


def bench_slq_vs_dense(n: int, steps: int, n_vec: int) -> None:
    rng = np.random.default_rng(0)
    a = sparse_symmetric(n, 10, rng)
    op = as_operator(a)
    dense = a.toarray()
    t_eig = best_of(lambda: np.linalg.eigvalsh(dense), repeat=1)
    t_slq = best_of(lambda: slq_density(op, steps, n_vec, rng=np.random.default_rng(1)))
    v = rng.standard_normal(n)
    calls = steps * n_vec + 32  # SLQ matvecs plus the Normalization run
    t_mv = best_of(lambda: [op.matvec(v) for _ in range(calls)])
    ks = ks_statistic(slq_density(op, steps, n_vec, rng=np.random.default_rng(1)).quantiles(n),
                      DiscreteSpectrum(np.linalg.eigvalsh(dense)))
    print(f"SLQ vs dense eigvalsh, sparse n={n}, nnz={a.nnz}, M={steps}, n_vec={n_vec}")
    print(f"  dense eigvalsh        {t_eig:8.3f} s")
    print(f"  SLQ density           {t_slq:8.3f} s   speed-up x{t_eig / t_slq:.1f}")
    print(f"  bare matvecs (bound)  {t_mv:8.3f} s   SLQ / bound = {t_slq / t_mv:.2f}")
    print(f"  KS(SLQ CDF, exact CDF) = {ks:.4f}  (tolerance 3.2/sqrt(n n_vec) + 1.5/M = "
          f"{3.2 / np.sqrt(n * n_vec) + 1.5 / steps:.4f})")


def bench_fast_vs_slow(n: int, steps_list: list[int]) -> None:
    rng = np.random.default_rng(2)
    op = as_operator(sparse_symmetric(n, 10, rng))
    v = rng.standard_normal(n)
    print(f"FastLanczos vs SlowLanczos, sparse n={n}")
    for steps in steps_list:
        t_fast = best_of(lambda s=steps: fast_lanczos(op, s, v0=v))
        t_slow = best_of(lambda s=steps: slow_lanczos(op, s, v0=v), repeat=1)
        t_mv = best_of(lambda s=steps: [op.matvec(v) for _ in range(s)])
        print(f"  M={steps:5d}  fast {t_fast:7.3f} s (x{t_fast / t_mv:.2f} bare matvecs)  "
              f"slow {t_slow:7.3f} s  slow/fast x{t_slow / t_fast:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="size for the dense comparison")
    parser.add_argument("--big", type=int, default=20000, help="size for fast vs slow")
    parser.add_argument("--steps", type=int, default=128)
    parser.add_argument("--n-vec", type=int, default=10)
    args = parser.parse_args()
    bench_slq_vs_dense(args.n, args.steps, args.n_vec)
    bench_fast_vs_slow(args.big, [100, 300, 600])


if __name__ == "__main__":
    main()
