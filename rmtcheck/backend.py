"""The one place that chooses the array module: NumPy by default, CuPy when asked.

Choose with ``get_backend("cupy")``, the CLI option ``--backend cupy`` or the environment
variable ``RMTCHECK_BACKEND=cupy``. Every array routine takes ``xp`` from here.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np

from .errors import InputError

BACKENDS = ("numpy", "cupy")
_ENV = "RMTCHECK_BACKEND"
_active: str | None = None


def _load(name: str) -> ModuleType:
    if name == "numpy":
        return np
    try:
        import cupy  # noqa: PLC0415

        cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # ImportError, or no CUDA device / driver
        raise InputError(
            "backend",
            f"cupy is not usable here ({type(exc).__name__}: {str(exc).splitlines()[0][:80]})",
            "numpy, or cupy with `pip install rmtcheck[gpu]` and a CUDA GPU",
        ) from None
    return cupy


def set_backend(name: str | None) -> ModuleType:
    """Select the backend for this process (``None`` resets to the environment default)."""
    global _active
    if name is not None and name not in BACKENDS:
        raise InputError("backend", f"unknown backend {name!r}", ", ".join(BACKENDS))
    module = _load(name) if name is not None else None
    _active = name
    return module if module is not None else get_backend()


def backend_name() -> str:
    """Name of the active backend: explicit choice, else ``$RMTCHECK_BACKEND``, else numpy."""
    name = _active or os.environ.get(_ENV, "numpy") or "numpy"
    if name not in BACKENDS:
        raise InputError(_ENV, f"unknown backend {name!r}", ", ".join(BACKENDS))
    return name


def get_backend(name: str | None = None) -> ModuleType:
    """The array module (``numpy`` or ``cupy``) for ``name`` or the active backend."""
    return _load(name if name is not None else backend_name())


def to_numpy(array: Any) -> np.ndarray:
    """Bring an array of either backend to host memory as a NumPy array."""
    if hasattr(array, "get") and not isinstance(array, np.ndarray):
        return array.get()
    return np.asarray(array)


def from_numpy(array: np.ndarray, xp: ModuleType | None = None) -> Any:
    """Move a NumPy array to the active (or given) backend."""
    xp = xp or get_backend()
    return array if xp is np else xp.asarray(array)
