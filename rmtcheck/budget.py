"""Memory and work budget: refuse a size that cannot fit before allocating anything.

Every path that forms dense arrays estimates its peak memory from its parameters (8 bytes
per float64 entry of each array alive at once) and compares it with the limit: the
``--max-memory`` option or ``RMTCHECK_MAX_MEMORY`` when set, else ``MemAvailable`` of
``/proc/meminfo``. Dense spectra also have a work limit in floating-point operations
(``--max-work`` / ``RMTCHECK_MAX_WORK``, default :data:`DEFAULT_MAX_WORK`, about an hour on one
core at 3 GFLOP/s). A refusal is one :class:`BudgetError` line naming the parameter, the
estimate and the limit, and the cheaper path when one exists. The budget is separate from a
card's domain, which transcribes the text's hypotheses.
"""

from __future__ import annotations

import math
import os
import re

from .errors import InputError

GIB = 1024**3
DEFAULT_MAX_WORK = 1e13
MAX_CELLS = 1_000_000
CELL_BYTES = 2048  # a cell's parameter dict and store key, generously
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": GIB, "t": 1024**4}


class BudgetError(InputError):
    """A size whose estimated memory or work exceeds the limit (an :class:`InputError`)."""


def parse_bytes(name: str, text: str | int | float) -> int:
    """``"8G"``, ``"512M"``, ``"1.5GiB"`` or a number of bytes -> bytes (> 0)."""
    valid = "a size like 512M, 8G or 1.5GiB (binary units), > 0"
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([kmgt]?)(?:i?b)?\s*", str(text).lower())
    if not m:
        raise InputError(name, f"got {str(text)[:60]!r}", valid)
    value = float(m.group(1)) * _UNITS[m.group(2)]
    if not math.isfinite(value) or value < 1:
        raise InputError(name, f"got {str(text)[:60]!r}", valid)
    return int(value)


def parse_work(name: str, text: str | int | float) -> float:
    """A positive finite number of floating-point operations, e.g. ``1e13``."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise InputError(name, f"got {str(text)[:60]!r}", "a number of operations > 0, e.g. 1e13")
    return value


def available_memory() -> int:
    """Bytes a computation may use: ``RMTCHECK_MAX_MEMORY`` when set, else ``MemAvailable``
    (``/proc/meminfo``), else the physical memory from ``sysconf``."""
    limit = os.environ.get("RMTCHECK_MAX_MEMORY")
    if limit:
        return parse_bytes("RMTCHECK_MAX_MEMORY", limit)
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover - not Linux
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, AttributeError):  # pragma: no cover
        return 2**63


def max_work() -> float:
    """Operations a dense computation may take: ``RMTCHECK_MAX_WORK`` or the default."""
    limit = os.environ.get("RMTCHECK_MAX_WORK")
    return parse_work("RMTCHECK_MAX_WORK", limit) if limit else DEFAULT_MAX_WORK


def gib(n_bytes: float) -> str:
    return f"{n_bytes / GIB:.3g} GiB"


def require_memory(name: str, estimate: float, what: str, cheaper: str | None = None) -> None:
    """Raise :class:`BudgetError` when ``estimate`` bytes exceed :func:`available_memory`."""
    limit = available_memory()
    if estimate > limit:
        hint = f"; {cheaper}" if cheaper else ""
        raise BudgetError(name, f"{what} needs about {gib(estimate)}, over the memory limit "
                                f"{gib(limit)}{hint}", "a smaller value, or raise --max-memory")


def require_work(name: str, flops: float, what: str, cheaper: str | None = None) -> None:
    """Raise :class:`BudgetError` when ``flops`` exceed :func:`max_work`."""
    limit = max_work()
    if flops > limit:
        hint = f"; {cheaper}" if cheaper else ""
        raise BudgetError(name, f"{what} needs about {flops:.2g} floating-point operations, over "
                                f"the work limit {limit:.2g}{hint}",
                          "a smaller value, or raise --max-work")


def dense_matrix_bytes(p: int, n: int, law: str = "gaussian") -> int:
    """Peak bytes of :func:`rmtcheck.ensembles.matrices.random_matrix`: the p x n float64
    matrix, plus a temporary of the same size for laws drawn by transformation (and the
    int8 draw of Rademacher signs)."""
    extra = {"gaussian": 0, "uniform": 0, "student_t": 8, "rademacher": 9}.get(law, 8)
    return (8 + extra) * p * n


def wishart_bytes(p: int, n: int) -> int:
    """Peak bytes of :func:`rmtcheck.ensembles.matrices.wishart_eigvalsh` on a p x n matrix
    already formed: the m x m Gram matrix (m = min(p, n)) and LAPACK's copy of it, plus the
    eigenvalues."""
    m = min(p, n)
    return 16 * m * m + 16 * max(p, n)


def wishart_flops(p: int, n: int) -> float:
    """Operations of the dense spectrum of X X^T / n: the Gram product (m^2 k with
    m = min(p, n), k = max(p, n); symmetric rank-k update) and the tridiagonal reduction of
    the symmetric eigensolver (4/3 m^3)."""
    m, k = min(p, n), max(p, n)
    return float(m) * m * k + 4.0 / 3.0 * float(m) ** 3


def dense_wishart(p: int, n: int, law: str = "gaussian", name: str = "--p") -> None:
    """The budget of the dense spectrum of a p x n matrix (``rmtcheck spectrum wishart``)."""
    cheaper = ("use --method tridiagonal (O(p) memory, O(p^2) work)" if law == "gaussian"
               else None)
    require_memory(name, dense_matrix_bytes(p, n, law) + wishart_bytes(p, n),
                   f"the dense spectrum of a {p} x {n} matrix", cheaper)
    require_work(name, wishart_flops(p, n), f"the dense spectrum of a {p} x {n} matrix",
                 cheaper)


def cells(name: str, count: int) -> None:
    """A sweep's cell list: at most :data:`MAX_CELLS` cells, and it must fit in memory."""
    if count > MAX_CELLS:
        raise BudgetError(name, f"{count:.3g} cells (sizes x trials), over the limit "
                                f"{MAX_CELLS:,}", "fewer sizes or trials")
    require_memory(name, count * CELL_BYTES, f"a list of {count} cells")


def workers(name: str, count: int) -> int:
    """At most 4 worker processes per core this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cores = os.cpu_count() or 1
    if count > 4 * cores:
        raise BudgetError(name, f"got {count}", f"integer in [1, {4 * cores}] (4 per core)")
    return count
