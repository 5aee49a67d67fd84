"""A GD run of an FC network with Gramian checkpoints: the NSA alignment experiment.

NSA (seed 000 App. H-R; poster seed 001): train f on (X, y) by full-batch GD with
delta_0 = lr_scale * N / lambda_max(G_0) (lr_scale = 1 is half the stability bound
2N/lambda_max), decay delta by ``factor`` at ``decay_at``, and at each checkpoint record
the spectrum of G_t and the metrics of spec Sec. 2.3 (``spectra.nsa_metrics``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.fc_net import FCNet, init_fc_net, predict
from rmtcheck.spectra.gramian import gramian
from rmtcheck.training.fc_net import loss_and_grads, mse, train

from . import metrics as met
from .dynamics import eig_desc


@dataclass
class Checkpoint:
    """Metrics of G_t at one step t (vectors kept only when asked)."""

    t: int
    delta: float
    train_loss: float
    test_loss: float
    values: np.ndarray
    energy_y: np.ndarray
    energy_f: float
    energy_m: float
    yGy: float
    yGinvy: float
    ratio: float
    error: float
    cos: float
    outputs: np.ndarray
    vectors: np.ndarray | None = None


@dataclass
class AlignmentRun:
    """All checkpoints of one run, with the trained network and its data."""

    net: FCNet
    X: np.ndarray
    y: np.ndarray
    lr: float
    ks: tuple[int, ...]
    checkpoints: list[Checkpoint] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)

    def series(self, name: str) -> np.ndarray:
        """One field over the checkpoints, stacked (e.g. ``series("values")``: T x N)."""
        return np.array([getattr(c, name) for c in self.checkpoints])

    @property
    def steps(self) -> np.ndarray:
        return self.series("t")


def _first_order(net: FCNet, X: np.ndarray, y: np.ndarray, G: np.ndarray, f: np.ndarray,
                 delta: float) -> tuple[float, float]:
    """error_t and cos alpha_t of one GD step taken on a copy of ``net`` (NTK-MET-2)."""
    trial = net.copy()
    _, grads = loss_and_grads(trial, X, y)
    params = [p for w, b in zip(trial.weights, trial.biases, strict=True) for p in (w, b)]
    for p, g in zip(params, grads, strict=True):
        p -= delta * g
    return met.first_order_error(predict(trial, X) - f, G, f - y, delta)


def alignment_run(X: np.ndarray, y: np.ndarray, rng: np.random.Generator, *, depth: int,
                  width: int, steps: int, lr_scale: float = 1.0,
                  decay_at: Sequence[int] = (), factor: float = 0.5,
                  checkpoints: Sequence[int] = (), ks: Sequence[int] = (10,),
                  X_test: np.ndarray | None = None, y_test: np.ndarray | None = None,
                  activation: str = "leaky_relu", shortcuts: bool = False,
                  keep_vectors: bool = False, desc: str = "GD") -> AlignmentRun:
    """Initialise FC-NN-L{depth}-W{width} from ``rng`` and train it with GD, recording
    ``Checkpoint``s at the steps in ``checkpoints`` (t = steps allowed)."""
    lr_scale = validate.positive("lr_scale", lr_scale)
    net = init_fc_net(X.shape[1], width, depth, rng, activation=activation,
                      shortcuts=shortcuts)
    n = len(y)
    lr = lr_scale * n / float(eig_desc(gramian(net, X)).values[0])
    run = AlignmentRun(net, X, y, lr, tuple(ks))
    quarter = max(1, n // 4)
    wanted = set(checkpoints)

    def record(t: int, model: FCNet, delta: float) -> None:
        if t not in wanted:
            return
        G = gramian(model, X)
        e = eig_desc(G)
        f = predict(model, X)
        yGy, yGinv = met.quadratic_forms(e.values, e.vectors, y)
        err, cos = _first_order(model, X, y, G, f, delta)
        run.checkpoints.append(Checkpoint(
            t=t, delta=delta, train_loss=mse(model, X, y),
            test_loss=mse(model, X_test, y_test) if X_test is not None else float("nan"),
            values=e.values, energy_y=np.atleast_1d(met.relative_energy(e.vectors, y, list(ks))),
            energy_f=met.relative_energy(e.vectors, f, quarter),
            energy_m=met.relative_energy(e.vectors, f - y, quarter),
            yGy=yGy, yGinvy=yGinv, ratio=delta * float(e.values[0]) / n, error=err, cos=cos,
            outputs=f, vectors=e.vectors if keep_vectors else None))

    run.losses = train(net, X, y, steps=steps, lr=lr, decay_at=decay_at, factor=factor,
                       on_step=record, desc=desc)
    return run


def run_summary(run: AlignmentRun) -> dict[str, Any]:
    """First and last checkpoint numbers of a run, JSON-ready."""
    first, last = run.checkpoints[0], run.checkpoints[-1]
    return {
        "lr": run.lr, "params": run.net.n_params,
        "train_loss": [first.train_loss, last.train_loss],
        "test_loss": [first.test_loss, last.test_loss],
        "lam_max": [float(first.values[0]), float(last.values[0])],
        "ratio": [first.ratio, last.ratio],
        **{f"E_y_{k}": [float(first.energy_y[i]), float(last.energy_y[i])]
           for i, k in enumerate(run.ks)},
    }
