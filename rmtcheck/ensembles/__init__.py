"""Random-matrix generators (seeded, backend-aware)."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "ENTRY_LAWS": ".matrices",
    "hermite_eigvalsh": ".hermite",
    "hermite_top_eigenvalue": ".hermite",
    "laguerre_eigvalsh": ".laguerre",
    "random_matrix": ".matrices",
    "sample_covariance": ".matrices",
    "wishart_eigvalsh": ".matrices",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
