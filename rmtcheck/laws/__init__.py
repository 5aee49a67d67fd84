"""Closed-form laws (densities, CDFs, moments, explicit spectra) on one protocol, ``Law``."""

from .law import Law
from .marchenko_pastur import MarchenkoPastur, marchenko_pastur

__all__ = ["Law", "MarchenkoPastur", "marchenko_pastur"]
