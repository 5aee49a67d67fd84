"""Papyan (2020) on real images: a bias-free ReLU MLP trained on scikit-learn's handwritten
digits (C = 10), and the spectra of its Hessian, G and E by matrix-free operators (Secs. 4-6,
Figs. 3-6; experiments X4, X5 of the specification at CPU size).

Top eigenvalues by SlowLanczos (Alg. 1), densities by SLQ (Alg. 3) and the log-spectrum
(Sec. C.7), the Hessian by deflated SLQ (Alg. 5 + 3, Sec. 4.1): nothing p x p is formed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import rmtcheck.theory.papyan2020.digits as dg
import rmtcheck.theory.papyan2020.knockout as ko
import rmtcheck.theory.papyan2020.operators as ops
from rmtcheck.plots.style import COLUMN, PAGE, figure_style, new_figure, save
from rmtcheck.spectra.deflated_slq import deflated_slq
from rmtcheck.spectra.slq import log_spectrum_density, slq_density

KNOCKOUTS = ("class", "cross", "within", "same")
COLORS = {"G": "#0072B2", "class": "#E69F00", "cross": "#009E73", "within": "#D55E00",
          "same": "#CC79A7", "Hess": "#0072B2", "E": "#D55E00"}


def _above(values: np.ndarray, edge: float) -> int:
    return int(np.sum(np.asarray(values) > edge))


def _span_rank(F: np.ndarray, tol: float = 1e-8) -> int:
    """Rank of F^T F = rank of the span of the rows of F, each scaled to unit length first (a
    saturated probability gives a row a tiny weight sqrt(w), not a missing direction)."""
    rows = F / np.maximum(np.linalg.norm(F, axis=1, keepdims=True), 1e-300)
    s = np.linalg.svd(rows, compute_uv=False)
    return int(np.sum(s > tol * s[0]))


def _gap_left(after: np.ndarray, before: np.ndarray, k: int) -> float:
    """log(lambda_k / lambda_{k+1}) after a knockout over the same before it."""
    return float(np.log(after[k - 1] / after[k]) / np.log(before[k - 1] / before[k]))


def digits_spectrum(out_dir: Path, rng: np.random.Generator, n: int, n_test: int, width: int,
                    depth: int, epochs: int, lr: float, wd: float, top_steps: int,
                    slq_steps: int, n_vec: int) -> dict[str, Any]:
    """Train the digits MLP, then on the train set: top eigenvalues of G, of the subtraction
    knockouts G - G_class, G - G_cross, G - G_{c=c'}, of G_within and of Hess = G + E and E;
    the exact spectra of the low-rank parts from their factors; SLQ log-spectra of G and its
    knockouts; deflated SLQ of Hess. Edge = lambda_1(G_within), the top of the main bulk.
    Writes digits_log_spectrum.png (Fig. 5), digits_scree.png (Fig. 6) and digits_hessian.png
    (Figs. 3-4)."""
    C = dg.C_DIGITS
    net = dg.train_digits(n, (width,) * depth, epochs, lr, wd, int(rng.integers(2**31)), n_test)
    cv = ops.curvature(net.weights, net.X, net.y)
    f = ops.mean_factors(cv, n, C)
    minus = {"class": f.klass, "cross": f.cross, "same": f.same, "within": f.all}
    ops_ = {"G": cv.operator("G")}
    ops_.update({name: cv.operator("G", F) for name, F in minus.items() if name != "within"})
    ops_["within"] = cv.operator("G", f.all)                     # G_within = G - (the rest)
    ritz = {name: dg.top_eigenvalues(op, top_steps, rng) for name, op in ops_.items()}
    top = {name: values for name, (values, _) in ritz.items()}
    lam = top["G"]
    converged = lam[ritz["G"][1] <= 1e-3 * np.abs(lam)]
    edge = float(top["within"][0])
    eig = {name: ops.factor_eigenvalues(F) for name, F in
           (("class", f.klass), ("cross", f.cross), ("same", f.same), ("rest", f.all))}
    factors = {"class": f.klass, "cross": f.cross, "same": f.same, "rest": f.all}
    rank = {name: _span_rank(F) for name, F in factors.items()}
    k = ko.count_outliers(lam, 2 * C)
    hess, _ = dg.top_eigenvalues(cv.operator("Hess"), top_steps, rng)
    e_res = dg.top_eigenvalues(cv.operator("E"), top_steps, rng)[0]
    norm_e = float(np.abs(e_res).max())
    k_h = ko.count_outliers(hess, 2 * C)
    tau = float(np.sqrt(hess[k_h - 1] * max(hess[k_h], 0.0)))
    e_density = slq_density(cv.operator("E"), slq_steps, n_vec, kappa=1.1, rng=rng)
    summary: dict[str, Any] = {
        "params": cv.size, "train_size": int(net.y.size), "train_accuracy": net.accuracy,
        "test_accuracy": net.test_accuracy,
        "outliers_G": k, "outliers_Hess": k_h,
        "separation_C": dg.separation(lam, C), "separation_C_minus_1": dg.separation(lam, C - 1),
        "G_above_edge": _above(lam, edge),
        "class_above_edge": _above(eig["class"], edge),
        "cross_above_edge": _above(eig["cross"], edge),
        "rank": rank,
        "class_eigenvalues_over_edge": (eig["class"] / edge).tolist(),
        "same_over_class": float(eig["same"][0] / eig["class"][0]),
        "gap_left": {name: _gap_left(top[name], lam, k) for name in ("class", "cross", "same")},
        "within_top_over_G_edge": float(top["within"][0] / lam[C]),
        "E_outliers": _above(np.abs(e_res), tau),
        "lambda_C_Hess_over_norm_E": float(hess[C - 1] / norm_e),
        "E_fraction_positive": float(1.0 - e_density.cdf(0.0)),
        "top_G": lam[: 3 * C].tolist(),
    }
    if n_test:
        test = ops.curvature(net.weights, net.X_test, net.y_test)
        lt = dg.top_eigenvalues(test.operator("Hess"), top_steps, rng)[0]
        summary["Hess_train_over_test_lambda_1"] = float(hess[0] / lt[0])
    _log_spectra(Path(out_dir), ops_, top, eig, edge, slq_steps, n_vec, rng)
    _scree(Path(out_dir), converged, eig, edge, C)
    _hessian(Path(out_dir), cv, hess, e_res, e_density, slq_steps, n_vec, C, rng)
    return summary


def _log_spectra(out_dir: Path, ops_: dict, top: dict, eig: dict, edge: float, steps: int,
                 n_vec: int, rng: np.random.Generator) -> None:
    """Fig. 5: SLQ density of log10(|lambda| + 1e-5 lambda_1) for G and the four knockouts,
    the top Ritz values as ticks."""
    eps = 1e-5 * top["G"][0]
    panels = [("G", r"$G$"), ("class", r"$G - G_{class}$"), ("cross", r"$G - G_{cross}$"),
              ("within", r"$G_{within}$ $(= G - \ldots)$"), ("same", r"$G - G_{c=c'}$")]
    with figure_style():
        fig, axes = new_figure(COLUMN, 5.6, nrows=len(panels), sharex=True)
        for ax, (name, label) in zip(axes, panels, strict=True):
            d = log_spectrum_density(ops_[name], steps, n_vec, kappa=1.1, eps=eps, rng=rng)
            u, phi = d.grid(1024)
            ax.plot(u / np.log(10), phi * np.log(10), color=COLORS[name], label=label)
            ax.set_yscale("log")
            ax.set_ylim(1e-3, None)
            ax.plot(np.log10(np.abs(top[name][:30]) + eps), np.full(30, 2e-3), "|",
                    color="k", ms=6, mew=0.6)
            ax.axvline(np.log10(edge), color="0.5", lw=0.6, ls="--")
            ax.legend(loc="upper left")
        axes[0].set_title(r"digits MLP: log-spectrum of $G$ and its knockouts (SLQ)")
        axes[-1].set_xlabel(r"$\log_{10}$ eigenvalue  (dashed: $\lambda_1(G_{within})$)")
        fig.supylabel("density")
        save(fig, out_dir / "digits_log_spectrum.png")


def _scree(out_dir: Path, lam: np.ndarray, eig: dict, edge: float, C: int) -> None:
    """Fig. 6: the converged top Ritz values of G beside the eigenvalues of G_class, G_cross
    (exact, from the factors) and the main-bulk edge."""
    k = min(lam.size, C * C + C)
    with figure_style():
        fig, ax = new_figure(COLUMN, 2.6)
        ax.semilogy(np.arange(1, k + 1), lam[:k], "o", ms=2.5, color=COLORS["G"], label=r"$G$")
        ax.semilogy(np.arange(1, C + 1), eig["class"], "s", ms=3, mfc="none",
                    color=COLORS["class"], label=r"$G_{class}$")
        cross = eig["cross"][eig["cross"] > 1e-12 * lam[0]]
        ax.semilogy(np.arange(C + 1, C + 1 + cross.size), cross, "^", ms=2.5, mfc="none",
                    color=COLORS["cross"], label=r"$G_{cross}$ (from index $C+1$)")
        ax.axhline(edge, color=COLORS["within"], lw=0.8, ls="--",
                   label=r"$\lambda_1(G_{within})$")
        ax.axvline(C + 0.5, color="0.5", lw=0.5)
        ax.set_xlabel("index $i$")
        ax.set_ylabel(r"$\lambda_i$")
        ax.set_title(f"top eigenvalues, C = {C}")
        ax.legend(loc="lower left")
        save(fig, out_dir / "digits_scree.png")


def _hessian(out_dir: Path, cv: ops.MLPCurvature, hess: np.ndarray, e_top: np.ndarray,
             e_density: Any, steps: int, n_vec: int, C: int, rng: np.random.Generator) -> None:
    """Figs. 3-4: deflated SLQ of Hess (top C by subspace iteration, SLQ of the rest), the SLQ
    density of E, and the top eigenvalues of Hess and |E|."""
    ds = deflated_slq(cv.operator("Hess"), C, steps, n_vec, kappa=1.1, rng=rng, tol=1e-6)
    with figure_style():
        fig, (a, b) = new_figure(PAGE, 2.5, ncols=2)
        x, _ = ds.rest.grid(1024)
        a.semilogy(x, np.maximum(ds.density(x), 1e-12), color=COLORS["Hess"],
                   label=r"Hess, deflated SLQ")
        xe, pe = e_density.grid(1024)
        a.semilogy(xe, np.maximum(pe, 1e-12), color=COLORS["E"], lw=0.9, label=r"$E$, SLQ")
        a.set_ylim(1e-3, None)
        a.set_xlim(ds.rest.bounds.lower, ds.rest.bounds.upper)
        a.set_xlabel(r"eigenvalue $\lambda$ (bulk; the top $C$ are in the right panel)")
        a.set_ylabel("density")
        a.set_title(r"Hess $= G + E$, deflated SLQ, and $E$")
        a.legend(loc="upper right")
        k = min(hess.size, 4 * C)
        b.semilogy(np.arange(1, k + 1), np.maximum(hess[:k], 1e-12), "o", ms=2.5,
                   color=COLORS["Hess"], label="Hess (SlowLanczos)")
        top_c = np.sort(ds.top.values)[::-1]
        b.semilogy(np.arange(1, top_c.size + 1), top_c, "+", ms=5, color="k",
                   label="top C (subspace iteration)")
        e_abs = np.sort(np.abs(e_top))[::-1][:k]
        b.semilogy(np.arange(1, e_abs.size + 1), e_abs, "x", ms=3, color=COLORS["E"],
                   label=r"$|E|$")
        b.axvline(C + 0.5, color="0.5", lw=0.5)
        b.set_xlabel("index $i$")
        b.set_title("top eigenvalues: the outliers come from $G$")
        b.legend(loc="upper right")
        save(fig, out_dir / "digits_hessian.png")
