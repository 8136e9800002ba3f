"""Where chunks run: in this process, a local process pool, or a Dask cluster, all through the
``concurrent.futures.Executor`` interface so the runner has one code path.

Process pools use the ``spawn`` start method: it behaves the same on Linux, macOS and Windows,
never forks a process that holds threads (a Textual UI, a Dask client) and so never deadlocks on
a lock held at fork time. Workers import only the engine; the scenario reaches them as JSON.

The ``__main__`` guard is handled here: ``spawn`` normally re-runs the user's script in every
worker, so a script that starts a batch without ``if __name__ == "__main__":`` would start it
again in each worker (and a notebook or ``python -`` has no script to re-run at all). Workers need
nothing from the user's script (chunks run ``wargame`` code on JSON), so while the pool starts
workers, ``__main__`` is presented to ``multiprocessing`` as having no file to re-import.

Nothing outlives the batch. A worker watches its parent (``parent_process().sentinel`` becomes
ready when the parent is gone, however it went: ``kill -9`` included) and exits at once, so no
orphan keeps computing or holds the pool's pipes, and the ``multiprocessing`` resource tracker,
which lives until the last process holding its pipe ends, goes with them. Workers ignore SIGINT:
Ctrl-C in a terminal reaches the whole process group, and the parent decides — it stops the
workers (``_stop``) rather than waiting for the chunks in flight or the queue behind them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from wargame.economy.kernel import warm_up
from wargame.errors import RequestError, SetupError
from wargame.montecarlo import replication  # noqa: F401  (a worker imports the engine with this)

BACKENDS = ("process", "dask")

WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                      "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
"""Set in each process-pool worker's environment (before it imports numpy): one worker per core
already uses every core, and a BLAS that starts its own threads in each worker makes the
network's small products 30 times slower on a busy machine. Dask's nanny sets the first three
itself (``distributed.nanny.pre-spawn-environ``)."""

SCHEDULER_TIMEOUT = "20s"
"""How long to keep trying a remote Dask scheduler before saying it cannot be reached."""


class _InProcess(Executor):
    """jobs=1: run each chunk here, now (easiest to debug, no start-up cost)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


@contextmanager
def _workers_do_not_import_main() -> Iterator[None]:
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not hasattr(
            main, "__file__"):  # ``python -m module``, pytest, a notebook: spawn imports nothing
        yield                   # harmful
        return
    path = main.__file__
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _exit_with_parent(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)  # the parent is gone: nobody will read what this worker computes


def warm_worker(kernel: bool = True) -> None:
    """What a worker pays once, before its first chunk. Importing the engine and the chunk code
    (about a second in a fresh interpreter) is done by importing this module, which a worker
    does to run its initializer (or ``client.run`` on Dask); with ``kernel`` it also loads the
    compiled network kernel (``economy.kernel.warm_up``; the first process after an install
    compiles it)."""
    if kernel:
        warm_up()


def _worker_start(warm: bool = False) -> None:
    """The pool's initializer, in each worker: leave interrupts to the parent, die with it;
    then pay the imports (and with ``warm`` the kernel's loading) before the first chunk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with_parent, args=(parent.sentinel,), daemon=True,
                         name="wargame-exit-with-parent").start()
    warm_worker(warm)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what is queued and end the workers (a chunk in flight is lost, and
    rerun by ``--resume``), instead of ``shutdown(wait=True)`` running the queue to its end."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
    pool.shutdown(wait=True, cancel_futures=True)


class _Shared(threading.local):
    """The executors ``shared_executor`` holds open in this thread, innermost last."""

    def __init__(self) -> None:
        self.open: list[tuple[tuple[str, int, str | None], Executor, int]] = []


_shared = _Shared()


def _started() -> None:
    """A task that does nothing: submitting one per worker starts the pool's workers now."""


@contextmanager
def shared_executor(backend: str, jobs: int, address: str | None = None
                    ) -> Iterator[tuple[Executor, int]]:
    """One executor for several batches (a showcase's postures, a design's points): every
    ``executor`` asked for with the same backend, jobs and address inside this block is this
    one, so workers start, import the engine and load the kernel once, not once a batch. Its
    workers are started (and warmed) at once, while the first batch is being prepared."""
    with executor(backend, jobs, address, warm=True) as opened:
        pool, workers = opened
        if backend == "process" and not isinstance(pool, _InProcess):
            for _ in range(workers):
                pool.submit(_started)  # spawns the workers now; nothing waits for it
        _shared.open.append(((backend, jobs, address), *opened))
        try:
            yield opened
        finally:
            _shared.open.pop()


@contextmanager
def _worker_environment(also: Iterable[str] = ()) -> Iterator[None]:
    """``WORKER_ENVIRONMENT`` in ``os.environ`` while workers are spawned (they inherit it), the
    parent's own values restored after (its numpy is loaded already), those of ``also`` too
    (a Dask nanny writes its ``pre-spawn-environ`` into this process's environment)."""
    names = [*WORKER_ENVIRONMENT, *also]
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(WORKER_ENVIRONMENT)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask settings for the ``LocalCluster`` a batch starts (a cluster at ``--address`` is the
user's, set as they chose): no statistical profiler in the workers, which sampled the running
chunk's stack every 10 ms (its SimPy frames run deep) for a dashboard the batch does not open."""


def _local_cluster(jobs: int) -> Any:
    """A ``LocalCluster`` of ``jobs`` one-thread worker processes (``LOCAL_CLUSTER_CONFIG``
    passed to them by their nannies), each started with ``WORKER_ENVIRONMENT`` (through
    ``distributed.nanny.pre-spawn-environ``, which the nanny also uses to restart a worker;
    Dask sets the BLAS three to 1 there by default, not numba's, and lets a variable already
    set in this process win, so ours are set here too)."""
    import dask
    from distributed import LocalCluster

    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", default={}),
               **WORKER_ENVIRONMENT}
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                          **LOCAL_CLUSTER_CONFIG}), \
            _worker_environment(also=(*environ, "PYTHONHASHSEED")), \
            _workers_do_not_import_main():  # its nannies spawn workers as the pool does
        return LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                            dashboard_address=None)


@contextmanager
def executor(backend: str, jobs: int, address: str | None = None, *, warm: bool = False
             ) -> Iterator[tuple[Executor, int]]:
    """An executor and its number of workers (the open one, inside ``shared_executor``).
    ``warm``: each worker loads the compiled network kernel before its first chunk (for a batch
    that would load it anyway); every worker imports the engine before its first chunk."""
    if backend not in BACKENDS:
        raise RequestError(f"unknown backend '{backend}' (expected one of: {', '.join(BACKENDS)})")
    if _shared.open and _shared.open[-1][0] == (backend, jobs, address):
        yield _shared.open[-1][1], _shared.open[-1][2]
        return
    if backend == "process":
        if jobs <= 1:
            yield _InProcess(), 1
            return
        if multiprocessing.parent_process() is not None:
            raise SetupError(
                "a batch was started inside a worker process: put the call that starts it under "
                "`if __name__ == \"__main__\":` in your script")
        context = multiprocessing.get_context("spawn")
        # workers are spawned as chunks are first submitted, so both hold for the whole batch
        with _workers_do_not_import_main(), _worker_environment():
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                       initializer=_worker_start, initargs=(warm,))
            try:
                yield pool, jobs
            except BaseException:
                _stop(pool)
                raise
            pool.shutdown(wait=True)
        return
    try:
        from distributed import Client
    except ImportError:
        raise SetupError('the dask backend needs the dask extra: '
                           'pip install "wargame[dask]"') from None
    if address:
        try:
            client = Client(address, timeout=SCHEDULER_TIMEOUT)
        except (OSError, ValueError) as exc:  # ValueError: an address Dask cannot parse
            raise SetupError(f"cannot reach the Dask scheduler at {address}: {exc} (expected "
                             "an address like tcp://scheduler:8786)") from None
        cluster = None
    else:
        cluster = _local_cluster(jobs)
        client = Client(cluster)
    try:
        # every worker there now imports (and loads the kernel) before its first chunk; one that
        # joins a remote cluster later pays that in its first chunk instead
        client.run(warm_worker, warm)
        workers = len(client.scheduler_info().get("workers", {})) or max(1, jobs)
        yield client.get_executor(pure=False), workers
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
