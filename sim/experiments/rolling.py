"""Rolling-origin backtests: many forecast origins, each calibrated only on the record before it, run in
parallel, each written to disk as it finishes, resumable like a sweep.

An origin is one task on a `concurrent.futures.Executor` (its calibration then runs inside that task);
a single origin runs here and spreads its calibration over the executor instead. Every origin uses the
root seed, so an origin of a rolling backtest is the same forecast as a single-cutoff backtest there.
Finished origins are Parquet chunks; a stopped backtest resumes with the origins that have none, and
the final tables are assembled in origin order, so they do not depend on the executor or on
interruptions.
"""

import calendar
import concurrent.futures as cf
import datetime as dt
import itertools
import os
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from sim.core.errors import UserError
from sim.core.months import month_of, parse_date
from sim.experiments import backtest, calibration
from sim.experiments.execution import InlineExecutor
from sim.model.scenario import Scenario

CHUNKS = "chunks"
PARTS = ("units", "counts", "posterior", "summary")  # the summary is written last: it marks an origin done
SETTINGS = ("cutoffs", "step_months", "horizon_months", "runs", "seed", "shocks", "scenario", "set", "budget",
            "params", "scenario_files")


def parse_cutoffs(text: str) -> tuple[list[dt.date], int]:
    """FIRST:LAST:STEP_MONTHS -> the cutoffs FIRST, FIRST + STEP months, ... up to LAST, and the step
    (a day past a shorter month's end falls on that month's last day)."""
    parts = text.split(":")
    if len(parts) != 3 or not parts[2].strip().isdigit() or int(parts[2]) < 1:
        raise UserError(f"--cutoffs {text!r}: expected FIRST:LAST:STEP_MONTHS, e.g. 2008-01-01:2025-01-01:12")
    first, last, step = parse_date(parts[0], "--cutoffs FIRST"), parse_date(parts[1], "--cutoffs LAST"), int(parts[2])
    if last < first:
        raise UserError(f"--cutoffs {text!r}: LAST is before FIRST")
    cutoffs = []
    month = month_of(first)
    while True:
        year, number = divmod(month, 12)
        day = dt.date(year, number + 1, min(first.day, calendar.monthrange(year, number + 1)[1]))
        if day > last:
            return cutoffs, step
        cutoffs.append(day)
        month += step


def chunk(folder: Path, cutoff: str, part: str) -> Path:
    return folder / CHUNKS / f"{part}-{cutoff}.parquet"


def done(folder: Path, cutoffs: list[str]) -> set[str]:
    """Origins whose chunks are all written (each atomically, the summary last)."""
    return {c for c in cutoffs if all(chunk(folder, c, part).exists() for part in PARTS)}


def _write(frame: pd.DataFrame, path: Path) -> None:
    partial = path.with_suffix(".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def save(folder: Path, origin: backtest.Origin) -> None:
    cutoff = str(origin.summary["origin"].iloc[0])
    for part in PARTS:
        _write(getattr(origin, part), chunk(folder, cutoff, part))


def run_origin(template: Scenario, cutoff: dt.date, settings: dict[str, Any],
               executor: cf.Executor | None = None, threads: int | None = None) -> backtest.Origin:
    """One origin (a task for an executor); its forecast runs on `threads` threads (default: all cores)."""
    return backtest.run(template, cutoff, settings["horizon_months"], settings["runs"], settings["seed"],
                        settings["shocks"], calibration.Budget(**settings["budget"]),
                        executor=executor or InlineExecutor(), point=settings["params"] == "median", threads=threads)


def execute(folder: Path, template: Scenario, settings: dict[str, Any], executor: cf.Executor,
            progress: Callable[[int], None] = lambda n: None, in_flight: int | None = None,
            threads: int | None = None) -> None:
    """Run the origins that have no chunks in `folder`, keeping at most `in_flight` submitted at once
    (all if None; see execution.in_flight), and write each as it finishes."""
    (folder / CHUNKS).mkdir(exist_ok=True)
    cutoffs = settings["cutoffs"]
    todo = [c for c in cutoffs if c not in done(folder, cutoffs)]
    progress(len(cutoffs) - len(todo))
    if len(todo) == 1:
        save(folder, run_origin(template, dt.date.fromisoformat(todo[0]), settings, executor, threads))
        progress(1)
        return
    remaining = iter(todo)

    def submit(count: int | None) -> set[cf.Future]:
        return {executor.submit(run_origin, template, dt.date.fromisoformat(c), settings, None, threads)
                for c in itertools.islice(remaining, count)}

    pending = submit(in_flight)
    while pending:
        finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        for future in finished:
            save(folder, future.result())
            progress(1)
        pending |= submit(len(finished) if in_flight else 0)


def assemble(folder: Path, cutoffs: list[str]) -> dict[str, pd.DataFrame]:
    """Each part's table over all origins, in origin order."""
    missing = [c for c in cutoffs if c not in done(folder, cutoffs)]
    if missing:
        raise UserError(f"{folder}: origins {', '.join(missing)} have not finished")
    return {part: pd.concat([pd.read_parquet(chunk(folder, c, part)) for c in cutoffs], ignore_index=True)
            for part in PARTS}


def block_length(settings: dict[str, Any]) -> int:
    """Consecutive origins whose windows overlap: the block of the bootstrap over origins."""
    step = settings["step_months"]
    return 1 if not step else max(1, -(-settings["horizon_months"] // step))
