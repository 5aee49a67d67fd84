"""Learning-rate schedules: epoch -> learning rate.

The paper speaks of "initial learning rates" without a schedule (spec WANG-DEF-ADAM,
Sec. 4.5 unknowns), so ``constant`` is the default; the others let a reproduction test
the decay the spec suspects behind Table 1 Case 4:

- ``constant``: ``lr``;
- ``step``: ``lr * decay ** floor(epoch / every)``;
- ``exponential``: ``lr * decay ** epoch``;
- ``cosine``: ``lr * (1 + cos(pi * min(epoch, epochs) / epochs)) / 2``;
- ``inverse``: ``lr / (1 + decay * epoch)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .. import validate

SCHEDULES = ("constant", "step", "exponential", "cosine", "inverse")
Schedule = Callable[[int], float]


def make_schedule(name: str, lr: float, *, decay: float = 0.5, every: int = 10,
                  epochs: int = 100) -> Schedule:
    """The schedule ``name`` starting at ``lr`` (see the module docstring for formulas)."""
    name = validate.choice("schedule", name, SCHEDULES)
    lr = validate.positive("lr", lr)
    if name == "constant":
        return lambda epoch: lr
    if name == "cosine":
        epochs = validate.integer("epochs", epochs, 1)
        return lambda epoch: lr * 0.5 * (1.0 + math.cos(math.pi * min(epoch, epochs) / epochs))
    if name == "inverse":
        decay = validate.real("decay", decay, 0.0)
        return lambda epoch: lr / (1.0 + decay * epoch)
    decay = validate.real("decay", decay, 0.0, 1.0, open_lo=True)
    if name == "exponential":
        return lambda epoch: lr * decay**epoch
    every = validate.integer("every", every, 1)
    return lambda epoch: lr * decay ** (epoch // every)
