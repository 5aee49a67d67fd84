"""The syrk + two-stage LAPACK path of wishart_eigvalsh and spectra.dense.eigvalsh: agreement
with numpy.linalg.eigvalsh, thread-count independence, the CLI's sampler switch, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from rmtcheck.cli import cmd_spectrum
from rmtcheck.cli.main import main
from rmtcheck.ensembles.counter_rng import counter_matrix
from rmtcheck.ensembles.matrices import random_matrix, wishart_eigvalsh
from rmtcheck.errors import InputError
from rmtcheck.spectra.dense import eigvalsh


@pytest.mark.parametrize("p,n", [(40, 90), (90, 40), (1, 5), (5, 1), (64, 64)])
def test_wishart_eigvalsh_matches_the_gram_matrix(p, n):
    x = random_matrix(p, n, rng=p * n)
    expected = np.linalg.eigvalsh(x @ x.T / n)
    got = wishart_eigvalsh(x)
    if p > n:
        assert np.all(got[: p - n] == 0.0)
        expected[: p - n] = 0.0
    assert np.max(np.abs(got - expected)) <= 1e-12 * max(1.0, expected.max())
    assert np.array_equal(got, wishart_eigvalsh(np.asfortranarray(x)))


def test_public_eigvalsh_keeps_its_input():
    a = np.array([[2.0, 1.0], [1.0, 2.0]])
    before = a.copy()
    assert np.allclose(eigvalsh(a), [1.0, 3.0]) and np.array_equal(a, before)
    with pytest.raises(InputError):
        eigvalsh(np.array([[np.nan, 0.0], [0.0, 1.0]]))


_EIGS = """
import hashlib, json, numpy as np
from rmtcheck.ensembles.counter_rng import counter_matrix
from rmtcheck.ensembles.matrices import wishart_eigvalsh
x = counter_matrix(300, 700, "gaussian", 3)
print(json.dumps([hashlib.sha256(x.tobytes()).hexdigest(), wishart_eigvalsh(x).tolist()]))
"""


def _sample_and_eigenvalues(threads: int) -> tuple[str, np.ndarray]:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env["OMP_NUM_THREADS"] = str(threads)
    out = subprocess.run(
        [sys.executable, "-c", _EIGS], env=env, capture_output=True, text=True, check=True
    )
    digest, values = json.loads(out.stdout)
    return digest, np.array(values)


def test_same_seed_same_eigenvalues_for_one_and_two_threads():
    """X is bit-identical; OpenBLAS's syrk and LAPACK change the last bits with the thread
    count (so does the bare NumPy script), so eigenvalues agree to the backward-error
    bound of a stable solver, p * eps * ||S|| (the tolerance)."""
    digest1, values1 = _sample_and_eigenvalues(1)
    digest2, values2 = _sample_and_eigenvalues(2)
    assert digest1 == digest2
    tol = 300 * np.finfo(float).eps * values1.max()
    assert np.max(np.abs(values1 - values2)) <= tol
    # negative control: another seed moves the eigenvalues far beyond the tolerance
    other = wishart_eigvalsh(counter_matrix(300, 700, "gaussian", 4))
    assert np.max(np.abs(other - values1)) > 1e3 * tol


def test_cli_switches_to_the_counter_sampler_by_size(capsys, monkeypatch):
    argv = ["spectrum", "wishart", "--p", "200", "--n", "400", "--json"]
    assert main(argv) == 0
    small = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(cmd_spectrum, "COUNTER_MIN_ENTRIES", 200 * 400)
    assert main(argv) == 0
    large = json.loads(capsys.readouterr().out)
    assert (small["sampler"], large["sampler"]) == ("numpy", "philox")
    assert small["consistent"] and large["consistent"]
    assert small["max_value"] != large["max_value"]


def _cli_json(threads: int, *extra: str) -> dict:
    env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env["OMP_NUM_THREADS"] = str(threads)
    argv = ["-m", "rmtcheck.cli.main", "spectrum", "wishart", "--p", "300", "--n", "500"]
    out = subprocess.run(
        [sys.executable, *argv, "--json", *extra],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_cli_same_seed_same_spectrum_in_another_process():
    """The sample's generator is keyed by the parameters, not by the parsed namespace (whose
    function objects have per-process addresses)."""
    first, again, two_threads = _cli_json(1), _cli_json(1), _cli_json(2)
    assert first == again
    for key in ("ks", "w1", "min_value", "max_value"):
        assert abs(two_threads[key] - first[key]) <= 1e-12 * max(1.0, abs(first[key]))
    other = _cli_json(1, "--seed", "7")  # negative control: another seed, another spectrum
    assert other["max_value"] != first["max_value"]
