"""One figure per analysed layer: the ESD against the fitted Marchenko–Pastur law (Tracy–Widom
edge band, spikes marked) and the log-log tail with its CSN power-law fit."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..errors import InputError  # noqa: E402
from .layer import LayerResult  # noqa: E402


def figure_name(layer: str) -> str:
    """A file name for a layer: characters other than letters, digits, '.', '-' become '_'."""
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", layer).strip("_") + ".png"


def plot_layer(result: LayerResult, path: str | Path, level: float) -> Path:
    """Write the two-panel PNG of ``result`` to ``path``."""
    from ..laws.tracy_widom import TracyWidom  # noqa: PLC0415

    x = result.eigenvalues
    b = result.bulk
    law = b.law()
    fig, (ax, tail_ax) = plt.subplots(1, 2, figsize=(11, 4))
    bulk = x[: x.size - b.n_spikes]
    hi = max(b.threshold, bulk[-1]) * 1.05
    ax.hist(bulk, bins=min(80, max(15, bulk.size // 8)), range=(0.0, hi), density=True,
            weights=np.full(bulk.size, bulk.size / x.size), alpha=0.5, label="eigenvalues")
    grid = np.linspace(0.0, hi, 800)
    ax.plot(grid, law.pdf(grid), "tab:red", lw=1.5,
            label=f"MP fit: y={b.ratio:.3g}, var={b.var:.3g}")
    tw = TracyWidom(beta=1)
    low_q, high_q = (float(v) for v in tw.ppf([0.05, 1.0 - level]))
    ax.axvspan(b.tw_mu + b.tw_sigma * low_q, b.threshold, color="tab:orange", alpha=0.25,
               label=f"TW edge band (5 % .. {100 * (1 - level):g} %)")
    for i, s in enumerate(b.spikes):
        ax.axvline(min(s.eigenvalue, hi), color="k", lw=1, ls="--",
                   label=f"{b.n_spikes} spike(s)" if i == 0 else None)
    if b.n_spikes:
        ax.text(0.98, 0.6, f"largest spike {b.spikes[0].eigenvalue:.3g}", ha="right",
                transform=ax.transAxes, fontsize=8)
    ax.set_xlabel("eigenvalue of X X^T / n")
    ax.set_ylabel("density")
    ax.set_title(f"KS={b.ks:.3g}, W1={b.w1:.3g}, class {result.spectral_class}", fontsize=9)
    ax.legend(fontsize=7)
    pos = np.sort(x[x > 0])
    ccdf = 1.0 - np.arange(pos.size) / pos.size
    tail_ax.loglog(pos, ccdf, ".", ms=3, label="empirical CCDF")
    t = result.tail
    if t is not None:
        xs = np.geomspace(t.xmin, pos[-1], 100)
        frac = t.n_tail / pos.size
        tail_ax.loglog(xs, frac * (xs / t.xmin) ** (1.0 - t.alpha), "tab:red",
                       label=f"CSN: alpha={t.alpha:.2f} [{t.alpha_low:.2f}, {t.alpha_high:.2f}]")
        tail_ax.axvline(t.xmin, color="gray", lw=0.8, ls=":", label=f"xmin={t.xmin:.3g}")
    tail_ax.set_xlabel("eigenvalue")
    tail_ax.set_ylabel("P(lambda >= x)")
    tail_ax.legend(fontsize=7)
    fig.suptitle(f"{result.name}  ({'x'.join(map(str, result.shape))})", fontsize=10)
    fig.tight_layout()
    path = Path(path)
    try:
        fig.savefig(path, dpi=100)
    except OSError as exc:
        raise InputError("--plot", f"cannot write {path}: {exc.strerror}",
                         "a writable directory") from None
    finally:
        plt.close(fig)
    return path
