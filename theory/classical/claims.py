"""Card functions for the classical catalogue (``cards.toml``, claims ``RMT-*``):
Marchenko–Pastur bulk and edges, exact sample-covariance moments, Cauchy/Weyl/rank-r
interlacing. References: Bai & Silverstein (2010) Thm 3.6–3.7, 5.8; Horn & Johnson (2013)
Sec. 4.3; Johnstone (2001) for the Tracy–Widom scale of the edges."""

from __future__ import annotations

import numpy as np

from rmtcheck.checker.verdict import Estimate
from rmtcheck.ensembles.laguerre import laguerre_eigvalsh, laguerre_top_eigenvalue
from rmtcheck.ensembles.matrices import fourth_moment, random_matrix, wishart_eigvalsh
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.spectra.compare import ks_statistic
from rmtcheck.spectra.interlacing import (
    cauchy_interlacing_margin,
    rank_r_psd_interlacing_margin,
    weyl_margin,
)


def samples_for(p: int, ratio: float) -> int:
    """n = round(p / ratio), at least 1: the sample count behind an aspect ratio y = p/n."""
    return max(1, int(round(p / ratio)))


def mp_law(p: int, ratio: float, var: float = 1.0) -> MarchenkoPastur:
    """MP law at the realised ratio p/n (n rounded as in :func:`samples_for`)."""
    return MarchenkoPastur(p / samples_for(p, ratio), var)


def mp_spectrum(
    rng: np.random.Generator,
    p: int,
    ratio: float,
    var: float = 1.0,
    law: str = "gaussian",
    method: str = "dense",
) -> np.ndarray:
    """Eigenvalues of S = X X^T / n, X p x n with i.i.d. entries of variance ``var``.

    ``method = "tridiagonal"`` (Gaussian only) uses the Dumitriu–Edelman model."""
    n = samples_for(p, ratio)
    if method == "tridiagonal":
        return laguerre_eigvalsh(p, n, rng, var=var)
    return wishart_eigvalsh(random_matrix(p, n, law, rng, var=var))


def mp_edges(p: int, ratio: float, var: float = 1.0) -> np.ndarray:
    """[a, b] = var (1 -+ sqrt(y))^2 (for y < 1 both edges are soft)."""
    return np.array(mp_law(p, ratio, var).support())


def extreme_eigenvalues(rng: np.random.Generator, **params: object) -> np.ndarray:
    """[lambda_min, lambda_max] of the sample covariance."""
    vals = mp_spectrum(rng, **params)
    return np.array([vals[0], vals[-1]])


def edge_deviation(rng: np.random.Generator, p: int, ratio: float) -> float:
    """|lambda_max - b| for Gaussian S at size p (Tracy–Widom scale p^{-2/3})."""
    top = laguerre_top_eigenvalue(p, samples_for(p, ratio), rng)
    return float(abs(top - mp_law(p, ratio).b))


def ks_to_mp(rng: np.random.Generator, p: int, ratio: float) -> float:
    """KS distance between the Gaussian sample-covariance spectrum and MP at size p."""
    return ks_statistic(laguerre_eigvalsh(p, samples_for(p, ratio), rng), mp_law(p, ratio))


def sample_cov_moments(p: int, n: int, law: str = "gaussian", var: float = 1.0) -> np.ndarray:
    """Exact E[tr S / p] = var and E[tr S^2 / p] = var^2 (n + p + m4 - 2) / n for
    S = X X^T / n with i.i.d. entries, m4 = E x^4 / var^2 (direct expansion of
    E tr (X X^T)^2 = p n (n + p + m4 - 2) var^2)."""
    return np.array([var, var**2 * (n + p + fourth_moment(law) - 2) / n])


def sample_cov_moments_mc(
    rng: np.random.Generator,
    p: int,
    n: int,
    law: str = "gaussian",
    var: float = 1.0,
    reps: int = 200,
) -> Estimate:
    """Monte-Carlo means of tr S / p and tr S^2 / p over ``reps`` independent draws."""
    out = np.empty((reps, 2))
    for r in range(reps):
        s = (lambda x: x @ x.T / n)(np.asarray(random_matrix(p, n, law, rng, var=var)))
        out[r] = np.trace(s) / p, np.sum(s * s) / p
    return Estimate.from_samples(out)


def symmetric_matrix(rng: np.random.Generator, n: int, spectrum: str = "goe") -> np.ndarray:
    """A random real symmetric n x n matrix: ``goe`` (scaled by 1/sqrt n), ``wishart``
    (PSD, ratio 1/2) or ``repeated`` (Haar eigenvectors, eigenvalues from {-1, 0, 1}: ties
    make interlacing hold with equality, the hardest case numerically)."""
    if spectrum == "goe":
        g = rng.standard_normal((n, n))
        return (g + g.T) / np.sqrt(2 * n)
    if spectrum == "wishart":
        x = rng.standard_normal((n, 2 * n))
        return x @ x.T / (2 * n)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    d = rng.integers(-1, 2, n).astype(float)
    return (q * d) @ q.T


def cauchy_margin(rng: np.random.Generator, n: int, m: int, spectrum: str = "goe") -> dict:
    """Worst interlacing margin of a principal m x m submatrix and of a compression V^T A V
    (V n x m with orthonormal columns) of a random symmetric A."""
    a = symmetric_matrix(rng, n, spectrum)
    lam = np.linalg.eigvalsh(a)
    idx = np.sort(rng.choice(n, m, replace=False))
    v, _ = np.linalg.qr(rng.standard_normal((n, m)))
    principal = cauchy_interlacing_margin(lam, np.linalg.eigvalsh(a[np.ix_(idx, idx)]))
    compression = cauchy_interlacing_margin(lam, np.linalg.eigvalsh(v.T @ a @ v))
    return {
        "margin": min(principal, compression),
        "principal": principal,
        "compression": compression,
    }


def weyl_check(rng: np.random.Generator, n: int, spectrum: str = "goe") -> float:
    """Worst Weyl margin for A, B independent random symmetric matrices."""
    a, b = symmetric_matrix(rng, n, spectrum), symmetric_matrix(rng, n, spectrum)
    return weyl_margin(*(np.linalg.eigvalsh(m) for m in (a, b, a + b)))


def rank_r_margin(rng: np.random.Generator, n: int, rank: int, spectrum: str = "goe") -> float:
    """Worst margin of lambda_i(A) <= lambda_i(A + U U^T) <= lambda_{i-r}(A), U n x r."""
    a = symmetric_matrix(rng, n, spectrum)
    u = rng.standard_normal((n, rank))
    return rank_r_psd_interlacing_margin(
        np.linalg.eigvalsh(a), np.linalg.eigvalsh(a + u @ u.T), rank
    )
