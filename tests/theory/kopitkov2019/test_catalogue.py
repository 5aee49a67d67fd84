"""Every card of theory/kopitkov2019/cards.toml meets its expected verdict."""

from tests.theory.catalogue import catalogue_tests

test_quick, test_full = catalogue_tests("kopitkov2019")
