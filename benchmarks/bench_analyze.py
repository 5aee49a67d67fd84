"""Speed of `rmtcheck.analyze` on one 4096 x 4096 layer against the bare eigensolver.

The bound is numpy's eigvalsh of the same 4096 x 4096 Gram matrix X X^T / n, measured in the
same run; the default analysis (Gram product, eigvalsh, MP fit with KS and W1, Tracy–Widom
step-down spike test, CSN power-law fit, class) is reported as a ratio to it, after one
warm-up call (the first analysis in a process also builds the Tracy–Widom table), the bare
and full runs alternating and the best of each kept. The CSN
goodness-of-fit bootstrap is opt-in and timed separately (seconds per refit). Target: the
default analysis under 5 s on the machine that runs the issue's check.

Run: `python benchmarks/bench_analyze.py [--size 4096] [--bootstrap 5]`.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from timing import best_of  # sibling module: benchmarks/ is on sys.path

from rmtcheck.analyze.layer import analyze_layer
from rmtcheck.analyze.loaders import Layer
from rmtcheck.spectra.layer_spectrum import gram_eigenvalues
from rmtcheck.spectra.power_law import fit_power_law
from rmtcheck.spectra.spikes import fit_bulk


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--bootstrap", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    w = rng.standard_normal((args.size, args.size))
    layer = Layer("w", w, w.shape)
    gram = w @ w.T / args.size
    start = time.perf_counter()
    analyze_layer(Layer("warm-up", w[:64, :128], (64, 128)))  # builds the TW1 table once
    t_first = time.perf_counter() - start
    # bare and full runs alternate, so that a change in the machine's load hits both
    t_eig = t_total = np.inf
    for _ in range(args.repeat):
        t_eig = min(t_eig, best_of(lambda: np.linalg.eigvalsh(gram), 1))
        t_total = min(t_total, best_of(lambda: analyze_layer(layer), 1))
    t_gram = best_of(lambda: w @ w.T, args.repeat)
    eigs, n = gram_eigenvalues(w)
    t_bulk = best_of(lambda: fit_bulk(eigs, n), args.repeat)
    t_tail = best_of(lambda: fit_power_law(eigs), args.repeat)
    start = time.perf_counter()
    fit_power_law(eigs, bootstrap=args.bootstrap, rng=1)
    t_boot = (time.perf_counter() - start - t_tail) / max(args.bootstrap, 1)
    result = {
        "size": args.size,
        "eigvalsh_s": t_eig,
        "gram_product_s": t_gram,
        "analyze_layer_s": t_total,
        "ratio_to_eigvalsh": t_total / t_eig,
        "bulk_fit_and_spike_test_s": t_bulk,
        "power_law_fit_s": t_tail,
        "bootstrap_s_per_refit": t_boot,
        "first_call_overhead_s": t_first,
        "under_5_s": t_total < 5.0,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
