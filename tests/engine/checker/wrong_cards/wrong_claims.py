"""Empirical side of the deliberately wrong test card."""

import numpy as np
from rmtcheck.theory.classical.claims import symmetric_matrix


def superadditive_margin(rng, n, spectrum):
    a, b = symmetric_matrix(rng, n, spectrum), symmetric_matrix(rng, n, spectrum)
    top = lambda m: np.linalg.eigvalsh(m)[-1]  # noqa: E731
    return top(a + b) - top(a) - top(b)
