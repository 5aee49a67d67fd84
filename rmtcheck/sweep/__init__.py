"""Sweeps of scaling claims: executors (in-process, local processes, Dask), the resumable
SQLite result store and the :class:`Sweep` object that ties them to the exponent fit."""

from ..lazy import lazy_attributes

_EXPORTS = {
    "DaskExecutor": ".executors",
    "Executor": ".executors",
    "InProcess": ".executors",
    "Processes": ".executors",
    "ResultStore": ".store",
    "Sweep": ".sweep",
    "WithArrays": ".cells",
    "cell_key": ".cells",
    "open_sweep": ".sweep",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
