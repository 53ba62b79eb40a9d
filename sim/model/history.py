"""The record's exogenous shocks after a start date, as scenario events.

A scenario that starts in the past can `replay` what the data record happened next (coups, juntas
handing over, patron changes, court-level events, changes in exposure, each year's UN-voting ideal
points), while the model produces the withdrawals, revocations and accessions itself.
"""

import datetime as dt
import functools
from typing import Any, Callable

import pandas as pd

from sim.core.months import first_day, format_month, month_of
from sim.data import datasets
from sim.data.world import africa_bias
from sim.model import scenario as scenarios


@functools.lru_cache(maxsize=32)
def known_shocks(kinds: tuple[str, ...], start: int, end: int) -> tuple[Any, ...]:
    """Events for the shocks of the given kinds dated after the start month's first day up to `end`
    (cached: the record is read-only and a calibration asks for the same window many times)."""
    begin = pd.Timestamp(first_day(start))
    finish = min(pd.Timestamp(first_day(end + 1)), pd.Timestamp(datasets.DATA_END) + pd.Timedelta(days=1))
    makers = {"coups": _coups, "juntas": _juntas, "patrons": _patrons, "court": _court, "exposure": _exposure,
              "alignment": _alignment}
    events = []
    for kind in kinds:
        for date, fields in makers[kind](begin, finish):
            month = max(month_of(date), start + 1)
            events.append(scenarios.EVENT_ADAPTER.validate_python({"month": format_month(month), **fields}))
    return tuple(events)


def _inside(frame: pd.DataFrame, column: str, begin: pd.Timestamp, finish: pd.Timestamp) -> pd.DataFrame:
    return frame[(frame[column] > begin) & (frame[column] < finish)]


def _coups(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    rows = _inside(datasets.coups(), "date", begin, finish)
    return [(d, {"kind": "coup" if outcome == "successful" else "coup_attempt", "states": [iso3]})
            for iso3, d, outcome in zip(rows["iso3"], rows["date"], rows["outcome"])]


def _juntas(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    rows = _inside(datasets.juntas(), "end", begin, finish)
    return [(d, {"kind": "junta_end", "states": [iso3]}) for iso3, d in zip(rows["iso3"], rows["end"])]


def _changes(rows: pd.DataFrame, begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[str, pd.Timestamp]]:
    """(state, date) of every start or end of a dated row inside the window."""
    dates = pd.concat([rows[["iso3", "start"]].rename(columns={"start": "date"}),
                       rows[["iso3", "end"]].rename(columns={"end": "date"})]).dropna()
    dates = _inside(dates, "date", begin, finish).drop_duplicates().sort_values(["date", "iso3"])
    return list(zip(dates["iso3"], dates["date"]))


def _active(rows: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return rows[(rows["start"] <= day) & (rows["end"].isna() | (rows["end"] > day))]


def _patron_on(rows: pd.DataFrame, day: pd.Timestamp) -> dict:
    live = _active(rows, day).sort_values("start")
    return ({"patron": live["patron"].iloc[-1], "strength": float(live["strength"].iloc[-1])} if len(live)
            else {"patron": "NONE", "strength": 0.0})


def _exposure_on(rows: pd.DataFrame, day: pd.Timestamp) -> dict:
    live = _active(rows, day)
    return {"value": float(live["level"].max()) if len(live) else 0.0}


def _transitions(rows: pd.DataFrame, kind: str, value_on: Callable[[pd.DataFrame, pd.Timestamp], dict],
                 begin: pd.Timestamp,
                 finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    """An event at each date where a state's value (per `value_on`) differs from the one before."""
    events = []
    for iso3, day in _changes(rows, begin, finish):
        own = rows[rows["iso3"] == iso3]
        value = value_on(own, day)
        if value != value_on(own, day - pd.Timedelta(days=1)):
            events.append((day, {"kind": kind, "states": [iso3], **value}))
    return events


def _patrons(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    return _transitions(datasets.patronage(), "patron", _patron_on, begin, finish)


def _exposure(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    return _transitions(datasets.exposure(), "exposure", _exposure_on, begin, finish)


def _alignment(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    """Each state's ideal point for a year, set on the first day of the next year (as sim.data.world reads the
    estimates at a date: only years before it)."""
    points = datasets.idealpoints()
    points = points.assign(date=pd.to_datetime((points["year"] + 1).astype(str) + "-01-01"))
    rows = _inside(points, "date", begin, finish).sort_values(["date", "iso3"])
    return [(d, {"kind": "alignment", "states": [iso3], "value": float(value)})
            for iso3, d, value in zip(rows["iso3"], rows["date"], rows["ideal_point"])]


def _court(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    rows = _inside(datasets.court_events(), "date", begin, finish)
    events = []
    for day, kind, target, value in zip(rows["date"], rows["kind"], rows["target"], rows["value"]):
        if kind == "sanctions":
            events.append((day, {"kind": "sanctions", "value": value}))
        elif kind == "hostility":
            events.append((day, {"kind": "hostility", "patron": target, "value": value}))
        else:
            events.append((day, {"kind": "arrest", "count": int(value)}))
    exposure = datasets.exposure()
    opened = _inside(exposure[exposure["kind"] == "investigation"], "start", begin, finish)
    events += [(day, {"kind": "bias", "value": africa_bias(day)}) for day in sorted(set(opened["start"]))]
    return events
