"""The verification report (Markdown with PNG figures, plus results.json)."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "write_report": ".markdown",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
