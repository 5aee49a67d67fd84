"""The verification report (Markdown with PNG figures, plus results.json)."""

from .markdown import write_report

__all__ = ["write_report"]
