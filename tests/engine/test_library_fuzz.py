"""Library functions check their inputs: hostile values raise ValueError or TypeError
naming the argument (never numpy's own message, never silent garbage)."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmtcheck as rc
from rmtcheck.errors import InputError, InputTypeError


def test_complex_matrix_is_refused_not_given_negative_eigenvalues():
    x = rc.random_matrix(20, 40, rng=0) + 1j * rc.random_matrix(20, 40, rng=1)
    with pytest.raises(TypeError, match="^x: has complex entries"):
        rc.wishart_eigvalsh(x)
    with pytest.raises(TypeError, match="^matrix: has complex entries"):
        rc.eigvalsh(np.eye(3) * 1j)


def test_integer_matrix_is_cast_not_truncated():
    x = np.arange(12).reshape(3, 4)
    assert np.allclose(rc.wishart_eigvalsh(x), rc.wishart_eigvalsh(x.astype(float)))
    with pytest.raises(TypeError, match="^dtype: got int32"):
        rc.random_matrix(10, 20, rng=0, dtype=np.int32)
    assert rc.random_matrix(10, 20, rng=0, dtype=np.float32).dtype == np.float32


def test_sparse_and_non_finite_and_bad_shapes_are_refused():
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="^x: got a sparse"):
        rc.wishart_eigvalsh(sparse.random(10, 20, density=0.5, format="csr"))
    with pytest.raises(TypeError, match="^sample: got a sparse"):
        rc.compare_to_law(sparse.eye(5, format="csr"), rc.MarchenkoPastur(0.5))
    x = rc.random_matrix(5, 8, rng=0)
    x[1, 1] = np.nan
    with pytest.raises(ValueError, match="^x: contains NaN or inf"):
        rc.wishart_eigvalsh(x)
    for bad in (np.zeros(5), np.zeros((2, 2, 2)), np.zeros((0, 3))):
        with pytest.raises(ValueError, match="^x: has shape"):
            rc.wishart_eigvalsh(bad)
    with pytest.raises(TypeError, match="^x: "):
        rc.wishart_eigvalsh([["a", "b"]])


def test_bad_rng_names_the_argument():
    for bad in ("seed", -1, 1.5, True, object()):
        with pytest.raises(TypeError, match="^rng: "):
            rc.random_matrix(3, 4, rng=bad)
    for good in (None, 0, np.int64(3), np.random.SeedSequence(1), np.random.default_rng(2)):
        assert rc.random_matrix(3, 4, rng=good).shape == (3, 4)


def test_compare_to_law_checks_margin_law_and_sample():
    eig = rc.laguerre_eigvalsh(200, 400, rng=0)
    law = rc.MarchenkoPastur(0.5)
    for bad in (math.nan, math.inf, "0.1"):
        with pytest.raises(ValueError, match="^outlier_margin: "):
            rc.compare_to_law(eig, law, outlier_margin=bad)
    with pytest.raises(TypeError, match="^law: "):
        rc.compare_to_law(eig, "mp")
    with pytest.raises(TypeError, match="^sample: has complex"):
        rc.compare_to_law(eig + 0j, law)
    assert rc.compare_to_law(eig, law, outlier_margin=0.05).outliers == 0


def test_marchenko_pastur_maps_nan_to_nan():
    law = rc.MarchenkoPastur(0.5)
    assert np.isnan(law.pdf(np.nan)) and np.isnan(law.cdf(np.nan))
    assert law.pdf(1.0) > 0 and law.pdf(100.0) == 0.0  # negative control: real points


def test_input_type_error_is_both():
    assert issubclass(InputTypeError, TypeError) and issubclass(InputTypeError, InputError)


HOSTILE = st.one_of(
    st.integers(min_value=-10**30, max_value=0), st.integers(min_value=10**13, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.none(),
    st.booleans(), st.lists(st.integers(), max_size=3), st.just(np.zeros((2, 2))),
    st.just(1j), st.just(object()),
)
PUBLIC = {
    "random_matrix.p": lambda v: rc.random_matrix(v, 3, rng=0),
    "random_matrix.n": lambda v: rc.random_matrix(3, v, rng=0),
    "random_matrix.law": lambda v: rc.random_matrix(3, 3, v, rng=0),
    "random_matrix.var": lambda v: rc.random_matrix(3, 3, rng=0, var=v),
    "random_matrix.dtype": lambda v: rc.random_matrix(3, 3, rng=0, dtype=v),
    "random_matrix.rng": lambda v: rc.random_matrix(3, 3, rng=v),
    "wishart_eigvalsh.x": rc.wishart_eigvalsh,
    "eigvalsh.matrix": rc.eigvalsh,
    "laguerre_eigvalsh.p": lambda v: rc.laguerre_eigvalsh(v, 3, rng=0),
    "laguerre_eigvalsh.var": lambda v: rc.laguerre_eigvalsh(3, 3, rng=0, var=v),
    "MarchenkoPastur.ratio": rc.MarchenkoPastur,
    "compare_to_law.values": lambda v: rc.compare_to_law(v, rc.MarchenkoPastur(0.5)),
    "compare_to_law.outlier_margin": lambda v: rc.compare_to_law(
        [1.0, 2.0], rc.MarchenkoPastur(0.5), outlier_margin=v),
    "ks_statistic.values": lambda v: rc.ks_statistic(v, rc.MarchenkoPastur(0.5)),
}


@pytest.mark.parametrize("target", sorted(PUBLIC))
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=HOSTILE)
def test_public_functions_fail_only_with_errors_naming_an_argument(target, value):
    try:
        out = PUBLIC[target](value)
    except (InputError, InputTypeError) as exc:  # ValueError / TypeError naming the argument
        assert "\n" not in str(exc) and exc.name
        return
    # accepted: the value was a valid one; the result is then finite where it is numeric
    # (unless the value itself is near the float range, e.g. var = 1e307 overflows)
    moderate = not isinstance(value, float) or abs(value) < 1e100
    if moderate and isinstance(out, np.ndarray) and out.dtype.kind == "f":
        assert np.all(np.isfinite(out))
