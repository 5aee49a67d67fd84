"""Closed-form GD dynamics under a constant Gramian (NSA seed 000 App. A, D, E; poster seed 001).

With L = (1/N) sum 1/2 (f_i - y_i)^2 and a constant G = A^T A (eigenpairs lambda_i, v_i,
x_i = delta lambda_i / N), the residual m_t = f_t - y obeys m_{t+1} = (I - (delta/N) G) m_t:

* A9   m_t = sum_i (1 - x_i)^t <v_i, m_0> v_i + m_0^z
* A10  sum_{j<t} m_j = sum_i [1 - (1 - x_i)^t] / x_i <v_i, m_0> v_i + t m_0^z
* A11  f_t = f_0 - sum_i [1 - (1 - x_i)^t] <v_i, m_0> v_i
* A13  f_t(X') = f_0(X') - (delta/N) g(X', X) sum_{j<t} m_j;
       invertible G: f_t(X') = f_0(X') - g(X', X) G^{-1} [I - (I - (delta/N) G)^t] m_0
* A15  f_t(X') = f_0(X') - sum_i [1 - (1 - x_i)^t] lambda_i^{-1/2} <v_i, m_0> <w_i, grad f_0(X')>
       (w_i the left singular vectors of A = sum_i sqrt(lambda_i) w_i v_i^T)
* A17  f_t(X') = f_0(X') - sum_i [1 - (1 - x_i)^t] <v_i, m_0> v~_i(X'), Nystrom v~_i (A4)
* STAB GD converges iff delta < 2 N / lambda_max (|1 - x_i| < 1 for every lambda_i > 0).

Eigenvalues below ``cut * lambda_max`` count as zero (spec Sec. 6). The Mercer/Nystrom
relation (A1-A4): eig_k(G)/N -> lambda~_k of the kernel operator under P, and
v~_k(X) = g(X, X) v_k / lambda_k; ``cosine_kernel`` is a kernel with a known spectrum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rmtcheck import validate
from rmtcheck.errors import InputError

CUT = 1e-8


@dataclass(frozen=True)
class Eig:
    """Descending eigenpairs of a PSD Gramian; ``nonzero`` marks lambda_i > cut lambda_max."""

    values: np.ndarray
    vectors: np.ndarray
    nonzero: np.ndarray


def eig_desc(G: np.ndarray, cut: float = CUT) -> Eig:
    """Eigenpairs of symmetric ``G`` sorted by decreasing eigenvalue."""
    vals, vecs = np.linalg.eigh(np.asarray(G, dtype=float))
    vals, vecs = vals[::-1], vecs[:, ::-1]
    top = max(float(vals[0]), 0.0) if vals.size else 0.0
    return Eig(vals, vecs, vals > cut * top)


def decay_factor(x: np.ndarray | float, t: int) -> np.ndarray:
    """1 - (1 - x)^t, computed as -expm1(t log1p(-x)) where x < 1 (spec Sec. 6)."""
    x = np.asarray(x, dtype=float)
    safe = np.where(x < 1, x, 0.0)
    return np.where(x < 1, -np.expm1(t * np.log1p(-safe)), 1.0 - np.power(1.0 - x, t))


def summed_factor(x: np.ndarray | float, t: int) -> np.ndarray:
    """[1 - (1 - x)^t] / x = sum_{j<t} (1 - x)^j, with the limit t at x = 0 (A10)."""
    x = np.asarray(x, dtype=float)
    tiny = np.abs(x) * t < 1e-8
    safe = np.where(tiny, 1.0, x)
    return np.where(tiny, t * (1.0 - 0.5 * (t - 1) * x), decay_factor(safe, t) / safe)


def max_stable_step(lam_max: float, n: int) -> float:
    """The GD stability boundary 2 N / lambda_max (NTK-EQ-STAB, A6)."""
    return 2.0 * validate.integer("n", n, 1) / validate.positive("lam_max", lam_max)


def _checked(G: np.ndarray, delta: float, t: int) -> tuple[np.ndarray, float, int]:
    """Validate a square Gramian, a step delta > 0 and a step count t >= 0."""
    G = np.asarray(G, dtype=float)
    if G.ndim != 2 or G.shape[0] != G.shape[1] or G.shape[0] == 0:
        raise InputError("G", f"has shape {G.shape}", "a non-empty square matrix")
    return G, validate.positive("delta", delta), validate.integer("t", t, 0)


def _rates(G: np.ndarray, delta: float, cut: float) -> tuple[Eig, np.ndarray]:
    e = eig_desc(G, cut)
    return e, delta * np.where(e.nonzero, e.values, 0.0) / G.shape[0]


def _split(e: Eig, m0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients <v_i, m_0> on the range and the null-space part m_0^z."""
    c = e.vectors.T @ m0
    cz = np.where(e.nonzero, 0.0, c)
    return np.where(e.nonzero, c, 0.0), e.vectors @ cz


def residual(G: np.ndarray, m0: np.ndarray, delta: float, t: int, cut: float = CUT) -> np.ndarray:
    """A9: m_t for constant G."""
    G, delta, t = _checked(G, delta, t)
    e, x = _rates(G, delta, cut)
    c, mz = _split(e, m0)
    return e.vectors @ (np.where(e.nonzero, (1.0 - x) ** t, 0.0) * c) + mz


def residual_sum(G: np.ndarray, m0: np.ndarray, delta: float, t: int,
                 cut: float = CUT) -> np.ndarray:
    """A10: sum_{j<t} m_j for constant G (the null-space part accumulates as t m_0^z)."""
    G, delta, t = _checked(G, delta, t)
    e, x = _rates(G, delta, cut)
    c, mz = _split(e, m0)
    return e.vectors @ (summed_factor(x, t) * c) + t * mz


def outputs(G: np.ndarray, f0: np.ndarray, y: np.ndarray, delta: float, t: int,
            cut: float = CUT) -> np.ndarray:
    """A11: f_t at the training points."""
    G, delta, t = _checked(G, delta, t)
    e, x = _rates(G, delta, cut)
    c, _ = _split(e, f0 - y)
    return f0 - e.vectors @ (decay_factor(x, t) * c)


def heldout_outputs(g_test: np.ndarray, G: np.ndarray, f0_test: np.ndarray, m0: np.ndarray,
                    delta: float, t: int, cut: float = CUT) -> np.ndarray:
    """A13: f_t(X') = f_0(X') - (delta/N) g(X', X) sum_{j<t} m_j with A10 substituted."""
    G, delta, t = _checked(G, delta, t)
    return f0_test - delta / G.shape[0] * (g_test @ residual_sum(G, m0, delta, t, cut))


def heldout_outputs_inverse(g_test: np.ndarray, G: np.ndarray, f0_test: np.ndarray,
                            m0: np.ndarray, delta: float, t: int) -> np.ndarray:
    """A13, invertible G: f_0(X') - g(X', X) G^{-1} [I - (I - (delta/N) G)^t] m_0."""
    G, delta, t = _checked(G, delta, t)
    e = eig_desc(G, 0.0)
    x = delta * e.values / G.shape[0]
    w = e.vectors @ (decay_factor(x, t) * (e.vectors.T @ m0))
    return f0_test - g_test @ np.linalg.solve(G, w)


def heldout_outputs_svd(A: np.ndarray, grad_test: np.ndarray, f0_test: np.ndarray,
                        m0: np.ndarray, delta: float, t: int, cut: float = CUT) -> np.ndarray:
    """A15 from the Jacobian SVD A = sum_i sqrt(lambda_i) w_i v_i^T (A: |theta| x N,
    grad_test: N' x |theta|, rows grad f_0(X'))."""
    delta, t = validate.positive("delta", delta), validate.integer("t", t, 0)
    W, s, Vt = np.linalg.svd(A, full_matrices=False)
    lam = s**2
    keep = lam > cut * lam.max()
    x = delta * lam[keep] / A.shape[1]
    coef = decay_factor(x, t) / np.sqrt(lam[keep]) * (Vt[keep] @ m0)
    return f0_test - (grad_test @ W[:, keep]) @ coef


def nystrom(g_test: np.ndarray, G: np.ndarray, cut: float = CUT) -> tuple[np.ndarray, Eig]:
    """A4: v~_k(X') = g(X', X) v_k / lambda_k for the nonzero eigenpairs (columns k)."""
    e = eig_desc(G, cut)
    return g_test @ e.vectors[:, e.nonzero] / e.values[e.nonzero], e


def heldout_outputs_nystrom(g_test: np.ndarray, G: np.ndarray, f0_test: np.ndarray,
                            m0: np.ndarray, delta: float, t: int, cut: float = CUT) -> np.ndarray:
    """A17/A18: f_0(X') - sum_i [1 - (1 - x_i)^t] <v_i, m_0> v~_i(X')."""
    G, delta, t = _checked(G, delta, t)
    vt, e = nystrom(g_test, G, cut)
    x = delta * e.values[e.nonzero] / G.shape[0]
    return f0_test - vt @ (decay_factor(x, t) * (e.vectors[:, e.nonzero].T @ m0))


def iterate(G: np.ndarray, f0: np.ndarray, y: np.ndarray, delta: float, t: int,
            g_test: np.ndarray | None = None, f0_test: np.ndarray | None = None
            ) -> dict[str, np.ndarray]:
    """Direct iteration f <- f - (delta/N) G (f - y) for t steps (eq. 3 with G fixed).

    Returns the final residual ``m``, the running sum ``msum`` = sum_{j<t} m_j, the
    outputs ``f`` and, with ``g_test``, the test outputs ``f_test`` updated by eq. A12."""
    G, delta, t = _checked(G, delta, t)
    n = G.shape[0]
    f = np.array(f0, dtype=float)
    ft = None if g_test is None else np.array(f0_test, dtype=float)
    msum = np.zeros(n)
    for _ in range(t):
        m = f - y
        msum += m
        if ft is not None:
            ft -= delta / n * (g_test @ m)
        f -= delta / n * (G @ m)
    out = {"m": f - y, "msum": msum, "f": f}
    if ft is not None:
        out["f_test"] = ft
    return out


def cosine_kernel(x: np.ndarray, x2: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
    """k(x, x') = sum_j c_j cos(2 pi j (x - x')) on [0, 1] (spec NTK-CLAIM-1)."""
    diff = np.subtract.outer(np.asarray(x, float), np.asarray(x2, float))
    j = np.arange(len(coeffs))
    return np.cos(2 * np.pi * diff[..., None] * j) @ np.asarray(coeffs, float)


def cosine_features(x: np.ndarray, n_terms: int) -> np.ndarray:
    """Feature map [1, cos 2 pi j x, sin 2 pi j x]_{j=1..J} of ``cosine_kernel`` (N x 2J+1)."""
    j = np.arange(1, n_terms)
    arg = 2 * np.pi * np.outer(np.asarray(x, float), j)
    return np.hstack([np.ones((len(x), 1)), np.cos(arg), np.sin(arg)])


def cosine_gram_eigs(x: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
    """Nonzero eigenvalues of G = [k(x_i, x_j)], descending, through its factor:
    G = Phi C Phi^T shares them with C^{1/2} Phi^T Phi C^{1/2} ((2J+1)-square)."""
    c = np.asarray(coeffs, dtype=float)
    root = np.sqrt(np.concatenate([c[:1], np.tile(c[1:], 2)]))
    phi = cosine_features(x, len(c)) * root
    return np.linalg.eigvalsh(phi.T @ phi)[::-1]


def cosine_kernel_spectrum(coeffs: np.ndarray) -> np.ndarray:
    """Mercer eigenvalues of ``cosine_kernel`` under U[0, 1], descending: c_0 once and
    c_j / 2 twice (eigenfunctions 1, cos 2 pi j x, sin 2 pi j x)."""
    c = np.asarray(coeffs, dtype=float)
    return np.sort(np.concatenate([c[:1], np.repeat(c[1:] / 2, 2)]))[::-1]
