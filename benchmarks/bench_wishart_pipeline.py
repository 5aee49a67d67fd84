"""`rmtcheck spectrum wishart --p 3000 --n 6000 --json` against the bare NumPy script

    x = np.random.default_rng(0).standard_normal((3000, 6000)); s = x @ x.T / 6000
    np.linalg.eigvalsh(s)

both run as whole processes (interpreter start and imports included), interleaved in the
same run; target ratio CLI / bare <= 1. Also the computation-only ratio in this process:
(sample, Gram, eigenvalues) through rmtcheck against the same three steps in bare NumPy.
Every run is reported (the machine may be shared).

Run: `python benchmarks/bench_wishart_pipeline.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time

import numpy as np

BARE = (
    "import numpy as np\n"
    "x = np.random.default_rng(0).standard_normal(({p}, {n})); s = x @ x.T / {n}\n"
    "np.linalg.eigvalsh(s)\n"
)


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def processes(p: int, n: int, runs: int) -> dict:
    cli = shutil.which("rmtcheck") or "rmtcheck"
    commands = {
        "cli": [cli, "spectrum", "wishart", "--p", str(p), "--n", str(n), "--json"],
        "bare": [sys.executable, "-c", BARE.format(p=p, n=n)],
        "import_only": [sys.executable, "-c", "import rmtcheck.cli.main"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(_wall(cmd))
    return {
        **{f"{name}_s": t for name, t in times.items()},
        "ratio_best": min(times["cli"]) / min(times["bare"]),
        "ratio_median": float(np.median(times["cli"]) / np.median(times["bare"])),
    }


def computation(p: int, n: int, runs: int) -> dict:
    from rmtcheck.ensembles.matrices import random_matrix, wishart_eigvalsh

    def ours() -> None:
        wishart_eigvalsh(random_matrix(p, n, rng=0))

    def bare() -> None:
        x = np.random.default_rng(0).standard_normal((p, n))
        np.linalg.eigvalsh(x @ x.T / n)

    times: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(runs):
        for name, fn in (("ours", ours), ("bare", bare)):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {
        "ours_s": times["ours"],
        "bare_s": times["bare"],
        "ratio_best": min(times["ours"]) / min(times["bare"]),
    }


def main(quick: bool = False) -> dict:
    p, n = (1000, 2000) if quick else (3000, 6000)
    runs = 2 if quick else 4
    result = {
        "p": p,
        "n": n,
        "processes": processes(p, n, runs),
        "computation_in_process": computation(p, n, runs),
        "target_ratio": 1.0,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="p = 1000, n = 2000, two runs")
    main(parser.parse_args().quick)
