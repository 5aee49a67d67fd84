"""Safe evaluation of the small expressions cards use (bounds, constraints, tolerances,
criteria): arithmetic, comparisons, and/or/not, and a few math functions over named values."""

from __future__ import annotations

import ast
import math
from typing import Any

_FUNCS: dict[str, Any] = {
    "sqrt": math.sqrt,
    "log": math.log,
    "log2": math.log2,
    "exp": math.exp,
    "abs": abs,
    "min": min,
    "max": max,
    "pi": math.pi,
    "floor": math.floor,
    "ceil": math.ceil,
}
_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.And,
    ast.Or,
    ast.Not,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.USub,
    ast.UAdd,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Eq,
    ast.NotEq,
    ast.IfExp,
)


def names_in(text: str) -> set[str]:
    """Free names of an expression (excluding the math functions)."""
    tree = ast.parse(text, mode="eval")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - set(_FUNCS)


def evaluate(text: str | int | float | bool, env: dict[str, Any]) -> Any:
    """Evaluate ``text`` (a number passes through) with the names in ``env``.

    Raises ValueError naming the problem for syntax errors, forbidden constructs or unknown
    names.
    """
    if not isinstance(text, str):
        return text
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"cannot parse expression {text!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ValueError(
                f"expression {text!r} uses a forbidden construct ({type(node).__name__})"
            )
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in _FUNCS
        ):
            raise ValueError(f"expression {text!r} calls an unknown function")
    unknown = names_in(text) - set(env)
    if unknown:
        raise ValueError(f"expression {text!r} uses unknown name(s) {sorted(unknown)}")
    return eval(compile(tree, "<card>", "eval"), {"__builtins__": {}}, {**_FUNCS, **env})  # noqa: S307
