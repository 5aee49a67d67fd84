"""Parameter domains of claim cards: typed ranges, choices and constraints.

A card's ``[claim.params]`` table maps each name to one of
``{ int = [lo, hi] }``, ``{ float = [lo, hi] }``, ``{ choice = [...] }``, ``{ bool = true }``,
with optional ``require = "expression"`` (checked once the parameter is known),
``search = [lo, hi]`` (a narrower range for property search) and ``doc``. Bounds may be
expressions of earlier parameters, e.g. ``alpha = { float = [0, "(C-1)/C"] }``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .expr import evaluate

TYPES = ("int", "float", "choice", "bool")


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a claim's domain."""

    name: str
    type: str
    low: Any = None
    high: Any = None
    options: tuple[Any, ...] = ()
    require: str | None = None
    search: tuple[Any, Any] | None = None
    doc: str = ""

    def bounds(self, env: dict[str, Any], *, search: bool = False) -> tuple[Any, Any]:
        """Numeric bounds with expressions evaluated against earlier parameters."""
        lo, hi = self.search if (search and self.search) else (self.low, self.high)
        lo, hi = evaluate(lo, env), evaluate(hi, env)
        if search and self.search:  # the search range never leaves the domain
            lo = max(lo, evaluate(self.low, env))
            hi = min(hi, evaluate(self.high, env))
        return lo, hi

    def describe(self) -> str:
        if self.type == "choice":
            return "one of " + ", ".join(map(str, self.options))
        if self.type == "bool":
            return "true or false"
        text = f"{'integer' if self.type == 'int' else 'number'} in [{self.low}, {self.high}]"
        return text + (f" with {self.require}" if self.require else "")

    def coerce(self, value: Any, env: dict[str, Any]) -> Any:
        """Convert and range-check ``value`` (already typed, or a CLI string)."""
        where = f"--param {self.name}"
        if self.type == "bool":
            if isinstance(value, str):
                if value.lower() not in ("true", "false", "1", "0"):
                    raise InputError(where, f"got {value!r}", "true or false")
                value = value.lower() in ("true", "1")
            if not isinstance(value, bool):
                raise InputError(where, f"got {value!r}", "true or false")
        elif self.type == "choice":
            if isinstance(value, str) and value not in self.options:
                for opt in self.options:
                    if str(opt) == value:
                        value = opt
            if value not in self.options:
                raise InputError(where, f"got {value!r}", self.describe())
        else:
            value = as_number(value, self.type, where, self.describe())
            lo, hi = self.bounds(env)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                evaluated = isinstance(self.low, str) or isinstance(self.high, str)
                valid = self.describe() + (f" = [{lo:g}, {hi:g}]" if evaluated else "")
                raise InputError(where, f"got {value}", valid)
        if self.require:
            if not evaluate(self.require, {**env, self.name: value}):
                raise InputError(where, f"got {value!r}, violates {self.require}", self.describe())
        return value


def as_number(value: Any, kind: str, where: str, valid: str) -> int | float:
    if isinstance(value, bool):
        raise InputError(where, f"got {value!r}", valid)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise InputError(where, f"got {value!r}, not a number", valid) from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(where, f"got {value!r}", valid)
    if kind == "int":
        if float(value) != int(value):
            raise InputError(where, f"got {value!r}, not an integer", valid)
        return int(value)
    return float(value)


def parse_spec(name: str, raw: Any) -> ParamSpec:
    """Build a ParamSpec from its TOML table; raises ValueError with the problem."""
    if not isinstance(raw, dict):
        raise ValueError(f"parameter '{name}' must be a table like {{ float = [0, 1] }}")
    kinds = [k for k in TYPES if k in raw]
    if len(kinds) != 1:
        raise ValueError(f"parameter '{name}' needs exactly one of {', '.join(TYPES)}")
    kind = kinds[0]
    unknown = set(raw) - {kind, "require", "search", "doc"}
    if unknown:
        raise ValueError(f"parameter '{name}' has unknown key(s) {sorted(unknown)}")
    spec = raw[kind]
    search = tuple(raw["search"]) if "search" in raw else None
    if kind in ("int", "float"):
        if not (isinstance(spec, list) and len(spec) == 2):
            raise ValueError(f"parameter '{name}': {kind} needs [low, high]")
        return ParamSpec(
            name,
            kind,
            spec[0],
            spec[1],
            require=raw.get("require"),
            search=search,
            doc=raw.get("doc", ""),
        )
    if kind == "choice":
        if not (isinstance(spec, list) and spec):
            raise ValueError(f"parameter '{name}': choice needs a non-empty list")
        return ParamSpec(
            name, kind, options=tuple(spec), require=raw.get("require"), doc=raw.get("doc", "")
        )
    return ParamSpec(name, "bool", require=raw.get("require"), doc=raw.get("doc", ""))


def resolve(specs: dict[str, ParamSpec], values: dict[str, Any]) -> dict[str, Any]:
    """Validate a full assignment in declaration order; unknown names are errors."""
    unknown = set(values) - set(specs)
    if unknown:
        name = sorted(unknown)[0]
        raise InputError(f"--param {name}", "unknown parameter", ", ".join(specs) or "(none)")
    env: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in values:
            raise InputError(f"--param {name}", "missing", spec.describe())
        env[name] = spec.coerce(values[name], env)
    return env
