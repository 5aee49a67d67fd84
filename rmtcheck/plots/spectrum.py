"""Histogram of an empirical spectrum against a law's density, with a Q-Q panel."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from ..spectra.compare import qq_data


def plot_spectrum(
    values: Any, law: Any, path: str | Path, *, title: str = "", stats: dict[str, Any] | None = None
) -> Path:
    """Write a two-panel PNG: histogram vs density (atoms shown as text) and a Q-Q plot."""
    x = np.sort(np.asarray(values, dtype=float))
    fig, (ax, qq) = plt.subplots(1, 2, figsize=(10, 4))
    atom = float(getattr(law, "atom", 0.0) or 0.0)
    bulk = x[x > 1e-12 * max(1.0, abs(x[-1]))] if atom > 0 else x
    lo, hi = law.support() if hasattr(law, "support") else (bulk[0], bulk[-1])
    left, right = min(lo, bulk[0]), max(hi, bulk[-1])
    weight = bulk.size / x.size
    ax.hist(
        bulk,
        bins=min(80, max(10, bulk.size // 20)),
        range=(left, right),
        density=True,
        weights=np.full(bulk.size, weight),
        alpha=0.5,
        color="tab:blue",
        label="empirical",
    )
    density = getattr(law, "pdf", None) or getattr(law, "density", None)
    if density is not None:
        grid = np.linspace(left, right, 800)
        ax.plot(grid, density(grid), color="tab:red", lw=1.5, label=textwrap.shorten(repr(law), 60))
    if atom > 0:
        ax.text(
            0.98,
            0.95,
            f"atom at 0: law {atom:.3f}, sample {1 - weight:.3f}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
        )
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    ax.legend(fontsize=8)
    if stats:
        text = ", ".join(f"{k}={v:.3g}" for k, v in stats.items() if isinstance(v, float))
        ax.set_title(text, fontsize=8)
    if hasattr(law, "ppf"):
        q_law, q_emp = qq_data(x, law)
        qq.plot(q_law, q_emp, ".", ms=3)
        ends = [min(q_law[0], q_emp[0]), max(q_law[-1], q_emp[-1])]
        qq.plot(ends, ends, "k--", lw=1)
        qq.set_xlabel("law quantile")
        qq.set_ylabel("empirical quantile")
        qq.set_title("Q-Q", fontsize=9)
    fig.suptitle(textwrap.fill(title, 100), fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
