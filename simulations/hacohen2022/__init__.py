"""Full scenarios of hacohen2022: see ``scenarios.toml`` beside this file."""
