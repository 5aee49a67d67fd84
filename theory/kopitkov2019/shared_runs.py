"""One GD alignment run per configuration and process, shared by the cards that read it.

The checker seeds every card from (root seed, claim ID, parameters, trial), so two cards
never see the same generator. The NSA cards on the 2-D target (NTK-CLAIM-7, 8, 12, 13 and
the magnitude card) read different statistics off one and the same training run, so the
run is seeded by the root seed and trial of the card's generator together with the run's
own configuration, not the claim ID: cards checked at one seed share one run, trained once
per process (``lru_cache``), and a run never depends on which card asked first.

Runs (seed 000 App. H; spec Sec. 4.5): X ~ U[0, 1]^2 (N training and N test points), the
smooth 2-D target, FC-NN-L{depth}-W{width} (Leaky-ReLU 0.2, Xavier), full-batch GD with
delta_0 = lr_scale N / lambda_max(G_0), halved at 60 % and 80 % of the run, eigenvectors of
G_t kept at every checkpoint. ``target = "shuffled"`` trains on the same label values
permuted over the points (the shuffled-target control); the statistics are still read for
the smooth target y.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rmtcheck import validate
from rmtcheck.rng import stable_int

from .alignment import AlignmentRun, alignment_run
from .targets import smooth_target, uniform_points

TARGETS = ("smooth", "shuffled")


@dataclass(frozen=True)
class SharedRun:
    """A finished run and the smooth target y it is measured against (y_train: trained on)."""

    run: AlignmentRun
    y: np.ndarray
    y_train: np.ndarray


def run_key(rng: np.random.Generator) -> tuple[object, int]:
    """(root entropy, trial) of the SeedSequence behind ``rng``: the part of a card's seed
    that does not name the card."""
    seq = rng.bit_generator.seed_seq
    entropy = getattr(seq, "entropy", None)
    if entropy is None:  # a generator built without a SeedSequence: nothing to share
        return int(rng.integers(2**63)), 0
    key = entropy if isinstance(entropy, int) else tuple(np.atleast_1d(entropy).tolist())
    spawn = getattr(seq, "spawn_key", ())
    return key, int(spawn[-1]) if spawn else 0


def checkpoint_steps(steps: int, decay_at: tuple[int, ...], checkpoints: int = 10) -> list[int]:
    """t = 0, 1, the ends of ``checkpoints`` equal parts, and the step before each decay."""
    ticks = {0, 1, steps} | {int(s) for s in np.linspace(0, steps, checkpoints + 1)}
    return sorted(ticks | {d - 1 for d in decay_at if d > 0})


@lru_cache(maxsize=4)
def _cached(key: tuple[object, int], N: int, depth: int, width: int, steps: int,
            lr_scale: float, target: str) -> SharedRun:
    entropy, trial = key
    config = {"N": N, "depth": depth, "width": width, "steps": steps, "lr_scale": lr_scale,
              "target": target}
    rng = np.random.default_rng(np.random.SeedSequence(
        entropy=entropy, spawn_key=(stable_int("kopitkov2019/shared_run"), stable_int(config),
                                    trial)))
    X, Xt = uniform_points(N, rng), uniform_points(N, rng)
    y = smooth_target(X)
    y_train = rng.permutation(y) if target == "shuffled" else y
    decay_at = (int(0.6 * steps), int(0.8 * steps))
    run = alignment_run(X, y_train, rng, depth=depth, width=width, steps=steps,
                        lr_scale=lr_scale, decay_at=decay_at,
                        checkpoints=checkpoint_steps(steps, decay_at),
                        ks=(max(1, N // 16), max(1, N // 8)), X_test=Xt,
                        y_test=smooth_target(Xt), keep_vectors=True,
                        desc=f"L{depth}-W{width} ({target})")
    y.setflags(write=False)
    y_train.setflags(write=False)
    return SharedRun(run, y, y_train)


def shared_run(rng: np.random.Generator, N: int, depth: int, width: int, steps: int,
               lr_scale: float, target: str = "smooth") -> SharedRun:
    """The run of this configuration at the root seed and trial of ``rng`` (cached)."""
    validate.integer("N", N, 16)
    validate.integer("steps", steps, 10)
    validate.choice("target", target, TARGETS)
    return _cached(run_key(rng), int(N), int(depth), int(width), int(steps), float(lr_scale),
                   target)
