"""The coverage ledger: every specification ID of a text and how the catalogue covers it.

Each text folder may hold ``ledger.toml``::

    spec_ids = ["PAP-CLAIM-1", "PAP-THM-8.1", ...]    # the IDs the specification defines
    [uncarded]
    "PAP-CLAIM-31" = { status = "not checkable", reason = "one sentence" }
    "PAP-CLAIM-3"  = { status = "open", reason = "what a card would measure" }

An ID is ``card`` when a card of the text has it as its ``id`` or names it in ``covers``
(derived from the cards, so it cannot drift); otherwise the ledger must say why
(``not checkable``, or ``open`` for checkable statements without a card yet). An ID with
neither is ``missing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CardError
from .cards import catalogue_dirs, catalogue_files, load_catalogue, origin_name, read_toml

STATUSES = ("card", "not checkable", "open", "missing")


@dataclass(frozen=True)
class Entry:
    """One specification ID: its status, the cards covering it, and the reason otherwise."""

    id: str
    text: str
    status: str
    cards: tuple[str, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "status": self.status,
                "cards": list(self.cards), "reason": self.reason}


def _read_ledger(path: Path) -> tuple[list[str], dict[str, dict[str, str]]]:
    where = origin_name(str(path))
    data = read_toml(path)
    unknown = set(data) - {"spec_ids", "uncarded"}
    if unknown:
        raise CardError(where, sorted(unknown)[0], "unknown field")
    ids = data.get("spec_ids")
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        raise CardError(where, "spec_ids", "must be a list of IDs")
    uncarded = data.get("uncarded", {})
    for key, entry in uncarded.items():
        if key not in ids:
            raise CardError(where, f"uncarded.{key}", "is not in spec_ids")
        ok = (isinstance(entry, dict) and entry.get("status") in ("not checkable", "open")
              and isinstance(entry.get("reason"), str) and entry["reason"].strip())
        if not ok:
            raise CardError(where, f"uncarded.{key}",
                            "needs status = 'not checkable' or 'open' and a one-sentence reason")
    return ids, uncarded


def ledger(extra: list[str] | None = None, text: str | None = None) -> list[Entry]:
    """Every specification ID of every text's ``ledger.toml`` (or of ``text`` alone)."""
    cards = load_catalogue(extra)
    out: list[Entry] = []
    for d in catalogue_dirs(extra):
        for path in catalogue_files(d, "ledger.toml"):
            name = path.parent.name
            if text is not None and name != text:
                continue
            ids, uncarded = _read_ledger(path)
            mine = [c for c in cards.values() if c.text and c.text.name == name]
            for spec_id in ids:
                covering = tuple(c.id for c in mine if c.id == spec_id or spec_id in c.covers)
                if covering and spec_id in uncarded:
                    raise CardError(origin_name(str(path)), f"uncarded.{spec_id}",
                                    f"is covered by {', '.join(covering)}: remove the entry")
                if covering:
                    out.append(Entry(spec_id, name, "card", covering))
                elif spec_id in uncarded:
                    u = uncarded[spec_id]
                    out.append(Entry(spec_id, name, u["status"], (), u["reason"]))
                else:
                    out.append(Entry(spec_id, name, "missing"))
    return out


def counts(entries: list[Entry]) -> dict[str, dict[str, int]]:
    """Per text: how many IDs have each status, and the total."""
    table: dict[str, dict[str, int]] = {}
    for e in entries:
        row = table.setdefault(e.text, {s: 0 for s in STATUSES} | {"total": 0})
        row[e.status] += 1
        row["total"] += 1
    return table
