"""Resolve the dotted function names of cards and call them with the parameters they take."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import CardError


@lru_cache(maxsize=256)
def resolve_function(ref: str, origin: str = "") -> Callable[..., Any]:
    """``package.module:function`` (or ``package.module.function``), or ``file.py:function``
    relative to the card file ``origin`` for users' own cards."""
    where = f"({Path(origin).name})" if origin else ""
    module_name, sep, func_name = ref.partition(":")
    if not sep:
        module_name, _, func_name = ref.rpartition(".")
    try:
        if module_name.endswith(".py"):
            path = Path(origin).parent / module_name
            spec = importlib.util.spec_from_file_location(path.stem, path)
            if spec is None or spec.loader is None or not path.exists():
                raise ImportError(f"no file {module_name} beside the card")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
        func = getattr(module, func_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise CardError(f"{where}", "theory/empirical", f"cannot resolve {ref!r}: {exc}") from None
    if not callable(func):
        raise CardError(f"{where}", "theory/empirical", f"{ref!r} is not callable")
    return func


def call_with(func: Callable[..., Any], values: dict[str, Any]) -> Any:
    """Call ``func`` with the subset of ``values`` its signature accepts."""
    sig = inspect.signature(func)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.parameters.values()):
        return func(**values)
    return func(**{k: v for k, v in values.items() if k in sig.parameters})
