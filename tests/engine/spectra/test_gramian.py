"""FC networks and their gradient kernel: the per-layer Hadamard Gramian equals the explicit
J J^T, gradients and Hessian-vector products match finite differences, and the loss Hessian
approaches F/N near convergence (NSA App. A-B, spec Sec. 2.1)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.fc_net import ACTIVATIONS, init_fc_net, loss_hvp, predict
from rmtcheck.errors import InputError
from rmtcheck.spectra.gramian import (
    fim,
    gramian,
    jacobian,
    kernel,
    loss_gradient,
    loss_hessian,
)
from rmtcheck.training.fc_net import loss_and_grads, mse, train


def small_net(seed, activation="leaky_relu", shortcuts=False, depth=4, width=7, d=2):
    rng = np.random.default_rng(seed)
    net = init_fc_net(d, width, depth, rng, activation=activation, shortcuts=shortcuts)
    for b in net.biases:  # nonzero biases exercise the 1 1^T term
        b[:] = 0.3 * rng.standard_normal(b.shape)
    X = rng.random((11, d))
    return net, X, rng.standard_normal(11)


def fd_jacobian(net, X, eps=1e-6):
    th = net.flat()
    cols = [(predict(net.with_flat(th + eps * e), X) - predict(net.with_flat(th - eps * e), X))
            / (2 * eps) for e in np.eye(th.size)]
    return np.array(cols).T


@given(seed=st.integers(0, 10**6), activation=st.sampled_from(ACTIVATIONS),
       shortcuts=st.booleans(), depth=st.integers(1, 5), width=st.integers(1, 9))
@settings(max_examples=40, deadline=None)
def test_hadamard_gramian_equals_explicit_jjt(seed, activation, shortcuts, depth, width):
    net, X, _ = small_net(seed, activation, shortcuts, depth, width)
    J = jacobian(net, X)
    G = gramian(net, X)
    assert np.abs(G - J @ J.T).max() <= 1e-10 * max(1.0, np.abs(G).max())


def test_dropping_one_layer_term_is_detected():
    """Negative control: the per-layer sum without any single layer misses J J^T by far more
    than the 1e-10 tolerance."""
    net, X, _ = small_net(3, depth=4)
    J = jacobian(net, X)
    full = J @ J.T
    for skip in range(net.depth):
        partial = kernel(net, X, layers=[i for i in range(net.depth) if i != skip])
        assert np.abs(partial - full).max() > 1e-3 * np.abs(full).max()


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("shortcuts", [False, True])
def test_jacobian_matches_finite_differences(activation, shortcuts):
    net, X, _ = small_net(5, activation, shortcuts)
    # central differences: error O(eps^2) plus rounding eps_mach / eps ~ 1e-10
    assert np.abs(jacobian(net, X) - fd_jacobian(net, X)).max() < 1e-7


def test_kernel_at_test_points_is_the_cross_jacobian_product():
    net, X, _ = small_net(7, "tanh", True)
    X2 = np.random.default_rng(8).random((5, 2))
    assert np.allclose(kernel(net, X2, X), jacobian(net, X2) @ jacobian(net, X).T,
                       rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_loss_gradient_is_a_m_over_n_and_matches_training_grads(activation):
    net, X, y = small_net(9, activation, True)
    m = predict(net, X) - y
    g = loss_gradient(net, X, y)
    assert np.allclose(g, jacobian(net, X).T @ m / len(y), rtol=1e-12, atol=1e-14)  # eq. A7
    _, parts = loss_and_grads(net, X, y)
    assert np.allclose(np.concatenate([p.ravel() for p in parts]), g, rtol=1e-12, atol=1e-14)


@given(seed=st.integers(0, 10**6), activation=st.sampled_from(ACTIVATIONS),
       shortcuts=st.booleans())
@settings(max_examples=25, deadline=None)
def test_hessian_vector_product_matches_finite_differences(seed, activation, shortcuts):
    net, X, y = small_net(seed, activation, shortcuts)
    v = np.random.default_rng(seed + 1).standard_normal(net.n_params)
    th, eps = net.flat(), 1e-5
    fd = (loss_gradient(net.with_flat(th + eps * v), X, y)
          - loss_gradient(net.with_flat(th - eps * v), X, y)) / (2 * eps)
    hv = loss_hvp(net, X, y, v)
    assert np.abs(hv - fd).max() <= 1e-6 * max(1.0, np.abs(hv).max())


def test_hvp_without_the_residual_term_is_detected():
    """Negative control: F v / N alone (the Gauss-Newton part) differs from H v while the
    residuals are large, so the HVP test above can tell the two apart."""
    net, X, y = small_net(11, "tanh")
    v = np.random.default_rng(12).standard_normal(net.n_params)
    gn = fim(net, X) @ v / len(y)
    assert np.abs(loss_hvp(net, X, y, v) - gn).max() > 1e-3 * np.abs(gn).max()


def test_hessian_approaches_fim_over_n_near_convergence():
    """NSA eq. A6: H = F/N + (1/N) sum r_i H_f(X^i); the second term fades as r -> 0, so the top
    eigenvalues of H approach those of G/N (spec Sec. 4.1: 12.8 % -> 0.4 % after training)."""
    rng = np.random.default_rng(0)
    net = init_fc_net(2, 12, 3, rng, activation="tanh")
    X = rng.random((60, 2))
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1])

    def gap():
        top_h = np.linalg.eigvalsh(loss_hessian(net, X, y))[::-1][:3]
        top_g = np.linalg.eigvalsh(gramian(net, X))[::-1][:3] / len(y)
        return np.max(np.abs(top_h - top_g) / top_g)

    gap0 = gap()
    lr = len(y) / np.linalg.eigvalsh(gramian(net, X))[-1]
    train(net, X, y, steps=5000, lr=lr)
    # measured: 9.1 -> 7e-4 for this seed; F/N alone matches H only once residuals are small
    assert gap0 > 1.0 and gap() < 0.01


def test_optimizers_reduce_the_loss():
    for opt, kw in [("gd", {}), ("sgd", {"batch": 8}), ("adam", {})]:
        net, X, _ = small_net(13, "swish")
        y = np.sin(3 * X[:, 0]) + X[:, 1]
        before = mse(net, X, y)
        lr = 1e-2 if opt == "adam" else len(y) / np.linalg.eigvalsh(gramian(net, X))[-1]
        losses = train(net, X, y, steps=300, lr=lr, optimizer=opt,
                       rng=np.random.default_rng(1), **kw)
        assert len(losses) == 300 and mse(net, X, y) < 0.2 * before


def test_step_size_decay_and_hook_schedule():
    net, X, y = small_net(14)
    seen = []
    train(net, X, y, steps=10, lr=0.1, decay_at=(4, 8), factor=0.5,
          on_step=lambda t, _net, d: seen.append((t, d)))
    assert [t for t, _ in seen] == list(range(11))
    assert [d for _, d in seen] == [0.1] * 4 + [0.05] * 4 + [0.025] * 3


def test_parameter_count_matches_the_papers():
    """FC-NN-L6-W256 on d = 2 has 264,193 parameters and L6-W512 on MNIST 1,453,057 (spec 2.4)."""
    rng = np.random.default_rng(0)
    assert init_fc_net(2, 256, 6, rng).n_params == 264_193
    assert init_fc_net(784, 512, 6, rng).n_params == 1_453_057


@pytest.mark.parametrize("kwargs", [{"width": 0}, {"depth": 0}, {"activation": "relu6"},
                                    {"slope": 2.0}])
def test_bad_network_arguments_raise(kwargs):
    args = {"d": 2, "width": 4, "depth": 3, **kwargs}
    with pytest.raises(InputError):
        init_fc_net(args.pop("d"), args.pop("width"), args.pop("depth"),
                    np.random.default_rng(0), **args)


def test_bad_training_arguments_raise():
    net, X, y = small_net(0)
    with pytest.raises(InputError):
        train(net, X, y, steps=5, lr=-1.0)
    with pytest.raises(InputError):
        train(net, X, y, steps=5, lr=0.1, optimizer="lbfgs")
    with pytest.raises(InputError):
        kernel(net, X, layers=[9])


def test_a8_moving_along_a_left_singular_vector_moves_f_along_v():
    """NSA eq. A8: theta' = theta + eps sqrt(lambda_i) w_i gives
    f' - f = eps lambda_i v_i + O(eps^2), so the relative error falls 10x with eps (smooth
    activation; spec Sec. 4.1)."""
    net, X, _ = small_net(21, "tanh")
    J = jacobian(net, X)                                 # N x |theta|, A = J^T
    W, s, Vt = np.linalg.svd(J.T, full_matrices=False)
    errs = []
    for eps in (1e-2, 1e-3, 1e-4):
        moved = net.with_flat(net.flat() + eps * s[0] * W[:, 0])
        df = predict(moved, X) - predict(net, X)
        target = eps * s[0] ** 2 * Vt[0]
        errs.append(np.linalg.norm(df - target) / np.linalg.norm(target))
    assert errs[0] < 0.5 and 7 < errs[0] / errs[1] < 13 and 7 < errs[1] / errs[2] < 13


@given(seed=st.integers(0, 10**6), activation=st.sampled_from(ACTIVATIONS),
       depth=st.integers(1, 4), width=st.integers(1, 6))
@settings(max_examples=30, deadline=None)
def test_gramian_is_psd_with_the_fim_spectrum_and_trace(seed, activation, depth, width):
    """G = J J^T and F = J^T J share their nonzero eigenvalues (App. B), G is symmetric PSD,
    and tr G = sum_i |grad f(X^i)|^2."""
    net, X, _ = small_net(seed, activation, False, depth, width)
    G = gramian(net, X)
    J = jacobian(net, X)
    scale = max(1.0, np.abs(G).max())
    assert np.array_equal(G, G.T)
    g_vals = np.linalg.eigvalsh(G)[::-1]
    assert g_vals[-1] >= -1e-10 * scale
    assert abs(np.trace(G) - (J**2).sum()) <= 1e-10 * scale
    f_vals = np.linalg.eigvalsh(fim(net, X))[::-1]
    r = min(len(g_vals), len(f_vals))
    assert np.allclose(g_vals[:r], f_vals[:r], atol=1e-9 * scale)


# ---- bad input: one clear InputError line naming the parameter --------------------------

def _one_line_error(fn, name):
    with pytest.raises(InputError) as err:
        fn()
    assert err.value.name == name and "\n" not in str(err.value), str(err.value)


@pytest.mark.parametrize("depth", [0, -2])
def test_depth_below_one_is_refused(depth):
    _one_line_error(lambda: init_fc_net(2, 8, depth, np.random.default_rng(0)), "depth")


@pytest.mark.parametrize("width", [0, -3])
def test_nonpositive_width_is_refused(width):
    _one_line_error(lambda: init_fc_net(2, width, 3, np.random.default_rng(0)), "width")


@pytest.mark.parametrize("lr", [0.0, -0.1])
def test_nonpositive_step_size_is_refused(lr):
    net, X, y = small_net(0)
    _one_line_error(lambda: train(net, X, y, steps=3, lr=lr), "lr")


def test_gramian_needs_two_points_of_the_right_dimension():
    net, X, _ = small_net(0)
    _one_line_error(lambda: gramian(net, X[:1]), "N")
    _one_line_error(lambda: gramian(net, X[:, :1]), "X")
    assert kernel(net, X, X[:1]).shape == (11, 1)  # one test point is fine for g(X, X')


def test_card_functions_refuse_bad_sizes_and_steps():
    import rmtcheck.theory.kopitkov2019.claims as k  # noqa: PLC0415
    import rmtcheck.theory.kopitkov2019.run_claims as r  # noqa: PLC0415

    rng = np.random.default_rng(0)
    _one_line_error(lambda: r.alignment_gain(rng, 1, 3, 8, 20, 1.0, "smooth"), "N")
    _one_line_error(lambda: k.kernel_locality(rng, 1, 3, 8, 0, "kernel"), "N")
    _one_line_error(lambda: k.first_order_step_error(rng, 20, 3, 8, "tanh", 0), "inv_step")
    _one_line_error(lambda: k.first_order_step_error(rng, 1, 3, 8, "tanh", 10), "N")


@pytest.mark.parametrize("param", ["depth=0", "width=-3", "lr_scale=0", "N=1"])
def test_cli_check_bad_param_exits_2_with_one_line(capsys, param):
    from rmtcheck.cli.main import main  # noqa: PLC0415

    try:
        code = main(["check", "NTK-CLAIM-7", "--param", param])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and param.split("=")[0] in err
