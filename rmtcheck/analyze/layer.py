"""One layer against the theory: spectrum of S = X X^T / n, Marchenko–Pastur bulk fit, spikes
by the Tracy–Widom step-down test with BBP strengths, CSN power-law tail, spectral class.

Convention: a layer W of shape a x b is oriented as X (p x n) with p = min(a, b) and
n = max(a, b) (X = W if a <= b, else W^T), so S = X X^T / n holds the p nonzero eigenvalues
of W W^T / n and W^T W / n alike, and i.i.d. entries of variance sigma^2 give MP(p / n, sigma^2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..spectra.classify import classify_spectrum, default_max_rank
from ..spectra.layer_spectrum import entry_kurtosis, gram_eigenvalues
from ..spectra.power_law import PowerLawFit, fit_power_law
from ..spectra.spikes import BulkFit, fit_bulk
from .loaders import Layer


@dataclass
class LayerResult:
    """Everything :func:`analyze_layer` finds for one layer; ``record()`` is its table row."""

    name: str
    shape: tuple[int, ...]
    note: str
    eigenvalues: np.ndarray
    bulk: BulkFit
    tail: PowerLawFit | None
    kappa4: float
    spectral_class: str
    max_rank: int

    def record(self) -> dict[str, Any]:
        b, t = self.bulk, self.tail
        return {
            "layer": self.name,
            "shape": "x".join(map(str, self.shape)),
            "p": b.p,
            "n": b.n,
            "ratio": b.ratio,
            "var": b.var,
            "edge": b.edge,
            "tw_threshold": b.threshold,
            "kappa4": self.kappa4,
            "ks": b.ks,
            "w1": b.w1,
            "lambda_max": float(self.eigenvalues[-1]),
            "n_spikes": b.n_spikes,
            "spikes": [vars(s).copy() for s in b.spikes],
            "next_p_value": b.next_p_value,
            "bbp_threshold": b.bbp_threshold,
            "alpha": None if t is None else t.alpha,
            "alpha_low": None if t is None else t.alpha_low,
            "alpha_high": None if t is None else t.alpha_high,
            "xmin": None if t is None else t.xmin,
            "n_tail": None if t is None else t.n_tail,
            "tail_ks": None if t is None else t.ks,
            "tail_p_value": None if t is None else t.p_value,
            "spectral_class": self.spectral_class,
            "note": self.note,
        }


def analyze_layer(
    layer: Layer,
    *,
    level: float = 0.01,
    fit_ratio: bool = False,
    min_tail: int = 10,
    bootstrap: int = 0,
    max_rank: int | None = None,
    rng: np.random.Generator | int | None = None,
) -> LayerResult:
    """Analyse one layer (see the module docstring); ``bootstrap`` > 0 adds the CSN
    goodness-of-fit p-value of the tail (slow: that many refits)."""
    eigs, n = gram_eigenvalues(layer.matrix)
    kappa4 = entry_kurtosis(layer.matrix)
    bulk = fit_bulk(eigs, n, level=level, fit_ratio=fit_ratio, kappa4=kappa4)
    tail = None
    if np.count_nonzero(eigs > 0) >= min_tail:
        tail = fit_power_law(eigs, min_tail=min_tail, bootstrap=bootstrap, rng=rng)
    p = eigs.size
    rank = default_max_rank(p) if max_rank is None else max_rank
    return LayerResult(
        name=layer.name,
        shape=layer.shape,
        note=layer.note,
        eigenvalues=eigs,
        bulk=bulk,
        tail=tail,
        kappa4=kappa4,
        spectral_class=classify_spectrum(p, bulk.n_spikes, rank),
        max_rank=rank,
    )
