"""Marchenko–Pastur check by Sturm counts on the Dumitriu–Edelman tridiagonal model at
p = 10^6, n = 2 * 10^6: KS bracket of width <= 1e-3 and the edges.

Targets: under 20 s wall and under 1 GiB. Reports the wall time of the check (after a small
warm-up call that loads the Numba cache), the peak of traced Python/NumPy allocations
(tracemalloc) and the process's peak resident set (getrusage, which also counts the
interpreter and the Numba runtime). The machine may be shared: times vary between runs.

Run: `python benchmarks/bench_sturm.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import tracemalloc

from rmtcheck.spectra.sturm import mp_check_tridiagonal


def main(quick: bool = False) -> dict:
    p = 10**5 if quick else 10**6
    mp_check_tridiagonal(100, 200, 0)  # JIT compile or cache load, not timed
    tracemalloc.start()
    start = time.perf_counter()
    check = mp_check_tridiagonal(p, 2 * p, 0, width=1e-3)
    wall = time.perf_counter() - start
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    result = {
        **check,
        "wall_s": wall,
        "target_wall_s": 20.0,
        "traced_peak_mib": traced_peak / 2**20,
        "rss_peak_mib": rss_peak / 2**20,
        "target_memory_mib": 1024.0,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="p = 10^5")
    main(parser.parse_args().quick)
