"""Random streams: reproducible, separate per process, and common across scenarios."""

from pathlib import Path
from typing import Callable

import numpy as np

from sim import scenario
from sim.ensemble import run_ensemble
from sim.streams import BLOCK_MONTHS, PROCESSES, Streams, generators


def test_same_seed_same_numbers_and_processes_differ() -> None:
    first, again = generators(7, 3), generators(7, 3)
    draws = [g.random(5) for g in first]
    assert all(np.array_equal(d, g.random(5)) for d, g in zip(draws, again))
    assert len(draws) == len(PROCESSES) and not np.array_equal(draws[0], draws[1])
    assert not np.array_equal(draws[0], generators(7, 4)[0].random(5))


def test_a_run_draws_the_same_numbers_whatever_runs_it_is_batched_with() -> None:
    alone, together = Streams(1, [5], 10), Streams(1, [2, 5, 9], 10)
    for _ in range(BLOCK_MONTHS + 2):  # crosses a block boundary
        first, second = alone.month(), together.month()
        for name in PROCESSES:
            assert np.array_equal(first[name][0], second[name][1])


def test_block_draws_equal_month_by_month_draws() -> None:
    streams, plain = Streams(3, [0], 4), generators(3, 0)
    for _ in range(BLOCK_MONTHS + 1):
        month = streams.month()
        for k, name in enumerate(PROCESSES):
            assert np.array_equal(month[name][0], plain[k].random(4))


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
