"""Claim cards, verdicts, the per-kind checker and scaling fits."""

from .cards import KINDS, Card, get_card, load_catalogue, load_file
from .fit import ExponentFit, fit_exponent
from .run import check, run_cell, run_settings, scaling_cells
from .verdict import Estimate, Verdict

__all__ = [
    "KINDS",
    "Card",
    "Estimate",
    "ExponentFit",
    "Verdict",
    "check",
    "fit_exponent",
    "get_card",
    "load_catalogue",
    "load_file",
    "run_cell",
    "run_settings",
    "scaling_cells",
]
