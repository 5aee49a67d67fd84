"""Gramian benchmark: the per-layer Hadamard Gramian against the explicit Jacobian J J^T.

For an FC net on N points the per-layer identity G = sum_l (Gamma_l Gamma_l^T) .* (H_l H_l^T + 1)
needs N (N + 1) sum_l (n_{l-1} + n_l) flops (symmetric products) and O(N^2) memory; the
explicit route builds the N x |theta| Jacobian (O(N |theta|) memory) and spends
N (N + 1) |theta| flops on J J^T.
Ratios against bounds measured in the same run:
- time / (flops / GEMM rate), the rate from a 1024^3 GEMM (best seen in the run), the flops
  those of the symmetric products N (N + 1) k (numpy runs a @ a.T as BLAS syrk), both routes;
- Hadamard Gramian / its GEMM bound (the bare H_l H_l^T and Gamma_l Gamma_l^T products of the
  same shapes; target <= 2: forward/backward and the elementwise passes are the overhead);
- explicit J J^T (Jacobian build + product) / Hadamard Gramian (the speed-up; > 1 expected);
- peak traced memory of both routes (tracemalloc);
- a numba-fused elementwise accumulation against the NumPy passes, to decide whether numba
  earns its place (it is used in the library only if this ratio is clearly below 1).

The default run is the NSA size: N = 2000 points, FC-NN-L6-W256 (264,193 parameters). The
explicit Jacobian there is 2000 x 264,193 doubles (4.2 GB, about twice that at its peak), too
much for a small shared machine, so the explicit route runs at N = 125, 250, 500 on the same
net; its time is extrapolated to N = 2000 by a least-squares fit t = a N + b N^2 and its peak
memory by the log-log slope of the last two sizes (printed as "extrapolated").

Run: `python benchmarks/bench_gramian.py [--quick]` (single-threaded BLAS recommended).
"""

from __future__ import annotations

import argparse
import json
import tracemalloc
from collections.abc import Callable

import numpy as np
from timing import best_of, gemm_rate  # sibling module: benchmarks/ is on sys.path

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


def case(n: int, depth: int, width: int, repeat: int, with_explicit: bool, rate: float
         ) -> dict:
    rng = np.random.default_rng(0)
    net = init_fc_net(2, width, depth, rng)
    X = rng.random((n, 2))
    hs, gs = layer_factors(net, X)
    rate = max(rate, gemm_rate())  # the best rate seen: a bound on a shared machine
    # numpy evaluates a @ a.T with BLAS syrk: N (N + 1) k flops for an N x k factor
    flops = sum(n * (n + 1.0) * (h.shape[1] + g.shape[1]) for h, g in zip(hs, gs, strict=True))
    row: dict = {"N": n, "net": f"L{depth}-W{width}", "params": net.n_params,
                 "gemm_rate_gflops": rate / 1e9}
    row["hadamard_s"] = best_of(lambda: gramian(net, X), repeat)
    row["hadamard_over_rate_bound"] = row["hadamard_s"] * rate / flops
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
        row["explicit_over_rate_bound"] = row["explicit_s"] * rate / (n * (n + 1.0) * net.n_params)
        row["explicit_peak_mb"] = peak_mb(lambda: explicit(net, X))
        G, E = gramian(net, X), explicit(net, X)
        row["max_rel_diff"] = float(np.abs(G - E).max() / np.abs(E).max())
    return row


def extrapolate_memory(rows: list[dict], n: int) -> float:
    """Peak memory at N = n from the log-log slope through the last two rows (~1: J is N x P)."""
    a, b = rows[-2], rows[-1]
    slope = np.log(b["explicit_peak_mb"] / a["explicit_peak_mb"]) / np.log(b["N"] / a["N"])
    return float(b["explicit_peak_mb"] * (n / b["N"]) ** slope)


def extrapolate_time(rows: list[dict], n: int) -> float:
    """Explicit-route seconds at N = n from a least-squares fit t = a N + b N^2 (Jacobian
    build plus J J^T) through the measured rows."""
    sizes = np.array([r["N"] for r in rows], dtype=float)
    coef = np.linalg.lstsq(np.column_stack([sizes, sizes**2]),
                           np.array([r["explicit_s"] for r in rows]), rcond=None)[0]
    return float(np.maximum(coef, 0.0) @ [n, n * n])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args()
    rate = gemm_rate()
    print(f"GEMM rate (1024^3, best of 5): {rate / 1e9:.1f} GFLOP/s")
    if args.quick:
        for n in (400, 1000):
            _print(case(n, 4, 64, 1, True, rate))
        return
    big = case(2000, 6, 256, 3, False, rate)
    _print(big)
    small = [case(n, 6, 256, 2, True, rate) for n in (125, 250, 500)]
    for row in small:
        _print(row)
    explicit_s = extrapolate_time(small, 2000)
    explicit_mb = extrapolate_memory(small, 2000)
    _print({"N": 2000, "net": "L6-W256", "extrapolated": True, "explicit_s": explicit_s,
            "explicit_over_hadamard": explicit_s / big["hadamard_s"],
            "explicit_peak_mb": explicit_mb,
            "explicit_over_hadamard_memory": explicit_mb / big["hadamard_peak_mb"]})


def _print(row: dict) -> None:
    print(json.dumps({k: float(f"{v:.4g}") if isinstance(v, float) else v
                      for k, v in row.items()}), flush=True)


if __name__ == "__main__":
    main()
