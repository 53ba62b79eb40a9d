"""Random streams: reproducible, separate per process, and common across scenarios."""

from pathlib import Path
from typing import Callable

import numpy as np

from sim import scenario
from sim.ensemble import run_ensemble
from sim.streams import PROCESSES, Streams, generators


def test_same_seed_same_numbers_and_processes_differ() -> None:
    first, again = generators(7, 3), generators(7, 3)
    draws = {name: first[name].random(5) for name in PROCESSES}
    assert all(np.array_equal(draws[name], again[name].random(5)) for name in PROCESSES)
    assert not np.array_equal(draws["coups"], draws["announcements"])
    assert not np.array_equal(draws["coups"], generators(7, 4)["coups"].random(5))


def test_a_run_draws_the_same_numbers_whatever_runs_it_is_batched_with() -> None:
    alone = Streams(1, [5]).month(10)
    together = Streams(1, [2, 5, 9]).month(10)
    for name in PROCESSES:
        assert np.array_equal(alone[name][0], together[name][1])


def test_changing_one_state_leaves_other_states_coup_draws_unchanged(
        baseline: scenario.Scenario, write_scenario: Callable[[str, str], Path]) -> None:
    path = write_scenario("nigeria", """
        extends = "baseline"
        [states.NGA]
        coup_rate = 0.5
        junta = true
    """)
    base = run_ensemble(baseline, runs=30, seed=12).events
    changed = run_ensemble(scenario.load(str(path)), runs=30, seed=12).events
    coups = ["coup_attempt", "coup"]
    keep = lambda e: e[e["event"].isin(coups) & (e["iso3"] != "NGA")].reset_index(drop=True)  # noqa: E731
    assert keep(base).equals(keep(changed))
    assert len(keep(base)) > 100
    nga = lambda e: e[e["event"].isin(coups) & (e["iso3"] == "NGA")]  # noqa: E731
    assert len(nga(changed)) > len(nga(base))


def test_run_i_is_the_same_whatever_the_number_of_runs(baseline: scenario.Scenario) -> None:
    few = run_ensemble(baseline, runs=3, seed=8)
    many = run_ensemble(baseline, runs=105, seed=8)  # crosses a batch boundary
    assert few.timeseries.equals(many.timeseries[many.timeseries["run"] < 3].reset_index(drop=True))
    assert few.events.equals(many.events[many.events["run"] < 3].reset_index(drop=True))
