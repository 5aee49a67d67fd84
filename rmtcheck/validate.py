"""Argument validation shared by every public function (one clear error per bad value)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np

from .errors import InputError, InputTypeError


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
    if not isinstance(value, str | int | float) or value not in options:
        raise InputError(name, f"unknown value {value!r}", "one of " + ", ".join(map(str, options)))
    return str(value)


def matrix(name: str, value: Any, xp: Any = np, *, square: bool = False) -> Any:
    """A 2-D real floating array of the array module ``xp`` with finite entries: integer and
    boolean arrays are cast to float64; complex, object, string and sparse inputs are refused
    (:class:`InputTypeError`), as are other shapes (:class:`InputError`)."""
    if hasattr(value, "tocsr") or type(value).__module__.startswith("scipy.sparse"):
        raise InputTypeError(name, f"got a sparse {type(value).__name__}",
                             "a dense 2-D array (call .toarray() first)")
    try:
        arr = value if hasattr(value, "dtype") and hasattr(value, "shape") else xp.asarray(value)
    except (TypeError, ValueError) as exc:
        raise InputTypeError(name, f"got {type(value).__name__}: {exc}", "a 2-D real array"
                             ) from None
    kind = np.dtype(arr.dtype).kind
    if kind in "iub":
        arr = xp.asarray(arr, dtype=np.float64)
    elif kind != "f":
        what = "complex" if kind == "c" else np.dtype(arr.dtype).name
        raise InputTypeError(name, f"has {what} entries", "a real floating (or integer) array")
    if arr.ndim != 2 or 0 in arr.shape:
        raise InputError(name, f"has shape {tuple(arr.shape)}", "a non-empty 2-D array")
    if square and arr.shape[0] != arr.shape[1]:
        raise InputError(name, f"has shape {tuple(arr.shape)}, not square", "a square 2-D array")
    if not bool(xp.all(xp.isfinite(arr))):
        raise InputError(name, "contains NaN or inf", "finite entries")
    return arr


def real_dtype(name: str, value: Any) -> np.dtype:
    """A real floating NumPy dtype (float32, float64, ...); anything else is refused."""
    try:
        dtype = np.dtype(value)
    except (TypeError, ValueError, SyntaxError):  # numpy's parser, e.g. on "0@"
        raise InputTypeError(name, f"got {value!r}", "a real floating dtype, e.g. np.float64"
                             ) from None
    if dtype.kind != "f":
        raise InputTypeError(name, f"got {dtype.name}", "a real floating dtype, e.g. np.float64")
    return dtype
