"""Counter-based sampler: Philox known answers, thread- and split-invariance, entry laws.

Statistical tolerances are fixed before looking at the data: |z| <= 4.5 for moment and
correlation z-scores (two-sided null probability 7e-6 each) and KS p-value >= 1e-4; every
statistic also has a negative control that the same threshold must reject.
"""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from rmtcheck.ensembles.counter_rng import (
    counter_block,
    counter_key,
    counter_matrix,
    philox4x32_10,
)
from rmtcheck.errors import InputError

Z_MAX = 4.5
KS_ALPHA = 1e-4
N = 1_000_000

# Random123 kat_vectors (Salmon et al. 2011), "philox4x32 10": counter, key, expected output.
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    (
        (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
        (0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
    ),
]


@pytest.mark.parametrize("counter,key,expected", KAT)
def test_philox_known_answers(counter, key, expected):
    out = philox4x32_10(np.array(counter, np.uint32), np.array(key, np.uint32))
    assert out.tolist() == list(expected)


def test_philox_rejects_a_changed_key_bit():
    """Negative control of the known-answer test: one flipped key bit changes every word."""
    counter, key, expected = KAT[2]
    out = philox4x32_10(np.array(counter, np.uint32), np.array((key[0] ^ 1, key[1]), np.uint32))
    assert all(a != b for a, b in zip(out.tolist(), expected, strict=True))


LAWS = ["gaussian", "rademacher", "uniform", "student_t"]
_DIGEST = """
import hashlib, numpy as np
from rmtcheck.ensembles.counter_rng import counter_matrix
h = hashlib.sha256()
for law in {laws!r}:
    h.update(counter_matrix(203, 517, law, np.random.default_rng(7), df=5.5).tobytes())
print(h.hexdigest())
"""


def _digest_with_threads(threads: int) -> str:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))
    code = _DIGEST.format(laws=LAWS)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_same_bytes_for_one_and_two_threads():
    one, two = _digest_with_threads(1), _digest_with_threads(2)
    assert one == two
    here = hashlib.sha256()
    for law in LAWS:
        here.update(counter_matrix(203, 517, law, np.random.default_rng(7), df=5.5).tobytes())
    assert here.hexdigest() == one
    # negative control: another seed gives other bytes
    other = counter_matrix(203, 517, "gaussian", np.random.default_rng(8)).tobytes()
    assert hashlib.sha256(other).hexdigest() != one


@settings(max_examples=25, deadline=None)
@given(
    law=st.sampled_from(LAWS),
    p=st.integers(1, 40),
    n=st.integers(1, 300),
    cut_row=st.floats(0, 1),
    cut_col=st.floats(0, 1),
    key=st.integers(0, 2**64 - 1),
    stream=st.integers(0, 2**32 - 1),
)
def test_any_block_split_gives_the_same_entries(law, p, n, cut_row, cut_col, key, stream):
    full = counter_block(key, (0, p), (0, n), law, stream=stream)
    r, c = int(cut_row * p), int(cut_col * n)
    parts = [
        [counter_block(key, rows, cols, law, stream=stream) for cols in ((0, c), (c, n))]
        for rows in ((0, r), (r, p))
    ]
    assert np.array_equal(np.block(parts), full)


def test_float32_is_the_rounded_float64():
    x64 = counter_block(3, (0, 50), (0, 70))
    x32 = counter_block(3, (0, 50), (0, 70), dtype=np.float32)
    assert np.array_equal(x64.astype(np.float32), x32)


def test_key_comes_from_the_generator():
    assert counter_key(np.random.default_rng(1)) == counter_key(np.random.default_rng(1))
    assert counter_key(np.random.default_rng(1)) != counter_key(np.random.default_rng(2))
    a = counter_matrix(30, 40, rng=np.random.default_rng(5))
    assert np.array_equal(a, counter_block(counter_key(np.random.default_rng(5)), (0, 30), (0, 40)))


def _exact_law(law: str, df: float = 8.0, var: float = 1.0):
    s = math.sqrt(var)
    if law == "gaussian":
        return stats.norm(scale=s)
    if law == "uniform":
        return stats.uniform(-math.sqrt(3) * s, 2 * math.sqrt(3) * s)
    return stats.t(df, scale=s * math.sqrt((df - 2) / df))


def _moment_z(x: np.ndarray, var: float, fourth: float) -> tuple[float, float]:
    """z-scores of the sample mean and variance against mean 0 and variance ``var``
    (SE of the mean sqrt(var / N); of the second moment sqrt((E x^4 - var^2) / N))."""
    m = x.size
    z_mean = x.mean() / math.sqrt(var / m)
    z_var = (np.mean(x * x) - var) / math.sqrt((fourth - var**2) / m)
    return float(z_mean), float(z_var)


FOURTH = {"gaussian": 3.0, "rademacher": 1.0, "uniform": 9.0 / 5.0, "student_t": 3.0 + 6.0 / 4.0}


@pytest.mark.parametrize("law", LAWS)
def test_moments_match_and_a_wrong_variance_is_rejected(law):
    x = counter_matrix(1000, 1000, law, np.random.default_rng(11)).ravel()
    wrong = counter_matrix(1000, 1000, law, np.random.default_rng(11), var=1.02).ravel()
    if law == "rademacher":  # x^2 = 1 exactly: the variance has no sampling error
        assert np.all(x * x == 1.0) and not np.all(wrong * wrong == 1.0)
        assert abs(x.mean() / math.sqrt(1.0 / x.size)) <= Z_MAX
        return
    z_mean, z_var = _moment_z(x, 1.0, FOURTH[law])
    assert abs(z_mean) <= Z_MAX and abs(z_var) <= Z_MAX
    # negative control: 2% more variance than claimed
    assert abs(_moment_z(wrong, 1.0, FOURTH[law])[1]) > Z_MAX


@pytest.mark.parametrize("law", ["gaussian", "uniform", "student_t"])
def test_ks_of_a_million_entries_against_the_exact_law(law):
    x = counter_matrix(1000, 1000, law, np.random.default_rng(12)).ravel()
    assert stats.kstest(x, _exact_law(law).cdf).pvalue >= KS_ALPHA
    # negative control: the same entries against the law with 5% more variance
    assert stats.kstest(x, _exact_law(law, var=1.05).cdf).pvalue < KS_ALPHA


def test_rademacher_frequency_and_values():
    x = counter_matrix(1000, 1000, "rademacher", np.random.default_rng(13)).ravel()
    assert set(np.unique(x)) == {-1.0, 1.0}
    z = (np.mean(x > 0) - 0.5) / math.sqrt(0.25 / x.size)
    assert abs(z) <= Z_MAX
    # negative control: a biased coin (P(+1) = 0.502) is rejected
    assert abs((np.mean(x > 0) + 0.002 - 0.5) / math.sqrt(0.25 / x.size)) > Z_MAX


def test_gaussian_tail_beyond_the_ziggurat_base():
    """The tail algorithm (|z| > r = 3.654) fires at the exact rate P(|Z| > r)."""
    r = 3.6541528853610088
    x = counter_matrix(2000, 5000, "gaussian", np.random.default_rng(14)).ravel()
    expected = x.size * 2 * stats.norm.sf(r)
    count = np.count_nonzero(np.abs(x) > r)
    assert abs(count - expected) / math.sqrt(expected) <= Z_MAX
    beyond = np.abs(x[np.abs(x) > r])  # conditional law of the tail: KS against it
    tail_cdf = lambda t: 1 - stats.norm.sf(t) / stats.norm.sf(r)  # noqa: E731
    assert stats.kstest(beyond, tail_cdf).pvalue >= KS_ALPHA
    # negative control: the rate under a 2% larger variance is rejected
    wrong = x.size * 2 * stats.norm.sf(r / math.sqrt(1.02))
    assert abs(count - wrong) / math.sqrt(wrong) > Z_MAX


def _corr_z(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation times sqrt(N): N(0, 1) for independent pairs."""
    return float(np.corrcoef(a, b)[0, 1] * math.sqrt(a.size))


@pytest.mark.parametrize("law", LAWS)
def test_streams_rows_and_columns_are_uncorrelated(law):
    rng = np.random.default_rng(15)
    key = counter_key(rng)
    a = counter_block(key, (0, 1000), (0, 1000), law, stream=0)
    b = counter_block(key, (0, 1000), (0, 1000), law, stream=1)
    assert abs(_corr_z(a.ravel(), b.ravel())) <= Z_MAX  # across streams
    assert abs(_corr_z(a[:, :-1].ravel(), a[:, 1:].ravel())) <= Z_MAX  # neighbour columns
    assert abs(_corr_z(a[:-1].ravel(), a[1:].ravel())) <= Z_MAX  # neighbour rows
    assert abs(_corr_z(a[:, 0::2].ravel(), a[:, 1::2].ravel())) <= Z_MAX  # block halves
    # negative control: a correlation of 0.01 is detected
    mixed = 0.01 * a + math.sqrt(1 - 1e-4) * b
    assert abs(_corr_z(a.ravel(), mixed.ravel())) > Z_MAX


@pytest.mark.parametrize(
    "kwargs",
    [
        {"law": "cauchy"},
        {"law": "student_t", "df": 4.0},
        {"var": 0.0},
        {"dtype": np.int32},
        {"stream": -1},
        {"stream": 2**32},
    ],
)
def test_bad_input(kwargs):
    with pytest.raises(InputError):
        counter_matrix(3, 4, rng=0, **kwargs)


@pytest.mark.parametrize("p,n", [(0, 3), (3, 0), (1.5, 3)])
def test_bad_shape(p, n):
    with pytest.raises(InputError):
        counter_matrix(p, n, rng=0)
