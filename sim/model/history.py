"""The record's exogenous shocks after a start date, as scenario events.

A scenario that starts in the past can `replay` what the data record happened next (coups, juntas
handing over, civilian changes of government and governments the UN does not recognise, patron changes, court-level events and bloc
campaigns, changes in exposure, each year's UN-voting ideal points), while the model produces the
withdrawals, revocations and accessions itself.

An outcome never leaks in as a shock: an event concerning a state that is dated on, or within
SAME_EVENT_DAYS before, that state's own announcement of withdrawal in the record is the same event as the
announcement (Hungary's failure to arrest Netanyahu on the day Orban announced the exit), so it is not
replayed (`same_event`).
"""

import datetime as dt
import functools
from typing import Any, Callable

import pandas as pd

from sim.core.months import first_day, format_month, month_of
from sim.data import datasets
from sim.data.world import africa_bias
from sim.model import scenario as scenarios

SAME_EVENT_DAYS = 30


@functools.lru_cache(maxsize=32)
def known_shocks(kinds: tuple[str, ...], start: int, end: int) -> tuple[Any, ...]:
    """Events for the shocks of the given kinds dated after the start month's first day up to `end`
    (cached: the record is read-only and a calibration asks for the same window many times)."""
    begin = pd.Timestamp(first_day(start))
    finish = min(pd.Timestamp(first_day(end + 1)), pd.Timestamp(datasets.DATA_END) + pd.Timedelta(days=1))
    makers = {"coups": _coups, "juntas": _juntas, "governments": _governments, "patrons": _patrons, "court": _court,
              "exposure": _exposure, "alignment": _alignment}
    events = []
    announced = announcement_dates()
    for kind in kinds:
        for date, fields in makers[kind](begin, finish):
            if any(same_event(state, date, announced) for state in fields.get("states", [])):
                continue
            month = max(month_of(date), start + 1)
            events.append(scenarios.EVENT_ADAPTER.validate_python({"month": format_month(month), **fields}))
    return tuple(events)


@functools.cache
def announcement_dates() -> dict[str, tuple[pd.Timestamp, ...]]:
    """Each state's announcements of withdrawal in the record (the first of announcement and notification
    of each withdrawal)."""
    status = datasets.icc_status()
    steps = status[status["event"].isin(["announced", "notified"])].sort_values("date")
    firsts: dict[str, list[pd.Timestamp]] = {}
    for iso3, date in zip(steps["iso3"], steps["date"]):
        known = firsts.setdefault(iso3, [])
        if not known or date - known[-1] > pd.Timedelta(days=366):  # a notification within a year: same one
            known.append(date)
    return {iso3: tuple(dates) for iso3, dates in firsts.items()}


def same_event(state: str, date: dt.date, announced: dict[str, tuple[pd.Timestamp, ...]]) -> bool:
    """Whether a covariate event of `state` on `date` falls on, or within SAME_EVENT_DAYS before, one of the
    state's own announcements of withdrawal."""
    day = pd.Timestamp(date)
    return any(pd.Timedelta(0) <= own - day <= pd.Timedelta(days=SAME_EVENT_DAYS) for own in announced.get(state, ()))


def _inside(frame: pd.DataFrame, column: str, begin: pd.Timestamp, finish: pd.Timestamp) -> pd.DataFrame:
    return frame[(frame[column] > begin) & (frame[column] < finish)]


def _coups(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    rows = _inside(datasets.coups(), "date", begin, finish)
    return [(d, {"kind": "coup" if outcome == "successful" else "coup_attempt", "states": [iso3]})
            for iso3, d, outcome in zip(rows["iso3"], rows["date"], rows["outcome"])]


def _juntas(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    """Juntas handing over, and governments that lose or regain the UN's recognition (unrecognised.csv)."""
    rows = _inside(datasets.juntas(), "end", begin, finish)
    events = [(d, {"kind": "junta_end", "states": [iso3]}) for iso3, d in zip(rows["iso3"], rows["end"])]
    return events + _transitions(datasets.unrecognised(), "recognition", _recognised_on, begin, finish)


def _governments(begin: pd.Timestamp, finish: pd.Timestamp) -> list[tuple[dt.date, dict]]:
    """Civilian changes of government (an election lost) in states with a withdrawal on the table."""
    rows = _inside(datasets.governments(), "date", begin, finish)
    return [(d, {"kind": "government_change", "states": [iso3]}) for iso3, d in zip(rows["iso3"], rows["date"])]


def _recognised_on(rows: pd.DataFrame, day: pd.Timestamp) -> dict:
    return {"recognised": _active(rows, day).empty}


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
    """Changes of each state's exposure to the court, and of its government's cooperation with it."""
    rows = datasets.exposure()
    cooperation = rows["kind"] == "cooperation"
    return (_transitions(rows[~cooperation], "exposure", _exposure_on, begin, finish)
            + _transitions(rows[cooperation], "cooperation", _exposure_on, begin, finish))


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
        elif kind == "campaign":
            events.append((day, {"kind": "campaign", "blocs": [target], "value": value}))
        else:
            events.append((day, {"kind": "arrest", "count": int(value)}))
    exposure = datasets.exposure()
    opened = _inside(exposure[exposure["kind"] == "investigation"], "start", begin, finish)
    events += [(day, {"kind": "bias", "value": africa_bias(day)}) for day in sorted(set(opened["start"]))]
    return events
