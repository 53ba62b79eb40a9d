"""Parameter sweeps: every design point run R times, streamed to disk, resumable.

Each design point is one task sent to a `concurrent.futures.Executor` (serial, a local process pool
or a Dask cluster). Run i of every point uses the same random streams (common random numbers across
the design). A finished point is written at once as its own Parquet chunks, followed by their record
(rows and SHA-256); a sweep that is stopped resumes with the points that have no whole chunks (a damaged
chunk is run again, not trusted), and the final tables are assembled in point order, so they do not
depend on the executor, the number of workers or interruptions.
"""

import concurrent.futures as cf
import dataclasses
import itertools
import json
import traceback
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from sim.core.errors import UserError
from sim.data.posterior import Posterior
from sim.model.ensemble import run_ensemble
from sim.model.scenario import Scenario
from sim.store import integrity
from sim.store.atomic import remove_debris, write_json
from sim.store.output import write_parquet

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
                               threads=1, posterior=posterior)  # the points run side by side on the workers
    except Exception:  # noqa: BLE001 - any failure of one point is recorded and the sweep goes on
        return PointResult(point, None, None, traceback.format_exc(limit=3).strip().splitlines()[-1])
    values = pd.DataFrame({name: [value] * len(results.runs) for name, value in overrides.items()})
    head = pd.DataFrame({"point": point}, index=results.runs.index)
    return PointResult(point, pd.concat([head, results.runs, values], axis=1),
                       pd.concat([pd.DataFrame({"point": point}, index=results.timeseries.index),
                                  results.timeseries], axis=1))


def chunk_paths(folder: Path, point: int) -> tuple[Path, Path]:
    return folder / CHUNKS / f"runs-{point:06d}.parquet", folder / CHUNKS / f"timeseries-{point:06d}.parquet"


def seal_path(folder: Path, point: int) -> Path:
    """The record (rows and SHA-256) of a point's two chunks, written after them: the point is done."""
    return folder / CHUNKS / f"point-{point:06d}.json"


def _sealed(folder: Path, point: int) -> bool | None:
    """Whether a point's chunks match their record: None if there is no record (not finished)."""
    try:
        entries = json.loads(seal_path(folder, point).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    expected = {path.relative_to(folder).as_posix() for path in chunk_paths(folder, point)}
    return isinstance(entries, dict) and set(entries) == expected and integrity.problem(folder, entries) is None


def check_chunks(folder: Path, count: int) -> tuple[set[int], list[int]]:
    """The points whose chunks are whole, and those whose chunks were damaged after they were written
    (their files are removed, so they run again). Call it holding the folder's claim."""
    remove_debris(folder)  # of a sweep killed while writing
    remove_debris(folder / CHUNKS)
    done, damaged = set(), []
    for point in range(count):
        state = _sealed(folder, point)
        if state:
            done.add(point)
        elif state is False:
            damaged.append(point)
            for path in (seal_path(folder, point), *chunk_paths(folder, point)):
                path.unlink(missing_ok=True)
    return done, damaged


def done_points(folder: Path) -> set[int]:
    """Points whose chunks are complete and match their record."""
    numbers = (int(path.stem.split("-")[1]) for path in (folder / CHUNKS).glob("point-*.json"))
    return {point for point in numbers if _sealed(folder, point)}


def write_point(folder: Path, result: PointResult) -> None:
    """A finished point's chunks, each whole, then their record."""
    runs_path, series_path = chunk_paths(folder, result.point)
    write_parquet(series_path, result.timeseries)
    write_parquet(runs_path, result.runs)
    write_json(seal_path(folder, result.point), integrity.record(folder, [runs_path, series_path]))


def execute(folder: Path, scenario: Scenario, points: pd.DataFrame, runs: int, seed: int,
            executor: cf.Executor, progress: Callable[[int], None] = lambda n: None,
            in_flight: int | None = None, done: set[int] | None = None,
            posterior: Posterior | None = None) -> list[tuple[int, str]]:
    """Run the points (validated values, see design.values) not in `done` (default: those without whole
    chunks in `folder`), keeping at most `in_flight` submitted at once (all if None); write each as it
    finishes; return the failures as (point, error)."""
    (folder / CHUNKS).mkdir(exist_ok=True)
    done = check_chunks(folder, len(points))[0] if done is None else done
    todo = [point for point in range(len(points)) if point not in done]
    progress(len(points) - len(todo))
    remaining = iter(todo)
    failures = []

    def submit(count: int | None) -> set[cf.Future]:
        return {executor.submit(run_point, scenario, point, points.iloc[point].to_dict(), runs, seed, posterior)
                for point in itertools.islice(remaining, count)}

    pending = submit(in_flight)
    try:
        while pending:
            finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                if result.error is not None:
                    failures.append((result.point, result.error))
                else:
                    write_point(folder, result)
                progress(1)
            pending |= submit(len(finished) if in_flight else 0)
    except BaseException:
        for future in pending:  # queued tasks (on a cluster too) are not started
            future.cancel()
        raise
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
    """The settings a sweep was started with, from its manifest, to resume it; the design and any table
    already written must be those the manifest records."""
    manifest = integrity.read_manifest(folder, "--resume")
    missing = [key for key in SETTINGS if key not in manifest]
    if missing or not (folder / "design.csv").is_file():
        raise UserError(f"--resume {folder}: not a sweep folder (no {', '.join(missing) or 'design.csv'})")
    integrity.verify(folder, manifest, "--resume")
    if "design.csv" not in manifest[integrity.RECORD]:
        raise UserError(f"--resume {folder}: its manifest does not record design.csv; not a sweep folder")
    # sweeps written before posterior draws ran at the point values
    return {key: manifest[key] for key in SETTINGS} | {"params": manifest.get("params", "median"),
                                                      "posterior": manifest.get("posterior")}
