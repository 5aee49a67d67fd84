"""One-pass parallel generators: the canonical classification model and two-layer features.

- :func:`ccm_sample_counter` draws CCM(D, C) (Papyan 2020, Sec. 8.1, Def 8.1): class-major
  rows x_{i,c} = t_c e_c + z_{i,c}, z ~ N(0, I_D), labels y, with the class SNRs t_c of
  :func:`rmtcheck.ensembles.ccm.class_means` (unrotated means). Each entry is written once:
  z from the counter-based sampler (:mod:`rmtcheck.ensembles.counter_rng`, row i, column j of
  the key's matrix) plus t_c on column c; no mean matrix or noise temporary.
- :func:`two_layer_features` returns sigma_norm(Z) and sigma_norm'(Z) for Z = W X / sqrt d
  (Wang et al. 2023, eq. (4)-(5), Assumption 4.2): one GEMM into the first output, then one
  parallel pass that evaluates sigma once per entry for both outputs in place (tanh and
  sigmoid take NumPy's vectorised tanh in place first: Numba has no vector tanh here).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .. import validate
from ..errors import InputError
from ..laws.activations import ACTIVATIONS, get_activation
from .ccm import class_means, labels
from .counter_rng import _fill, counter_key
from .counter_tables import _LAW_CODE, _ZF, _ZX

_ACT_CODE = {name: code for code, name in enumerate(ACTIVATIONS)}  # tanh, softplus, relu, sigmoid


@numba.njit(parallel=True, cache=True)
def _add_class_means(x, t_class, n):  # noqa: ANN001, ANN202 - numba kernel
    """x[c n + i, c] += t_c for every class c and example i (one pass over the diagonal)."""
    for c in numba.prange(t_class.size):
        for i in range(c * n, (c + 1) * n):
            x[i, c] += t_class[c]


def ccm_sample_counter(
    rng: np.random.Generator | int | None,
    D: int,
    C: int,
    n: int,
    t: float,
    spread: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """n examples per class of CCM(D, C): X (nC x D, class-major) and labels y (nC,), the
    noise from the counter-based sampler keyed by one draw of ``rng`` (so X equals
    ``class_means(D, C, t, spread=spread)[y] + counter_block(key, (0, nC), (0, D))``)."""
    means = class_means(D, C, t, spread=spread)  # validates D, C, t, spread
    y = labels(C, n)
    x = np.empty((y.size, D))
    _fill(x, np.uint64(counter_key(rng)), 0, 0, 0, _LAW_CODE["gaussian"], 1.0, 8.0, _ZX, _ZF)
    _add_class_means(x, np.ascontiguousarray(np.diag(means[:, :C])), y.size // C)
    return x, y


@numba.njit(inline="always")
def _sigma_and_slope(z, code):  # noqa: ANN001, ANN202
    """(sigma(z), sigma'(z)) of the raw activation with the given code; for tanh and sigmoid
    ``z`` already holds tanh(z) and tanh(z / 2) (NumPy's vectorised tanh, applied in place)."""
    if code == 0:  # tanh
        return z, 1.0 - z * z
    if code == 1:  # softplus = log(1 + e^z), slope sigmoid(z)
        return max(z, 0.0) + math.log1p(math.exp(-abs(z))), 0.5 * (1.0 + math.tanh(0.5 * z))
    if code == 2:  # relu, slope 1[z > 0]
        return max(z, 0.0), 1.0 if z > 0.0 else 0.0
    s = 0.5 * (1.0 + z)  # sigmoid = (1 + tanh(z / 2)) / 2
    return s, s * (1.0 - s)


@numba.njit(parallel=True, cache=True)
def _features_in_place(z, slope, code, mean, std):  # noqa: ANN001, ANN202
    """z <- (sigma(z) - mean) / std and slope <- sigma'(z) / std, entrywise, in one pass."""
    rows, cols = z.shape
    for i in numba.prange(rows):
        for j in range(cols):
            s, ds = _sigma_and_slope(z[i, j], code)
            z[i, j] = (s - mean) / std
            slope[i, j] = ds / std


def features_in_place(z: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """Overwrite the float64 array ``z`` with sigma_norm(z) and return sigma_norm'(z): one
    pass, one new array (tanh and sigmoid first run NumPy's vectorised tanh in place)."""
    validate.choice("activation", activation, ACTIVATIONS)
    if not (isinstance(z, np.ndarray) and z.dtype == np.float64 and z.ndim == 2):
        raise InputError("z", "is not a 2-D float64 array", "a float64 matrix")
    act = get_activation(activation)
    if activation == "sigmoid":
        z *= 0.5
    if activation in ("tanh", "sigmoid"):
        np.tanh(z, out=z)
    slope = np.empty_like(z)
    _features_in_place(z, slope, _ACT_CODE[activation], act.mean, act.std)
    return slope


def two_layer_features(
    W: np.ndarray, X: np.ndarray, activation: str = "tanh"
) -> tuple[np.ndarray, np.ndarray]:
    """(sigma_norm(W X / sqrt d), sigma_norm'(W X / sqrt d)), each h x n, float64: one GEMM
    and one fused pass (no temporaries beyond the two outputs)."""
    validate.choice("activation", activation, ACTIVATIONS)
    W = np.asarray(W, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    if W.ndim != 2 or X.ndim != 2 or W.shape[1] != X.shape[0]:
        raise InputError("W, X", f"shapes {W.shape}, {X.shape}", "h x d and d x n")
    z = W @ X
    z /= math.sqrt(W.shape[1])  # in place: the same Z as preactivations(W, X)
    return z, features_in_place(z, activation)
