"""The Python API: run, compare and load ensembles from a script or a notebook.

`run` and `compare` return the tables `iccsim run` and `iccsim compare` write, computed the same way, so a
notebook and the command line agree for the same seed; `load` reads a folder either of them wrote.
"""

import dataclasses
import os
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from sim.core.errors import UserError
from sim.core.months import parse_month
from sim.data import posterior as posteriors
from sim.data.posterior import Posterior
from sim.experiments.compare import comparison_table
from sim.model import scenario as scenarios
from sim.model.ensemble import BATCH, run_ensemble
from sim.model.scenario import Scenario
from sim.store import folders
from sim.store.exits import exits_table
from sim.store.provenance import run_manifest
from sim.store.summary import summarise

MAX_RUNS = 1_000_000  # as the CLI's --runs


@dataclasses.dataclass(frozen=True)
class Result:
    """One scenario's ensemble: one row per run, per run-month and per event, the quantile summary per
    month and measure, the manifest (provenance, resolved scenario, seeds) and, from `run` and `compare`,
    who leaves (exits.csv: one row per state in the Statute at the start)."""

    scenario: str
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame
    summary: pd.DataFrame
    manifest: dict[str, Any]
    exits: pd.DataFrame | None = None


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Scenarios run with common random numbers: the comparison table (one row per scenario, paired
    differences from the first) and each scenario's `Result`, by label."""

    table: pd.DataFrame
    results: dict[str, Result]
    manifest: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Sweep:
    """A sweep folder: the per-point summary, the sensitivity indices (Sobol or Morris designs) and the
    manifest."""

    points: pd.DataFrame
    sensitivity: pd.DataFrame | None
    manifest: dict[str, Any]


def resolve(scenario: str | os.PathLike | Scenario, start: str | None = None, end: str | None = None,
            params: Mapping[str, Any] | None = None) -> Scenario:
    """A scenario from its name, a .toml path or a loaded `Scenario`, over another window (YYYY-MM) and
    with parameter overrides, validated as the CLI validates --start, --end and --set."""
    chosen = scenario if isinstance(scenario, Scenario) else scenarios.load(os.fspath(scenario))
    chosen = chosen.with_window(parse_month(start, "start") if start else None,
                                parse_month(end, "end") if end else None)
    return chosen.with_params(dict(params or {}), where="params")


def _sample(median: bool = False, posterior: str | os.PathLike | None = None) -> Posterior | None:
    """The posterior sample runs draw from, as the CLI's --params and --posterior choose it: the shipped
    one, another calibration's posterior.csv, or None (`median`: every run at the posterior medians)."""
    if median:
        if posterior is not None:
            raise UserError("posterior: a sample to draw from cannot go with median=True")
        return None
    return posteriors.load(Path(posterior)) if posterior is not None else posteriors.shipped()


def run(scenario: str | os.PathLike | Scenario, runs: int = 200, seed: int = 0, *, start: str | None = None,
        end: str | None = None, params: Mapping[str, Any] | None = None, median: bool = False,
        posterior: str | os.PathLike | None = None, progress: Callable[[int], None] = lambda n: None,
        batch: int = BATCH) -> Result:
    """Run an ensemble, as `iccsim run SCENARIO --runs RUNS --seed SEED [--start] [--end] [--set ...]
    [--params median] [--posterior FILE]`; `progress` is called with the number of runs finished after each
    batch of `batch` runs (the tables do not depend on the batch size)."""
    _check_counts(runs, seed)
    chosen = resolve(scenario, start, end, params)
    drawn = _sample(median, posterior)
    started = time.time()
    results = run_ensemble(chosen, runs, seed, progress=progress, batch=batch, posterior=drawn)
    call = f"sim.run({chosen.name!r}, runs={runs}, seed={seed})"
    manifest = run_manifest([chosen], [results], runs, seed, started, drawn, command=[call])
    return Result(chosen.name, results.runs, results.timeseries, results.events, summarise(results.timeseries),
                  manifest, exits_table(results, chosen))


def compare(*scenarios_: str | os.PathLike | Scenario, runs: int = 200, seed: int = 0, median: bool = False,
            posterior: str | os.PathLike | None = None) -> Comparison:
    """Run scenarios with common random numbers (and common parameter draws) and compare them with the
    first, as `iccsim compare`."""
    if not scenarios_:
        raise UserError("compare: name at least one scenario")
    _check_counts(runs, seed)
    chosen = [resolve(s) for s in scenarios_]
    labels = folders.labels([c.name for c in chosen])
    drawn = _sample(median, posterior)
    started = time.time()
    results = [run_ensemble(c, runs, seed, posterior=drawn) for c in chosen]
    call = f"sim.compare({', '.join(repr(c.name) for c in chosen)}, runs={runs}, seed={seed})"
    manifest = run_manifest(chosen, results, runs, seed, started, drawn, command=[call])
    per_label = {label: Result(c.name, r.runs, r.timeseries, r.events, summarise(r.timeseries),
                               run_manifest([c], [r], runs, seed, started, drawn, command=[call]), exits_table(r, c))
                 for label, c, r in zip(labels, chosen, results)}
    return Comparison(comparison_table(labels, results, scenarios=chosen), per_label, manifest)


def load(path: str | os.PathLike) -> Result | Comparison | Sweep:
    """Read a folder written by `iccsim run` (a `Result`), `iccsim compare` (a `Comparison`) or
    `iccsim sweep` (a `Sweep`)."""
    folder = folders.load(Path(path))
    if folder.kind == "sweep":
        return Sweep(folder.points, folder.sensitivity, folder.manifest)
    results = {t.label: Result(t.label, t.runs, t.timeseries, t.events, t.summary, folder.manifest)
               for t in folder.scenarios}
    if folder.kind == "run":
        return next(iter(results.values()))
    return Comparison(folder.comparison, results, folder.manifest)


def _check_counts(runs: int, seed: int) -> None:
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        raise UserError(f"runs: expected a whole number from 1 to {MAX_RUNS}, got {runs!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise UserError(f"seed: expected a whole number from 0 to 2^63-1, got {seed!r}")
