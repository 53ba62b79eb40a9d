"""Executors for sweeps, calibrations and backtests: in-process, local threads or processes, or a Dask
distributed cluster."""

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
from typing import Any, Callable, Iterator

from sim.core.errors import UserError

TASK_MODULES = ["sim.experiments.sweep", "sim.experiments.calibration"]  # what the workers' tasks import


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
        pool = cf.ThreadPoolExecutor(max_workers=count) if threads else cf.ProcessPoolExecutor(
            max_workers=count, mp_context=_workers_context())
        try:
            yield pool
        except BaseException:
            pool.shutdown(cancel_futures=True)  # on Ctrl-C, start no queued task; running ones finish
            raise
        pool.shutdown()


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
    try:
        yield client.get_executor()
    finally:
        client.close()
