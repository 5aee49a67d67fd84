"""Matrix-free Gramian products: both evaluation orders equal the explicit J J^T V to rounding
over random shapes, and a wrong layer factor breaks the equality (NSA App. A-B)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.fc_net import ACTIVATIONS, init_fc_net
from rmtcheck.errors import InputError
from rmtcheck.spectra.gramian import jacobian, layer_factors
from rmtcheck.spectra.gramian_product import FactoredGramian, gramian_operator

TOL = 1e-11  # relative to max |J J^T V|: O(|theta|) rounding in sums of O(1) terms


def net_points(seed, depth, width, d, n, activation="leaky_relu", shortcuts=False):
    rng = np.random.default_rng(seed)
    net = init_fc_net(d, width, depth, rng, activation=activation, shortcuts=shortcuts)
    for b in net.biases:  # nonzero biases exercise the bias term
        b[:] = 0.3 * rng.standard_normal(b.shape)
    return net, rng.random((n, d)), rng


def rel_err(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


@given(seed=st.integers(0, 10**6), depth=st.integers(1, 5), width=st.integers(1, 9),
       d=st.integers(1, 3), n=st.integers(2, 25), cols=st.integers(1, 4),
       activation=st.sampled_from(ACTIVATIONS), shortcuts=st.booleans(),
       route=st.sampled_from(["factors", "rows", "auto"]), slab_rows=st.integers(1, 30))
@settings(max_examples=60, deadline=None)
def test_product_equals_explicit_jjt(seed, depth, width, d, n, cols, activation, shortcuts,
                                     route, slab_rows):
    net, X, rng = net_points(seed, depth, width, d, n, activation, shortcuts)
    J = jacobian(net, X)
    V = rng.standard_normal((n, cols))
    op = gramian_operator(net, X, route=route, slab_bytes=8 * n * slab_rows)
    assert rel_err(op @ V, J @ (J.T @ V)) <= TOL
    assert rel_err(op @ V[:, 0], J @ (J.T @ V[:, 0])) <= TOL


@pytest.mark.parametrize("route", ["factors", "rows"])
def test_wrong_layer_factor_breaks_equality(route):
    """Negative control: the same product with one layer's errors Gamma_l swapped for another
    layer's (same shape), or one layer left out, misses J J^T V by far more than TOL."""
    net, X, rng = net_points(5, 4, 6, 2, 20)
    J = jacobian(net, X)
    V = rng.standard_normal((20, 3))
    exact = J @ (J.T @ V)
    hs, gs = layer_factors(net, X)
    swapped = [gs[0], gs[2], gs[1], gs[3]]
    assert rel_err(FactoredGramian(hs, swapped, route=route) @ V, exact) > 1e-3
    assert rel_err(FactoredGramian(hs[1:], gs[1:], route=route) @ V, exact) > 1e-3
    assert rel_err(FactoredGramian(hs, gs, route=route) @ V, exact) <= TOL


def test_auto_picks_the_cheaper_order():
    net, X, _ = net_points(0, 4, 16, 2, 50)
    op = gramian_operator(net, X)
    assert op.flops("factors", 1) < op.flops("rows", 1)
    assert op.flops("rows", 200) < op.flops("factors", 200)


def test_bad_factors_raise_input_error():
    h, g = np.ones((5, 2)), np.ones((5, 3))
    with pytest.raises(InputError, match="gs"):
        FactoredGramian([h, h], [g])
    with pytest.raises(InputError, match="factors"):
        FactoredGramian([h], [np.ones((4, 3))])
    with pytest.raises(InputError, match="route"):
        FactoredGramian([h], [g], route="dense")
    net, X, _ = net_points(0, 2, 3, 2, 5)
    with pytest.raises(InputError, match="X"):
        gramian_operator(net, X[:, :1])
