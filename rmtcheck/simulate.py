"""Full scenarios: declarative TOML files in ``simulations/`` run by ``rmtcheck simulate``.

A scenario file holds one ``[scenario]`` table::

    [scenario]
    name = "mp_universality"            # the file stem; `rmtcheck simulate mp_universality`
    title = "..."
    source = "file, section, figure"
    run = "package.module:function"     # function(out_dir, rng, **params) -> summary dict
    [scenario.params]                   # defaults (full scale)
    [scenario.quick]                    # overrides for --scale quick
    [scenario.paper]                    # numbers the paper reports, shown beside ours

The function writes its figures into ``out_dir`` and returns a JSON-ready summary of the
reproduced numbers; this module writes ``summary.json`` with both sides.
"""

from __future__ import annotations

import json
import time
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .checker.domain import _number
from .checker.resolve import call_with, resolve_function
from .checker.verdict import _plain, versions
from .errors import CardError, InputError
from .rng import DEFAULT_SEED, generator


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    source: str
    run: str
    params: dict[str, Any] = field(default_factory=dict)
    quick: dict[str, Any] = field(default_factory=dict)
    paper: dict[str, Any] = field(default_factory=dict)
    origin: str = ""


def scenarios_dir() -> Path:
    return Path(str(resources.files("rmtcheck.simulations")))


def load_scenarios() -> dict[str, Scenario]:
    """All scenario files of the shipped ``simulations/`` directory, by name."""
    out: dict[str, Scenario] = {}
    for path in sorted(scenarios_dir().glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))["scenario"]
            out[path.stem] = Scenario(
                name=path.stem,
                title=raw["title"],
                source=raw.get("source", ""),
                run=raw["run"],
                params=raw.get("params", {}),
                quick=raw.get("quick", {}),
                paper=raw.get("paper", {}),
                origin=str(path),
            )
        except (KeyError, tomllib.TOMLDecodeError) as exc:
            raise CardError(path.name, "scenario", f"malformed scenario file: {exc}") from None
    return out


def get_scenario(name: str) -> Scenario:
    found = load_scenarios()
    if name not in found:
        raise InputError("NAME", f"unknown scenario {name!r}", ", ".join(found) or "(none)")
    return found[name]


def _override(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    params = dict(defaults)
    for key, value in overrides.items():
        if key not in params:
            raise InputError(f"--param {key}", "unknown parameter", ", ".join(params) or "(none)")
        old = params[key]
        if isinstance(value, str) and isinstance(old, bool):
            value = value.lower() in ("1", "true", "yes")
        elif isinstance(value, str) and isinstance(old, int | float):
            value = _number(
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
    scale: str = "full",
    seed: int = DEFAULT_SEED,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run scenario ``name`` into ``out_dir``; returns and writes the summary."""
    sc = get_scenario(name)
    if scale not in ("quick", "full"):
        raise InputError("--scale", f"got {scale!r}", "quick, full")
    values = _override({**sc.params, **(sc.quick if scale == "quick" else {})}, params or {})
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            "--out", f"cannot create {out}: {exc.strerror}", "a writable directory"
        ) from None
    rng = generator(seed, f"scenario:{name}", values)
    start = time.perf_counter()
    result = call_with(resolve_function(sc.run, sc.origin), {**values, "out_dir": out, "rng": rng})
    summary = _plain(
        {
            "scenario": name,
            "title": sc.title,
            "source": sc.source,
            "scale": scale,
            "seed": seed,
            "params": values,
            "reproduced": result,
            "paper": sc.paper,
            "seconds": round(time.perf_counter() - start, 3),
            "versions": versions(),
            "figures": sorted(p.name for p in out.glob("*.png")),
        }
    )
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
