"""Where a card's code and tests live: file and line of the functions it names and of the
tests that run it, so a reader goes from a claim ID to its code in one hop."""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path
from typing import Any

from .cards import Card
from .resolve import resolve_function


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def function_location(ref: str, origin: str = "") -> dict[str, Any]:
    """``{"ref", "file", "line"}`` of the function named ``ref`` (unwrapping decorators)."""
    func = inspect.unwrap(resolve_function(ref, origin))
    try:
        path = Path(inspect.getsourcefile(func) or "")
        line = inspect.getsourcelines(func)[1]
    except (OSError, TypeError):  # a builtin or a C function
        return {"ref": ref, "file": None, "line": None}
    return {"ref": ref, "file": _shown(path), "line": line}


def tests_root(card: Card) -> Path | None:
    """The ``tests/`` folder of the source tree holding the card's catalogue, if any."""
    folder = Path(card.origin).resolve().parent
    for parent in (folder, *folder.parents):
        if (parent / "tests").is_dir() and (parent / "tests" / "__init__.py").exists():
            return parent / "tests"
    return None


def test_locations(card: Card) -> list[dict[str, Any]]:
    """Tests that run ``card``: its text's catalogue test (``tests/theory/<text>/``), then
    every test file naming the claim ID, each with the line of its first mention."""
    root = tests_root(card)
    if root is None:
        return []
    found: list[dict[str, Any]] = []
    if card.text is not None:
        catalogue = root / "theory" / card.text.name / "test_catalogue.py"
        if catalogue.exists():
            lines = catalogue.read_text(encoding="utf-8").splitlines()
            starts = ("def test_", "test_")
            line = next((i for i, t in enumerate(lines, 1) if t.startswith(starts)), 1)
            found.append({"file": _shown(catalogue), "line": line})
    pattern = re.compile(rf"(?<![\w-]){re.escape(card.id)}(?![\w.-])")
    for path in sorted(root.rglob("test_*.py")):
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(text):
                found.append({"file": _shown(path), "line": i})
                break
    return found
