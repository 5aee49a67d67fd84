"""Closed-form laws (densities, CDFs, moments, explicit spectra)."""

from .marchenko_pastur import MarchenkoPastur, marchenko_pastur

__all__ = ["MarchenkoPastur", "marchenko_pastur"]
