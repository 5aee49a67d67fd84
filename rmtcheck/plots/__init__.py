"""Figures (matplotlib, Agg backend): spectra against laws, scaling fits."""
