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
from sim.store.atomic import whole_folder
from sim.store.integrity import seal
from sim.store.output import write_csv, write_table
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


def start(folder: Path, chosen: Scenario, raw: pd.DataFrame, settings: dict) -> None:
    """Create the sweep folder (claimed by the caller, see sim.store.atomic.claim) with its settings and
    design, before any point runs; its manifest records the design, so a resume can check it."""
    with whole_folder(folder, claimed=True) as staged:
        settings |= {"scenario_files": chosen.file_hashes}
        write_csv(staged.path / "design.csv", raw.rename_axis("point").reset_index())
        seal(staged.path, manifest(chosen, settings, "running", time.time()))


def finish(folder: Path, chosen: Scenario, raw: pd.DataFrame, values: pd.DataFrame, settings: dict,
           failures: list[tuple[int, str]], started: float) -> None:
    """Assemble the finished points into the sweep's tables and indices, and seal the manifest as complete
    (tables of an earlier attempt that this one does not write are removed first)."""
    runs, series = sweep.assemble(folder, len(values))
    for stale in ("errors.csv", "sensitivity.csv"):
        (folder / stale).unlink(missing_ok=True)
    write_table(folder, "runs", runs)
    write_table(folder, "timeseries", series)
    summary = sweep.point_summary(runs, list(values.columns))
    write_csv(folder / "points.csv", summary)
    if failures:
        write_csv(folder / "errors.csv", pd.DataFrame(failures, columns=["point", "error"]))
    if settings["design"] in ("sobol", "morris") and not failures:
        table = sensitivity.indices(settings["design"], raw, summary, settings["factors"], settings["seed"])
        write_csv(folder / "sensitivity.csv", table)
    status = "complete" if not failures else f"complete, {len(failures)} points failed"
    seal(folder, manifest(chosen, settings, status, started))


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
