"""Top-K alignment curves from block Lanczos on the matrix-free Gramian agree with the dense
eigh route within the Davis-Kahan bound, and eigenvectors of another network do not."""

import numpy as np
import pytest

import rmtcheck.theory.kopitkov2019.metrics as met
from rmtcheck.ensembles.fc_net import init_fc_net
from rmtcheck.errors import InputError
from rmtcheck.spectra.gramian import gramian
from rmtcheck.theory.kopitkov2019.dynamics import eig_desc
from rmtcheck.theory.kopitkov2019.targets import smooth_target, uniform_points
from rmtcheck.theory.kopitkov2019.top_alignment import checkpoint, top_alignment_run, top_spectrum

K = 30


def setting(seed=0, n=200):
    rng = np.random.default_rng(seed)
    X = uniform_points(n, rng)
    y = smooth_target(X)
    return rng, X, y - y.mean()


def davis_kahan_bound(values, residual, k):
    """|E_mf(y, k) - E(y, k)| <= 2 sin(theta_k) <= 2 sqrt(k) r / gap_k: the top-k subspaces
    differ by an angle below (Frobenius residual of the k Ritz pairs) / (lambda_k -
    lambda_{k+1}), and E(y, k) = |P_k y|^2 / |y|^2 moves by at most 2 |P - P'|."""
    gap = values[k - 1] - values[k]
    return 2.0 * np.sqrt(k) * residual / gap if gap > 0 else np.inf


def judged(vectors, residual, dense, y):
    """(|E_ours(y, k) - E_eigh(y, k)|, bound) at the k whose Davis-Kahan bound is < 0.01."""
    ks = np.arange(1, K + 1)
    ours = met.relative_energy(vectors, y, ks)
    exact = met.relative_energy(dense.vectors, y, ks)
    pairs = [(abs(ours[k - 1] - exact[k - 1]), davis_kahan_bound(dense.values, residual, k))
             for k in ks[:-1]]
    return [(d, b) for d, b in pairs if b < 0.01]


def test_top_curves_match_dense_eigh_within_davis_kahan():
    rng, X, y = setting()
    net = init_fc_net(2, 16, 4, rng)
    dense = eig_desc(gramian(net, X))
    eig = top_spectrum(net, X, K, rng, block=10, tol=1e-10)
    rows = judged(eig.vectors, eig.residuals.max(), dense, y)
    assert len(rows) >= 10
    assert all(d <= b for d, b in rows)
    assert np.allclose(eig.values, dense.values[:K], rtol=0, atol=1e-9 * dense.values[0])


def test_another_networks_eigenvectors_miss_the_curve():
    """Negative control: the same judgement (the solver's residual, the dense gaps) applied
    to the top-K eigenvectors of a differently seeded network fails at some judged k."""
    rng, X, y = setting()
    net = init_fc_net(2, 16, 4, rng)
    dense = eig_desc(gramian(net, X))
    eig = top_spectrum(net, X, K, rng, block=10, tol=1e-10)
    wrong = top_spectrum(init_fc_net(2, 16, 4, np.random.default_rng(99)), X, K, rng,
                         block=10, tol=1e-10)
    rows = judged(wrong.vectors, eig.residuals.max(), dense, y)
    assert len(rows) >= 10
    assert any(d > 10 * b for d, b in rows)


def test_run_records_checkpoints_and_the_step_size():
    rng, X, y = setting(1, 120)
    run = top_alignment_run(X, y, rng, depth=3, width=16, steps=30, k=20,
                            checkpoints=[0, 10, 30], block=10, decay_at=[20])
    assert [cp.t for cp in run.checkpoints] == [0, 10, 30]
    first = run.checkpoints[0]
    assert first.delta * first.values[0] / len(y) == pytest.approx(1.0)  # delta_0 = N/lam_max
    assert run.checkpoints[-1].delta == pytest.approx(0.5 * run.lr)
    assert run.checkpoints[-1].train_loss < first.train_loss
    for cp in run.checkpoints:
        assert cp.converged and cp.residual <= 1e-6
        assert np.all(np.diff(cp.curve_y) >= -1e-12) and cp.curve_y[-1] <= 1.0


def test_bad_checkpoints_raise():
    rng, X, y = setting(2, 40)
    with pytest.raises(InputError, match="checkpoints"):
        top_alignment_run(X, y, rng, depth=2, width=4, steps=5, k=5, checkpoints=[6])
    with pytest.raises(InputError, match="checkpoints"):
        top_alignment_run(X, y, rng, depth=2, width=4, steps=5, k=5, checkpoints=[])


def test_checkpoint_bounds_cover_the_dense_curves():
    """Each finite bound of a checkpoint covers the gap between its E(y, k) and the dense
    eigh curve, and the bound is infinite where the spectrum drops below the residual."""
    rng, X, y = setting(3)
    net = init_fc_net(2, 16, 4, rng)
    dense = eig_desc(gramian(net, X))
    eig = top_spectrum(net, X, K + 1, rng, block=10, tol=1e-6)
    cp = checkpoint(net, X, y, 0, 1.0, eig, 0.0, K)
    exact = met.relative_energy(dense.vectors, y, np.arange(1, K + 1))
    finite = np.isfinite(cp.bound)
    assert finite.sum() >= 3
    assert np.all(np.abs(cp.curve_y - exact)[finite] <= cp.bound[finite])
    assert not finite[dense.values[:K] < cp.residual * dense.values[0]].any()
