"""Backtests: forecasts from a past cutoff, scored against the record, with nothing from after it."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.core.months import month_of
from sim.data import datasets
from sim.experiments import backtest, calibration
from sim.experiments.execution import InlineExecutor
from sim.interfaces.cli import main
from sim.model import ensemble, history, scenario
from sim.model.ensemble import world_for


TINY = calibration.Budget(20, 100, 2)


@pytest.fixture(scope="module")
def result() -> backtest.Backtest:
    return backtest.run(scenario.load("baseline"), dt.date(2016, 1, 1), 60, runs=200, seed=1, shocks="known",
                        budget=TINY, executor=InlineExecutor())


def test_outcomes_are_the_record(result: backtest.Backtest) -> None:
    hits = set(result.states.loc[result.states["announced"] == 1, "iso3"])
    assert hits == {"BDI", "ZAF", "GMB", "PHL"}  # 2016-02 to 2021-01
    assert (result.scores["observed_count"] == 4).all()


def test_scores_are_computed_from_the_forecasts(result: backtest.Backtest) -> None:
    states, scores = result.states, result.scores.set_index("forecast")
    y = states["announced"].to_numpy()
    for name, column in (("model", "p_model"), ("historical base rate", "p_base_rate")):
        p = states[column].to_numpy()
        assert scores.loc[name, "brier"] == pytest.approx(np.mean((p - y) ** 2))
        assert scores.loc[name, "predicted_count"] == pytest.approx(p.sum())
    clipped = np.clip(states["p_model"].to_numpy(), 0.5 / 200, 1 - 0.5 / 200)
    assert scores.loc["model", "log_score"] == pytest.approx(np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))
    assert states["model_rank"].min() == 1 and states["p_model"].is_monotonic_decreasing
    assert len(states) == 123  # the parties on 2016-01-01, none of which had announced


def test_nothing_after_the_cutoff_reaches_the_forecast(monkeypatch: pytest.MonkeyPatch) -> None:
    cutoff = dt.date(2016, 1, 1)
    template = scenario.load("baseline")
    before = world_for(backtest.scenario_at(template, cutoff, 24, "none")).table
    rates_before = backtest.base_rates(cutoff, before.set_index("iso3")["un_group"])
    real = datasets.icc_status()
    invented = pd.concat([real, pd.DataFrame({"iso3": ["FRA", "FRA"], "event": ["announced", "notified"],
                                              "date": pd.to_datetime(["2016-03-01", "2016-04-01"]),
                                              "source": "test", "confidence": "test"})], ignore_index=True)
    monkeypatch.setattr(datasets, "icc_status", lambda: invented)
    ensemble._world.cache_clear()  # worlds are cached by start month
    after = world_for(backtest.scenario_at(template, cutoff, 24, "none")).table
    assert after.equals(before)
    assert backtest.base_rates(cutoff, after.set_index("iso3")["un_group"])[0] == rates_before[0]
    assert "FRA" in backtest.announcements(cutoff, dt.date(2017, 1, 1)).index  # but the outcome sees it
    ensemble._world.cache_clear()


def test_horizon_past_the_data_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["backtest", "--cutoff", "2024-01-01", "--horizon-months", "60"]) == 2
    assert "goes past the data's end" in capsys.readouterr().err
    out = tmp_path / "bt"
    assert main(["backtest", "--cutoff", "2020-01-01", "--horizon-months", "24", "--runs", "50", "--population", "20",
                 "--budget", "100", "--workers", "1", "--out", str(out)]) == 0
    fitted = pd.read_csv(out / "calibration.csv")
    assert set(fitted["window"]) == {"2002-08 to 2019-12"}  # the record before the cutoff month only
    assert set(pd.read_csv(out / "scores.csv")["forecast"]) == {"model", "historical base rate", "regional base rate"}
    assert len(pd.read_csv(out / "forecasts.csv")) > 100


def test_the_calibration_sees_nothing_after_the_cutoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Invented withdrawals, coups and investigations after the cutoff leave the calibration unchanged."""
    template, end = scenario.load("baseline"), month_of(dt.date(2016, 1, 1)) - 1

    def fit() -> calibration.Calibration:
        ensemble._world.cache_clear()
        history.known_shocks.cache_clear()
        return calibration.fit(template, calibration.FIRST_START, end, TINY, 1, InlineExecutor())

    before = fit()
    status, coups, exposure = datasets.icc_status(), datasets.coups(), datasets.exposure()
    late = pd.to_datetime(["2016-01-05", "2016-02-01"])
    monkeypatch.setattr(datasets, "icc_status", lambda: pd.concat([status, pd.DataFrame(
        {"iso3": ["FRA", "FRA"], "event": ["announced", "notified"], "date": late})], ignore_index=True))
    monkeypatch.setattr(datasets, "coups", lambda: pd.concat([coups, pd.DataFrame(
        {"iso3": ["SEN", "GHA"], "date": late, "outcome": ["successful", "failed"]})], ignore_index=True))
    monkeypatch.setattr(datasets, "exposure", lambda: pd.concat([exposure, pd.DataFrame(
        {"iso3": ["NGA"], "kind": ["investigation"], "start": late[:1], "end": [pd.NaT], "level": [1.0]})],
        ignore_index=True))
    after = fit()
    pd.testing.assert_frame_equal(after.particles, before.particles)
    pd.testing.assert_frame_equal(after.fitted, before.fitted)
    assert after.observed == before.observed
    moved = month_of(dt.date(2016, 3, 1))  # the same invention inside the window does change the record fitted
    assert calibration.record.record_table(calibration.FIRST_START + 1, moved)["announcements"].iloc[0] == 1
    monkeypatch.undo()
    ensemble._world.cache_clear()
    history.known_shocks.cache_clear()
