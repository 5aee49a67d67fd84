"""Random-matrix generators (seeded, backend-aware)."""

from .hermite import hermite_eigvalsh, hermite_top_eigenvalue
from .laguerre import laguerre_eigvalsh
from .matrices import ENTRY_LAWS, random_matrix, sample_covariance, wishart_eigvalsh

__all__ = [
    "ENTRY_LAWS",
    "hermite_eigvalsh",
    "hermite_top_eigenvalue",
    "laguerre_eigvalsh",
    "random_matrix",
    "sample_covariance",
    "wishart_eigvalsh",
]
