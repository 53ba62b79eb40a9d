"""Withdrawal episodes: a joint decision of several states counts once.

Rule, applied alike to the record and to simulated runs: announcements (or exits taking effect) in the
same calendar month by states that share a bloc other than the African Union, as of that month, form
one episode. The AES trio's joint communique of 2025-09-22 is one episode; Burundi, South Africa and The
Gambia in October 2016 are three (separate national decisions with no common bloc but the AU, whose
fifty-odd members decide on their own). Every other state is an episode of its own.
"""

import datetime as dt

import networkx as nx
import pandas as pd

from sim.core.months import first_day
from sim.data import datasets

CONTINENTAL = ("AU",)  # blocs too wide to make a joint decision of their members' announcements


def blocs_in(month: int) -> dict[str, set[str]]:
    """ISO3 -> the blocs (not continental) a state belongs to on the first day of the month."""
    day = pd.Timestamp(first_day(month))
    table = datasets.blocs()
    table = table[~table["bloc"].isin(CONTINENTAL) & (table["joined"] <= day)
                  & (table["left"].isna() | (table["left"] > day))]
    return table.groupby("iso3")["bloc"].agg(set).to_dict()


def label(events: pd.DataFrame) -> pd.Series:
    """An episode number for each row of `events` (columns run, month as an ordinal, iso3), counted
    within each run in order of month and then of the episode's first member by ISO3."""
    leader = events["iso3"].copy()
    shared = events[events.groupby(["run", "month"])["iso3"].transform("size") > 1]
    memberships: dict[int, dict[str, set[str]]] = {}
    for (_, month), rows in shared.groupby(["run", "month"], sort=True):
        blocs = memberships.setdefault(int(month), blocs_in(int(month)))
        graph = nx.Graph()
        graph.add_nodes_from(rows["iso3"])
        graph.add_edges_from((a, b) for a in rows["iso3"] for b in rows["iso3"]
                             if a < b and blocs.get(a, set()) & blocs.get(b, set()))
        first = {iso3: min(component) for component in nx.connected_components(graph) for iso3 in component}
        leader.loc[rows.index] = rows["iso3"].map(first)
    number = events.assign(leader=leader).groupby(["run", "month", "leader"], sort=True).ngroup()
    return (number - number.groupby(events["run"]).transform("min")).astype("int64")


def count(events: pd.DataFrame, runs: int) -> pd.Series:
    """Episodes per run (0..runs-1) among `events` (columns run, month, iso3)."""
    if events.empty:
        return pd.Series(0, index=range(runs), dtype="int64")
    numbered = events.assign(episode=label(events))
    return numbered.groupby("run")["episode"].nunique().reindex(range(runs), fill_value=0).astype("int64")


def recorded(event: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The record's first `event` ('announced' also counts a notification made before any announcement,
    'effective') per state with a date in [start, end], with its episode number."""
    status = datasets.icc_status()
    kinds = ["announced", "notified"] if event == "announced" else [event]
    steps = status[status["event"].isin(kinds) & (status["date"] >= pd.Timestamp(start))
                   & (status["date"] <= pd.Timestamp(end))]
    first = steps.groupby("iso3")["date"].min().reset_index()
    first = first.assign(run=0, month=first["date"].dt.year * 12 + first["date"].dt.month - 1)
    first["episode"] = label(first)
    return first[["iso3", "date", "month", "episode"]].sort_values(["episode", "iso3"], ignore_index=True)
