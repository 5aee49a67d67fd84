"""Sweeps of scaling claims: executors (in-process, local processes, Dask), the resumable
SQLite result store and the :class:`Sweep` object that ties them to the exponent fit."""

from .cells import WithArrays, cell_key
from .executors import DaskExecutor, Executor, InProcess, Processes
from .store import ResultStore
from .sweep import Sweep, open_sweep

__all__ = [
    "DaskExecutor",
    "Executor",
    "InProcess",
    "Processes",
    "ResultStore",
    "Sweep",
    "WithArrays",
    "cell_key",
    "open_sweep",
]
