"""Log-log figure of a scaling sweep: every cell, the per-size geometric means, the fitted
slope with its bootstrap interval and the slope the claim predicts."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..checker.fit import ExponentFit


def plot_scaling(
    sizes: Any,
    values: Any,
    fit: ExponentFit,
    predicted: float,
    path: str | Path,
    *,
    title: str = "",
    size_name: str = "size",
    statistic: str = "statistic",
) -> Path:
    """Write the figure to ``path`` (PNG by suffix) with the Agg canvas; return the path.

    The predicted line has slope ``predicted`` and passes through the geometric mean of all
    cells (the least-squares fit does too), so the two lines differ only in slope.
    """
    x = np.asarray(sizes, dtype=float)
    y = np.asarray(values, dtype=float)
    fig = Figure(figsize=(6.0, 4.2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.loglog(x, y, ".", color="0.6", ms=4, label="cells")
    grid = np.unique(x)
    means = [np.exp(np.mean(np.log(y[x == s]))) for s in grid]
    ax.loglog(grid, means, "o", color="C0", label="geometric mean per size")
    line = np.geomspace(grid[0], grid[-1], 50)
    lx, ly = np.log(x).mean(), np.log(y).mean()
    ax.loglog(
        line,
        np.exp(fit.intercept) * line**fit.slope,
        "-",
        color="C0",
        label=f"fit p = {fit.slope:.3f} [{fit.ci_low:.3f}, {fit.ci_high:.3f}]",
    )
    ax.loglog(
        line,
        np.exp(ly + predicted * (np.log(line) - lx)),
        "--",
        color="C3",
        label=f"predicted p = {predicted:g}",
    )
    ax.set_xlabel(size_name)
    ax.set_ylabel(statistic)
    ax.set_title(textwrap.fill(title, 70), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    return path
