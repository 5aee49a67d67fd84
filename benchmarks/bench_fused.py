"""Fused one-pass generators against their NumPy versions, in the same run.

- two-layer features at Table 1's size (Wang et al. 2023: n = 2000, d = 1000, h = 1500):
  ``two_layer_features(W, X, act)`` (one GEMM, one fused pass for sigma_norm and its slope)
  against ``act(Z), act.derivative(Z)`` with ``Z = preactivations(W, X)``, for every
  activation; the GEMM is common to both, so the elementwise part is also timed alone
  (``features_in_place`` against the two NumPy calls on a given Z);
- CCM(D = 1000, C = 10) with n = 200 per class: ``ccm_sample_counter`` against ``ccm_sample``.
Best of ``repeat`` interleaved runs; ratios NumPy / fused (> 1: the fused one is faster).
Numba runs with its default thread count; the machine may be shared.

Run: `python benchmarks/bench_fused.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from timing import best_of

from rmtcheck.ensembles.ccm import ccm_sample
from rmtcheck.ensembles.fused import ccm_sample_counter, features_in_place, two_layer_features
from rmtcheck.laws.activations import ACTIVATIONS, get_activation
from rmtcheck.laws.two_layer_kernels import preactivations


def _numpy_features(W: np.ndarray, X: np.ndarray, act) -> tuple:  # noqa: ANN001
    z = preactivations(W, X)
    return act(z), act.derivative(z)


def features(n: int, d: int, h: int, repeat: int) -> dict:
    rng = np.random.default_rng(0)
    W, X = rng.standard_normal((h, d)), rng.standard_normal((d, n))
    z = preactivations(W, X)
    work = z.copy()  # overwritten by every timed call: timing only
    out = {}
    for name in ACTIVATIONS:
        act = get_activation(name)
        two_layer_features(W[:2], X[:, :2], name)  # compile or load the cache
        fused = best_of(lambda a=name: two_layer_features(W, X, a), repeat)
        bare = best_of(lambda a=act: _numpy_features(W, X, a), repeat)
        pass_only = best_of(lambda a=name: features_in_place(work, a), repeat)
        numpy_only = best_of(lambda a=act: (a(z), a.derivative(z)), repeat)
        out[name] = {
            "fused_s": fused,
            "numpy_s": bare,
            "ratio": bare / fused,
            "elementwise_fused_s": pass_only,
            "elementwise_numpy_s": numpy_only,
            "elementwise_ratio": numpy_only / pass_only,
        }
    return out


def ccm(D: int, C: int, n: int, repeat: int) -> dict:
    ccm_sample_counter(0, D, C, 2, 1.0)  # compile or load the cache
    fused = best_of(lambda: ccm_sample_counter(1, D, C, n, 2.0), repeat)
    bare = best_of(lambda: ccm_sample(np.random.default_rng(1), D, C, n, 2.0), repeat)
    return {"fused_s": fused, "numpy_s": bare, "ratio": bare / fused}


def main(quick: bool = False) -> dict:
    repeat = 2 if quick else 5
    n, d, h = (500, 250, 400) if quick else (2000, 1000, 1500)
    result = {
        "n": n,
        "d": d,
        "h": h,
        "two_layer_features": features(n, d, h, repeat),
        "ccm": {"D": 1000, "C": 10, "n": 200, **ccm(1000, 10, 50 if quick else 200, repeat)},
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, two repeats")
    main(parser.parse_args().quick)
