"""Alignment metrics of the NSA study (seed 000 App. G-R, poster seed 001; spec Sec. 2.3).

Eigenpairs of G_t are taken in decreasing order (``laws.gramian_dynamics.eig_desc``).

* NTK-MET-1  E_t(phi, k) = sum_{i<=k} <phi, v_i>^2 / |phi|^2 (the poster's "cos alpha" is
  its square); alpha = arccos sqrt(E).
* NTK-MET-2  error_t = |df~ - df| / |df~| and cos alpha_t between the actual step
  df~ = f_{t+1} - f_t and the first-order step df = -(delta/N) G m_t (eq. 3).
* NTK-MET-3  stability boundary 2N / lambda_max and the products delta lambda_i / N.
* NTK-MET-4  y^T G y and y^T G^+ y (eigenvalues below 1e-8 lambda_max cut).
* NTK-MET-5  k_{1-eps}(phi) = min{k : E(phi, k) >= 1 - eps}.
* NTK-MET-6  spectrum preservation E_{t1}(v_i^{t2}, k).
* NTK-EQ-A22 sampled Fourier transform (1/N) sum_k phi(X^k) exp(-2 pi i <xi, X^k>), and
  App. G's route: interpolate phi to an image grid, then take the grid's 2-D FFT.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rmtcheck import validate
from rmtcheck.errors import InputError

from .dynamics import CUT, eig_desc


def relative_energy(vectors: np.ndarray, phi: np.ndarray, k: int | Sequence[int]
                    ) -> np.ndarray | float:
    """E(phi, k) for descending eigenvectors (columns); ``k`` an int or a sequence of ints."""
    phi = np.asarray(phi, dtype=float)
    norm2 = float(phi @ phi)
    if norm2 == 0.0:
        raise InputError("phi", "is the zero vector", "a nonzero vector")
    cum = np.cumsum((vectors.T @ phi) ** 2) / norm2
    ks = np.atleast_1d(np.asarray(k))
    for kk in ks:
        validate.integer("k", int(kk), 1, vectors.shape[1])
    out = np.minimum(cum[ks - 1], 1.0)
    return float(out[0]) if np.ndim(k) == 0 else out


def alignment_angle(energy: np.ndarray | float) -> np.ndarray | float:
    """alpha = arccos sqrt(E), the angle between phi and its top-k projection."""
    return np.arccos(np.sqrt(np.clip(energy, 0.0, 1.0)))


def energy_rank(vectors: np.ndarray, phi: np.ndarray, eps: float) -> int:
    """k_{1-eps}(phi): the fewest top eigenvectors holding a 1 - eps share of |phi|^2."""
    eps = validate.probability("eps", eps)
    cum = relative_energy(vectors, phi, np.arange(1, vectors.shape[1] + 1))
    return int(np.searchsorted(cum, 1.0 - eps - 1e-12) + 1)


def first_order_error(df_actual: np.ndarray, G: np.ndarray, m: np.ndarray, delta: float
                      ) -> tuple[float, float]:
    """(error_t, cos alpha_t) of the first-order prediction df = -(delta/N) G m (NTK-MET-2)."""
    pred = -delta / G.shape[0] * (G @ m)
    err = float(np.linalg.norm(df_actual - pred) / np.linalg.norm(df_actual))
    cos = float(df_actual @ pred / (np.linalg.norm(df_actual) * np.linalg.norm(pred)))
    return err, cos


def stability(values: np.ndarray, delta: float, n: int) -> dict[str, object]:
    """Boundary 2N/lambda_max, the ratio delta lambda_max / N and all delta lambda_i / N."""
    lam_max = float(values[0])
    return {"boundary": 2.0 * n / lam_max, "ratio": delta * lam_max / n,
            "balancing": delta * np.asarray(values) / n}


def quadratic_forms(values: np.ndarray, vectors: np.ndarray, y: np.ndarray,
                    cut: float = CUT) -> tuple[float, float]:
    """(y^T G y, y^T G^+ y) from descending eigenpairs; pseudo-inverse below cut lambda_max."""
    c2 = (vectors.T @ y) ** 2
    keep = values > cut * values[0]
    return float(c2 @ values), float(c2[keep] @ (1.0 / values[keep]))


def spectrum_preservation(vectors_early: np.ndarray, vectors_late: np.ndarray,
                          i: int, k: int) -> float:
    """E_{t1}(v_i^{t2}, k) (1-based i): how much of a late eigenvector lies in the early top-k."""
    return relative_energy(vectors_early, vectors_late[:, validate.integer("i", i, 1) - 1], k)


def gramian_summary(G: np.ndarray, y: np.ndarray, delta: float,
                    ks: Sequence[int]) -> dict[str, object]:
    """The per-checkpoint numbers of the alignment tables: spectrum, E(y, k), boundary, forms."""
    e = eig_desc(G)
    yGy, yGinv = quadratic_forms(e.values, e.vectors, y)
    return {"values": e.values, "vectors": e.vectors,
            "energy_y": relative_energy(e.vectors, y, list(ks)),
            "yGy": yGy, "yGinvy": yGinv, **stability(e.values, delta, len(y))}


def sampled_fourier(X: np.ndarray, phi: np.ndarray, kmax: int) -> np.ndarray:
    """|phi^(xi)| on the integer grid xi in [-kmax, kmax]^2 (eq. A22, X in [0, 1]^2).

    Returns a (2 kmax + 1)^2 image, rows xi_2, columns xi_1."""
    kmax = validate.integer("kmax", kmax, 0)
    freqs = np.arange(-kmax, kmax + 1)
    e1 = np.exp(-2j * np.pi * np.outer(freqs, X[:, 0]))
    e2 = np.exp(-2j * np.pi * np.outer(freqs, X[:, 1]))
    return np.abs((e2 * phi) @ e1.T) / len(phi)


def frequency_centroid(spectrum: np.ndarray, phi_norm2: float, n: int) -> float:
    """E|xi| under the power |phi^|^2 minus its sampling noise floor |phi|^2 / N^2.

    For N uniform points a function with no structure has E|phi^(xi)|^2 = |phi|^2 / N^2 at
    every xi != 0, so subtracting it keeps white noise from inflating the centroid."""
    kmax = (spectrum.shape[0] - 1) // 2
    f = np.arange(-kmax, kmax + 1)
    radius = np.hypot(*np.meshgrid(f, f))
    power = np.clip(spectrum**2 - phi_norm2 / n**2, 0.0, None)
    return float((radius * power).sum() / power.sum())


def _interpolate(X: np.ndarray, phi: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """Linear interpolation of scattered values, nearest value outside the convex hull."""
    from scipy.interpolate import griddata  # noqa: PLC0415

    lin = griddata(X, phi, (gx, gy), method="linear")
    return np.where(np.isnan(lin), griddata(X, phi, (gx, gy), method="nearest"), lin)


def to_grid(X: np.ndarray, phi: np.ndarray, size: int) -> np.ndarray:
    """Values at scattered points of [0, 1]^2 on a size x size image (rows x_2, columns x_1,
    both from 0 to 1), as used to display f_t and v_i (App. G)."""
    g = np.linspace(0.0, 1.0, validate.integer("size", size, 2))
    gx, gy = np.meshgrid(g, g)
    return _interpolate(X, phi, gx, gy)


def grid_fourier(X: np.ndarray, phi: np.ndarray, size: int, kmax: int) -> np.ndarray:
    """|phi^(xi)| on xi in [-kmax, kmax]^2 from the 2-D FFT of phi interpolated to the grid
    j / size of [0, 1)^2 (App. G); (1/size^2) sum_grid matches the (1/N) sum_k of eq. A22,
    both estimating the integral of phi(x) exp(-2 pi i <xi, x>) over [0, 1]^2."""
    size = validate.integer("size", size, 2)
    kmax = validate.integer("kmax", kmax, 0, size // 2 - 1)
    g = np.arange(size) / size
    gx, gy = np.meshgrid(g, g)
    idx = np.arange(-kmax, kmax + 1) % size
    return np.abs(np.fft.fft2(_interpolate(X, phi, gx, gy))[np.ix_(idx, idx)]) / size**2
