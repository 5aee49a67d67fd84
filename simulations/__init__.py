"""Full scenarios, one package per source text (installed as ``rmtcheck.simulations``):
``<text>/scenarios.toml`` lists the scenarios (run by ``rmtcheck simulate NAME``) beside
``<text>/scenarios.py``, the code they run. Folder names are those of ``theory/``."""
