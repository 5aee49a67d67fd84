"""The verification report: report.md (Markdown with PNG figures), report.html (one
self-contained page) and results.json."""

from .html import write_html
from .markdown import write_report

__all__ = ["write_html", "write_report"]
