"""Full scenarios of wang2023: see ``scenarios.toml`` beside this file."""
