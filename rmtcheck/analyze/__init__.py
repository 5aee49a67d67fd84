"""Analyse a trained network's weights layer by layer against random-matrix theory."""

from .layer import LayerResult, analyze_layer
from .loaders import Layer, load_layers
from .run import analyze
from .table import AnalysisTable

__all__ = ["AnalysisTable", "Layer", "LayerResult", "analyze", "analyze_layer", "load_layers"]
