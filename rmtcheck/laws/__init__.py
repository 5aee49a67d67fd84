"""Closed-form laws (densities, CDFs, moments, explicit spectra)."""

from .marchenko_pastur import MarchenkoPastur, marchenko_pastur
from .semicircle import Semicircle
from .tracy_widom import TracyWidom

__all__ = ["MarchenkoPastur", "Semicircle", "TracyWidom", "marchenko_pastur"]
