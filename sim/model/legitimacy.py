"""Court legitimacy at a run's start month, replayed from the dated record.

A run never starts from a fictitious calm court: its legitimacy is what the model's own rule
(sim.model.rules.next_legitimacy) gives when fed the record month by month from the Statute's entry into force
to the month before the start: the withdrawal episodes announced, the entries into force, the
high-profile surrenders and the level of sanctions. A 2016 start and a 2026 start therefore agree with
each other under the same parameters.
"""

import functools

import numpy as np
import pandas as pd

from sim.core.months import first_day, month_of, parse_month
from sim.core.params import Params
from sim.data import datasets, record
from sim.data.datasets import BLOC_CODES
from sim.model import rules

FIRST = parse_month(datasets.FIRST_MONTH)  # legitimacy is 1 when the Statute entered into force


@functools.lru_cache(maxsize=256)
def at_start(p: Params | rules.LegitimacyRates, start: int) -> float:
    """Legitimacy on the first day of month `start`: the rule replayed over the record's months before it
    (under `p`'s LEGITIMACY_PARAMETERS, the only ones it reads)."""
    course = record_course()
    value = np.ones(1)
    for month in range(FIRST + 1, min(start, FIRST + len(course))):
        row = course[month - FIRST]
        value = rules.next_legitimacy(p, value, episodes=row[0:1], accessions=row[1:2], arrests=row[2:3],
                                      sanctions=float(row[3]))
    return float(value[0])


def at_start_each(rates: rules.LegitimacyRates, start: int) -> np.ndarray:
    """`at_start` for each run of `rates` (rules.legitimacy_rates: one value per run), replayed once per
    distinct set."""
    distinct, which = np.unique(np.column_stack(rates), axis=0, return_inverse=True)
    values = np.array([at_start(rules.LegitimacyRates(*map(float, row)), start) for row in distinct])
    return values[which.reshape(-1)]


@functools.cache
def record_course() -> np.ndarray:
    """Per month from FIRST to the data's end (rows), the record's withdrawal episodes, entries into force,
    high-profile surrenders and the sanctions level in force (columns)."""
    last = month_of(datasets.DATA_END)
    events = record.record_events(FIRST + 1, last)
    course = np.zeros((last - FIRST + 1, 4))
    for month, group in events[events["event"] == "announced"].groupby("month"):
        course[month - FIRST, 0] = rules.episodes(np.ones((1, len(group)), dtype=bool),
                                                  _bloc_members(list(group["iso3"]), month))[0]
    entered = events[events["event"] == "entered_into_force"]["month"].value_counts()
    course[entered.index.to_numpy() - FIRST, 1] = entered.to_numpy()
    court = datasets.court_events().assign(month=lambda f: f["date"].map(month_of))
    arrests = court[court["kind"] == "arrest"].groupby("month")["value"].sum()
    course[arrests.index.to_numpy() - FIRST, 2] = arrests.to_numpy()
    sanctions = court[court["kind"] == "sanctions"].sort_values("date").groupby("month")["value"].last()
    level = pd.Series(sanctions).reindex(range(FIRST, last + 1)).ffill().fillna(0.0)
    course[:, 3] = level.to_numpy()
    return course


def _bloc_members(codes: list[str], month: int) -> np.ndarray:
    """(states, blocs) memberships of the given states in the given month."""
    blocs = datasets.blocs()
    day = pd.Timestamp(first_day(month))
    live = blocs[(blocs["joined"] <= day) & (blocs["left"].isna() | (blocs["left"] > day))]
    return np.array([[((live["iso3"] == code) & (live["bloc"] == b)).any() for b in BLOC_CODES] for code in codes])
