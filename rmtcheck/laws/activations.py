"""Normalized activations and their Gaussian (Hermite) constants.

Wang et al. (2023), seed 004, Assumption 4.2 and App. A (claims WANG-DEF-ACT-NORM,
WANG-DEF-HERMITE): sigma_norm(x) = (sigma(x) - m) / s with m = E sigma(z), s^2 = Var sigma(z),
z ~ N(0, 1), so that E sigma_norm(z) = 0 and E sigma_norm(z)^2 = 1.

Hermite constants use orthonormal probabilists' polynomials h_k = He_k / sqrt(k!):
    mu_k  = E[sigma(z) h_k(z)],       eta_k = E[sigma'(z) h_k(z)] = sqrt(k + 1) mu_{k+1} (Stein),
    a_sigma = E[sigma'(z)^2] = sum_k eta_k^2,    b_sigma = E[sigma'(z)] = eta_0 = mu_1,
    B_sigma = a_sigma - eta_0^2 - eta_1^2 - eta_2^2 (the lower bound of eq. (11)).
Expectations use Gauss–Hermite quadrature for smooth activations and Gauss–Legendre on
[-L, 0] and [0, L] (split at the kink, Gaussian tail below 1e-30) for ReLU.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss, hermeval
from numpy.polynomial.legendre import leggauss

from .. import validate

ACTIVATIONS = ("tanh", "softplus", "relu", "sigmoid")
_GH_NODES = 200
_LEG_NODES = 200
_TAIL = 12.0  # phi(12) ~ 1e-32: the truncated Gaussian mass is far below float64 rounding

Fn = Callable[[Any], Any]


def _sigmoid(x: Any) -> Any:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _raw(name: str) -> tuple[Fn, Fn, float, bool]:
    """(sigma, sigma', sup |sigma'|, has a kink) of the unnormalized activation."""
    if name == "tanh":
        return np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, 1.0, False
    if name == "softplus":
        return lambda x: np.logaddexp(0.0, x), _sigmoid, 1.0, False
    if name == "relu":
        return lambda x: np.maximum(x, 0.0), lambda x: np.heaviside(x, 0.0), 1.0, True
    return _sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x)), 0.25, False


@lru_cache(maxsize=4)
def _nodes(kink: bool) -> tuple[np.ndarray, np.ndarray]:
    """Nodes z and weights w with sum w g(z) = E g(Z), Z ~ N(0, 1)."""
    if not kink:
        z, w = hermegauss(_GH_NODES)
        return z, w / math.sqrt(2 * math.pi)
    t, u = leggauss(_LEG_NODES)
    half = 0.5 * _TAIL * (t + 1.0)
    z = np.concatenate([-half[::-1], half])
    w = np.concatenate([u[::-1], u]) * 0.5 * _TAIL * np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return z, w


def gaussian_expectation(g: Fn, kink: bool = False) -> float:
    """E g(Z), Z ~ N(0, 1), by Gauss–Hermite (smooth g) or split Gauss–Legendre (kink at 0)."""
    z, w = _nodes(kink)
    return float(np.dot(w, g(z)))


def hermite_polynomial(k: int, z: Any) -> np.ndarray:
    """Orthonormal probabilists' Hermite polynomial h_k(z) = He_k(z) / sqrt(k!)."""
    coef = np.zeros(k + 1)
    coef[k] = 1.0
    return hermeval(np.asarray(z, dtype=float), coef) / math.sqrt(math.factorial(k))


@dataclass(frozen=True)
class Activation:
    """An activation sigma_norm = (sigma - mean) / std with its Gaussian constants.

    ``normalized=False`` keeps the raw sigma (mean 0, std 1 are then not subtracted)."""

    name: str
    normalized: bool = True
    mean: float = field(init=False)
    std: float = field(init=False)

    def __post_init__(self) -> None:
        f, _, _, kink = _raw(self.name)
        m = gaussian_expectation(f, kink)
        s = math.sqrt(gaussian_expectation(lambda z: (f(z) - m) ** 2, kink))
        object.__setattr__(self, "mean", m if self.normalized else 0.0)
        object.__setattr__(self, "std", s if self.normalized else 1.0)

    def __call__(self, x: Any) -> Any:
        """sigma_norm(x), entrywise (NumPy or CuPy arrays)."""
        return (_raw(self.name)[0](x) - self.mean) / self.std

    def derivative(self, x: Any) -> Any:
        """sigma_norm'(x) = sigma'(x) / std (ReLU: the step 1[x > 0])."""
        return _raw(self.name)[1](x) / self.std

    @property
    def kink(self) -> bool:
        """True when sigma' jumps (ReLU), which violates Assumption 4.2."""
        return _raw(self.name)[3]

    @property
    def lipschitz(self) -> float:
        """lambda_sigma = sup_x |sigma_norm'(x)| (the Lipschitz constant of Assumption 4.2)."""
        return _raw(self.name)[2] / self.std

    def expect(self, g: Fn) -> float:
        """E g(z) with the quadrature suited to this activation."""
        return gaussian_expectation(g, self.kink)

    def hermite(self, k: int) -> float:
        """mu_k = E[sigma_norm(z) h_k(z)] (normalized Hermite coefficient of sigma)."""
        k = validate.integer("k", k, 0, 60)
        return self.expect(lambda z: self(z) * hermite_polynomial(k, z))

    def hermite_derivative(self, k: int) -> float:
        """eta_k = E[sigma_norm'(z) h_k(z)] = sqrt(k + 1) mu_{k+1} (Stein's identity)."""
        k = validate.integer("k", k, 0, 59)
        return math.sqrt(k + 1) * self.hermite(k + 1)

    @property
    def a_sigma(self) -> float:
        """a_sigma = E[sigma_norm'(z)^2]."""
        return self.expect(lambda z: self.derivative(z) ** 2)

    @property
    def b_sigma(self) -> float:
        """b_sigma = E[sigma_norm'(z)] = mu_1 = eta_0 (the linear coefficient of the CK law)."""
        return self.expect(self.derivative)

    @property
    def bound_eq11(self) -> float:
        """B_sigma = a_sigma - sum_{k<=2} eta_k^2: eq. (11)'s bound on lambda_min(K_0^NTK)."""
        return self.a_sigma - sum(self.hermite_derivative(k) ** 2 for k in range(3))

    @property
    def nonlinear_energy(self) -> float:
        """||P_{>1} sigma||^2 = E sigma_norm^2 - mu_0^2 - mu_1^2 (kernel-regression floor)."""
        return self.expect(lambda z: self(z) ** 2) - self.hermite(0) ** 2 - self.hermite(1) ** 2

    def constants(self) -> dict[str, float]:
        """All reference constants in one dict (spec table of Sec. 1.2 / 1.5)."""
        return {"mean": self.mean, "std": self.std, "lipschitz": self.lipschitz,
                "a_sigma": self.a_sigma, "b_sigma": self.b_sigma,
                **{f"eta_{k}": self.hermite_derivative(k) for k in range(4)},
                "bound_eq11": self.bound_eq11}


@lru_cache(maxsize=16)
def get_activation(name: str, normalized: bool = True) -> Activation:
    """The activation ``name`` (one of :data:`ACTIVATIONS`), normalized by default."""
    return Activation(validate.choice("activation", name, ACTIVATIONS), bool(normalized))
