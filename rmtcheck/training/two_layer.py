"""Training the linear-width two-layer network f(x) = v^T sigma(W x / sqrt d) / sqrt h.

Source: Wang et al. (2023), eqs. (2), (3), (7), (10),
(18)-(19); spec IDs WANG-DEF-NET2, -LOSS, -GRAD, -GD, -GD1, -SGD, -ADAM, -ADAGRAD.
Shapes: X is d x n (columns are samples), y has n entries, W is h x d, v has h entries.
With Z = W X / sqrt(d) and residual r = y - f(X), the eq.-(2) loss (1/(2n))||r||^2 has

    grad_W = -(1/(n sqrt(d h))) [(v r^T) * sigma'(Z)] X^T        (eq. 19, G_t = -grad_W)
    grad_v = -(1/(n sqrt(h))) sigma(Z) r

and the ``mean`` convention (1/n)||r||^2 (PyTorch ``MSELoss``) doubles both. Mini-batches
use the same formulas with n replaced by the batch size. :func:`train` runs GD, SGD, Adam
or AdaGrad on the first layer (eq. 10, v frozen) or on both layers, stops at a loss
threshold or an epoch budget, reports divergence as a status (never raises), and calls
checkpoint hooks where spectra and metrics are recorded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from .. import validate
from ..backend import get_backend, to_numpy
from ..errors import InputError
from ..laws.two_layer_kernels import preactivations
from ..progress import track
from ..rng import as_generator
from .optimizers import OPTIMIZERS, make_optimizer
from .schedules import make_schedule

LOSSES = ("half_mean", "mean")
LAYERS = ("first", "both")
STATUSES = ("converged", "budget", "diverged")
DTYPES = ("float64", "float32")


class Activation(Protocol):
    """An entrywise activation with its derivative (e.g. a normalized tanh)."""

    def __call__(self, x: Any) -> Any: ...

    def derivative(self, x: Any) -> Any: ...


def forward(W: Any, v: Any, X: Any, act: Activation) -> tuple[Any, Any, Any]:
    """(Z, sigma(Z), f(X)) with Z = W X / sqrt(d) and f(X) = v^T sigma(Z) / sqrt(h) (eq. 7)."""
    Z = preactivations(W, X)
    A = act(Z)
    return Z, A, (v @ A) / math.sqrt(W.shape[0])


def loss_value(residual: Any, loss: str = "half_mean") -> float:
    """(1/(2m))||r||^2 (eq. 2, ``half_mean``) or (1/m)||r||^2 (``mean``), m = len(r)."""
    r2 = float((residual * residual).sum())
    return r2 / (2 * residual.shape[0]) if loss == "half_mean" else r2 / residual.shape[0]


def _backward(W: Any, v: Any, X: Any, y: Any, act: Activation, loss: str
              ) -> tuple[Any, Any, Any, float]:
    """(G, A, r, c): grad_W = G X^T with G = -(c/(n sqrt(d h))) (v r^T) o sigma'(Z) (eq. 19),
    A = sigma(Z), residual r and the loss factor c (1 for eq. 2, 2 for ``mean``)."""
    Z, A, f = forward(W, v, X, act)
    r = y - f
    n, d, h = X.shape[1], X.shape[0], W.shape[0]
    c = 1.0 if loss == "half_mean" else 2.0
    G = act.derivative(Z)  # a fresh array, scaled in place; the scale is folded into r
    G *= v[:, None]
    G *= ((-c / (n * math.sqrt(d * h))) * r)[None, :]
    return G, A, r, c


def gradients(W: Any, v: Any, X: Any, y: Any, act: Activation, loss: str = "half_mean",
              layers: str = "both") -> tuple[Any, Any | None, float]:
    """(grad_W, grad_v or None when ``layers = "first"``, loss) at (W, v) on (X, y),
    eqs. (18)-(19) and the derived v-gradient (see the module docstring)."""
    G, A, r, c = _backward(W, v, X, y, act, loss)
    gv = (-c / (X.shape[1] * math.sqrt(W.shape[0]))) * (A @ r) if layers == "both" else None
    return G @ X.T, gv, loss_value(r, loss)


def sgd_step(W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, act: Activation,
             lr: float, loss: str = "half_mean", layers: str = "both") -> None:
    """One plain (S)GD step in place on NumPy arrays, W <- W - lr grad_W, v <- v - lr grad_v,
    with lr folded into the h x batch factor G before the GEMM (W += (-lr G) X^T).

    Every product goes through NumPy's BLAS. A SciPy gemm with beta = 1 (no h x d temporary)
    beside it made the two OpenBLAS thread pools compete: 8 ms against 0.4 ms a step at
    n = 500 on two cores; on one thread per process the temporary costs about 25% per epoch
    at n = 2000 (benchmarks/bench_wang_training.py)."""
    G, A, r, c = _backward(W, v, X, y, act, loss)
    if layers == "both":
        v -= lr * ((-c / (X.shape[1] * math.sqrt(W.shape[0]))) * (A @ r))
    G *= -lr
    W += G @ X.T


@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run (defaults: first-layer GD, eq. (2), constant lr).

    ``batch_size = None`` is full batch (an epoch is one step), else 1 <= batch_size <= n:
    SGD draws a fresh random permutation each epoch and takes ceil(n / batch_size) steps.
    ``loss_threshold`` stops when the full training loss drops below it;
    ``checkpoint_every = k > 0`` calls the hooks
    every k epochs (always at epoch 0 and at the last finite epoch). A run diverges when the
    loss or a parameter becomes non-finite, or the loss exceeds ``divergence_factor`` times
    its initial value. ``dtype`` (float64 or float32) is the working precision of data,
    weights and gradients.
    """

    optimizer: str = "gd"
    lr: float = 1.0
    layers: str = "first"
    loss: str = "half_mean"
    batch_size: int | None = None
    epochs: int = 100
    loss_threshold: float | None = None
    schedule: str = "constant"
    schedule_options: dict[str, Any] = field(default_factory=dict)
    optimizer_options: dict[str, Any] = field(default_factory=dict)
    checkpoint_every: int = 0
    divergence_factor: float = 1e4
    dtype: str = "float64"
    desc: str = "training"

    def validated(self) -> TrainConfig:
        validate.choice("optimizer", self.optimizer, OPTIMIZERS)
        validate.choice("loss", self.loss, LOSSES)
        validate.choice("dtype", self.dtype, DTYPES)
        validate.choice("layers", self.layers, LAYERS)
        validate.positive("lr", self.lr)
        validate.integer("epochs", self.epochs, 0)
        validate.integer("checkpoint_every", self.checkpoint_every, 0)
        validate.real("divergence_factor", self.divergence_factor, 1.0)
        if self.batch_size is not None:
            validate.integer("batch_size", self.batch_size, 1)
        if self.loss_threshold is not None:
            validate.real("loss_threshold", self.loss_threshold, 0.0)
        if self.optimizer == "gd" and self.batch_size is not None:
            raise InputError("batch_size", "given for full-batch gd", "None, or optimizer='sgd'")
        return self


@dataclass
class Snapshot:
    """What a checkpoint hook sees: epoch, current weights (host arrays) and training loss."""

    epoch: int
    W: np.ndarray
    v: np.ndarray
    loss: float


Hook = Callable[[Snapshot], dict[str, Any] | None]


@dataclass
class TrainResult:
    """Outcome of :func:`train`: final and initial weights, status, per-epoch training
    losses (index = epoch, entry 0 at initialization) and the hooks' checkpoint records."""

    W: np.ndarray
    v: np.ndarray
    W0: np.ndarray
    v0: np.ndarray
    status: str
    epochs: int
    steps: int
    losses: np.ndarray
    checkpoints: list[dict[str, Any]]
    message: str = ""

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


def _finite(*arrays: Any) -> bool:
    return all(bool(get_backend().isfinite(a).all()) for a in arrays if a is not None)


def train(W0: Any, v0: Any, X: Any, y: Any, act: Activation, config: TrainConfig | None = None,
          *, rng: np.random.Generator | int | None = None, hooks: Sequence[Hook] = (),
          **overrides: Any) -> TrainResult:
    """Train from (W0, v0) on (X, y); ``overrides`` replace fields of ``config``.

    Never raises on divergence: the result's ``status`` is ``"diverged"`` and ``W``/``v``
    hold the last finite iterate."""
    cfg = replace(config or TrainConfig(), **overrides).validated()
    xp = get_backend()
    X = xp.asarray(X, dtype=cfg.dtype)
    y = xp.asarray(y, dtype=cfg.dtype).ravel()
    W = xp.array(W0, dtype=cfg.dtype)
    v = xp.array(v0, dtype=cfg.dtype).ravel()
    d, n = X.shape
    if W.ndim != 2 or W.shape[1] != d or v.shape[0] != W.shape[0] or y.shape[0] != n:
        raise InputError("shapes", f"W {W.shape}, v {v.shape}, X {X.shape}, y {y.shape}",
                         "W h x d, v of length h, X d x n, y of length n")
    if cfg.batch_size is not None and cfg.batch_size > n:
        raise InputError("batch_size", f"got {cfg.batch_size}, larger than n = {n} samples",
                         f"integer in [1, {n}]")
    rng = as_generator(rng)
    opt = make_optimizer(cfg.optimizer, **cfg.optimizer_options)
    lr_at = make_schedule(cfg.schedule, cfg.lr, **cfg.schedule_options)
    batch = n if cfg.batch_size is None else cfg.batch_size
    both = cfg.layers == "both"
    params = [W, v] if both else [W]
    in_place = cfg.optimizer == "sgd" and xp is np  # mini-batch SGD through sgd_step

    def grads(idx: Any | None) -> tuple[list[Any], float]:
        Xb, yb = (X, y) if idx is None else (X[:, idx], y[idx])
        gW, gv, value = gradients(W, v, Xb, yb, act, cfg.loss, cfg.layers)
        return ([gW, gv] if both else [gW]), value

    def full_loss() -> float:
        return loss_value(y - forward(W, v, X, act)[2], cfg.loss)

    checkpoints: list[dict[str, Any]] = []

    def record(epoch: int, value: float) -> None:
        snap = Snapshot(epoch, to_numpy(W).copy(), to_numpy(v).copy(), value)
        row: dict[str, Any] = {"epoch": epoch, "loss": value}
        for hook in hooks:
            row.update(hook(snap) or {})
        checkpoints.append(row)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        g, loss0 = grads(None) if batch == n else (None, full_loss())
        losses = [loss0]
        record(0, loss0)
        status, steps, last = "budget", 0, [a.copy() for a in params]
        if cfg.loss_threshold is not None and loss0 < cfg.loss_threshold:
            status = "converged"
        for epoch in track(range(1, cfg.epochs + 1), desc=cfg.desc):
            if status != "budget":
                break
            lr = lr_at(epoch - 1)
            if batch == n:
                opt.step(params, g, lr)
                steps += 1
                g, value = grads(None)
            else:
                perm = rng.permutation(n)
                for start in range(0, n, batch):
                    idx = xp.asarray(perm[start:start + batch])
                    if in_place:
                        sgd_step(W, v, X[:, idx], y[idx], act, lr, cfg.loss, cfg.layers)
                    else:
                        opt.step(params, grads(idx)[0], lr)
                    steps += 1
                value = full_loss()
            if not (math.isfinite(value) and _finite(*params)) or \
                    value > cfg.divergence_factor * max(loss0, 1e-300):
                status = "diverged"
                for p, keep in zip(params, last, strict=True):
                    p[...] = keep
                break
            losses.append(value)
            last = [a.copy() for a in params]
            if cfg.loss_threshold is not None and value < cfg.loss_threshold:
                status = "converged"
            if cfg.checkpoint_every and epoch % cfg.checkpoint_every == 0 and status == "budget":
                record(epoch, value)
    done = len(losses) - 1
    if checkpoints[-1]["epoch"] != done:
        record(done, losses[-1])
    message = {"converged": f"training loss < {cfg.loss_threshold} after {done} epochs",
               "budget": f"epoch budget {cfg.epochs} spent (loss {losses[-1]:.3g})",
               "diverged": f"diverged in epoch {done + 1} at lr {cfg.lr:g}; "
                           f"weights of epoch {done}"}
    return TrainResult(W=to_numpy(W), v=to_numpy(v), W0=to_numpy(xp.asarray(W0, dtype=float)),
                       v0=to_numpy(xp.asarray(v0, dtype=float)).ravel(), status=status,
                       epochs=done, steps=steps, losses=np.asarray(losses),
                       checkpoints=checkpoints, message=message[status])
