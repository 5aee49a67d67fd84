"""Small spectral tools used by the linear-width network claims (Wang et al. 2023, seed 004).

- :func:`psd_eigvalsh`: eigenvalues of a PSD Gram matrix with the rank-deficient ones set to
  exactly 0 (so the atom of MP / CK laws at 0 is compared exactly, WANG-DEF-MP, WANG-DEF-CK).
- :func:`hill_alpha`: Hill tail-index estimate from the top k eigenvalues (WANG-CLAIM-HT-NOTSUFF):
  alpha = k / sum_{i<=k} log(lambda_(i) / lambda_(k+1)), lambda_(1) >= lambda_(2) >= ...
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import validate
from ..errors import InputError


def psd_eigvalsh(matrix: ArrayLike, rank: int | None = None) -> np.ndarray:
    """Ascending eigenvalues of a symmetric PSD matrix; those below 4 n eps lambda_max
    (rounding of exact zeros, e.g. of a Gram matrix of rank < n) are set to 0, as are all
    but the top ``rank`` eigenvalues when the rank is known."""
    m = np.asarray(matrix, dtype=float)
    ev = np.linalg.eigvalsh(m)
    n = ev.size
    ev[ev < 4 * n * np.finfo(float).eps * max(ev[-1], 0.0)] = 0.0
    if rank is not None:
        ev[: max(0, n - validate.integer("rank", rank, 0))] = 0.0
    return ev


def hill_alpha(values: ArrayLike, k: int = 20) -> float:
    """Hill estimate of the tail index from the k largest of ``values`` (needs k + 1 > 0 values)."""
    x = np.sort(np.asarray(values, dtype=float).ravel())[::-1]
    k = validate.integer("k", k, 1, x.size - 1)
    if x[k] <= 0:
        raise InputError("values", f"the {k + 1}-th largest value is not positive",
                         "at least k + 1 positive values")
    return float(k / np.sum(np.log(x[:k] / x[k])))
