"""Deflated SLQ: exact top eigenvalues plus an SLQ density of the rest (Papyan 2020, Sec. 4.1,
App. C.8, PAP-ALG-C7 LowRankDeflation + LanczosApproxSpec).

1. (lambda_c, v_c), c <= k, by SubspaceIteration (PAP-ALG-C6), to a residual tolerance.
2. SLQ (PAP-ALG-C3) of P A P, P = I - V V^T, with every probe projected by P: the Gauss
   quadrature then samples the n - k eigenvalues of A on the complement of span V only. (The
   printed pipeline runs SLQ on A - sum lambda_c v_c v_c^T with unprojected probes, which adds
   a mass k/n at 0 that must be subtracted: a noisy difference when k/n is small.)
3. The spectral measure is (1/n) sum_c delta(lambda_c) + ((n - k)/n) mu_rest.

A level holding a fraction f of the spectrum gets SLQ standard error sqrt(2 f (1 - f) /
((n + 2) n_vec)) (Beta law of a probe weight); for f ~ k/n that is about sqrt(2 / (k n_vec))
relative, 16 % for k = 10 and one probe. Deflating such levels makes their masses exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import validate
from .lanczos import Operator, as_operator
from .lanczos_subspace import Eigenpairs, project_out, subspace_iteration
from .slq import SpectralDensity, probe_mass_se, slq_density


@dataclass(frozen=True)
class DeflatedSpectrum:
    """(1/n) sum_c delta(top.values[c]) + ((n - k)/n) rest, on the scale of A."""

    top: Eigenpairs
    rest: SpectralDensity
    n: int

    @property
    def rest_share(self) -> float:
        return (self.n - self.top.values.size) / self.n

    def level_masses(self, levels: Any, atol: float) -> tuple[np.ndarray, float]:
        """Masses of known levels: the deflated eigenvalues within ``atol`` of a level count
        1/n each, the rest's Gauss nodes within ``atol`` count their weight times (n - k)/n.
        Also returns the stray mass (near no level)."""
        levels = np.asarray(levels, dtype=float).ravel()
        atol = validate.real("atol", atol, 0.0, None)
        nodes = np.concatenate([self.top.values, self.rest.nodes])
        weights = np.concatenate([np.full(self.top.values.size, 1.0 / self.n),
                                  self.rest_share * self.rest.weights])
        near = np.abs(nodes[:, None] - levels[None, :]) <= atol
        return weights @ near, float(weights[~near.any(axis=1)].sum())

    def cdf(self, x: Any) -> np.ndarray:
        """F(x) = #{top <= x} / n + ((n - k)/n) F_rest(x)."""
        x = np.asarray(x, dtype=float)
        top = np.searchsorted(np.sort(self.top.values), x, side="right") / self.n
        return top + self.rest_share * self.rest.cdf(x)

    def density(self, x: Any) -> np.ndarray:
        """((n - k)/n) phi_rest(x); the top eigenvalues are atoms (plot them separately)."""
        return self.rest_share * self.rest.density(x)


def complement_mass_se(mults: Any, deflated: int, n_vec: int) -> np.ndarray:
    """Standard errors of the masses of known levels (multiplicities ``mults``, the first
    ``deflated`` of them deflated): 0 for those (counted), and ((n - k)/n) probe_mass_se of
    their share of the n - k dimensional complement for the others (n = sum mults)."""
    mults = np.asarray(mults)
    n, k = int(mults.sum()), int(mults[:deflated].sum())
    rest = np.where(np.arange(mults.size) < deflated, 0, mults)
    return (n - k) / n * probe_mass_se(rest / (n - k), n - k, n_vec)


def deflated_slq(a: Operator, k: int, steps: int = 128, n_vec: int = 1, kappa: float = 3.0, *,
                 rng: np.random.Generator | None = None, iters: int = 128,
                 tol: float | None = 1e-8, norm_steps: int = 32, tau: float = 0.05,
                 chunk: int = 16, shape: tuple[int, int] | None = None) -> DeflatedSpectrum:
    """Deflate the k eigenpairs of largest |lambda| (SubspaceIteration, at most ``iters``
    iterations, stopped at residual ``tol`` max|lambda|), then SLQ (``steps``, ``n_vec``,
    ``kappa``) of A on their orthogonal complement. Memory: one n x k block plus O(n)."""
    op = as_operator(a, shape)
    k = validate.integer("k", k, 1, op.shape[0] - 1)
    top = subspace_iteration(op, k, iters, rng=rng, tol=tol, chunk=chunk)
    v = top.vectors

    def project(x: np.ndarray) -> np.ndarray:
        return x - v @ (v.T @ x)

    rest = slq_density(project_out(op, v), steps, n_vec, kappa, rng=rng, norm_steps=norm_steps,
                       tau=tau, project=project)
    return DeflatedSpectrum(top, rest, op.shape[0])
