"""Card functions for ``cards.toml`` (claims DLN-*): moments of random matrix
products (App. A.1), first-step dynamics (A.2), compact dynamics (B.1), the paired ReLU
update (B.2), the weight-evolution closed form (B.3) and the Fuss–Catalan law.
Source: Hacohen & Weinshall (2022), supplementary material.

Cards carry widths and variances as scalar parameters m0..m4 and v1..v4; a depth-N card
uses the first N + 1 widths and N variances. Def.-4 networks have equal hidden widths:
(q, m, ..., m, K).
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.checker.verdict import Estimate
from rmtcheck.ensembles.products import (
    batched_mean,
    check_bounded_kurtosis,
    def4_layers,
    draw_layers,
    end_to_end,
    grams_a,
    grams_b,
    product_squared_singular_values,
)
from rmtcheck.laws.fuss_catalan import FussCatalan
from rmtcheck.training.deep_linear import (
    first_order_delta_grams,
    gd_step,
    half_space_targets,
    paired_relu_init,
    relu_gd_step,
    train_dln,
)

from . import moments as dl

BATCH = 2000


def _net(N: int, m0: int, m1: int, m2: int, m3: int, m4: int, v1: float, v2: float,
         v3: float, v4: float) -> tuple[list[int], list[float]]:
    N = validate.integer("N", N, 1, 4)
    widths = [validate.integer(f"m{i}", m, 1) for i, m in enumerate([m0, m1, m2, m3, m4][: N + 1])]
    variances = [validate.positive(f"v{i + 1}", v) for i, v in enumerate([v1, v2, v3, v4][:N])]
    return widths, variances


def _def4_widths(q: int, K: int, N: int, m: int) -> list[int]:
    return [q] + [m] * (N - 1) + [K]


def _sigma_xx(q: int, spread: float) -> np.ndarray:
    """Sigma_XX = diag(linspace(1 + spread, 1 - spread, q)) (whitened for spread = 0; tr = q)."""
    return np.diag(np.linspace(1.0 + spread, 1.0 - spread, q)) if q > 1 else np.eye(1)


# --- Theorem 3 and Lemma 2 (exact in expectation) -----------------------------------------

def thm3_means(N: int, m0: int, m1: int, m2: int, m3: int, m4: int, v1: float, v2: float,
               v3: float, v4: float) -> np.ndarray:
    """beta_l I (l = 2..N+1) then alpha_l I (l = 0..N-1), flattened (DLN-THM-3)."""
    w, v = _net(N, m0, m1, m2, m3, m4, v1, v2, v3, v4)
    parts = [dl.beta(w, v, l) * np.eye(w[0]) for l in range(2, N + 2)]
    parts += [dl.alpha(w, v, l) * np.eye(w[-1]) for l in range(N)]
    return np.concatenate([p.ravel() for p in parts])


def thm3_monte_carlo(rng: np.random.Generator, N: int, m0: int, m1: int, m2: int, m3: int,
                     m4: int, v1: float, v2: float, v3: float, v4: float, law: str,
                     reps: int, df: float = 8.0) -> Estimate:
    """Monte-Carlo means of B^2..B^{N+1} and A^0..A^{N-1} over ``reps`` independent draws
    (``df``: Student-t degrees of freedom, > 4 for the bounded kurtosis Thm 3 assumes)."""
    w, v = _net(N, m0, m1, m2, m3, m4, v1, v2, v3, v4)
    if law == "student_t":
        check_bounded_kurtosis(df)

    def sample(t: int) -> np.ndarray:
        layers = draw_layers(w, v, rng, law, trials=t, df=df)
        b, a = grams_b(layers)[1:], grams_a(layers)[:-1]
        return np.concatenate([x.reshape(t, -1) for x in (*b, *a)], axis=1)

    return Estimate(*batched_mean(sample, reps, BATCH))


def lemma2_moments(N: int, m0: int, m1: int, m2: int, m3: int, m4: int, v1: float, v2: float,
                   v3: float, v4: float) -> np.ndarray:
    """E[W_ij] = 0 and E[W_ij^2] = var (Lemma 2, eq. 20; DLN-LEM-2), every entry of W."""
    w, v = _net(N, m0, m1, m2, m3, m4, v1, v2, v3, v4)
    size = w[0] * w[-1]
    return np.concatenate([np.zeros(size), np.full(size, dl.product_entry_variance(w, v))])


def lemma2_monte_carlo(rng: np.random.Generator, N: int, m0: int, m1: int, m2: int, m3: int,
                       m4: int, v1: float, v2: float, v3: float, v4: float, law: str,
                       reps: int, df: float = 8.0) -> Estimate:
    """Monte-Carlo means of W_ij and W_ij^2 over ``reps`` draws of W = Q_N ... Q_1."""
    w, v = _net(N, m0, m1, m2, m3, m4, v1, v2, v3, v4)
    if law == "student_t":
        check_bounded_kurtosis(df)

    def sample(t: int) -> np.ndarray:
        prod = end_to_end(draw_layers(w, v, rng, law, trials=t, df=df)).reshape(t, -1)
        return np.concatenate([prod, prod**2], axis=1)

    return Estimate(*batched_mean(sample, reps, BATCH))


# --- Def. 4 scaling in the hidden width m ---------------------------------------------------

def _per_draw_mean(stat, rng: np.random.Generator, widths: list[int], law: str,
                   draws: int) -> float:
    """Mean of ``stat(layers)`` (one value per draw of a stack) over ``draws`` Def.-4 draws,
    in stacks of at most ~2^21 entries per layer (16 MB)."""
    batch = max(1, 2**21 // max(widths) ** 2)
    return float(batched_mean(lambda t: stat(def4_layers(widths, rng, law, trials=t)),
                              draws, batch)[0])


def gram_end_to_end_mean(rng: np.random.Generator, q: int, K: int, N: int, m: int, law: str,
                         draws: int) -> float:
    """Mean diagonal of W^T W over ``draws`` Def.-4 draws (Cor. 3.1: exactly K/m)."""
    def stat(layers: list[np.ndarray]) -> np.ndarray:
        return np.sum(end_to_end(layers) ** 2, axis=(-2, -1)) / q

    return _per_draw_mean(stat, rng, _def4_widths(q, K, N, m), law, draws)


def gram_entry_variance(rng: np.random.Generator, q: int, K: int, N: int, l: int, m: int,
                        entry: str, law: str, draws: int) -> float:
    """Pooled variance of the diagonal (around the exact mean 1) or off-diagonal (around 0)
    entries of B^l under Def. 4 with equal hidden widths m (Thm 4)."""
    def stat(layers: list[np.ndarray]) -> np.ndarray:
        b = grams_b(layers[: l - 1])[-1]
        diag = np.diagonal(b, axis1=-2, axis2=-1)
        if entry == "diag":
            return np.mean((diag - 1.0) ** 2, axis=-1)
        off = np.sum(b * b, axis=(-2, -1)) - np.sum(diag**2, axis=-1)
        return off / (q * (q - 1))

    return _per_draw_mean(stat, rng, _def4_widths(q, K, N, m), law, draws)


def gram_deviation_norm(rng: np.random.Generator, q: int, K: int, N: int, l: int, m: int,
                        law: str, draws: int) -> float:
    """Mean of ||B^l - I||_F over ``draws`` Def.-4 draws (Cor. 5.1: O(m^{-1/2}))."""
    def stat(layers: list[np.ndarray]) -> np.ndarray:
        return np.linalg.norm(grams_b(layers[: l - 1])[-1] - np.eye(q), axis=(-2, -1))

    return _per_draw_mean(stat, rng, _def4_widths(q, K, N, m), law, draws)


def def4_rate_deviation_ratio(q: int, K: int, ratio: int, m: int) -> float:
    """max |rate - 1| of the Def. 4 factors for widths (q, m, ratio m, m, K) (bounded ratio)."""
    return float(np.max(np.abs(dl.def4_rates([q, m, ratio * m, m, K]) - 1.0)))


def def4_rate_deviation_offset(q: int, K: int, offset: int, m: int) -> float:
    """max |rate - 1| of the Def. 4 factors for widths (q, m, m + offset, m, K)."""
    return float(np.max(np.abs(dl.def4_rates([q, m, m + offset, m, K]) - 1.0)))


# --- Theorems 6-7: first GD step at initialization (Y = 0) ---------------------------------

def _delta_samples(rng: np.random.Generator, q: int, K: int, N: int, m: int, spread: float,
                   law: str, draws: int, side: str, l: int) -> tuple[np.ndarray, np.ndarray]:
    sxx = _sigma_xx(q, spread)

    def sample(t: int) -> np.ndarray:
        layers = def4_layers(_def4_widths(q, K, N, m), rng, law, trials=t)
        db, da = first_order_delta_grams(layers, sxx, np.zeros((K, q)), 1.0)
        return (db[l - 1] if side == "B" else da[l]).reshape(t, -1)

    return batched_mean(sample, draws, max(1, 2**21 // m**2))


def eq17_printed(q: int, K: int, m: int, l: int) -> np.ndarray:
    """Eq. (17) as printed: E[Delta B^l] = 2 mu l (K/m) I (mu = 1)."""
    return dl.printed_mean_delta_b(l, K, m, q).ravel()


def eq17_corrected(q: int, K: int, N: int, m: int, l: int, spread: float, side: str
                   ) -> np.ndarray:
    """mu l(l-1)(K/m) Sigma_XX (side B) or mu (N-l)(N-l+1)(tr Sigma_XX/m) I_K (side A)."""
    sxx = _sigma_xx(q, spread)
    if side == "B":
        return dl.mean_delta_b(l, K, m, sxx).ravel()
    return dl.mean_delta_a(l, N, K, m, float(np.trace(sxx))).ravel()


def delta_gram_mean(rng: np.random.Generator, q: int, K: int, N: int, m: int, l: int,
                    spread: float, law: str, draws: int, side: str = "B") -> Estimate:
    """Monte-Carlo mean of the first-order Delta B^l (or Delta A^l) of one GD step, mu = 1."""
    return Estimate(*_delta_samples(rng, q, K, N, m, spread, law, draws, side, l))


def delta_gram_mean_norm(rng: np.random.Generator, q: int, K: int, N: int, m: int, l: int,
                         spread: float, law: str, draws: int, side: str) -> float:
    """||E Delta B^l||_F (or Delta A^l) from ``draws`` draws (Thms 6-7: O(K/m), O(q/m))."""
    return float(np.linalg.norm(_delta_samples(rng, q, K, N, m, spread, law, draws, side, l)[0]))


# --- Theorem 1, B.2, Lemma 3 ------------------------------------------------------------------

def one_step_error(rng: np.random.Generator, q: int, K: int, N: int, m: int, mu0: float,
                   draws: int, k: int) -> float:
    """Mean over ``draws`` random Def.-4 DLNs of ||W after one exact GD step - Theorem 1's
    first-order W||_F / ||W||_F at mu = mu0 k; fixed data Sigma_XX = diag(linspace(1.5, 0.5,
    q)), Sigma_YX = [I_K 0] (K <= q)."""
    sxx = _sigma_xx(q, 0.5)
    syx = np.eye(K, q)
    mu = mu0 * k
    errors = []
    for _ in range(draws):
        layers = def4_layers(_def4_widths(q, K, N, m), rng)
        exact = end_to_end(gd_step(layers, sxx, syx, mu))
        errors.append(np.linalg.norm(exact - dl.compact_step(layers, sxx, syx, mu))
                      / np.linalg.norm(end_to_end(layers)))
    return float(np.mean(errors))


def b2_printed() -> np.ndarray:
    return np.array([0.5])


def b2_corrected() -> np.ndarray:
    return np.array([0.25])


def b2_fitted_coefficient(rng: np.random.Generator, d_in: int, pairs: int, n: int,
                          mu: float) -> np.ndarray:
    """The c that best fits W^1 - W^0 = -mu [c (a a^T) W^0 Sigma_XX - M~] for one real GD step
    of the paired ReLU model on an exactly symmetric sample {x_i, -x_i} (B.2)."""
    a, w = paired_relu_init(d_in, 2 * pairs, rng)
    half = rng.standard_normal((d_in, n))
    x = np.hstack([half, -half])
    y = np.sign(rng.standard_normal(2 * n))
    step = relu_gd_step(a, w, x, y, mu) - w
    direction = -mu * np.outer(a, a) @ w @ (x @ x.T)
    rest = step - mu * half_space_targets(a, w, x, y)
    return np.array([np.sum(rest * direction) / np.sum(direction * direction)])


def lemma3_residual(rng: np.random.Generator, k: int, m: int, case: str) -> np.ndarray:
    """||C D - C Delta_1 Delta_2 D||_F / ||C D||_F for Delta_1 (m x k, full column rank),
    D (m x k) and left inverses C, Delta_2 of Delta_1: ``generic`` (two independent left
    inverses, the printed hypotheses), ``pinv`` (C = Delta_2 = Delta_1^+, the corrected one)."""
    d1 = rng.standard_normal((m, k))
    dmat = rng.standard_normal((m, k))
    pinv = np.linalg.pinv(d1)
    proj = np.eye(m) - d1 @ pinv

    def left_inverse() -> np.ndarray:
        return pinv + rng.standard_normal((k, m)) @ proj

    c, d2 = (left_inverse(), left_inverse()) if case == "generic" else (pinv, pinv)
    return np.array([np.linalg.norm(c @ dmat - c @ d1 @ d2 @ dmat) / np.linalg.norm(c @ dmat)])


# --- B.3 closed form, Fuss–Catalan --------------------------------------------------------------

def b3_width_errors(rng: np.random.Generator, q: int, K: int, L: int, m_small: int,
                    m_large: int, target: float, steps: int, networks: int = 1
                    ) -> dict[str, float]:
    """Max over s <= steps of ||W^s - closed form^s||_F / ||W^0 - W*||_F for GD on Def.-4
    DLNs at two widths, averaged over ``networks`` draws (d geometric from 2 to 0.1,
    mu = 0.25/(L d_max), ||W*||_2 = ``target``), plus the mean largest per-column rate error
    |(r_j(5)/r_j(0))^(1/5) - lambda_j| at the large width (B.3, DLN-EQ-B3)."""
    d = np.geomspace(2.0, 0.1, q)
    mu = 0.25 / (L * d[0])
    out = {"err_small": 0.0, "err_large": 0.0, "rate_error_large": 0.0}
    for _ in range(networks):
        direction = rng.standard_normal((K, q))
        m_target = target * direction / np.linalg.norm(direction, 2) * d
        for name, m in (("small", m_small), ("large", m_large)):
            run = train_dln(def4_layers([q] + [m] * (L - 1) + [K], rng), d, m_target, mu, steps)
            cf = dl.closed_form_columns(run.w[0], d, m_target, mu, L, np.arange(steps + 1))
            err = np.linalg.norm(run.w - cf, axis=(1, 2)) / np.linalg.norm(run.w[0] - run.w_star)
            out[f"err_{name}"] += float(err.max()) / networks
        rates = run.effective_rates(min(5, steps))
        rate_error = np.max(np.abs(rates - dl.column_rates(d, mu, L)))
        out["rate_error_large"] += float(rate_error) / networks
    return out


def fuss_catalan_law(depth: int) -> FussCatalan:
    return FussCatalan(depth)


def product_spectrum(rng: np.random.Generator, n: int, depth: int, law: str) -> np.ndarray:
    """Squared singular values of a product of ``depth`` square n x n layers, variance 1/n."""
    return product_squared_singular_values(n, depth, rng, law)

