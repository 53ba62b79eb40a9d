"""Many runs of a scenario advanced in lockstep, collected into tidy tables."""

import dataclasses
import functools
from typing import Callable

import numpy as np
import pandas as pd

from sim.core import interrupts
from sim.core.months import first_day, format_month
from sim.core.params import Params
from sim.data.posterior import Posterior
from sim.data.world import World, build_world
from sim.model import dynamics
from sim.model.draws import draw_indices
from sim.model.scenario import Scenario
from sim.model.state import Static, initial_state, static_from
from sim.model.streams import Streams

BATCH = 1000  # runs advanced together; bounds memory (about 100 MB), results do not depend on it
EVENT_MASK = (1 << len(dynamics.EVENTS)) - 1  # the logged events, not the tallies


@dataclasses.dataclass(frozen=True)
class Results:
    """The tables of an ensemble: one row per run, per run-month and per event."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame


def world_for(scenario: Scenario) -> World:
    """The initial world of a scenario: the data as of the first day of its start month."""
    p = scenario.params
    return _world(scenario.start, p.coup_history_years, p.coup_prior_years, p.coup_trap, p.coup_trap_months)


@functools.lru_cache(maxsize=16)
def _world(start: int, *coup_params: float) -> World:
    """Worlds are read-only; cached by the start month and the parameters they depend on."""
    names = ("coup_history_years", "coup_prior_years", "coup_trap", "coup_trap_months")
    return build_world(first_day(start), Params.build(dict(zip(names, coup_params))))


def run_ensemble(scenario: Scenario, runs: int, seed: int, progress: Callable[[int], None] = lambda n: None,
                 batch: int = BATCH, posterior: Posterior | None = None) -> Results:
    """Run `runs` replicates, `batch` at a time (smaller batches report progress more often); run i uses
    the random streams of (seed, i) whatever the batch size and, with a posterior sample, the draw of
    (seed, i) for the parameters the scenario does not pin (see sim.model.draws); the runs table then
    carries each run's draw index."""
    if posterior is None:
        return _run_at(scenario, list(range(runs)), seed, progress, batch)
    draws = draw_indices(seed, list(range(runs)), len(posterior.draws))
    results = run_drawn(scenario, {run: posterior.draws.iloc[draw].to_dict() for run, draw in enumerate(draws)},
                        seed, progress, batch)
    results.runs.insert(2, "draw", draws)
    return results


def run_drawn(scenario: Scenario, values: dict[int, dict[str, float]], seed: int,
              progress: Callable[[int], None] = lambda n: None, batch: int = BATCH) -> Results:
    """Run each given run index with its own parameter values (the scenario's pinned parameters kept)
    and its own random streams: runs that share values advance together, and the tables come back in
    run order, the same as if every run had been simulated alone with its values."""
    groups: dict[tuple[tuple[str, float], ...], list[int]] = {}
    for run in sorted(values):
        groups.setdefault(tuple(sorted(values[run].items())), []).append(run)
    schedule = dynamics.schedule(scenario, static_from(world_for(scenario)))  # params do not enter it
    parts = [_run_at(scenario.with_draw(dict(key)), runs, seed, progress, batch, schedule)
             for key, runs in groups.items()]
    tables = [pd.concat(frames, ignore_index=True) for frames in zip(*(dataclasses.astuple(r) for r in parts))]
    return Results(*(table.sort_values("run", kind="stable", ignore_index=True) for table in tables))


def _run_at(scenario: Scenario, runs: list[int], seed: int, progress: Callable[[int], None], batch: int,
            schedule: dict[int, list[dynamics.ScheduledEvent]] | None = None) -> Results:
    """The given runs at the scenario's parameters, `batch` runs at a time."""
    world = world_for(scenario)
    static = static_from(world)
    parts = []
    for first in range(0, len(runs), batch):
        indices = runs[first:first + batch]
        parts.append(simulate(world, static, scenario, seed, indices, schedule))
        progress(len(indices))
    return Results(*(pd.concat(tables, ignore_index=True) for tables in zip(*parts)))


def simulate(world: World, static: Static, scenario: Scenario, seed: int, indices: list[int],
             schedule: dict[int, list[dynamics.ScheduledEvent]] | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Advance the given runs from the start to the end month; return (runs, timeseries, events). The
    schedule of scenario events may be given when it is already built (it depends on the window and
    the events, not on the parameters)."""
    p = scenario.params
    with interrupts.deferred():  # compiled code runs here: Ctrl-C and SIGTERM are raised between months
        state = initial_state(world, scenario, len(indices))
        streams = Streams(seed, indices, static.size, scenario.end - scenario.start)
        schedule = dynamics.schedule(scenario, static) if schedule is None else schedule
        totals = np.zeros((len(indices), len(dynamics.CODES)), dtype=np.int64)
        series = [dynamics.measures(state, static, totals)]
        found: list[tuple[int, np.ndarray, np.ndarray]] = []  # (month, flat positions, event bits)
        for month in range(scenario.start + 1, scenario.end + 1):
            interrupts.check()
            bits, counts = dynamics.step(state, static, p, streams.month(), schedule.get(month, []), month)
            totals += counts
            flat = bits.ravel()
            positions = np.flatnonzero(flat & EVENT_MASK)
            if len(positions):
                found.append((month, positions, flat[positions]))
            series.append(dynamics.measures(state, static, totals))
    months = np.arange(scenario.start, scenario.end + 1)
    timeseries = _timeseries(series, months, indices)
    events = _events(found, static, np.asarray(indices))
    return _runs(timeseries, totals, scenario, seed, indices), timeseries, events


def _timeseries(series: list[dict[str, np.ndarray]], months: np.ndarray, indices: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "run": np.tile(indices, len(months)),
        "month": np.repeat([format_month(m) for m in months], len(indices)),
        **{name: np.concatenate([row[name] for row in series]) for name in dynamics.MEASURES},
    })
    return frame.sort_values(["run", "month"], kind="stable", ignore_index=True)


def _events(found: list[tuple[int, np.ndarray, np.ndarray]], static: Static, indices: np.ndarray) -> pd.DataFrame:
    """One row per (run, month, state, event), ordered by run, month, state and event."""
    rows = []
    for code in range(len(dynamics.EVENTS)):
        for month, positions, bits in found:
            hit = positions[(bits & (1 << code)) != 0]
            if len(hit):
                rows.append((np.full(len(hit), month), hit, np.full(len(hit), code)))
    if not rows:
        return pd.DataFrame({"run": pd.Series(dtype="int64"), "month": pd.Series(dtype="str"),
                             "iso3": pd.Series(dtype="str"), "event": pd.Series(dtype="str")})
    month, flat, code = (np.concatenate(parts) for parts in zip(*rows))
    run_pos, state_pos = np.divmod(flat, static.size)
    order = np.lexsort((code, state_pos, month, run_pos))
    labels = np.array([format_month(m) for m in range(month.min(), month.max() + 1)])
    return pd.DataFrame({
        "run": indices[run_pos[order]],
        "month": labels[month[order] - month.min()],
        "iso3": np.asarray(static.iso3)[state_pos[order]],
        "event": np.asarray(dynamics.EVENTS)[code[order]],
    })


def _runs(timeseries: pd.DataFrame, totals: np.ndarray, scenario: Scenario, seed: int,
          indices: list[int]) -> pd.DataFrame:
    by_run = timeseries.groupby("run", sort=True)
    total = {name: totals[:, code] for code, name in enumerate(dynamics.CODES)}
    last = by_run.last()
    return pd.DataFrame({
        "run": indices,
        "seed": seed,
        "scenario": scenario.name,
        "parties_start": by_run["parties"].first().to_numpy(),
        "parties_end": last["parties"].to_numpy(),
        "parties_min": by_run["parties"].min().to_numpy(),
        "exits": total["withdrawn"],
        "further_exits": total["further_exit"],
        "announcements": total["announced"],
        "revocations": total["revoked"],
        "accessions": total["entered_into_force"],
        "coups": total["coup"],
        "legitimacy_end": last["legitimacy"].to_numpy(),
        "population_share_end": last["population_share"].to_numpy(),
    })
