"""Dask worker plugin pinning BLAS, OpenMP and numba threads (imported only with Dask)."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from .threads import pin_threads


class PinThreads(WorkerPlugin):
    """Run :func:`rmtcheck.sweep.threads.pin_threads` on every worker, also on ones that
    join (or are restarted) later."""

    name = "rmtcheck-pin-threads"
    idempotent = True

    def setup(self, worker: Any) -> None:
        pin_threads()
