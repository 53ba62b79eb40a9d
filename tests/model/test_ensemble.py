"""The batched engine: its tables agree with each other and do not depend on batches or threads."""

import ast
import dataclasses
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.months import parse_month
from sim.model import ensemble, scenario
from sim.model.ensemble import Results, available_threads, run_ensemble, world_for


def test_runs_table_agrees_with_the_time_series_and_events(baseline) -> None:
    results = run_ensemble(baseline.with_window(None, parse_month("2031-12")), runs=12, seed=21)
    last = results.timeseries.groupby("run").last()
    assert (results.runs["parties_end"].to_numpy() == last["parties"].to_numpy()).all()
    counts = results.events.groupby(["run", "event"]).size().unstack(fill_value=0)
    assert (results.runs["exits"].to_numpy() == counts["withdrawn"].reindex(range(12), fill_value=0)).all()
    assert (results.runs["announcements"].to_numpy() == counts.get("announced", 0 * counts["withdrawn"]).reindex(
        range(12), fill_value=0)).all()
    assert (last["exits"].to_numpy() == results.runs["exits"].to_numpy()).all()
    pending = {"NER", "BFA", "MLI", "VEN", "TCD"}
    exits = results.events[results.events["event"] == "withdrawn"]
    further = exits[~exits["iso3"].isin(pending)].groupby("run").size().reindex(range(12), fill_value=0)
    assert (results.runs["further_exits"].to_numpy() == further.to_numpy()).all()
    assert len(results.timeseries) == 12 * (parse_month("2031-12") - parse_month("2026-11") + 1)


def test_afghanistan_under_the_taliban_never_notifies_even_under_pressure() -> None:
    from sim.model import scenario as scenarios
    chosen = scenarios.load("baseline")
    push = scenarios.EVENT_ADAPTER.validate_python({"month": "2027-01", "kind": "pressure", "states": ["AFG"],
                                                    "value": 5.0})
    pushed = dataclasses.replace(chosen.with_window(None, chosen.start + 36), events=(push,))
    events = run_ensemble(pushed, runs=200, seed=4).events
    assert events[(events["iso3"] == "AFG") & events["event"].isin(["announced", "notified"])].empty
    world = world_for(chosen).table.set_index("iso3")
    assert world.loc["AFG", "barred"] and not world.drop(index="AFG")["barred"].any()
    assert not world_for(chosen.with_window(parse_month("2020-01"), parse_month("2021-01"))).table.set_index(
        "iso3").loc["AFG", "barred"]  # the Ghani government could have notified


def _digest(results: Results) -> list[str]:
    """A fingerprint of each table: its values, row by row."""
    return [hashlib.sha256(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes()).hexdigest()
            for table in (results.runs, results.timeseries, results.events)]


def test_the_parallel_month_gives_the_serial_tables() -> None:
    """Runs spread over the threads give the same tables as one thread (scheduled events included)."""
    chosen = scenario.load("african-exodus")
    serial = run_ensemble(chosen, runs=1100, seed=4, threads=1)  # three batches
    parallel = run_ensemble(chosen, runs=1100, seed=4, threads=available_threads())
    for one, many in zip((serial.runs, serial.timeseries, serial.events),
                         (parallel.runs, parallel.timeseries, parallel.events)):
        pd.testing.assert_frame_equal(one, many, check_exact=True)


def test_any_number_of_threads_gives_the_same_tables() -> None:
    """One to four threads (more than this machine may have cores) give identical tables."""
    script = ("import sys; sys.path.insert(0, {tests!r}); from model.test_ensemble import _digest; "
              "from sim.model import scenario; from sim.model.ensemble import run_ensemble; "
              "chosen = scenario.load('african-exodus'); "
              "print([_digest(run_ensemble(chosen, runs=300, seed=8, threads=n)) for n in (1, 2, 3, 4)])")
    result = subprocess.run([sys.executable, "-c", script.format(tests=str(Path(__file__).parents[1]))],
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "NUMBA_NUM_THREADS": "4"})
    digests = ast.literal_eval(result.stdout.strip())
    assert len(digests) == 4 and all(d == digests[0] for d in digests)


def test_runs_with_their_own_parameters_match_each_run_simulated_alone_at_its_values() -> None:
    """Per-run parameter sets (the compiled month reads run r's row) give each run what a whole batch at
    its values gives it, for kernel parameters and for those read outside the kernel (lam_exit)."""
    chosen = scenario.load("baseline").with_window(parse_month("2024-01"), parse_month("2027-12"))
    values = pd.DataFrame({"a0": [-6.0, -9.0, -6.0, -7.5, -9.0, -6.0],
                           "revoke_rate": [0.2, 0.01, 0.2, 0.05, 0.01, 0.2],
                           "lam_exit": [0.05, 0.05, 0.05, 0.10, 0.05, 0.05]})
    indices = np.array([0, 3, 4, 7, 8, 11])
    drawn = ensemble.run_drawn(chosen, values, seed=5, indices=indices, threads=2)
    for key, rows in values.groupby(list(values.columns)).groups.items():
        alone = ensemble.simulate(chosen.with_draw(dict(zip(values.columns, key))), 5, indices[list(rows)])
        for table, mine in zip(dataclasses.astuple(alone), dataclasses.astuple(drawn)):
            pd.testing.assert_frame_equal(table.reset_index(drop=True),
                                          mine[mine["run"].isin(indices[list(rows)])].reset_index(drop=True),
                                          check_exact=True)
    at_first = ensemble.simulate(chosen.with_draw(values.iloc[0].to_dict()), 5, indices)
    assert not at_first.runs.equals(drawn.runs)  # the per-run values took effect
