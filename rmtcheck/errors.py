"""Errors raised on bad input: one line naming the parameter and its valid range."""

from __future__ import annotations


def _line(text: object, limit: int) -> str:
    """``text`` on one line (whitespace runs collapsed), shortened to ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class InputError(ValueError):
    """A user-supplied value is out of its valid range, malformed or unknown.

    The message is a single line: ``<name>: <problem>; valid: <range>``. The CLI prints
    it as is and exits with status 2.
    """

    def __init__(self, name: str, problem: str, valid: str | None = None) -> None:
        name, problem = _line(name, 120), _line(problem, 400)  # one line, however hostile
        self.name = name
        self.problem = problem
        self.valid = valid
        text = f"{name}: {problem}"
        if valid:
            text += f"; valid: {valid}"
        super().__init__(text)


class CardError(ValueError):
    """A claim card is malformed: names the card, the field and the problem."""

    def __init__(self, where: str, field: str, problem: str) -> None:
        super().__init__(f"card {where}, field '{field}': {problem}")


class InputTypeError(InputError, TypeError):
    """A user-supplied value of the wrong type (both a ``ValueError`` and a ``TypeError``,
    so callers may catch either; the CLI prints it like any :class:`InputError`)."""
