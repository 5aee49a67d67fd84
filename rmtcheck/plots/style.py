"""The project's figure style (``rmtcheck.mplstyle``: one paper column, 8 pt text) and the
helpers every figure shares: a styled Agg figure, saving by file extension, mathtext titles
and tick labels that never collide."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError

STYLE = Path(__file__).with_name("rmtcheck.mplstyle")
FORMATS = ("png", "pdf", "svg")
COLUMN = 3.4  # inches: one column of a two-column paper
PAGE = 6.8  # inches: the full text width


@contextmanager
def figure_style() -> Iterator[None]:
    """The rmtcheck style for the duration of the block (rcParams restored after)."""
    import matplotlib.style  # noqa: PLC0415

    with matplotlib.style.context(str(STYLE)):
        yield


def new_figure(width: float = COLUMN, height: float = 2.6, **subplots: Any) -> tuple[Any, Any]:
    """(figure, axes) on an Agg canvas (no pyplot state); call inside ``figure_style``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.subplots(**subplots)


def save(fig: Any, path: str | Path) -> Path:
    """Write ``fig`` in the format named by the extension of ``path`` (png, pdf or svg)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("path", f"has extension {path.suffix!r}", "a .png, .pdf or .svg file")
    fig.savefig(path, format=fmt)
    return path


_POWER = re.compile(r"(?<![$\\\w])([A-Za-z0-9]+)\^(\{[^{}$]*\}|-?[\w./]+)")


def mathtext(text: str) -> str:
    """Typeset the powers of a plain-text title: ``p^{-2/3}`` becomes ``$p^{-2/3}$``; other
    dollar signs are escaped so that matplotlib prints them."""
    escaped = text.replace("$", r"\$")
    return _POWER.sub(lambda m: f"${m.group(1)}^{{{m.group(2).strip('{}')}}}$", escaped)


def overlapping_ticks(fig: Any, axis: Any) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty tick labels of ``axis`` whose boxes intersect (after a draw)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = axis.get_ticklabels(which="both")
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels
             if t.get_visible() and t.get_text()]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
            if box_a.overlaps(box_b)]


def declutter_ticks(fig: Any, axis: Any) -> None:
    """Hide minor labels, then thin the major labels (every 2nd, 3rd, ...) until none collide."""
    from matplotlib.ticker import NullFormatter  # noqa: PLC0415

    if not overlapping_ticks(fig, axis):
        return
    axis.set_minor_formatter(NullFormatter())
    lo, hi = sorted(axis.get_view_interval())
    ticks = [t for t in axis.get_majorticklocs() if lo <= t <= hi]
    step = 1
    while overlapping_ticks(fig, axis) and step < len(ticks):
        step += 1
        axis.set_ticks(ticks[::step])


def nice_values(lo: float, hi: float) -> list[float]:
    """The numbers 1, 2 and 5 times a power of ten inside [lo, hi] (lo > 0): tick positions
    that read well on log and square-root axes."""
    import numpy as np  # noqa: PLC0415

    powers = 10.0 ** np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    return [float(v) for v in np.sort(np.outer(powers, [1.0, 2.0, 5.0]).ravel())
            if lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9)]


def number_label(value: float, _pos: Any = None) -> str:
    """``0.02``, ``500``, or mathtext ``$10^{-5}$`` / ``$2\\times10^{-5}$`` outside
    [1e-3, 1e5)."""
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    power = f"10^{{{int(exponent)}}}"
    return f"${power}$" if mantissa == "1" else f"${mantissa}\\times{power}$"
