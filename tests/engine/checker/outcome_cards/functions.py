"""Functions of the outcome test catalogue."""

import numpy as np


def one(x):
    return np.array([1.0])


def identity(rng, x):
    return np.array([x])


def identity_theory(x):
    return np.array([x])


def pair(x):
    return np.array([x, x])


def raises(rng, x):
    raise RuntimeError("the card's function broke")


def not_a_number(rng, x):
    return np.array([np.nan])


def off_by_five(rng, x):
    return np.array([x + 5.0])


def margin(rng, x):
    return 1.0 - x
