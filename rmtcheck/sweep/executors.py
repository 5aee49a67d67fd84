"""Executors for sweep cells, all with the ``concurrent.futures`` shape.

``submit(fn, *args) -> future`` and ``as_completed(futures)`` yield futures whose
``result()`` is the cell's value; ``shutdown()`` (or leaving a ``with`` block) releases the
workers. Three kinds:

- :class:`InProcess`: cells run one by one in the calling process, when iterated.
- :class:`Processes`: a local process pool, one worker per core by default.
- :class:`DaskExecutor`: Dask distributed, a ``LocalCluster`` started for the run or an
  existing scheduler at ``tcp://HOST:PORT`` (extra ``pip install rmtcheck[dask]``).

Workers run one cell at a time with BLAS, OpenMP and numba pinned to one thread, so N
workers use N cores and do not oversubscribe. Seeds never depend on the executor: each
cell seeds itself from (claim, parameters, trial) (``rmtcheck.rng``).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import validate
from ..errors import InputError
from .threads import PINNED, pin_threads

CONNECT_TIMEOUT = 10.0
_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|inproc)://(\[[0-9a-fA-F:.]+\]|[^\s:/\[\]]+)(:\d{1,5})?/?$")


def cpu_count() -> int:
    """Cores this process may use (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)  # the driver died (e.g. SIGKILL): do not linger as an orphan


def init_worker(parent: int) -> None:
    """Process-pool initializer: pin threads; ignore Ctrl-C (the driver handles it and
    stops the pool); exit when the driver process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pin_threads()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


class Executor(ABC):
    """The interface every executor offers (the ``concurrent.futures.Executor`` shape)."""

    name = "executor"
    workers = 1

    @abstractmethod
    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Schedule ``fn(*args)``; return a future."""

    @abstractmethod
    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        """Yield the futures as they finish."""

    def cancel(self, futures: Iterable[Any]) -> None:
        for f in futures:
            f.cancel()

    def shutdown(self) -> None:  # noqa: B027 - nothing to release by default
        """Release workers (idempotent)."""

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class InProcess(Executor):
    """Run cells in the calling process, lazily, in submission order."""

    name = "in-process"

    def __init__(self) -> None:
        self._pending: dict[cf.Future, tuple[Callable[..., Any], tuple[Any, ...]]] = {}

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        self._pending[future] = (fn, args)
        return future

    def as_completed(self, futures: Iterable[Any]) -> Iterator[cf.Future]:
        for future in futures:
            job = self._pending.pop(future, None)
            if job is not None and future.set_running_or_notify_cancel():
                try:
                    future.set_result(job[0](*job[1]))
                except Exception as exc:  # delivered through future.result()
                    future.set_exception(exc)
            yield future


class Processes(Executor):
    """A local process pool (``spawn`` start method), one single-threaded worker per core."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = validate.integer("--workers", cpu_count() if workers is None else workers, 1,
                                        4 * cpu_count())
        # Workers are spawned on demand and inherit the environment of that moment: pin the
        # thread counts for the pool's lifetime (this process's loaded libraries are unaffected).
        self._saved = {name: os.environ.get(name) for name in PINNED}
        os.environ.update({name: "1" for name in PINNED})
        self._pool = cf.ProcessPoolExecutor(self.workers, multiprocessing.get_context("spawn"),
                                            initializer=init_worker, initargs=(os.getpid(),))

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        # Workers are spawned inside submit: started with SIGINT blocked (the signal mask is
        # inherited through exec; their initializer then ignores it), a Ctrl-C in the terminal
        # reaches the driver only. Blocked, not ignored, in the driver: a Ctrl-C that arrives
        # meanwhile stays pending and is raised as soon as the mask is restored.
        if threading.current_thread() is not threading.main_thread():
            return self._pool.submit(fn, *args)
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._pool.submit(fn, *args)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[cf.Future]:
        return cf.as_completed(list(futures))

    def shutdown(self) -> None:
        if self._pool is None:
            return
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _distributed() -> Any:
    try:
        import distributed  # noqa: PLC0415
    except ImportError:
        raise InputError("executor", "Dask is not installed",
                         "pip install rmtcheck[dask]") from None
    return distributed


class DaskExecutor(Executor):
    """Dask distributed: a ``LocalCluster`` of ``workers`` processes, or ``scheduler`` (an
    address ``tcp://HOST:PORT`` of a running scheduler). Cells lost with a dying worker are
    rescheduled by Dask, and each submission also allows ``retries`` re-runs after an error."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None, *,
                 retries: int = 2, timeout: float = CONNECT_TIMEOUT) -> None:
        distributed = _distributed()
        self.retries = retries
        self._cluster = None
        if scheduler is not None:
            if not isinstance(scheduler, str) or not _ADDRESS.match(scheduler):
                raise InputError("--scheduler", f"got {scheduler!r}", "an address tcp://HOST:PORT")
            self.name = f"dask {scheduler}"
            self._client = self._connect(distributed, scheduler, timeout)
        else:
            n = validate.integer("--dask-local", cpu_count() if workers is None else workers, 1)
            self._cluster = distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                silence_logs=logging.ERROR,
                env={name: "1" for name in PINNED})
            self._client = distributed.Client(self._cluster)
        from ._dask_plugin import PinThreads  # noqa: PLC0415

        self._client.register_plugin(PinThreads())
        self.workers = len(self._client.scheduler_info().get("workers", {})) or 1
        self._as_completed = distributed.as_completed

    @staticmethod
    def _connect(distributed: Any, address: str, timeout: float) -> Any:
        try:
            return distributed.Client(address, timeout=timeout)
        except Exception as exc:  # refused, timed out, or not a scheduler at all
            raise InputError("--scheduler", f"no Dask scheduler answered at {address} (gave up "
                             f"after at most {timeout:g} s: {type(exc).__name__})",
                             "a running `dask scheduler` address, tcp://HOST:PORT") from None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._client.submit(fn, *args, pure=False, retries=self.retries)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return iter(self._as_completed(list(futures)))

    def shutdown(self) -> None:
        if self._client is None:
            return
        self._client.close()
        self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


EXECUTORS = ("in-process", "processes", "dask")


def make_executor(executor: str | Executor, workers: int | None = None,
                  scheduler: str | None = None) -> tuple[Executor, bool]:
    """An executor by name (or the one given) and whether the caller owns it (shuts it down)."""
    if isinstance(executor, Executor):
        return executor, False
    validate.choice("executor", executor, EXECUTORS)
    if executor == "processes":
        return Processes(workers), True
    if executor == "dask":
        return DaskExecutor(scheduler=scheduler, workers=workers), True
    return InProcess(), True


def drain(executor: Executor, jobs: list[tuple[Any, Callable[..., Any], tuple[Any, ...]]],
          finished: Callable[[Any, Any], None], where: Callable[[Any], str]) -> None:
    """Submit every ``(item, fn, args)`` and call ``finished(item, result)`` as each result
    arrives; a failure re-raises with the note ``where(item)``, and cancels what is left."""
    futures = {executor.submit(fn, *args): item for item, fn, args in jobs}
    remaining = set(futures)
    try:
        for future in executor.as_completed(list(futures)):
            item = futures[future]
            try:
                result = future.result()
            except Exception as exc:
                exc.add_note(where(item))
                raise
            finished(item, result)
            remaining.discard(future)
    finally:
        if remaining:
            executor.cancel(remaining)
