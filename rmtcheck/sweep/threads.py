"""One thread per worker: the environment variables and run-time limits that pin BLAS, OpenMP
and numba, so N workers use N cores without oversubscribing them."""

from __future__ import annotations

import os
import sys

PINNED = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
          "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def pin_threads() -> None:
    """Limit BLAS, OpenMP and numba in this process to one thread (worker initializer)."""
    os.environ.update({name: "1" for name in PINNED})
    try:  # BLAS libraries already loaded read no environment: limit them at run time
        from threadpoolctl import threadpool_limits  # noqa: PLC0415

        threadpool_limits(1)
    except ImportError:
        pass
    if "numba" in sys.modules:
        sys.modules["numba"].set_num_threads(1)
