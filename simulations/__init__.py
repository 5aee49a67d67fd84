"""Full scenarios run by `rmtcheck simulate NAME`."""
