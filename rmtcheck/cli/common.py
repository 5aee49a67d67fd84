"""Options shared by subcommands and small output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .. import budget, validate
from ..backend import BACKENDS
from ..errors import InputError
from ..rng import DEFAULT_SEED


def add_common(p: argparse.ArgumentParser, *, seed: bool = True, scale: bool = True) -> None:
    """--json, --seed, --scale, --backend, --catalogue, --quiet."""
    p.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    if seed:
        p.add_argument(
            "--seed",
            type=int_at_least("--seed", 0),
            default=DEFAULT_SEED,
            help=f"root seed (default {DEFAULT_SEED}); same seed, same numbers",
        )
    if scale:
        p.add_argument(
            "--scale",
            choices=["quick", "full"],
            default="quick",
            help="card sizes to use (default quick)",
        )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="array backend (default numpy, or $RMTCHECK_BACKEND)",
    )
    p.add_argument(
        "--catalogue",
        action="append",
        default=[],
        metavar="DIR",
        help="extra directory of claim cards (*.toml); repeatable",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--max-memory", type=_limit(budget.parse_bytes, "--max-memory"),
                   default=None, metavar="SIZE",
                   help="memory the work may use, e.g. 8G (default: MemAvailable)")
    p.add_argument("--max-work", type=_limit(budget.parse_work, "--max-work"), default=None,
                   metavar="FLOPS", help="operations a dense spectrum may take "
                   f"(default {budget.DEFAULT_MAX_WORK:g})")


def _limit(parse, option: str):
    """argparse type from a budget parser, with its one-line message."""

    def convert(text: str):
        try:
            return parse(option, text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def int_at_least(option: str, low: int, high: int | None = None):
    """argparse type: an integer >= ``low`` (and <= ``high``), with a message naming the
    option."""

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text) <= 30 else None
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            within = f">= {low}" if high is None else f"in [{low}, {high}]"
            raise argparse.ArgumentTypeError(
                f"{option} must be an integer {within}, got {text[:40]!r}")
        return value

    return parse


def positive_real(option: str):
    """argparse type: a finite number > 0."""

    def parse(text: str) -> float:
        try:
            return validate.positive(option, float(text) if len(text) <= 40 else "")
        except (InputError, ValueError):
            raise argparse.ArgumentTypeError(
                f"{option} must be a finite number > 0, got {text[:40]!r}") from None

    return parse


def positive_int(option: str):
    """argparse type: an integer >= 1."""
    return int_at_least(option, 1)


def parse_params(items: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs from repeated --param options (values stay strings)."""
    out: dict[str, Any] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError("--param", f"got {item!r}", "NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def add_executor_options(p: argparse.ArgumentParser, unit: str, store_default: str | None,
                         workers_default: str) -> None:
    """--workers / --scheduler / --dask-local, --store and --resume for work fanned out in
    independent ``unit``s (sweep cells, cards, scenarios)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int("--workers"), default=None,
                       help=f"local worker processes ({workers_default})")
    where.add_argument("--scheduler", default=None, metavar="ADDR",
                       help="address of a running Dask scheduler, tcp://HOST:PORT")
    where.add_argument("--dask-local", type=positive_int("--dask-local"), default=None,
                       metavar="N", help="start a Dask LocalCluster of N workers for this run")
    p.add_argument("--store", default=store_default, metavar="PATH",
                   help=f"result store, an SQLite file that keeps every finished {unit} "
                        f"(default {store_default or 'none: kept in memory'})")
    p.add_argument("--resume", action="store_true",
                   help=f"continue a run whose {unit}s are partly in the store")


def executor_options(args: argparse.Namespace, default: str = "processes") -> dict[str, Any]:
    """Executor keyword arguments for --workers / --dask-local / --scheduler (``default``
    when none is given); worker counts are checked against the cores first."""
    for option in ("workers", "dask_local"):
        if getattr(args, option) is not None:
            budget.workers(f"--{option.replace('_', '-')}", getattr(args, option))
    if args.scheduler is not None:
        return {"executor": "dask", "scheduler": args.scheduler}
    if args.dask_local is not None:
        return {"executor": "dask", "workers": args.dask_local}
    if args.workers == 1 or (args.workers is None and default == "in-process"):
        return {"executor": "in-process"}
    return {"executor": "processes", "workers": args.workers}
