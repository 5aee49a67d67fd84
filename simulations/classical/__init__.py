"""Full scenarios of classical: see ``scenarios.toml`` beside this file."""
