"""Spectrum figures read back from their artists: atoms and bars sum to mass 1, every law of
the catalogue is drawn (a labelled theory line), axes follow the shape of the law."""

from __future__ import annotations

import matplotlib.container
import matplotlib.lines
import numpy as np
import pytest

from rmtcheck.checker.cards import load_catalogue
from rmtcheck.checker.resolve import call_with, resolve_function
from rmtcheck.checker.run import run_settings
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.plots.spectrum import axis_shape, law_atoms, spectrum_figure
from rmtcheck.plots.style import figure_style, new_figure, overlapping_ticks


def _wishart_eigenvalues(p: int, n: int, seed: int) -> np.ndarray:
    """Eigenvalues of X X^T / n, X p x n Gaussian: p - n of them are floating-point zeros."""
    x = np.random.default_rng(seed).standard_normal((p, n))
    return np.linalg.eigvalsh(x @ x.T / n)


def _bar_mass(ax) -> float:
    """Sum of height * width over the bars of the histogram (its BarContainer)."""
    bars = [c for c in ax.containers if isinstance(c, matplotlib.container.BarContainer)]
    return float(sum(r.get_height() * r.get_width() for c in bars for r in c.patches))


def _labelled(axes, start: str) -> list[matplotlib.lines.Line2D]:
    return [a for ax in axes for a in ax.get_lines() if a.get_label().startswith(start)]


def test_atom_bars_plus_stem_sum_to_one():
    """RMT-MP-ATOM's case, ratio 2.5: bars hold 1/ratio = 0.4, the sample stem 0.6 (the old
    density=True histogram put the bars at mass 1, so bars + stem read 1.6)."""
    values = _wishart_eigenvalues(500, 200, seed=3)
    with figure_style():
        fig = spectrum_figure(values, MarchenkoPastur(2.5))
    density, twin = fig.axes[0], fig.axes[-1]
    (sample_stem,) = _labelled([twin], "sample atom")
    (law_stem,) = _labelled([twin], "theory atom")
    bars = _bar_mass(density)
    assert bars == pytest.approx(0.4, abs=1e-12)
    assert bars + float(sample_stem.get_ydata()[0]) == pytest.approx(1.0, abs=1e-6)
    # the theory side: the drawn density integrates to 1/ratio, plus the atom 1 - 1/ratio
    (curve,) = _labelled([density], "theory density")
    area = np.trapezoid(curve.get_ydata(), curve.get_xdata())
    assert area + float(law_stem.get_ydata()[0]) == pytest.approx(1.0, abs=2e-3)
    # the four-entry legend sits below the axes, not over the data (the old note was hidden)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = density.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(density.get_window_extent(renderer))


def test_bar_mass_reader_sees_the_old_normalisation():
    """Negative control: the histogram the report drew before (density=True over the nonzero
    eigenvalues) reads as mass 1 of bars, 1.6 with the atom: the check above would fail."""
    values = _wishart_eigenvalues(500, 200, seed=3)
    bulk = values[values > 1e-9]
    with figure_style():
        fig, ax = new_figure()
        ax.hist(bulk, bins=30, density=True)
    assert _bar_mass(ax) + 0.6 == pytest.approx(1.6, abs=1e-9)


def test_atoms_accessor_reads_both_interfaces():
    class WithAtoms:
        def atoms(self):
            return [(0.0, 0.25), (2.0, 0.0), (3.0, 0.5)]

    assert law_atoms(WithAtoms()) == [(0.0, 0.25), (3.0, 0.5)]
    assert law_atoms(MarchenkoPastur(4.0)) == [(0.0, 0.75)]
    assert law_atoms(MarchenkoPastur(0.5)) == []
    assert law_atoms(object()) == []


def test_axis_shape_follows_the_law():
    rng = np.random.default_rng(0)
    mp = MarchenkoPastur(0.5).ppf((np.arange(2000) + 0.5) / 2000)
    pareto = rng.pareto(1.0, 2000) + 1.0  # heavy tail: 1% to 99.5% quantiles span > 100
    spike = np.concatenate([rng.uniform(0, 10, 400), np.full(1600, 5.0) + rng.normal(0, 1e-3,
                                                                                    1600)])
    assert axis_shape(mp) == "linear"
    assert axis_shape(pareto) == "log"
    assert axis_shape(spike) == "sqrt"
    edge = np.concatenate([rng.uniform(0.2, 10, 400), rng.uniform(0.5, 0.8, 1600)])
    assert axis_shape(edge) == "sqrt-xy"  # a spike at the lower edge of a nonnegative law
    assert axis_shape(edge - 1.0) == "sqrt"


def test_atom_beside_a_spread_bulk_gets_square_root_axes():
    """WANG-DEF-CK-LIMIT's case: the bulk spans more than two decades above an atom at 0, so
    log axes are out and both axes take square roots; the masses still sum to 1."""
    from rmtcheck.laws.ck_limit import ck_limit_law

    law = ck_limit_law(gamma=4 / 3, phi=1.0, b=0.5)
    u = (np.arange(1000) + 0.5) / 1000
    sample = np.where(u <= law.atom, 0.0, law.ppf(u))
    with figure_style():
        fig = spectrum_figure(sample, law)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "function"
    (stem,) = _labelled(fig.axes, "sample atom")
    assert _bar_mass(ax) + stem.get_ydata()[0] == pytest.approx(1.0, abs=1e-6)


def _catalogue_laws():
    for card in load_catalogue().values():
        if card.kind == "distributional":
            yield pytest.param(card, id=card.id)


@pytest.mark.parametrize("card", list(_catalogue_laws()))
def test_every_spectral_figure_of_the_catalogue_draws_its_theory(card):
    """Each distributional card's law at quick scale, against a sample of its own quantiles:
    the density panel holds a labelled theory line with finite values, and no tick labels
    collide."""
    params, _, _ = run_settings(card, "quick", None, None, None)
    law = call_with(resolve_function(card.theory, card.origin), params)
    sample = np.asarray(law.ppf((np.arange(400) + 0.5) / 400), dtype=float)
    with figure_style():
        fig = spectrum_figure(sample, law, title=f"{card.id}: {card.title}")
    theory = _labelled(fig.axes, "theory")
    assert theory, "no theory artist"
    ys = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in theory])
    assert np.all(np.isfinite(ys)) and ys.max() > 0
    for ax in fig.axes:
        if ax.get_visible():
            assert overlapping_ticks(fig, ax.xaxis) == []
            assert overlapping_ticks(fig, ax.yaxis) == []


def test_a_law_known_by_its_cdf_is_drawn_as_mass_per_bin():
    """PAP-ALG-C3's reference is a discrete spectrum without pdf: the theory is its CDF
    differenced over the bins, at the histogram's normalisation (equal areas on one sample)."""
    from rmtcheck.spectra.slq import DiscreteSpectrum

    values = MarchenkoPastur(0.5).ppf((np.arange(1000) + 0.5) / 1000)
    with figure_style():
        fig = spectrum_figure(values, DiscreteSpectrum(values))
    (step,) = _labelled(fig.axes, "theory (mass per bin)")
    x, y = step.get_xdata(), step.get_ydata()
    assert np.sum(np.diff(x) * y[:-1]) == pytest.approx(_bar_mass(fig.axes[0]), abs=1e-9)


def test_heavy_sample_with_support_reaching_zero_stays_off_log_axes():
    """PAP-ALG-C5's case: the sample's quantiles span decades but the reference law reaches
    below 0, so a log x axis cannot hold it (this crashed the report before)."""
    from rmtcheck.spectra.slq import DiscreteSpectrum

    rng = np.random.default_rng(1)
    sample = rng.pareto(0.7, 1000) + 1e-3
    law = DiscreteSpectrum(np.concatenate([[-0.5], sample[1:]]))
    assert axis_shape(np.sort(sample)) == "log"
    with figure_style():
        fig = spectrum_figure(sample, law)
    assert fig.axes[0].get_xscale() == "linear"
    assert _labelled(fig.axes, "theory")
