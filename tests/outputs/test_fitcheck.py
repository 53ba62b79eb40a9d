"""Fit diagnostics: the record against runs at the fitted values, and the pattern checks."""

import numpy as np
import pandas as pd
import pytest

from sim.core.months import parse_month
from sim.data import record
from sim.experiments import calibration
from sim.experiments.execution import InlineExecutor
from sim.model import scenario
from sim.outputs import fitcheck


@pytest.fixture(scope="module")
def fitted() -> calibration.Calibration:
    return calibration.fit(scenario.load("baseline"), parse_month("2013-12"), parse_month("2017-12"), 16, 2, 5, 0.5,
                           InlineExecutor())


@pytest.fixture(scope="module")
def checked(fitted: calibration.Calibration) -> fitcheck.FitCheck:
    return fitcheck.check(fitted, scenario.load("baseline"), 40, 2)


def test_statistics_set_the_record_against_the_runs(fitted: calibration.Calibration,
                                                    checked: fitcheck.FitCheck) -> None:
    table = checked.statistics.set_index("statistic")
    recorded = record.record_table(parse_month("2014-01"), parse_month("2017-12")).iloc[0]
    assert table.loc["announcements_2016-01_2017-12", "observed"] == recorded["announcements_2016-01_2017-12"] == 3
    assert table.loc["exits", "observed"] == 1 and table.loc["parties_end", "observed"] == recorded["parties_end"]
    assert set(table.index) == set(fitted.observed)
    assert (table["fitted_q05"] <= table["fitted_mean"]).all() and (table["fitted_mean"] <= table["fitted_q95"]).all()
    draws = fitted.draws[fitted.draws["stage"] == "withdrawals"]
    assert table.loc["exits", "prior_q95"] == pytest.approx(draws["exits"].quantile(0.95))
    assert table.loc["exits", "accepted_q05"] == pytest.approx(draws.loc[draws["accepted"], "exits"].quantile(0.05))


def test_patterns_are_recomputed_from_the_runs(fitted: calibration.Calibration, checked: fitcheck.FitCheck) -> None:
    values = dict(zip(fitted.fitted["parameter"], fitted.fitted["value"]))
    stage = calibration.stages(scenario.load("baseline"), parse_month("2013-12"), parse_month("2017-12"))[1]
    results, table = calibration.simulate(stage.scenario, {k: values[k] for k in stage.priors}, 40, 2)
    events = results.events
    early = events[(events["event"] == "announced") & (events["month"] < "2016-01")]
    patterns = checked.patterns.set_index("check")
    quiet = patterns.loc["share of runs with no announcements before 2016", "value"]
    assert quiet == pytest.approx(1 - early["run"].nunique() / 40)
    assert patterns.loc["revoked share of announcements", "value"] == pytest.approx(
        table["revocations"].sum() / max(table["announcements"].sum(), 1))
    assert patterns["passed"].dtype == bool
    assert patterns.loc["revoked share of announcements", "criterion"] == "0.1 to 0.6 (record: 2 of 3)"  # 2014-2017


def test_the_series_behind_the_figure(checked: fitcheck.FitCheck) -> None:
    series = checked.series
    assert series["month"].iloc[0] == "2013-12" and series["month"].iloc[-1] == "2017-12"
    assert series["parties_observed"].iloc[0] == 122 and series["parties_observed"].iloc[-1] == 123
    assert series["announcements_observed"].sum() == 3  # Burundi, South Africa, The Gambia
    assert (series["parties_q05"] <= series["parties_median"]).all()
    assert np.all(series["parties_median"] <= series["parties_q95"])
    figure = fitcheck.figure(checked)
    assert figure.name == "fit" and figure.data is checked.series
    assert isinstance(figure.data, pd.DataFrame)
