"""Closed-form laws (densities, CDFs, moments, explicit spectra) on one protocol, ``Law``."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "Law": ".law",
    "MarchenkoPastur": ".marchenko_pastur",
    "Semicircle": ".semicircle",
    "TracyWidom": ".tracy_widom",
    "marchenko_pastur": ".marchenko_pastur",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
