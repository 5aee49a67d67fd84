"""Write ``report.md``, ``results.json`` and one PNG per claim that has something to draw."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..checker.cards import Card
from ..checker.verdict import Verdict
from ..plots.scaling import plot_scaling
from ..plots.spectrum import plot_spectrum


def _figure(v: Verdict, card: Card, out: Path) -> str | None:
    d = v.detail
    name = f"{v.claim}.png"
    if "sample" in d and "law" in d:
        plot_spectrum(
            d["sample"],
            d["law"],
            out / name,
            title=f"{v.claim}: {card.title}",
            stats={k: v.statistics[k] for k in ("ks", "w1") if k in v.statistics},
        )
        return name
    if "fit" in d:
        f = d["fit"]
        plot_scaling(
            d["sizes"],
            d["values"],
            f,
            d["predicted"],
            out / name,
            title=f"{v.claim}: {card.title}",
            size_name=card.fit.get("size", "size"),
        )
        return name
    return None


def _key_stat(v: Verdict) -> str:
    s = v.statistics
    for key in ("ks", "slope", "margin", "max_z", "max_rel_error", "max_abs_error"):
        if key in s and isinstance(s[key], int | float):
            return f"{key} = {s[key]:.3g}"
    nums = [f"{k} = {x:.3g}" for k, x in s.items() if isinstance(x, float)][:2]
    return ", ".join(nums)


def _tol_text(tol: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in tol.items() if k != "why")


def write_report(
    verdicts: list[Verdict], cards: dict[str, Card], out_dir: str | Path, *, scale: str, seed: int
) -> Path:
    """Write the report into ``out_dir``; returns the path of report.md."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = {v.claim: _figure(v, cards[v.claim], out) for v in verdicts}
    ok = sum(v.meets_expected for v in verdicts)
    lines = [
        "# rmtcheck verification report",
        "",
        f"Scale `{scale}`, seed `{seed}`: **{ok} of {len(verdicts)} claims meet their expected "
        "verdict**. A claim marked `fails` is a printed statement known to be wrong; it meets "
        "its expectation when the check reproduces the failure (with a counterexample).",
        "",
        "| claim | kind | expected | statement held | as expected | statistic | tolerance | s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        lines.append(
            f"| [{v.claim}](#{v.claim.lower().replace('.', '')}) | {v.kind} | {v.expected} | "
            f"{'yes' if v.passed else 'no'} | {'✅' if v.meets_expected else '❌'} | "
            f"{_key_stat(v)} | {_tol_text(v.tolerance)} | {v.seconds:.2f} |"
        )
    for v in verdicts:
        card = cards[v.claim]
        lines += [
            "",
            f"## {v.claim}",
            "",
            f"**{card.title}** ({v.kind}; source: {v.source})",
            "",
            f"> {card.statement}",
            "",
            f"Parameters: `{json.dumps(v.as_dict()['params'])}`",
            "",
            f"Statistics: `{json.dumps(v.as_dict()['statistics'])}`",
            "",
            f"Tolerance: {_tol_text(v.tolerance)} — {v.tolerance.get('why', '')}",
            "",
        ]
        if v.counterexample:
            lines += [f"Counterexample: `{json.dumps(v.as_dict()['counterexample'])}`", ""]
        if v.corrected:
            lines += [
                f"Corrected statement: [{v.corrected}](#{v.corrected.lower().replace('.', '')})",
                "",
            ]
        if figures[v.claim]:
            lines += [f"![{v.claim}]({figures[v.claim]})", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "results.json").write_text(json.dumps([v.as_dict() for v in verdicts], indent=2))
    return path
