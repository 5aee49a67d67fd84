"""Dense symmetric eigensolvers through the active backend, and PSD spectra with exact zeros.

On the host, real matrices go to the in-place two-stage LAPACK solver of
:func:`rmtcheck.ensembles.lapack.eigvalsh_overwrite` (on a Fortran-ordered copy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import validate
from ..backend import get_backend, to_numpy
from ..ensembles.lapack import eigvalsh_overwrite


def eigvalsh(a: Any) -> np.ndarray:
    """Ascending eigenvalues of a real symmetric matrix (LAPACK / cuSOLVER), on the host."""
    xp = get_backend()
    a = validate.matrix("matrix", a, xp, square=True)
    if xp is np and a.dtype in (np.float32, np.float64):
        return eigvalsh_overwrite(np.array(a, order="F"))
    return to_numpy(xp.linalg.eigvalsh(a))


def psd_eigvalsh(matrix: Any, rank: int | None = None) -> np.ndarray:
    """Ascending eigenvalues of a symmetric PSD matrix; those below 4 n eps lambda_max
    (rounding of exact zeros, e.g. of a Gram matrix of rank < n) are set to 0, as are all
    but the top ``rank`` eigenvalues when the rank is known."""
    m = np.asarray(matrix, dtype=float)
    ev = np.linalg.eigvalsh(m)
    n = ev.size
    ev[ev < 4 * n * np.finfo(float).eps * max(ev[-1], 0.0)] = 0.0
    if rank is not None:
        ev[: max(0, n - validate.integer("rank", rank, 0))] = 0.0
    return ev
