"""Gaussian (beta-Hermite) ensembles normalised so that the spectrum fills [-2, 2].

Dense samplers (Mehta 2004, Ch. 2; Anderson, Guionnet & Zeitouni 2010, Sec. 2.5), G with
i.i.d. standard normal entries:
    GOE (beta = 1): H = (G + G^T) / sqrt(2n)            off-diagonal variance 1/n, diagonal 2/n;
    GUE (beta = 2): H = (A + A^*) / sqrt(2n), A = (G1 + i G2) / sqrt 2;
    GSE (beta = 4): the 2n x 2n complex form [[A, B], [-conj B, conj A]] of a quaternion matrix
                    Q, H = (Q + Q^*) / sqrt(4n); each eigenvalue is doubled, one of each pair
                    is returned.
Tridiagonal model, any beta > 0 (Dumitriu & Edelman 2002, J. Math. Phys. 43, Thm 2.12): the
symmetric tridiagonal matrix with diagonal N(0, 2) and off-diagonal chi_{beta (n - 1)}, ...,
chi_beta, divided by sqrt(2), has eigenvalue density prop. to |Delta(lambda)|^beta
exp(-|lambda|^2 / 2); dividing it by sqrt(beta n / 2) more gives the semicircle on [-2, 2]:
    diagonal N(0, 2) / sqrt(beta n),  off-diagonal chi_{beta (n - i)} / sqrt(beta n).
"""

from __future__ import annotations

import numpy as np

from .. import validate
from ..errors import InputError
from ..rng import as_generator


def _dense_beta(beta: object) -> int:
    if isinstance(beta, bool) or beta not in (1, 2, 4):
        raise InputError("beta", f"got {beta!r} for method='dense'", "1, 2 or 4")
    return int(beta)


def hermite_matrix(n: int, beta: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """Dense GOE/GUE (n x n) or GSE (2n x 2n complex form) matrix, semicircle on [-2, 2]."""
    n = validate.integer("n", n, 1)
    beta = _dense_beta(beta)
    gen = as_generator(rng)
    if beta == 1:
        g = gen.standard_normal((n, n))
        return (g + g.T) / np.sqrt(2 * n)
    size = n if beta == 2 else 2 * n
    if beta == 2:
        a = (gen.standard_normal((n, n)) + 1j * gen.standard_normal((n, n))) / np.sqrt(2)
    else:
        parts = (gen.standard_normal((2, n, n)) + 1j * gen.standard_normal((2, n, n))) / np.sqrt(2)
        a = np.block([[parts[0], parts[1]], [-parts[1].conj(), parts[0].conj()]])
    return (a + a.conj().T) / np.sqrt(2 * size)


def hermite_tridiagonal(
    n: int, beta: float, rng: np.random.Generator | int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal and off-diagonal of the Dumitriu–Edelman beta-Hermite matrix, scaled to [-2, 2]."""
    n = validate.integer("n", n, 1)
    beta = validate.positive("beta", beta)
    gen = as_generator(rng)
    scale = np.sqrt(beta * n)
    diag = gen.normal(0.0, np.sqrt(2.0), n) / scale
    off = np.sqrt(gen.chisquare(beta * np.arange(n - 1, 0, -1))) / scale
    return diag, off


def hermite_eigvalsh(
    n: int,
    beta: float,
    rng: np.random.Generator | int | None = None,
    method: str = "dense",
) -> np.ndarray:
    """Ascending eigenvalues of an n x n beta-Hermite matrix (semicircle on [-2, 2]):
    ``method="dense"`` (beta = 1, 2, 4; O(n^3)) or ``"tridiagonal"`` (any beta > 0; O(n^2))."""
    from scipy.linalg import eigvalsh_tridiagonal

    method = validate.choice("method", method, ("dense", "tridiagonal"))
    if method == "tridiagonal":
        return eigvalsh_tridiagonal(*hermite_tridiagonal(n, beta, rng))
    values = np.linalg.eigvalsh(hermite_matrix(n, beta, rng))
    return values[::2] if beta == 4 else values


def hermite_top_eigenvalue(
    n: int, beta: float, rng: np.random.Generator | int | None = None
) -> float:
    """Largest eigenvalue of the tridiagonal beta-Hermite model by bisection (LAPACK stebz,
    O(n) per step)."""
    from scipy.linalg import eigvalsh_tridiagonal

    diag, off = hermite_tridiagonal(n, beta, rng)
    return float(eigvalsh_tridiagonal(diag, off, select="i", select_range=(n - 1, n - 1))[0])
