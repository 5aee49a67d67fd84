"""Foundation benchmarks: the MP check, the generators and the Wishart eigenvalues.

Ratios are taken against bounds measured in the same run:
- full MP check (sample, Gram, eigvalsh, KS, W1, verdict) / bare numpy.linalg.eigvalsh of
  the same p x p matrix (target <= 1.15), with the parts (sampling X and forming X X^T / n
  are work a bare eigvalsh is handed for free) and the check on the O(p^2) tridiagonal path;
- rmtcheck.random_matrix / bare Generator.standard_normal, and rmtcheck.wishart_eigvalsh /
  (X @ X.T / n then numpy eigvalsh) (target <= 1.1);
- Gaussian Wishart eigenvalues (p = 2000, n = 4000) against scikit-rmt's WishartEnsemble,
  dense and tridiagonal (target: no slower); skipped with a note when scikit-rmt is absent.

Run: `make bench` or `python benchmarks/bench_foundation.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import warnings

import numpy as np
from timing import best_of

import rmtcheck as rc


def mp_check_vs_eigvalsh(p: int, repeat: int) -> dict:
    """The whole check (sample X, Gram, eigvalsh, KS/W1, verdict) and its parts, against a
    bare eigvalsh of the same p x p matrix; also the check on the tridiagonal path."""
    n = 2 * p
    params = {"p": p, "ratio": 0.5}
    check = best_of(lambda: rc.check("RMT-MP-LAW", params), repeat)
    tri = best_of(lambda: rc.check("RMT-MP-LAW", {**params, "method": "tridiagonal"}), repeat)
    sample = best_of(lambda: rc.random_matrix(p, n, rng=0), repeat)
    x = rc.random_matrix(p, n, rng=0)
    gram = best_of(lambda: x @ x.T / n, repeat)
    s = x @ x.T / n
    bare = best_of(lambda: np.linalg.eigvalsh(s), repeat)
    values = np.linalg.eigvalsh(s)
    law = rc.MarchenkoPastur(0.5)
    compare = best_of(lambda: rc.compare_to_law(values, law), repeat)
    return {
        "p": p,
        "check_s": check,
        "eigvalsh_s": bare,
        "sample_s": sample,
        "gram_s": gram,
        "compare_s": compare,
        "ratio_full_check": check / bare,
        "ratio_given_the_matrix": (check - sample - gram) / bare,
        "ratio_tridiagonal_check": tri / bare,
    }


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import scipy.misc

    if not hasattr(scipy.misc, "derivative"):
        # scikit-rmt 2.1 imports scipy.misc.derivative, removed in SciPy 1.12; the Wishart
        # sampler and eigvals do not use it, so a placeholder lets the import succeed.
        scipy.misc.derivative = None
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
