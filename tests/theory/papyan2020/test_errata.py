"""Errata ERR-2, ERR-4, ERR-7, ERR-8 of Papyan (2020): the printed forms fail by exactly the
missing term, the corrected forms hold (the cards run in test_catalogue.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck.theory.papyan2020.errata as er
import rmtcheck.theory.papyan2020.fim as fim


@settings(max_examples=30, deadline=None)
@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5), st.integers(2, 12))
def test_lemma_b2_printed_is_right_exactly_when_e_vanishes(a, b, d, e, C):
    """The printed T and Det use d + e (C - 1) for d + e (C - 2): they differ by e, so the
    printed pair is the true one for e = 0 and the identity with e shifted into d otherwise."""
    tol = 1e-10 * C * (1 + abs(a) + abs(d) + C * (abs(b) + abs(e)))
    assert np.allclose(er.lemma_b2_printed(a, b, d, 0.0, C), er.lemma_b2_spectrum(a, b, d, 0.0, C),
                       atol=tol)
    true_pair = fim.lemma_b2_eigenvalues(a, b, d + e, e, C)[0][:2]   # d + e (C-1) = (d+e) + e (C-2)
    printed = er.lemma_b2_printed(a, b, d, e, C)
    for value in true_pair:
        assert np.min(np.abs(printed - value)) < tol


def test_printed_residuals_are_the_missing_terms():
    """ERR-8: minus the gradient, residual 2; ERR-7: the residual is G_{c=c'} counted twice;
    ERR-2 at t = 1: the residual is z z^T."""
    assert np.isclose(er.gradient_residual_printed(np.random.default_rng(0), 4, 3, 1.0)[0], 2.0,
                      atol=1e-6)
    rng = np.random.default_rng(1)
    G, every, same, within = er._a1_terms(rng, 5, 3, 6, 1.0)
    printed = er.a1_residual_printed(np.random.default_rng(1), 5, 3, 6, 1.0)[0]
    assert np.allclose(every + within, G, atol=1e-14 * np.abs(G).max())
    assert np.isclose(printed, np.abs(same).max() / np.abs(G + same).max(), rtol=1e-10)
    e, z, x = er._ccm_point(np.random.default_rng(2), 4, 2, 1.0)
    zz = np.outer(z, z)
    expected = np.abs(zz).max() / np.abs(np.outer(x, x) - zz).max()
    assert np.isclose(er.expansion_residual_printed(np.random.default_rng(2), 4, 2, 1.0)[0],
                      expected, rtol=1e-12)
