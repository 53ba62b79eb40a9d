"""Read the dated source tables shipped in `sim/data/` (documented in sim/data/SOURCES.md)."""

import datetime as dt
import functools
import importlib.resources
from pathlib import Path

import pandas as pd

DATA_END = dt.date(2026, 11, 27)
FIRST_MONTH = "2002-07"  # the Rome Statute entered into force on 2002-07-01 (Art. 126)
LAST_START_MONTH = "2026-11"  # the month of DATA_END
PATRON_CODES = ("NONE", "RUS", "USA_ISR", "FRA_EU", "CHN")
BLOC_CODES = ("AU", "ECOWAS", "AES", "EU")
GROUP_CODES = ("AG", "APG", "EEG", "GRULAC", "WEOG")


def data_dir() -> Path:
    return Path(str(importlib.resources.files("sim.data")))


def _read(name: str, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = pd.read_csv(data_dir() / name, dtype=str, keep_default_na=False)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
    return frame


@functools.cache
def states() -> pd.DataFrame:
    """iso3, name, un_group for every UN member state plus Palestine and the Cook Islands."""
    return _read("states.csv").sort_values("iso3", ignore_index=True)


@functools.cache
def population() -> pd.DataFrame:
    frame = _read("population.csv")
    return frame.assign(year=frame["year"].astype(int),
                        population_thousands=frame["population_thousands"].astype(float))


@functools.cache
def blocs() -> pd.DataFrame:
    return _read("blocs.csv", ("joined", "left"))


@functools.cache
def icc_status() -> pd.DataFrame:
    return _read("icc_status.csv", ("date",))


@functools.cache
def coups() -> pd.DataFrame:
    return _read("coups.csv", ("date",))


@functools.cache
def juntas() -> pd.DataFrame:
    return _read("juntas.csv", ("start", "end"))


@functools.cache
def governments() -> pd.DataFrame:
    """Changes of civilian government in states with a withdrawal announced or pending (governments.csv)."""
    return _read("governments.csv", ("date",))


@functools.cache
def idealpoints() -> pd.DataFrame:
    frame = _read("idealpoints.csv")
    frame = frame[frame["ideal_point"] != ""]
    return frame.assign(year=frame["year"].astype(int), ideal_point=frame["ideal_point"].astype(float))


@functools.cache
def patronage() -> pd.DataFrame:
    frame = _read("patronage.csv", ("start", "end"))
    return frame.assign(strength=frame["strength"].astype(float))


@functools.cache
def exposure() -> pd.DataFrame:
    frame = _read("exposure.csv", ("start", "end"))
    return frame.assign(level=frame["level"].astype(float))


@functools.cache
def unrecognised() -> pd.DataFrame:
    """Periods in which a party has no government able to deposit a valid notification of withdrawal."""
    return _read("unrecognised.csv", ("start", "end"))


@functools.cache
def court_events() -> pd.DataFrame:
    frame = _read("court_events.csv", ("date",))
    return frame.assign(value=frame["value"].astype(float))
