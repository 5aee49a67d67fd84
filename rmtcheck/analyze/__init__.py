"""Analyse a trained network's weights layer by layer against random-matrix theory."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "AnalysisTable": ".table",
    "Layer": ".loaders",
    "LayerResult": ".layer",
    "analyze": ".run",
    "analyze_layer": ".layer",
    "load_layers": ".loaders",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
