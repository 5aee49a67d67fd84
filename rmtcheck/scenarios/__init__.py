"""Scenario code run by the files in simulations/."""
