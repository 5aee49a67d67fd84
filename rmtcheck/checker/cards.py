"""Claim cards: schema, validation and the catalogue loader.

Cards live in TOML files as ``[[claim]]`` tables. The built-in catalogue ships with the
package (``theory/`` in the source tree); users add directories with ``--catalogue DIR``
or ``RMTCHECK_CATALOGUE`` (paths separated by ``os.pathsep``). See README for the schema.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import CardError, InputError
from .domain import ParamSpec, parse_spec
from .expr import names_in

KINDS = ("exact", "distributional", "inequality", "scaling", "qualitative")
EXPECTED = ("holds", "fails")
COMPARES = ("allclose", "sorted")
_REQUIRED = ("id", "title", "statement", "source", "kind", "expected", "empirical", "tolerance")
_OPTIONAL = (
    "theory",
    "compare",
    "fit",
    "params",
    "scale",
    "corrected",
    "corrects",
    "counterexample",
    "notes",
    "tags",
)


@dataclass(frozen=True)
class Card:
    """One claim of the catalogue (see the module docstring and README for each field)."""

    id: str
    title: str
    statement: str
    source: dict[str, str]
    kind: str
    expected: str
    empirical: str
    tolerance: dict[str, Any]
    theory: str | None = None
    compare: str = "allclose"
    fit: dict[str, Any] = field(default_factory=dict)
    params: dict[str, ParamSpec] = field(default_factory=dict)
    scale: dict[str, dict[str, Any]] = field(default_factory=dict)
    corrected: str | None = None
    corrects: str | None = None
    counterexample: dict[str, Any] | None = None
    notes: str = ""
    tags: tuple[str, ...] = ()
    origin: str = ""

    @property
    def source_text(self) -> str:
        s = self.source
        return ", ".join(x for x in (s.get("file"), s.get("section"), s.get("equation")) if x)

    def scale_values(self, scale: str) -> dict[str, Any]:
        """Parameter values and run settings (``sizes``, ``trials``) of a scale."""
        if scale not in self.scale:
            raise InputError(
                "--scale", f"card {self.id} has no scale {scale!r}", ", ".join(self.scale)
            )
        return dict(self.scale[scale])

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "source": self.source_text,
            "expected": self.expected,
        }


def _check(cond: bool, where: str, fld: str, problem: str) -> None:
    if not cond:
        raise CardError(where, fld, problem)


def parse_card(raw: dict[str, Any], origin: str) -> Card:
    """Validate one ``[[claim]]`` table and build its Card."""
    where = f"{raw.get('id', '?')} ({Path(origin).name})"
    for key in _REQUIRED:
        _check(key in raw, where, key, "is required")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    _check(not unknown, where, sorted(unknown)[0] if unknown else "", "unknown field")
    for key in ("id", "title", "statement", "empirical"):
        _check(
            isinstance(raw[key], str) and raw[key].strip() != "",
            where,
            key,
            "must be a non-empty string",
        )
    _check(raw["kind"] in KINDS, where, "kind", f"{raw['kind']!r} is not one of {', '.join(KINDS)}")
    _check(
        raw["expected"] in EXPECTED,
        where,
        "expected",
        f"{raw['expected']!r} is not one of holds, fails",
    )
    if raw["expected"] == "fails":
        _check(
            isinstance(raw.get("corrected"), str),
            where,
            "corrected",
            "a card expected to fail must name its corrected claim",
        )
    src = raw["source"]
    _check(
        isinstance(src, dict) and "file" in src,
        where,
        "source",
        "must be a table with at least 'file' (and 'section', 'equation')",
    )
    tol = raw["tolerance"]
    _check(
        isinstance(tol, dict) and isinstance(tol.get("why"), str),
        where,
        "tolerance",
        "must be a table with a 'why' sentence",
    )
    kind = raw["kind"]
    if kind == "exact":
        _check(
            isinstance(raw.get("theory"), str),
            where,
            "theory",
            "exact claims need a theory function",
        )
        _check(
            any(k in tol for k in ("rtol", "atol", "sigmas")),
            where,
            "tolerance",
            "exact claims need rtol, atol or sigmas",
        )
    if kind == "distributional":
        _check(
            isinstance(raw.get("theory"), str), where, "theory", "distributional claims need a law"
        )
        _check("ks" in tol, where, "tolerance", "distributional claims need a 'ks' threshold")
    if kind == "qualitative":
        _check(
            isinstance(tol.get("criterion"), str),
            where,
            "tolerance",
            "qualitative claims need a 'criterion' expression",
        )
    fit = raw.get("fit", {})
    if kind == "scaling":
        _check(
            isinstance(fit, dict) and "size" in fit and "exponent" in fit,
            where,
            "fit",
            "scaling claims need fit = { size = NAME, exponent = P }",
        )
    compare = raw.get("compare", "allclose")
    _check(
        compare in COMPARES, where, "compare", f"{compare!r} is not one of {', '.join(COMPARES)}"
    )
    reserved = {"sizes", "trials", "rng"} & set(raw.get("params", {}))
    _check(not reserved, where, "params", f"{sorted(reserved)} are reserved run settings")
    try:
        params = {name: parse_spec(name, spec) for name, spec in raw.get("params", {}).items()}
    except ValueError as exc:
        raise CardError(where, "params", str(exc)) from None
    _check_bound_order(where, params)
    scale = raw.get("scale", {})
    _check(
        isinstance(scale, dict) and "quick" in scale,
        where,
        "scale",
        "needs at least a 'quick' table",
    )
    for name, values in scale.items():
        _check(isinstance(values, dict), where, f"scale.{name}", "must be a table")
        if kind == "scaling":
            _check(
                isinstance(values.get("sizes"), list) and len(values["sizes"]) >= 2,
                where,
                f"scale.{name}.sizes",
                "scaling claims need at least two sizes",
            )
        extra = set(values) - set(params) - {"sizes", "trials"}
        if kind == "scaling":
            extra -= {fit["size"]}
        _check(not extra, where, f"scale.{name}", f"unknown parameter(s) {sorted(extra)}")
    return Card(
        id=raw["id"],
        title=raw["title"],
        statement=raw["statement"],
        source=dict(src),
        kind=kind,
        expected=raw["expected"],
        empirical=raw["empirical"],
        tolerance=dict(tol),
        theory=raw.get("theory"),
        compare=compare,
        fit=dict(fit),
        params=params,
        scale=scale,
        corrected=raw.get("corrected"),
        corrects=raw.get("corrects"),
        counterexample=raw.get("counterexample"),
        notes=raw.get("notes", ""),
        tags=tuple(raw.get("tags", ())),
        origin=origin,
    )


def load_file(path: str | Path) -> list[Card]:
    """All cards of one TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            "--catalogue", f"cannot read {path.name}: {exc}", "readable TOML files"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CardError(path.name, "(file)", f"invalid TOML: {exc}") from None
    claims = data.get("claim", [])
    if not isinstance(claims, list):
        raise CardError(path.name, "claim", "use [[claim]] tables")
    return [parse_card(raw, str(path)) for raw in claims]


def builtin_dir() -> Path:
    """The shipped catalogue directory."""
    try:
        return Path(str(resources.files("rmtcheck.theory")))
    except ModuleNotFoundError:  # running from a source tree without installation
        return Path(__file__).resolve().parents[2] / "theory"


def catalogue_dirs(extra: list[str] | None = None) -> list[Path]:
    dirs = [builtin_dir()]
    env = os.environ.get("RMTCHECK_CATALOGUE", "")
    for item in [*(p for p in env.split(os.pathsep) if p), *(extra or [])]:
        path = Path(item)
        if not path.is_dir():
            raise InputError(
                "--catalogue", f"{item} is not a directory", "a directory of *.toml cards"
            )
        if path.resolve() not in {d.resolve() for d in dirs}:  # the same folder counts once
            dirs.append(path)
    return dirs


@lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...]) -> dict[str, Card]:
    cards: dict[str, Card] = {}
    for d in dirs:
        for path in sorted(d.glob("*.toml")):
            for card in load_file(path):
                if card.id in cards:
                    raise CardError(
                        f"{card.id} ({path.name})",
                        "id",
                        f"duplicate of a card in {Path(cards[card.id].origin).name}",
                    )
                cards[card.id] = card
    for card in cards.values():
        for ref in (card.corrected, card.corrects):
            if ref is not None and ref not in cards:
                raise CardError(
                    f"{card.id} ({Path(card.origin).name})",
                    "corrected/corrects",
                    f"names unknown claim {ref!r}",
                )
    return cards


def load_catalogue(extra: list[str] | None = None) -> dict[str, Card]:
    """All cards of the built-in catalogue plus ``extra`` directories, by ID."""
    return dict(_load(tuple(catalogue_dirs(extra))))


def get_card(claim_id: str, extra: list[str] | None = None) -> Card:
    """The card with ``claim_id``; an unknown ID lists the closest matches."""
    cards = load_catalogue(extra)
    if claim_id not in cards:
        import difflib  # noqa: PLC0415

        close = difflib.get_close_matches(claim_id, list(cards), n=3, cutoff=0.4)
        hint = ("did you mean " + ", ".join(close)) if close else "see `rmtcheck list`"
        raise InputError("CLAIM", f"unknown claim {claim_id!r}", hint)
    return cards[claim_id]


def _check_bound_order(where: str, params: dict[str, ParamSpec]) -> None:
    """Bounds may use only parameters declared above them (they are resolved in order)."""
    seen: set[str] = set()
    for name, spec in params.items():
        for bound in (spec.low, spec.high, *(spec.search or ())):
            late = names_in(bound) - seen if isinstance(bound, str) else set()
            _check(not late & set(params), where, f"params.{name}",
                   f"bound {bound!r} uses {sorted(late & set(params))}, declared later: "
                   "declare them first")
        seen.add(name)

