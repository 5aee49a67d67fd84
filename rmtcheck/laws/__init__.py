"""Closed-form laws (densities, CDFs, moments, explicit spectra) on one protocol, ``Law``."""

from .law import Law
from .marchenko_pastur import MarchenkoPastur, marchenko_pastur
from .semicircle import Semicircle
from .tracy_widom import TracyWidom

__all__ = ["Law", "MarchenkoPastur", "Semicircle", "TracyWidom", "marchenko_pastur"]
