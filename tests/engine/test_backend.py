"""Backends: NumPy by default, CuPy on request with one clear error when it cannot run."""

import numpy as np
import pytest

import rmtcheck as rc
from rmtcheck import InputError
from rmtcheck.backend import backend_name, get_backend, set_backend


def _cupy_usable() -> bool:
    try:
        get_backend("cupy")
    except InputError:
        return False
    return True


def test_numpy_is_the_default(monkeypatch):
    monkeypatch.delenv("RMTCHECK_BACKEND", raising=False)
    set_backend(None)
    assert backend_name() == "numpy" and get_backend() is np


def test_unknown_backend_names_the_valid_ones(monkeypatch):
    with pytest.raises(InputError, match="numpy, cupy"):
        set_backend("torch")
    set_backend(None)
    monkeypatch.setenv("RMTCHECK_BACKEND", "jax")
    with pytest.raises(InputError, match="RMTCHECK_BACKEND"):
        backend_name()


@pytest.mark.skipif(_cupy_usable(), reason="CuPy works here; the error path cannot be exercised")
def test_cupy_unavailable_is_one_clear_error():
    with pytest.raises(InputError, match="cupy is not usable here") as err:
        set_backend("cupy")
    assert "\n" not in str(err.value) and "rmtcheck[gpu]" in str(err.value)


@pytest.mark.gpu
@pytest.mark.skipif(not _cupy_usable(), reason="needs CuPy and a CUDA GPU")
def test_cupy_backend_matches_numpy():
    """Same seed, same host draws: GPU eigenvalues equal the CPU ones to rounding, and the
    MP check passes on the GPU path."""
    x = rc.random_matrix(300, 600, "rademacher", rng=3)
    cpu = rc.wishart_eigvalsh(x)
    try:
        set_backend("cupy")
        xg = rc.random_matrix(300, 600, "rademacher", rng=3)
        assert type(xg).__module__.startswith("cupy")
        gpu = rc.wishart_eigvalsh(xg)
        assert np.allclose(cpu, gpu, atol=1e-10)
        assert rc.check("RMT-MP-LAW", {"p": 500}).passed
    finally:
        set_backend("numpy")
