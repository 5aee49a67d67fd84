"""``rmtcheck spectrum``: sample an ensemble, compare with its law, plot."""

from __future__ import annotations

import argparse
import math

import numpy as np

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
  rmtcheck spectrum wishart --p 4000 --n 8000 --method tridiagonal
  rmtcheck spectrum wishart --p 1000000 --n 2000000 --method sturm --json"""


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
        choices=["dense", "tridiagonal", "sturm"],
        default="dense",
        help="dense eigvalsh, the O(p^2) tridiagonal model, or Sturm counts on it: a KS "
        "bracket of width <= --width and the edges, O(p) memory (the last two Gaussian only)",
    )
    s.add_argument(
        "--width",
        type=float,
        default=1e-3,
        help="width of the KS bracket for --method sturm (default 1e-3); the verdict is "
        "null while the bracket straddles the threshold (1 + log p) / p",
    )
    s.add_argument("--plot", metavar="PNG", help="write histogram vs density and Q-Q plot "
                   "(format by extension: png, pdf, svg, ...)")
    add_common(s, scale=False)
    s.set_defaults(run=run_spectrum)


# From 2^26 entries on, the dense path samples X with the parallel counter-based sampler,
# whose speed there repays the Numba import and cache load (about 0.4 s of CPU in a fresh
# process); the choice depends on (p, n) only, so a seed still fixes the matrix.
COUNTER_MIN_ENTRIES = 2**26


def sample_generator(args: argparse.Namespace) -> np.random.Generator:
    """The generator of the sample: keyed by the seed and the parameters that define the
    matrix only (not by output options, nor by the parsed namespace's function objects, whose
    addresses change between processes)."""
    params = {k: getattr(args, k) for k in ("ensemble", "p", "n", "law", "var", "method")}
    return generator(args.seed, "spectrum", params)


def run_spectrum(args: argparse.Namespace) -> int:
    if args.method != "dense" and args.law != "gaussian":
        raise InputError("--method", f"{args.method} needs --law gaussian", "dense for other laws")
    if args.plot is not None:
        output_file("--plot", args.plot, figure_formats())
    if args.method == "dense":
        budget.dense_wishart(args.p, args.n, args.law)
    else:
        budget.require_memory("--p", 64 * (args.p + args.n), f"the {args.method} spectrum")
    if args.method == "sturm":
        return run_sturm(args)
    law = MarchenkoPastur(args.p / args.n, args.var)
    rng = sample_generator(args)
    sampler = "numpy"
    if args.method == "tridiagonal":
        values = laguerre_eigvalsh(args.p, args.n, rng, var=args.var)
    elif args.p * args.n >= COUNTER_MIN_ENTRIES:
        from ..ensembles.counter_rng import counter_matrix  # noqa: PLC0415

        sampler = "philox"
        values = wishart_eigvalsh(counter_matrix(args.p, args.n, args.law, rng, var=args.var))
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
        "sampler": sampler,
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
    return print_result(result, args.json)


def print_result(result: dict, as_json: bool) -> int:
    if as_json:
        print_json(result)
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value}")
    return 0


def run_sturm(args: argparse.Namespace) -> int:
    """KS bracket and edges from Sturm counts on the tridiagonal model (no eigenvalues)."""
    from ..spectra.sturm import mp_check_tridiagonal  # noqa: PLC0415

    if args.plot:
        raise InputError("--plot", "needs eigenvalues", "--method dense or tridiagonal")
    rng = sample_generator(args)
    check = mp_check_tridiagonal(args.p, args.n, rng, var=args.var, width=args.width)
    threshold = (1 + math.log(args.p)) / args.p
    edges = {"min_value": check.pop("lambda_min"), "max_value": check.pop("lambda_max")}
    result = {
        "ensemble": "wishart",
        "law": args.law,
        "seed": args.seed,
        "method": "sturm",
        **check,
        **edges,
        "ks_threshold": threshold,
        # decided only when the bracket lies on one side of the threshold (else null: narrow
        # the bracket with --width)
        "consistent": True
        if check["ks_high"] <= threshold
        else (False if check["ks_low"] > threshold else None),
    }
    return print_result(result, args.json)
