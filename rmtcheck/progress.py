"""Progress bars for long work (tqdm), silenced for --json, --quiet or a non-terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")
_enabled: bool | None = None


def set_enabled(flag: bool | None) -> None:
    """Force bars on or off; ``None``: on when stderr is a terminal (unless
    RMTCHECK_NO_PROGRESS is set)."""
    global _enabled
    _enabled = flag


def enabled() -> bool:
    if _enabled is not None:
        return _enabled
    return sys.stderr.isatty() and not os.environ.get("RMTCHECK_NO_PROGRESS")


def note(text: str) -> None:
    """One progress line on stderr where no bar can draw (stderr is not a terminal, e.g. a
    log file), unless progress is off (--json, --quiet, RMTCHECK_NO_PROGRESS)."""
    if _enabled is None and not sys.stderr.isatty() and not os.environ.get("RMTCHECK_NO_PROGRESS"):
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def bar(total: int | None = None, desc: str = "", unit: str = "it") -> Any:
    """A tqdm bar on stderr with ETA (a no-op bar when disabled)."""
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        disable=not enabled(),
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
    )


def track(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
    """Iterate with a progress bar: ``for step in track(range(steps), desc="training")``."""
    with bar(total if total is not None else _len(items), desc) as b:
        for item in items:
            yield item
            b.update(1)


def _len(items: Iterable[Any]) -> int | None:
    try:
        return len(items)  # type: ignore[arg-type]
    except TypeError:
        return None
