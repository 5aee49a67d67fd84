"""Stochastic Lanczos quadrature (SLQ) spectral densities (Papyan 2020, App. C.3–C.7,
Algorithms 3–4; Lin, Saad & Yang 2016).

Normalization (PAP-ALG-C4): M_0 FastLanczos steps give theta_1, theta_M0 and residuals r_m =
beta_M0 |y_m[M0]|; [lo, hi] = [theta_1 - r_1, theta_M0 + r_M0] widened by tau (hi - lo) on each
side; A is mapped to (A - c I)/d, c = (lo + hi)/2, d = (hi - lo)/2.
LanczosApproxSpec (PAP-ALG-C3): n_vec FastLanczos runs of M steps on the normalized operator,
    phi(t) = (1/n_vec) sum_l sum_m (y^l_m[1])^2 g_sigma(t - theta^l_m),
    sigma = 2 / ((M - 1) sqrt(8 ln kappa)),
and back on the original scale lambda = c + d t, phi_lambda = phi_t / d.
Log spectrum (PAP-ALG-C5): nodes u_m = log(|lambda_m| + eps) with the same weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse.linalg import LinearOperator
from scipy.special import ndtr

from .. import validate
from ..errors import InputError
from .lanczos import Operator, as_operator, fast_lanczos, start_vector


def sigma_rule(steps: int, kappa: float = 3.0) -> float:
    """sigma = 2 / ((M - 1) sqrt(8 ln kappa)) on [-1, 1] (Alg. 3; M = 128, kappa = 3: 5.312e-3)."""
    steps = validate.integer("steps", steps, 2)
    kappa = validate.real("kappa", kappa, 1.0, None, open_lo=True)
    return 2.0 / ((steps - 1) * np.sqrt(8.0 * np.log(kappa)))


@dataclass(frozen=True)
class Bounds:
    """An interval [lower, upper] enclosing the spectrum and the map to [-1, 1]."""

    lower: float
    upper: float

    @property
    def center(self) -> float:
        return 0.5 * (self.lower + self.upper)

    @property
    def half_width(self) -> float:
        return 0.5 * (self.upper - self.lower)

    def normalized(self, a: Operator) -> LinearOperator:
        """(A - c I) / d as a LinearOperator."""
        op, c, d = as_operator(a), self.center, self.half_width

        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            return (np.ravel(op.matvec(v)) - c * v) / d

        return LinearOperator(op.shape, matvec=matvec, dtype=float)


def normalization(a: Operator, steps: int = 32, tau: float = 0.05, *,
                  rng: np.random.Generator | None = None, v0: Any = None) -> Bounds:
    """Normalization (Alg. 4, PAP-ALG-C4; defaults M_0 = 32, tau = 0.05 from App. D.2)."""
    tau = validate.real("tau", tau, 0.0, None)
    res = fast_lanczos(a, steps, rng=rng, v0=v0)
    r = res.residuals
    lo, hi = res.values[0] - r[0], res.values[-1] + r[-1]
    # a single eigenvalue seen (A = c I, or breakdown at step 1): keep a nonzero interval
    width = max(hi - lo, 1e-8 * max(abs(lo), abs(hi), 1.0))
    return Bounds(float(lo - tau * width), float(hi + tau * width))


@dataclass(frozen=True)
class SpectralDensity:
    """A Gaussian-smoothed quadrature measure sum_j w_j N(node_j, sigma^2).

    nodes/weights: all Ritz values (on the output scale) and their weights (w sum to 1 unless
    ``normalized`` is False, the 1/|lambda| variant of the log spectrum); sigma: the smoothing
    width on the same scale; bounds: the grid interval; residuals: the Ritz residual of each
    node on the same scale (a node with a tiny residual is an eigenvalue; ghosts included).
    """

    nodes: np.ndarray
    weights: np.ndarray
    sigma: float
    bounds: Bounds
    normalized: bool = True
    residuals: np.ndarray | None = None

    def density(self, x: Any) -> np.ndarray:
        """phi(x) = sum_j w_j g_sigma(x - node_j)."""
        x = np.asarray(x, dtype=float)
        z = (x.reshape(-1, 1) - self.nodes) / self.sigma
        g = np.exp(-0.5 * z * z) / (self.sigma * np.sqrt(2 * np.pi))
        return (g @ self.weights).reshape(x.shape)

    def grid(self, points: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """(x, phi(x)) on ``points`` (K in Alg. 3) equispaced points of [lower, upper]."""
        points = validate.integer("points", points, 2)
        x = np.linspace(self.bounds.lower, self.bounds.upper, points)
        return x, self.density(x)

    def moment(self, k: int) -> float:
        """sum_j w_j node_j^k: the k-th moment of the (unsmoothed) Gauss-quadrature measure."""
        k = validate.integer("k", k, 0)
        return float(self.weights @ self.nodes**k)

    def _probability(self) -> None:
        if not self.normalized:
            raise InputError("density", "the jacobian variant is not a probability density",
                             "a density built with jacobian=False")

    def cdf(self, x: Any) -> np.ndarray:
        """F(x) = sum_j w_j Phi((x - node_j) / sigma)."""
        self._probability()
        x = np.asarray(x, dtype=float)
        return (ndtr((x.reshape(-1, 1) - self.nodes) / self.sigma) @ self.weights).reshape(x.shape)

    def ppf(self, u: Any, resolution: int = 8192) -> np.ndarray:
        """Quantiles by linear interpolation of the CDF on ``resolution`` points (error of
        order (span / resolution)^2 max|phi'|)."""
        self._probability()
        lo = self.nodes.min() - 8 * self.sigma
        hi = self.nodes.max() + 8 * self.sigma
        x = np.linspace(lo, hi, resolution)
        f = np.maximum.accumulate(self.cdf(x))
        return np.interp(np.asarray(u, dtype=float), f, x)

    def quantiles(self, count: int) -> np.ndarray:
        """ppf at the midpoints (i + 1/2)/count: a deterministic sample with this CDF."""
        count = validate.integer("count", count, 1)
        return self.ppf((np.arange(count) + 0.5) / count)

    def support(self) -> tuple[float, float]:
        return self.bounds.lower, self.bounds.upper


def _quadrature(a: LinearOperator, steps: int, n_vec: int, rng: Any,
                project: Callable[[np.ndarray], np.ndarray] | None) -> list[np.ndarray]:
    """Concatenated (nodes, weights / n_vec, residuals) of n_vec FastLanczos runs."""
    runs = [fast_lanczos(a, steps, v0=_probe(a.shape[0], rng, project)) for _ in range(n_vec)]
    return [np.concatenate([r.values for r in runs]),
            np.concatenate([r.weights for r in runs]) / n_vec,
            np.concatenate([r.residuals for r in runs])]


def _probe(n: int, rng: Any, project: Callable[[np.ndarray], np.ndarray] | None) -> np.ndarray:
    v = start_vector(n, rng)
    return v if project is None else project(v)


def slq_density(a: Operator, steps: int = 128, n_vec: int = 1, kappa: float = 3.0, *,
                rng: np.random.Generator | None = None, bounds: Bounds | None = None,
                norm_steps: int = 32, tau: float = 0.05,
                shape: tuple[int, int] | None = None,
                project: Callable[[np.ndarray], np.ndarray] | None = None) -> SpectralDensity:
    """LanczosApproxSpec (Alg. 3, PAP-ALG-C3) on the original scale of A.

    ``bounds`` defaults to :func:`normalization` (``norm_steps``, ``tau``). ``steps`` is
    clamped to n; sigma uses the clamped M. Cost: n_vec * steps matvecs. ``project`` maps
    each Gaussian probe (and the Normalization start) into an invariant subspace, so the
    density is that of A restricted to it (used by the deflated pipeline)."""
    op = as_operator(a, shape)
    n_vec = validate.integer("n_vec", n_vec, 1)
    steps = min(validate.integer("steps", steps, 2), op.shape[0])
    if bounds is None:
        bounds = normalization(op, min(norm_steps, op.shape[0]), tau,
                               v0=_probe(op.shape[0], rng, project))
    t, w, r = _quadrature(bounds.normalized(op), steps, n_vec, rng, project)
    d = bounds.half_width
    sigma_t = sigma_rule(max(steps, 2), kappa)
    return SpectralDensity(bounds.center + d * t, w, sigma_t * d, bounds, residuals=d * r)


def log_spectrum_density(a: Operator, steps: int = 256, n_vec: int = 1, kappa: float = 3.0,
                         eps: float = 1e-5, *, jacobian: bool = False,
                         rng: np.random.Generator | None = None, bounds: Bounds | None = None,
                         norm_steps: int = 32, tau: float = 0.05,
                         shape: tuple[int, int] | None = None) -> SpectralDensity:
    """Density of u = log(|lambda| + eps) (Sec. C.7, PAP-ALG-C5).

    Nodes u_m = log(|theta_m| + eps) of the de-normalized Ritz values, same weights; grid
    [log(min|theta| + eps), log(max|theta| + eps)] widened by tau (log taken before the margin);
    sigma is the rule's fraction of that half-width (the paper leaves it open, AMB).
    ``jacobian=True`` is the paper's printed variant, weights w_m / (|theta_m| + eps): it
    samples the lambda-density on a log grid (not a probability density in u)."""
    eps = validate.real("eps", eps, 0.0, None)
    lin = slq_density(a, steps, n_vec, kappa, rng=rng, bounds=bounds, norm_steps=norm_steps,
                      tau=tau, shape=shape)
    mag = np.abs(lin.nodes) + eps
    if np.any(mag <= 0.0):
        raise InputError("eps", "a Ritz value is exactly 0", "eps > 0 for singular operators")
    u = np.log(mag)
    lo, hi = float(u.min()), float(u.max())
    width = max(hi - lo, 1e-12)
    grid = Bounds(lo - tau * width, hi + tau * width)
    sigma = lin.sigma / lin.bounds.half_width * grid.half_width
    weights = lin.weights / mag if jacobian else lin.weights
    return SpectralDensity(u, weights, sigma, grid, normalized=not jacobian)


class DiscreteSpectrum:
    """The exact spectral measure (1/n) sum_i delta(lambda_i) as a law: ``cdf``, ``ppf``,
    ``support`` (the reference for SLQ densities, PAP-ALG-C3)."""

    def __init__(self, eigenvalues: Any) -> None:
        lam = np.sort(np.asarray(eigenvalues, dtype=float).ravel())
        if lam.size == 0 or not np.all(np.isfinite(lam)):
            raise InputError("eigenvalues", "empty or non-finite", "a finite, non-empty spectrum")
        self.values = lam

    def cdf(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.searchsorted(self.values, x, side="right") / self.values.size

    def ppf(self, u: Any) -> np.ndarray:
        k = np.ceil(np.asarray(u, dtype=float) * self.values.size).astype(int) - 1
        return self.values[np.clip(k, 0, self.values.size - 1)]

    def support(self) -> tuple[float, float]:
        return float(self.values[0]), float(self.values[-1])

    def moment(self, k: int) -> float:
        """tr(A^k) / n."""
        return float(np.mean(self.values ** validate.integer("k", k, 0)))


def level_masses(density: SpectralDensity, levels: Any, atol: float) -> tuple[np.ndarray, float]:
    """Masses of known levels read off the Gauss quadrature: sum of w_j over the nodes with
    |node_j - level| <= atol, and the weight of the nodes near no level (stray mass)."""
    levels = np.asarray(levels, dtype=float).ravel()
    atol = validate.real("atol", atol, 0.0, None)
    near = np.abs(density.nodes[:, None] - levels[None, :]) <= atol
    masses = density.weights @ near
    return masses, float(density.weights[~near.any(axis=1)].sum())


def probe_mass_se(share: Any, n: int, n_vec: int) -> np.ndarray:
    """Standard error of the SLQ mass of a level holding a fraction f of n eigenvalues.

    For a Gaussian probe v the quadrature weight of an exact level is ||P v||^2 / ||v||^2 ~
    Beta(f n / 2, (1 - f) n / 2), variance 2 f (1 - f) / (n + 2); n_vec probes average it."""
    f = np.asarray(share, dtype=float)
    n, n_vec = validate.integer("n", n, 1), validate.integer("n_vec", n_vec, 1)
    return np.sqrt(2.0 * f * (1.0 - f) / ((n + 2) * n_vec))
