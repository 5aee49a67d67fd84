"""Every card of theory/hacohen2022/cards.toml meets its expected verdict."""

from tests.theory.catalogue import catalogue_tests

test_quick, test_full = catalogue_tests("hacohen2022")
