"""The verification report: report.md (Markdown with PNG figures), report.html (one
self-contained page) and results.json."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "write_html": ".html",
    "write_report": ".markdown",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
