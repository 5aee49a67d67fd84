"""One figure per verdict that has something to draw: a spectrum against its law or a
scaling fit (shared by the Markdown and HTML reports)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..checker.cards import Card
from ..checker.verdict import Verdict
from ..plots.scaling import plot_scaling
from ..plots.spectrum import plot_spectrum


def statistic_name(card: Card) -> str:
    """The quantity a scaling card measures, named after its empirical function
    (``...claims:ks_to_mp`` -> "ks to mp")."""
    return card.empirical.rsplit(":", 1)[-1].replace("_", " ")


def write_figure(v: Verdict, card: Card, out: Path, fmt: str = "png") -> str | None:
    """Draw the verdict's figure into ``out`` as ``<claim>.<fmt>``; its file name, or None
    when the verdict has nothing to draw."""
    d = v.detail
    name = f"{v.claim}.{fmt}"
    title = f"{v.claim}: {card.title}"
    if "sample" in d and "law" in d:
        plot_spectrum(d["sample"], d["law"], out / name, title=title,
                      stats={k: v.statistics[k] for k in ("ks", "w1") if k in v.statistics})
        return name
    if "fit" in d:
        plot_scaling(d["sizes"], d["values"], d["fit"], d["predicted"], out / name, title=title,
                     size_name=card.fit.get("size", "size"), statistic=statistic_name(card),
                     slack=d.get("slack", 0.0))
        return name
    return None


def write_figures(verdicts: list[Verdict], cards: dict[str, Card], out: Path,
                  fmt: str = "png") -> dict[str, str | None]:
    """{claim: figure file name or None} for every verdict, drawn into ``out``; a figure
    that cannot be drawn is reported on stderr and left out, the report is still written."""
    out.mkdir(parents=True, exist_ok=True)
    names: dict[str, str | None] = {}
    for v in verdicts:
        try:
            names[v.claim] = write_figure(v, cards[v.claim], out, fmt)
        except Exception as exc:  # noqa: BLE001 - one bad figure must not lose the report
            print(f"figure of {v.claim} not drawn: {type(exc).__name__}: {exc}", file=sys.stderr)
            names[v.claim] = None
    return names
