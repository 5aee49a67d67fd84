"""``rmtcheck spectrum``: sample an ensemble, compare with its law, plot."""

from __future__ import annotations

import argparse
import math

from .. import budget
from ..ensembles.laguerre import laguerre_eigvalsh
from ..ensembles.matrices import ENTRY_LAWS, random_matrix, wishart_eigvalsh
from ..errors import InputError
from ..laws.marchenko_pastur import MarchenkoPastur
from ..outputs import figure_formats, output_file
from ..rng import generator
from ..spectra.compare import compare_to_law
from .common import add_common, positive_int, positive_real, print_json

EPILOG = """examples:
  rmtcheck spectrum wishart --p 1000 --n 2000 --plot mp.png
  rmtcheck spectrum wishart --p 3000 --n 1000 --law rademacher --json
  rmtcheck spectrum wishart --p 4000 --n 8000 --method tridiagonal"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "spectrum",
        help="sample an ensemble, compare with its law and plot",
        description="Eigenvalues of S = X X^T / n (X p x n, i.i.d. entries) "
        "against the Marchenko–Pastur law: KS, W1, edges, outliers.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("ensemble", choices=["wishart"], help="the ensemble to sample")
    s.add_argument("--p", type=positive_int("--p"), default=1000, help="dimension (default 1000)")
    s.add_argument("--n", type=positive_int("--n"), default=2000, help="samples (default 2000)")
    s.add_argument("--law", choices=ENTRY_LAWS, default="gaussian", help="entry law")
    s.add_argument("--var", type=positive_real("--var"), default=1.0,
                   help="entry variance (default 1)")
    s.add_argument(
        "--method",
        choices=["dense", "tridiagonal"],
        default="dense",
        help="dense eigvalsh, or the O(p^2) tridiagonal model (Gaussian only)",
    )
    s.add_argument("--plot", metavar="PNG", help="write histogram vs density and Q-Q plot "
                   "(format by extension: png, pdf, svg, ...)")
    add_common(s, scale=False)
    s.set_defaults(run=run_spectrum)


def run_spectrum(args: argparse.Namespace) -> int:
    if args.method == "tridiagonal" and args.law != "gaussian":
        raise InputError("--method", "tridiagonal needs --law gaussian", "dense for other laws")
    if args.plot is not None:
        output_file("--plot", args.plot, figure_formats())
    if args.method == "tridiagonal":
        budget.require_memory("--p", 64 * (args.p + args.n), "the tridiagonal spectrum")
    else:
        budget.dense_wishart(args.p, args.n, args.law)
    law = MarchenkoPastur(args.p / args.n, args.var)
    settings = {k: v for k, v in vars(args).items() if k not in ("max_memory", "max_work")}
    rng = generator(args.seed, "spectrum", settings | {"plot": None, "json": None})
    if args.method == "tridiagonal":
        values = laguerre_eigvalsh(args.p, args.n, rng, var=args.var)
    else:
        values = wishart_eigvalsh(random_matrix(args.p, args.n, args.law, rng, var=args.var))
    cmp = compare_to_law(values, law, outlier_margin=0.0).as_dict()
    threshold = (1 + math.log(args.p)) / args.p
    result = {
        "ensemble": "wishart",
        "p": args.p,
        "n": args.n,
        "law": args.law,
        "var": args.var,
        "ratio": args.p / args.n,
        "seed": args.seed,
        **cmp,
        "ks_threshold": threshold,
        "consistent": cmp["ks"] <= threshold,
    }
    if args.plot is not None:
        from ..plots.spectrum import plot_spectrum  # noqa: PLC0415

        plot_spectrum(
            values,
            law,
            args.plot,
            title=f"wishart p={args.p} n={args.n} {args.law}",
            stats={"ks": cmp["ks"], "w1": cmp.get("w1", 0.0)},
        )
        result["plot"] = args.plot
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value}")
    return 0
