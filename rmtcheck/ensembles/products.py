"""Products of independent random matrices Q_N ... Q_1 (deep linear networks at initialization).

Source: Hacohen & Weinshall (2022), supplementary material, App. A.1 (eq. 6) and C.1;
claim IDs DLN-NOT-1..3, DLN-DEF-4.
Q_n is m_n x m_{n-1} with i.i.d. entries of mean 0, variance sigma_n^2 and bounded kurtosis
(the entry laws of :mod:`rmtcheck.ensembles.matrices`). Ordered products follow eq. (6):
prefix P^l = Q_{l-1} ... Q_1 (P^1 = I), suffix S^l = Q_N ... Q_{l+1} (S^N = I),
B^l = P^l^T P^l (m_0 x m_0) and A^l = S^l S^l^T (m_N x m_N); P^{N+1} = S^0 = W.

Every function also accepts stacks: a layer of shape (T, m_n, m_{n-1}) holds T independent
draws, and all products are batched ``np.matmul`` calls (see benchmarks/bench_products.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .. import validate
from ..errors import InputError
from .matrices import ENTRY_LAWS, random_matrix


def check_widths(widths: Sequence[int]) -> list[int]:
    """Widths (m_0, ..., m_N), N >= 1, every m_n >= 1."""
    if len(widths) < 2:
        raise InputError("widths", f"got {list(widths)}", "at least two widths (m_0, ..., m_N)")
    return [validate.integer(f"widths[{i}]", m, 1) for i, m in enumerate(widths)]


def check_bounded_kurtosis(df: float) -> float:
    """Student-t degrees of freedom with a finite fourth moment (df > 4): App. A.1 (Thms 3-5,
    DLN-THM-3..DLN-COR-5.1) assumes entries of bounded kurtosis."""
    df = validate.real("df", df)
    if df <= 4.0:
        raise InputError("df", f"got {df:g}: Student-t entries with df <= 4 have an infinite "
                         "fourth moment, but the theorem assumes bounded kurtosis", "df > 4")
    return df


def def4_variances(widths: Sequence[int]) -> np.ndarray:
    """Def. 4 (DLN-DEF-4): sigma_1^2 = 1/m_1, sigma_n^2 = 2/(m_{n-1} + m_n) for 1 < n < N,
    sigma_N^2 = 1/m_{N-1}. For N = 1 the single layer gets 1/m_1 (first-layer rule)."""
    m = check_widths(widths)
    n_layers = len(m) - 1
    var = np.array([2.0 / (m[n - 1] + m[n]) for n in range(1, n_layers + 1)])
    var[0] = 1.0 / m[1]
    if n_layers > 1:
        var[-1] = 1.0 / m[-2]
    return var


def glorot_variances(widths: Sequence[int]) -> np.ndarray:
    """Glorot: sigma_n^2 = 2/(m_{n-1} + m_n) for every layer (variance of U(-a, a),
    a = sqrt(6/(fan_in + fan_out)); App. C.1)."""
    m = check_widths(widths)
    return np.array([2.0 / (m[n - 1] + m[n]) for n in range(1, len(m))])


def draw_layers(
    widths: Sequence[int],
    variances: Sequence[float],
    rng: np.random.Generator,
    law: str = "gaussian",
    trials: int | None = None,
    df: float = 8.0,
) -> list[np.ndarray]:
    """Layers Q_1..Q_N with i.i.d. entries of variance ``variances[n-1]`` from ``law``.

    ``trials = T`` returns stacks of shape (T, m_n, m_{n-1}); ``law = "glorot_uniform"`` is the
    uniform law U(-a, a) with a = sqrt(3 var) (the Glorot-uniform initializer for Glorot
    variances). Other laws: :data:`rmtcheck.ensembles.matrices.ENTRY_LAWS`; ``df`` is the
    Student-t degrees of freedom, > 4 (bounded kurtosis 3 + 6/(df - 4), as App. A.1 assumes).
    """
    m = check_widths(widths)
    if len(variances) != len(m) - 1:
        raise InputError("variances", f"got {len(variances)} values",
                         f"{len(m) - 1} (one per layer)")
    validate.choice("law", law, (*ENTRY_LAWS, "glorot_uniform"))
    if law == "student_t":
        df = check_bounded_kurtosis(df)
    t = 1 if trials is None else validate.integer("trials", trials, 1)
    base = "uniform" if law == "glorot_uniform" else law
    layers = []
    for n in range(1, len(m)):
        var = validate.positive(f"variances[{n - 1}]", variances[n - 1])
        q = np.asarray(random_matrix(t * m[n], m[n - 1], base, rng, var=var, df=df))
        layers.append(q.reshape(t, m[n], m[n - 1]) if trials is not None else q)
    return layers


def glorot_uniform(widths: Sequence[int], rng: np.random.Generator) -> list[np.ndarray]:
    """Glorot-uniform layers: entries U(-a, a), a = sqrt(6/(m_{n-1} + m_n))."""
    return draw_layers(widths, glorot_variances(widths), rng, "glorot_uniform")


def def4_layers(widths: Sequence[int], rng: np.random.Generator, law: str = "gaussian",
                trials: int | None = None) -> list[np.ndarray]:
    """Layers with the Def. 4 variances (DLN-DEF-4) and entry law ``law``."""
    return draw_layers(widths, def4_variances(widths), rng, law, trials)


def _t(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def _eye_like(n: int, ref: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.eye(n), (*ref.shape[:-2], n, n)).copy()


def prefix_products(layers: Sequence[np.ndarray]) -> list[np.ndarray]:
    """[P^1, ..., P^{N+1}] with P^l = Q_{l-1} ... Q_1 (P^1 = I_{m_0}, P^{N+1} = W)."""
    out = [_eye_like(layers[0].shape[-1], layers[0])]
    for q in layers:
        out.append(q @ out[-1])
    return out


def suffix_products(layers: Sequence[np.ndarray]) -> list[np.ndarray]:
    """[S^0, ..., S^N] with S^l = Q_N ... Q_{l+1} (S^N = I_{m_N}, S^0 = W)."""
    out = [_eye_like(layers[-1].shape[-2], layers[-1])]
    for q in reversed(layers):
        out.append(out[-1] @ q)
    return out[::-1]


def grams_b(layers: Sequence[np.ndarray]) -> list[np.ndarray]:
    """[B^1, ..., B^{N+1}], B^l = P^l^T P^l (eq. 6; B^1 = I, B^{N+1} = W^T W)."""
    return [_t(p) @ p for p in prefix_products(layers)]


def grams_a(layers: Sequence[np.ndarray]) -> list[np.ndarray]:
    """[A^0, ..., A^N], A^l = S^l S^l^T (eq. 6; A^N = I, A^0 = W W^T)."""
    return [s @ _t(s) for s in suffix_products(layers)]


def end_to_end(layers: Sequence[np.ndarray]) -> np.ndarray:
    """W = Q_N ... Q_1 (evaluated right to left)."""
    w = layers[0]
    for q in layers[1:]:
        w = q @ w
    return w


def product_squared_singular_values(n: int, depth: int, rng: np.random.Generator,
                                    law: str = "gaussian") -> np.ndarray:
    """Squared singular values of Q_L ... Q_1, L = ``depth`` square n x n layers of variance 1/n
    (Def. 4 with equal widths); their ESD tends to the Fuss–Catalan law of order L."""
    n = validate.integer("n", n, 1)
    depth = validate.integer("depth", depth, 1)
    w = end_to_end(draw_layers([n] * (depth + 1), [1.0 / n] * depth, rng, law))
    return np.sort(np.linalg.svd(w, compute_uv=False) ** 2)


def batched_mean(sample: Callable[[int], np.ndarray], trials: int, batch: int = 2000
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Monte-Carlo mean and standard error of ``sample(t)`` (a stack of t i.i.d. draws along
    axis 0), accumulated in chunks of ``batch`` draws so memory stays O(batch)."""
    trials = validate.integer("trials", trials, 2)
    batch = validate.integer("batch", batch, 1)
    total = total_sq = None
    done = 0
    while done < trials:
        x = np.asarray(sample(min(batch, trials - done)), dtype=float)
        s, s2 = x.sum(axis=0), (x * x).sum(axis=0)
        total, total_sq = (s, s2) if total is None else (total + s, total_sq + s2)
        done += x.shape[0]
    mean = total / trials
    var = np.maximum(total_sq / trials - mean**2, 0.0) * trials / (trials - 1)
    return mean, np.sqrt(var / trials)
