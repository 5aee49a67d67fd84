"""Key-by-key comparison of a scenario's reproduced numbers with the paper's.

A scenario declares, per key of the summary its run function returns::

    [scenario.compare."r2.case3"]        # dots reach into nested dicts, integers into lists
    paper = 0.788                        # the paper's number
    read = "Table 1, Case 3"             # where it comes from, or how a figure was read
    atol = 0.05                          # and/or rtol; or range = [low, high] (inf allowed)
    at = "full"                          # optional: judged only at this scale

and :func:`compare` judges each key: ``holds`` when ``|ours - paper| <= atol + rtol |paper|``
(or ``ours`` lies in ``range``), ``fails`` otherwise, ``error`` when the key is missing or not
a finite number, ``not judged`` at a scale the entry does not name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import CardError

_FIELDS = {"paper", "read", "atol", "rtol", "range", "at"}
NOT_JUDGED = "not judged"


@dataclass(frozen=True)
class Comparison:
    """One key's rule: the paper's number, its source, the tolerance and the scale."""

    key: str
    paper: float | None
    read: str
    atol: float = 0.0
    rtol: float = 0.0
    range: tuple[float, float] | None = None
    at: str | None = None

    def tolerance(self) -> str:
        if self.range is not None:
            return f"in [{self.range[0]:g}, {self.range[1]:g}]"
        parts = [f"{name} {value:g}" for name, value in (("atol", self.atol), ("rtol", self.rtol))
                 if value > 0]
        return " + ".join(parts) or "exact"

    def judge(self, ours: Any, scale: str) -> str:
        if self.at is not None and self.at != scale:
            return NOT_JUDGED
        if not _finite(ours):
            return "error"
        if self.range is not None:
            ok = self.range[0] <= ours <= self.range[1]
        else:
            ok = abs(ours - self.paper) <= self.atol + self.rtol * abs(self.paper)
        return "holds" if ok else "fails"


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and not math.isnan(x)


def _finite(x: Any) -> bool:
    return _number(x) and math.isinf(x) is False


def parse_compare(raw: Any, where: str, scales: tuple[str, ...]) -> tuple[Comparison, ...]:
    """Validate the ``[scenario.compare]`` table of one scenario."""
    if not isinstance(raw, dict):
        raise CardError(where, "compare", "must be a table of [scenario.compare.\"key\"] tables")
    out = []
    for key, entry in raw.items():
        field = f"compare.{key}"
        if not isinstance(entry, dict):
            raise CardError(where, field, "must be a table with paper, read and a tolerance")
        unknown = set(entry) - _FIELDS
        if unknown:
            raise CardError(where, f"{field}.{sorted(unknown)[0]}", "unknown field")
        if not isinstance(entry.get("read"), str) or not entry["read"].strip():
            raise CardError(where, f"{field}.read", "is required: where the paper's number "
                            "comes from, or how it was read off a figure")
        bounds = entry.get("range")
        if bounds is not None and not (
            isinstance(bounds, list) and len(bounds) == 2 and all(map(_number, bounds))
            and bounds[0] <= bounds[1]
        ):
            raise CardError(where, f"{field}.range", "must be [low, high] with low <= high "
                            "(inf or -inf for a one-sided bound)")
        paper = entry.get("paper")
        if paper is not None and not _finite(paper):
            raise CardError(where, f"{field}.paper", "must be a finite number")
        if bounds is None and paper is None:
            raise CardError(where, field, "needs the paper's number (paper) or a range")
        for tol in ("atol", "rtol"):
            if tol in entry and not (_finite(entry[tol]) and entry[tol] >= 0):
                raise CardError(where, f"{field}.{tol}", "must be a number >= 0")
        if bounds is None and "atol" not in entry and "rtol" not in entry:
            raise CardError(where, field, "needs a tolerance: atol, rtol or range")
        if entry.get("at") is not None and entry["at"] not in scales:
            raise CardError(where, f"{field}.at", f"must be one of {', '.join(scales)}")
        out.append(Comparison(
            key=key, paper=paper, read=entry["read"], atol=float(entry.get("atol", 0.0)),
            rtol=float(entry.get("rtol", 0.0)), range=tuple(bounds) if bounds else None,
            at=entry.get("at"),
        ))
    return tuple(out)


def lookup(summary: Any, key: str) -> Any:
    """``summary["a"][2]["b"]`` for the key ``"a.2.b"`` (a literal key with dots is tried
    first; an integer part indexes a list, negative from its end)."""
    if isinstance(summary, dict) and key in summary:
        return summary[key]
    head, dot, rest = key.partition(".")
    if isinstance(summary, dict) and head in summary:
        child = summary[head]
    elif isinstance(summary, list) and head.lstrip("-").isdigit() and \
            -len(summary) <= int(head) < len(summary):
        child = summary[int(head)]
    else:
        return None
    return lookup(child, rest) if dot else child


def compare(rules: tuple[Comparison, ...], reproduced: Any, scale: str) -> list[dict[str, Any]]:
    """One row per rule: key, ours, paper, tolerance, read, verdict."""
    rows = []
    for rule in rules:
        ours = lookup(reproduced, rule.key)
        rows.append({
            "key": rule.key, "ours": ours, "paper": rule.paper, "tolerance": rule.tolerance(),
            "read": rule.read, "verdict": rule.judge(ours, scale),
        })
    return rows


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The comparison rows as a Markdown table (the summary.md of a scenario run)."""
    def cell(x: Any) -> str:
        if _finite(x):
            return f"{x:.4g}"
        return "—" if x is None else str(x).replace("|", "\\|")

    lines = ["| key | ours | paper | tolerance | verdict | paper's number from |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['key']} | {cell(r['ours'])} | {cell(r['paper'])} | {r['tolerance']} | "
              f"{r['verdict']} | {cell(r['read'])} |" for r in rows]
    return "\n".join(lines)
