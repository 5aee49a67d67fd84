"""Two-layer linear-width network with Gaussian data and a teacher (Wang et al. 2023, seed 004).

Shapes (WANG-NOTE-SHAPES): data X in R^{d x n} (columns are samples, X_ij ~ N(0, 1)), labels
y in R^n, first layer W in R^{h x d} (rows w_i), second layer v in R^h. Network in the NTK
parameterization, eq. (1)/(7) (WANG-DEF-NET2):
    f(X) = (1/sqrt h) v^T sigma(W X / sqrt d).
Teachers (Assumption 4.3): single-index sigma*(beta^T x) (WANG-DEF-TEACHER-SI), multiple-index
(1/k) sum_i sigma*(beta_i^T x) with orthonormal beta_i, eq. (8) (WANG-DEF-TEACHER-MI), and the
mixture sigma*(beta^T x) + (tau/d) ||x||^2 of eq. (9) (WANG-DEF-TEACHER-MIX); labels
y = f*(X) + eps, eps ~ N(0, noise^2 I). Test labels are noise-free (WANG-DEF-DATA).

Draw order (fixed, so equal rngs give identical problems): X, teacher directions, noise, W, v,
test inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import validate
from ..laws.activations import ACTIVATIONS, Activation, get_activation
from ..laws.two_layer_kernels import network_output

__all__ = ["TwoLayerProblem", "Teacher", "sample_problem", "make_teacher", "first_layer",
           "second_layer", "orthonormal_directions", "network_output"]

TEACHERS = ("single", "multi", "mixture")
WEIGHT_INITS = ("gaussian", "cauchy")
V_INITS = ("gaussian", "rademacher")


@dataclass(frozen=True)
class Teacher:
    """f*(x) = (1/k) sum_{i<=k} sigma*(beta_i^T x) + (tau/d) ||x||^2; ``beta`` is d x k."""

    kind: str
    target: Activation
    beta: np.ndarray
    tau: float = 0.0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Noise-free labels f*(X) for inputs X (d x m), a length-m vector."""
        x = np.asarray(x, dtype=float)
        out = self.target(self.beta.T @ x).mean(axis=0)
        if self.tau:
            out = out + self.tau * np.einsum("ij,ij->j", x, x) / x.shape[0]
        return out


@dataclass(frozen=True)
class TwoLayerProblem:
    """One draw of data, teacher and initial weights (see the module docstring for shapes)."""

    X: np.ndarray
    y: np.ndarray
    W: np.ndarray
    v: np.ndarray
    activation: Activation
    teacher: Teacher
    noise: float
    X_test: np.ndarray
    y_test: np.ndarray

    @property
    def d(self) -> int:
        return self.X.shape[0]

    @property
    def n(self) -> int:
        return self.X.shape[1]

    @property
    def h(self) -> int:
        return self.W.shape[0]

    def output(self, X: np.ndarray | None = None, W: np.ndarray | None = None,
               v: np.ndarray | None = None) -> np.ndarray:
        """f(X) of eq. (7) with the given (default: initial) weights and inputs."""
        return network_output(self.W if W is None else W, self.v if v is None else v,
                              self.X if X is None else X, self.activation)


def first_layer(rng: np.random.Generator, h: int, d: int, law: str = "gaussian") -> np.ndarray:
    """W in R^{h x d} with i.i.d. N(0, 1) entries, or standard Cauchy ones (Fig. 3(c))."""
    validate.choice("w_init", law, WEIGHT_INITS)
    return rng.standard_normal((h, d)) if law == "gaussian" else rng.standard_cauchy((h, d))


def second_layer(rng: np.random.Generator, h: int, law: str = "gaussian") -> np.ndarray:
    """v in R^h, i.i.d. N(0, 1) (all experiments) or Rademacher +-1 (Thm 5.2's assumption)."""
    validate.choice("v_init", law, V_INITS)
    if law == "gaussian":
        return rng.standard_normal(h)
    return rng.choice(np.array([-1.0, 1.0]), size=h)


def orthonormal_directions(rng: np.random.Generator, d: int, k: int) -> np.ndarray:
    """k orthonormal directions in R^d (QR of a Gaussian d x k matrix, sign-fixed): uniform
    on the Stiefel manifold; k = 1 is a uniform unit vector."""
    q, r = np.linalg.qr(rng.standard_normal((d, k)))
    return q * np.sign(np.diag(r))


def make_teacher(rng: np.random.Generator, d: int, kind: str = "mixture", target: str = "softplus",
                 tau: float = 0.2, k: int = 5) -> Teacher:
    """Teacher of kind ``single`` (k = 1, tau = 0), ``multi`` (k directions, tau = 0) or
    ``mixture`` (k = 1 plus (tau/d)||x||^2, eq. (9)); sigma* is the normalized ``target``."""
    validate.choice("teacher", kind, TEACHERS)
    k = validate.integer("k", k, 1, d) if kind == "multi" else 1
    tau = validate.real("tau", tau) if kind == "mixture" else 0.0
    return Teacher(kind, get_activation(target), orthonormal_directions(rng, d, k), tau)


def sample_problem(
    rng: np.random.Generator,
    d: int,
    n: int,
    h: int,
    activation: str = "tanh",
    teacher: str = "mixture",
    target: str = "softplus",
    tau: float = 0.2,
    k: int = 5,
    noise: float = 0.3,
    v_init: str = "gaussian",
    w_init: str = "gaussian",
    n_test: int = 0,
) -> TwoLayerProblem:
    """Data X (d x n), labels y = f*(X) + noise, initial W (h x d), v (h,) and ``n_test``
    noise-free test points. Defaults are Table 1's setting (tanh net, eq.-(9) softplus
    teacher with tau = 0.2, noise 0.3)."""
    d = validate.integer("d", d, 1)
    n = validate.integer("n", n, 1)
    h = validate.integer("h", h, 1)
    n_test = validate.integer("n_test", n_test, 0)
    noise = validate.real("noise", noise, 0.0)
    validate.choice("activation", activation, ACTIVATIONS)
    validate.choice("v_init", v_init, V_INITS)
    validate.choice("w_init", w_init, WEIGHT_INITS)
    X = rng.standard_normal((d, n))
    f_star = make_teacher(rng, d, teacher, target, tau, k)
    y = f_star(X) + noise * rng.standard_normal(n)
    W = first_layer(rng, h, d, w_init)
    v = second_layer(rng, h, v_init)
    X_test = rng.standard_normal((d, n_test))
    return TwoLayerProblem(X, y, W, v, get_activation(activation), f_star, noise,
                           X_test, f_star(X_test))
