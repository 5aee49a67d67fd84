"""Test-suite settings: every hypothesis search is derandomized (a fixed seed), so a property
test draws the same examples in every run and on every machine."""

from hypothesis import settings

settings.register_profile("rmtcheck", derandomize=True, database=None)
settings.load_profile("rmtcheck")
