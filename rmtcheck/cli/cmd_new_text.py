"""``rmtcheck new-text``: scaffold the folder of a new source text for ``--catalogue DIR``."""

from __future__ import annotations

import argparse
import re

from ..errors import InputError
from ..outputs import output_dir
from .common import print_json

CARDS = '''# Cards of {name}: `rmtcheck list --catalogue {root}`.
# Schema: README.md ("Writing a claim card").

[text]
name = "{name}"
prefix = "{prefix}"
short = "Author (year)"
title = "Title of the source text"
citation = "Author, A. (year). Title of the source text. Venue."
seeds = []

# One example card: an exact claim whose closed form (theory) is compared with a
# computation (empirical). Replace it with the text's own statements; every ID starts
# with {prefix}-. Kinds: exact, distributional, inequality, scaling, qualitative.
[[claim]]
id = "{prefix}-EXAMPLE"
title = "Trace of a sample covariance"
statement = "E tr(X X^T / n) = p for X p x n with i.i.d. N(0, 1) entries"
source = {{ file = "", section = "Sec. 1", equation = "eq. (1)" }}
covers = []
kind = "exact"
expected = "holds"
theory = "functions.py:expected_trace"
empirical = "functions.py:sampled_trace"
tolerance = {{ rtol = "6 * sqrt(2 / (p * n))", why = "tr S / p has sd sqrt(2 / (p n)): 6 sd" }}
[claim.params]
p = {{ int = [1, 2000], doc = "rows of X (Author, year, Sec. 1: any p >= 1)" }}
n = {{ int = [1, 2000], doc = "columns of X" }}
[claim.scale]
quick = {{ p = 100, n = 200 }}
full = {{ p = 1000, n = 2000 }}
'''

FUNCTIONS = '''"""Functions of the cards of {name} (closed forms and computations; plain parameters
in, plain arrays out, ``rng`` a numpy.random.Generator)."""

import numpy as np


def expected_trace(p: int, n: int) -> np.ndarray:
    """E tr(X X^T / n) = p (Author, year, eq. 1)."""
    return np.array([float(p)])


def sampled_trace(rng: np.random.Generator, p: int, n: int) -> np.ndarray:
    """tr(X X^T / n) of one draw."""
    x = rng.standard_normal((p, n))
    return np.array([np.sum(x * x) / n])
'''

TEST = '''"""Every card of {name} meets its expected verdict at quick scale."""

from pathlib import Path

import pytest

import rmtcheck as rc

HERE = Path(__file__).resolve().parent
CATALOGUE = [str(HERE.parent)]
IDS = [c.id for c in rc.load_catalogue(CATALOGUE).values() if c.text and c.text.name == "{name}"]


@pytest.mark.parametrize("claim", IDS)
def test_card_meets_expected_verdict(claim):
    verdict = rc.check(claim, scale="quick", catalogue=CATALOGUE)
    assert verdict.meets_expected, verdict.as_dict()
'''


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "new-text",
        help="scaffold the folder of a new source text",
        description="Create DIR/NAME/ with cards.toml (its [text] table and one example card), "
        "functions.py (the functions the cards name) and test_cards.py (runs every card at "
        "quick scale). `rmtcheck list --catalogue DIR` then shows its cards.",
        epilog="examples:\n  rmtcheck new-text smith2024 --prefix SMITH --dir mytexts\n"
        "  rmtcheck check SMITH-EXAMPLE --catalogue mytexts",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("name", metavar="NAME", help="folder name: lower-case author and year, "
                   "e.g. smith2024")
    s.add_argument("--prefix", required=True, help="ID prefix of its claims, e.g. SMITH")
    s.add_argument("--dir", default=".", metavar="DIR", help="catalogue directory (default .)")
    s.add_argument("--json", action="store_true", help="print the created files as JSON")
    s.set_defaults(run=run_new_text)


def run_new_text(args: argparse.Namespace) -> int:
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", args.name):
        raise InputError("NAME", f"got {args.name!r}", "lower-case letters, digits and _, "
                         "starting with a letter, e.g. smith2024")
    if not re.fullmatch(r"[A-Z]{1,16}", args.prefix):
        raise InputError("--prefix", f"got {args.prefix!r}", "1-16 upper-case letters, e.g. SMITH")
    root = output_dir("--dir", args.dir)
    if not root.is_dir():
        raise InputError("--dir", f"{root} is not a directory", "an existing directory")
    folder = root / args.name
    if folder.exists():
        raise InputError("NAME", f"{folder} exists already", "a new folder name")
    fields = {"name": args.name, "prefix": args.prefix, "root": root}
    files = {"cards.toml": CARDS, "functions.py": FUNCTIONS, "test_cards.py": TEST}
    try:
        folder.mkdir()
        for file, template in files.items():
            (folder / file).write_text(template.format(**fields), encoding="utf-8")
    except OSError as exc:
        raise InputError("--dir", f"cannot write {folder}: {exc.strerror}",
                         "a writable directory") from None
    created = [str(folder / f) for f in files]
    if args.json:
        print_json({"text": args.name, "prefix": args.prefix, "files": created})
    else:
        print("\n".join(f"created {f}" for f in created))
        print(f"next: rmtcheck list --catalogue {root}; "
              f"python -m pytest {folder / 'test_cards.py'}")
    return 0
