"""A sweep's folder from start to finish: the settings it records, its design and manifest written before
any point runs, the scenario it resumes with, and the assembled tables and sensitivity indices at the end."""

import dataclasses
import datetime as dt
import time
from pathlib import Path

import pandas as pd

from sim.core.errors import UserError
from sim.experiments import sensitivity, sweep
from sim.experiments.design import Factor
from sim.model.scenario import Scenario, load
from sim.model.streams import PROCESSES
from sim.store.output import staged_folder, write_json, write_table
from sim.store.provenance import environment


def settings_for(scenario: str, overrides: dict[str, str], design: str, samples: int, factors: list[Factor],
                 runs: int, seed: int) -> dict:
    """What a sweep records to be resumed from anywhere (a scenario file by its absolute path)."""
    named = Path(scenario)
    return {"scenario": str(named.resolve()) if named.suffix == ".toml" else scenario, "set": overrides,
            "design": design, "samples": samples, "factors": [dataclasses.asdict(f) for f in factors],
            "runs": runs, "seed": seed}


def resumed_scenario(settings: dict) -> Scenario:
    """The scenario of a sweep being resumed, refusing files that changed since it started."""
    chosen = load(settings["scenario"]).with_params(settings["set"])
    changed = [name for name, digest in settings["scenario_files"].items() if chosen.file_hashes.get(name) != digest]
    if changed or set(chosen.file_hashes) != set(settings["scenario_files"]):
        raise UserError(f"--resume: scenario files changed since the sweep started "
                        f"({', '.join(changed or chosen.file_hashes)})")
    return chosen


def start(folder: Path, chosen: Scenario, raw: pd.DataFrame, settings: dict, reserved: bool) -> None:
    """Create the sweep folder with its settings and design, before any point runs."""
    with staged_folder(folder, reserved) as staging:
        settings |= {"scenario_files": chosen.file_hashes}
        raw.rename_axis("point").reset_index().to_csv(staging / "design.csv", index=False)
        write_json(staging / "manifest.json", manifest(chosen, settings, "running", time.time()))


def finish(folder: Path, chosen: Scenario, raw: pd.DataFrame, values: pd.DataFrame, settings: dict,
           failures: list[tuple[int, str]], started: float) -> None:
    """Assemble the finished points into the sweep's tables and indices, and mark the manifest complete."""
    runs, series = sweep.assemble(folder, len(values))
    write_table(folder, "runs", runs)
    write_table(folder, "timeseries", series)
    summary = sweep.point_summary(runs, list(values.columns))
    summary.to_csv(folder / "points.csv", index=False)
    if failures:
        pd.DataFrame(failures, columns=["point", "error"]).to_csv(folder / "errors.csv", index=False)
    if settings["design"] in ("sobol", "morris") and not failures:
        table = sensitivity.indices(settings["design"], raw, summary, settings["factors"], settings["seed"])
        table.to_csv(folder / "sensitivity.csv", index=False)
    status = "complete" if not failures else f"complete, {len(failures)} points failed"
    write_json(folder / "manifest.json", manifest(chosen, settings, status, started))


def manifest(chosen: Scenario, settings: dict, status: str, started: float) -> dict:
    """Provenance, the recorded settings and the sweep's status."""
    return {
        **environment(),
        **settings,
        "resolved": chosen.describe(),
        "run_seeds": {"rule": "numpy SeedSequence(seed, spawn_key=(run, process)); the same for every point",
                      "processes": list(PROCESSES)},
        "updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "status": status,
    }
