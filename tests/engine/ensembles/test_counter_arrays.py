"""The array-module route of the counter-based matrices (NumPy here, CuPy on a GPU) draws the
numba kernel's numbers: bit for bit where only integer and +, -, *, / arithmetic is involved,
to rounding where exp, log or pow are (the Student-t map's pow)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.ensembles.counter_arrays import philox
from rmtcheck.ensembles.counter_rng import counter_block, philox4x32_10
from rmtcheck.ensembles.matrices import ENTRY_LAWS

KEY = 0x0123456789ABCDEF
EXACT = ("gaussian", "uniform", "rademacher")


def _xps():
    out = [pytest.param(np, id="numpy")]
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        out.append(pytest.param(cupy, id="cupy", marks=pytest.mark.gpu))
    except Exception:  # no CuPy or no GPU: the GPU script runs this file where there is one
        pass
    return out


@pytest.mark.parametrize("xp", _xps())
@pytest.mark.parametrize("law", ENTRY_LAWS)
def test_the_array_route_draws_the_kernel_numbers(law, xp):
    cpu = counter_block(KEY, (5, 305), (3, 1204), law, stream=9, var=2.5, df=5.0)
    got = counter_block(KEY, (5, 305), (3, 1204), law, stream=9, var=2.5, df=5.0, xp=xp)
    got = got.get() if hasattr(got, "get") else got
    if law in EXACT:
        np.testing.assert_array_equal(got, cpu)
    else:  # pow near w = 1 cancels: w^(-2/df) - 1; a few ulps of pow, relative 1e-11 at most
        np.testing.assert_allclose(got, cpu, rtol=1e-11, atol=0)


@given(words=st.lists(st.integers(0, 2**32 - 1), min_size=6, max_size=6))
@settings(max_examples=50, deadline=None)  # the first call compiles the kernel
def test_the_array_philox_is_the_kernel_philox(words):
    c = np.array(words[:4], dtype=np.uint64)[:, None]
    expected = philox4x32_10(np.array(words[:4], dtype=np.uint32),
                             np.array(words[4:], dtype=np.uint32))
    got = philox(*c, words[4], words[5], np)
    assert [int(g[0]) for g in got] == [int(e) for e in expected]


def test_a_wrong_stream_or_key_gives_other_numbers():
    """Negative control: the comparison above can fail."""
    cpu = counter_block(KEY, (0, 50), (0, 60), "gaussian", stream=1)
    assert not np.array_equal(counter_block(KEY, (0, 50), (0, 60), "gaussian", stream=2,
                                            xp=np), cpu)
    assert not np.array_equal(counter_block(KEY + 1, (0, 50), (0, 60), "gaussian", stream=1,
                                            xp=np), cpu)
