"""beta-Hermite benchmarks: the Dumitriu–Edelman tridiagonal GOE spectrum against a dense GOE
eigvalsh of the same size (speed-up, measured in the same run; default n = 4000), the top
eigenvalue alone by bisection, and scikit-rmt's GOE sampler and Tracy–Widom cdf where it
imports (ratios; skipped with a note otherwise).

Run: `make bench` or `python benchmarks/bench_hermite.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from timing import best_of

from rmtcheck.ensembles.hermite import hermite_eigvalsh, hermite_matrix, hermite_top_eigenvalue
from rmtcheck.laws.tracy_widom import TracyWidom


def against_scikit_rmt(n: int, ours_goe: float, ours_tw: float, repeat: int) -> dict:
    try:
        from skrmt.ensemble.gaussian_ensemble import GaussianEnsemble
        from skrmt.ensemble.tracy_widom_approximator import TW_Approximator
    except ImportError as exc:
        return {"skipped": f"scikit-rmt does not import ({exc})"}
    goe = best_of(lambda: GaussianEnsemble(beta=1, n=n, tridiagonal_form=True).eigvals(), repeat)
    s = np.linspace(-8.0, 6.0, 1000)
    tw = best_of(lambda: TW_Approximator(beta=1).cdf(s), repeat)
    return {
        "skrmt_goe_tridiagonal_over_ours": goe / ours_goe,
        "skrmt_tw1_cdf_over_ours": tw / ours_tw,
    }


def main(quick: bool = False) -> dict:
    n = 1000 if quick else 4000
    repeat = 1 if quick else 3
    dense = best_of(lambda: np.linalg.eigvalsh(hermite_matrix(n, 1, 0)), 1)
    tri = best_of(lambda: hermite_eigvalsh(n, 1, 0, method="tridiagonal"), repeat)
    top = best_of(lambda: hermite_top_eigenvalue(n, 1, 0), repeat)
    s = np.linspace(-8.0, 6.0, 1000)
    law = TracyWidom(1)
    law.cdf(0.0)  # build the table outside the timing
    tw = best_of(lambda: law.cdf(s), 10)
    results = {
        "n": n,
        "dense_goe_sample_and_eigvalsh_s": dense,
        "tridiagonal_goe_eigvalsh_s": tri,
        "tridiagonal_speedup": dense / tri,
        "top_eigenvalue_s": top,
        "top_eigenvalue_speedup_over_tridiagonal": tri / top,
        "scikit_rmt": against_scikit_rmt(n, tri, tw, repeat),
    }
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 1000, one repeat")
    main(parser.parse_args().quick)
