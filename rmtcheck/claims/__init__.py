"""Adapters between claim cards and the engine: one module per source text, each function
taking plain parameters (and ``rng``) as the card contract in ``rmtcheck.checker.kinds`` says."""
