"""Tracy–Widom benchmarks: 1000 cdf points from the Chebyshev table (target: well under 50 ms),
against the same points from direct Fredholm determinants and against scipy's normal cdf (the
cheapest closed form, measured in the same run); also the one-off table build, pdf, ppf and rvs,
and scikit-rmt's Tracy–Widom cdf where it imports (skipped with a note otherwise).

Run: `make bench` or `python benchmarks/bench_tracy_widom.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from timing import best_of


def against_scikit_rmt(s: np.ndarray, ours: float, repeat: int) -> dict:
    try:
        from skrmt.ensemble.tracy_widom_approximator import TW_Approximator
    except ImportError as exc:
        return {"skipped": f"scikit-rmt does not import ({exc})"}
    approx = TW_Approximator(beta=2)
    theirs = best_of(lambda: approx.cdf(s), repeat)
    return {"skrmt_tw2_cdf_s": theirs, "skrmt_over_ours": theirs / ours}


def main(quick: bool = False) -> dict:
    from scipy.stats import norm

    import rmtcheck.laws.tracy_widom as tw

    repeat = 3 if quick else 10
    s = np.linspace(-8.0, 6.0, 1000)
    results: dict = {}
    for beta in (1, 2, 4):
        tw._table.cache_clear()
        law = tw.TracyWidom(beta)
        start = time.perf_counter()
        law.cdf(0.0)
        build = time.perf_counter() - start
        cdf = best_of(lambda law=law: law.cdf(s), repeat)
        direct_points = s[:: 10 if quick else 1]
        direct = best_of(lambda b=beta, x=direct_points: tw.fredholm_values(x, b), 1)
        direct *= s.size / direct_points.size
        results[f"beta{beta}"] = {
            "table_build_s": build,
            "cdf_1000_s": cdf,
            "cdf_over_50ms_budget": cdf / 0.05,
            "cdf_over_scipy_norm_cdf": cdf / best_of(lambda: norm.cdf(s), repeat),
            "direct_fredholm_over_table": direct / cdf,
            "pdf_1000_s": best_of(lambda law=law: law.pdf(s), repeat),
            "ppf_1000_s": best_of(lambda law=law: law.ppf(np.linspace(0.001, 0.999, 1000)), 1),
            "rvs_10000_s": best_of(lambda law=law: law.rvs(10000, random_state=0), 1),
        }
    results["scikit_rmt"] = against_scikit_rmt(s, results["beta2"]["cdf_1000_s"], repeat)
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, sampled direct cost")
    main(parser.parse_args().quick)
