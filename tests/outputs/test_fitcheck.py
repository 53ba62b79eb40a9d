"""Posterior predictive checks: the record against runs drawn from the posterior, and the patterns."""

import numpy as np
import pandas as pd
import pytest

from sim.core.months import parse_month
from sim.data import record
from sim.experiments import calibration
from sim.experiments.execution import InlineExecutor
from sim.model import scenario
from sim.model.ensemble import run_ensemble
from sim.outputs import fitcheck


@pytest.fixture(scope="module")
def fitted() -> calibration.Calibration:
    return calibration.fit(scenario.load("baseline"), parse_month("2013-12"), parse_month("2017-12"),
                           calibration.Budget(20, 100, 2), 5, InlineExecutor())


@pytest.fixture(scope="module")
def checked(fitted: calibration.Calibration) -> fitcheck.FitCheck:
    return fitcheck.check(fitted, scenario.load("baseline"), 40, 2)


def _withdrawal_runs(fitted: calibration.Calibration):  # noqa: ANN202 - ensemble Results
    stage = calibration.stages(scenario.load("baseline"), parse_month("2013-12"), parse_month("2017-12"))[1]
    return stage, run_ensemble(stage.scenario, 40, 2, posterior=fitcheck.sample_of(fitted))


def test_statistics_set_the_record_against_the_predictive_runs(fitted: calibration.Calibration,
                                                               checked: fitcheck.FitCheck) -> None:
    table = checked.statistics.set_index("statistic")
    assert list(table.index[:5]) == [f"announcements_{y}" for y in range(2014, 2018)] + ["announcers"]  # 2014-01 on
    assert table.loc["announcements_2016", "observed"] == 3 and table.loc["announcements_2015", "observed"] == 0
    recorded = record.record_table(parse_month("2014-01"), parse_month("2017-12")).iloc[0]
    assert table.loc["exits", "observed"] == 1 and table.loc["parties_end", "observed"] == recorded["parties_end"]
    assert table.loc["announcers", "observed"] == 3 and table.loc["revoked_share", "observed"] == pytest.approx(2 / 3)
    stage, results = _withdrawal_runs(fitted)
    per_run = calibration.per_run(results, stage.scenario)
    assert table.loc["exits", "mean"] == pytest.approx(per_run["exits"].mean())
    assert table.loc["exits", "p_at_most"] == pytest.approx((per_run["exits"] <= 1).mean())
    announcers = results.events[results.events["event"] == "announced"].groupby("run")["iso3"].nunique()
    assert table.loc["announcers", "q95"] == pytest.approx(np.quantile(announcers.reindex(range(40), fill_value=0), 0.95))
    assert ((table["q05"] <= table["median"]) & (table["median"] <= table["q95"])).all()


def test_patterns_are_recomputed_from_the_predictive_runs(fitted: calibration.Calibration,
                                                          checked: fitcheck.FitCheck) -> None:
    stage, results = _withdrawal_runs(fitted)
    table = calibration.per_run(results, stage.scenario)
    early = results.events[(results.events["event"] == "announced") & (results.events["month"] < "2016-01")]
    patterns = checked.patterns.set_index("check")
    quiet = patterns.loc["share of runs with no announcements before 2016", "value"]
    assert quiet == pytest.approx(1 - early["run"].nunique() / 40)
    assert patterns.loc["revoked share of announcements", "value"] == pytest.approx(
        table["revocations"].sum() / max(table["announcements"].sum(), 1))
    assert patterns["passed"].dtype == bool
    assert patterns.loc["revoked share of announcements", "criterion"] == "0.1 to 0.6 (record: 2 of 3)"  # 2014-2017


def test_the_series_and_the_figure(checked: fitcheck.FitCheck) -> None:
    series = checked.series
    assert series["month"].iloc[0] == "2013-12" and series["month"].iloc[-1] == "2017-12"
    assert series["parties_observed"].iloc[0] == 122 and series["parties_observed"].iloc[-1] == 123
    assert series["announcements_observed"].sum() == 3  # Burundi, South Africa, The Gambia
    assert (series["parties_q05"] <= series["parties_median"]).all()
    assert np.all(series["parties_median"] <= series["parties_q95"])
    assert fitcheck.yearly(checked)["year"].tolist() == [2014, 2015, 2016, 2017]
    figure = fitcheck.figure(checked)
    assert figure.name == "fit" and figure.data is checked.series
    assert isinstance(figure.data, pd.DataFrame)
