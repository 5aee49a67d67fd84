"""Spectral tools: dense eigensolvers, law comparisons, interlacing and Weyl checks."""

from .compare import Comparison, compare_to_law, ks_statistic, outliers, qq_data, wasserstein1
from .dense import eigvalsh
from .interlacing import (
    cauchy_interlacing_margin,
    compression_interlacing_margin,
    rank_one_update_margin,
    rank_r_psd_interlacing_margin,
    weyl_margin,
)

__all__ = [
    "Comparison",
    "cauchy_interlacing_margin",
    "compare_to_law",
    "compression_interlacing_margin",
    "eigvalsh",
    "ks_statistic",
    "outliers",
    "qq_data",
    "rank_one_update_margin",
    "rank_r_psd_interlacing_margin",
    "wasserstein1",
    "weyl_margin",
]
