"""Monte-Carlo calibration of the spike test: false alarms on pure noise, detection of
planted spikes (shared by the tests and ``benchmarks/bench_spike_calibration.py``)."""

from __future__ import annotations

import numpy as np

from ..ensembles.matrices import random_matrix
from ..spectra.layer_spectrum import entry_kurtosis, gram_eigenvalues
from ..spectra.spikes import BulkFit, fit_bulk


def spiked_matrix(p: int, n: int, strengths: list[float], rng: np.random.Generator,
                  law: str = "gaussian", var: float = 1.0) -> np.ndarray:
    """X = Z + sqrt(n) sum_i theta_i u_i v_i^T (:mod:`rmtcheck.laws.bbp`), orthonormal u_i, v_i
    from the QR factors of Gaussian matrices, Z with i.i.d. ``law`` entries of variance ``var``."""
    x = np.asarray(random_matrix(p, n, law, rng, var=var))
    k = len(strengths)
    if k:
        u = np.linalg.qr(rng.standard_normal((p, k)))[0]
        v = np.linalg.qr(rng.standard_normal((n, k)))[0]
        x += np.sqrt(n) * (u * np.asarray(strengths, dtype=float)) @ v.T
    return x


def fit_matrix(x: np.ndarray, level: float = 0.01) -> BulkFit:
    """The bulk fit and spike test of :func:`rmtcheck.analyze` for one matrix."""
    eigs, n = gram_eigenvalues(x)
    return fit_bulk(eigs, n, level=level, kappa4=entry_kurtosis(x))


def first_p_value(fit: BulkFit) -> float:
    """p-value of the largest eigenvalue: a false alarm at level a iff it is below a."""
    return fit.spikes[0].p_value if fit.spikes else fit.next_p_value


def null_p_values(p: int, n: int, law: str, draws: int, rng: np.random.Generator) -> np.ndarray:
    """First-step p-values of ``draws`` pure-noise p x n matrices with ``law`` entries."""
    return np.array([first_p_value(fit_matrix(spiked_matrix(p, n, [], rng, law), level=0.5))
                     for _ in range(draws)])


def detections(p: int, n: int, strength: float, draws: int, level: float,
               rng: np.random.Generator, law: str = "gaussian") -> np.ndarray:
    """Number of spikes found in each of ``draws`` matrices with one spike of ``strength``."""
    return np.array([fit_matrix(spiked_matrix(p, n, [strength], rng, law), level).n_spikes
                     for _ in range(draws)])


def binomial_band(rate: float, draws: int, k: float = 3.0) -> tuple[float, float]:
    """rate -+ k sqrt(rate (1 - rate) / draws): where an observed rate should fall."""
    half = k * np.sqrt(rate * (1.0 - rate) / draws)
    return rate - half, rate + half
