"""Deep linear network trainer and the paired ReLU model (rmtcheck.training.deep_linear)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.products import def4_layers, draw_layers, end_to_end
from rmtcheck.errors import InputError
from rmtcheck.training.deep_linear import (
    first_order_delta_grams,
    gd_step,
    half_space_targets,
    layer_gradients,
    paired_relu_init,
    principal_coordinates,
    relu_forward,
    relu_gd_step,
    train_dln,
)


def _loss(layers, sxx, syx):
    w = end_to_end(layers)
    return 0.5 * np.trace(w @ sxx @ w.T) - np.trace(w.T @ syx)


@settings(derandomize=True, max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), widths=st.lists(st.integers(1, 5), min_size=2, max_size=5))
def test_layer_gradients_match_finite_differences(seed, widths):
    """Eq. (21) against central differences (Lemma 1, DLN-LEM-1); the loss is a polynomial,
    so the central-difference error is O(h^2) ~ 1e-10 relative."""
    rng = np.random.default_rng(seed)
    layers = draw_layers(widths, [0.5] * (len(widths) - 1), rng)
    x = rng.standard_normal((widths[0], 7))
    sxx, syx = x @ x.T, rng.standard_normal((widths[-1], 7)) @ x.T
    grads = layer_gradients(layers, sxx, syx)
    h = 1e-5
    for l, w in enumerate(layers):
        i, j = rng.integers(w.shape[0]), rng.integers(w.shape[1])
        plus = [v.copy() for v in layers]
        minus = [v.copy() for v in layers]
        plus[l][i, j] += h
        minus[l][i, j] -= h
        fd = (_loss(plus, sxx, syx) - _loss(minus, sxx, syx)) / (2 * h)
        assert fd == pytest.approx(grads[l][i, j], rel=1e-5, abs=1e-6)


def test_first_order_delta_grams_match_exact_change():
    """B^l(after) = B^l - mu Delta B^l + O(mu^2): halving mu quarters the remainder."""
    rng = np.random.default_rng(1)
    layers = def4_layers([4, 7, 7, 7, 3], rng)
    sxx, syx = np.diag([2.0, 1.5, 1.0, 0.5]), rng.standard_normal((3, 4))
    from rmtcheck.ensembles.products import grams_a, grams_b  # noqa: PLC0415

    db, da = first_order_delta_grams(layers, sxx, syx, 1.0)
    residuals = []
    for mu in (1e-3, 5e-4):
        new = gd_step(layers, sxx, syx, mu)
        pairs = [*zip(grams_b(layers), grams_b(new), db, strict=True),
                 *zip(grams_a(layers), grams_a(new), da, strict=True)]
        residuals.append(max(np.linalg.norm(g0 - g1 - mu * d) for g0, g1, d in pairs))
    assert residuals[0] / residuals[1] == pytest.approx(4.0, rel=0.05)
    assert np.allclose(db[0], 0) and np.allclose(da[-1], 0)  # B^1 = I_q and A^N = I_K are fixed


def test_principal_coordinates_diagonalize():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((5, 40)), rng.standard_normal((2, 40))
    u, d, m = principal_coordinates(x, y)
    assert np.allclose(u.T @ (x @ x.T) @ u, np.diag(d)) and np.all(np.diff(d) <= 0)
    assert np.allclose(m, y @ x.T @ u)
    with pytest.raises(InputError):
        principal_coordinates(x, y[:, :3])


def test_training_in_principal_coordinates_equals_raw_training():
    """GD on rotated inputs with W_1 U is the raw GD run seen through U."""
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((4, 30)), rng.standard_normal((2, 30))
    layers = def4_layers([4, 16, 2], rng)
    u, d, m = principal_coordinates(x, y)
    run = train_dln([layers[0] @ u, layers[1]], d, m, 0.2 / (2 * d[0]), 10)
    raw = layers
    for _ in range(10):
        raw = gd_step(raw, x @ x.T, y @ x.T, 0.2 / (2 * d[0]))
    assert np.allclose(run.w[-1], end_to_end(raw) @ u)
    assert np.all(np.diff(run.loss) <= 1e-12)  # small step: monotone decrease


def test_pc_bias_order_in_wide_network():
    """Effective per-column rates follow lambda_j = 1 - mu d_j L (B.3, PC-bias)."""
    rng = np.random.default_rng(4)
    d = np.array([2.0, 1.0, 0.5, 0.25])
    target = 0.05 * rng.standard_normal((2, 4)) * d
    run = train_dln(def4_layers([4, 512, 512, 2], rng), d, target, 0.25 / (3 * 2.0), 5)
    rates = run.effective_rates(5)
    assert np.all(np.diff(rates) > 0)
    assert np.allclose(rates, 1 - 0.25 / 6 * 3 * d, atol=0.03)
    with pytest.raises(InputError):
        run.effective_rates(0)


def test_paired_relu_model():
    rng = np.random.default_rng(5)
    a, w = paired_relu_init(3, 10, rng)
    assert np.allclose(a[::2], -a[1::2]) and np.allclose(w[::2], -w[1::2])
    x = rng.standard_normal((3, 25))
    assert np.allclose(relu_forward(a, w, x), 0.5 * a @ w @ x)  # f_0 linear (B.2)
    y = np.sign(rng.standard_normal(25))
    xs, ys = np.hstack([x, -x]), np.concatenate([y, -y])
    step = relu_gd_step(a, w, xs, ys, 0.1) - w
    expected = -0.1 * (0.25 * np.outer(a, a) @ w @ (xs @ xs.T) - half_space_targets(a, w, xs, ys))
    assert np.allclose(step, expected, atol=1e-13)
    # negative control: without the symmetric copies the 1/4 identity fails
    step_half = relu_gd_step(a, w, x, y, 0.1) - w
    wrong = -0.1 * (0.25 * np.outer(a, a) @ w @ (x @ x.T) - half_space_targets(a, w, x, y))
    assert not np.allclose(step_half, wrong, atol=1e-6)
    with pytest.raises(InputError):
        paired_relu_init(3, 7, rng)


def test_train_dln_bad_input():
    layers = def4_layers([2, 4, 1], np.random.default_rng(0))
    with pytest.raises(InputError):
        train_dln(layers, [1.0, -1.0], np.zeros((1, 2)), 0.1, 3)
    with pytest.raises(InputError):
        train_dln(layers, [1.0, 1.0], np.zeros((1, 2)), 0.0, 3)
