"""``rmtcheck coverage``: the ledger of specification IDs per source text."""

from __future__ import annotations

import argparse

from ..checker.coverage import counts, ledger
from ..errors import InputError
from .common import add_common, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "coverage",
        help="which specification IDs have a card, and why the others do not",
        description="List every specification ID of each source text (claims, theorems, "
        "lemmas, corollaries) with its status: card (and which cards), not checkable (with "
        "the reason), open (checkable, no card yet) or missing (not in the ledger).",
        epilog="examples:\n  rmtcheck coverage\n  rmtcheck coverage --text papyan2020 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--text", metavar="NAME", help="one source text (its folder name)")
    s.add_argument("--status", choices=["card", "not checkable", "open", "missing"],
                   help="only IDs with this status")
    add_common(s, seed=False, scale=False)
    s.set_defaults(run=run_coverage)


def run_coverage(args: argparse.Namespace) -> int:
    entries = ledger(args.catalogue, args.text)
    if args.text and not entries:
        names = sorted({e.text for e in ledger(args.catalogue)})
        raise InputError("--text", f"no ledger for {args.text!r}", ", ".join(names))
    table = counts(entries)
    shown = [e for e in entries if args.status is None or e.status == args.status]
    if args.json:
        print_json({"counts": table, "ids": [e.as_dict() for e in shown]})
        return 0
    for e in shown:
        what = ", ".join(e.cards) if e.cards else e.reason
        print(f"{e.id:<26} {e.status:<14} {what}")
    for text, row in table.items():
        share = row["card"] / row["total"] if row["total"] else 0.0
        print(f"{text}: {row['card']} card, {row['not checkable']} not checkable, "
              f"{row['open']} open, {row['missing']} missing of {row['total']} "
              f"({share:.0%} carded)")
    total = sum(r["total"] for r in table.values())
    print(f"all texts: {sum(r['card'] for r in table.values())} of {total} IDs have a card")
    return 0
