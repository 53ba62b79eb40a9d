"""Scenario comparisons with common random numbers: exact pairing and decisive scenario effects."""

import numpy as np
import pandas as pd
import pytest

from sim.experiments.compare import comparison_table
from sim.model import scenario
from sim.model.ensemble import run_ensemble

RUNS = 300  # paired runs per scenario for the effect tests; enough for 90 % intervals clear of zero
WORSE = ["coup-wave", "sahel-contagion", "russian-patronage-surge", "african-exodus", "major-member-exit",
         "us-sanctions-escalation"]
BETTER = ["court-rebalancing", "democratic-return"]


@pytest.mark.parametrize("name", scenario.available())
def test_every_shipped_scenario_runs(name: str) -> None:
    loaded = scenario.load(name)
    results = run_ensemble(loaded, runs=2, seed=0)
    months = loaded.end - loaded.start + 1
    assert len(results.timeseries) == 2 * months
    assert results.timeseries["parties"].between(0, 195).all()


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(baseline: scenario.Scenario) -> None:
    first, second = run_ensemble(baseline, runs=40, seed=5), run_ensemble(baseline, runs=40, seed=5)
    assert first.timeseries.equals(second.timeseries) and first.events.equals(second.events)
    table = comparison_table(["baseline", "baseline-2"], [first, second])
    diffs = table.filter(like="diff_parties_2035").to_numpy()
    assert (diffs == 0).all()


@pytest.fixture(scope="module")
def effects() -> pd.DataFrame:
    names = ["baseline", *WORSE, *BETTER]
    results = [run_ensemble(scenario.load(name), runs=RUNS, seed=1) for name in names]
    return comparison_table(names, results).set_index("scenario")


@pytest.mark.parametrize("name", WORSE)
def test_scenario_loses_more_parties_by_2035_than_baseline(effects: pd.DataFrame, name: str) -> None:
    """The mean paired difference in parties at the end of 2035, over 300 runs, has a 90 % confidence
    interval entirely below zero."""
    row = effects.loc[name]
    assert row["diff_parties_2035_mean_hi"] < 0, row.filter(like="diff").to_dict()


@pytest.mark.parametrize("name", BETTER)
def test_scenario_loses_fewer_parties_by_2035_than_baseline(effects: pd.DataFrame, name: str) -> None:
    """The same paired interval entirely above zero."""
    row = effects.loc[name]
    assert row["diff_parties_2035_mean_lo"] > 0, row.filter(like="diff").to_dict()


def test_comparison_table_columns_and_probabilities(effects: pd.DataFrame) -> None:
    for k in (1, 5, 10):
        assert effects[f"p_further_exits_ge{k}_by_2035"].between(0, 1).all()
    assert (effects["p_further_exits_ge1_by_2035"] >= effects["p_further_exits_ge5_by_2035"]).all()
    assert (effects["parties_2035_q05"] <= effects["parties_2035_median"]).all()
    assert effects.loc["baseline", "diff_parties_2035_mean"] == 0
    assert (effects["runs"] == RUNS).all()


def test_windows_that_miss_a_horizon_give_no_number(baseline: scenario.Scenario) -> None:
    history = run_ensemble(scenario.load("history-2016"), runs=3, seed=0)
    table = comparison_table(["baseline", "history-2016"], [run_ensemble(baseline, runs=3, seed=0), history])
    assert np.isnan(table.loc[1, "parties_2035_median"]) and np.isnan(table.loc[1, "diff_parties_2035_mean"])
