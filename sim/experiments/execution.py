"""Executors for sweeps, calibrations and backtests: in-process, local threads or processes, or a Dask
distributed cluster."""

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

PARENT_POLL_SECONDS = 0.25  # how soon a worker notices that its command is gone (without PR_SET_PDEATHSIG)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# what the workers' tasks import
TASK_MODULES = ["sim.experiments.sweep", "sim.experiments.calibration", "sim.experiments.rolling"]


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
def executor(workers: int | None, scheduler: str | None, threads: bool = False) -> Iterator[cf.Executor]:
    """The executor tasks run on: Dask if a scheduler address is given, else `workers` local workers (all
    cores by default; 1 runs in this process). Local workers are threads where the tasks spend their
    time in compiled code that releases the GIL (a sweep's points: threads start at once and share the
    loaded model), else processes."""
    count = workers or os.cpu_count() or 1
    if scheduler:
        with _dask(scheduler) as pool:
            yield pool
    elif count == 1:
        yield InlineExecutor()
    else:
        pool = cf.ThreadPoolExecutor(max_workers=count) if threads else _processes(count)
        try:
            yield pool
        except BaseException:
            stop(pool)  # on Ctrl-C or a failure, start no queued task and stop the running ones
            raise
        pool.shutdown()


def _processes(count: int) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=count, mp_context=_workers_context(), initializer=_worker_start,
                                  initargs=(os.getpid(),))


def _worker_start(command: int) -> None:
    """In each pool worker: leave Ctrl-C to the command's process (which stops the pool), and exit as soon
    as that process is gone, however it ended (a killed process cannot stop its workers). On Linux the
    kernel kills the worker with its parent (PR_SET_PDEATHSIG): the command's process, or for a forked
    worker the server, which lives on while its workers do. So, elsewhere and as a fallback, a thread
    watches for the parent and for the command's process between the worker's compiled steps."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = os.getppid()
    if not _running(command):  # it died before the line above
        os._exit(1)
    threading.Thread(target=_watch, args=(command, parent), daemon=True, name="iccsim-parent-watch").start()


def _watch(command: int, parent: int) -> None:
    while os.getppid() == parent and _running(command):
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user has that number
        return True
    return True


def stop(pool: cf.Executor) -> None:
    """Cancel the queued tasks and end the workers now rather than after their current task."""
    pool.shutdown(wait=False, cancel_futures=True)
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def _workers_context() -> multiprocessing.context.BaseContext:
    """Local workers forked from a server that has imported only the modules the tasks run, not what else
    the parent loaded (plotting, Mesa); spawned where forking is not available (Windows). Each worker
    still runs the parent's main script, as multiprocessing does: for `iccsim` the command-line module,
    which imports its commands' modules only when a command runs."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(TASK_MODULES)
    return context


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
