"""Spectral tools: dense eigensolvers, Lanczos and SLQ on operators, law comparisons,
interlacing and Weyl checks."""

from .compare import Comparison, compare_to_law, ks_statistic, outliers, qq_data, wasserstein1
from .dense import eigvalsh
from .edge import EdgeTest, edge_test, wigner_edge, wishart_edge
from .interlacing import (
    cauchy_interlacing_margin,
    compression_interlacing_margin,
    rank_one_update_margin,
    rank_r_psd_interlacing_margin,
    weyl_margin,
)
from .lanczos import fast_lanczos, slow_lanczos
from .slq import log_spectrum_density, normalization, slq_density

__all__ = [
    "Comparison",
    "EdgeTest",
    "cauchy_interlacing_margin",
    "compare_to_law",
    "compression_interlacing_margin",
    "edge_test",
    "eigvalsh",
    "fast_lanczos",
    "log_spectrum_density",
    "normalization",
    "ks_statistic",
    "outliers",
    "qq_data",
    "rank_one_update_margin",
    "rank_r_psd_interlacing_margin",
    "slow_lanczos",
    "slq_density",
    "wasserstein1",
    "weyl_margin",
    "wigner_edge",
    "wishart_edge",
]
