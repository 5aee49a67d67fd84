"""Verdict records and Monte-Carlo estimates."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Estimate:
    """A Monte-Carlo estimate with its standard error (arrays of equal shape or scalars)."""

    value: Any
    stderr: Any

    @classmethod
    def from_samples(cls, samples: Any) -> Estimate:
        """Mean and standard error over axis 0 of ``samples`` (one row per trial)."""
        s = np.asarray(samples, dtype=float)
        return cls(s.mean(axis=0), s.std(axis=0, ddof=1) / np.sqrt(s.shape[0]))


def versions() -> dict[str, str]:
    """Software versions recorded in every verdict."""
    import scipy  # noqa: PLC0415

    from .. import __version__  # noqa: PLC0415
    from ..backend import backend_name  # noqa: PLC0415

    return {
        "rmtcheck": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "backend": backend_name(),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value


@dataclass
class Verdict:
    """The outcome of checking one claim at one parameter set and seed.

    ``passed`` says whether the statement held in this run; ``meets_expected`` compares it
    with the card's expected verdict (``holds`` or ``fails``).
    """

    claim: str
    title: str
    kind: str
    params: dict[str, Any]
    seed: int
    scale: str
    expected: str
    passed: bool
    statistics: dict[str, Any]
    tolerance: dict[str, Any]
    counterexample: dict[str, Any] | None
    seconds: float
    source: str = ""
    corrected: str | None = None
    versions: dict[str, str] = field(default_factory=versions)
    detail: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def meets_expected(self) -> bool:
        return self.passed == (self.expected == "holds")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready record (the plotting ``detail`` is left out)."""
        return _plain(
            {
                "claim": self.claim,
                "title": self.title,
                "kind": self.kind,
                "params": self.params,
                "seed": self.seed,
                "scale": self.scale,
                "expected": self.expected,
                "passed": bool(self.passed),
                "meets_expected": bool(self.meets_expected),
                "statistics": self.statistics,
                "tolerance": self.tolerance,
                "counterexample": self.counterexample,
                "seconds": round(self.seconds, 4),
                "source": self.source,
                "corrected": self.corrected,
                "versions": self.versions,
            }
        )
