"""Log-log figure of a scaling sweep: every (size, trial) point, the fitted and predicted slopes."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_loglog(
    sizes: Any,
    values: Any,
    *,
    slope: float,
    intercept: float,
    predicted: float,
    ci: tuple[float, float],
    path: str | Path,
    title: str = "",
    xlabel: str = "size",
    ylabel: str = "statistic",
) -> Path:
    """Scatter of the cells, the least-squares line and the predicted slope through the
    geometric mean of the data."""
    x, y = np.asarray(sizes, float), np.asarray(values, float)
    grid = np.geomspace(x.min(), x.max(), 50)
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.loglog(x, y, ".", alpha=0.5, label="trials")
    ax.loglog(
        grid,
        np.exp(intercept) * grid**slope,
        "tab:blue",
        label=f"fit {slope:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]",
    )
    anchor = np.exp(np.mean(np.log(y)) - predicted * np.mean(np.log(x)))
    ax.loglog(grid, anchor * grid**predicted, "k--", label=f"predicted {predicted:.3f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.set_title(textwrap.fill(title, 60), fontsize=9)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
