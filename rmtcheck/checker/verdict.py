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

    from ..backend import backend_name  # noqa: PLC0415
    from ..version import __version__  # noqa: PLC0415

    return {
        "rmtcheck": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "backend": backend_name(),
    }


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value


OUTCOMES = ("holds", "fails", "error")


@dataclass
class Verdict:
    """The outcome of checking one claim at one parameter set and seed.

    ``outcome`` is ``holds`` or ``fails`` (the statement held or not in this run) or ``error``
    (an exception, a NaN or inf statistic, a shape mismatch or a timeout: ``error`` says
    which). ``meets_expected`` compares it with the card's expectation: ``holds``; ``fails``
    only when the recorded counterexample reproduces (``reproduced``); ``observation``
    whenever it ran; ``unreproduced`` while the statistic stays on the failing side. An
    error never meets an expectation.
    """

    claim: str
    title: str
    kind: str
    params: dict[str, Any]
    seed: int
    scale: str
    expected: str
    outcome: str
    statistics: dict[str, Any]
    tolerance: dict[str, Any]
    counterexample: dict[str, Any] | None
    seconds: float
    source: str = ""
    corrected: str | None = None
    error: str | None = None
    reproduced: bool | None = None
    versions: dict[str, str] = field(default_factory=versions)
    detail: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def passed(self) -> bool:
        """The statement held in this run."""
        return self.outcome == "holds"

    @property
    def meets_expected(self) -> bool:
        if self.outcome == "error":
            return False
        if self.expected == "holds":
            return self.outcome == "holds"
        if self.expected == "observation":
            return True
        if self.expected == "unreproduced":
            return self.outcome == "fails"
        return self.outcome == "fails" and self.reproduced is not False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready record (the plotting ``detail`` is left out)."""
        return plain(
            {
                "claim": self.claim,
                "title": self.title,
                "kind": self.kind,
                "params": self.params,
                "seed": self.seed,
                "scale": self.scale,
                "expected": self.expected,
                "outcome": self.outcome,
                "passed": bool(self.passed),
                "meets_expected": bool(self.meets_expected),
                "error": self.error,
                "reproduced": self.reproduced,
                "statistics": self.statistics,
                "tolerance": self.tolerance,
                "counterexample": self.counterexample,
                "seconds": round(self.seconds, 4),
                "source": self.source,
                "corrected": self.corrected,
                "versions": self.versions,
            }
        )


def bad_statistic(stats: dict[str, Any]) -> str | None:
    """The first statistic that is NaN or infinite, if any (it makes the outcome ``error``)."""
    for key, value in stats.items():
        number = isinstance(value, float | int | np.number) and not isinstance(value, bool)
        if number and not np.isfinite(float(value)):
            return f"statistic {key} is {float(value)}"
    return None


def reproduces(card: Any, params: dict[str, Any], stats: dict[str, Any]) -> bool | None:
    """Whether this run reproduces a ``fails`` card's recorded counterexample: ``None`` when
    the run is not at the counterexample's parameters (or the card records none), else
    whether the recorded statistic lies within its tolerance of the recorded value."""
    ce = card.counterexample
    if card.expected != "fails" or not ce or "statistic" not in ce:
        return None
    if any(params.get(k) != v for k, v in ce.get("params", {}).items()):
        return None
    value = stats.get(ce["statistic"])
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    if "range" in ce:
        low, high = ce["range"]
        return bool(low <= value <= high)
    target = float(ce["value"])
    return bool(abs(value - target) <= float(ce.get("atol", 0.0)) + float(ce.get("rtol", 0.0))
                * abs(target))


def make_verdict(
    card: Any,
    params: dict[str, Any],
    *,
    seed: int,
    scale: str,
    outcome: str,
    statistics: dict[str, Any],
    seconds: float,
    detail: dict[str, Any] | None = None,
    error: str | None = None,
) -> Verdict:
    """The one constructor of verdict records, for ``check`` and ``sweep`` alike: a NaN or
    inf statistic turns the outcome into ``error``; a failing run records its
    counterexample (with the card's recorded one) and whether it reproduces."""
    if outcome != "error" and (bad := bad_statistic(statistics)):
        outcome, error = "error", bad
    counter = None
    reproduced = None
    if outcome == "fails":
        counter = {"params": params, "seed": seed, "statistics": statistics}
        if card.counterexample:
            counter["recorded"] = card.counterexample
        reproduced = reproduces(card, params, statistics)
    return Verdict(
        claim=card.id,
        title=card.title,
        kind=card.kind,
        params=params,
        seed=seed,
        scale=scale,
        expected=card.expected,
        outcome=outcome,
        statistics=statistics,
        tolerance=dict(card.tolerance),
        counterexample=counter,
        seconds=seconds,
        source=card.source_text,
        corrected=card.corrected,
        error=error,
        reproduced=reproduced,
        detail=detail or {},
    )
