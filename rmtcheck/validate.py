"""Argument validation shared by every public function (one clear error per bad value)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

from .errors import InputError


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def integer(name: str, value: object, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``value`` as an int in ``[lo, hi]`` or raise :class:`InputError`."""
    valid = f"integer in [{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"
    if _is_bool(value) or not isinstance(value, Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise InputError(name, f"got {value!r}, not an integer", valid)
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(name, f"got {value}", valid)
    return value


def real(
    name: str,
    value: object,
    lo: float | None = None,
    hi: float | None = None,
    *,
    open_lo: bool = False,
    open_hi: bool = False,
) -> float:
    """Return ``value`` as a finite float in the interval or raise :class:`InputError`."""
    left = "(" if open_lo else "["
    right = ")" if open_hi else "]"
    low = "-inf" if lo is None else lo
    high = "inf" if hi is None else hi
    valid = f"finite number in {left}{low}, {high}{right}"
    if _is_bool(value) or not isinstance(value, Real):
        raise InputError(name, f"got {value!r}, not a number", valid)
    value = float(value)
    if not math.isfinite(value):
        raise InputError(name, f"got {value}", valid)
    if lo is not None and (value < lo or (open_lo and value == lo)):
        raise InputError(name, f"got {value}", valid)
    if hi is not None and (value > hi or (open_hi and value == hi)):
        raise InputError(name, f"got {value}", valid)
    return value


def positive(name: str, value: object) -> float:
    """A finite number > 0."""
    return real(name, value, 0.0, None, open_lo=True)


def probability(name: str, value: object) -> float:
    """A number in [0, 1]."""
    return real(name, value, 0.0, 1.0)


def choice(name: str, value: object, options: Iterable[str]) -> str:
    """One of ``options`` (case-sensitive)."""
    options = list(options)
    if value not in options:
        raise InputError(name, f"unknown value {value!r}", "one of " + ", ".join(map(str, options)))
    return str(value)
