"""Many runs of a scenario advanced in lockstep by the compiled month (sim.kernel), collected into tidy
tables."""

import dataclasses
import functools
import threading
from typing import Callable

import numba
import numpy as np
import pandas as pd
import pyarrow as pa

from sim.core import interrupts
from sim.core.months import first_day, format_month
from sim.core.params import Params
from sim.data.posterior import Posterior
from sim.data.world import World, build_world
from sim.model import decide, dynamics, kernel
from sim.model.draws import draw_indices
from sim.model.legitimacy import at_start_each
from sim.model.rules import legitimacy_rates, numbers
from sim.model.scenario import Scenario
from sim.model.state import Static, initial_state, static_from
from sim.model.streams import PROCESSES, seed_states

BATCH = 500  # runs advanced together; bounds memory (about 30 MB); results do not depend on it. 500 rather than
# 1,000: a batch's per-state arrays stay closer to the cores' caches (10,000 runs 4 % faster on 2 cores, benchmarks/)
# Parameters read outside the compiled month and the legitimacy update (the initial world, scheduled events):
# runs that differ in them cannot share a batch. Every other parameter may differ from run to run.
SHARED = ("coup_history_years", "coup_prior_years", "coup_trap", "coup_trap_months", "patron_strength_after_switch")


@dataclasses.dataclass(frozen=True)
class Results:
    """The tables of an ensemble: one row per run, per run-month and per event."""

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame


def world_for(scenario: Scenario) -> World:
    """The initial world of a scenario: the data as of the first day of its start month."""
    return world_at(scenario.start, scenario.params)


def world_at(start: int, p: Params) -> World:
    """The world on the first day of month `start` under parameters `p` (cached: see `_world`; built once
    even when the points of a sweep ask for it on several threads at once)."""
    with _WORLD_BUILT:
        return _world(start, p.coup_history_years, p.coup_prior_years, p.coup_trap, p.coup_trap_months)


_WORLD_BUILT = threading.Lock()


@functools.lru_cache(maxsize=16)
def _world(start: int, *coup_params: float) -> World:
    """Worlds are read-only; cached by the start month and the parameters they depend on."""
    names = ("coup_history_years", "coup_prior_years", "coup_trap", "coup_trap_months")
    return build_world(first_day(start), Params.build(dict(zip(names, coup_params))))


def available_threads() -> int:
    """The most threads the compiled month may use: the machine's cores (Numba's default)."""
    return numba.config.NUMBA_NUM_THREADS


class Batch:
    """Runs `indices` of a scenario (seeded from `seed`) advanced together, one month per `step`.

    The measures of every month are kept as arrays (measure, run, month) and the event bits as
    (month, run, state); `threads` > 1 spreads the runs of each month over that many threads. Row k of
    `table` holds run k's parameters in compiled form (default: the scenario's for every run); they may
    differ from the scenario's only outside SHARED."""

    def __init__(self, world: World, static: Static, scenario: Scenario, seed: int, indices: np.ndarray,
                 threads: int = 1, table: np.ndarray | None = None) -> None:
        runs, states, months = len(indices), static.size, scenario.end - scenario.start
        self.scenario, self.static, self.threads = scenario, static, threads
        self.state = initial_state(world, scenario, runs)
        self.month = scenario.start
        self._table = np.tile(np.array(numbers(scenario.params)), (runs, 1)) if table is None else table
        self.state.legitimacy = at_start_each(legitimacy_rates(self._table), scenario.start)  # each run's own rates
        self._schedule, self._stale_caps = dynamics.schedule(scenario, static), dynamics.stale_caps(scenario, static)
        self._generators = seed_states(seed, indices)
        self._drawn = 0
        self._draws = np.empty((len(PROCESSES), runs, states), dtype=np.uint32)
        blocs, patrons = static.bloc_members.shape[1], len(self.state.hostility)
        self._view = decide.view_arrays(runs, blocs, patrons)
        self._z = np.empty((runs, states))
        self._caps = decide.cap_arrays(runs, states)
        self._world_population = float(static.population.sum())
        self.bits = np.zeros((months, runs, states), dtype=np.int16)
        self.eventful = np.zeros((months, runs), dtype=np.bool_)  # whether a month's bits hold a logged event
        self.counts = np.zeros((runs, len(dynamics.CODES)), dtype=np.int64)
        self.totals = np.zeros((runs, len(dynamics.CODES)), dtype=np.int64)
        self.ints = np.empty((len(kernel.INT_MEASURES), runs, months + 1), dtype=np.int64)
        self.floats = np.empty((len(kernel.FLOAT_MEASURES), runs, months + 1))
        kernel.record_all(0, self.state.status, self.state.junta, np.zeros((runs, states), dtype=np.int16),
                          static.population, self._world_population, self.counts, self.totals, self.ints, self.floats)
        self.floats[0, :, 0] = self.state.legitimacy

    def step(self) -> tuple[np.ndarray, np.ndarray]:
        """Advance every run by one month; return its event bits (runs, states) and their counts per run
        and code (runs, codes)."""
        self.month += 1
        t = self.month - self.scenario.start
        state, static, bits = self.state, self.static, self.bits[t - 1]
        scheduled = self._schedule.get(self.month, [])
        arrests = dynamics.apply_scheduled(state, scheduled, self.month, self.scenario.params, bits)
        if self.month in self._stale_caps:
            stale = self._stale_caps[self.month]
            self._caps[0][:, slice(None) if stale is None else stale] = np.inf
        month = kernel.month_parallel if self.threads > 1 else kernel.month_serial
        if self.threads > 1:
            numba.set_num_threads(self.threads)
        month(self._table, self.month, t, state.arrays(), static.african, static.first, static.membership,
              static.membership_lead, state.hostility, state.africa_bias, state.campaign, state.legitimacy,
              static.bloc_members, arrests, float(state.sanctions), self._generators, self._drawn % 2 == 1,
              self._draws, bits, self._view, self._z, self._caps, static.population,
              self._world_population, self.counts, self.totals, self.ints, self.floats, self.eventful)
        self._drawn += static.size
        return bits, self.counts

    def run(self) -> "Batch":
        while self.month < self.scenario.end:
            interrupts.check()
            self.step()
        return self


def run_ensemble(scenario: Scenario, runs: int, seed: int, progress: Callable[[int], None] = lambda n: None,
                 batch: int = BATCH, threads: int | None = None, posterior: Posterior | None = None) -> Results:
    """Run `runs` replicates, `batch` at a time (smaller batches report progress more often), on `threads`
    threads (default: all cores); run i uses the random streams of (seed, i) whatever the batch size or the
    number of threads and, with a posterior sample, the draw of (seed, i) for the parameters the scenario
    does not pin (see sim.model.draws); the runs table then carries each run's draw index."""
    every = np.arange(runs, dtype=np.int64)
    if posterior is None:
        return simulate(scenario, seed, every, progress=progress, batch=batch, threads=threads)
    draws = draw_indices(seed, every.tolist(), len(posterior.draws))
    results = run_drawn(scenario, posterior.draws.iloc[draws].reset_index(drop=True), seed, every, progress, batch,
                        threads)
    results.runs.insert(2, "draw", draws)
    return results


def run_drawn(scenario: Scenario, values: pd.DataFrame, seed: int, indices: np.ndarray,
              progress: Callable[[int], None] = lambda n: None, batch: int = BATCH,
              threads: int | None = None) -> Results:
    """Run each of `indices` with its own parameter values (row k of `values` for run indices[k]; the
    scenario's pinned parameters kept) and its own random streams: the tables, in run order, are those of
    every run simulated alone at its values. Runs that agree on the SHARED parameters advance together."""
    distinct, which = np.unique(values.to_numpy(dtype=float), axis=0, return_inverse=True)
    which = which.reshape(-1)  # run k has parameter set which[k]
    sets = [scenario.with_draw(dict(zip(values.columns, row))).params for row in distinct]  # once per set
    table = np.array([numbers(p) for p in sets])[which]
    groups: dict[tuple[float, ...], list[int]] = {}
    for k, chosen in enumerate(which):
        groups.setdefault(tuple(getattr(sets[chosen], name) for name in SHARED), []).append(k)
    parts = [simulate(dataclasses.replace(scenario, params=sets[which[members[0]]]), seed, indices[members],
                      table[members], progress, batch, threads) for members in groups.values()]
    if len(parts) == 1:
        return parts[0]
    tables = [pd.concat(frames, ignore_index=True)
              for frames in zip(*((part.runs, part.timeseries, part.events) for part in parts))]
    return Results(*(frame.sort_values("run", kind="stable", ignore_index=True) for frame in tables))


def simulate(scenario: Scenario, seed: int, indices: np.ndarray, table: np.ndarray | None = None,
             progress: Callable[[int], None] = lambda n: None, batch: int = BATCH,
             threads: int | None = None) -> Results:
    """The runs `indices` (ascending) from the start to the end month, `batch` at a time; row k of `table`
    holds run indices[k]'s parameters in compiled form (default: the scenario's)."""
    world = world_for(scenario)
    static = static_from(world)
    months, runs = scenario.end - scenario.start, len(indices)
    ints = np.empty((len(kernel.INT_MEASURES), runs, months + 1), dtype=np.int64)
    floats = np.empty((len(kernel.FLOAT_MEASURES), runs, months + 1))
    totals = np.empty((runs, len(dynamics.CODES)), dtype=np.int64)
    found = []
    for first in range(0, runs, batch):
        chosen = slice(first, min(first + batch, runs))
        done, events = _advance(world, static, scenario, seed, indices[chosen], threads,
                                None if table is None else table[chosen])
        ints[:, chosen], floats[:, chosen], totals[chosen] = done.ints, done.floats, done.totals
        found.append(events)
        progress(len(done.totals))
    indices = np.asarray(indices, dtype=np.int64)
    return Results(_runs(ints, floats, totals, scenario, seed, indices), _timeseries(ints, floats, scenario, indices),
                   _events([np.concatenate(parts) for parts in zip(*found)], static))


def _advance(world: World, static: Static, scenario: Scenario, seed: int, indices: np.ndarray,
             threads: int | None, table: np.ndarray | None) -> tuple[Batch, tuple[np.ndarray, ...]]:
    """The batch of runs `indices` advanced to the end month, and its events (run, month, state, code)."""
    threads = available_threads() if threads is None else min(threads, available_threads())
    with interrupts.deferred():  # compiled code runs here: Ctrl-C and SIGTERM are raised between months
        done = Batch(world, static, scenario, seed, indices, threads, table).run()
        log = kernel.logged_events if threads > 1 else kernel.logged_events_serial
        run, month, state, code = log(done.bits, kernel.logged_counts(done.totals), done.eventful)
    return done, (indices[run], month + scenario.start + 1, state, code)


def _strings(labels: list[str] | tuple[str, ...], codes: np.ndarray) -> pd.Series:
    """labels[codes] as a string column, built without a Python object per row."""
    column = pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32()), pa.array(labels, type=pa.string()))
    return pd.Series(column.cast(pa.string()).to_pandas())


def _timeseries(ints: np.ndarray, floats: np.ndarray, scenario: Scenario, indices: np.ndarray) -> pd.DataFrame:
    """One row per run (numbered by `indices`) and month, ordered by run and month."""
    runs, months = ints.shape[1], ints.shape[2]
    labels = [format_month(m) for m in range(scenario.start, scenario.end + 1)]
    columns = {"run": np.repeat(indices, months),
               "month": _strings(labels, np.tile(np.arange(months), runs))}
    columns |= {name: ints[k].reshape(-1) for k, name in enumerate(kernel.INT_MEASURES)}
    columns |= {name: floats[k].reshape(-1) for k, name in enumerate(kernel.FLOAT_MEASURES)}
    return pd.DataFrame({name: columns[name] for name in ("run", "month", *dynamics.MEASURES)}, copy=False)


def _events(found: list[np.ndarray], static: Static) -> pd.DataFrame:
    """One row per (run, month, state, event), ordered by run, month, state and event."""
    run, month, state, code = found
    first = int(month.min()) if len(month) else 0
    labels = [format_month(m) for m in range(first, int(month.max()) + 1)] if len(month) else []
    return pd.DataFrame({
        "run": run,
        "month": _strings(labels, month - first),
        "iso3": _strings(static.iso3, state),
        "event": _strings(dynamics.EVENTS, code),
    }, copy=False)


def _runs(ints: np.ndarray, floats: np.ndarray, totals: np.ndarray, scenario: Scenario, seed: int,
          indices: np.ndarray) -> pd.DataFrame:
    parties = ints[kernel.INT_MEASURES.index("parties")]
    total = {name: totals[:, code] for code, name in enumerate(dynamics.CODES)}
    legitimacy, share = floats[kernel.FLOAT_MEASURES.index("legitimacy")], floats[kernel.FLOAT_MEASURES.index(
        "population_share")]
    return pd.DataFrame({
        "run": indices,
        "seed": np.full(len(parties), seed, dtype=np.int64),
        "scenario": _strings([scenario.name], np.zeros(len(parties), dtype=np.int64)),
        "parties_start": parties[:, 0],
        "parties_end": parties[:, -1],
        "parties_min": parties.min(axis=1),
        "exits": total["withdrawn"],
        "further_exits": total["further_exit"],
        "announcements": total["announced"],
        "revocations": total["revoked"],
        "accessions": total["entered_into_force"],
        "coups": total["coup"],
        "legitimacy_end": legitimacy[:, -1],
        "population_share_end": share[:, -1],
    })
