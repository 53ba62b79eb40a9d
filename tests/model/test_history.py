"""Replaying the record's exogenous shocks after a start date."""

import pytest

from sim.core.months import parse_month
from sim.model import scenario
from sim.model.ensemble import run_ensemble
from sim.model.history import known_shocks


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
