"""Hypothesis bridge: strategies from claim cards and the counterexample search."""

from .property import PropertyResult, search_counterexample
from .strategies import params_strategy

__all__ = ["PropertyResult", "params_strategy", "search_counterexample"]
