"""Many runs of a scenario advanced in lockstep, collected into tidy tables."""

import dataclasses
from typing import Callable

import numpy as np
import pandas as pd

from sim import dynamics
from sim.months import first_day, format_month
from sim.scenario import Scenario
from sim.state import Static, initial_state, static_from
from sim.streams import Streams
from sim.world import World, build_world

BATCH = 100  # runs advanced together; bounds memory, results do not depend on it


@dataclasses.dataclass(frozen=True)
class Results:
    """The tables of an ensemble: one row per run, per run-month and per event."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame


def world_for(scenario: Scenario) -> World:
    """The initial world of a scenario: the data as of the first day of its start month."""
    return build_world(first_day(scenario.start), scenario.params)


def run_ensemble(scenario: Scenario, runs: int, seed: int,
                 progress: Callable[[int], None] = lambda n: None) -> Results:
    """Run `runs` replicates; run i uses the random streams of (seed, i) whatever the batch size."""
    world = world_for(scenario)
    static = static_from(world)
    parts = []
    for first in range(0, runs, BATCH):
        indices = list(range(first, min(first + BATCH, runs)))
        parts.append(simulate(world, static, scenario, seed, indices))
        progress(len(indices))
    return Results(*(pd.concat(tables, ignore_index=True) for tables in zip(*parts)))


def simulate(world: World, static: Static, scenario: Scenario, seed: int,
             indices: list[int]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Advance the given runs from the start to the end month; return (runs, timeseries, events)."""
    p = scenario.params
    state = initial_state(world, scenario, len(indices))
    streams = Streams(seed, indices)
    schedule = dynamics.schedule(scenario, static)
    totals = {name: np.zeros(len(indices), dtype=np.int64) for name in dynamics.EVENTS + dynamics.TALLIES}
    series = [dynamics.measures(state, static, totals)]
    event_rows = []
    for month in range(scenario.start + 1, scenario.end + 1):
        log = dynamics.step(state, static, p, streams.month(static.size), schedule.get(month, []), month)
        for name, mask in log.items():
            totals[name] += mask.sum(axis=1)
        for name in dynamics.EVENTS:
            run_pos, state_pos = np.nonzero(log[name])
            if len(run_pos):
                event_rows.append(pd.DataFrame({"run": np.asarray(indices)[run_pos], "month": month,
                                                "state_pos": state_pos, "event": name}))
        series.append(dynamics.measures(state, static, totals))
    months = np.arange(scenario.start, scenario.end + 1)
    timeseries = _timeseries(series, months, indices)
    events = _events(event_rows, static)
    return _runs(timeseries, totals, scenario, seed, indices), timeseries, events


def _timeseries(series: list[dict[str, np.ndarray]], months: np.ndarray, indices: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "run": np.tile(indices, len(months)),
        "month": np.repeat([format_month(m) for m in months], len(indices)),
        **{name: np.concatenate([row[name] for row in series]) for name in dynamics.MEASURES},
    })
    return frame.sort_values(["run", "month"], kind="stable", ignore_index=True)


def _events(rows: list[pd.DataFrame], static: Static) -> pd.DataFrame:
    columns = ["run", "month", "iso3", "event"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "run" else "object") for c in columns})
    frame = pd.concat(rows, ignore_index=True)
    frame["order"] = frame["event"].map({e: i for i, e in enumerate(dynamics.EVENTS)})
    frame = frame.sort_values(["run", "month", "state_pos", "order"], kind="stable", ignore_index=True)
    frame["iso3"] = np.asarray(static.iso3)[frame["state_pos"]]
    frame["month"] = [format_month(m) for m in frame["month"]]
    return frame[columns]


def _runs(timeseries: pd.DataFrame, totals: dict[str, np.ndarray], scenario: Scenario, seed: int,
          indices: list[int]) -> pd.DataFrame:
    by_run = timeseries.groupby("run", sort=True)
    last = by_run.last()
    return pd.DataFrame({
        "run": indices,
        "seed": seed,
        "scenario": scenario.name,
        "parties_start": by_run["parties"].first().to_numpy(),
        "parties_end": last["parties"].to_numpy(),
        "parties_min": by_run["parties"].min().to_numpy(),
        "exits": totals["withdrawn"],
        "further_exits": totals["further_exit"],
        "announcements": totals["announced"],
        "revocations": totals["revoked"],
        "accessions": totals["entered_into_force"],
        "coups": totals["coup"],
        "legitimacy_end": last["legitimacy"].to_numpy(),
        "population_share_end": last["population_share"].to_numpy(),
    })
