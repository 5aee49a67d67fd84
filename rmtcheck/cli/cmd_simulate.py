"""``rmtcheck simulate``: run a full scenario of ``simulations/<text>/scenarios.toml``."""

from __future__ import annotations

import argparse
import json

from ..checker.scenarios import get_scenario, load_scenarios, simulate
from ..outputs import output_dir
from .common import add_common, parse_params, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "simulate",
        help="run a full scenario (figures + summary.json)",
        description="Run a scenario of simulations/ and write its figures and summary.json "
        "(reproduced numbers beside the paper's).",
        epilog="examples:\n  rmtcheck simulate --list\n"
        "  rmtcheck simulate classical_mp_universality --scale quick --out runs/mp\n"
        "  rmtcheck simulate classical_mp_universality --param p=2000 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("name", metavar="NAME", nargs="?", help="scenario name (see --list)")
    s.add_argument("--list", action="store_true", help="list the scenarios")
    s.add_argument(
        "--out", metavar="DIR", default=None, help="output directory (default runs/NAME)"
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
    add_common(s)
    s.set_defaults(run=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    if args.list or not args.name:
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
    get_scenario(args.name, args.catalogue)  # an unknown name first, then the folder
    out = output_dir("--out", args.out if args.out is not None else f"runs/{args.name}")
    if args.size:
        args.scale = {"reduced": "quick", "paper": "full"}[args.size]
    summary = simulate(
        args.name, out, scale=args.scale, seed=args.seed, params=parse_params(args.param),
        catalogue=args.catalogue,
    )
    if args.json:
        print_json(summary)
    else:
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
