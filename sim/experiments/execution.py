"""Executors for sweeps: in-process, a local process pool, or a Dask distributed cluster."""

import concurrent.futures as cf
import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
import time
from typing import Any, Callable, Iterator

from sim.core.errors import UserError

PARENT_POLL_SECONDS = 0.25  # how soon a worker notices that its parent is gone (without PR_SET_PDEATHSIG)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class InlineExecutor(cf.Executor):
    """Runs each task at submission, in this process: the serial executor (`--workers 1`)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def executor(workers: int | None, scheduler: str | None) -> Iterator[cf.Executor]:
    """The executor a sweep runs on: Dask if a scheduler address is given, else `workers` processes
    (all cores by default; 1 runs in this process)."""
    if scheduler:
        with _dask(scheduler) as pool:
            yield pool
    elif (workers or os.cpu_count() or 1) == 1:
        yield InlineExecutor()
    else:
        pool = cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count(),
                                      mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_worker_start, initargs=(os.getpid(),))
        try:
            yield pool
        except BaseException:
            _stop(pool)  # on Ctrl-C or a failure, start no queued task and stop the running ones
            raise
        pool.shutdown()


def _worker_start(parent: int) -> None:
    """In each pool worker: leave Ctrl-C to the parent (which stops the pool), and exit as soon as the
    parent is gone, however it ended (a killed parent cannot stop its workers). On Linux the kernel
    kills the worker with its parent (PR_SET_PDEATHSIG); elsewhere, and as a fallback, a thread
    watches for the parent between the worker's compiled steps."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="iccsim-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _stop(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel the queued tasks and end the workers now rather than after their current task."""
    pool.shutdown(wait=False, cancel_futures=True)
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def in_flight(workers: int | None, scheduler: str | None) -> int | None:
    """How many sweep points to keep submitted at once: one in this process (so each is written before
    the next starts), two per local worker (so none waits), all on a cluster (its scheduler queues them)."""
    if scheduler:
        return None
    count = workers or os.cpu_count() or 1
    return 1 if count == 1 else 2 * count


@contextlib.contextmanager
def _dask(address: str) -> Iterator[cf.Executor]:
    try:
        from dask.distributed import Client
    except ImportError:
        raise UserError("--scheduler needs Dask: pip install 'iccsim[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"--scheduler {address}: cannot connect ({str(exc).splitlines()[0]})") from None
    pool = client.get_executor()
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False)  # on Ctrl-C or a failure: cancel this sweep's tasks on the cluster
        raise
    finally:
        client.close()
