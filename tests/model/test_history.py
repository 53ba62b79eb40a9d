"""Replaying the record's exogenous shocks after a start date."""

import datetime as dt

import pytest

from sim.core.months import parse_month
from sim.experiments import backtest
from sim.model import scenario
from sim.model.dynamics import schedule
from sim.model.ensemble import run_ensemble, world_for
from sim.model.history import announcement_dates, known_shocks, same_event
from sim.model.state import static_from


def _shocks(kind: str, start: str = "2016-01", end: str = "2026-11") -> list:
    return known_shocks((kind,), parse_month(start), parse_month(end))


def test_coups_and_juntas_of_the_record() -> None:
    coups = {(e.month, e.kind, tuple(e.states)) for e in _shocks("coups")}
    assert ("2023-07", "coup", ("NER",)) in coups and ("2021-05", "coup", ("MLI",)) in coups
    assert ("2016-07", "coup_attempt", ("TUR",)) in coups
    ends = {(e.month, tuple(e.states)) for e in _shocks("juntas")}
    assert ("2024-05", ("TCD",)) in ends and ("2025-05", ("GAB",)) in ends


def test_patron_changes_follow_the_latest_active_period() -> None:
    changes = [(e.month, e.states[0], e.patron) for e in _shocks("patrons")]
    assert ("2021-12", "MLI", "RUS") in changes
    assert ("2024-01", "BFA", "RUS") in changes and ("2023-02", "BFA", "NONE") in changes
    assert not any(m == "2022-08" and s == "MLI" for m, s, _ in changes)  # French exit while Russia stays


def test_court_events_and_bias() -> None:
    court = [(e.month, e.kind, getattr(e, "value", None)) for e in _shocks("court")]
    assert ("2020-09", "sanctions", 0.3) in court and ("2026-10", "sanctions", 1.0) in court
    assert ("2025-03", "arrest", None) in court
    bias = [v for m, k, v in court if k == "bias"]
    assert bias and all(0 < v < 1 for v in bias)


def test_each_years_ideal_points_arrive_the_next_january() -> None:
    points = {(e.month, e.states[0]): e.value for e in _shocks("alignment", start="2014-06", end="2016-12")}
    assert {month for month, _ in points} == {"2015-01", "2016-01"}
    assert points[("2016-01", "BDI")] == pytest.approx(-1.24343)  # Burundi's 2015 estimate
    assert points[("2015-01", "BDI")] == pytest.approx(-0.470506)


def test_shocks_dated_inside_the_start_month_come_in_the_next_month() -> None:
    months = {e.month for e in _shocks("coups", start="2023-07", end="2023-12")}
    assert "2023-07" not in months and "2023-08" in months  # Niger, 2023-07-26


def test_the_hindcast_feeds_the_record_and_runs() -> None:
    results = run_ensemble(scenario.load("history-2016"), runs=5, seed=0)
    coups = results.events[results.events["event"] == "coup"]
    assert set(coups[coups["run"] == 0]["iso3"]) >= {"MLI", "BFA", "NER", "GIN", "GAB", "TCD", "MMR"}
    assert coups.groupby("run").size().nunique() == 1  # the same record in every run; no random coups
    assert results.timeseries["month"].iloc[-1] == "2026-11"



def test_an_event_on_or_within_30_days_before_a_states_own_announcement_is_the_same_event() -> None:
    announced = announcement_dates()
    assert same_event("HUN", dt.date(2025, 4, 3), announced)  # the Netanyahu visit, the day Orban announced
    assert same_event("BFA", dt.date(2025, 8, 23), announced)  # 30 days before the AES statement
    assert not same_event("BFA", dt.date(2025, 8, 22), announced)
    assert not same_event("HUN", dt.date(2025, 4, 4), announced)  # after the announcement
    assert not same_event("PHL", dt.date(2018, 2, 8), announced)  # the examination, 34 days before: a trigger
    assert not same_event("MNG", dt.date(2024, 9, 3), announced)  # no announcement of its own


def test_a_replay_leaves_out_exactly_the_same_events() -> None:
    every = ("coups", "juntas", "patrons", "court", "exposure", "alignment")
    shocks = known_shocks(every, parse_month("2002-07"), parse_month("2026-11"))
    exposure = {(e.month, e.states[0], e.value) for e in shocks if e.kind == "exposure"}
    assert ("2024-09", "MNG", 1.0) in exposure and ("2015-06", "ZAF", 1.0) in exposure
    assert not any(state == "HUN" and value > 0 for _, state, value in exposure)
    assert ("2026-05", "HUN", 0.0) in exposure  # the revocation's end of the episode is not an announcement


def test_hungarys_2025_visit_is_not_fed_to_a_backtest_from_2024_12_31() -> None:
    chosen = backtest.scenario_at(scenario.load("baseline"), dt.date(2024, 12, 31), 23, "known")
    months = schedule(chosen, static_from(world_for(chosen)))
    fed = [(m, e.spec) for m, events in months.items() for e in events if e.kind == "exposure"]
    assert not [spec for _, spec in fed if spec.states == ["HUN"] and spec.value > 0]
    assert any(spec.states == ["MNG"] for _, spec in fed)  # Mongolia's finding lapses in the window (2026-10)


def test_the_au_campaign_and_the_taliban_takeover_are_replayed() -> None:
    court = {(e.month, e.kind, getattr(e, "value", None)) for e in _shocks("court")}
    assert ("2016-04", "campaign", 1.0) in court and ("2017-01", "campaign", 0.5) in court
    governments = {(e.month, e.kind, tuple(e.states), getattr(e, "recognised", None)) for e in _shocks("juntas")}
    assert ("2021-08", "recognition", ("AFG",), False) in governments


def test_the_civilian_changes_of_government_behind_two_revocations_are_replayed() -> None:
    changes = {(e.month, e.kind, tuple(e.states)) for e in _shocks("governments")}
    assert changes == {("2017-01", "government_change", ("GMB",)), ("2026-04", "government_change", ("HUN",))}
    assert not _shocks("governments", "2017-02", "2026-03")  # none between them
