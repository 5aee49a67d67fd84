"""``rmtcheck simulate``: run a full scenario of ``simulations/<text>/scenarios.toml``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..checker.scenarios import get_scenario, load_scenarios
from ..errors import InputError
from ..outputs import output_dir
from ..progress import note
from .common import (
    add_common,
    add_executor_options,
    executor_options,
    parse_params,
    print_json,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "simulate",
        help="run a full scenario (figures + summary.json)",
        description="Run a scenario of simulations/ and write its figures and summary.json "
        "(reproduced numbers beside the paper's).",
        epilog="examples:\n  rmtcheck simulate --list\n"
        "  rmtcheck simulate classical_mp_universality --scale quick --out runs/mp\n"
        "  rmtcheck simulate classical_mp_universality --param p=2000 --json\n"
        "  rmtcheck simulate --all --scale full --workers 2 --store runs/full.db\n"
        "  rmtcheck simulate --all --scale full --workers 2 --store runs/full.db --resume\n\n"
        "several scenarios (NAME NAME ... or --all) run as independent units, each into "
        "OUT/NAME (default runs/NAME): with --workers N on N local processes, with "
        "--scheduler or --dask-local on Dask. --store keeps each finished scenario's "
        "summary; --resume takes them back instead of running them again.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("names", metavar="NAME", nargs="*", help="scenario name(s) (see --list)")
    s.add_argument("--list", action="store_true", help="list the scenarios")
    s.add_argument("--all", action="store_true", help="run every scenario")
    s.add_argument(
        "--out", metavar="DIR", default=None,
        help="output directory (default runs/NAME); with several scenarios, DIR/NAME",
    )
    s.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a scenario parameter (repeatable)",
    )
    s.add_argument(
        "--size",
        choices=["reduced", "paper"],
        help="the paper's words for --scale: reduced = quick, paper = full",
    )
    add_executor_options(s, "scenario", None, "default 1: one by one in this process")
    add_common(s)
    s.set_defaults(run=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    if args.list or not (args.names or args.all):
        found = load_scenarios(args.catalogue)
        if args.json:
            print_json(
                [{"name": s.name, "title": s.title, "source": s.source, "claims": list(s.claims)}
                 for s in found.values()]
            )
        else:
            for s in found.values():
                print(f"{s.name:<28} {s.title}")
        return 0
    if args.all and args.names:
        raise InputError("--all", f"given with names {args.names}", "either NAME ... or --all")
    names = list(load_scenarios(args.catalogue)) if args.all else list(dict.fromkeys(args.names))
    for name in names:  # unknown names first, then the folders
        get_scenario(name, args.catalogue)
    single = len(names) == 1 and not args.all
    root = output_dir("--out", args.out if args.out is not None else "runs")
    if single and args.out is None:
        root = output_dir("--out", f"runs/{names[0]}")
    if args.size:
        args.scale = {"reduced": "quick", "paper": "full"}[args.size]
    summaries = _run_scenarios(args, names, root, single)
    if args.json:
        print_json(summaries[0] if single else summaries)
        return 0
    for summary in summaries:
        out = Path(summary["out"])
        print(f"{summary['scenario']}: {summary['title']} ({summary['seconds']} s)")
        print(f"  reproduced: {json.dumps(summary['reproduced'])}")
        if summary["paper"]:
            print(f"  paper:      {json.dumps(summary['paper'])}")
        for row in summary["comparison"]:
            ours = f"{row['ours']:.4g}" if isinstance(row["ours"], float) else row["ours"]
            print(f"  {row['verdict']:<10} {row['key']}: ours {ours}, paper {row['paper']} "
                  f"({row['tolerance']}; {row['read']})")
        print(f"  figures: {', '.join(summary['figures']) or '(none)'} in {out}")
        print(f"  summary: {out / 'summary.json'}, {out / 'summary.md'}")
    return 0


def _run_scenarios(args: argparse.Namespace, names: list[str], root: Path,
                   single: bool) -> list[dict]:
    """Each scenario's summary (with ``out``, its folder), over the executor and store."""
    from ..sweep.catalogue import run_on, scenario_units  # noqa: PLC0415

    def folder(name: str) -> Path:
        return root if single else root / name

    def done(unit, summary: dict, from_store: bool) -> None:
        how = "from the store" if from_store else f"{summary['seconds']} s"
        note(f"{unit.name}: done ({how})")

    units = scenario_units(names, root, args.scale, args.seed, parse_params(args.param),
                           args.catalogue, folder)
    results = run_on(units, executor_options(args, default="in-process"), args.store,
                     resume=args.resume, done=done)
    return [{**r, "out": str(folder(u.name))} for u, r in zip(units, results, strict=True)]
