"""Backtest origins: forecasts from a past cutoff, set beside the record, with nothing from after it."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import UserError
from sim.core.months import month_of
from sim.data import datasets
from sim.experiments import backtest, baselines, calibration, episodes
from sim.experiments.execution import InlineExecutor
from sim.model import ensemble, history, scenario
from sim.model.draws import draw_indices
from sim.model.ensemble import world_for

CUTOFF = dt.date(2016, 1, 1)
TINY = calibration.Budget(20, 100, 2)


@pytest.fixture(scope="module")
def origin() -> backtest.Origin:
    return backtest.run(scenario.load("baseline"), CUTOFF, 24, runs=60, seed=1, shocks="none", budget=TINY)


def test_outcomes_are_the_record(origin: backtest.Origin) -> None:
    hits = set(origin.units.loc[origin.units["announced"] == 1, "unit"])
    assert hits == {"BDI", "ZAF", "GMB"}  # 2016-02 to 2018-01
    summary = origin.summary.iloc[0]
    assert summary["window"] == "2016-02 to 2018-01"
    assert summary["announcement_episodes_observed"] == 3
    assert summary["effective_exit_episodes_observed"] == 1  # Burundi, 2017-10
    assert len(origin.units) == 123  # the parties on 2016-01-01, none of which had announced


def test_model_probabilities_are_shares_of_the_posterior_runs(origin: backtest.Origin) -> None:
    sample = backtest.abc_smc(scenario.load("baseline"), month_of(CUTOFF) - 1, TINY, 1, InlineExecutor()).sample
    events = backtest.forecast(scenario.load("baseline"), sample, CUTOFF, 24, 60, 1, "none")
    announced = events[events["event"] == "announced"].groupby("iso3")["run"].nunique() / 60
    p = origin.units.set_index("unit")["p_model"]
    assert p.reindex(announced.index).tolist() == announced.tolist()
    assert (p.drop(announced.index) == 0).all()
    counts = origin.counts.set_index("run")["announcement_episodes"]
    assert counts.sum() <= len(events[events["event"] == "announced"])
    assert origin.units["p_model"].is_monotonic_decreasing


def test_run_i_of_a_forecast_takes_the_draw_of_seed_and_i() -> None:
    sample = pd.DataFrame({"a0": [-12.0, -3.0]})  # the range's ends: draw 0 few announce, draw 1 many
    events = backtest.forecast(scenario.load("baseline"), sample, CUTOFF, 24, 40, 3, "none")
    per_run = events[events["event"] == "announced"].groupby("run").size().reindex(range(40), fill_value=0)
    drawn = draw_indices(3, list(range(40)), 2)
    assert 0 < (drawn == 1).sum() < 40
    assert per_run[drawn == 1].mean() > 5 * per_run[drawn == 0].mean()


def test_a_joint_episode_is_one_scoring_unit() -> None:
    parties = pd.DataFrame({"name": ["Burkina Faso", "Mali", "Niger", "Ghana"], "un_group": "AG"},
                           index=pd.Index(["BFA", "MLI", "NER", "GHA"], name="iso3"))
    announced = pd.DataFrame({"iso3": ["BFA", "MLI", "NER"], "episode": [0, 0, 0]})
    events = pd.DataFrame({"run": [0, 1, 1, 2], "iso3": ["MLI", "BFA", "NER", "GHA"], "event": "announced"})
    table = backtest.units(parties, announced, events, 4, (0.01, pd.Series({"AG": 0.02})), 24).set_index("unit")
    assert list(table.index) == ["BFA+MLI+NER", "GHA"]
    assert table.loc["BFA+MLI+NER", "p_model"] == 0.5  # runs 0 and 1 have one or more of the three
    assert table.loc["BFA+MLI+NER", "announced"] == 1 and table.loc["GHA", "announced"] == 0
    one = baselines.within(0.02, 24)
    assert table.loc["BFA+MLI+NER", "p_regional"] == pytest.approx(1 - (1 - one) ** 3)


def test_the_horizon_stops_at_the_data_end() -> None:
    assert backtest.horizon_at(dt.date(2025, 1, 1), 24) == month_of(datasets.DATA_END) - month_of(dt.date(2025, 1, 1))
    assert backtest.horizon_at(dt.date(2016, 1, 1), 24) == 24
    with pytest.raises(UserError, match="at least 12"):
        backtest.horizon_at(dt.date(2026, 1, 1), 24)
    with pytest.raises(UserError, match="on or after 2003-07-01"):
        backtest.horizon_at(dt.date(2002, 12, 1), 24)


def _invent_after(monkeypatch: pytest.MonkeyPatch, when: pd.DatetimeIndex) -> None:
    """Withdrawals, a coup and an investigation dated after the cutoff."""
    status, coups, exposure = datasets.icc_status(), datasets.coups(), datasets.exposure()
    monkeypatch.setattr(datasets, "icc_status", lambda: pd.concat([status, pd.DataFrame(
        {"iso3": ["FRA", "FRA", "DEU"], "event": ["announced", "notified", "effective"],
         "date": [when[0], when[1], when[1]]})], ignore_index=True))
    monkeypatch.setattr(datasets, "coups", lambda: pd.concat([coups, pd.DataFrame(
        {"iso3": ["SEN", "GHA"], "date": when, "outcome": ["successful", "failed"]})], ignore_index=True))
    monkeypatch.setattr(datasets, "exposure", lambda: pd.concat([exposure, pd.DataFrame(
        {"iso3": ["NGA"], "kind": ["investigation"], "start": when[:1], "end": [pd.NaT], "level": [1.0]})],
        ignore_index=True))


def _clear() -> None:
    ensemble._world.cache_clear()  # worlds are cached by start month
    history.known_shocks.cache_clear()


def test_an_origins_inputs_ignore_data_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The initial world, the base rates and the negative binomial of an origin are the same when
    withdrawals, coups and investigations are invented after it; its outcomes do see them."""
    template = scenario.load("baseline")

    def inputs() -> tuple:
        _clear()
        table = world_for(backtest.scenario_at(template, CUTOFF, 24, "none")).table
        groups = table.set_index("iso3")["un_group"]
        return (table, *(baselines.rates(e, CUTOFF, groups) for e in ("announced", "effective")),
                *(baselines.negative_binomial(e, CUTOFF, 24) for e in ("announced", "effective")))

    before = inputs()
    _invent_after(monkeypatch, pd.to_datetime(["2016-01-05", "2016-02-01"]))
    after = inputs()
    assert after[0].equals(before[0])
    for old, new in zip(before[1:3], after[1:3]):
        assert old[0] == new[0] and old[1].equals(new[1])
    assert after[3:] == before[3:]
    found = episodes.recorded("announced", CUTOFF, dt.date(2017, 1, 1))
    assert "FRA" in set(found["iso3"])  # but the outcome sees it
    monkeypatch.undo()
    _clear()


def test_the_calibration_sees_nothing_after_the_cutoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Invented withdrawals, coups and investigations after the cutoff leave the calibration unchanged."""
    template = scenario.load("baseline")

    def fit() -> backtest.Posterior:
        _clear()
        return backtest.abc_smc(template, month_of(CUTOFF) - 1, TINY, 1, InlineExecutor())

    before = fit()
    _invent_after(monkeypatch, pd.to_datetime(["2016-01-05", "2016-02-01"]))
    after = fit()
    pd.testing.assert_frame_equal(after.sample, before.sample)
    pd.testing.assert_frame_equal(after.summary, before.summary)
    moved = month_of(dt.date(2016, 3, 1))  # the same invention inside the window does change the record fitted
    assert calibration.record.record_table(calibration.FIRST_START + 1, moved)["announcements"].iloc[0] == 1
    monkeypatch.undo()
    _clear()


def test_the_calibration_is_pluggable() -> None:
    """A calibration handing back a fixed posterior decides the forecast's parameter sets."""
    seen = []

    def fixed(a0: float) -> backtest.Calibrate:
        def calibrate(template, last, budget, seed, executor) -> backtest.Posterior:  # noqa: ANN001
            seen.append((last, budget, seed))
            return backtest.Posterior(pd.DataFrame({"a0": [a0, a0 + 0.5]}), pd.DataFrame({"parameter": ["a0"]}))
        return calibrate

    low = backtest.run(scenario.load("baseline"), CUTOFF, 24, 40, 1, "none", 7, calibrate=fixed(-12.0))
    high = backtest.run(scenario.load("baseline"), CUTOFF, 24, 40, 1, "none", 7, calibrate=fixed(-4.0))
    assert seen == [(month_of(CUTOFF) - 1, 7, 1)] * 2
    events = backtest.forecast(scenario.load("baseline"), pd.DataFrame({"a0": [-4.0, -3.5]}), CUTOFF, 24, 40, 1, "none")
    assert high.counts["announcement_episodes"].sum() <= (events["event"] == "announced").sum()
    assert high.units["p_model"].sum() > 10 * max(low.units["p_model"].sum(), 0.1)
    assert list(high.posterior["origin"]) == [str(CUTOFF)]


def test_known_shocks_replay_the_record_and_none_replays_nothing() -> None:
    template = scenario.load("baseline")
    known, none = (backtest.scenario_at(template, CUTOFF, 24, shocks) for shocks in ("known", "none"))
    assert known.replay == backtest.KNOWN_SHOCKS and none.replay == ()
    assert known.params.coup_multiplier == 0.0 and none.params.coup_multiplier == template.params.coup_multiplier
    assert (known.start, known.end) == (none.start, none.end) == (month_of(CUTOFF), month_of(CUTOFF) + 24)
