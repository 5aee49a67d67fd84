"""``rmtcheck sweep``: run a scaling claim's (size, trial) cells on local cores or a Dask
cluster, storing each finished cell; ``--resume`` continues after a crash."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..checker.verdict import Verdict
from ..errors import InputError
from ..outputs import figure_formats, output_file
from ..progress import bar, note
from ..report.figures import statistic_name
from ..sweep.sweep import Sweep
from .common import (
    add_common,
    add_executor_options,
    executor_options,
    parse_params,
    positive_int,
    print_json,
)

DEFAULT_STORE = "rmtcheck-sweeps.db"
EPILOG = f"""examples:
  rmtcheck sweep RMT-MP-KS-RATE --sizes 250,500,1000 --trials 25 --store ks.db
  rmtcheck sweep RMT-MP-KS-RATE --sizes 250,500,1000 --trials 25 --store ks.db --resume
  rmtcheck sweep RMT-MP-KS-RATE --workers 2 --param ratio=0.25 --plot ks.png --json
  rmtcheck sweep RMT-MP-KS-RATE --dask-local 4 --store ks.db
  rmtcheck sweep RMT-MP-KS-RATE --scheduler tcp://10.0.0.5:8786 --store ks.db

executors: --workers N local processes (default one per core; 1 runs in this process),
--dask-local N a Dask LocalCluster of N workers, --scheduler ADDR an existing Dask
scheduler (extra: pip install rmtcheck[dask]). Unset sizes and trials come from the card's
--scale. The store (default {DEFAULT_STORE}) keeps every finished cell; read it back with
`rmtcheck results`.

exit status: 0 the verdict meets the card's expected verdict, 1 it does not, 2 bad input."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a scaling claim's cells in parallel into a store",
                       description="Fan the (size, trial) cells of a scaling claim out to local "
                                   "processes or Dask, store each as it finishes, then fit the "
                                   "exponent and judge it against the card.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("claim", metavar="CLAIM", help="scaling claim ID, see `rmtcheck list`")
    p.add_argument("--sizes", default=None, metavar="N,N,...",
                   help="comma-separated sizes (default: the card's scale)")
    p.add_argument("--trials", type=positive_int("--trials"), default=None,
                   help="trials per size, >= 2 (default: the card's scale)")
    add_executor_options(p, "cell", DEFAULT_STORE, "default: one per core; 1 runs here")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter of the scale (repeatable)")
    p.add_argument("--plot", default=None, metavar="PNG",
                   help="also draw the log-log figure with fitted and predicted slopes")
    p.add_argument("--keep-arrays", action="store_true",
                   help="also store arrays a cell attaches (e.g. eigenvalues) beside the store")
    add_common(p)
    p.set_defaults(run=run_sweep)


def parse_sizes(text: str | None) -> list[int] | None:
    """``"250,500,1000"`` -> ``[250, 500, 1000]``; one clear error otherwise."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    valid = "comma-separated integers >= 1, at least two distinct, e.g. 250,500,1000"
    if not items:
        raise InputError("--sizes", "empty list", valid)
    try:
        sizes = [int(t) if len(t) <= 12 else -1 for t in items]
    except ValueError:
        raise InputError("--sizes", f"got {text!r}", valid) from None
    if min(sizes) < 1:
        raise InputError("--sizes", f"got {text!r}", valid)
    return sizes


def summary(sw: Sweep, v: Verdict) -> dict[str, Any]:
    """The JSON document of a sweep: where it ran, what it stored and the verdict."""
    return {"store": str(sw.store.path), **sw.record, "cells": len(sw.cells), **sw.last_run,
            "verdict": v.as_dict()}


def print_verdict(v: Verdict) -> None:
    s = v.statistics
    slack = v.tolerance.get("slack", 0)
    print(f"  exponent {s['slope']:.4f}, {s['confidence']:.0%} bootstrap interval "
          f"[{s['ci_low']:.4f}, {s['ci_high']:.4f}] over {s['cells']} cells"
          f"{'' if s['complete'] else ' (sweep incomplete)'}")
    print(f"  predicted {s['predicted']:g} (slack {slack}): statement "
          f"{'held' if v.passed else 'did not hold'}; expected {v.expected} -> "
          f"{'as expected' if v.meets_expected else 'NOT as expected'}")


def draw(sw: Sweep, v: Verdict, out: str | Path) -> Path:
    """The log-log figure of a sweep's verdict (:func:`rmtcheck.plots.scaling.plot_scaling`)."""
    d = v.detail
    from ..plots.scaling import plot_scaling  # matplotlib: only when a figure is drawn

    return plot_scaling(d["sizes"], d["values"], d["fit"], d["predicted"], out,
                        title=f"{sw.card.id}: {sw.card.title}", size_name=sw.card.fit["size"],
                        statistic=statistic_name(sw.card), slack=d.get("slack", 0.0))


def run_sweep(args: argparse.Namespace) -> int:
    if args.plot is not None:
        output_file("--plot", args.plot, figure_formats())
    with Sweep(args.claim, parse_sizes(args.sizes), args.trials, parse_params(args.param),
               seed=args.seed, store=args.store, scale=args.scale, keep_arrays=args.keep_arrays,
               catalogue=args.catalogue, **executor_options(args)) as sw:
        total, done = len(sw.pending()), [0]

        def tick(k: int) -> None:
            b.update(k)
            done[0] += k
            note(f"[{done[0]}/{total}] cells of {sw.card.id}")

        with bar(total, desc=sw.card.id, unit="cell") as b:
            v = sw.run(resume=args.resume, progress=tick)
        doc = summary(sw, v)
        if args.plot is not None:
            doc["figure"] = str(draw(sw, v, args.plot))
        if args.json:
            print_json(doc)
            return 0 if v.meets_expected else 1
        run = sw.last_run
        print(f"{sw.card.id}: {len(sw.cells)} cells, sizes {sw.sizes} x {sw.trials} trials, "
              f"params {json.dumps(sw.params)}, seed {sw.seed}")
        print(f"  ran {run['ran']} on {run['executor'] or '-'}, {run['skipped']} already stored, "
              f"{run['wall_seconds']:.2f} s -> {sw.store.path}")
        print_verdict(v)
        if args.plot is not None:
            print(f"  figure -> {doc['figure']}")
    return 0 if v.meets_expected else 1
