"""Closed forms for deep linear networks and their random-matrix products.

Source: Hacohen & Weinshall (2022), supplementary material, App. A-B, with the
corrections of the reference spec (claim IDs DLN-*). Widths are (m_0, ..., m_N) and
``variances`` are sigma_1^2..sigma_N^2; products follow eq. (6) (see
:mod:`rmtcheck.ensembles.products`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.products import end_to_end, grams_a, grams_b
from rmtcheck.errors import InputError


def _widths_vars(widths: Sequence[int], variances: Sequence[float]
                 ) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray([validate.integer("widths", w, 1) for w in widths], dtype=float)
    v = np.asarray([validate.positive("variances", s) for s in variances], dtype=float)
    if m.size < 2 or v.size != m.size - 1:
        raise InputError("variances", f"{v.size} values for {m.size} widths",
                         "len(widths) - 1 values")
    return m, v


def beta(widths: Sequence[int], variances: Sequence[float], l: int) -> float:
    """beta_l = prod_{n=1}^{l-1} m_n sigma_n^2, so E[B^l] = beta_l I (Thm 3, eq. 7;
    DLN-THM-3). l in [1, N+1]; l = N+1 is E[W^T W] (extension), beta_1 = 1."""
    m, v = _widths_vars(widths, variances)
    l = validate.integer("l", l, 1, v.size + 1)
    return float(np.prod(m[1:l] * v[: l - 1]))


def alpha(widths: Sequence[int], variances: Sequence[float], l: int) -> float:
    """alpha_l = prod_{n=l+1}^{N} m_{n-1} sigma_n^2, so E[A^l] = alpha_l I (Thm 3, eq. 8;
    DLN-THM-3). l in [0, N]; l = 0 is E[W W^T] (extension), alpha_N = 1."""
    m, v = _widths_vars(widths, variances)
    l = validate.integer("l", l, 0, v.size)
    return float(np.prod(m[l:-1] * v[l:]))


def product_entry_variance(widths: Sequence[int], variances: Sequence[float]) -> float:
    """var[(Q_N ... Q_1)_ij] = (1/m_N) prod_{n=1}^N m_n sigma_n^2 = sigma_N^2 prod_{n<N} m_n
    sigma_n^2, and the mean is 0 (Lemma 2, eq. 20; DLN-LEM-2)."""
    m, v = _widths_vars(widths, variances)
    return float(v[-1] * np.prod(m[1:-1] * v[:-1]))


def def4_rates(widths: Sequence[int]) -> np.ndarray:
    """The factors m_n sigma_n^2 (n = 1..N-1) and m_{n-1} sigma_n^2 (n = 2..N) under Def. 4,
    exactly: 1, 2 m_n/(m_{n-1}+m_n), 2 m_{n-1}/(m_{n-1}+m_n), 1 (DLN-EQ-DEF4-RATES). They are
    1 + O(1/m) only when |m_n - m_{n-1}| = O(1)."""
    m = np.asarray([validate.integer("widths", w, 1) for w in widths], dtype=float)
    n_layers = m.size - 1
    if n_layers < 2:
        raise InputError("widths", f"got {m.size} widths", "at least three (one hidden layer)")
    var = 2.0 / (m[:-1] + m[1:])
    var[0], var[-1] = 1.0 / m[1], 1.0 / m[-2]
    fan_out = m[1:-1] * var[:-1]  # m_n sigma_n^2, n = 1..N-1
    fan_in = m[1:-1] * var[1:]  # m_{n-1} sigma_n^2, n = 2..N
    return np.concatenate([fan_out, fan_in])


def gram_entry_variance_l2(m1: int, var1: float, kurtosis: float) -> tuple[float, float]:
    """Exact (diagonal, off-diagonal) variances of B^2 = Q_1^T Q_1 for any entry law:
    var(B^2_ii) = m_1 (G - 1) sigma_1^4, var(B^2_ij) = m_1 sigma_1^4 (DLN-THM-4, l = 2)."""
    m1 = validate.integer("m1", m1, 1)
    var1 = validate.positive("var1", var1)
    g = validate.real("kurtosis", kurtosis, 1.0)
    return m1 * (g - 1.0) * var1**2, m1 * var1**2


def gram_entry_variance(l: int, m: int, kurtosis: float = 3.0) -> tuple[float, float]:
    """Leading (diagonal, off-diagonal) entry variances of B^l under Def. 4 with equal hidden
    widths m: ((G - 1) + 2(l - 2))/m and (l - 1)/m (DLN-THM-4; the spec measured 2(l-1)/m and
    (l-1)/m for Gaussian G = 3). The first layer contributes (G-1)/m and 1/m, every later
    layer 2/m and 1/m (a fourth-moment expansion of ||Q v||^2 for a spread unit vector v).
    For A^l use l -> N - l + 1."""
    l = validate.integer("l", l, 2)
    m = validate.integer("m", m, 1)
    g = validate.real("kurtosis", kurtosis, 1.0)
    return ((g - 1.0) + 2.0 * (l - 2)) / m, (l - 1.0) / m


def printed_mean_delta_b(l: int, k_out: int, m: int, q: int, mu: float = 1.0) -> np.ndarray:
    """Eq. (17) as printed: E[Delta B^l] = 2 mu l (K/m) I_q (DLN-EQ-17, fails)."""
    return 2.0 * mu * l * k_out / m * np.eye(q)


def mean_delta_b(l: int, k_out: int, m: int, sigma_xx: np.ndarray, mu: float = 1.0) -> np.ndarray:
    """Corrected eq. (17): E[Delta B^l] = mu l(l-1) (K/m) Sigma_XX [1 + O(1/m)] at a Def. 4
    initialization with equal hidden widths m and Y = 0 (first order in mu; DLN-THM-6,
    DLN-EQ-17-CORRECTED). Term j of eq. (11) contributes mu (l - j)(K/m) Sigma_XX."""
    l = validate.integer("l", l, 2)
    return mu * l * (l - 1) * k_out / m * np.asarray(sigma_xx, dtype=float)


def mean_delta_a(l: int, depth: int, k_out: int, m: int, trace_sigma_xx: float,
                 mu: float = 1.0) -> np.ndarray:
    """Theorem 7 analogue: E[Delta A^l] = mu (N-l)(N-l+1) (tr Sigma_XX / m) I_K [1 + O(1/m)]
    (DLN-THM-7, DLN-EQ-17-CORRECTED with side A)."""
    l = validate.integer("l", l, 0, depth - 1)
    return mu * (depth - l) * (depth - l + 1) * trace_sigma_xx / m * np.eye(k_out)


def compact_step(layers: Sequence[np.ndarray], sigma_xx: np.ndarray, sigma_yx: np.ndarray,
                 mu: float) -> np.ndarray:
    """Theorem 1 (DLN-THM-1): W^{s+1} = W^s - mu sum_l A_l Er B_l + O(mu^2), with
    Er = W Sigma_XX - Sigma_YX, A_l = S^l S^l^T, B_l = P^l^T P^l."""
    w = end_to_end(layers)
    er = w @ sigma_xx - sigma_yx
    a, b = grams_a(layers), grams_b(layers)
    n = len(layers)
    return w - mu * sum(a[l] @ er @ b[l - 1] for l in range(1, n + 1))


def column_rates(d: Sequence[float], mu: float, depth: int) -> np.ndarray:
    """lambda_j = 1 - mu d_j L: the per-column contraction of the B.3 closed form."""
    return 1.0 - mu * depth * np.asarray(d, dtype=float)


def closed_form_columns(w0: np.ndarray, d: Sequence[float], m_target: np.ndarray, mu: float,
                        depth: int, s: int | np.ndarray) -> np.ndarray:
    """B.3 closed form (DLN-EQ-B3): w_j^s = lambda_j^s w_j^0 + (1 - lambda_j^s) m_j / d_j with
    lambda_j = 1 - mu d_j L, in principal coordinates (Sigma_XX = D, M = Sigma_YX U).
    ``s`` may be an array of times (the result then has a leading time axis)."""
    d = np.asarray(d, dtype=float)
    if np.any(d <= 0):
        raise InputError("d", "has non-positive entries", "positive eigenvalues of Sigma_XX")
    lam = column_rates(d, mu, depth)
    s = np.asarray(s)
    lam_s = lam ** s[..., None, None] if s.ndim else lam**s
    w_star = np.asarray(m_target, dtype=float) / d
    return w_star + lam_s * (np.asarray(w0, dtype=float) - w_star)


def column_evolution(w0_j: np.ndarray, d_j: float, m_j: np.ndarray, mu: float,
                     a_seq: Sequence[np.ndarray]) -> np.ndarray:
    """Eq. (23) with corrected indexing (DLN-EQ-23): for A^0..A^{s-1} (A^nu = sum_l A_l^nu),
    w_j^s = [prod_{nu=s-1}^{0} (I - mu d_j A^nu)] w_j^0
            + mu sum_{nu<s} [prod_{rho=s-1}^{nu+1} (I - mu d_j A^rho)] A^nu m_j,
    later times on the left; the solution of w^{s+1} = w^s - mu A^s (d_j w^s - m_j)."""
    w0_j, m_j = np.asarray(w0_j, dtype=float), np.asarray(m_j, dtype=float)
    eye = np.eye(w0_j.size)
    prop = [eye - mu * d_j * np.asarray(a, dtype=float) for a in a_seq]
    out = w0_j.copy()
    for p in prop:
        out = p @ out
    for nu, a in enumerate(a_seq):
        term = mu * np.asarray(a, dtype=float) @ m_j
        for p in prop[nu + 1:]:
            term = p @ term
        out = out + term
    return out


def b2_coefficient_update(a: np.ndarray, w0: np.ndarray, sigma_xx: np.ndarray, m_tilde: np.ndarray,
                          mu: float, coefficient: float = 0.25) -> np.ndarray:
    """B.2 (DLN-EQ-B2-APPROX): W^1 - W^0 = -mu [c (a a^T) W^0 Sigma_XX - M~^0] with c = 1/4
    (corrected; the printed constant is 1/2). Row r of M~^0 is
    a_r sum_{i: w_r x_i >= 0} y_i x_i^T."""
    return -mu * (coefficient * np.outer(a, a) @ w0 @ sigma_xx - m_tilde)
