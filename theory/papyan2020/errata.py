"""Printed and corrected forms of the algebraic errata ERR-2, ERR-4, ERR-7 and ERR-8 of
Papyan (2020) (App. A, App. B; the specification's errata table).

- ERR-2 (App. B, proof of Lemma 8.1): x x^T for x = t e + z is printed as
  t^2 e e^T + t e z^T + z e^T; it is t^2 e e^T + t e z^T + t z e^T + z z^T.
- ERR-4 (Lemma B.2): the top eigenvalue of the lower (C-1) x (C-1) block (diagonal d,
  off-diagonal e) is printed d + e (C - 1) and enters T and Det; it is d + e (C - 2).
- ERR-7 (App. A.1, last line): G = sum_{c,c'} w_{c,c'} g_{c,c'} g_{c,c'}^T + sum_c w_{c,c}
  g_{c,c} g_{c,c}^T + sum_{c,c'} w_{c,c'} G_within,c,c' counts the c = c' terms twice; the
  first sum runs over c != c'.
- ERR-8 (App. A): the extended gradient is printed J^T (y_{c'} - p); the derivative of
  l(f, y_{c'}) is J^T (p - y_{c'}).
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.ccm import class_means, nll

from . import decomposition as dec
from . import fim
from .claims import random_mlr_instance, rel_residual

# --- ERR-2: expansion of x x^T in the proof of Lemma 8.1 -------------------------------------

def _ccm_point(rng: np.random.Generator, D: int, C: int, t: float) -> tuple[np.ndarray, ...]:
    """One CCM(D, C) example of class 1: e = e_1, z ~ N(0, I_D), x = t e + z (Def 8.1)."""
    e = class_means(D, C, 1.0)[0]
    z = rng.standard_normal(D)
    return e, z, t * e + z


def _expansion_residual(rng: np.random.Generator, D: int, C: int, t: float, printed: bool
                        ) -> np.ndarray:
    """max |x x^T - expansion| / max |x x^T| for one CCM draw."""
    e, z, x = _ccm_point(rng, D, C, t)
    expansion = t * t * np.outer(e, e) + t * np.outer(e, z)
    expansion += np.outer(z, e) if printed else t * np.outer(z, e) + np.outer(z, z)
    return np.array([rel_residual(np.outer(x, x), expansion)])


def expansion_residual_printed(rng: np.random.Generator, D: int, C: int, t: float
                               ) -> np.ndarray:
    """ERR-2 as printed: x x^T against t^2 e e^T + t e z^T + z e^T."""
    return _expansion_residual(rng, D, C, t, True)


def expansion_residual_corrected(rng: np.random.Generator, D: int, C: int, t: float
                                 ) -> np.ndarray:
    """ERR-2 corrected: x x^T against t^2 e e^T + t e z^T + t z e^T + z z^T."""
    return _expansion_residual(rng, D, C, t, False)


# --- ERR-4: Lemma B.2's lower-block eigenvalue ------------------------------------------------

def lemma_b2_printed(a: float, b: float, d: float, e: float, C: int) -> np.ndarray:
    """Lemma B.2 with the printed lower-block eigenvalue d + e (C - 1): (T +- Delta)/2 once each
    and d - e (C - 2 times), T = a + d + e (C - 1), Det = a (d + e (C - 1)) - b^2 (C - 1)."""
    C = validate.integer("C", C, 2)
    T = a + d + e * (C - 1)
    det = a * (d + e * (C - 1)) - b * b * (C - 1)
    delta = np.sqrt(max(T * T - 4 * det, 0.0))
    return np.sort(np.concatenate([[(T + delta) / 2, (T - delta) / 2], np.full(C - 2, d - e)]))


def lemma_b2_spectrum(a: float, b: float, d: float, e: float, C: int) -> np.ndarray:
    """eigvalsh of the Lemma B.2 matrix (ascending)."""
    return np.linalg.eigvalsh(fim.lemma_b2_matrix(a, b, d, e, C))


# --- ERR-7: the last line of App. A.1 ---------------------------------------------------------

def _a1_terms(rng: np.random.Generator, D: int, C: int, n: int, t: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """G and the three sums of the last line of A.1 on a random softmax-regression instance:
    sum over all (c, c') of w g g^T, over c = c', and sum w G_within."""
    X, _, _, P = random_mlr_instance(rng, D, C, n, t)
    parts = dec.cross_class_decomposition(dec.mlr_extended_gradients(X, P, n, C),
                                          dec.cross_probs(P, n, C))
    means = parts.cross_means.reshape(C * C, -1)
    every = (means * parts.w_cc.reshape(-1, 1)).T @ means
    return parts.total, every, parts.same, parts.within


def a1_residual_printed(rng: np.random.Generator, D: int, C: int, n: int, t: float
                        ) -> np.ndarray:
    """ERR-7 as printed: relative residual of G - [sum_{c,c'} w g g^T + sum_c w_cc g_cc g_cc^T
    + G_within] (the c = c' means counted twice)."""
    G, every, same, within = _a1_terms(rng, D, C, n, t)
    return np.array([rel_residual(G, every + same + within)])


def a1_residual_corrected(rng: np.random.Generator, D: int, C: int, n: int, t: float
                          ) -> np.ndarray:
    """ERR-7 corrected: the first sum over c != c' (sum over all minus the c = c' terms)."""
    G, every, same, within = _a1_terms(rng, D, C, n, t)
    return np.array([rel_residual(G, (every - same) + same + within)])


# --- ERR-8: sign of the extended gradient ------------------------------------------------------

def _gradient_residual(rng: np.random.Generator, D: int, C: int, t: float, sign: float
                       ) -> np.ndarray:
    """For one random softmax-regression example x with label c': max |g - grad| / max |grad|
    for g = sign * x (x) (p - e_{c'}) (col-major vec of sign * (p - e_{c'}) x^T) and grad the
    central-difference gradient (step 1e-6) of l(W x, y_{c'})."""
    X, y, W, P = random_mlr_instance(rng, D, C, 1, t)
    x, label = X[:1], y[:1]
    analytic = sign * np.kron(x[0], P[0] - np.eye(C)[label[0]])
    theta, step = fim.vec(W), 1e-6
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        dt = np.zeros_like(theta)
        dt[j] = step
        numeric[j] = (nll(fim.unvec(theta + dt, C), x, label)
                      - nll(fim.unvec(theta - dt, C), x, label)) / (2 * step)
    return np.array([rel_residual(numeric, analytic)])


def gradient_residual_printed(rng: np.random.Generator, D: int, C: int, t: float) -> np.ndarray:
    """ERR-8 as printed: g = J^T (y_{c'} - p) against the gradient of the loss."""
    return _gradient_residual(rng, D, C, t, -1.0)


def gradient_residual_corrected(rng: np.random.Generator, D: int, C: int, t: float
                                ) -> np.ndarray:
    """ERR-8 corrected: g = J^T (p - y_{c'}) against the gradient of the loss."""
    return _gradient_residual(rng, D, C, t, 1.0)
