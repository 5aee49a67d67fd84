"""The per-layer results of :func:`rmtcheck.analyze`: records, CSV, JSON, pandas and text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from .layer import LayerResult
from .loaders import Skipped

TEXT_COLUMNS = ("layer", "shape", "ratio", "var", "ks", "w1", "n_spikes", "strengths", "alpha",
                "class")


class AnalysisTable:
    """One row per analysed layer (``results``) and the tensors that were skipped."""

    def __init__(self, results: list[LayerResult], skipped: list[Skipped], level: float) -> None:
        self.results = results
        self.skipped = skipped
        self.level = level

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, name: str) -> LayerResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per layer; ``spikes`` is a list of {eigenvalue, p_value, strength}."""
        return [r.record() for r in self.results]

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "layers": self.to_records(),
            "skipped": [vars(s).copy() for s in self.skipped],
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """The table as JSON (written to ``path`` when given)."""
        text = json.dumps(self.as_dict(), indent=2)
        if path is not None:
            _write(path, text + "\n")
        return text

    def flat_records(self) -> list[dict[str, Any]]:
        """Records with the spike list as three ';'-joined columns (for CSV and pandas)."""
        rows = []
        for rec in self.to_records():
            spikes = rec.pop("spikes")
            for key in ("eigenvalue", "p_value", "strength"):
                rec[f"spike_{key}s"] = ";".join(f"{s[key]:.6g}" if s[key] is not None else ""
                                                for s in spikes)
            rows.append(rec)
        return rows

    def to_csv(self, path: str | Path | None = None) -> str:
        """The table as CSV (written to ``path`` when given)."""
        rows = self.flat_records()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        if path is not None:
            _write(path, buf.getvalue())
        return buf.getvalue()

    def to_pandas(self) -> Any:
        """A pandas DataFrame of :meth:`flat_records` (needs pandas)."""
        try:
            import pandas as pd  # noqa: PLC0415
        except ImportError:
            raise InputError("to_pandas", "pandas is not installed", "pip install pandas") from None
        return pd.DataFrame(self.flat_records())

    def to_text(self) -> str:
        """A fixed-width table for the terminal, then the notes and skipped tensors."""
        rows = [TEXT_COLUMNS]
        for r in self.results:
            b, t = r.bulk, r.tail
            strengths = ",".join("-" if s.strength is None else f"{s.strength:.3g}"
                                 for s in b.spikes[:3]) + (",..." if b.n_spikes > 3 else "")
            alpha = "-" if t is None else f"{t.alpha:.2f} [{t.alpha_low:.2f},{t.alpha_high:.2f}]"
            rows.append((r.name, "x".join(map(str, r.shape)), f"{b.ratio:.3g}", f"{b.var:.4g}",
                         f"{b.ks:.3f}", f"{b.w1:.3g}", str(b.n_spikes), strengths or "-", alpha,
                         r.spectral_class))
        widths = [max(len(row[i]) for row in rows) for i in range(len(TEXT_COLUMNS))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                 for row in rows]
        lines += [f"note: {r.name}: {r.note}" for r in self.results if r.note]
        lines += [f"skipped: {s.name}: {s.reason}" for s in self.skipped]
        lines.append(f"spikes: Tracy-Widom step-down test at level {self.level}; strengths by "
                     "the inverse BBP map, in units of sqrt(n)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _write(path: str | Path, text: str) -> None:
    try:
        Path(path).write_text(text)
    except OSError as exc:
        raise InputError(str(path), f"cannot write: {exc.strerror}", "a writable path") from None
