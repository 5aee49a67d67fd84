"""``rmtcheck.analyze(source)``: every weight matrix of a network against random-matrix theory."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import validate
from ..progress import track
from ..rng import as_generator
from .layer import analyze_layer
from .loaders import load_layers
from .table import AnalysisTable


def analyze(
    source: Any,
    *,
    layers: str | None = None,
    level: float = 0.01,
    fit_ratio: bool = False,
    min_tail: int = 10,
    bootstrap: int = 0,
    max_rank: int | None = None,
    rng: np.random.Generator | int | None = 0,
) -> AnalysisTable:
    """Per-layer spectra of ``source`` (an array, a dict of arrays, a .npy/.npz/.safetensors
    file, a PyTorch checkpoint, or a list of files) against the theory.

    For each layer with at least 2 rows and columns (``layers``: a glob on the names):
    the spectrum of S = X X^T / n (p = min side, n = max side), a Marchenko–Pastur fit of the
    bulk variance (and of the ratio p / n if ``fit_ratio``) with KS and W1, spikes by a
    Tracy–Widom step-down test at ``level`` (family-wise false-alarm rate ``level``) with
    p-values and BBP strengths, the CSN power-law tail exponent with a 95 % interval
    (``bootstrap`` > 0 adds its goodness-of-fit p-value) and a spectral class
    (:mod:`rmtcheck.spectra.classify`, ``max_rank`` outliers at most for a low-rank signal)."""
    level = validate.real("level", level, 0.0, 0.5, open_lo=True)
    found, skipped = load_layers(source, layers)
    gen = as_generator(rng)
    results = [
        analyze_layer(layer, level=level, fit_ratio=fit_ratio, min_tail=min_tail,
                      bootstrap=bootstrap, max_rank=max_rank, rng=gen)
        for layer in track(found, desc="layers")
    ]
    return AnalysisTable(results, skipped, level)
