"""An empirical spectrum against its law: a density panel and a Q-Q panel.

Normalisation: with n eigenvalues of which k sit on the law's atoms, the histogram of the other
n - k has bar heights count / (n * width), so the bars hold mass (n - k) / n, and each atom is
a stem of height (its count) / n on a second axis ("mass"): bars plus stems sum to 1, as the
law's density plus its atoms do (for MP with ratio y > 1: 1/y and 1 - 1/y). The theory is the
law's ``pdf`` when it has one, else its ``cdf`` differenced over the histogram's bins (a
discrete reference spectrum, e.g. the exact eigenvalues against an SLQ density).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from ..spectra.compare import qq_data
from .style import (
    PAGE,
    declutter_ticks,
    figure_style,
    mathtext,
    new_figure,
    nice_values,
    number_label,
    save,
)

THEORY_COLOR = "#D55E00"
SAMPLE_COLOR = "#0072B2"


def law_atoms(law: Any) -> list[tuple[float, float]]:
    """[(location, mass)] of the law's atoms: ``law.atoms()`` when the law has it, else the
    ``atom`` attribute read as a mass at 0 (MarchenkoPastur, CKLimitLaw)."""
    atoms = getattr(law, "atoms", None)
    if callable(atoms):
        pairs = [(float(x), float(m)) for x, m in atoms()]
    else:
        pairs = [(0.0, float(getattr(law, "atom", 0.0) or 0.0))]
    return [(x, m) for x, m in pairs if m > 0]


def split_atoms(values: np.ndarray, atoms: list[tuple[float, float]]) -> tuple[np.ndarray, list]:
    """(the values on no atom, [(location, law mass, sample mass)]); a value sits on an atom
    when it is within 1e-9 of the spectrum's scale of it (floating-point zeros of a rank-
    deficient matrix)."""
    tol = 1e-9 * max(1.0, float(np.max(np.abs(values))))
    on_any = np.zeros(values.size, dtype=bool)
    rows = []
    for loc, mass in atoms:
        on = np.abs(values - loc) <= tol
        rows.append((loc, mass, float(on.sum()) / values.size))
        on_any |= on
    return values[~on_any], rows


def axis_shape(bulk: np.ndarray) -> str:
    """"log" (log x and y) for a positive spectrum spanning more than two decades between its
    1% and 99.5% quantiles; when one of 60 bins holds more than ten times the median nonzero
    bin (a spike beside a low bulk), "sqrt-xy" (square-root x and y) if the spike sits in the
    first tenth of a nonnegative spectrum (a density diverging at its lower edge, as the CK
    limit's), else "sqrt" (square-root y); otherwise "linear"."""
    if bulk.size < 2:
        return "linear"
    lo, hi = np.quantile(bulk, [0.01, 0.995])
    if lo > 0 and hi / lo > 100:
        return "log"
    counts, _ = np.histogram(bulk, bins=60)
    nonzero = counts[counts > 0]
    if counts.max() <= 10 * np.median(nonzero):
        return "linear"
    return "sqrt-xy" if bulk.min() >= 0 and np.argmax(counts) < 6 else "sqrt"


def _signed_sqrt(v: Any) -> Any:
    return np.sign(v) * np.sqrt(np.abs(v))


def _signed_square(v: Any) -> Any:
    return np.sign(v) * np.square(v)


def _edges(bulk: np.ndarray, lo: float, hi: float, shape: str) -> np.ndarray:
    bins = int(np.clip(bulk.size // 20, 10, 60))
    if shape == "log":
        return np.geomspace(max(lo, bulk[0]), hi, bins + 1)
    if shape == "sqrt-xy":  # bins of equal width on the square-root axis
        return np.linspace(np.sqrt(lo), np.sqrt(hi), bins + 1) ** 2
    return np.linspace(lo, hi, bins + 1)


def _range(law: Any, bulk: np.ndarray) -> tuple[float, float]:
    """The law's support joined with the sample's range (an infinite edge, e.g. of a
    Tracy–Widom law, gives way to the sample's)."""
    lo, hi = law.support() if hasattr(law, "support") else (bulk[0], bulk[-1])
    return (min(lo, bulk[0]) if np.isfinite(lo) else bulk[0],
            max(hi, bulk[-1]) if np.isfinite(hi) else bulk[-1])


def _density_panel(ax: Any, x: np.ndarray, law: Any, bulk: np.ndarray, atoms: list,
                   shape: str) -> Any:
    lo, hi = _range(law, bulk)
    edges = _edges(bulk, lo, hi, shape)
    counts, _ = np.histogram(bulk, bins=edges)
    widths = np.diff(edges)
    ax.bar(edges[:-1], counts / (x.size * widths), width=widths, align="edge", alpha=0.45,
           color=SAMPLE_COLOR, lw=0, label=f"sample ({x.size} eigenvalues)")
    pdf = getattr(law, "pdf", None)
    if pdf is not None:
        if shape == "log":
            grid = np.geomspace(edges[0], edges[-1], 1200)
        elif shape == "sqrt-xy":
            grid = np.linspace(np.sqrt(edges[0]), np.sqrt(edges[-1]), 1200) ** 2
        else:
            grid = np.linspace(edges[0], edges[-1], 1200)
        density = np.asarray(pdf(grid), dtype=float)
        drawn = np.isfinite(density)  # a law may not evaluate far in its tails
        ax.plot(grid[drawn], density[drawn], color=THEORY_COLOR, label="theory density")
    else:  # a law known by its CDF only: its mass per bin, at the same normalisation
        at = np.concatenate([[np.nextafter(edges[0], -np.inf)], edges[1:]])  # mass at edge 0
        mass = np.diff(np.asarray(law.cdf(at), dtype=float)) / widths
        ax.step(edges, np.append(mass, mass[-1]), where="post", color=THEORY_COLOR,
                label="theory (mass per bin)")
    if shape == "log":
        ax.set_xscale("log")
        ax.set_yscale("log")
    elif shape.startswith("sqrt"):
        from matplotlib.ticker import FixedLocator, FuncFormatter  # noqa: PLC0415

        pairs = [(ax.set_yscale, ax.yaxis), (ax.set_xscale, ax.xaxis)]
        for set_scale, axis in pairs[: 2 if shape == "sqrt-xy" else 1]:
            set_scale("function", functions=(_signed_sqrt, _signed_square))
            top = axis.get_view_interval().max()
            axis.set_major_locator(FixedLocator([0.0] + nice_values(top / 50, top)))
            axis.set_major_formatter(FuncFormatter(number_label))
    scale = {"log": " (log scale)", "sqrt-xy": " (sqrt scale)"}.get(shape, "")
    ax.set_xlabel("eigenvalue" + scale)
    ax.set_ylabel("density" + (" (sqrt scale)" if shape.startswith("sqrt") else scale))
    twin = None
    if atoms:
        twin = ax.twinx()
        for loc, law_mass, sample_mass in atoms:
            twin.vlines(loc, 0, law_mass, color=THEORY_COLOR, lw=2.5, alpha=0.6)
            twin.plot([loc], [law_mass], "D", color=THEORY_COLOR, ms=5,
                      label=f"theory atom at {loc:g}: mass {law_mass:.3f}")
            twin.vlines(loc, 0, sample_mass, color=SAMPLE_COLOR, lw=1)
            twin.plot([loc], [sample_mass], "o", color=SAMPLE_COLOR, mfc="none", ms=6,
                      label=f"sample atom at {loc:g}: mass {sample_mass:.3f}")
        twin.set_ylim(0, 1.05)
        twin.set_ylabel("atom mass")
        twin.spines["right"].set_visible(True)
        twin.grid(False)
        ax.set_xlim(min(lo, *(a[0] for a in atoms)) - 0.03 * (hi - lo), None)
    return twin


def spectrum_figure(values: Any, law: Any, *, title: str = "",
                    stats: dict[str, Any] | None = None) -> Any:
    """The two-panel figure: the histogram against the law (atoms as stems with their mass;
    axes by :func:`axis_shape`) and a Q-Q plot of the sample against the law's quantiles."""
    x = np.sort(np.asarray(values, dtype=float).ravel())
    with figure_style():
        fig, (ax, qq) = new_figure(PAGE, 2.9, ncols=2, width_ratios=[1.5, 1])
        bulk, atoms = split_atoms(x, law_atoms(law))
        shape = axis_shape(bulk)
        lowest = min([_range(law, bulk)[0]] + [a[0] for a in atoms])
        if shape == "log" and lowest <= 0:  # an atom at 0 has no place on a log axis
            shape = "sqrt-xy"
        if shape == "sqrt-xy" and lowest < 0:
            shape = "sqrt"
        twin = _density_panel(ax, x, law, bulk, atoms, shape)
        handles, labels = ax.get_legend_handles_labels()
        if twin is not None:  # four entries with the atoms' stems: below the axes
            more = twin.get_legend_handles_labels()
            handles, labels = handles + more[0], labels + more[1]
            ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
        else:
            ax.legend(loc="best")
        if hasattr(law, "ppf"):
            q_law, q_emp = qq_data(x, law)
            qq.plot(q_law, q_emp, ".", color=SAMPLE_COLOR, label="sample")
            ends = [min(q_law[0], q_emp[0]), max(q_law[-1], q_emp[-1])]
            qq.plot(ends, ends, "--", color=THEORY_COLOR, lw=1, label="theory (y = x)")
            if shape == "log" and min(q_law[0], q_emp[0]) > 0:
                qq.set_xscale("log")
                qq.set_yscale("log")
            qq.set_xlabel("law quantile")
            qq.set_ylabel("sample quantile")
            qq.set_title("Q-Q (200 levels)")
            qq.legend(loc="best")
        else:
            qq.set_visible(False)
        if stats:
            ax.set_title(", ".join(f"{k.upper() if len(k) <= 3 else k} = {v:.3g}"
                                   for k, v in stats.items() if isinstance(v, float)))
        fig.suptitle(mathtext(textwrap.fill(title, 110)), fontsize=8)
        for a in (ax, qq):
            if a.get_visible():
                declutter_ticks(fig, a.xaxis)
                declutter_ticks(fig, a.yaxis)
    return fig


def plot_spectrum(
    values: Any, law: Any, path: str | Path, *, title: str = "", stats: dict[str, Any] | None = None
) -> Path:
    """Write :func:`spectrum_figure` to ``path`` (png, pdf or svg by its extension)."""
    with figure_style():
        return save(spectrum_figure(values, law, title=title, stats=stats), path)
