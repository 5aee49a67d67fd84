"""Every parallel numba kernel gives the same bytes with 1 and 2 threads: the counter-based
matrices (tests/engine/ensembles/test_counter_rng.py), and here the Sturm counts and
multisection eigenvalues, the canonical-classification sample and the fused two-layer
features. Each digest is computed in a fresh process started with NUMBA_NUM_THREADS set
(BLAS pinned to one thread, so that only numba's thread count changes)."""

import os
import subprocess
import sys

_DIGEST = """
import hashlib, numpy as np
from rmtcheck.ensembles.fused import ccm_sample_counter, two_layer_features
from rmtcheck.spectra.sturm import Tridiagonal
rng = np.random.default_rng(3)
h = hashlib.sha256()
d, e = rng.standard_normal(4001), rng.standard_normal(4000)
t = Tridiagonal(d, e)
h.update(t.counts(np.linspace(-5, 5, 3001)).tobytes())
for part in t.extreme_eigenvalues(3):
    h.update(part.tobytes())
X, y = ccm_sample_counter(5, 40, 4, 30, 2.0)
h.update(X.tobytes()); h.update(y.tobytes())
W = rng.standard_normal((300, 40))
for f in two_layer_features(W, X.T, {activation!r}):
    h.update(f.tobytes())
print(h.hexdigest())
"""


def _digest(threads: int, activation: str) -> str:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", _DIGEST.format(activation=activation)],
                         env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_same_bytes_with_one_and_two_threads():
    one = _digest(1, "tanh")
    assert len(one) == 64
    assert _digest(2, "tanh") == one
    # negative control: the digest sees the data (another activation, other bytes)
    assert _digest(2, "relu") != one
