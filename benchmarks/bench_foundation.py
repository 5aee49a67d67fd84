"""Foundation benchmarks: the MP check, the generators and the Wishart eigenvalues.

Ratios are taken against bounds measured in the same run:
- full MP check (sample, Gram, eigvalsh, KS, W1, verdict) / bare numpy.linalg.eigvalsh of
  the same p x p matrix (target <= 1.15);
- rmtcheck.random_matrix / bare Generator.standard_normal, and rmtcheck.wishart_eigvalsh /
  (X @ X.T / n then numpy eigvalsh) (target <= 1.1);
- Gaussian Wishart eigenvalues (p = 2000, n = 4000) against scikit-rmt's WishartEnsemble,
  dense and tridiagonal (target: no slower); skipped with a note when scikit-rmt is absent.

Run: `make bench` or `python benchmarks/bench_foundation.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import numpy as np

import rmtcheck as rc


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def mp_check_vs_eigvalsh(p: int, repeat: int) -> dict:
    n = 2 * p
    check = best_of(lambda: rc.check("RMT-MP-LAW", {"p": p, "ratio": 0.5}), repeat)
    x = rc.random_matrix(p, n, rng=0)
    s = x @ x.T / n
    bare = best_of(lambda: np.linalg.eigvalsh(s), repeat)
    return {"p": p, "check_s": check, "eigvalsh_s": bare, "ratio": check / bare}


def generators(p: int, repeat: int) -> dict:
    n = 2 * p
    ours = best_of(lambda: rc.random_matrix(p, n, rng=1), repeat)
    bare = best_of(lambda: np.random.default_rng(1).standard_normal((p, n)), repeat)
    x = rc.random_matrix(p, n, rng=1)
    eig_ours = best_of(lambda: rc.wishart_eigvalsh(x), repeat)
    eig_bare = best_of(lambda: np.linalg.eigvalsh(x @ x.T / n), repeat)
    return {
        "p": p,
        "random_matrix_ratio": ours / bare,
        "wishart_eigvalsh_ratio": eig_ours / eig_bare,
        "random_matrix_s": ours,
        "wishart_eigvalsh_s": eig_ours,
    }


def against_scikit_rmt(p: int, n: int, repeat: int) -> dict:
    try:
        from skrmt.ensemble.wishart_ensemble import WishartEnsemble
    except ImportError:
        return {"skipped": "scikit-rmt is not installed (make bench installs it)"}
    dense_ours = best_of(lambda: rc.wishart_eigvalsh(rc.random_matrix(p, n, rng=2)), repeat)
    dense_skrmt = best_of(
        lambda: WishartEnsemble(1, p, n, random_state=2).eigvals(normalize=True), repeat
    )
    tri_ours = best_of(lambda: rc.laguerre_eigvalsh(p, n, 3), repeat)
    tri_skrmt = best_of(
        lambda: WishartEnsemble(1, p, n, tridiagonal_form=True, random_state=3).eigvals(
            normalize=True
        ),
        repeat,
    )
    return {
        "p": p,
        "n": n,
        "dense_ours_s": dense_ours,
        "dense_skrmt_s": dense_skrmt,
        "dense_ratio": dense_ours / dense_skrmt,
        "tridiagonal_ours_s": tri_ours,
        "tridiagonal_skrmt_s": tri_skrmt,
        "tridiagonal_ratio": tri_ours / tri_skrmt,
    }


def main(quick: bool = False) -> dict:
    repeat = 1 if quick else 3
    sizes = [500] if quick else [2000, 4000]
    results = {
        "mp_check_vs_eigvalsh": [mp_check_vs_eigvalsh(p, repeat) for p in sizes],
        "generators": generators(500 if quick else 2000, repeat),
        "scikit_rmt": against_scikit_rmt(*((500, 1000) if quick else (2000, 4000)), repeat),
    }
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    main(parser.parse_args().quick)
