"""Gramian benchmark: the per-layer Hadamard Gramian against the explicit Jacobian J J^T.

For an FC net on N points the per-layer identity G = sum_l (Gamma_l Gamma_l^T) .* (H_l H_l^T + 1)
needs 2 N^2 sum_l (n_{l-1} + n_l) GEMM flops and O(N^2) memory; the explicit route builds the
N x |theta| Jacobian (O(N |theta|) memory) and spends 2 N^2 |theta| flops on J J^T.
Ratios against bounds measured in the same run:
- Hadamard Gramian / its GEMM bound (the bare H_l H_l^T and Gamma_l Gamma_l^T products of the
  same shapes; target <= 2: forward/backward and the elementwise passes are the overhead);
- explicit J J^T (Jacobian build + product) / Hadamard Gramian (the speed-up; > 1 expected);
- peak traced memory of both routes (tracemalloc);
- a numba-fused elementwise accumulation against the NumPy passes, to decide whether numba
  earns its place (it is used in the library only if this ratio is clearly below 1).

Run: `python benchmarks/bench_gramian.py [--quick]` (single-threaded BLAS recommended).
"""

from __future__ import annotations

import argparse
import json
import tracemalloc
from collections.abc import Callable

import numpy as np
from bench_foundation import best_of  # sibling script: benchmarks/ is on sys.path

from rmtcheck.ensembles.fc_net import init_fc_net
from rmtcheck.spectra.gramian import gramian, jacobian, layer_factors


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def explicit(net, X) -> np.ndarray:
    J = jacobian(net, X)
    return J @ J.T


def gemm_bound(hs, gs) -> None:
    for h, g in zip(hs, gs, strict=True):
        h @ h.T
        g @ g.T


def numpy_accumulate(hs, gs) -> np.ndarray:
    out = np.zeros((hs[0].shape[0],) * 2)
    for h, g in zip(hs, gs, strict=True):
        feat = h @ h.T
        feat += 1.0
        feat *= g @ g.T
        out += feat
    return out


def numba_accumulate_factory():
    try:
        import numba  # noqa: PLC0415
    except ImportError:
        return None

    @numba.njit(parallel=False, cache=False)
    def fused(out, hh, gg):  # out += (hh + 1) * gg in one pass
        n, m = out.shape
        for i in range(n):
            for j in range(m):
                out[i, j] += (hh[i, j] + 1.0) * gg[i, j]

    def accumulate(hs, gs):
        out = np.zeros((hs[0].shape[0],) * 2)
        for h, g in zip(hs, gs, strict=True):
            fused(out, h @ h.T, g @ g.T)
        return out

    return accumulate


def case(n: int, depth: int, width: int, repeat: int, with_explicit: bool) -> dict:
    rng = np.random.default_rng(0)
    net = init_fc_net(2, width, depth, rng)
    X = rng.random((n, 2))
    hs, gs = layer_factors(net, X)
    row: dict = {"N": n, "net": f"L{depth}-W{width}", "params": net.n_params}
    row["hadamard_s"] = best_of(lambda: gramian(net, X), repeat)
    row["gemm_bound_s"] = best_of(lambda: gemm_bound(hs, gs), repeat)
    row["hadamard_over_gemm"] = row["hadamard_s"] / row["gemm_bound_s"]
    row["hadamard_peak_mb"] = peak_mb(lambda: gramian(net, X))
    numba_acc = numba_accumulate_factory()
    if numba_acc is not None:
        numba_acc(hs[:1], gs[:1])  # compile outside the timing
        row["numba_over_numpy_accumulate"] = (best_of(lambda: numba_acc(hs, gs), repeat)
                                              / best_of(lambda: numpy_accumulate(hs, gs), repeat))
    if with_explicit:
        row["explicit_s"] = best_of(lambda: explicit(net, X), repeat)
        row["explicit_over_hadamard"] = row["explicit_s"] / row["hadamard_s"]
        row["explicit_peak_mb"] = peak_mb(lambda: explicit(net, X))
        G, E = gramian(net, X), explicit(net, X)
        row["max_rel_diff"] = float(np.abs(G - E).max() / np.abs(E).max())
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    cases = ([(400, 4, 64, True), (1000, 4, 64, True)] if args.quick else
             [(500, 6, 128, True), (1000, 6, 128, True), (2000, 6, 128, False),
              (4000, 6, 128, False)])
    rows = [case(n, d, w, repeat, e) for n, d, w, e in cases]
    for row in rows:
        print(json.dumps({k: float(f"{v:.4g}") if isinstance(v, float) else v
                          for k, v in row.items()}))


if __name__ == "__main__":
    main()
