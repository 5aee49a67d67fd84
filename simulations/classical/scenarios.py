"""Scenario ``mp_universality``: the MP law across entry laws and aspect ratios
(Bai & Silverstein 2010, Thm 3.6), one spectrum panel per (law, ratio) and a KS table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rmtcheck.ensembles.matrices import random_matrix, wishart_eigvalsh
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.progress import track
from rmtcheck.spectra.compare import ks_statistic


def mp_universality(
    out_dir: Path, rng: np.random.Generator, p: int, ratios: list[float], laws: list[str]
) -> dict[str, Any]:
    """KS distance to MP for every (entry law, ratio); writes ``mp_universality.png``."""
    fig, axes = plt.subplots(
        len(laws), len(ratios), figsize=(3.2 * len(ratios), 2.6 * len(laws)), squeeze=False
    )
    table: dict[str, dict[str, float]] = {}
    cells = [(i, j) for i in range(len(laws)) for j in range(len(ratios))]
    for i, j in track(cells, desc="mp_universality"):
        law_name, y = laws[i], ratios[j]
        n = max(1, round(p / y))
        values = wishart_eigvalsh(random_matrix(p, n, law_name, rng))
        law = MarchenkoPastur(p / n)
        ks = ks_statistic(values, law)
        table.setdefault(law_name, {})[f"{y:g}"] = ks
        ax = axes[i][j]
        bulk = values[values > 0] if law.atom > 0 else values
        ax.hist(bulk, bins=60, density=True, weights=np.full(bulk.size, bulk.size / p), alpha=0.5)
        grid = np.linspace(law.a, law.b, 400)
        ax.plot(grid, law.pdf(grid), "r", lw=1)
        ax.set_title(f"{law_name}, y={y:g}, KS={ks:.4f}", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "mp_universality.png", dpi=100)
    plt.close(fig)
    threshold = (1 + np.log(p)) / p
    worst = max(v for row in table.values() for v in row.values())
    return {"p": p, "ks": table, "ks_threshold": threshold, "all_within": bool(worst <= threshold)}
