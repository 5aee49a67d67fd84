"""Training engine of the two-layer network (rmtcheck.training): gradients against finite
differences (eqs. 18-19 of seed 004), optimizer steps against hand-computed updates,
schedules, stopping, divergence reported as a status, checkpoints and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.two_layer import sample_problem
from rmtcheck.errors import InputError
from rmtcheck.laws.activations import get_activation
from rmtcheck.training.optimizers import AdaGrad, Adam, make_optimizer
from rmtcheck.training.schedules import make_schedule
from rmtcheck.training.two_layer import TrainConfig, gradients, loss_value, sgd_step, train


def _fd_gradient(fun, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        out[idx] = (fun(xp) - fun(xm)) / (2 * eps)
    return out


@pytest.mark.parametrize("activation", ["tanh", "softplus", "sigmoid"])
@pytest.mark.parametrize("loss", ["half_mean", "mean"])
def test_gradients_match_finite_differences(activation: str, loss: str) -> None:
    p = sample_problem(np.random.default_rng(3), d=6, n=9, h=5, activation=activation)
    act = p.activation
    gW, gv, value = gradients(p.W, p.v, p.X, p.y, act, loss, "both")
    num_W = _fd_gradient(lambda W: gradients(W, p.v, p.X, p.y, act, loss)[2], p.W)
    num_v = _fd_gradient(lambda v: gradients(p.W, v, p.X, p.y, act, loss)[2], p.v)
    # central differences with eps = 1e-6 on an O(1) smooth loss: error ~ eps^2 + 1e-16/eps
    assert np.max(np.abs(gW - num_W)) < 1e-8
    assert np.max(np.abs(gv - num_v)) < 1e-8
    r = p.y - p.output()
    assert value == pytest.approx((r @ r) / (2 * 9) if loss == "half_mean" else (r @ r) / 9)


def test_first_layer_gradient_has_no_v_part_and_mean_doubles() -> None:
    p = sample_problem(np.random.default_rng(4), d=4, n=7, h=3)
    gW1, gv1, l1 = gradients(p.W, p.v, p.X, p.y, p.activation, "half_mean", "first")
    gW2, _, l2 = gradients(p.W, p.v, p.X, p.y, p.activation, "mean", "first")
    assert gv1 is None
    np.testing.assert_allclose(gW2, 2 * gW1, rtol=1e-14)
    assert l2 == pytest.approx(2 * l1)


def test_eq19_by_hand_on_a_one_neuron_network() -> None:
    # h = d = n = 1: f = v s(w x), grad_w L = -(y - f) v s'(w x) x  (eq. 19 with n = d = h = 1)
    act = get_activation("tanh")
    w, v, x, y = 0.7, -1.3, 0.4, 0.25
    f = v * act(w * x)
    gW, gv, _ = gradients(np.array([[w]]), np.array([v]), np.array([[x]]), np.array([y]), act)
    assert gW[0, 0] == pytest.approx(-(y - f) * v * act.derivative(w * x) * x, rel=1e-13)
    assert gv[0] == pytest.approx(-(y - f) * act(w * x), rel=1e-13)


def test_gd_step_matches_eq18() -> None:
    p = sample_problem(np.random.default_rng(5), d=5, n=8, h=4)
    gW, _, _ = gradients(p.W, p.v, p.X, p.y, p.activation, "half_mean", "first")
    res = train(p.W, p.v, p.X, p.y, p.activation, lr=0.7, epochs=1)
    np.testing.assert_allclose(res.W, p.W - 0.7 * gW, rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(res.v, p.v)  # first layer only: v frozen (eq. 10)
    assert res.steps == 1 and res.status == "budget"


def test_adam_two_steps_by_hand() -> None:
    p, g1, g2 = np.array([1.0, -2.0]), np.array([0.5, -0.1]), np.array([-0.2, 0.3])
    opt = Adam(beta1=0.9, beta2=0.999, eps=1e-8)
    opt.step([p], [g1], 0.1)
    # first step: mhat = g, vhat = g^2 -> update lr * g / (|g| + eps)
    np.testing.assert_allclose(p, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 0.1 / (0.1 + 1e-8)])
    before = p.copy()
    opt.step([p], [g2], 0.1)
    m = 0.9 * 0.1 * g1 + 0.1 * g2
    s = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    expected = before - 0.1 * (m / (1 - 0.9**2)) / (np.sqrt(s / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(p, expected, rtol=1e-13)


def test_adagrad_two_steps_by_hand() -> None:
    p, g1, g2 = np.array([0.0, 3.0]), np.array([2.0, -1.0]), np.array([1.0, 1.0])
    opt = AdaGrad(eps=1e-10)
    opt.step([p], [g1], 0.5)
    opt.step([p], [g2], 0.5)
    expected = (np.array([0.0, 3.0]) - 0.5 * g1 / (np.abs(g1) + 1e-10)
                - 0.5 * g2 / (np.sqrt(g1**2 + g2**2) + 1e-10))
    np.testing.assert_allclose(p, expected, rtol=1e-13)


def test_sgd_epoch_visits_every_sample_once() -> None:
    p = sample_problem(np.random.default_rng(6), d=4, n=10, h=3)
    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", batch_size=3, lr=0.5,
                epochs=2, rng=np.random.default_rng(0))
    assert res.steps == 2 * math.ceil(10 / 3)
    # batch = n is full-batch GD: the same iterate
    full = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", batch_size=10, lr=0.5,
                 epochs=2, rng=np.random.default_rng(0))
    gd = train(p.W, p.v, p.X, p.y, p.activation, optimizer="gd", lr=0.5, epochs=2)
    np.testing.assert_allclose(full.W, gd.W, rtol=1e-12)


def test_loss_threshold_stops_and_losses_decrease() -> None:
    p = sample_problem(np.random.default_rng(7), d=20, n=40, h=60, noise=0.1)
    res = train(p.W, p.v, p.X, p.y, p.activation, lr=2.0, layers="both", epochs=5000,
                loss_threshold=1e-3)
    assert res.status == "converged" and res.losses[-1] < 1e-3 <= res.losses[-2]
    assert np.all(np.diff(res.losses) <= 1e-12)  # small-lr GD descends monotonically
    assert res.losses[0] == pytest.approx(loss_value(p.y - p.output()))


def test_divergence_is_a_status_not_an_exception() -> None:
    p = sample_problem(np.random.default_rng(8), d=30, n=60, h=45)
    for opt, batch in (("gd", None), ("sgd", 8)):
        res = train(p.W, p.v, p.X, p.y, p.activation, optimizer=opt, batch_size=batch, lr=1e4,
                    layers="both", epochs=50, rng=np.random.default_rng(1))
        assert res.diverged and "diverged" in res.message
        assert np.all(np.isfinite(res.W)) and np.all(np.isfinite(res.v))
        assert res.epochs < 50 and len(res.losses) == res.epochs + 1
    ok = train(p.W, p.v, p.X, p.y, p.activation, lr=1.0, epochs=5)
    assert not ok.diverged  # control: the same problem at a sane lr


def test_checkpoint_hooks_record_start_every_k_and_end() -> None:
    p = sample_problem(np.random.default_rng(9), d=5, n=8, h=4)
    seen: list[int] = []

    def hook(snap):
        seen.append(snap.epoch)
        return {"norm": float(np.linalg.norm(snap.W))}

    res = train(p.W, p.v, p.X, p.y, p.activation, epochs=7, checkpoint_every=3, hooks=[hook])
    assert seen == [0, 3, 6, 7]
    assert [c["epoch"] for c in res.checkpoints] == seen
    assert res.checkpoints[0]["norm"] == pytest.approx(np.linalg.norm(p.W))


def test_schedules() -> None:
    assert make_schedule("constant", 0.3)(17) == 0.3
    assert make_schedule("step", 1.0, decay=0.5, every=10)(25) == 0.25
    assert make_schedule("exponential", 2.0, decay=0.9)(2) == pytest.approx(2.0 * 0.81)
    cos = make_schedule("cosine", 1.0, epochs=10)
    assert cos(0) == 1.0 and cos(5) == pytest.approx(0.5) and cos(10) == pytest.approx(0.0)
    assert make_schedule("inverse", 1.0, decay=1.0)(3) == 0.25


def test_schedule_is_used_by_train() -> None:
    p = sample_problem(np.random.default_rng(10), d=5, n=8, h=4)
    step = train(p.W, p.v, p.X, p.y, p.activation, lr=1.0, epochs=2, schedule="step",
                 schedule_options={"decay": 0.5, "every": 1})
    g0, _, _ = gradients(p.W, p.v, p.X, p.y, p.activation)
    g1, _, _ = gradients(p.W - g0, p.v, p.X, p.y, p.activation)
    np.testing.assert_allclose(step.W, p.W - g0 - 0.5 * g1, rtol=1e-12)


@pytest.mark.parametrize("bad", [
    {"loss": "l1"}, {"layers": "second"}, {"lr": -1.0}, {"epochs": -2}, {"optimizer": "rmsprop"},
    {"optimizer": "gd", "batch_size": 4}, {"optimizer": "sgd", "batch_size": 0},
    {"schedule": "warmup"},
])
def test_bad_settings_raise_input_error(bad: dict) -> None:
    p = sample_problem(np.random.default_rng(11), d=3, n=4, h=2)
    with pytest.raises(InputError):
        train(p.W, p.v, p.X, p.y, p.activation, **bad)


def test_bad_shapes_raise_input_error() -> None:
    p = sample_problem(np.random.default_rng(12), d=3, n=4, h=2)
    with pytest.raises(InputError):
        train(p.W.T, p.v, p.X, p.y, p.activation)
    with pytest.raises(InputError):
        make_optimizer("sgd", eps=1.0)


def test_config_object_and_overrides() -> None:
    p = sample_problem(np.random.default_rng(13), d=3, n=4, h=2)
    cfg = TrainConfig(lr=0.1, epochs=3)
    assert train(p.W, p.v, p.X, p.y, p.activation, cfg, epochs=1).epochs == 1


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 6), d=st.integers(1, 6), n=st.integers(1, 8), seed=st.integers(0, 10**6))
def test_gradient_is_descent_direction(h: int, d: int, n: int, seed: int) -> None:
    """Invariant: a tiny GD step never increases the loss to first order (<g, -g> <= 0)."""
    p = sample_problem(np.random.default_rng(seed), d=d, n=n, h=h, activation="softplus")
    gW, gv, value = gradients(p.W, p.v, p.X, p.y, p.activation, "half_mean", "both")
    eps = 1e-7
    _, _, after = gradients(p.W - eps * gW, p.v - eps * gv, p.X, p.y, p.activation)
    decrease = eps * (np.sum(gW**2) + np.sum(gv**2))
    assert after <= value - 0.5 * decrease + 1e-15


@settings(max_examples=40, deadline=None)
@given(g=st.lists(st.floats(-1e3, 1e3).filter(lambda x: x == 0 or abs(x) > 1e-100),  # no underflow
                  min_size=1, max_size=6), lr=st.floats(1e-4, 10.0),
       steps=st.integers(1, 5))
def test_adaptive_steps_are_bounded_by_lr(g: list[float], lr: float, steps: int) -> None:
    """Invariant: with a constant gradient Adam moves each coordinate by at most lr per step
    (|mhat| <= sqrt(vhat)), AdaGrad by lr / sqrt(t); plain SGD moves exactly lr g."""
    grad = np.array(g)
    for opt, cap in ((Adam(), lambda t: lr), (AdaGrad(), lambda t: lr / math.sqrt(t))):
        p = np.zeros_like(grad)
        for t in range(1, steps + 1):
            before = p.copy()
            opt.step([p], [grad], lr)
            assert np.all(np.abs(p - before) <= cap(t) * (1 + 1e-12))
            assert np.all(np.sign(p - before) == -np.sign(grad))
    p = np.zeros_like(grad)
    make_optimizer("sgd").step([p], [grad], lr)
    np.testing.assert_allclose(p, -lr * grad)


@pytest.mark.parametrize("call,name", [
    (lambda p: sample_problem(np.random.default_rng(0), d=0, n=4, h=2), "d"),
    (lambda p: sample_problem(np.random.default_rng(0), d=3, n=-4, h=2), "n"),
    (lambda p: sample_problem(np.random.default_rng(0), d=3, n=4, h=0), "h"),
    (lambda p: sample_problem(np.random.default_rng(0), d=3, n=4, h=2, activation="swish"),
     "activation"),
    (lambda p: train(p.W, p.v, p.X, p.y, p.activation, optimizer="rmsprop"), "optimizer"),
    (lambda p: train(p.W, p.v, p.X, p.y, p.activation, lr=0.0), "lr"),
    (lambda p: train(p.W, p.v, p.X, p.y, p.activation, lr=-0.5), "lr"),
    (lambda p: train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", batch_size=5),
     "batch_size"),
    (lambda p: train(p.W, p.v, p.X, p.y, p.activation, optimizer="adam", batch_size=32),
     "batch_size"),
])
def test_bad_input_is_one_line_naming_parameter_and_range(call, name: str) -> None:
    """Non-positive sizes, unknown activation or optimizer, lr <= 0 and a batch larger than
    n (here n = 4) each raise one InputError: '<name>: <problem>; valid: <range>'."""
    p = sample_problem(np.random.default_rng(13), d=3, n=4, h=2)
    with pytest.raises(InputError) as info:
        call(p)
    text = str(info.value)
    assert info.value.name == name and text.startswith(f"{name}: ")
    assert "\n" not in text and "; valid: " in text


def test_float32_training_stays_float32_and_tracks_float64() -> None:
    """dtype = "float32" keeps data, weights and gradients in single precision (no silent
    upcast through a NumPy float64 scale) and follows the float64 run: after 3 GD epochs the
    relative loss difference is at the float32 rounding level (~1e-7 per operation, 1e-4 here
    for the O(d) accumulations), while a 10% larger step is off by far more."""
    p = sample_problem(np.random.default_rng(14), d=30, n=60, h=45)
    W, v, X, y = (a.astype(np.float32) for a in (p.W, p.v, p.X, p.y))
    gW, gv, _ = gradients(W, v, X, y, p.activation, "mean", "both")
    assert gW.dtype == np.float32 and gv.dtype == np.float32
    kw = {"layers": "both", "loss": "mean", "epochs": 3}
    r32 = train(p.W, p.v, p.X, p.y, p.activation, lr=2.0, dtype="float32", **kw)
    r64 = train(p.W, p.v, p.X, p.y, p.activation, lr=2.0, **kw)
    wrong = train(p.W, p.v, p.X, p.y, p.activation, lr=2.2, **kw)
    assert r32.W.dtype == np.float32 and r64.W.dtype == np.float64
    np.testing.assert_allclose(r32.losses, r64.losses, rtol=1e-4)
    assert np.max(np.abs(wrong.losses[1:] / r64.losses[1:] - 1)) > 1e-2


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layers", ["both", "first"])
def test_sgd_step_equals_gradient_then_update(dtype, layers: str) -> None:
    """sgd_step (lr folded into the backward factor) = W - lr grad_W, v - lr grad_v to rounding;
    a train() SGD run (which uses it) equals the explicit loop with a fresh permutation per
    epoch; a different lr (negative control) does not."""
    p = sample_problem(np.random.default_rng(15), d=7, n=12, h=9)
    W, v, X, y = (a.astype(dtype) for a in (p.W, p.v, p.X, p.y))
    gW, gv, _ = gradients(W, v, X[:, :4], y[:4], p.activation, "mean", layers)
    W1, v1 = W.copy(), v.copy()
    sgd_step(W1, v1, X[:, :4], y[:4], p.activation, 0.3, "mean", layers)
    tol = 1e-5 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(W1, W - 0.3 * gW, atol=tol)
    np.testing.assert_allclose(v1, v - 0.3 * gv if layers == "both" else v, atol=tol)
    res = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", batch_size=5, lr=0.3,
                loss="mean", layers=layers, epochs=2, rng=7)
    rng, Wl, vl = np.random.default_rng(7), p.W.copy(), p.v.copy()
    for _ in range(2):
        perm = rng.permutation(12)
        for s in range(0, 12, 5):
            idx = perm[s:s + 5]
            g_W, g_v, _ = gradients(Wl, vl, p.X[:, idx], p.y[idx], p.activation, "mean", layers)
            Wl -= 0.3 * g_W
            vl = vl - 0.3 * g_v if layers == "both" else vl
    np.testing.assert_allclose(res.W, Wl, atol=1e-12)
    np.testing.assert_allclose(res.v, vl, atol=1e-12)
    other = train(p.W, p.v, p.X, p.y, p.activation, optimizer="sgd", batch_size=5, lr=0.33,
                  loss="mean", layers=layers, epochs=2, rng=7)
    assert np.max(np.abs(other.W - Wl)) > 1e-4
