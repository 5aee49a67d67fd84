"""First-order optimizers acting in place on lists of arrays (NumPy or CuPy).

Conventions follow the spec's WANG-DEF-GD / -SGD / -ADAM / -ADAGRAD (seed
Wang et al. (2023), eq. 3; hyper-parameters are the PyTorch defaults, which the
paper does not state):

- ``sgd`` (also plain GD when the batch is the full data set): ``p <- p - lr g``.
- ``adam`` (Kingma & Ba 2015, bias-corrected): ``m <- b1 m + (1-b1) g``,
  ``s <- b2 s + (1-b2) g^2``, ``p <- p - lr (m / (1-b1^t)) / (sqrt(s / (1-b2^t)) + eps)``.
- ``adagrad`` (Duchi et al. 2011): ``G <- G + g^2``, ``p <- p - lr g / (sqrt(G) + eps)``.
"""

from __future__ import annotations

from typing import Any

from .. import validate
from ..errors import InputError

OPTIMIZERS = ("gd", "sgd", "adam", "adagrad")


class SGD:
    """Plain (stochastic) gradient descent, no momentum and no weight decay."""

    def step(self, params: list[Any], grads: list[Any], lr: float) -> None:
        for p, g in zip(params, grads, strict=True):
            p -= lr * g


class Adam:
    """Adam with bias correction (defaults b1 = 0.9, b2 = 0.999, eps = 1e-8)."""

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.beta1 = validate.real("beta1", beta1, 0.0, 1.0, open_hi=True)
        self.beta2 = validate.real("beta2", beta2, 0.0, 1.0, open_hi=True)
        self.eps = validate.positive("eps", eps)
        self.t = 0
        self.m: list[Any] = []
        self.s: list[Any] = []

    def step(self, params: list[Any], grads: list[Any], lr: float) -> None:
        if not self.m:
            self.m = [0.0 * g for g in grads]
            self.s = [0.0 * g for g in grads]
        self.t += 1
        c1 = 1.0 - self.beta1**self.t
        c2 = 1.0 - self.beta2**self.t
        for p, g, m, s in zip(params, grads, self.m, self.s, strict=True):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            s *= self.beta2
            s += (1.0 - self.beta2) * g * g
            p -= lr * (m / c1) / ((s / c2) ** 0.5 + self.eps)


class AdaGrad:
    """AdaGrad with accumulator initialised at ``initial`` (default 0) and eps = 1e-10."""

    def __init__(self, eps: float = 1e-10, initial: float = 0.0) -> None:
        self.eps = validate.positive("eps", eps)
        self.initial = validate.real("initial", initial, 0.0)
        self.acc: list[Any] = []

    def step(self, params: list[Any], grads: list[Any], lr: float) -> None:
        if not self.acc:
            self.acc = [0.0 * g + self.initial for g in grads]
        for p, g, a in zip(params, grads, self.acc, strict=True):
            a += g * g
            p -= lr * g / (a**0.5 + self.eps)


def make_optimizer(name: str, **options: float) -> SGD | Adam | AdaGrad:
    """An optimizer by name (``gd`` and ``sgd`` are the same update; they differ in batch)."""
    name = validate.choice("optimizer", name, OPTIMIZERS)
    if name in ("gd", "sgd"):
        if options:
            raise InputError("optimizer options", f"{sorted(options)} given for {name}",
                                      "no options for plain (S)GD")
        return SGD()
    return Adam(**options) if name == "adam" else AdaGrad(**options)
