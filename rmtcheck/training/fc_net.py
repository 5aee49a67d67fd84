"""GD, SGD and Adam for FC networks under the NSA loss L = (1/N) sum_i 1/2 (f_i - y_i)^2.

NSA (seed 000; spec NTK-EQ-1, NTK-EQ-GD): theta_{t+1} = theta_t - delta_t grad L, with a
step size decayed by ``factor`` at the steps in ``decay_at`` (the dashed lines of the paper's
plots). Adam follows App. S (beta1 = 0.75, beta2 = 0.999, eps = 1e-10 by default).
``on_step(t, net, delta_t)`` is called before step t (and once more after the last step with
t = steps), so callers can take snapshots of the Gramian on any schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import validate
from ..ensembles.fc_net import FCNet, backward, forward, param_grads
from ..errors import InputError
from ..progress import track
from .optimizers import make_optimizer

OPTIMIZERS = ("gd", "sgd", "adam")
Hook = Callable[[int, FCNet, float], Any] | None


def loss_and_grads(net: FCNet, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """L = (1/N) sum 1/2 (f_i - y_i)^2 and its gradients [dW_0, db_0, ...] (eq. A7)."""
    fw = forward(net, X)
    r = fw.out - y
    grads = param_grads(fw, backward(net, fw, r / len(y)))
    return 0.5 * float(r @ r) / len(y), grads


def mse(net: FCNet, X: np.ndarray, y: np.ndarray) -> float:
    """The loss (1/N) sum 1/2 (f_i - y_i)^2 without gradients."""
    fw = forward(net, X)
    r = fw.out - y
    return 0.5 * float(r @ r) / len(y)


def step_size(t: int, lr: float, decay_at: Sequence[int] = (), factor: float = 0.5) -> float:
    """delta_t = lr * factor^(number of decay steps <= t)."""
    return lr * factor ** sum(1 for s in decay_at if t >= s)


def train(net: FCNet, X: np.ndarray, y: np.ndarray, *, steps: int, lr: float,
          optimizer: str = "gd", decay_at: Sequence[int] = (), factor: float = 0.5,
          batch: int | None = None, rng: np.random.Generator | None = None,
          betas: tuple[float, float] = (0.75, 0.999), eps: float = 1e-10,
          on_step: Hook = None, desc: str = "training") -> list[float]:
    """Train ``net`` in place; returns the full-data loss before every step.

    ``optimizer``: "gd" (full batch), "sgd" (``batch`` rows drawn without replacement from
    ``rng`` each step) or "adam" (full batch, or mini-batches when ``batch`` is set)."""
    validate.choice("optimizer", optimizer, OPTIMIZERS)
    steps = validate.integer("steps", steps, 0)
    lr = validate.positive("lr", lr)
    factor = validate.real("factor", factor, 0.0, 1.0, open_lo=True)
    n = len(y)
    if batch is not None or optimizer == "sgd":
        batch = validate.integer("batch", batch if batch is not None else n, 1, n)
        if rng is None:
            raise InputError("rng", "mini-batch training needs a generator", "a numpy Generator")
    params = [p for w, b in zip(net.weights, net.biases, strict=True) for p in (w, b)]
    opt = make_optimizer(optimizer, beta1=betas[0], beta2=betas[1], eps=eps) \
        if optimizer == "adam" else make_optimizer(optimizer)
    losses = []
    for t in track(range(steps), desc=desc):
        delta = step_size(t, lr, decay_at, factor)
        if on_step is not None:
            on_step(t, net, delta)
        if batch is not None and batch < n:
            rows = rng.choice(n, size=batch, replace=False)
            losses.append(mse(net, X, y))
            _, grads = loss_and_grads(net, X[rows], y[rows])
        else:
            loss, grads = loss_and_grads(net, X, y)
            losses.append(loss)
        opt.step(params, grads, delta)
    if on_step is not None:
        on_step(steps, net, step_size(steps, lr, decay_at, factor))
    return losses
