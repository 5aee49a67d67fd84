"""Top-k Gramian eigenpairs: matrix-free block Lanczos against the dense Gramian and eigh.

The NSA alignment figures (Kopitkov & Indelman 2019, App. H) need the top k <= 400
eigenvectors of the N x N Gramian G = J J^T of FC-NN-L6-W256 at N = 10^4 points of [0, 1]^2.
Two routes, each in a fresh child process so that its peak resident memory (ru_maxrss, which
counts LAPACK workspace that tracemalloc misses) is its own:

- matrix-free: ``spectra.gramian_product.gramian_operator`` (per-layer factors; G V by the
  Khatri-Rao order or by rebuilt row blocks, whichever needs fewer flops for the block) and
  ``spectra.block_krylov.top_eigenpairs`` (block Lanczos, tol 1e-6 |theta_1|); the residuals
  ||G v - theta v|| are then checked by one more independent product G V;
- dense: ``spectra.gramian.gramian`` (the N x N matrix by the Hadamard identity) and
  ``scipy.linalg.eigh`` restricted to the top k (``subset_by_index``, LAPACK syevr: the
  cheapest dense route to k of N pairs), or ``--dense full`` for numpy.linalg.eigh.

Reported: wall seconds and peak RSS (MiB, minus the child's RSS before the work) of each
route, operator products and basis size, the largest residual / lambda_1 and the largest
|lambda_i(matrix-free) - lambda_i(dense)| / lambda_1 over i <= k. The 1-minute load average is
printed before and after: on a shared machine the seconds are noisy.

Run: `python benchmarks/bench_gramian_topk.py [--quick] [--n N] [--k K] [--block B]`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import time

import numpy as np


def _net_and_points(n: int, depth: int, width: int):
    from rmtcheck.ensembles.fc_net import init_fc_net  # noqa: PLC0415

    rng = np.random.default_rng(0)
    net = init_fc_net(2, width, depth, rng)
    return net, rng.random((n, 2))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def matrix_free(n: int, depth: int, width: int, k: int, block: int) -> dict:
    from rmtcheck.spectra.block_krylov import top_eigenpairs  # noqa: PLC0415
    from rmtcheck.spectra.gramian_product import gramian_operator  # noqa: PLC0415

    net, X = _net_and_points(n, depth, width)
    base = _rss_mb()
    t0 = time.perf_counter()
    op = gramian_operator(net, X)
    res = top_eigenpairs(op, k, rng=np.random.default_rng(1), block=block, tol=1e-6)
    seconds = time.perf_counter() - t0
    t1 = time.perf_counter()
    check = np.linalg.norm(op @ res.vectors - res.vectors * res.values, axis=0)
    return {"route": "matrix-free", "seconds": seconds, "peak_mb": _rss_mb() - base,
            "blocks": res.blocks, "basis": res.basis, "converged": res.converged,
            "residual_over_lam1": float(res.residuals.max() / res.values[0]),
            "checked_residual_over_lam1": float(check.max() / res.values[0]),
            "check_seconds": time.perf_counter() - t1, "values": res.values}


def dense(n: int, depth: int, width: int, k: int, full: bool) -> dict:
    from scipy.linalg import eigh  # noqa: PLC0415

    from rmtcheck.spectra.gramian import gramian  # noqa: PLC0415

    net, X = _net_and_points(n, depth, width)
    base = _rss_mb()
    t0 = time.perf_counter()
    G = gramian(net, X)
    form = time.perf_counter() - t0
    if full:
        values = np.linalg.eigh(G)[0][::-1][:k]
    else:
        values = eigh(G, subset_by_index=[n - k, n - 1], overwrite_a=True)[0][::-1]
    return {"route": "dense numpy eigh" if full else "dense scipy eigh top-k",
            "seconds": time.perf_counter() - t0, "form_seconds": form,
            "peak_mb": _rss_mb() - base, "values": values}


def _child(queue, fn, args) -> None:
    queue.put(fn(*args))


def in_child(fn, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, fn, args))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def _print(row: dict) -> None:
    print(json.dumps({k: float(f"{v:.4g}") if isinstance(v, float) else v
                      for k, v in row.items() if k != "values"}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 1500, k = 100")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=400)
    parser.add_argument("--block", type=int, default=None, help="block width (default k)")
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--dense", choices=("topk", "full", "skip"), default="topk")
    args = parser.parse_args()
    n, k = (1500, 100) if args.quick else (args.n, args.k)
    block = args.block or k
    print(f"N = {n}, FC-NN-L{args.depth}-W{args.width}, k = {k}, block = {block}; "
          f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    mf = in_child(matrix_free, n, args.depth, args.width, k, block)
    _print(mf)
    if args.dense != "skip":
        dn = in_child(dense, n, args.depth, args.width, k, args.dense == "full")
        _print(dn)
        diff = np.abs(mf["values"] - dn["values"])
        _print({"N": n, "k": k, "max_eig_diff_over_lam1": float(diff.max() / dn["values"][0]),
                "max_eig_diff": float(diff.max()), "lam1": float(dn["values"][0]),
                "lam_k_over_lam1": float(dn["values"][-1] / dn["values"][0]),
                "dense_over_matrix_free_time": dn["seconds"] / mf["seconds"],
                "dense_over_matrix_free_memory": dn["peak_mb"] / mf["peak_mb"]})
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
