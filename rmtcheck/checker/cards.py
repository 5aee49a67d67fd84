"""Claim cards: schema, validation and the catalogue loader.

A catalogue directory holds one folder per source text, ``<text>/cards.toml``, whose
``[text]`` table names the text (folder name, ID prefix, citation, seed files) and whose
``[[claim]]`` tables are its cards; loose ``*.toml`` files of cards are read too. The
built-in catalogue ships with the package (``theory/`` in the source tree, installed as
``rmtcheck.theory``); users add directories with ``--catalogue DIR`` or
``RMTCHECK_CATALOGUE`` (paths separated by ``os.pathsep``). See README for the schema.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import CardError, InputError
from .domain import ParamSpec, parse_spec
from .expr import names_in

KINDS = ("exact", "distributional", "inequality", "scaling", "qualitative")
EXPECTED = ("holds", "fails", "observation", "unreproduced")
COMPARES = ("allclose", "sorted")
RESERVED = {"sizes": "the sizes of a scaling sweep", "trials": "the number of trials",
            "rng": "the generator passed to the card's functions"}
MAX_SIZE = 2**31 - 1  # sizes of a scaling sweep, unless the card's fit.size_range says less
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
    "covers",
    "quote",
    "tried",
    "timeout_s",
    "memory",
)
_COUNTER_FIELDS = {"params", "statistic", "value", "rtol", "atol", "range", "note"}
_TEXT_FIELDS = {
    "name": str, "prefix": str, "short": str, "title": str, "citation": str, "seeds": list
}


@dataclass(frozen=True)
class Text:
    """One source text: its folder ``name``, the ``prefix`` of its claim IDs, the ``short``
    citation (``Authors (year)``), the full ``citation`` (authors, year, title, venue) and
    the seed files it was read from."""

    name: str
    prefix: str
    short: str
    title: str
    citation: str
    seeds: tuple[str, ...] = ()
    origin: str = ""


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
    covers: tuple[str, ...] = ()
    quote: str = ""
    tried: str = ""
    timeout_s: float | None = None
    memory: str | None = None
    origin: str = ""
    text: Text | None = None

    @property
    def source_text(self) -> str:
        """Where the statement is printed: the text's short citation (or, for a card citing
        another work than the text's seed files, that work), section and equation; the seed
        file name stays in ``source['file']`` for traceability."""
        s = self.source
        own = self.text is not None and (s.get("file") in self.text.seeds or not s.get("file"))
        head = self.text.short if own else s.get("file")
        return ", ".join(x for x in (head, s.get("section"), s.get("equation")) if x)

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
            "text": self.text.name if self.text else None,
            "source": self.source_text,
            "expected": self.expected,
        }


def _check(cond: bool, where: str, fld: str, problem: str) -> None:
    if not cond:
        raise CardError(where, fld, problem)


def parse_text(raw: Any, origin: str) -> Text:
    """Validate a ``[text]`` table."""
    where = f"[text] ({origin_name(origin)})"
    _check(isinstance(raw, dict), where, "text", "must be a table")
    for key, typ in _TEXT_FIELDS.items():
        _check(key == "seeds" or key in raw, where, key, "is required")
        _check(key not in raw or isinstance(raw[key], typ), where, key, f"must be a {typ.__name__}")
    unknown = set(raw) - set(_TEXT_FIELDS)
    _check(not unknown, where, sorted(unknown)[0] if unknown else "", "unknown field")
    _check(raw["prefix"].isupper() and raw["prefix"].isalpha(), where, "prefix",
           f"{raw['prefix']!r} must be upper-case letters, e.g. PAP")
    folder = Path(origin).parent.name
    _check(Path(origin).name != "cards.toml" or raw["name"] == folder, where, "name",
           f"{raw['name']!r} differs from its folder {folder!r}: one name per text")
    return Text(raw["name"], raw["prefix"], raw["short"], raw["title"], raw["citation"],
                tuple(raw.get("seeds", ())), origin)


def origin_name(origin: str) -> str:
    """``papyan2020/cards.toml`` for a file of a text folder, the file name otherwise."""
    path = Path(origin)
    folder_files = ("cards.toml", "scenarios.toml", "ledger.toml")
    return f"{path.parent.name}/{path.name}" if path.name in folder_files else path.name


def parse_card(raw: dict[str, Any], origin: str, text: Text | None = None) -> Card:
    """Validate one ``[[claim]]`` table and build its Card."""
    where = f"{raw.get('id', '?')} ({origin_name(origin)})"
    for key in _REQUIRED:
        _check(key in raw, where, key, "is required")
    unknown = set(raw) - set(_REQUIRED) - set(_OPTIONAL)
    _check(not unknown, where, sorted(unknown)[0] if unknown else "", "unknown field")
    if text is not None:
        _check(str(raw["id"]).startswith(text.prefix + "-"), where, "id",
               f"IDs of the text {text.name} start with {text.prefix}-")
    covers = raw.get("covers", [])
    _check(isinstance(covers, list) and all(isinstance(c, str) for c in covers), where,
           "covers", "must be a list of specification IDs")
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
        f"{raw['expected']!r} is not one of {', '.join(EXPECTED)}",
    )
    if raw["expected"] == "fails":
        _check(
            isinstance(raw.get("corrected"), str),
            where,
            "corrected",
            "a card expected to fail must name its corrected claim",
        )
        _check(isinstance(raw.get("quote"), str) and raw["quote"].strip() != "", where, "quote",
               "a printed error quotes the printed sentence (short)")
        _check_counterexample(raw.get("counterexample"), where)
    if raw["expected"] == "unreproduced":
        _check(isinstance(raw.get("tried"), str) and raw["tried"].strip() != "", where, "tried",
               "an unreproduced card records the conditions tried")
    timeout = raw.get("timeout_s")
    _check(timeout is None or (isinstance(timeout, int | float) and timeout > 0), where,
           "timeout_s", "must be a positive number of seconds")
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
            isinstance(raw.get("theory", ""), str),
            where,
            "theory",
            "must name a function (leave it out for a residual compared with zero)",
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
        _check(fit.get("bound", "equal") in ("equal", "upper"), where, "fit.bound",
               "is 'equal' (Theta, the default) or 'upper' (O)")
        rng = fit.get("size_range", [1, MAX_SIZE])
        _check(isinstance(rng, list) and len(rng) == 2
               and all(isinstance(x, int) and not isinstance(x, bool) for x in rng)
               and 1 <= rng[0] <= rng[1] <= MAX_SIZE, where, "fit.size_range",
               f"is [low, high], integers with 1 <= low <= high <= {MAX_SIZE}")
    compare = raw.get("compare", "allclose")
    _check(
        compare in COMPARES, where, "compare", f"{compare!r} is not one of {', '.join(COMPARES)}"
    )
    _check(isinstance(raw.get("params", {}), dict), where, "params", "must be a table")
    reserved = set(RESERVED) & set(raw.get("params", {}))
    _check(not reserved, where, f"params.{sorted(reserved)[0] if reserved else ''}",
           "is a reserved name (" + "; ".join(f"{k}: {v}" for k, v in RESERVED.items())
           + "); rename the parameter")
    try:
        params = {name: parse_spec(name, spec) for name, spec in raw.get("params", {}).items()}
    except ValueError as exc:
        raise CardError(where, "params", str(exc)) from None
    _check_bound_order(where, params)
    _check_memory(raw.get("memory"), set(params) | ({fit["size"]} if kind == "scaling" else set()),
                  where)
    scale = raw.get("scale", {})
    if raw["expected"] == "fails":
        _check_inside_domain(raw["counterexample"], params, scale, where)
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
        covers=tuple(covers),
        quote=raw.get("quote", ""),
        tried=raw.get("tried", ""),
        timeout_s=timeout,
        memory=raw.get("memory"),
        origin=origin,
        text=text,
    )


def read_toml(path: Path) -> dict[str, Any]:
    """A catalogue TOML file (cards or scenarios), with errors naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            "--catalogue", f"cannot read {origin_name(str(path))}: {exc}", "readable TOML files"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CardError(origin_name(str(path)), "(file)", f"invalid TOML: {exc}") from None


def _tables(path: Path) -> tuple[Text | None, list[Any]]:
    """The ``[text]`` table (when there is one) and the ``[[claim]]`` tables of a file."""
    data = read_toml(path)
    unknown = set(data) - {"text", "claim"}
    if unknown:
        raise CardError(origin_name(str(path)), sorted(unknown)[0], "unknown top-level table")
    text = parse_text(data["text"], str(path)) if "text" in data else None
    claims = data.get("claim", [])
    if not isinstance(claims, list):
        raise CardError(origin_name(str(path)), "claim", "use [[claim]] tables")
    return text, claims


def load_file(path: str | Path) -> list[Card]:
    """All cards of one TOML file (with its ``[text]`` table when it has one)."""
    text, claims = _tables(Path(path))
    return [parse_card(raw, str(path), text) for raw in claims]


def package_dir(name: str, source_folder: str) -> Path:
    """Folder of the installed subpackage ``rmtcheck.<name>`` (found without importing it),
    or ``<source_folder>`` beside the engine in a source tree."""
    spec = importlib.util.find_spec(f"rmtcheck.{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[2] / source_folder


def builtin_dir() -> Path:
    """The shipped catalogue directory (``theory/``)."""
    return package_dir("theory", "theory")


def catalogue_files(d: Path, name: str = "cards.toml") -> list[Path]:
    """Card files of a catalogue directory: ``<text>/cards.toml`` and loose ``*.toml``
    (``name = "scenarios.toml"`` lists the scenario files of a simulations directory)."""
    loose = sorted(d.glob("*.toml")) if name == "cards.toml" else []
    return loose + sorted(d.glob(f"*/{name}"))


def catalogue_dirs(extra: list[str] | None = None) -> list[Path]:
    dirs = [builtin_dir()]
    env = os.environ.get("RMTCHECK_CATALOGUE", "")
    for item in [*(p for p in env.split(os.pathsep) if p), *(extra or [])]:
        path = Path(item)
        try:
            found = item != "" and path.is_dir()
        except (OSError, ValueError):  # a name too long for the file system, a NUL byte
            found = False
        if not found:
            raise InputError(
                "--catalogue", f"{item[:80]!r} is not a directory", "a directory of *.toml cards"
            )
        if path.resolve() not in {d.resolve() for d in dirs}:  # the same folder counts once
            dirs.append(path)
    return dirs


class CatalogueWarning(UserWarning):
    """A malformed card of a user's catalogue folder, skipped (the built-in one is strict)."""


def _user_cards(path: Path) -> list[Card]:
    """The valid cards of a user's file; each malformed one is skipped with a warning
    naming the file, the card and the field."""
    try:
        text, claims = _tables(path)
    except (CardError, InputError) as exc:
        warnings.warn(f"skipped {path}: {exc}", CatalogueWarning, stacklevel=3)
        return []
    out = []
    for raw in claims:
        try:
            if not isinstance(raw, dict):
                raise CardError(origin_name(str(path)), "claim", "use [[claim]] tables")
            out.append(parse_card(raw, str(path), text))
        except (CardError, InputError) as exc:
            warnings.warn(f"skipped a card of {path}: {exc}", CatalogueWarning, stacklevel=3)
    return out


@lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...]) -> dict[str, Card]:
    """Cards of the built-in folder (``dirs[0]``, any error is raised) and of the user's
    folders (malformed cards are skipped with a :class:`CatalogueWarning`)."""
    cards: dict[str, Card] = {}
    prefixes: dict[str, Text] = {}
    for i, d in enumerate(dirs):
        for path in catalogue_files(d):
            for card in (load_file(path) if i == 0 else _user_cards(path)):
                try:
                    _admit(card, path, cards, prefixes)
                except CardError as exc:
                    if i == 0:
                        raise
                    warnings.warn(f"skipped a card of {path}: {exc}", CatalogueWarning,
                                  stacklevel=2)
    for card in list(cards.values()):
        for ref in (card.corrected, card.corrects):
            if ref is not None and ref not in cards:
                exc = CardError(f"{card.id} ({origin_name(card.origin)})", "corrected/corrects",
                                f"names unknown claim {ref!r}")
                if Path(card.origin).is_relative_to(dirs[0]):
                    raise exc
                warnings.warn(f"skipped a card of {card.origin}: {exc}", CatalogueWarning,
                              stacklevel=2)
                cards.pop(card.id, None)
    return cards


def _admit(card: Card, path: Path, cards: dict[str, Card], prefixes: dict[str, Text]) -> None:
    """Add ``card`` unless its ID is taken or its text's prefix belongs to another text."""
    if card.id in cards:
        raise CardError(f"{card.id} ({origin_name(str(path))})", "id",
                        f"duplicate of a card in {origin_name(cards[card.id].origin)}")
    text = card.text
    if text is not None and prefixes.setdefault(text.prefix, text).name != text.name:
        raise CardError(f"[text] ({origin_name(str(path))})", "prefix",
                        f"{text.prefix} is already the prefix of {prefixes[text.prefix].name}")
    cards[card.id] = card


def load_catalogue(extra: list[str] | None = None) -> dict[str, Card]:
    """All cards of the built-in catalogue plus ``extra`` directories, by ID."""
    return dict(_load(tuple(catalogue_dirs(extra))))


def load_texts(extra: list[str] | None = None) -> dict[str, Text]:
    """The source texts of the catalogue by ID prefix (PAP, WANG, ...): the one table that
    leads from a claim ID to its folder."""
    out: dict[str, Text] = {}
    for card in load_catalogue(extra).values():
        if card.text is not None:
            out.setdefault(card.text.prefix, card.text)
    return out


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


def _check_counterexample(ce: Any, where: str) -> None:
    """A printed error records the statistic that shows the failure, its value at the
    counterexample (``value`` with ``rtol``/``atol``, or a ``range``) and the parameters."""
    _check(isinstance(ce, dict), where, "counterexample",
           "a card expected to fail records its counterexample as a table")
    unknown = set(ce) - _COUNTER_FIELDS
    _check(not unknown, where, f"counterexample.{sorted(unknown)[0] if unknown else ''}",
           "unknown field")
    _check(isinstance(ce.get("params"), dict), where, "counterexample.params",
           "is required: the parameters of the counterexample")
    _check(isinstance(ce.get("statistic"), str), where, "counterexample.statistic",
           "is required: the statistic that shows the failure")
    has_value = isinstance(ce.get("value"), int | float) and ("rtol" in ce or "atol" in ce)
    has_range = isinstance(ce.get("range"), list) and len(ce["range"]) == 2
    _check(has_value or has_range, where, "counterexample",
           "needs value with rtol/atol, or range = [low, high]")


def _check_inside_domain(ce: dict[str, Any], params: dict[str, ParamSpec],
                         scale: dict[str, Any], where: str) -> None:
    """The counterexample of a printed error lies inside the card's domain (the text's
    hypotheses), and the quick scale runs at it."""
    from .domain import resolve  # noqa: PLC0415

    quick = {k: v for k, v in scale.get("quick", {}).items() if k in params}
    try:
        resolve(params, {**quick, **ce["params"]})
    except InputError as exc:
        raise CardError(where, f"counterexample.params.{exc.name.removeprefix('--param ')}",
                        f"lies outside the card's domain: {exc.problem}"
                        + (f"; valid: {exc.valid}" if exc.valid else "")) from None
    differs = sorted(k for k, v in ce["params"].items()
                     if k in scale.get("quick", {}) and scale["quick"][k] != v)
    _check(not differs, where, "scale.quick",
           f"must run at the counterexample (differs in {differs})")


def _check_memory(memory: Any, names: set[str], where: str) -> None:
    """``memory``: an expression of the card's parameters giving the peak bytes of one run
    (checked against the memory budget before running, see :mod:`rmtcheck.budget`)."""
    if memory is None:
        return
    _check(isinstance(memory, str) and memory.strip() != "", where, "memory",
           "must be an expression in bytes of the card's parameters, e.g. '8 * p * n'")
    try:
        unknown = names_in(memory) - names
    except SyntaxError as exc:
        raise CardError(where, "memory", f"cannot parse {memory!r}: {exc.msg}") from None
    _check(not unknown, where, "memory", f"uses undeclared parameter(s) {sorted(unknown)}")
