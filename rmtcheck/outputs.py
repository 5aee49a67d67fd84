"""Output paths checked before any computation: one :class:`InputError` naming the option.

:func:`output_file` takes a file path and the formats allowed by extension (figures:
:func:`figure_formats`, the formats matplotlib writes); :func:`output_dir` a directory to
create or fill. Writability is probed by creating (and removing) a temporary file in the
nearest existing folder, which also holds for root on read-only mounts and immutable
folders, where permission bits say nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError

MAX_PATH = 4096


def figure_formats() -> tuple[str, ...]:
    """File extensions matplotlib can write (png, pdf, svg, ...)."""
    from matplotlib.backend_bases import FigureCanvasBase  # noqa: PLC0415

    return tuple(sorted(FigureCanvasBase.get_supported_filetypes()))


def _text(option: str, path: object, valid: str) -> Path:
    if not isinstance(path, str | os.PathLike) or str(path).strip() == "":
        raise InputError(option, f"got {str(path)[:60]!r}, an empty path", valid)
    text = os.fspath(path)
    if len(text) > MAX_PATH or any(len(part) > 255 for part in Path(text).parts):
        raise InputError(option, f"path of {len(text)} characters is too long", valid)
    if "\0" in text:
        raise InputError(option, "path contains a NUL character", valid)
    return Path(text)


def _probe(option: str, path: Path, folder: Path, valid: str) -> None:
    """Refuse unless a file can be created in ``folder`` (or its nearest existing parent)."""
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(option, f"cannot write {_short(path)}: {_short(existing)} is not a "
                                 "directory", valid)
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".rmtcheck-probe"):
            pass
    except OSError as exc:
        raise InputError(option, f"cannot write {_short(path)}: {exc.strerror or exc}",
                         valid) from None


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 80 else text[:38] + "..." + text[-38:]


def output_file(option: str, path: object, formats: Iterable[str]) -> Path:
    """A writable file path whose extension is one of ``formats`` (without dots); missing
    parent folders are created."""
    formats = tuple(formats)
    valid = f"a writable file path ending in .{', .'.join(formats)}"
    out = _text(option, path, valid)
    suffix = out.suffix.lower().lstrip(".")
    try:
        if out.is_dir():
            raise InputError(option, f"{_short(out)} is a directory", valid)
        if suffix not in formats:
            what = f"unknown format .{suffix}" if suffix else f"{_short(out)} has no extension"
            raise InputError(option, what, valid)
        if out.exists() and not os.access(out, os.W_OK):
            raise InputError(option, f"cannot overwrite {_short(out)}", valid)
        _probe(option, out, out.parent, valid)
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. a name too long for the file system
        raise InputError(option, f"cannot use {_short(out)}: {exc.strerror or exc}",
                         valid) from None
    return out


def output_dir(option: str, path: object) -> Path:
    """A directory that exists and is writable, or can be created."""
    valid = "a writable directory (created when missing)"
    out = _text(option, path, valid)
    try:
        if out.exists() and not out.is_dir():
            raise InputError(option, f"{_short(out)} exists and is not a directory", valid)
        _probe(option, out, out, valid)
    except OSError as exc:
        raise InputError(option, f"cannot use {_short(out)}: {exc.strerror or exc}",
                         valid) from None
    return out
