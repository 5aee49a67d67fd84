"""Claim cards, verdicts, the per-kind checker and scaling fits."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "Card": ".cards",
    "Estimate": ".verdict",
    "ExponentFit": ".fit",
    "KINDS": ".cards",
    "Verdict": ".verdict",
    "check": ".run",
    "fit_exponent": ".fit",
    "get_card": ".cards",
    "load_catalogue": ".cards",
    "load_file": ".cards",
    "run_cell": ".run",
    "run_settings": ".run",
    "scaling_cells": ".run",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
