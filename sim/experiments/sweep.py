"""Parameter sweeps: every design point run R times, streamed to disk, resumable.

Each design point is one task sent to a `concurrent.futures.Executor` (serial, a local process pool
or a Dask cluster). Run i of every point uses the same random streams (common random numbers across
the design). A finished point is written at once as its own Parquet chunk; a sweep that is stopped
resumes with the points that have no chunk yet, and the final tables are assembled in point order, so
they do not depend on the executor, the number of workers or interruptions.
"""

import concurrent.futures as cf
import dataclasses
import itertools
import json
import os
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator

import pandas as pd

from sim.core.errors import UserError
from sim.data.posterior import Posterior
from sim.model.ensemble import run_ensemble
from sim.model.scenario import Scenario

CHUNKS = "chunks"
SETTINGS = ("scenario", "set", "design", "samples", "factors", "runs", "seed", "scenario_files")


@dataclasses.dataclass(frozen=True)
class PointResult:
    """The tables of one design point, or the error it raised."""

    point: int
    runs: pd.DataFrame | None
    timeseries: pd.DataFrame | None
    error: str | None = None


def run_point(scenario: Scenario, point: int, overrides: dict[str, Any], runs: int, seed: int,
              posterior: Posterior | None = None) -> PointResult:
    """Run one design point (its swept parameters pinned, the others drawn per run from the posterior if
    one is given); an exception is returned as text, not raised, so a sweep carries on."""
    try:
        results = run_ensemble(scenario.with_params(overrides, where=f"design point {point}"), runs, seed,
                               posterior=posterior)
    except Exception:  # noqa: BLE001 - any failure of one point is recorded and the sweep goes on
        return PointResult(point, None, None, traceback.format_exc(limit=3).strip().splitlines()[-1])
    values = pd.DataFrame({name: [value] * len(results.runs) for name, value in overrides.items()})
    head = pd.DataFrame({"point": point}, index=results.runs.index)
    return PointResult(point, pd.concat([head, results.runs, values], axis=1),
                       pd.concat([pd.DataFrame({"point": point}, index=results.timeseries.index),
                                  results.timeseries], axis=1))


def chunk_paths(folder: Path, point: int) -> tuple[Path, Path]:
    return folder / CHUNKS / f"runs-{point:06d}.parquet", folder / CHUNKS / f"timeseries-{point:06d}.parquet"


def done_points(folder: Path) -> set[int]:
    """Points whose chunks are complete (both files present; each is written atomically)."""
    return {point for point in _chunk_numbers(folder, "runs") if chunk_paths(folder, point)[1].exists()}


def _chunk_numbers(folder: Path, kind: str) -> Iterator[int]:
    for path in (folder / CHUNKS).glob(f"{kind}-*.parquet"):
        yield int(path.stem.split("-")[1])


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    partial = path.with_suffix(".partial")
    frame.to_parquet(partial, index=False)
    os.replace(partial, path)


def execute(folder: Path, scenario: Scenario, points: pd.DataFrame, runs: int, seed: int,
            executor: cf.Executor, progress: Callable[[int], None] = lambda n: None,
            in_flight: int | None = None, posterior: Posterior | None = None) -> list[tuple[int, str]]:
    """Run the points (validated values, see design.values) that have no chunk in `folder`, keeping at
    most `in_flight` submitted at once (all if None); write each as it finishes; return the failures as
    (point, error)."""
    (folder / CHUNKS).mkdir(exist_ok=True)
    todo = [point for point in range(len(points)) if point not in done_points(folder)]
    progress(len(points) - len(todo))
    remaining = iter(todo)
    failures = []

    def submit(count: int | None) -> set[cf.Future]:
        return {executor.submit(run_point, scenario, point, points.iloc[point].to_dict(), runs, seed, posterior)
                for point in itertools.islice(remaining, count)}

    pending = submit(in_flight)
    while pending:
        done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        for future in done:
            result = future.result()
            if result.error is not None:
                failures.append((result.point, result.error))
            else:
                runs_path, series_path = chunk_paths(folder, result.point)
                _write_atomic(result.timeseries, series_path)
                _write_atomic(result.runs, runs_path)
            progress(1)
        pending |= submit(len(done) if in_flight else 0)
    return sorted(failures)


def assemble(folder: Path, count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs and time-series tables of all finished points, in point order."""
    finished = sorted(done_points(folder) & set(range(count)))
    if not finished:
        raise UserError(f"{folder}: no design point finished")
    runs = pd.concat([pd.read_parquet(chunk_paths(folder, p)[0]) for p in finished], ignore_index=True)
    series = pd.concat([pd.read_parquet(chunk_paths(folder, p)[1]) for p in finished], ignore_index=True)
    return runs, series


def point_summary(runs: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """One row per design point: its parameter values and the mean and spread of its outcomes."""
    grouped = runs.groupby("point", sort=True)
    summary = grouped[factors].first()
    summary["runs"] = grouped.size()
    for outcome in ("parties_end", "further_exits"):
        summary[f"{outcome}_mean"] = grouped[outcome].mean()
        summary[f"{outcome}_q05"] = grouped[outcome].quantile(0.05)
        summary[f"{outcome}_q95"] = grouped[outcome].quantile(0.95)
    summary["p_further_exit"] = grouped["further_exits"].apply(lambda x: float((x >= 1).mean()))
    return summary.reset_index()


def read_settings(folder: Path) -> dict[str, Any]:
    """The settings a sweep was started with, from its manifest, to resume it."""
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--resume {folder}: no manifest.json there; not a sweep folder") from None
    except json.JSONDecodeError:
        raise UserError(f"--resume {folder}: manifest.json is not valid JSON") from None
    missing = [key for key in SETTINGS if key not in manifest]
    if missing or not (folder / "design.csv").is_file():
        raise UserError(f"--resume {folder}: not a sweep folder (no {', '.join(missing) or 'design.csv'})")
    # sweeps written before posterior draws ran at the point values
    return {key: manifest[key] for key in SETTINGS} | {"params": manifest.get("params", "median"),
                                                      "posterior": manifest.get("posterior")}

