"""Card functions for the matrix-free spectral tools of Papyan (2020), App. C (claims
PAP-ALG-C1..C7 and PAP-CLAIM-27 in ``cards.toml``).

Test operators have a spectrum known in closed form ("mp": Marchenko–Pastur quantiles at
ratio y; "spiked": those plus the outliers 8, 6, 4.5; "semicircle": semicircle quantiles on
[-2, 2]; "pareto": quantiles of a classical Pareto(1.5) law; "levels": a few distinct values
with multiplicities) and act as Q diag(lambda) Q^T, Q Haar ("haar") or Q = I ("diagonal": with
Gaussian start vectors every Lanczos output has the same law for any Q). "wishart" is a random
X X^T / m operator (X n x m, m = n / y), compared with its own eigvalsh or the MP law.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse.linalg import LinearOperator

from rmtcheck import validate
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.spectra.deflated_slq import complement_mass_se, deflated_slq
from rmtcheck.spectra.lanczos import LanczosResult, fast_lanczos, slow_lanczos
from rmtcheck.spectra.lanczos_subspace import subspace_iteration
from rmtcheck.spectra.slq import (
    DiscreteSpectrum,
    log_spectrum_density,
    normalization,
    slq_density,
)

from . import fim

SPECTRA = ("mp", "spiked", "semicircle", "pareto", "levels", "wishart")
SPIKES = (8.0, 6.0, 4.5)


def _midpoints(n: int) -> np.ndarray:
    return (np.arange(n) + 0.5) / n


def _semicircle_ppf(u: np.ndarray) -> np.ndarray:
    x = np.linspace(-2.0, 2.0, 20001)
    f = 0.5 + x * np.sqrt(4 - x * x) / (4 * np.pi) + np.arcsin(x / 2) / np.pi
    return np.interp(u, f, x)


def level_values(levels: int) -> np.ndarray:
    """The distinct eigenvalues of the "levels" spectrum, linspace(-1.3, 2.7, levels) (1 if one);
    the theory of PAP-ALG-C1: Lanczos reaches exactly these at breakdown."""
    levels = validate.integer("levels", levels, 1)
    return np.linspace(-1.3, 2.7, levels) if levels > 1 else np.ones(1)


def known_spectrum(n: int, spectrum: str = "mp", ratio: float = 0.5, levels: int = 4) -> np.ndarray:
    """The ascending eigenvalues of the closed-form test spectra (module docstring)."""
    n = validate.integer("n", n, 1)
    spectrum = validate.choice("spectrum", spectrum, SPECTRA[:-1])
    u = _midpoints(n)
    if spectrum == "mp":
        ratio = validate.real("ratio", ratio, 0.0, 1.0, open_lo=True)
        return np.asarray(MarchenkoPastur(ratio).ppf(u))
    if spectrum == "spiked":
        k = min(len(SPIKES), n)
        bulk = known_spectrum(n - k, "mp", ratio) if n > k else np.empty(0)
        return np.sort(np.concatenate([bulk, SPIKES[:k]]))
    if spectrum == "semicircle":
        return _semicircle_ppf(u)
    if spectrum == "pareto":
        return (1.0 - u) ** (-1.0 / 1.5)
    values = level_values(levels)
    return np.sort(values[np.arange(n) % values.size])


def spectral_operator(rng: np.random.Generator, n: int, spectrum: str = "mp", ratio: float = 0.5,
                  levels: int = 4, basis: str = "haar") -> tuple[LinearOperator, np.ndarray]:
    """(operator, its exact ascending eigenvalues) for the module's test spectra."""
    basis = validate.choice("basis", basis, ("haar", "diagonal"))
    if spectrum == "wishart":
        m = max(1, int(round(n / validate.real("ratio", ratio, 0.0, 1.0, open_lo=True))))
        x = rng.standard_normal((n, m)) / np.sqrt(m)
        op = LinearOperator((n, n), matvec=lambda v: x @ (x.T @ np.ravel(v)), dtype=float)
        return op, np.linalg.eigvalsh(x @ x.T)
    lam = known_spectrum(n, spectrum, ratio, levels)
    if basis == "diagonal":
        return LinearOperator((n, n), matvec=lambda v: lam * np.ravel(v), dtype=float), lam
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))  # Haar (Mezzadri 2007)
    op = LinearOperator((n, n), matvec=lambda v: q @ (lam * (q.T @ np.ravel(v))), dtype=float)
    return op, lam


def _method(method: str) -> Callable[..., LanczosResult]:
    return {"slow": slow_lanczos, "fast": fast_lanczos}[validate.choice("method", method,
                                                                       ("slow", "fast"))]


# PAP-ALG-C1: breakdown on an operator with few distinct eigenvalues

def breakdown_ritz_values(rng: np.random.Generator, n: int, levels: int,
                          method: str = "slow", basis: str = "haar") -> np.ndarray:
    """Ritz values of Lanczos run for up to n steps; it must stop after ``levels`` steps."""
    op, _ = spectral_operator(rng, n, "levels", levels=levels, basis=basis)
    return _method(method)(op, n, rng=rng).values


# PAP-ALG-C2: every Ritz value lies within its residual of an eigenvalue

def ritz_residual_margin(rng: np.random.Generator, n: int, steps: int, spectrum: str = "spiked",
                         ratio: float = 0.5, method: str = "fast", basis: str = "haar") -> dict:
    """min_m (beta_M |y_m[M]| - min_i |theta_m - lambda_i|) / ||A||, with the extreme-value
    errors and the number of ghost copies of the top eigenvalue."""
    op, lam = spectral_operator(rng, n, spectrum, ratio, basis=basis)
    res = _method(method)(op, steps, rng=rng)
    dist = np.min(np.abs(res.values[:, None] - lam[None, :]), axis=1)
    scale = max(abs(lam[0]), abs(lam[-1]))
    return {"margin": float(np.min(res.residuals - dist)) / scale,
            "top_error": float(abs(res.values[-1] - lam[-1])) / scale,
            "bottom_error": float(abs(res.values[0] - lam[0])) / scale,
            "ghosts_of_top": float(np.sum(np.abs(res.values - lam[-1]) < 1e-8 * scale) - 1)}


# PAP-ALG-C3 / C5: SLQ densities against the exact spectrum

def reference_law(n: int, spectrum: str = "mp", ratio: float = 0.5, log: bool = False,
                  eps: float = 1e-5) -> DiscreteSpectrum | MarchenkoPastur:
    """The exact spectral law: the known spectrum (of log(|lambda| + eps) when ``log``), or MP
    for "wishart"."""
    if spectrum == "wishart" and not log:
        return MarchenkoPastur(ratio)
    lam = known_spectrum(n, spectrum, ratio)
    return DiscreteSpectrum(np.log(np.abs(lam) + eps) if log else lam)


def slq_quantiles(rng: np.random.Generator, n: int, spectrum: str = "mp", ratio: float = 0.5,
                  steps: int = 128, n_vec: int = 10, kappa: float = 3.0,
                  basis: str = "diagonal") -> np.ndarray:
    """n midpoint quantiles of the SLQ density (Alg. 3 with Alg. 4 bounds)."""
    op, _ = spectral_operator(rng, n, spectrum, ratio, basis=basis)
    return slq_density(op, steps, n_vec, kappa, rng=rng).quantiles(n)


def log_slq_quantiles(rng: np.random.Generator, n: int, spectrum: str = "pareto",
                      ratio: float = 0.5, steps: int = 256, n_vec: int = 10, kappa: float = 3.0,
                      eps: float = 1e-5, basis: str = "diagonal") -> np.ndarray:
    """n midpoint quantiles of the SLQ density of u = log(|lambda| + eps) (Sec. C.7)."""
    op, _ = spectral_operator(rng, n, spectrum, ratio, basis=basis)
    return log_spectrum_density(op, steps, n_vec, kappa, eps, rng=rng).quantiles(n)


# PAP-ALG-C4: the Normalization interval encloses the spectrum

def normalization_margin(rng: np.random.Generator, n: int, spectrum: str = "wishart",
                         ratio: float = 0.5, steps: int = 32, tau: float = 0.05,
                         basis: str = "haar") -> dict:
    """min(lambda_min - lo, hi - lambda_max) / (lambda_max - lambda_min) and the relative
    width (hi - lo) / (lambda_max - lambda_min)."""
    op, lam = spectral_operator(rng, n, spectrum, ratio, basis=basis)
    b = normalization(op, steps, tau, rng=rng)
    span = max(lam[-1] - lam[0], 1e-300)
    return {"margin": float(min(lam[0] - b.lower, b.upper - lam[-1]) / span),
            "width": float((b.upper - b.lower) / span)}


# PAP-ALG-C6: SubspaceIteration recovers the top eigenvalues

def top_values(n: int, k: int, spectrum: str = "spiked", ratio: float = 0.5) -> np.ndarray:
    """The k eigenvalues of largest magnitude of the known spectrum, by decreasing |lambda|."""
    lam = known_spectrum(n, spectrum, ratio)
    return lam[np.argsort(-np.abs(lam), kind="stable")][:k]


def subspace_top_values(rng: np.random.Generator, n: int, k: int, iters: int = 128,
                        spectrum: str = "spiked", ratio: float = 0.5,
                        basis: str = "haar") -> np.ndarray:
    """Rayleigh–Ritz values of SubspaceIteration (Alg. 5 with ERR-17's fix)."""
    op, _ = spectral_operator(rng, n, spectrum, ratio, basis=basis)
    return subspace_iteration(op, k, iters, rng=rng).values


# PAP-ALG-C7: LowRankDeflation + SLQ on the Theorem 8.1 operator

def deflated_level_report(rng: np.random.Generator, op: LinearOperator, values: np.ndarray,
                          mults: np.ndarray, deflated: int, n_vec: int, tol: float,
                          iters: int = 2000) -> dict:
    """Deflate the eigenpairs of the first ``deflated`` levels (sum of their multiplicities),
    SLQ on the complement; compare with the known levels.

    top_error: max |theta - level| / max|level| over the deflated pairs; stray: mass near no
    level (SubspaceIteration runs until its residuals reach ``tol`` max|lambda|, at most
    ``iters`` iterations); deflated_mass_error: max relative error of the deflated levels'
    masses (counts); max_z: max |mass - share| / SE over the other levels
    (complement_mass_se)."""
    n, k = op.shape[0], int(np.sum(mults[:deflated]))
    ds = deflated_slq(op, k, n_vec=n_vec, tol=tol, iters=iters, rng=rng)
    scale = np.abs(values).max()
    top = np.sort(ds.top.values)[::-1]
    masses, stray = ds.level_masses(values, 1e-7 * scale)
    share = mults / n
    se = complement_mass_se(mults, deflated, n_vec)
    low = slice(deflated, None)
    return {"top_error": float(np.abs(top - np.repeat(values[:deflated], mults[:deflated])).max()
                               / scale),
            "stray": stray,
            "deflated_mass_error": float(np.max(np.abs(masses[:deflated] / share[:deflated] - 1))),
            "max_z": float(np.max(np.abs(masses[low] - share[low]) / se[low])),
            "iterations": float(ds.top.iterations)}


def deflated_thm81(rng: np.random.Generator, D: int, C: int, t: float, alpha: float,
                   n_vec: int = 8, tol: float = 1e-8) -> dict:
    """PAP-ALG-C7 on E G of Lemma 8.1: deflate the C outliers and C(C-2) mini-bulk pairs of
    Theorem 8.1 (k = C(C-1)), SLQ of the bulk and zero levels on the complement."""
    values, mults = fim.thm81_levels(D, C, t, alpha)
    return deflated_level_report(rng, fim.expected_fim_operator(D, C, t, alpha), values, mults,
                                 2, n_vec, tol)


# PAP-CLAIM-27: SLQ despite ghosts (Fig. 15a)

FIG15A_SPIKES = (5.0, 4.0, 3.0)


def fig15a_outliers() -> np.ndarray:
    """Free-probability outliers of X + Z Z^T / n (MP(1), edge 4): theta + theta/(theta - 1)
    for theta = 5, 4, 3, i.e. 6.25, 5.333, 4.5 (spec PAP-CLAIM-27, DERIVED)."""
    t = np.asarray(FIG15A_SPIKES)
    return t + t / (t - 1)


def fig15a_slq(rng: np.random.Generator, n: int, steps: int = 128, n_vec: int = 10,
               kappa: float = 3.0, spikes: tuple[float, ...] = FIG15A_SPIKES) -> dict:
    """SLQ of Y = diag(spikes, 0, ...) + Z Z^T / n (Z n x n Gaussian) as an operator.

    l1: int |phi_slq - phi_exact| with phi_exact the same-sigma Gaussian smoothing of
    eigvalsh(Y); outliers: clusters of converged Ritz nodes (residual < 1e-8 ||Y||) above 4.2;
    err_exact / err_free: their largest distance to the top-3 eigenvalues / to 6.25, 5.333, 4.5
    (the prediction for the paper's spikes 5, 4, 3);
    ghosts: mean number of extra converged copies of lambda_max per Lanczos run."""
    n = validate.integer("n", n, 4)
    z = rng.standard_normal((n, n))
    x = np.zeros(n)
    x[: len(spikes)] = spikes
    op = LinearOperator((n, n), matvec=lambda v: x * np.ravel(v) + z @ (z.T @ np.ravel(v)) / n,
                        dtype=float)
    y = z @ z.T / n + np.diag(x)
    lam = np.linalg.eigvalsh(y)
    dens = slq_density(op, steps, n_vec, kappa, rng=rng)
    grid, phi = dens.grid(2048)
    gauss = np.exp(-0.5 * ((grid[:, None] - lam[None, :]) / dens.sigma) ** 2)
    exact = gauss.mean(axis=1) / (dens.sigma * np.sqrt(2 * np.pi))
    top = np.sort(dens.nodes[(dens.residuals < 1e-8 * lam[-1]) & (dens.nodes > 4.2)])[::-1]
    clusters = np.split(top, np.nonzero(np.abs(np.diff(top)) > 1e-6 * lam[-1])[0] + 1)
    centers = np.array([c.mean() for c in clusters if c.size])
    k = min(centers.size, 3)
    far = float(np.inf) if k == 0 else 0.0
    return {"l1": float(np.trapezoid(np.abs(phi - exact), grid)),
            "outliers": float(centers.size),
            "err_exact": max(far, float(np.max(np.abs(centers[:k] - lam[::-1][:k]), initial=0))),
            "err_free": max(far, float(np.max(np.abs(centers[:k] - fig15a_outliers()[:k]),
                                              initial=0))),
            "ghosts": float(np.sum(np.abs(dens.nodes - lam[-1]) < 1e-8 * lam[-1]) / n_vec - 1)}
