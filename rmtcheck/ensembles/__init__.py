"""Random-matrix generators (seeded, backend-aware)."""

from .laguerre import laguerre_eigvalsh
from .matrices import ENTRY_LAWS, random_matrix, sample_covariance, wishart_eigvalsh

__all__ = [
    "ENTRY_LAWS",
    "laguerre_eigvalsh",
    "random_matrix",
    "sample_covariance",
    "wishart_eigvalsh",
]
