"""The ``rmtcheck`` command line.

Subcommands live in ``rmtcheck/cli/cmd_<name>.py`` modules, each defining
``add_parser(subparsers)`` that registers its parser with ``set_defaults(run=...)``;
``run(args) -> int`` returns the exit status. Bad input anywhere ends with one line on
stderr naming the option and its valid range, and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import warnings
from collections.abc import Sequence

from ..backend import set_backend
from ..errors import CardError, InputError
from ..progress import set_enabled
from ..version import __version__

LIMITS = {"max_memory": "RMTCHECK_MAX_MEMORY", "max_work": "RMTCHECK_MAX_WORK"}

EPILOG = """examples:
  rmtcheck list
  rmtcheck show RMT-MP-LAW
  rmtcheck check RMT-MP-LAW --param ratio=0.25 --json
  rmtcheck property RMT-CAUCHY-INTERLACING --examples 200 --seed 1
  rmtcheck verify --scale quick --report report
  rmtcheck spectrum wishart --p 1000 --n 2000 --plot mp.png
  rmtcheck simulate wang2023_table1 --size reduced
  rmtcheck coverage --text papyan2020
  rmtcheck new-text smith2024 --prefix SMITH --dir mytexts
  rmtcheck sweep RMT-MP-KS-RATE --sizes 250,500,1000,2000 --trials 25 --store ks.db
"""


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one line and exit status 2."""

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> object:
        # `--opt=--` is the value "--" (argparse 3.11 drops it and hands the action [])
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"rmtcheck {self.prog.split(' ', 1)[-1]}: {message}\n")
        raise SystemExit(2)


def _warn_one_line(message: Warning | str, category: type[Warning], *args: object,
                   **kwargs: object) -> None:
    sys.stderr.write(f"rmtcheck: warning: {' '.join(str(message).split())}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rmtcheck",
        description="Check published random-matrix claims about neural-network spectra: "
        "closed forms, laws, inequalities, scaling exponents and phenomena.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"rmtcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from . import __path__ as cli_path  # noqa: PLC0415

    for info in sorted(pkgutil.iter_modules(cli_path), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__package__}.{info.name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    saved = {name: os.environ.get(name) for name in LIMITS.values()}
    try:
        if getattr(args, "json", False) or getattr(args, "quiet", False):
            set_enabled(False)
        if getattr(args, "backend", None):
            set_backend(args.backend)
        for option, name in LIMITS.items():  # the budget reads them, here and on workers
            if getattr(args, option, None) is not None:
                os.environ[name] = str(getattr(args, option))
        with warnings.catch_warnings():
            warnings.showwarning = _warn_one_line
            return int(args.run(args))
    except (InputError, CardError) as exc:
        sys.stderr.write(f"rmtcheck: {' '.join(str(exc).split())}\n")
        return 2
    except BrokenPipeError:  # the reader went away, e.g. `rmtcheck list | head -3`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("rmtcheck: interrupted (finished sweep cells are kept; rerun with "
                         "--resume)\n")
        return 130
    except MemoryError:
        sys.stderr.write("rmtcheck: out of memory; use smaller sizes, or set --max-memory "
                         "so that the budget refuses them up front\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - never a traceback, unless asked for
        if os.environ.get("RMTCHECK_TRACEBACK"):
            raise
        text = " ".join(str(exc).split())[:300] or "(no message)"
        notes = " ".join(getattr(exc, "__notes__", []))
        sys.stderr.write(f"rmtcheck: internal error: {type(exc).__name__}: {text}"
                         f"{'; ' + notes if notes else ''} (RMTCHECK_TRACEBACK=1 shows the "
                         "traceback)\n")
        return 3
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
