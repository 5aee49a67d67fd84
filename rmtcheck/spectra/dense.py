"""Dense symmetric eigensolvers through the active backend."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import get_backend, to_numpy
from ..errors import InputError


def eigvalsh(a: Any) -> np.ndarray:
    """Ascending eigenvalues of a real symmetric matrix (LAPACK syevd / cuSOLVER), on the host."""
    xp = get_backend()
    a = xp.asarray(a)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError("matrix", f"shape {tuple(a.shape)} is not square", "a square 2-D array")
    if not bool(xp.all(xp.isfinite(a))):
        raise InputError("matrix", "contains NaN or inf", "finite entries")
    return to_numpy(xp.linalg.eigvalsh(a))
