"""The NSA alignment experiment at the text's size from the top-K Gramian eigenpairs only
(seed 000 App. H, Fig. 31; spec NTK-CLAIM-7, NTK-CLAIM-9).

At N = 10^4 the dense Gramian (800 MB) and its eigh at every checkpoint are out of reach on a
small machine, but the figures' quantities need only the top K <= 400 eigenvectors:
E_t(phi, k) = sum_{i<=k} <phi, v_i>^2 / |phi|^2 for k <= K (NTK-MET-1), for phi = y (target)
and phi = f_t (the network's outputs). They come from block Lanczos (``spectra.block_krylov``)
on the matrix-free product G V of ``spectra.gramian_product`` (per-layer factors; neither the
N x N matrix nor the Jacobian). E_t(phi, k) is only as exact as the top-k eigenspace: by the
Davis-Kahan sin-theta theorem |E_ours(phi, k) - E(phi, k)| <= 2 sin(angle) <= 2 sqrt(k) r /
gap_k, with r the largest residual and gap_k ~ theta_k - theta_{k+1} - 2 r (the Ritz values
stand in for the eigenvalues; K + 1 pairs are computed so that k = K has a gap too); where the
spectrum falls below the residual (lambda_k < r), E(phi, k) is not resolved and its bound is
infinite. GD as in ``alignment.alignment_run``:
delta_0 = lr_scale N / lambda_max(G_0), decayed by ``factor`` at ``decay_at``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.fc_net import FCNet, init_fc_net, predict
from rmtcheck.errors import InputError
from rmtcheck.spectra.block_krylov import TopEigenpairs, top_eigenpairs
from rmtcheck.spectra.gramian_product import gramian_operator
from rmtcheck.training.fc_net import mse, train

from . import metrics as met


@dataclass
class TopCheckpoint:
    """E_t(y, k) and E_t(f_t, k) for k = 1..K at step t, their Davis-Kahan error bounds
    (``bound``, inf where unresolved), the top-K spectrum, the largest residual
    ||G v - theta v|| / theta_1 and the seconds the eigenpairs took."""

    t: int
    delta: float
    train_loss: float
    values: np.ndarray
    curve_y: np.ndarray
    curve_f: np.ndarray
    bound: np.ndarray
    residual: float
    converged: bool
    seconds: float


@dataclass
class TopRun:
    """Checkpoints of one GD run, its step size and the network's parameter count;
    ``train_seconds`` excludes checkpoints."""

    lr: float
    k: int
    params: int
    checkpoints: list[TopCheckpoint] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    train_seconds: float = 0.0


def top_spectrum(net: FCNet, X: np.ndarray, k: int, rng: np.random.Generator, *,
                 block: int | None = None, tol: float = 1e-6) -> TopEigenpairs:
    """The top-k eigenpairs of G(X, X) by block Lanczos on the matrix-free product."""
    return top_eigenpairs(gramian_operator(net, X), k, rng=rng, block=block, tol=tol)


def energy_bound(values: np.ndarray, residual: float, k: int) -> np.ndarray:
    """2 sqrt(j) r / (theta_j - theta_{j+1} - 2 r) for j = 1..k (Davis-Kahan, Ritz gaps;
    inf where the gap does not exceed 2 r or theta_{k+1} is missing)."""
    theta = np.append(np.asarray(values, dtype=float)[:k + 1], -np.inf)
    gap = theta[:k] - theta[1:k + 1] - 2.0 * residual
    j = np.arange(1, k + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(gap) & (gap > 0), 2.0 * np.sqrt(j) * residual / gap, np.inf)


def checkpoint(net: FCNet, X: np.ndarray, y: np.ndarray, t: int, delta: float,
               eig: TopEigenpairs, seconds: float, k: int) -> TopCheckpoint:
    """The alignment numbers of ``net`` at step t from its top eigenpairs ``eig`` (k of them
    used, a (k+1)-th only for the gap of the bound)."""
    ks = np.arange(1, k + 1)
    vectors = eig.vectors[:, :k]
    f = predict(net, X)
    curve_f = met.relative_energy(vectors, f, ks) if np.any(f) else np.zeros(k)
    r = float(eig.residuals.max())
    return TopCheckpoint(t=t, delta=delta, train_loss=mse(net, X, y), values=eig.values[:k],
                         curve_y=met.relative_energy(vectors, y, ks), curve_f=curve_f,
                         bound=energy_bound(eig.values, r, k),
                         residual=r / float(eig.values[0]),
                         converged=eig.converged, seconds=seconds)


def top_alignment_run(X: np.ndarray, y: np.ndarray, rng: np.random.Generator, *, depth: int,
                      width: int, steps: int, k: int, checkpoints: Sequence[int],
                      lr_scale: float = 1.0, decay_at: Sequence[int] = (),
                      factor: float = 0.5, block: int | None = None, tol: float = 1e-6,
                      activation: str = "leaky_relu", desc: str = "GD") -> TopRun:
    """Initialise FC-NN-L{depth}-W{width} from ``rng``, train it by full-batch GD for ``steps``
    steps and record a :class:`TopCheckpoint` (top ``k`` eigenpairs) at each step of
    ``checkpoints`` (0 <= t <= steps)."""
    steps = validate.integer("steps", steps, 0)
    k = validate.integer("k", k, 1, len(y))
    wanted = {validate.integer("checkpoints", int(t), 0, steps) for t in checkpoints}
    if not wanted:
        raise InputError("checkpoints", "is empty", f"steps in [0, {steps}]")
    net = init_fc_net(X.shape[1], width, depth, rng, activation=activation)
    start = time.perf_counter()
    pairs = min(k + 1, len(y))
    first = top_spectrum(net, X, pairs, rng, block=block, tol=tol)
    first_seconds = time.perf_counter() - start
    run = TopRun(validate.positive("lr_scale", lr_scale) * len(y) / float(first.values[0]), k,
                 net.n_params)
    spent = [0.0]

    def record(t: int, model: FCNet, delta: float) -> None:
        if t not in wanted:
            return
        start = time.perf_counter()
        if t == 0:
            eig, took = first, first_seconds
        else:
            eig = top_spectrum(model, X, pairs, rng, block=block, tol=tol)
            took = time.perf_counter() - start
        run.checkpoints.append(checkpoint(model, X, y, t, delta, eig, took, k))
        spent[0] += time.perf_counter() - start

    start = time.perf_counter()
    run.losses = train(net, X, y, steps=steps, lr=run.lr, decay_at=decay_at, factor=factor,
                       on_step=record, desc=desc)
    run.train_seconds = time.perf_counter() - start - spent[0]
    return run
