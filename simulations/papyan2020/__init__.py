"""Full scenarios of papyan2020: see ``scenarios.toml`` beside this file."""
