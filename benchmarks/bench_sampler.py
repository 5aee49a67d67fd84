"""Counter-based Gaussian sampler (Philox-4x32-10 + ziggurat, Numba, 2 threads) against
numpy.random.Generator.standard_normal (one thread) for a 4000 x 8000 matrix, in the same run.

Both fill a preallocated float64 array (``out=``) so that page faults of a fresh allocation
are not timed; runs are interleaved and every run is reported, with the ratio of the best
times (target: numpy / counter >= 1.8). The machine may be shared: see the per-run spread.

Run: `python benchmarks/bench_sampler.py [--quick] [--threads 2]`.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main(quick: bool = False, threads: int = 2) -> dict:
    os.environ.setdefault("NUMBA_NUM_THREADS", str(threads))
    import numba
    import numpy as np

    from rmtcheck.ensembles.counter_rng import _fill, counter_key
    from rmtcheck.ensembles.counter_tables import _LAW_CODE, _ZF, _ZX

    numba.set_num_threads(threads)
    p, n = (1000, 2000) if quick else (4000, 8000)
    runs = 3 if quick else 7
    out = np.empty((p, n))
    key = np.uint64(counter_key(np.random.default_rng(0)))
    gen = np.random.default_rng(0)

    def ours() -> None:
        _fill(out, key, 0, 0, 0, _LAW_CODE["gaussian"], 1.0, 8.0, _ZX, _ZF)

    def bare() -> None:
        gen.standard_normal(out=out)

    ours()  # JIT compile (or cache load) outside the timing
    bare()
    times: dict[str, list[float]] = {"counter": [], "numpy": []}
    for _ in range(runs):
        for name, fn in (("counter", ours), ("numpy", bare)):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    result = {
        "p": p,
        "n": n,
        "threads": numba.get_num_threads(),
        "counter_s": times["counter"],
        "numpy_s": times["numpy"],
        "speedup_best": min(times["numpy"]) / min(times["counter"]),
        "speedup_median": float(np.median(times["numpy"]) / np.median(times["counter"])),
        "target_speedup": 1.8,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1000 x 2000, three runs")
    parser.add_argument("--threads", type=int, default=2, help="Numba threads (default 2)")
    args = parser.parse_args()
    main(args.quick, args.threads)
