"""Public hypothesis strategies: card parameters, random matrices, spectra, laws.

``params_strategy(card)`` draws the parameters in declaration order, evaluating bounds that
depend on earlier parameters, preferring each parameter's ``search`` range, and honouring
``require`` constraints. Every drawn dict is valid for :func:`rmtcheck.check`::

    from hypothesis import given
    from rmtcheck.testing.strategies import params_strategy
    @given(params_strategy(rc.get_card("RMT-WEYL")))
    def test_weyl(params): assert rc.check("RMT-WEYL", params).passed

The other strategies build random-matrix examples that shrink towards small, simple ones
(sizes towards their minimum, seeds towards 0, the Gaussian entry law first, spectra towards
few zeros) so that a failing property reports a minimal matrix:

- ``random_matrices``: p x n matrices from an entry law of ``rmtcheck.ensembles.matrices``,
  shapes from side bounds or aspect ratios p / n; the entries come from a drawn seed
  (seed-as-data: a failure replays from the printed example);
- ``spectra``: sorted real arrays, optionally with repeated values (atoms);
- ``symmetric_matrices``: Q diag(spectrum) Q^T with Q Haar-orthogonal, so the spectrum is
  prescribed (``psd=True`` draws it from [0, high]);
- ``law_parameters`` / ``laws``: parameters from a law's ``domain`` and the law objects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from ..checker.cards import Card, get_card
from ..checker.domain import ParamSpec
from ..checker.expr import evaluate


def _one(spec: ParamSpec, env: dict[str, Any]) -> st.SearchStrategy[Any]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "choice":
        return st.sampled_from(spec.options)
    lo, hi = spec.bounds(env, search=True)
    if spec.type == "int":
        lo, hi = int(-(-lo // 1)), int(hi // 1)
        return st.integers(lo, hi) if lo <= hi else st.nothing()
    return st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False)


def params_strategy(
    card: Card | str, fixed: dict[str, Any] | None = None
) -> st.SearchStrategy[dict]:
    """Valid parameter dicts for ``card``; names in ``fixed`` keep the given values."""
    card = card if isinstance(card, Card) else get_card(card)
    fixed = dict(fixed or {})

    @st.composite
    def draw_params(draw: Any) -> dict[str, Any]:
        env: dict[str, Any] = {}
        for name, spec in card.params.items():
            value = fixed[name] if name in fixed else draw(_one(spec, env))
            if spec.require:
                assume(bool(evaluate(spec.require, {**env, name: value})))
            env[name] = value
        return env

    return draw_params()


SEEDS = st.integers(0, 2**32 - 1)


def random_matrices(
    *,
    min_side: int = 1,
    max_side: int = 8,
    aspect_ratios: tuple[float, float] | None = None,
    entry_laws: tuple[str, ...] | None = None,
) -> st.SearchStrategy[np.ndarray]:
    """p x n float64 matrices with i.i.d. standardized entries from one of ``entry_laws``
    (default: all of ``ENTRY_LAWS``). p is drawn in [min_side, max_side]; n likewise, or
    n = max(1, round(p / y)) with y drawn in ``aspect_ratios`` = (lo, hi) when given."""
    from ..ensembles.matrices import ENTRY_LAWS, random_matrix

    names = tuple(ENTRY_LAWS if entry_laws is None else entry_laws)

    @st.composite
    def draw_matrix(draw: Any) -> np.ndarray:
        p = draw(st.integers(min_side, max_side))
        if aspect_ratios is None:
            n = draw(st.integers(min_side, max_side))
        else:
            ratio = draw(st.floats(*aspect_ratios, allow_nan=False, allow_infinity=False))
            n = max(1, round(p / ratio))
        law = draw(st.sampled_from(names))
        return np.asarray(random_matrix(p, n, law, draw(SEEDS)), dtype=float)

    return draw_matrix()


def spectra(
    *,
    min_size: int = 1,
    max_size: int = 8,
    low: float = -10.0,
    high: float = 10.0,
    atoms: bool = True,
) -> st.SearchStrategy[np.ndarray]:
    """Sorted float64 arrays of length in [min_size, max_size] with values in [low, high];
    with ``atoms`` some values repeat (eigenvalues of multiplicity > 1)."""
    value = st.floats(low, high, allow_nan=False, allow_infinity=False)

    @st.composite
    def draw_spectrum(draw: Any) -> np.ndarray:
        # a list of (value, multiplicity): deleting an entry shrinks the size directly
        times = st.integers(1, 3) if atoms else st.just(1)
        pairs = draw(st.lists(st.tuples(value, times), min_size=1, max_size=max_size))
        values = [v for v, k in pairs for _ in range(k)][:max_size]
        assume(len(values) >= min_size)
        return np.sort(np.asarray(values, dtype=float))

    return draw_spectrum()


def haar_orthogonal(n: int, seed: int) -> np.ndarray:
    """Haar-distributed n x n orthogonal matrix: QR of a Gaussian matrix with the signs of
    R's diagonal moved into Q (Mezzadri 2007, Sec. 5)."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.sign(np.where(np.diag(r) == 0, 1.0, np.diag(r)))


def symmetric_matrices(
    spectrum: st.SearchStrategy[np.ndarray] | None = None,
    *,
    psd: bool = False,
    max_size: int = 8,
) -> st.SearchStrategy[np.ndarray]:
    """Symmetric matrices Q diag(lambda) Q^T whose eigenvalues lambda come from ``spectrum``
    (default ``spectra(max_size=max_size)``, from [0, 10] when ``psd``)."""
    if spectrum is None:
        spectrum = spectra(max_size=max_size, low=0.0 if psd else -10.0)

    @st.composite
    def draw_symmetric(draw: Any) -> np.ndarray:
        lam = draw(spectrum)
        if psd:
            assume(bool(np.all(lam >= 0)))
        q = haar_orthogonal(lam.size, draw(SEEDS))
        a = (q * lam) @ q.T
        return (a + a.T) / 2

    return draw_symmetric()


def law_parameters(law_class: type) -> st.SearchStrategy[dict[str, Any]]:
    """Parameter dicts from ``law_class.domain`` = {name: (lo, hi)}: integers when both
    bounds are ints, floats otherwise; every dict is valid for ``law_class(**params)``."""
    domain = getattr(law_class, "domain", None)
    if not domain:
        raise TypeError(f"{law_class.__name__} declares no parameter domain")
    fields = {
        name: (st.integers(lo, hi) if isinstance(lo, int) and isinstance(hi, int)
               else st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False))
        for name, (lo, hi) in domain.items()
    }
    return st.fixed_dictionaries(fields)


def laws(*law_classes: type) -> st.SearchStrategy[Any]:
    """Law objects of the given classes (with a ``domain``), parameters from their domains."""
    return st.one_of(*(law_parameters(cls).map(lambda p, cls=cls: cls(**p))
                       for cls in law_classes))
