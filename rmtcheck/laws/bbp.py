"""Outliers of a low-rank signal plus noise: the BBP phase transition for rectangular matrices.

Model (Benaych-Georges & Nadakuditi 2012, Sec. 3.1; Baik, Ben Arous & Peche 2005): a p x n
matrix X = Z + sqrt(n) sum_i theta_i u_i v_i^T, p <= n, Z with i.i.d. entries of variance
sigma^2, unit vectors u_i, v_i; y = p / n. An eigenvalue of S = X X^T / n separates from the
Marchenko-Pastur bulk iff theta_i > theta_c = sigma y^{1/4}, and then converges to

    lambda(theta) = sigma^2 (1 + t^2)(y + t^2) / t^2,   t = theta / sigma,

(BGN 2012, eq. (3.1), squared); below the threshold it sticks to the edge sigma^2 (1 + sqrt y)^2.
The inverse on lambda > sigma^2 (1 + sqrt y)^2, with L = lambda / sigma^2, is the larger root of
t^4 + (1 + y - L) t^2 + y = 0:

    t^2 = ((L - 1 - y) + sqrt((L - 1 - y)^2 - 4 y)) / 2.

``theta`` is the singular value of the signal part of X / sqrt(n) (its "strength"). With
ell = 1 + t^2 the map is the spiked-covariance one, ell (1 + y / (ell - 1)) for ell > 1 + sqrt y
(Baik & Silverstein 2006, Thm 1.1), as E X X^T / n = sigma^2 (I + sum_i t_i^2 u_i u_i^T).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import validate


def bbp_threshold(ratio: float, var: float = 1.0) -> float:
    """theta_c = sigma y^{1/4}: the smallest strength whose eigenvalue leaves the bulk."""
    ratio = validate.real("ratio", ratio, 0.0, 1.0, open_lo=True)
    return float(np.sqrt(validate.positive("var", var)) * ratio**0.25)


def bbp_eigenvalue(theta: ArrayLike, ratio: float, var: float = 1.0) -> np.ndarray:
    """Limit of the eigenvalue of X X^T / n carried by a signal of strength ``theta``."""
    ratio = validate.real("ratio", ratio, 0.0, 1.0, open_lo=True)
    var = validate.positive("var", var)
    t2 = np.asarray(theta, dtype=float) ** 2 / var
    edge = (1 + np.sqrt(ratio)) ** 2
    above = t2 > np.sqrt(ratio)
    safe = np.where(above, t2, 1.0)
    return var * np.where(above, (1 + safe) * (ratio + safe) / safe, edge)


def bbp_strength(eigenvalue: ArrayLike, ratio: float, var: float = 1.0) -> np.ndarray:
    """Inverse of :func:`bbp_eigenvalue`: the strength theta whose outlier is ``eigenvalue``;
    NaN at or below the bulk edge sigma^2 (1 + sqrt y)^2, where the map is not invertible."""
    ratio = validate.real("ratio", ratio, 0.0, 1.0, open_lo=True)
    var = validate.positive("var", var)
    L = np.asarray(eigenvalue, dtype=float) / var
    b = L - 1 - ratio
    disc = b * b - 4 * ratio
    above = (L > (1 + np.sqrt(ratio)) ** 2) & (disc > 0)
    t2 = 0.5 * (b + np.sqrt(np.where(above, disc, 0.0)))
    return np.where(above, np.sqrt(var * np.where(above, t2, 0.0)), np.nan)
