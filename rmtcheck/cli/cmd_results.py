"""``rmtcheck results``: read a sweep store back: list sweeps, show cells, fit the
exponent, plot it, export the cells."""

from __future__ import annotations

import argparse
import json

from ..errors import InputError
from ..outputs import figure_formats, output_file
from ..sweep.store import ResultStore
from ..sweep.sweep import open_sweep
from .cmd_sweep import DEFAULT_STORE, draw, print_verdict
from .common import add_common, positive_int, print_json

EPILOG = """examples:
  rmtcheck results list --store ks.db
  rmtcheck results show --store ks.db --sweep 1
  rmtcheck results fit --store ks.db --json
  rmtcheck results plot --store ks.db --out ks.png
  rmtcheck results export --store ks.db --out ks.csv
  rmtcheck results export --store ks.db --out ks.parquet   (pip install rmtcheck[parquet])

--sweep ID picks a sweep of the store (default: the latest, see `results list`).
exit status: 0 success (for fit: the verdict meets the card's expected one), 1 fit does not
meet it, 2 bad input."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("results", help="list, show, fit, plot or export a sweep store",
                       description="Read back the result store written by `rmtcheck sweep`.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("action", choices=["list", "show", "fit", "plot", "export"])
    p.add_argument("--store", default=DEFAULT_STORE, metavar="PATH",
                   help=f"result store (default {DEFAULT_STORE})")
    p.add_argument("--sweep", type=positive_int("--sweep"), default=None, metavar="ID",
                   help="sweep id (default: the latest)")
    p.add_argument("--out", default=None, metavar="PATH",
                   help="output file: a .png for plot, a .csv or .parquet for export")
    add_common(p, seed=False, scale=False)
    p.set_defaults(run=run_results)


def _list(store: ResultStore, as_json: bool) -> int:
    sweeps = store.sweeps()
    if as_json:
        print_json(sweeps)
        return 0
    if not sweeps:
        print(f"{store.path}: no sweeps")
    for s in sweeps:
        print(f"{s['id']:>3}  {s['claim']:<28} {s['finished']:>5}/{s['cells']:<5} cells  "
              f"sizes {s['sizes']} x {s['trials']}  seed {s['seed']}  "
              f"params {json.dumps(s['params'])}  {s['created']}")
    return 0


def _show(store: ResultStore, sweep_id: int | None, as_json: bool) -> int:
    rec = store.sweep(sweep_id)
    cells = store.cells(rec)
    if as_json:
        print_json({"sweep": rec, "cells": cells})
        return 0
    print(f"sweep {rec['id']}: {rec['claim']}, {rec['finished']}/{rec['cells']} cells, "
          f"params {json.dumps(rec['params'])}, seed {rec['seed']}")
    print(f"{rec['size_name']:>8} {'trial':>5} {'statistic':>22} {'seconds':>9}  worker")
    for c in cells:
        print(f"{c['size']:>8} {c['trial']:>5} {c['statistic']!r:>22} {c['seconds']:>9.3f}  "
              f"{c['worker']}")
    return 0


def run_results(args: argparse.Namespace) -> int:
    if args.action == "export":
        if args.out is None:
            raise InputError("--out", "missing", "a .csv or .parquet path")
        output_file("--out", args.out, ("csv", "parquet"))
    if args.action == "plot" and args.out is not None:
        output_file("--out", args.out, figure_formats())
    if args.action in ("list", "show", "export"):
        with ResultStore(args.store, create=False, read_only=True) as store:
            if args.action == "list":
                return _list(store, args.json)
            if args.action == "show":
                return _show(store, args.sweep, args.json)
            rec = store.sweep(args.sweep) if args.sweep is not None else None
            path = store.export(args.out, rec)
            count = len(store.cells(rec))
        if args.json:
            print_json({"out": str(path), "cells": count})
        else:
            print(f"{count} cells -> {path}")
        return 0
    with open_sweep(args.store, args.sweep, args.catalogue, read_only=True) as sw:
        v = sw.verdict()
        if args.action == "fit":
            if args.json:
                print_json({"store": str(sw.store.path), **sw.record, "verdict": v.as_dict()})
            else:
                print(f"{sw.card.id}: sizes {sw.sizes} x {sw.trials} trials, "
                      f"params {json.dumps(sw.params)}, seed {sw.seed}")
                print_verdict(v)
            return 0 if v.meets_expected else 1
        path = draw(sw, v, args.out if args.out is not None
                    else output_file("--out", f"{sw.card.id}-scaling.png", ("png",)))
    if args.json:
        print_json({"out": str(path)})
    else:
        print(f"figure -> {path}")
    return 0
