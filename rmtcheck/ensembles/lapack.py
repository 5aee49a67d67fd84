"""Symmetric eigenvalues in place by LAPACK's two-stage reduction (dense -> band by BLAS-3
updates, band -> tridiagonal by bulge chasing; Haidar, Ltaief & Dongarra 2011, SC'11,
Sec. III; LAPACK 3.7 ``dsyevd_2stage``), which avoids the half of ``dsytrd``'s flops that are
memory-bound matrix-vector products. The routine is read from the OpenBLAS that SciPy's wheel
bundles; where that library or symbol is absent, ``dsyevd`` through SciPy is used. Here,
below :mod:`rmtcheck.spectra`, so that the Wishart sampler can use it too.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
from typing import Any

import numpy as np

from ..errors import InputError

_COL_MAJOR = 102  # LAPACK_COL_MAJOR


@functools.cache
def _two_stage(char: str) -> Any:
    """``LAPACKE_{d,s}syevd_2stage`` of SciPy's bundled OpenBLAS, or None."""
    import scipy  # noqa: PLC0415

    libs = os.path.join(os.path.dirname(os.path.dirname(scipy.__file__)), "scipy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "libscipy_openblas*.so"))):
        try:
            fn = getattr(ctypes.CDLL(path), f"scipy_LAPACKE_{char}syevd_2stage")
        except (OSError, AttributeError):
            continue
        fn.restype = ctypes.c_int
        fn.argtypes = [ctypes.c_int, ctypes.c_char, ctypes.c_char, ctypes.c_int]
        fn.argtypes += [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        return fn
    return None


def eigvalsh_overwrite(a: np.ndarray, *, lower: bool = True) -> np.ndarray:
    """Ascending eigenvalues of the symmetric matrix stored in one triangle (``lower``) of the
    Fortran-ordered float32/float64 array ``a``, which is overwritten (no copy is made)."""
    if a.ndim != 2 or a.shape[0] != a.shape[1] or not a.flags.f_contiguous:
        raise InputError("matrix", "is not a square Fortran-ordered array", "np.asfortranarray")
    if a.dtype not in (np.float32, np.float64):
        raise InputError("matrix", f"dtype {a.dtype}", "float32 or float64")
    m = a.shape[0]
    solver = _two_stage("d" if a.dtype == np.float64 else "s") if m < 2**31 else None
    if solver is None:
        from scipy.linalg import eigh  # noqa: PLC0415

        kw = {"overwrite_a": True, "check_finite": False, "driver": "evd"}
        return eigh(a, lower=lower, eigvals_only=True, **kw)
    w = np.empty(m, dtype=a.dtype)
    uplo = b"L" if lower else b"U"
    info = solver(_COL_MAJOR, b"N", uplo, m, a.ctypes.data, max(m, 1), w.ctypes.data)
    if info != 0:  # pragma: no cover - LAPACK convergence failure
        raise RuntimeError(f"syevd_2stage failed (info={info})")
    return w
