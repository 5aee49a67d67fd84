"""Locate the learning-rate threshold eta* of the SGD spike transition (Wang et al. 2023,
Sec. 5.2, Fig. 2) by bisection per seed, the seeds on local processes:

    python -m rmtcheck.simulations.wang2023.eta_star --n 500 --lo 12 --hi 19 \\
        --seeds 0 1 2 3 4 --workers 2 --json eta_n500.json

Prints each seed's bracket and eta* (mean of the bracket midpoints) with its 95% interval
(:func:`rmtcheck.theory.wang2023.threshold.estimate`). Rates in the paper's (MSELoss) units.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

from rmtcheck import validate
from rmtcheck.errors import InputError
from rmtcheck.sweep import Processes
from rmtcheck.theory.wang2023.threshold import bisect_seed, estimate


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True,
                    help="training points (50..10000); h = 0.75 n, d = 0.5 n")
    ap.add_argument("--lo", type=float, required=True, help="a rate without the spike")
    ap.add_argument("--hi", type=float, required=True, help="a rate with the spike")
    ap.add_argument("--steps", type=int, default=4,
                    help="bisection steps per seed (0..60, default 4)")
    ap.add_argument("--batch-size", type=int, default=32,
                    help="SGD batch size (1..n, default 32 as in the paper)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4],
                    help="3 or more distinct seeds, one bisection each (default 0..4)")
    ap.add_argument("--workers", type=int, default=2,
                    help="local worker processes, one seed each (1..256, default 2)")
    ap.add_argument("--json", help="write the brackets and the estimate here")
    a = ap.parse_args(argv)
    validate.integer("--n", a.n, 50, 10_000)
    validate.integer("--steps", a.steps, 0, 60)
    validate.integer("--batch-size", a.batch_size, 1, a.n)
    validate.integer("--workers", a.workers, 1, 256)
    for seed in a.seeds:
        validate.integer("--seeds", seed, 0, 2**32 - 1)
    if len(set(a.seeds)) < 3 or len(set(a.seeds)) != len(a.seeds):
        raise InputError("--seeds", f"{a.seeds}", "3 or more distinct seeds")
    if not 0 < validate.positive("--lo", a.lo) < validate.positive("--hi", a.hi):
        raise InputError("--hi", f"{a.hi} is not above --lo {a.lo}", "lo < hi")
    start = time.perf_counter()
    with Processes(a.workers) as ex:
        run = partial(bisect_seed, batch_size=a.batch_size)
        futures = [ex.submit(run, s, a.n, a.lo, a.hi, a.steps) for s in a.seeds]
        brackets = [f.result() for f in futures]
    wall = time.perf_counter() - start
    for b in brackets:
        runs = " ".join(f"{lr:g}:{'S' if r['spike'] else ('D' if r['diverged'] else '-')}"
                        for lr, r in sorted(b["runs"].items()))
        print(f"seed {b['seed']}: [{b['lo']:.3f}, {b['hi']:.3f}] valid {b['valid']:.0f}  {runs}")
    est = estimate(brackets)
    print(f"n = {a.n}, batch {a.batch_size}: eta* = {est['eta_star']:.3f} "
          f"[{est['lo']:.3f}, {est['hi']:.3f}] ({est['seeds']:.0f} seeds, {wall:.0f} s wall)")
    out = {"n": a.n, "batch_size": a.batch_size, "estimate": est, "wall_seconds": wall,
           "brackets": [{**b, "runs": {str(k): v for k, v in b["runs"].items()}}
                        for b in brackets]}
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return out


if __name__ == "__main__":
    try:
        main()
    except InputError as err:  # bad input: one line, exit 2, no traceback
        print(f"eta_star: {err}", file=sys.stderr)
        raise SystemExit(2) from None
