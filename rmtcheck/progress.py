"""Progress for long work: tqdm bars on a terminal; on a log file (stderr not a terminal) one
plain line every ``LOG_EVERY`` seconds with the count, the seconds so far and the time left; nothing
for --json, --quiet or RMTCHECK_NO_PROGRESS."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from tqdm import tqdm

T = TypeVar("T")
_enabled: bool | None = None
LOG_EVERY = 30.0


def set_enabled(flag: bool | None) -> None:
    """Force bars on or off; ``None``: on when stderr is a terminal (unless
    RMTCHECK_NO_PROGRESS is set). Off is passed on to worker processes through
    RMTCHECK_NO_PROGRESS."""
    global _enabled
    _enabled = flag
    if flag is False:
        os.environ["RMTCHECK_NO_PROGRESS"] = "1"


def enabled() -> bool:
    if _enabled is not None:
        return _enabled
    return sys.stderr.isatty() and not os.environ.get("RMTCHECK_NO_PROGRESS")


def _logging() -> bool:
    """Progress goes to a log as plain lines: stderr is not a terminal and progress is on."""
    return _enabled is None and not sys.stderr.isatty() and not os.environ.get(
        "RMTCHECK_NO_PROGRESS")


def note(text: str) -> None:
    """One progress line on stderr where no bar can draw (stderr is not a terminal, e.g. a
    log file), unless progress is off (--json, --quiet, RMTCHECK_NO_PROGRESS)."""
    if _logging():
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


class LogBar:
    """The part of tqdm's interface the project uses, writing a line such as
    ``training: 40/150 (27%), 12 s, about 33 s left`` at most every ``every`` seconds."""

    def __init__(self, total: int | None, desc: str, unit: str, every: float | None = None):
        self.total, self.desc, self.unit = total, desc or "progress", unit
        self.every = LOG_EVERY if every is None else every
        self.n, self.postfix = 0, ""
        self.start = self.last = time.monotonic()

    def update(self, k: int = 1) -> None:
        self.n += k
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            note(self.line(now - self.start))

    def line(self, elapsed: float) -> str:
        done = f"{self.n} {self.unit}"
        if self.total:
            left = elapsed * (self.total - self.n) / self.n if self.n else float("nan")
            done = (f"{self.n}/{self.total} {self.unit} ({100 * self.n / self.total:.0f}%), "
                    f"{elapsed:.0f} s, about {left:.0f} s left")
        else:
            done += f", {elapsed:.0f} s"
        return f"{self.desc}: {done}" + (f" [{self.postfix}]" if self.postfix else "")

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def close(self) -> None:
        pass

    def __enter__(self) -> LogBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bar(total: int | None = None, desc: str = "", unit: str = "it") -> Any:
    """A tqdm bar on stderr with ETA on a terminal, a :class:`LogBar` on a log file, a no-op
    bar when progress is off."""
    if _logging():
        return LogBar(total, desc, unit)
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
