"""Tail-index estimators of a spectrum.

:func:`hill_alpha`: Hill (1975) estimate from the top k eigenvalues,
alpha = k / sum_{i<=k} log(lambda_(i) / lambda_(k+1)), lambda_(1) >= lambda_(2) >= ...
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import validate
from ..errors import InputError


def hill_alpha(values: ArrayLike, k: int = 20) -> float:
    """Hill estimate of the tail index from the k largest of ``values`` (needs k + 1 > 0 values)."""
    x = np.sort(np.asarray(values, dtype=float).ravel())[::-1]
    k = validate.integer("k", k, 1, x.size - 1)
    if x[k] <= 0:
        raise InputError("values", f"the {k + 1}-th largest value is not positive",
                         "at least k + 1 positive values")
    return float(k / np.sum(np.log(x[:k] / x[k])))
