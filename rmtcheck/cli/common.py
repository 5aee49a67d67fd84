"""Options shared by subcommands and small output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

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


def int_at_least(option: str, low: int):
    """argparse type: an integer >= ``low``, with a message naming the option."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"{option} must be an integer >= {low}, got {text!r}")
        return value

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
