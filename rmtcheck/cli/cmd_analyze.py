"""``rmtcheck analyze``: every weight matrix of a network against random-matrix theory."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError
from ..outputs import output_dir, output_file
from .common import add_common, int_at_least, print_json

EPILOG = """examples:
  rmtcheck analyze model.safetensors
  rmtcheck analyze model.safetensors --layers '*weight' --level 0.05 --plot figs --csv layers.csv
  rmtcheck analyze a.npz b.npy --json
conventions: a layer W (a x b) gives the p = min(a, b) eigenvalues of X X^T / n, n = max(a, b);
kernels (out, in, k, ...) are reshaped to out x (in k ...). Exit status 2 on a bad file."""


def level_type(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0.0 < value <= 0.5:
        raise argparse.ArgumentTypeError(f"--level must be a number in (0, 0.5], got {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "analyze",
        help="per-layer spectra of real weights against the theory",
        description="For each weight matrix: Marchenko–Pastur bulk fit (KS, W1), spikes by a "
        "Tracy–Widom step-down test with BBP strengths, CSN power-law tail, spectral class.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("files", nargs="+", metavar="FILE",
                   help=".npy, .npz, .safetensors or a PyTorch checkpoint (needs torch)")
    s.add_argument("--layers", metavar="PATTERN", help="glob on the layer names, e.g. '*weight'")
    s.add_argument("--level", type=level_type, default=0.01,
                   help="false-alarm rate of the spike test per layer (default 0.01)")
    s.add_argument("--fit-ratio", action="store_true",
                   help="also fit the aspect ratio of the Marchenko–Pastur bulk")
    s.add_argument("--bootstrap", type=int_at_least("--bootstrap", 0), default=0, metavar="B",
                   help="power-law goodness of fit by B bootstrap refits (default 0: off)")
    s.add_argument("--max-rank", type=int_at_least("--max-rank", 0), default=None, metavar="R",
                   help="most spikes a low-rank signal may give (default max(5, p // 100))")
    s.add_argument("--plot", metavar="DIR", help="write one PNG per layer to DIR")
    s.add_argument("--csv", metavar="OUT", help="write the table as CSV")
    add_common(s, scale=False)
    s.set_defaults(run=run_analyze)


def run_analyze(args: argparse.Namespace) -> int:
    from ..analyze import analyze  # noqa: PLC0415

    if args.plot is not None:  # outputs checked before any work
        output_dir("--plot", args.plot)
    if args.csv is not None:
        output_file("--csv", args.csv, ("csv",))
    try:
        table = analyze(args.files, layers=args.layers, level=args.level, fit_ratio=args.fit_ratio,
                        bootstrap=args.bootstrap, max_rank=args.max_rank, rng=args.seed)
    except InputError as exc:
        if exc.name == "layers":  # the library names its argument; the command its option
            raise InputError("--layers", exc.problem, exc.valid) from None
        raise
    result = table.as_dict()
    if args.plot:
        from ..analyze.plot import figure_name, plot_layer  # noqa: PLC0415
        from ..progress import track  # noqa: PLC0415

        folder = Path(args.plot)
        folder.mkdir(parents=True, exist_ok=True)  # checked writable before the work
        result["plots"] = [
            str(plot_layer(r, folder / figure_name(r.name), args.level))
            for r in track(table.results, desc="plots")
        ]
    if args.csv:
        table.to_csv(args.csv)
        result["csv"] = args.csv
    if args.json:
        print_json(result)
    else:
        print(table.to_text())
        for key in ("plots", "csv"):
            if key in result:
                print(f"{key}: {result[key] if key == 'csv' else args.plot}")
    return 0
