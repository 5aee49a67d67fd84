"""Tables of the catalogue for README and reports, generated from the cards so they cannot
drift: the printed statements that fail, and the cards of each source text."""

from __future__ import annotations

from ..checker.cards import Card


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def errata_table(cards: dict[str, Card]) -> str:
    """Markdown table of the printed errors (``expected = "fails"``): claim, where it is
    printed, the quoted sentence, the counterexample inside the text's hypotheses, and the
    card holding the corrected statement."""
    rows = [
        "| claim | printed in | printed statement | counterexample (inside the hypotheses) "
        "| corrected |",
        "|---|---|---|---|---|",
    ]
    for card in sorted(cards.values(), key=lambda c: c.id):
        if card.expected != "fails" or card.counterexample is None:
            continue
        ce = card.counterexample
        at = ", ".join(f"{k} = {v}" for k, v in ce["params"].items())
        shown = ce.get("range") or ce.get("value")
        rows.append(f"| {card.id} | {_cell(card.source_text)} | {_cell(card.quote)} | {at}: "
                    f"{ce['statistic']} = {shown} | {card.corrected} |")
    return "\n".join(rows)


def texts_table(cards: dict[str, Card]) -> str:
    """Markdown table: each source text with its folder, ID prefix and counts of cards by
    expectation."""
    rows = ["| folder | prefix | source text | cards | printed errors | observations |",
            "|---|---|---|---|---|---|"]
    texts = {}
    for card in cards.values():
        if card.text is not None:
            texts.setdefault(card.text.name, (card.text, []))[1].append(card)
    for name, (text, mine) in sorted(texts.items()):
        count = sum(c.expected == "fails" for c in mine)
        obs = sum(c.expected == "observation" for c in mine)
        rows.append(f"| `{name}` | {text.prefix} | {_cell(text.short)}: {_cell(text.title)} | "
                    f"{len(mine)} | {count} | {obs} |")
    return "\n".join(rows)
