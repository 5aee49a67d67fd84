"""Scaling figures: tick labels never collide, the title is typeset, every element drawn."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmtcheck.checker.fit import fit_exponent
from rmtcheck.errors import InputError
from rmtcheck.plots.scaling import plot_scaling, scaling_figure
from rmtcheck.plots.style import figure_style, mathtext, new_figure, overlapping_ticks

SWEEPS = {
    "quick p": [1000, 2000, 4000, 8000, 16000, 32000, 64000],
    "full p": [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000],
    "narrow m": [32, 64, 128, 256],
    "many": list(np.unique(np.geomspace(10, 1e6, 25).round())),
}


def _sweep(sizes, slope=-1.0, trials=6, seed=0):
    rng = np.random.default_rng(seed)
    x = np.repeat(np.asarray(sizes, dtype=float), trials)
    y = 3.0 * x**slope * np.exp(0.2 * rng.standard_normal(x.size))
    return x, y, fit_exponent(x, y, bootstrap=300, seed=seed)


@pytest.mark.parametrize("name", SWEEPS)
def test_tick_labels_do_not_overlap(name):
    x, y, fit = _sweep(SWEEPS[name])
    with figure_style():
        fig = scaling_figure(x, y, fit, -1.0, title="A: rate p^{-1}", size_name="p",
                             statistic="ks to mp", slack=0.15)
    ax = fig.axes[0]
    assert overlapping_ticks(fig, ax.xaxis) == []
    assert overlapping_ticks(fig, ax.yaxis) == []
    assert len([t for t in ax.get_xticklabels() if t.get_text()]) >= 2


def test_overlap_detector_sees_crowded_labels():
    """Negative control: 25 fixed, wide labels on a column-wide axis do collide."""
    with figure_style():
        fig, ax = new_figure()
        ax.set_xlim(0, 24)
        ax.set_xticks(range(25), [f"{1000 * k}" for k in range(25)])
    assert overlapping_ticks(fig, ax.xaxis)


def test_figure_shows_fit_band_slack_prediction_and_names():
    x, y, fit = _sweep(SWEEPS["quick p"])
    with figure_style():
        fig = scaling_figure(x, y, fit, -2 / 3, title="RMT: decays like p^{-2/3}", size_name="p",
                             statistic="edge deviation", slack=0.1)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("fit slope") for t in labels)
    assert any("CI [" in t for t in labels)
    assert any("slack 0.1" in t for t in labels)
    assert any(t.startswith("predicted slope -0.6667") for t in labels)
    assert "$p^{-2/3}$" in ax.get_title() and "^{" not in ax.get_title().replace("$p^{", "")
    assert ax.get_ylabel().startswith("edge deviation")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    # no slack: no slack band in the legend
    with figure_style():
        plain = scaling_figure(x, y, fit, -1.0, slack=0.0)
    assert not any("slack" in t.get_text() for t in plain.axes[0].get_legend().get_texts())


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".pdf", b"%PDF"),
                                          (".svg", b"<?xml")])
def test_format_follows_the_extension(tmp_path, suffix, magic):
    x, y, fit = _sweep(SWEEPS["narrow m"])
    path = plot_scaling(x, y, fit, -1.0, tmp_path / f"f{suffix}", size_name="m")
    assert path.read_bytes().startswith(magic)


def test_unknown_extension_is_an_input_error(tmp_path):
    x, y, fit = _sweep(SWEEPS["narrow m"])
    with pytest.raises(InputError, match="path"):
        plot_scaling(x, y, fit, -1.0, tmp_path / "f.jpg")


@pytest.mark.parametrize("text,typeset", [
    ("decays like p^{-1}", "decays like $p^{-1}$"),
    ("rate n^{-2/3} and m^-1", "rate $n^{-2/3}$ and $m^{-1}$"),
    ("costs $5", r"costs \$5"),
    ("no powers here", "no powers here"),
])
def test_mathtext(text, typeset):
    assert mathtext(text) == typeset


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ab^{}-12 $/", max_size=20))
def test_mathtext_output_always_parses(text):
    """Whatever the title, matplotlib can lay it out (balanced dollars, valid mathtext)."""
    with figure_style():
        fig, ax = new_figure()
        ax.set_title(mathtext(text))
        fig.canvas.draw()


@pytest.mark.parametrize("value,label", [(0.02, "0.02"), (500, "500"), (1e-5, "$10^{-5}$"),
                                         (2e-5, r"$2\times10^{-5}$"), (0, "0")])
def test_number_label(value, label):
    from rmtcheck.plots.style import number_label

    assert number_label(value) == label


def test_nice_values():
    from rmtcheck.plots.style import nice_values

    assert nice_values(0.003, 0.05) == [0.005, 0.01, 0.02, 0.05]
    assert nice_values(1.0, 1.0) == [1.0]
