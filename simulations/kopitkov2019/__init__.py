"""Full scenarios of kopitkov2019: see ``scenarios.toml`` beside this file."""
