"""Write ``report.md``, ``results.json`` and one PNG per claim that has something to draw."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..checker.cards import Card
from ..checker.coverage import Entry, counts
from ..checker.verdict import Verdict
from .figures import write_figures


def key_stat(v: Verdict) -> str:
    s = v.statistics
    for key in ("ks", "slope", "margin", "max_z", "max_rel_error", "max_abs_error"):
        if key in s and isinstance(s[key], int | float):
            return f"{key} = {s[key]:.3g}"
    nums = [f"{k} = {x:.3g}" for k, x in s.items() if isinstance(x, float)][:2]
    return ", ".join(nums)


def tol_text(tol: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in tol.items() if k != "why")


def reproduce_command(v: Verdict, seed: int) -> str:
    """The command that reruns the verdict's claim at its parameters and seed."""
    return ("rmtcheck check " + v.claim + "".join(f" --param {k}={x}" for k, x in v.params.items())
            + f" --seed {seed}")


def _anchor(claim: str) -> str:
    return claim.lower().replace(".", "")


def _ledger_lines(entries: list[Entry]) -> list[str]:
    """The coverage ledger: counts per text, then every specification ID."""
    lines = ["", "## Coverage of the specifications", "",
             "Every specification ID (claims, theorems, lemmas, corollaries) with its status: "
             "`card` (the cards that check it), `not checkable` or `open` (checkable, no card "
             "yet), each with its reason (`rmtcheck coverage`).", "",
             "| text | card | not checkable | open | missing | total |",
             "|---|---|---|---|---|---|"]
    for text, row in counts(entries).items():
        lines.append(f"| {text} | {row['card']} | {row['not checkable']} | {row['open']} | "
                     f"{row['missing']} | {row['total']} |")
    lines += ["", "| ID | status | cards or reason |", "|---|---|---|"]
    for e in entries:
        what = ", ".join(f"[{c}](#{_anchor(c)})" for c in e.cards) or e.reason
        lines.append(f"| {e.id} | {e.status} | {what} |")
    return lines


def write_report(
    verdicts: list[Verdict], cards: dict[str, Card], out_dir: str | Path, *, scale: str, seed: int,
    ledger: list[Entry] | None = None, figures: dict[str, str | None] | None = None,
) -> Path:
    """Write the report into ``out_dir`` (drawing the figures unless ``figures`` maps each
    claim to its already written file); returns the path of report.md."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if figures is None:
        figures = write_figures(verdicts, cards, out)
    ok = sum(v.meets_expected for v in verdicts)
    errors = [v for v in verdicts if v.outcome == "error"]
    lines = [
        "# rmtcheck verification report",
        "",
        f"Scale `{scale}`, seed `{seed}`: **{ok} of {len(verdicts)} claims meet their expected "
        f"verdict**, {len(errors)} ended in an error. Outcomes are `holds`, `fails` or `error`. "
        "A claim expected to `fail` is a printed statement shown wrong inside the text's own "
        "hypotheses; it meets its expectation only when its recorded counterexample "
        "reproduces. An `observation` evaluates a statement outside its hypotheses and "
        "judges nothing. The same report as one self-contained, filterable page: "
        "[report.html](report.html).",
        "",
        "| claim | kind | expected | outcome | as expected | statistic | tolerance | s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        lines.append(
            f"| [{v.claim}](#{_anchor(v.claim)}) | {v.kind} | {v.expected} | "
            f"{v.outcome} | {'✅' if v.meets_expected else '❌'} | "
            f"{key_stat(v)} | {tol_text(v.tolerance)} | {v.seconds:.2f} |"
        )
    if errors:
        lines += ["", "Errors:", ""] + [f"- {v.claim}: {v.error}" for v in errors]
    heading = None
    for v in sorted(verdicts, key=lambda v: (cards[v.claim].text.name if cards[v.claim].text
                                             else "", v.claim)):
        card = cards[v.claim]
        if card.text is not None and card.text.name != heading:
            heading = card.text.name
            lines += ["", f"## {card.text.short}: {card.text.title}", "", card.text.citation]
        lines += [
            "",
            f"### {v.claim}",
            "",
            f"**{card.title}** ({v.kind}; {v.source})",
            "",
            f"> {card.statement}",
            "",
            f"Expected `{v.expected}`, outcome `{v.outcome}`"
            + (f": {v.error}" if v.error else "") + ".",
            "",
            f"Parameters: `{json.dumps(v.as_dict()['params'])}`",
            "",
            f"Statistics: `{json.dumps(v.as_dict()['statistics'])}`",
            "",
            f"Tolerance: {tol_text(v.tolerance)} — {v.tolerance.get('why', '')}",
            "",
        ]
        if card.quote:
            lines += [f"Printed: “{card.quote}”", ""]
        if v.counterexample:
            lines += [f"Counterexample: `{json.dumps(v.as_dict()['counterexample'])}`", ""]
            lines += [f"Reproduce: `{reproduce_command(v, seed)}`", ""]
        if v.corrected:
            lines += [f"Corrected statement: [{v.corrected}](#{_anchor(v.corrected)})", ""]
        if figures[v.claim]:
            lines += [f"![{v.claim}]({figures[v.claim]})", ""]
    if ledger:
        lines += _ledger_lines(ledger)
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "results.json").write_text(json.dumps([v.as_dict() for v in verdicts], indent=2))
    return path
