"""Saved result folders (run, compare, sweep) read back for figures and briefs, without re-running."""

import dataclasses
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from sim.core.errors import UserError
from sim.store.integrity import read_manifest, verify


@dataclasses.dataclass(frozen=True)
class ScenarioTables:
    """One scenario's saved tables."""

    label: str
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame
    summary: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class ResultFolder:
    """A run, compare or sweep folder: its manifest and tables."""

    path: Path
    kind: str  # "run", "compare" or "sweep"
    manifest: dict[str, Any]
    scenarios: list[ScenarioTables]
    comparison: pd.DataFrame | None = None
    points: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    sweep_runs: pd.DataFrame | None = None  # a sweep's runs table: one row per point and run

    def manifest_summary(self) -> dict[str, Any]:
        """The manifest's provenance fields, for a brief."""
        keys = ("iccsim_version", "git_commit", "git_uncommitted_changes", "python", "mesa", "command", "scenarios",
                "scenario", "scenario_files", "runs", "root_seed", "seed", "design", "params", "posterior", "data_end",
                "status")
        return {key: self.manifest[key] for key in keys if key in self.manifest}

    def provenance(self) -> dict[str, Any]:
        """What a figure made from this folder must say about where it came from."""
        m = self.manifest
        resolved = m["resolved"] if isinstance(m["resolved"], list) else [m["resolved"]]
        return {
            "iccsim_version": m["iccsim_version"],
            "git_commit": m.get("git_commit"),
            "scenarios": m.get("scenarios") or [m["scenario"]],
            "runs": m["runs"],
            "runs_per": "per design point" if self.kind == "sweep" else "per scenario",
            "seed": m.get("root_seed", m.get("seed")),
            "start": resolved[0]["start"],
            "horizon": resolved[0]["end"],
            "data_end": m["data_end"],
        }


def labels(names: list[str]) -> list[str]:
    """Folder labels of a comparison: the scenario names, numbered where a name repeats."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return result


REQUIRED = {  # the columns figures and briefs read from each table
    "runs.csv": ("run", "further_exits"),
    "timeseries.csv": ("run", "month", "parties", "further_exits", "population_share"),
    "events.csv": ("run", "month", "iso3", "event"),
    "summary.csv": ("month", "measure", "q05", "q25", "median", "q75", "q95"),
    "comparison.csv": ("scenario",),
    "points.csv": ("point", "parties_end_mean", "further_exits_mean"),
    "sweep runs.csv": ("point", "run", "parties_end"),
    "sensitivity.csv": ("outcome", "parameter", "index", "value", "conf"),
}


def _table(path: Path, name: str, folder: Path, kind: str = "") -> pd.DataFrame:
    """A saved table: its Parquet copy where there is one (exact and fast), else the CSV."""
    where = path.relative_to(folder.parent) / name
    parquet = (path / name).with_suffix(".parquet")
    try:
        if parquet.is_file():
            frame = pd.read_parquet(parquet)
        else:
            frame = pd.read_csv(path / name, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise UserError(f"missing {where}; not a complete iccsim results folder") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, pa.ArrowInvalid):
        raise UserError(f"{where} is not a readable table") from None
    missing = [column for column in REQUIRED[f"{kind} {name}".strip()] if column not in frame.columns]
    if missing:
        raise UserError(f"{where} lacks the columns {', '.join(missing)}; not an iccsim table")
    if frame.empty and name != "events.csv":
        raise UserError(f"{where} has no rows; not a complete iccsim table")
    return frame


def _scenario(path: Path, label: str, folder: Path) -> ScenarioTables:
    return ScenarioTables(label, *(_table(path, f"{name}.csv", folder)
                                   for name in ("runs", "timeseries", "events", "summary")))


def load(folder: str | os.PathLike) -> ResultFolder:
    """Read a results folder written by `iccsim run`, `compare` or `sweep` (a path or its text), refusing one
    whose tables do not match its manifest (see sim.store.integrity)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder}: no such folder")
    manifest = read_manifest(folder)
    other = "backtest" if "cutoff" in manifest else "calibrate" if "budget" in manifest else None
    if other:
        raise UserError(f"{folder}: written by iccsim {other}; plot and report take folders written by run, "
                        "compare or sweep")
    verify(folder, manifest)
    if "design" in manifest:
        points = _table(folder, "points.csv", folder)
        has_indices = (folder / "sensitivity.csv").exists()
        return ResultFolder(folder, "sweep", manifest, [], points=points,
                            sensitivity=_table(folder, "sensitivity.csv", folder) if has_indices else None,
                            sweep_runs=_table(folder, "runs.csv", folder, "sweep"))
    names = manifest.get("scenarios", [])
    if len(names) == 1 and not (folder / "comparison.csv").exists():
        return ResultFolder(folder, "run", manifest, [_scenario(folder, names[0], folder)])
    tables = [_scenario(folder / label, label, folder) for label in labels(names)]
    return ResultFolder(folder, "compare", manifest, tables, comparison=_table(folder, "comparison.csv", folder))
