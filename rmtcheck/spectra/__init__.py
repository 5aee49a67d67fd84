"""Spectral tools: dense eigensolvers, Lanczos and SLQ on operators, law comparisons,
interlacing and Weyl checks."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "Comparison": ".compare",
    "EdgeTest": ".edge",
    "cauchy_interlacing_margin": ".interlacing",
    "compare_to_law": ".compare",
    "compression_interlacing_margin": ".interlacing",
    "edge_test": ".edge",
    "eigvalsh": ".dense",
    "fast_lanczos": ".lanczos",
    "ks_statistic": ".compare",
    "log_spectrum_density": ".slq",
    "normalization": ".slq",
    "outliers": ".compare",
    "qq_data": ".compare",
    "rank_one_update_margin": ".interlacing",
    "rank_r_psd_interlacing_margin": ".interlacing",
    "slow_lanczos": ".lanczos",
    "slq_density": ".slq",
    "wasserstein1": ".compare",
    "weyl_margin": ".interlacing",
    "wigner_edge": ".edge",
    "wishart_edge": ".edge",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
