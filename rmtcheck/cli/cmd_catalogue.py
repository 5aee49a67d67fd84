"""``rmtcheck list`` and ``rmtcheck show``: browse the claims catalogue."""

from __future__ import annotations

import argparse

from ..checker.cards import get_card, load_catalogue
from ..checker.locate import function_location, test_locations
from ..checker.run import run_settings
from ..errors import InputError
from .common import add_common, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "list",
        help="list the claims of the catalogue",
        description="List claim cards (ID, kind, expected verdict, title).",
        epilog="examples:\n  rmtcheck list\n  rmtcheck list --kind scaling --json\n"
        "  rmtcheck list --text papyan2020 --expected fails",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(p, seed=False, scale=False)
    p.add_argument(
        "--kind",
        choices=["exact", "distributional", "inequality", "scaling", "qualitative"],
        help="only claims of this kind",
    )
    p.add_argument("--prefix", default="", help="only IDs starting with this, e.g. RMT-")
    p.add_argument("--text", metavar="NAME", help="only cards of this source text (its folder)")
    p.add_argument("--expected", choices=["holds", "fails", "observation", "unreproduced"],
                   help="only cards with this expectation (fails: the printed errors)")
    p.set_defaults(run=run_list)

    s = sub.add_parser(
        "show",
        help="show one claim card in full",
        description="Print a claim card: statement, citation, domain, scales, tolerance, and "
        "the file:line of the functions it names and of the tests that run it.",
        epilog="examples:\n  rmtcheck show RMT-MP-LAW\n  rmtcheck show RMT-WEYL --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("claim", metavar="CLAIM", help="claim ID, see `rmtcheck list`")
    add_common(s, seed=False, scale=False)
    s.set_defaults(run=run_show)


def run_list(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.catalogue)
    names = sorted({c.text.name for c in catalogue.values() if c.text is not None})
    if args.text is not None and args.text not in names:
        raise InputError("--text", f"unknown text {args.text!r}", ", ".join(names))
    cards = [
        c
        for c in catalogue.values()
        if (args.kind is None or c.kind == args.kind) and c.id.startswith(args.prefix)
        and (args.text is None or (c.text is not None and c.text.name == args.text))
        and (args.expected is None or c.expected == args.expected)
    ]
    if args.json:
        print_json([c.summary() for c in cards])
        return 0
    width = max((len(c.id) for c in cards), default=5)
    for c in cards:
        print(f"{c.id:<{width}}  {c.kind:<14} {c.expected:<12} {c.title}")
    print(f"{len(cards)} claims")
    return 0


def run_show(args: argparse.Namespace) -> int:
    card = get_card(args.claim, args.catalogue)
    quick = run_settings(card, "quick")[0]
    functions = [function_location(ref, card.origin) for ref in (card.theory, card.empirical)
                 if ref]
    info = {
        **card.summary(),
        "text": card.text.name if card.text else None,
        "citation": card.text.citation if card.text else None,
        "source_record": card.source,
        "covers": list(card.covers) or None,
        "statement": card.statement,
        "theory": card.theory,
        "empirical": card.empirical,
        "tolerance": card.tolerance,
        "fit": card.fit or None,
        "params": {n: s.describe() for n, s in card.params.items()},
        "scale": card.scale,
        "corrected": card.corrected,
        "corrects": card.corrects,
        "counterexample": card.counterexample,
        "notes": card.notes or None,
        "quick_params": quick,
        "functions": functions,
        "tests": test_locations(card),
    }
    if args.json:
        print_json(info)
        return 0
    for key, value in info.items():
        if key in ("functions", "tests"):
            for loc in value:
                where = f"{loc['file']}:{loc['line']}"
                print(f"{key[:-1]:>15}: {where}" + (f"  ({loc['ref']})" if "ref" in loc else ""))
        elif value not in (None, {}, "", []):
            print(f"{key:>15}: {value}")
    return 0
