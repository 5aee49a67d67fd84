"""The per-text catalogue tests: every card of a text meets its expected verdict, at quick
scale in ``make test`` and at full scale under the slow marker. Each text folder's
``test_catalogue.py`` binds them with ``test_quick, test_full = catalogue_tests(TEXT)``."""

from functools import cache

import pytest

import rmtcheck as rc


def ids_of(text: str) -> list[str]:
    """Claim IDs of the source text ``text`` (its folder name under ``theory/``)."""
    return [c.id for c in rc.load_catalogue().values() if c.text and c.text.name == text]


@cache
def quick_verdict(claim: str) -> rc.checker.Verdict:
    """The verdict of ``claim`` at quick scale and the default seed, computed once per test
    session (other tests of a text reuse it instead of running the card again)."""
    return rc.check(claim, scale="quick")


def catalogue_tests(text: str):
    """The quick and the full (slow) parametrized test of every card of ``text``."""

    @pytest.mark.parametrize("claim", ids_of(text))
    def test_quick(claim):
        v = quick_verdict(claim)
        assert v.meets_expected, v.as_dict()

    @pytest.mark.slow
    @pytest.mark.parametrize("claim", ids_of(text))
    def test_full(claim):
        v = rc.check(claim, scale="full")
        assert v.meets_expected, v.as_dict()

    return test_quick, test_full
