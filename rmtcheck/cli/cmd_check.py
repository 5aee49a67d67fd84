"""``rmtcheck check``, ``rmtcheck property`` and ``rmtcheck verify``."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from ..checker.cards import Card, get_card, load_catalogue
from ..checker.coverage import ledger
from ..checker.run import check, work_units
from ..checker.verdict import Verdict
from ..errors import InputError
from ..outputs import output_dir
from ..progress import bar, note
from .common import (
    add_common,
    add_executor_options,
    executor_options,
    int_at_least,
    parse_params,
    print_json,
)

CHECK_EPILOG = """examples:
  rmtcheck check RMT-MP-LAW
  rmtcheck check RMT-MP-LAW --param ratio=0.25 --param law=gaussian --json
  rmtcheck check RMT-MP-KS-RATE --scale full --seed 7

outcomes: holds, fails, or error (an exception, a NaN or inf statistic, a shape mismatch or
the card's timeout_s; an error never meets an expectation). A `fails` card meets its
expectation only when its recorded counterexample reproduces.

exit status: 0 the verdict meets the card's expected verdict, 1 it does not, 2 bad input."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    c = sub.add_parser(
        "check",
        help="check one claim and print its verdict",
        description="Run one claim at a scale and print the verdict record.",
        epilog=CHECK_EPILOG,
        formatter_class=fmt,
    )
    c.add_argument("claim", metavar="CLAIM", help="claim ID, see `rmtcheck list`")
    c.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter of the scale (repeatable)",
    )
    add_common(c)
    c.set_defaults(run=run_check)

    p = sub.add_parser(
        "property",
        help="search a claim's parameter domain for a counterexample",
        description="Property-based search with hypothesis over the card's domain; prints the "
        "shrunk minimal counterexample, or that none was found.",
        epilog="examples:\n  rmtcheck property RMT-CAUCHY-INTERLACING --examples 200 --seed 1\n"
        "  rmtcheck property PAP-THM-8.1 --param C=3 --json\n\n"
        "exit status: 0 the search agrees with the expected verdict (no counterexample "
        "for `holds`,\none found for `fails`), 1 it does not, 2 bad input.",
        formatter_class=fmt,
    )
    p.add_argument("claim", metavar="CLAIM")
    p.add_argument(
        "--examples",
        type=int_at_least("--examples", 1, 100_000),
        default=100,
        help="number of parameter sets to try (default 100)",
    )
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="hold a parameter fixed during the search (repeatable)",
    )
    add_common(p, scale=False)
    p.set_defaults(run=run_property)

    v = sub.add_parser(
        "verify",
        help="check the whole catalogue and write a report",
        description="Run every claim at a scale; write report.md, results.json and figures.",
        epilog="examples:\n  rmtcheck verify --scale quick --report report\n"
        "  rmtcheck verify --prefix RMT- --json\n"
        "  rmtcheck verify --scale full --workers 2 --store full.db --report full\n"
        "  rmtcheck verify --scale full --workers 2 --store full.db --resume   # after a crash\n"
        "  rmtcheck verify --scheduler tcp://10.0.0.5:8786 --store full.db\n\n"
        "cards are independent units: with --workers N they run on N local processes (each "
        "single-threaded), with --scheduler or --dask-local on Dask; every verdict is the "
        "same as in one process. --store keeps each finished card; --resume takes them "
        "back instead of running them again.\n\n"
        "exit status: 0 every claim meets its expected verdict, 1 otherwise, 2 bad input.",
        formatter_class=fmt,
    )
    v.add_argument("--report", metavar="DIR", default=None, help="write the report into DIR")
    v.add_argument("--prefix", default="", help="only claims whose ID starts with this")
    add_executor_options(v, "card", None, "default 1: cards run one by one in this process")
    add_common(v)
    v.set_defaults(run=run_verify)


def _print_verdict(v: Verdict) -> None:
    mark = "as expected" if v.meets_expected else "NOT as expected"
    said = {"holds": "held", "fails": "did not hold", "error": "could not be evaluated"}
    print(
        f"{v.claim} [{v.kind}] expected {v.expected}: statement "
        f"{said[v.outcome]} ({mark}), {v.seconds:.2f} s"
    )
    if v.error:
        print(f"  error: {v.error}")
    if v.reproduced is not None:
        print(f"  recorded counterexample reproduced: {'yes' if v.reproduced else 'no'}")
    print(f"  params: {json.dumps(v.as_dict()['params'])}")
    for key, value in v.as_dict()["statistics"].items():
        print(f"  {key}: {value}")
    print(f"  tolerance: {json.dumps({k: x for k, x in v.tolerance.items() if k != 'why'})}")
    if v.counterexample:
        print(f"  counterexample: {json.dumps(v.as_dict()['counterexample']['params'])}")


def run_check(args: argparse.Namespace) -> int:
    card = get_card(args.claim, args.catalogue)
    with bar(work_units(card, args.scale), desc=card.id, unit="cell") as b:
        v = check(
            card, parse_params(args.param), scale=args.scale, seed=args.seed, progress=b.update,
            timeout_s=card.timeout_s,
        )
    if args.json:
        print_json(v.as_dict())
    else:
        _print_verdict(v)
    return 0 if v.meets_expected else 1


def run_property(args: argparse.Namespace) -> int:
    card = get_card(args.claim, args.catalogue)
    fixed = parse_params(args.param)
    for name in fixed:
        if name not in card.params:
            raise InputError(f"--param {name}", "unknown parameter", ", ".join(card.params))
    fixed = {n: card.params[n].coerce(v, {**fixed}) for n, v in fixed.items()}
    with bar(args.examples, desc=f"searching {card.id}", unit="example") as b:
        from ..testing.property import search_counterexample  # hypothesis: only here

        res = search_counterexample(
            card, examples=args.examples, seed=args.seed, fixed=fixed, progress=b.update
        )
    ce = res.counterexample
    found = ce is not None and ce.outcome == "fails"
    if args.json:
        print_json(res.as_dict())
    elif ce is not None and ce.outcome == "error":
        print(f"{card.id}: error after {res.tried} examples (shrunk): {ce.error}")
        print(f"  params: {json.dumps(ce.as_dict()['params'])}")
        return 1
    elif found:
        print(f"{card.id}: counterexample found after {res.tried} examples (shrunk):")
        print(f"  params: {json.dumps(ce.as_dict()['params'])}")
        print(f"  statistics: {json.dumps(ce.as_dict()['statistics'])}")
        print(
            f"  reproduce: rmtcheck check {card.id} "
            + " ".join(f"--param {k}={x}" for k, x in ce.params.items())
            + f" --seed {args.seed}"
        )
    else:
        print(f"{card.id}: no counterexample in {res.tried} examples")
        print(f"  explored: {res.explored_text()}")
    if ce is not None and ce.outcome == "error":
        return 1
    return 0 if found == (card.expected in ("fails", "unreproduced")) else 1


def _run_cards(args: argparse.Namespace, cards: list[Card]) -> list[Verdict]:
    """Every card's verdict, in catalogue order, over the chosen executor and store."""
    from ..sweep.catalogue import card_units, run_on  # noqa: PLC0415 - only for verify

    options = executor_options(args, default="in-process")
    units = card_units(cards, args.scale, args.seed)
    work = {u.key: work_units(c, args.scale) for u, c in zip(units, cards, strict=True)}
    counted = dict.fromkeys(work, 0)
    finished = [0]
    with bar(sum(work.values()), desc="verify", unit="cell") as b:
        if options["executor"] == "in-process":  # cell-level progress, as in `rmtcheck check`
            units = [dataclasses.replace(u, args=(*u.args, _ticker(b, counted, u.key)))
                     for u in units]

        def done(unit, v: Verdict, from_store: bool) -> None:
            b.update(work[unit.key] - counted[unit.key])
            finished[0] += 1
            b.set_postfix_str(unit.name)
            note(f"[{finished[0]}/{len(units)}] {v.claim}: {v.outcome}, "
                 f"{'as expected' if v.meets_expected else 'NOT as expected'} "
                 f"({'from the store' if from_store else f'{v.seconds:.1f} s'})")

        return run_on(units, options, args.store, resume=args.resume, done=done)


def _ticker(b, counted: dict[str, int], key: str):
    def tick(k: int) -> None:
        counted[key] += k
        b.update(k)
    return tick


def run_verify(args: argparse.Namespace) -> int:
    if args.report is not None:
        output_dir("--report", args.report)
    cards = {k: c for k, c in load_catalogue(args.catalogue).items() if k.startswith(args.prefix)}
    if not cards:
        raise InputError("--prefix", f"no claim starts with {args.prefix!r}", "see `rmtcheck list`")
    verdicts = _run_cards(args, list(cards.values()))
    ok = all(v.meets_expected for v in verdicts)
    if args.report is not None:
        from ..report import write_html, write_report  # matplotlib: only for a report
        from ..report.figures import write_figures

        figures = write_figures(verdicts, cards, Path(args.report))
        entries = ledger(args.catalogue) if not args.prefix else None
        paths = [write(verdicts, cards, args.report, scale=args.scale, seed=args.seed,
                       ledger=entries, figures=figures) for write in (write_report, write_html)]
        if not args.json:
            print("\n".join(f"report: {p}" for p in paths))
    if args.json:
        print_json(
            {
                "scale": args.scale,
                "seed": args.seed,
                "all_as_expected": ok,
                "errors": [v.claim for v in verdicts if v.outcome == "error"],
                "mismatches": [v.claim for v in verdicts
                               if v.outcome != "error" and not v.meets_expected],
                "verdicts": [v.as_dict() for v in verdicts],
            }
        )
    else:
        for v in verdicts:
            print(
                f"{'ok  ' if v.meets_expected else 'FAIL'} {v.claim:<32} {v.kind:<14} "
                f"expected {v.expected:<12} outcome {v.outcome:<5} {v.seconds:7.2f} s"
            )
        errors = [v for v in verdicts if v.outcome == "error"]
        mismatches = [v for v in verdicts if v.outcome != "error" and not v.meets_expected]
        n_ok = sum(v.meets_expected for v in verdicts)
        print(f"{n_ok}/{len(verdicts)} claims meet their expected verdict")
        for v in errors:
            print(f"error: {v.claim}: {v.error}")
        for v in mismatches:
            print(f"mismatch: {v.claim}: expected {v.expected}, outcome {v.outcome}"
                  + (", recorded counterexample not reproduced" if v.reproduced is False else ""))
    return 0 if ok else 1
