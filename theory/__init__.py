"""Claims catalogue: one TOML file of cards per source text."""
