"""Card functions for the classical edge cards (RMT-TW-*, RMT-BBP, RMT-SEMICIRCLE-*): Tracy–Widom
fluctuations of the largest eigenvalue of Wishart and Gaussian-ensemble matrices (Johnstone
2001; Tracy & Widom 1994, 1996), the BBP transition of a spiked covariance (Baik, Ben Arous &
Peche 2005; Baik & Silverstein 2006) and semicircle universality of Wigner matrices (Wigner
1958; Anderson, Guionnet & Zeitouni 2010, Thm 2.1.21)."""

from __future__ import annotations

import numpy as np

from rmtcheck.checker.verdict import Estimate
from rmtcheck.ensembles.hermite import hermite_top_eigenvalue
from rmtcheck.ensembles.laguerre import laguerre_top_eigenvalue
from rmtcheck.ensembles.matrices import random_matrix
from rmtcheck.laws.semicircle import Semicircle
from rmtcheck.laws.tracy_widom import TracyWidom
from rmtcheck.spectra.edge import wigner_edge, wishart_edge
from .claims import samples_for


def tracy_widom_law(beta: int = 1) -> TracyWidom:
    return TracyWidom(beta)


def wishart_edge_statistics(
    rng: np.random.Generator, p: int, ratio: float, draws: int, beta: int = 1
) -> np.ndarray:
    """(lambda_max(X X^* / n) - mu) / sigma over ``draws`` Gaussian samples (tridiagonal
    Laguerre model, bisection), with the Johnstone / Johansson edge constants."""
    n = samples_for(p, ratio)
    mu, sigma = wishart_edge(p, n, beta=beta)
    tops = np.array([laguerre_top_eigenvalue(p, n, rng, beta=beta) for _ in range(draws)])
    return (tops - mu) / sigma


def gaussian_edge_statistics(
    rng: np.random.Generator, n: int, draws: int, beta: int = 1
) -> np.ndarray:
    """(lambda_max - 2) / sigma over ``draws`` Gaussian-ensemble matrices (semicircle [-2, 2],
    tridiagonal model), sigma from :func:`wigner_edge`."""
    mu, sigma = wigner_edge(n, beta)
    tops = np.array([hermite_top_eigenvalue(n, beta, rng) for _ in range(draws)])
    return (tops - mu) / sigma


def bbp_top_eigenvalue(p: int, ratio: float, theta: float) -> np.ndarray:
    """Limit of lambda_max(S) for population covariance diag(1 + theta, 1, ..., 1), y = p/n
    (Baik, Ben Arous & Peche 2005, Thm 1.1; Baik & Silverstein 2006, Thm 1.1):
    (1 + theta)(1 + y / theta) if theta > sqrt(y), else the bulk edge (1 + sqrt(y))^2."""
    y = p / samples_for(p, ratio)
    if theta > np.sqrt(y):
        return np.array([(1.0 + theta) * (1.0 + y / theta)])
    return np.array([(1.0 + np.sqrt(y)) ** 2])


def spiked_top_eigenvalue(
    rng: np.random.Generator, p: int, ratio: float, theta: float, reps: int
) -> Estimate:
    """Monte-Carlo mean of lambda_max(X X^T / n) with the first row of the Gaussian X scaled by
    sqrt(1 + theta) (population covariance diag(1 + theta, 1, ..., 1))."""
    from scipy.linalg import eigvalsh

    n = samples_for(p, ratio)
    tops = np.empty((reps, 1))
    for r in range(reps):
        x = rng.standard_normal((p, n))
        x[0] *= np.sqrt(1.0 + theta)
        tops[r] = eigvalsh(x @ x.T / n, subset_by_index=(p - 1, p - 1))
    return Estimate.from_samples(tops)


def semicircle_law() -> Semicircle:
    return Semicircle()


def wigner_spectrum(rng: np.random.Generator, n: int, law: str = "rademacher") -> np.ndarray:
    """Eigenvalues of W = (A + A^T) / sqrt(2n), A n x n with i.i.d. standardised ``law``
    entries (off-diagonal variance 1/n, diagonal 2/n)."""
    a = random_matrix(n, n, law, rng)
    return np.linalg.eigvalsh((a + a.T) / np.sqrt(2 * n))
