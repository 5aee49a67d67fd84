"""GPU benchmark: the counter-based Gaussian matrix and a Wishart spectrum on CuPy against the
CPU path (numba kernel, NumPy/LAPACK) in the same run, with the largest difference between the
two matrices (the same counters: zero for Gaussian entries).

Run: `python benchmarks/bench_gpu.py [--quick]` (needs CuPy and a CUDA GPU;
`benchmarks/gpu_check.sh` runs it with the GPU tests).
"""

from __future__ import annotations

import argparse
import json
import time


def _best(fn, runs: int, sync) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return min(times)


def main(quick: bool = False) -> dict:
    import cupy
    import numpy as np

    from rmtcheck.ensembles.counter_rng import counter_block

    p, n = (1000, 2000) if quick else (4000, 8000)
    key = 0x5EED
    sync = cupy.cuda.Device().synchronize
    cpu = counter_block(key, (0, p), (0, n))
    gpu = counter_block(key, (0, p), (0, n), xp=cupy)
    sync()
    diff = float(np.max(np.abs(cupy.asnumpy(gpu) - cpu)))
    t_cpu = _best(lambda: counter_block(key, (0, p), (0, n)), 3, lambda: None)
    t_gpu = _best(lambda: counter_block(key, (0, p), (0, n), xp=cupy), 3, sync)
    t_eig_cpu = _best(lambda: np.linalg.eigvalsh(cpu @ cpu.T / n), 1, lambda: None)
    t_eig_gpu = _best(lambda: cupy.linalg.eigvalsh(gpu @ gpu.T / n), 3, sync)
    ev_cpu = np.linalg.eigvalsh(cpu @ cpu.T / n)
    ev_gpu = cupy.asnumpy(cupy.linalg.eigvalsh(gpu @ gpu.T / n))
    return {"p": p, "n": n, "device": cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(),
            "sample_cpu_s": t_cpu, "sample_gpu_s": t_gpu, "sample_speedup": t_cpu / t_gpu,
            "max_entry_difference": diff,
            "wishart_eig_cpu_s": t_eig_cpu, "wishart_eig_gpu_s": t_eig_gpu,
            "max_eigenvalue_difference": float(np.max(np.abs(ev_cpu - ev_gpu)))}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(main(parser.parse_args().quick), indent=2))
