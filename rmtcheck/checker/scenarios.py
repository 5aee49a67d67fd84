"""Full scenarios: ``[[scenario]]`` tables in ``<text>/scenarios.toml``, validated like cards.

One table per scenario::

    [[scenario]]
    name = "papyan2020_thm81"           # `rmtcheck simulate papyan2020_thm81`
    title = "..."
    source = "Papyan (2020), Sec. 8.2, Theorem 8.1"
    claims = ["PAP-THM-8.1"]             # card IDs it reproduces (must exist)
    run = "package.module:function"     # function(out_dir, rng, **params) -> summary dict
    [scenario.params]                   # defaults (full scale)
    [scenario.quick]                    # overrides for --scale quick (names of params only)
    [scenario.paper]                    # the paper's setting and statements, shown beside ours
    [scenario.compare."key"]            # optional: the paper's number for one key of the
                                        # summary, judged key by key (see checker/compare.py)
    [scenario.ranges]                   # optional: p = [10, 20000], the values --param may
                                        # take (each element of a list parameter)

The function writes its figures into ``out_dir`` and returns a JSON-ready summary of the
reproduced numbers; :func:`simulate` writes ``summary.json`` with both sides and the per-key
comparison, and ``summary.md`` with the comparison table.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CardError, InputError
from ..rng import DEFAULT_SEED, generator
from .cards import (
    catalogue_dirs,
    catalogue_files,
    load_catalogue,
    origin_name,
    package_dir,
    read_toml,
)
from .compare import Comparison, compare, markdown_table, parse_compare
from .domain import as_number
from .resolve import call_with, resolve_function
from .verdict import plain, versions

_FIELDS = {"name": str, "title": str, "source": str, "claims": list, "run": str}
_TABLES = ("params", "quick", "paper", "ranges", "compare")
SCALES = ("quick", "full")


@dataclass(frozen=True)
class Scenario:
    """One full scenario of a source text (see the module docstring for each field)."""

    name: str
    title: str
    source: str
    claims: tuple[str, ...]
    run: str
    params: dict[str, Any] = field(default_factory=dict)
    quick: dict[str, Any] = field(default_factory=dict)
    paper: dict[str, Any] = field(default_factory=dict)
    ranges: dict[str, list[float]] = field(default_factory=dict)
    compare: tuple[Comparison, ...] = ()
    origin: str = ""


def parse_scenario(raw: Any, origin: str, known_claims: set[str]) -> Scenario:
    """Validate one ``[[scenario]]`` table: required fields, no unknown ones, quick
    overrides naming declared parameters, claim IDs that exist in the catalogue."""
    where = f"{raw.get('name', '?') if isinstance(raw, dict) else '?'} ({origin_name(origin)})"
    if not isinstance(raw, dict):
        raise CardError(where, "scenario", "use [[scenario]] tables")
    for key, typ in _FIELDS.items():
        if not isinstance(raw.get(key), typ):
            raise CardError(where, key, f"is required and must be a {typ.__name__}")
    unknown = set(raw) - set(_FIELDS) - set(_TABLES)
    if unknown:
        raise CardError(where, sorted(unknown)[0], "unknown field")
    for key in _TABLES:
        if not isinstance(raw.get(key, {}), dict):
            raise CardError(where, key, "must be a table")
    extra = set(raw.get("quick", {})) - set(raw.get("params", {}))
    if extra:
        raise CardError(where, "quick", f"overrides undeclared parameter(s) {sorted(extra)}")
    for key, bounds in raw.get("ranges", {}).items():
        if key not in raw.get("params", {}):
            raise CardError(where, f"ranges.{key}", "names an undeclared parameter")
        numbers = isinstance(bounds, list) and len(bounds) == 2 and all(
            isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
        if not numbers or bounds[0] > bounds[1]:
            raise CardError(where, f"ranges.{key}", "must be [low, high] with low <= high")
        for value in _elements(raw["params"][key]) + _elements(raw.get("quick", {}).get(key)):
            if not bounds[0] <= value <= bounds[1]:
                raise CardError(where, f"ranges.{key}", f"excludes the default {value}")
    dangling = [c for c in raw["claims"] if c not in known_claims]
    if dangling:
        raise CardError(where, "claims", f"names unknown claim(s) {dangling}")
    if ":" not in raw["run"]:
        raise CardError(where, "run", "must be 'package.module:function'")
    return Scenario(
        name=raw["name"],
        title=raw["title"],
        source=raw["source"],
        claims=tuple(raw["claims"]),
        run=raw["run"],
        params=dict(raw.get("params", {})),
        quick=dict(raw.get("quick", {})),
        paper=dict(raw.get("paper", {})),
        ranges=dict(raw.get("ranges", {})),
        compare=parse_compare(raw.get("compare", {}), where, SCALES),
        origin=origin,
    )


def scenario_dirs(extra: list[str] | None = None) -> list[Path]:
    """The shipped ``simulations/`` folder, then the user's catalogue folders."""
    return [package_dir("simulations", "simulations"), *catalogue_dirs(extra)[1:]]


def load_scenarios(extra: list[str] | None = None) -> dict[str, Scenario]:
    """Every scenario of the shipped ``simulations/`` and of ``extra`` folders, by name."""
    known = set(load_catalogue(extra))
    out: dict[str, Scenario] = {}
    for d in scenario_dirs(extra):
        for path in catalogue_files(d, "scenarios.toml"):
            data = read_toml(path)
            if set(data) != {"scenario"}:
                raise CardError(origin_name(str(path)), "(file)", "holds [[scenario]] tables only")
            for raw in data["scenario"]:
                sc = parse_scenario(raw, str(path), known)
                if sc.name in out:
                    first = origin_name(out[sc.name].origin)
                    raise CardError(f"{sc.name} ({origin_name(str(path))})", "name",
                                    f"duplicate of a scenario in {first}")
                out[sc.name] = sc
    return out


def get_scenario(name: str, extra: list[str] | None = None) -> Scenario:
    found = load_scenarios(extra)
    if name not in found:
        raise InputError("NAME", f"unknown scenario {name!r}", ", ".join(found) or "(none)")
    return found[name]


def _elements(value: Any) -> list[Any]:
    """The numbers of a parameter value (its elements when it is a list)."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [x for x in items if isinstance(x, int | float) and not isinstance(x, bool)]


def _in_ranges(values: dict[str, Any], ranges: dict[str, list[float]]) -> None:
    for key, (low, high) in ranges.items():
        for value in _elements(values[key]):
            if not low <= value <= high:
                raise InputError(f"--param {key}", f"got {value}", f"in [{low}, {high}]")


def _as_list(text: str, old: list[Any], where: str) -> list[Any]:
    """``"[0.25, 1.0]"`` or ``"0.25,1.0"`` as a list like ``old`` (numbers or strings)."""
    items = [t.strip().strip("'\"") for t in text.strip().strip("[]").split(",")]
    valid = f"a comma-separated list like {','.join(map(str, old))}"
    if not items or "" in items:
        raise InputError(where, f"got {text!r}", valid)
    numbers = [x for x in old if isinstance(x, int | float) and not isinstance(x, bool)]
    if old and len(numbers) == len(old):
        kind = "int" if all(isinstance(x, int) for x in old) else "float"
        return [as_number(t, kind, where, valid) for t in items]
    return items


def _override(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    params = dict(defaults)
    for key, value in overrides.items():
        if key not in params:
            raise InputError(f"--param {key}", "unknown parameter", ", ".join(params) or "(none)")
        old = params[key]
        if isinstance(value, str) and isinstance(old, bool):
            value = value.lower() in ("1", "true", "yes")
        elif isinstance(value, str) and isinstance(old, list):
            value = _as_list(value, old, f"--param {key}")
        elif isinstance(value, str) and isinstance(old, int | float):
            value = as_number(
                value,
                "int" if isinstance(old, int) else "float",
                f"--param {key}",
                f"a number like {old}",
            )
        params[key] = value
    return params


def simulate(
    name: str,
    out_dir: str | Path,
    *,
    scale: str = "quick",
    seed: int = DEFAULT_SEED,
    params: dict[str, Any] | None = None,
    catalogue: list[str] | None = None,
) -> dict[str, Any]:
    """Run scenario ``name`` into ``out_dir`` at ``scale``; returns and writes the summary."""
    sc = get_scenario(name, catalogue)
    if scale not in SCALES:
        raise InputError("--scale", f"got {scale!r}", ", ".join(SCALES))
    values = _override({**sc.params, **(sc.quick if scale == "quick" else {})}, params or {})
    _in_ranges(values, sc.ranges)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            "--out", f"cannot create {out}: {exc.strerror}", "a writable directory"
        ) from None
    rng = generator(seed, f"scenario:{name}", values)
    start = time.perf_counter()
    result = plain(
        call_with(resolve_function(sc.run, sc.origin), {**values, "out_dir": out, "rng": rng})
    )
    summary = plain(
        {
            "scenario": name,
            "title": sc.title,
            "source": sc.source,
            "claims": list(sc.claims),
            "scale": scale,
            "seed": seed,
            "params": values,
            "reproduced": result,
            "paper": sc.paper,
            "comparison": compare(sc.compare, result, scale),
            "seconds": round(time.perf_counter() - start, 3),
            "versions": versions(),
            "figures": sorted(p.name for p in out.glob("*.png")),
        }
    )
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "summary.md").write_text(summary_markdown(summary))
    return summary


def summary_markdown(summary: dict[str, Any]) -> str:
    """A scenario run for a reader: setting, the key-by-key comparison, the figures."""
    lines = [f"# {summary['scenario']}: {summary['title']}", "",
             f"{summary['source']}. Scale {summary['scale']}, seed {summary['seed']}, "
             f"{summary['seconds']} s.", "",
             "Parameters: " + ", ".join(f"{k} = {v}" for k, v in summary["params"].items()), ""]
    if summary["comparison"]:
        counts = {}
        for row in summary["comparison"]:
            counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
        lines += ["## Ours beside the paper's", "",
                  ", ".join(f"{n} {v}" for v, n in counts.items()), "",
                  markdown_table(summary["comparison"]), ""]
    if summary["paper"]:
        lines += ["## The paper's setting", ""]
        lines += [f"- {k}: {v}" for k, v in summary["paper"].items()] + [""]
    if summary["figures"]:
        lines += ["## Figures", ""] + [f"![{f}]({f})" for f in summary["figures"]] + [""]
    return "\n".join(lines)
