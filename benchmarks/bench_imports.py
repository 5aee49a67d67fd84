"""Start-up cost: `import rmtcheck` and `rmtcheck --help` against the bound a user pays anyway,
`import numpy, scipy.linalg`, each a fresh interpreter, best of N in the same run.
Targets (issue 18): import <= 1.0x the bound, --help <= 1.3x.

    python benchmarks/bench_imports.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

CASES = {
    "bound: import numpy, scipy.linalg": [sys.executable, "-c", "import numpy, scipy.linalg"],
    "import rmtcheck": [sys.executable, "-c", "import rmtcheck"],
    "rmtcheck --help": [sys.executable, "-m", "rmtcheck.cli.main", "--help"],
}


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    best = {name: float("inf") for name in CASES}
    for _ in range(args.repeat):  # interleaved, so load changes hit every case alike
        for name, cmd in CASES.items():
            best[name] = min(best[name], wall(cmd))
    bound = best["bound: import numpy, scipy.linalg"]
    for name, seconds in best.items():
        print(f"{name:<36} {seconds:6.3f} s   {seconds / bound:5.2f}x the bound")


if __name__ == "__main__":
    main()
