"""A backtest's folder from start to finish: the settings it records (to resume from), the manifest
written before any origin runs, and the assembled, scored tables at the end."""

import dataclasses
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.errors import UserError
from sim.experiments import calibration, evaluation, rolling
from sim.model.scenario import Scenario
from sim.store.atomic import whole_folder
from sim.store.integrity import seal
from sim.store.output import write_csv
from sim.store.provenance import environment

TABLES = ("scores", "forecasts", "counts", "origins", "calibration", "reliability", "pit")
SHOCK_LABELS = {"none": "none (unconditional)", "known": "known (conditional: given the future)"}


def settings_for(cutoffs: list[dt.date], step: int | None, horizon_months: int, runs: int, seed: int, shocks: str,
                 scenario: str, budget: calibration.Budget, params: str) -> dict[str, Any]:
    named = Path(scenario)
    return {"cutoffs": [str(c) for c in cutoffs], "step_months": step, "horizon_months": horizon_months,
            "runs": runs, "seed": seed, "shocks": shocks,
            "scenario": str(named.resolve()) if named.suffix == ".toml" else scenario, "set": {},
            "budget": dataclasses.asdict(budget), "params": params}


def start(folder: Path, chosen: Scenario, settings: dict[str, Any]) -> None:
    """Create the folder (claimed by the caller, see sim.store.atomic.claim) with its manifest before any
    origin runs."""
    with whole_folder(folder, claimed=True) as staged:
        settings |= {"scenario_files": chosen.file_hashes}
        seal(staged.path, manifest(chosen, settings, "running", time.time()))


def read_settings(folder: Path) -> dict[str, Any]:
    """The settings a backtest was started with, from its manifest."""
    try:
        recorded = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"--resume {folder}: no manifest.json there; not a backtest folder") from None
    except json.JSONDecodeError:
        raise UserError(f"--resume {folder}: manifest.json is not valid JSON") from None
    missing = [key for key in rolling.SETTINGS if key not in recorded]
    if missing:
        raise UserError(f"--resume {folder}: not a backtest folder (no {', '.join(missing)} in its manifest)")
    return {key: recorded[key] for key in rolling.SETTINGS}


def finish(folder: Path, chosen: Scenario, settings: dict[str, Any], started: float) -> dict[str, pd.DataFrame]:
    """Assemble the origins, score them, write the tables and mark the manifest complete."""
    parts = rolling.assemble(folder, settings["cutoffs"])
    runs, seed = settings["runs"], settings["seed"]
    scores = evaluation.scores(parts["units"], parts["summary"], parts["counts"], runs, rolling.block_length(settings),
                               seed)
    scores.insert(0, "shocks", SHOCK_LABELS[settings["shocks"]])
    tables = {
        "scores": scores,
        "forecasts": parts["units"], "counts": parts["counts"], "origins": parts["summary"],
        "calibration": parts["posterior"],
        "reliability": evaluation.reliability(parts["units"]),
        "pit": evaluation.pit(parts["summary"], parts["counts"]),
    }
    for name in TABLES:
        write_csv(folder / f"{name}.csv", tables[name], float_format="%.6g")
    seal(folder, manifest(chosen, settings, "complete", started))
    return tables


def manifest(chosen: Scenario, settings: dict[str, Any], status: str, started: float) -> dict[str, Any]:
    return {
        **environment(),
        **settings,
        "resolved": chosen.describe(),
        "run_seeds": {"rule": "numpy SeedSequence(seed, spawn_key=(run, process)) and (run, 6) for the run's "
                              "posterior draw; the same at every origin"},
        "updated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 3),
        "status": status,
    }
