"""Every card of theory/wang2023/cards.toml meets its expected verdict."""

from tests.theory.catalogue import catalogue_tests

test_quick, test_full = catalogue_tests("wang2023")
