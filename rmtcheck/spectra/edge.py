"""Edge centring and scaling of the largest eigenvalues, and a Tracy–Widom test of them.

Real Wishart (Johnstone 2001, Ann. Statist. 29, Thm 1.1, there with n - 1 for centred data; the
half-integer corrections n - 1/2, p - 1/2 give the O(n^-2/3) rate, Ma 2012, Bernoulli 18,
Thm 1): for X p x n with i.i.d. N(0, 1) entries, with a = sqrt(n - 1/2), b = sqrt(p - 1/2),
    (lambda_max(X X^T) - (a + b)^2) / ((a + b)(1/a + 1/b)^(1/3))  ->  TW1.
Complex Wishart (Johansson 2000, Thm 1.6; entries with E|x|^2 = 1), a = sqrt(n), b = sqrt(p):
the same formula with limit TW2 (El Karoui 2006's second-order constants are not used).
Wigner (Tracy & Widom 1994, 1996): GOE/GUE scaled so that the semicircle is [-2, 2]
(off-diagonal E|h|^2 = 1/n) have lambda_max = 2 + n^(-2/3) TW_beta + o(n^(-2/3)); the GSE
the same with 2^(-1/6) n^(-2/3) for F4 in Tracy & Widom's convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .. import validate
from ..errors import InputError


def _real_beta(beta: object) -> int:
    if isinstance(beta, bool) or beta not in (1, 2):
        raise InputError("beta", f"got {beta!r}", "1 (real) or 2 (complex)")
    return int(beta)


def wishart_edge(p: int, n: int, var: float = 1.0, beta: int = 1) -> tuple[float, float]:
    """(mu, sigma) with (lambda_max(X X^* / n) - mu) / sigma -> TW_beta for X p x n with i.i.d.
    Gaussian entries of variance ``var`` (real, beta = 1: Johnstone 2001 with n - 1/2, p - 1/2;
    complex, beta = 2: Johansson 2000)."""
    p = validate.integer("p", p, 1)
    n = validate.integer("n", n, 1)
    var = validate.positive("var", var)
    shift = 0.5 if _real_beta(beta) == 1 else 0.0
    a, b = np.sqrt(n - shift), np.sqrt(p - shift)
    mu = (a + b) ** 2
    sigma = (a + b) * (1.0 / a + 1.0 / b) ** (1.0 / 3.0)
    return float(var * mu / n), float(var * sigma / n)


def wigner_edge(n: int, beta: int = 1) -> tuple[float, float]:
    """(mu, sigma) with (lambda_max - mu) / sigma -> TW_beta for the n x n GOE (beta = 1), GUE
    (beta = 2) or GSE (beta = 4, n distinct eigenvalues) normalised so that the semicircle is
    [-2, 2] (Tracy & Widom 1994, 1996): mu = 2, sigma = n^(-2/3), times 2^(-1/6) for beta = 4,
    where F4 is Tracy & Widom's convention F4(s / sqrt 2) (sigma = sqrt(2) (2n)^(-2/3), the
    scale of the 2n x 2n complex form)."""
    n = validate.integer("n", n, 1)
    if isinstance(beta, bool) or beta not in (1, 2, 4):
        raise InputError("beta", f"got {beta!r}", "1, 2 or 4")
    return 2.0, float(n ** (-2.0 / 3.0) * (2.0 ** (-1.0 / 6.0) if beta == 4 else 1.0))


@dataclass(frozen=True)
class EdgeTest:
    """Tracy–Widom test of the k largest eigenvalues of X X^* / n.

    ``statistics[j]`` is the rescaled (j+1)-th largest eigenvalue and ``pvalues[j]`` =
    P(TW_beta >= statistics[j]), computed with the edge constants of dimension p - j (the
    sequential test of Kritchman & Nadler 2009, IEEE Trans. Signal Process. 57, Sec. III:
    p-value j tests "at most j spikes"); ``mu``/``sigma`` hold those constants.
    """

    statistics: np.ndarray
    pvalues: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray
    beta: int

    @property
    def statistic(self) -> float:
        return float(self.statistics[0])

    @property
    def pvalue(self) -> float:
        return float(self.pvalues[0])


def edge_test(
    eigs: ArrayLike, p: int, n: int, var: float = 1.0, beta: int = 1, k: int = 1
) -> EdgeTest:
    """Tracy–Widom p-values of the k largest of ``eigs`` (eigenvalues of X X^* / n, X p x n
    with i.i.d. Gaussian entries of variance ``var`` under the null)."""
    from ..laws.tracy_widom import TracyWidom

    p = validate.integer("p", p, 1)
    beta = _real_beta(beta)
    k = validate.integer("k", k, 1, p)
    values = np.asarray(eigs, dtype=float).ravel()
    if values.size < k or not np.all(np.isfinite(values)):
        raise InputError("eigs", f"need {k} finite eigenvalues, got {values.size}", "finite")
    top = np.sort(values)[::-1][:k]
    mu, sigma = np.array([wishart_edge(p - j, n, var, beta) for j in range(k)]).T
    stats = (top - mu) / sigma
    return EdgeTest(stats, np.asarray(TracyWidom(beta).sf(stats)), mu, sigma, beta)
