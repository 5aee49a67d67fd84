"""Log-log figure of a scaling sweep: every cell, the per-size geometric mean with the spread
of its trials, the fitted slope with its bootstrap interval (a band pivoting on the centre of
the cells), the interval widened by the card's slack, and the slope the claim predicts.

All lines pass through the geometric centre (mean log size, mean log value) of the cells, as
the least-squares fit does, so they differ only in slope.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from ..checker.fit import ExponentFit
from .style import (
    declutter_ticks,
    figure_style,
    mathtext,
    new_figure,
    nice_values,
    number_label,
    save,
)


def _size_label(value: float, _pos: Any = None) -> str:
    if value >= 1e6 or value != round(value):
        return f"{value:.3g}"
    return f"{int(round(value))}"


def _band(ax: Any, line: np.ndarray, lx: float, ly: float, lo: float, hi: float,
          **style: Any) -> None:
    ys = [np.exp(ly + s * (np.log(line) - lx)) for s in (lo, hi)]
    ax.fill_between(line, np.minimum(*ys), np.maximum(*ys), lw=0, **style)


def scaling_figure(
    sizes: Any,
    values: Any,
    fit: ExponentFit,
    predicted: float,
    *,
    title: str = "",
    size_name: str = "size",
    statistic: str = "statistic",
    slack: float = 0.0,
) -> Any:
    """The log-log figure of the module docstring (a matplotlib Figure)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter  # noqa: PLC0415

    x = np.asarray(sizes, dtype=float)
    y = np.asarray(values, dtype=float)
    grid = np.unique(x)
    logs = [np.log(y[x == s]) for s in grid]
    centre = np.exp([v.mean() for v in logs])
    spread = np.exp([np.quantile(v, [0.16, 0.84]) for v in logs]).T
    line = np.geomspace(grid[0], grid[-1], 60)
    lx, ly = np.log(x).mean(), np.log(y).mean()
    with figure_style():
        fig, ax = new_figure(height=2.9)
        ax.plot(x, y, ".", color="0.65", ms=2, label="trials", zorder=1)
        ax.errorbar(grid, centre, yerr=[centre - spread[0], spread[1] - centre], fmt="o",
                    ms=3.5, capsize=2, color="#0072B2", zorder=3,
                    label="mean, 16-84% of trials")
        if slack > 0:
            _band(ax, line, lx, ly, fit.ci_low - slack, fit.ci_high + slack, color="#009E73",
                  alpha=0.12, label=f"CI $\\pm$ slack {slack:g}")
        _band(ax, line, lx, ly, fit.ci_low, fit.ci_high, color="#009E73", alpha=0.3,
              label=f"{fit.confidence:.1%}".replace(".0%", "%")
              + f" CI [{fit.ci_low:.3f}, {fit.ci_high:.3f}]")
        ax.plot(line, np.exp(fit.intercept) * line**fit.slope, "-", color="#009E73",
                label=f"fit slope {fit.slope:.3f}")
        ax.plot(line, np.exp(ly + predicted * (np.log(line) - lx)), "--", color="#D55E00",
                label=f"predicted slope {predicted:.4g}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ticks = grid if grid.size <= 8 else grid[:: int(np.ceil(grid.size / 6))]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(_size_label))
        ax.xaxis.set_minor_formatter(NullFormatter())
        values = nice_values(*ax.get_ylim())
        if len(values) >= 2:  # 1-2-5 labels: a statistic spanning less than two decades
            ax.yaxis.set_major_locator(FixedLocator(values))
            ax.yaxis.set_major_formatter(FuncFormatter(number_label))
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(f"${size_name}$ (log scale)" if len(size_name) == 1 and size_name.isalpha()
                      else f"{size_name} (log scale)")
        ax.set_ylabel(f"{statistic} (log scale)")
        ax.set_title(mathtext(textwrap.fill(title, 60)))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, columnspacing=0.8)
        declutter_ticks(fig, ax.xaxis)
        declutter_ticks(fig, ax.yaxis)
    return fig


def plot_scaling(sizes: Any, values: Any, fit: ExponentFit, predicted: float, path: str | Path,
                 **labels: Any) -> Path:
    """Write :func:`scaling_figure` (``labels``: its keyword arguments) to ``path`` (png, pdf
    or svg by its extension) and return the path."""
    with figure_style():
        return save(scaling_figure(sizes, values, fit, predicted, **labels), path)
