"""Random streams: reproducible, NumPy's SFC64 per process and run, and common across scenarios."""

from pathlib import Path
from typing import Callable

import numpy as np

from sim.model import scenario
from sim.model.decide import TO_UNIT
from sim.model.ensemble import run_ensemble
from sim.model.streams import PROCESSES, Streams, seed_states


def numpy_sfc64(root: int, run: int, process: int) -> np.random.SFC64:
    return np.random.SFC64(np.random.SeedSequence(root, spawn_key=(run, process)))


def draws(generator: np.random.SFC64, months: int, states: int) -> np.ndarray:
    """The next months x states numbers as documented: 64-bit outputs split into 32-bit halves."""
    return generator.random_raw(months * states // 2).view(np.uint32)


def test_the_generators_are_numpys_sfc64_seeded_from_the_seed_sequence() -> None:
    streams = Streams(7, [3, 4], 5)
    first, second = streams.month().copy(), streams.month().copy()
    for k in range(len(PROCESSES)):
        for r, run in enumerate((3, 4)):
            expected = draws(numpy_sfc64(7, run, k), 2, 5)
            assert np.array_equal(np.concatenate([first[k, r], second[k, r]]), expected)
    assert not np.array_equal(first[0, 0], first[1, 0]) and not np.array_equal(first[0, 0], first[0, 1])


def test_a_run_draws_the_same_numbers_whatever_runs_it_is_batched_with() -> None:
    alone, together = Streams(1, [5], 11), Streams(1, [2, 5, 9], 11)
    for _ in range(14):
        first, second = alone.month(), together.month()
        assert first.shape == (len(PROCESSES), 1, 11) and np.array_equal(first[:, 0], second[:, 1])


def test_months_continue_where_the_last_one_stopped_with_an_odd_number_of_states() -> None:
    streams = Streams(3, [0], 5)
    months = np.concatenate([streams.month()[:, 0].copy() for _ in range(13)], axis=1)
    for k in range(len(PROCESSES)):
        assert np.array_equal(months[k], draws(numpy_sfc64(3, 0, k), 13 + 1, 5)[:13 * 5])


def test_compiled_seeding_is_numpys_seed_sequence_for_any_root_run_and_process() -> None:
    roots = [0, 1, 7, 2**32 - 1, 2**32, 2**63 - 1, *np.random.default_rng(0).integers(0, 2**63, 20).tolist()]
    runs = [0, 1, 999, 123_456, 999_999]
    for root in roots:
        states = seed_states(root, runs)
        for r, run in enumerate(runs):
            for k in range(len(PROCESSES)):
                assert states[k, r, :4].tolist() == numpy_sfc64(root, run, k).state["state"]["state"].tolist()


def test_numbers_are_halves_of_the_generators_64_bit_outputs() -> None:
    raw = numpy_sfc64(5, 0, 0).random_raw(3)
    numbers = Streams(5, [0], 6).month()[0, 0].astype(np.uint64)
    assert numbers[0::2].tolist() == (raw & 0xFFFFFFFF).tolist() and numbers[1::2].tolist() == (raw >> 32).tolist()
    uniform = Streams(5, [0, 1], 195).month() * TO_UNIT
    assert 0.0 <= uniform.min() and uniform.max() < 1.0 and abs(uniform.mean() - 0.5) < 0.01


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
