"""Card functions for the spectral claims of Wang et al. (2023), ``cards.toml``
(seed 004: Sec. 3 definitions, eq. (11), Sec. 5.3 / Fig. 3(c)).

Sizes follow Assumption 4.1: gamma1 = n/d, gamma2 = h/d; :func:`dims` rounds them to integers.
"""

from __future__ import annotations

import mpmath
import numpy as np

from rmtcheck.checker.verdict import Estimate
from rmtcheck.ensembles.two_layer import first_layer, make_teacher, sample_problem, second_layer
from rmtcheck.laws.activations import get_activation
from rmtcheck.laws.ck_limit import CKLimitLaw, ck_limit_for, ck_limit_law
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.laws.two_layer_kernels import (
    ck_kernel,
    lazy_predict,
    network_output,
    tangent_kernel,
    tangent_kernel_first_layer,
)
from rmtcheck.spectra.dense import psd_eigvalsh
from rmtcheck.spectra.tails import hill_alpha

W_MATRICES = ("WtW_over_h", "WWt_over_d")


def dims(n: int, gamma1: float, gamma2: float) -> tuple[int, int]:
    """(d, h) = (round(n / gamma1), round(gamma2 d)), both at least 1."""
    d = max(1, int(round(n / gamma1)))
    return d, max(1, int(round(gamma2 * d)))


# --- WANG-DEF-ACT-NORM, WANG-DEF-HERMITE: quadrature constants against mpmath -------------

_MP_RAW = {
    "tanh": (mpmath.tanh, lambda x: 1 - mpmath.tanh(x) ** 2),
    "softplus": (lambda x: mpmath.log1p(mpmath.exp(x)), lambda x: 1 / (1 + mpmath.exp(-x))),
    "relu": (lambda x: max(x, 0), lambda x: mpmath.mpf(1) if x > 0 else mpmath.mpf(0)),
    "sigmoid": (lambda x: 1 / (1 + mpmath.exp(-x)),
                lambda x: mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2),
}


def _mp_expect(g) -> mpmath.mpf:
    """E g(Z), Z ~ N(0, 1), by mpmath tanh-sinh quadrature split at 0 (30 digits)."""
    with mpmath.workdps(30):
        return mpmath.quad(lambda z: g(z) * mpmath.exp(-z * z / 2), [-mpmath.inf, 0, mpmath.inf]) \
            / mpmath.sqrt(2 * mpmath.pi)


def _mp_mean_std(activation: str) -> tuple[mpmath.mpf, mpmath.mpf]:
    """m = E sigma(z) and s = sd sigma(z) of the raw activation, by mpmath."""
    f = _MP_RAW[activation][0]
    m = _mp_expect(f)
    return m, mpmath.sqrt(_mp_expect(lambda z: (f(z) - m) ** 2))


def _mp_hermite(k: int, z):
    """Orthonormal probabilists' Hermite polynomial in mpmath (He_k by its recursion)."""
    prev, cur = mpmath.mpf(1), z
    if k == 0:
        return prev
    for j in range(1, k):
        prev, cur = cur, z * cur - j * prev
    return cur / mpmath.sqrt(mpmath.factorial(k))


def unit_moments(activation: str) -> np.ndarray:
    """[E sigma_norm(z), E sigma_norm(z)^2] = [0, 1] (WANG-DEF-ACT-NORM)."""
    return np.array([0.0, 1.0])


def normalized_moments_mpmath(activation: str) -> np.ndarray:
    """[E sigma_norm(z), E sigma_norm(z)^2] for the package's sigma_norm (quadrature m, s),
    integrated independently by mpmath."""
    act = get_activation(activation)
    f = _MP_RAW[activation][0]

    def norm(z):
        return (f(z) - act.mean) / act.std

    return np.array([float(_mp_expect(norm)), float(_mp_expect(lambda z: norm(z) ** 2))])


def hermite_constants(activation: str) -> np.ndarray:
    """[s, a_sigma, eta_0, eta_1, eta_2, eta_3, B_sigma] from the package's quadrature
    (eta_k through Stein's identity eta_k = sqrt(k+1) mu_{k+1})."""
    act = get_activation(activation)
    return np.array([act.std, act.a_sigma, *(act.hermite_derivative(k) for k in range(4)),
                     act.bound_eq11])


def hermite_constants_mpmath(activation: str) -> np.ndarray:
    """The same constants by mpmath, with eta_k = E[sigma'(z) h_k(z)] integrated directly."""
    _, s = _mp_mean_std(activation)
    df = _MP_RAW[activation][1]

    def dnorm(z):
        return df(z) / s

    a = _mp_expect(lambda z: dnorm(z) ** 2)
    eta = [_mp_expect(lambda z, k=k: dnorm(z) * _mp_hermite(k, z)) for k in range(4)]
    bound = a - sum(e**2 for e in eta[:3])
    return np.array([float(x) for x in (s, a, *eta, bound)])


# --- WANG-DEF-MP: first-layer weights at initialization ----------------------------------


def mp_law_w(d: int, gamma2: float, matrix: str = "WtW_over_h") -> MarchenkoPastur:
    """MP(d/h) for (1/h) W^T W (d x d); MP(h/d) (atom 1 - d/h at 0 if h > d) for W W^T / d."""
    h = max(1, int(round(gamma2 * d)))
    return MarchenkoPastur(d / h) if matrix == "WtW_over_h" else MarchenkoPastur(h / d)


def w_spectrum(rng: np.random.Generator, d: int, gamma2: float,
               matrix: str = "WtW_over_h") -> np.ndarray:
    """Eigenvalues of (1/h) W^T W or W W^T / d for W (h x d) with i.i.d. N(0, 1) entries."""
    h = max(1, int(round(gamma2 * d)))
    W = first_layer(rng, h, d)
    gram = W.T @ W / h if matrix == "WtW_over_h" else W @ W.T / d
    return psd_eigvalsh(gram)


# --- WANG-DEF-CK, WANG-DEF-CK-LIMIT: conjugate kernel at initialization ------------------


def ck_spectrum(rng: np.random.Generator, n: int, gamma1: float, gamma2: float,
                activation: str = "tanh") -> np.ndarray:
    """Eigenvalues of K^CK = (1/h) sigma(W X / sqrt d)^T sigma(W X / sqrt d), eq. (4)."""
    d, h = dims(n, gamma1, gamma2)
    X = rng.standard_normal((d, n))
    W = first_layer(rng, h, d)
    return psd_eigvalsh(ck_kernel(W, X, get_activation(activation)))


def ck_zero_fraction(n: int, gamma1: float, gamma2: float) -> np.ndarray:
    """Fraction of zero eigenvalues of K^CK: 1 - min(n, h)/n (rank K^CK <= min(n, h))."""
    _, h = dims(n, gamma1, gamma2)
    return np.array([1.0 - min(n, h) / n])


def ck_zero_fraction_sampled(rng: np.random.Generator, n: int, gamma1: float, gamma2: float,
                             activation: str = "tanh") -> np.ndarray:
    """Fraction of numerically zero eigenvalues of a sampled K^CK."""
    return np.array([np.mean(ck_spectrum(rng, n, gamma1, gamma2, activation) == 0.0)])


def ck_law(n: int, gamma1: float, gamma2: float, activation: str = "tanh",
           b_sigma: float | None = None) -> CKLimitLaw:
    """MP_{n/h} [x] ((1 - b^2) + b^2 MP(n/d)) at the realised ratios; ``b_sigma`` overrides
    the activation's E sigma'(z) (negative controls)."""
    d, h = dims(n, gamma1, gamma2)
    act = get_activation(activation)
    if b_sigma is None:
        return ck_limit_for(n, h, d, act)
    return ck_limit_law(n / h, n / d, b_sigma)


# --- WANG-DEF-NTK, WANG-DEF-LAZY, WANG-DEF-NET2: identities on one draw ------------------


def _fd_jacobian(W: np.ndarray, v: np.ndarray, X: np.ndarray, act, step: float = 1e-6
                 ) -> np.ndarray:
    """Central finite-difference Jacobian of f(X) (eq. (7)) in (vec W, v): n x (hd + h)."""
    theta = np.concatenate([W.ravel(), v])
    h, d = W.shape
    cols = []
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = step
        plus, minus = theta + e, theta - e
        cols.append((network_output(plus[: h * d].reshape(h, d), plus[h * d:], X, act)
                     - network_output(minus[: h * d].reshape(h, d), minus[h * d:], X, act))
                    / (2 * step))
    return np.stack(cols, axis=1)


def ntk_formula_residual(rng: np.random.Generator, n: int, d: int, h: int,
                         activation: str = "tanh", layers: str = "both") -> np.ndarray:
    """max |K^NTK(eq. 5) - J J^T| / max |K^NTK|, J the finite-difference Jacobian of f in
    (W, v) (``layers='both'``) or in W only (``'first'``, footnote 2); a kernel that is
    identically 0 (all ReLU units dead) counts with denominator 1e-12."""
    act = get_activation(activation)
    X = rng.standard_normal((d, n))
    W, v = first_layer(rng, h, d), second_layer(rng, h)
    J = _fd_jacobian(W, v, X, act)
    if layers == "first":
        J = J[:, : h * d]
    K = tangent_kernel(W, v, X, act, layers)
    return np.array([np.max(np.abs(K - J @ J.T)) / max(np.max(np.abs(K)), 1e-12)])


def lazy_interpolation_residual(rng: np.random.Generator, n: int, gamma1: float, gamma2: float,
                                activation: str = "tanh", include_f0: bool = True) -> np.ndarray:
    """max_i |f_hat(x_i) - y_i| / max |y| for the lazy predictor of eq. (6) at the training
    inputs (it interpolates: the linearized model fits y exactly)."""
    d, h = dims(n, gamma1, gamma2)
    p = sample_problem(rng, d, n, h, activation=activation)
    pred = lazy_predict(p.W, p.v, p.X, p.y, p.X, p.activation, include_f0=include_f0)
    return np.array([np.max(np.abs(pred - p.y)) / np.max(np.abs(p.y))])


def output_moments(activation: str) -> np.ndarray:
    """[E f_0(x), E f_0(x)^2] = [0, E v^2 E sigma(z)^2] = [0, 1] for normalized sigma."""
    return np.array([0.0, 1.0])


def output_moments_mc(rng: np.random.Generator, d: int, h: int, activation: str = "tanh",
                      v_init: str = "gaussian", reps: int = 2000) -> Estimate:
    """Monte-Carlo [f_0(x), f_0(x)^2] over ``reps`` independent draws of (W, v, x)."""
    act = get_activation(activation)
    out = np.empty((reps, 2))
    for r in range(reps):
        W, v = first_layer(rng, h, d), second_layer(rng, h, v_init)
        f = float(network_output(W, v, rng.standard_normal((d, 1)), act)[0])
        out[r] = f, f * f
    return Estimate.from_samples(out)


def teacher_moments(d: int, teacher: str = "multi", target: str = "relu", k: int = 5,
                    tau: float = 0.2) -> np.ndarray:
    """[E f*(x), Var f*(x)]: [0, 1/k] for eq. (8) with a normalized sigma*; for eq. (9),
    [tau, 1 + 2 tau^2/d + 2 sqrt(2) (tau/d) mu_2(sigma*)] (E sigma*(z) z^2 = sqrt 2 mu_2)."""
    if teacher == "multi":
        return np.array([0.0, 1.0 / k])
    if teacher == "single":
        return np.array([0.0, 1.0])
    mu2 = get_activation(target).hermite(2)
    return np.array([tau, 1 + 2 * tau**2 / d + 2 * np.sqrt(2) * tau / d * mu2])


def teacher_moments_mc(rng: np.random.Generator, d: int, teacher: str = "multi",
                       target: str = "relu", k: int = 5, tau: float = 0.2,
                       reps: int = 20000) -> Estimate:
    """Monte-Carlo mean and variance of f*(x) over fresh x for one drawn teacher (the law of
    f*(x) does not depend on the orthonormal directions). Variance by the delta method."""
    f_star = make_teacher(rng, d, teacher, target, tau, k)
    block = max(1, 2_000_000 // d)  # bounded memory: d x block inputs at a time
    f = np.concatenate([f_star(rng.standard_normal((d, min(block, reps - i))))
                        for i in range(0, reps, block)])
    mean, var = f.mean(), f.var(ddof=1)
    centred = (f - mean) ** 2
    return Estimate(np.array([mean, var]),
                    np.array([f.std(ddof=1), centred.std(ddof=1)]) / np.sqrt(reps))


# --- WANG-CLAIM-EQ11: lambda_min of the initial NTK ---------------------------------------


def eq11_margin(rng: np.random.Generator, n: int, gamma1: float, gamma2: float,
                activation: str = "tanh", v_init: str = "gaussian", layers: str = "first"
                ) -> dict[str, float]:
    """lambda_min(K_0^NTK) - (a_sigma - eta_0^2 - eta_1^2 - eta_2^2) (eq. (11)); K_0^NTK is the
    first-layer kernel K_1 (Sec. 5.1), or K_1 + K^CK with ``layers='both'``."""
    d, h = dims(n, gamma1, gamma2)
    act = get_activation(activation)
    X = rng.standard_normal((d, n))
    W, v = first_layer(rng, h, d), second_layer(rng, h, v_init)
    first = layers == "first"
    K = tangent_kernel_first_layer(W, v, X, act) if first else tangent_kernel(W, v, X, act)
    lam_min = float(np.linalg.eigvalsh(K)[0])
    return {"margin": lam_min - act.bound_eq11, "lambda_min": lam_min, "bound": act.bound_eq11,
            "a_minus_eta0_sq": act.a_sigma - act.hermite_derivative(0) ** 2}


# --- WANG-CLAIM-HT-NOTSUFF: heavy tails from a Cauchy initialization --------------------


def cauchy_ck_tails(rng: np.random.Generator, n: int, gamma1: float, gamma2: float,
                    activation: str = "relu", k: int = 20) -> dict[str, float]:
    """Hill tail index (top k) of the CK spectrum with Gaussian vs i.i.d. standard Cauchy W on
    the same data; also both lambda_max and the Gaussian-W CK limit edge."""
    d, h = dims(n, gamma1, gamma2)
    act = get_activation(activation)
    X = rng.standard_normal((d, n))
    out = {}
    for law in ("gaussian", "cauchy"):
        ev = psd_eigvalsh(ck_kernel(first_layer(rng, h, d, law), X, act))
        out[f"alpha_{law}"] = hill_alpha(ev, k)
        out[f"lambda_max_{law}"] = float(ev[-1])
    out["edge"] = ck_limit_for(n, h, d, act).support()[1]
    return out


# --- WANG-CLAIM-LB.1: norm bounds at initialization ---------------------------------------


def lemma_b1_margins(rng: np.random.Generator, n: int, gamma1: float, gamma2: float,
                     activation: str = "tanh", constant: float = 1.0,
                     v_init: str = "rademacher") -> dict[str, float]:
    """Margins of (22) ||X||/sqrt d <= 2 (1 + sqrt(n/d)), (28) max_i ||x_i||^2/d <= 2 and
    (31) ||f_{W_0}(X)|| <= constant sqrt n (printed: constant 1; E ||f_0(X)||^2 = n), with
    v drawn as ``v_init`` (Rademacher: ||v||_inf <= 1, as Theorem 5.2 assumes)."""
    d, h = dims(n, gamma1, gamma2)
    act = get_activation(activation)
    X = rng.standard_normal((d, n))
    W, v = first_layer(rng, h, d), second_layer(rng, h, v_init)
    gram = X @ X.T if d <= n else X.T @ X
    x_op = float(np.sqrt(np.linalg.eigvalsh(gram)[-1] / d))
    max_sq = float(np.max(np.einsum("ij,ij->j", X, X)) / d)
    f0 = float(np.linalg.norm(network_output(W, v, X, act)) / np.sqrt(n))
    m22, m28, m31 = 2 * (1 + np.sqrt(n / d)) - x_op, 2.0 - max_sq, constant - f0
    return {"margin": min(m22, m28, m31), "margin_22": m22, "margin_28": m28, "margin_31": m31,
            "f0_over_sqrt_n": f0}
