"""Table 1 of Wang et al. (2023) over seeds on local processes, resumable (WANG-CLAIM-T1).

Every (seed, case) cell runs on a worker of :class:`rmtcheck.sweep.Processes` and is written
to a SQLite result store as soon as it finishes; rerunning the same command after a crash
or Ctrl-C computes only the missing cells. Paper size, five seeds, two workers:

    python -m rmtcheck.simulations.wang2023.table1_seeds --n 2000 --seeds 0 1 2 3 4 \\
        --adam-epochs 30 --workers 2 --store t1_n2000.db --json t1_n2000.json

It takes 43 min wall on an idle 2-core machine. It prints, per case, R^2 and test error as
mean and sample sd over the seeds, the paper's single-run value and whether it lies in the
single-run prediction interval, the spectral classes, and the paired differences of the
orderings the text states.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rmtcheck import validate
from rmtcheck.errors import InputError
from rmtcheck.sweep import Processes, ResultStore
from rmtcheck.theory.wang2023.table1 import (
    CASES,
    ORDERINGS,
    PAPER,
    case_settings,
    run_table,
    summarize,
)


def _check(a: argparse.Namespace) -> None:
    """Refuse bad input before any process starts or any cell is computed."""
    validate.integer("--n", a.n, 50, 10_000)
    validate.integer("--n-test", a.n_test, 1, 100_000)
    validate.integer("--workers", a.workers, 1, 256)
    for name in ("case1_epochs", "sgd_epochs", "adam_epochs"):
        validate.integer(f"--{name.replace('_', '-')}", getattr(a, name), 1, 1_000_000)
    validate.positive("--case3-lr", a.case3_lr)
    validate.positive("--case1-loss", a.case1_loss)
    for seed in a.seeds:
        validate.integer("--seeds", seed, 0, 2**32 - 1)
    if len(set(a.seeds)) != len(a.seeds):
        raise InputError("--seeds", f"repeats a seed: {a.seeds}", "distinct seeds")


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000,
                    help="training points (50..10000), h = 0.75 n, d = 0.5 n (default 2000)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4],
                    help="distinct seeds, each a paired problem for every case (default 0..4)")
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES,
                    help="rows of Table 1 to compute (default all)")
    ap.add_argument("--workers", type=int, default=2,
                    help="local worker processes, one cell each (1..256, default 2)")
    ap.add_argument("--store", required=True, help="result store (created or resumed)")
    ap.add_argument("--json", help="write the cells and the summary here")
    ap.add_argument("--n-test", type=int, default=2000,
                    help="test points, noise-free labels (default 2000)")
    ap.add_argument("--case3-lr", type=float, default=22.0,
                    help="Case 3 SGD rate in the paper's MSELoss units (default 22, Table 1)")
    ap.add_argument("--case1-epochs", type=int, default=6000,
                    help="epoch budget of Case 1's full-batch GD (default 6000)")
    ap.add_argument("--sgd-epochs", type=int, default=300,
                    help="epoch budget of Cases 2 and 3 (SGD, default 300)")
    ap.add_argument("--adam-epochs", type=int, default=100,
                    help="epochs of Case 4 (Adam); the cosine schedule spans them (default 100)")
    ap.add_argument("--adam-schedule", default="cosine", choices=["cosine", "constant"],
                    help="Case 4 rate schedule (default cosine to 0)")
    ap.add_argument("--case1-loss", type=float, default=1e-5,
                    help="training loss at which a case stops early (default 1e-5)")
    a = ap.parse_args(argv)
    _check(a)
    settings = case_settings(case3_lr=a.case3_lr, case1_epochs=a.case1_epochs,
                             sgd_epochs=a.sgd_epochs, adam_epochs=a.adam_epochs,
                             adam_schedule=a.adam_schedule, case1_loss=a.case1_loss)
    start = time.perf_counter()
    with ResultStore(a.store) as store, Processes(a.workers) as ex:
        rows = run_table(a.n, a.seeds, settings, tuple(a.cases), n_test=a.n_test,
                         executor=ex, store=store)
    wall = time.perf_counter() - start
    stats = summarize(rows) if len(a.seeds) >= 3 else {}
    print(f"n = {a.n}, seeds {a.seeds}, {a.workers} workers: {wall:.0f} s wall")
    for case in a.cases:
        secs = [r["seconds"] for r in rows[case]]
        line = f"{case:6s} s per cell {sum(secs) / len(secs):7.1f} "
        line += " ".join(f"r2 {r['r2']:.3f} cls {r['class']:.0f}" for r in rows[case])
        print(line)
        for key, paper in zip(("r2", "test_error"), PAPER[case], strict=True):
            if stats:
                print(f"    {key:10s} mean {stats[f'{case}_{key}_mean']:.4f} sd "
                      f"{stats[f'{case}_{key}_sd']:.4f} PI [{stats[f'{case}_{key}_lo']:.4f}, "
                      f"{stats[f'{case}_{key}_hi']:.4f}] paper {paper} "
                      f"{'inside' if stats[f'{case}_{key}_paper_in'] else 'OUTSIDE'}")
    for x, y in ORDERINGS:
        if stats and f"{x}_over_{y}_mean" in stats:
            print(f"{x} - {y}: {stats[f'{x}_over_{y}_mean']:+.4f} "
                  f"[{stats[f'{x}_over_{y}_lo']:+.4f}, {stats[f'{x}_over_{y}_hi']:+.4f}]")
    out = {"n": a.n, "seeds": a.seeds, "workers": a.workers, "wall_seconds": wall,
           "settings": settings, "rows": rows, "summary": stats}
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return out


if __name__ == "__main__":
    try:
        main()
    except InputError as err:  # bad input: one line, exit 2, no traceback
        print(f"table1_seeds: {err}", file=sys.stderr)
        raise SystemExit(2) from None
