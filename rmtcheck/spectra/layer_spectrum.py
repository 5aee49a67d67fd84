"""The spectrum of a layer W (a x b) as random-matrix theory sees it, and its entries' kurtosis.

Convention: W is oriented as X (p x n) with p = min(a, b) and n = max(a, b) (X = W if a <= b,
else W^T), so S = X X^T / n holds the p nonzero eigenvalues of W W^T / n and W^T W / n alike,
and i.i.d. entries of variance sigma^2 give MP(p / n, sigma^2).
"""

from __future__ import annotations

import numpy as np

from .dense import eigvalsh

KAPPA4_RANGE = (-2.0, 6.0)


def entry_kurtosis(matrix: np.ndarray) -> float:
    """Excess kurtosis of the centred entries, clipped to [-2, 6]: -2 is its least possible
    value; beyond 6 (Student t with 5 degrees of freedom) the fourth moment is too large for a
    first-order edge correction to mean anything, and the tail is left to the spike count."""
    squares = np.square(matrix - matrix.mean()).ravel()
    m2 = float(squares.mean())
    k4 = float(squares @ squares) / squares.size / m2**2 - 3.0 if m2 > 0 else 0.0
    return float(np.clip(k4, *KAPPA4_RANGE))


def gram_eigenvalues(matrix: np.ndarray) -> tuple[np.ndarray, int]:
    """Ascending eigenvalues of X X^T / n (p = min side, n = max side) and n."""
    a, b = matrix.shape
    x = matrix if a <= b else matrix.T
    n = max(a, b)
    return np.clip(eigvalsh(x @ x.T / n), 0.0, None), n
