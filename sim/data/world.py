"""Initial conditions as of any date: every state's status, attributes and covariates on that day.

Only data dated on or before the as-of date is used (ideal points only from years before it), so a
run started in the past sees the world as it was known then.
"""

import dataclasses
import datetime as dt
import functools

import numpy as np
import pandas as pd

from sim.core.errors import UserError
from sim.core.params import Params
from sim.data import datasets
from sim.data.datasets import BLOC_CODES, PATRON_CODES

STATUSES = ("non_party", "acceding", "party", "announced", "notified", "withdrawn")
IN_STATUTE = ("party", "announced", "notified")  # legally still States Parties
_TRANSITIONS = {"deposit": "acceding", "entry_into_force": "party", "announced": "announced",
                "notified": "notified", "revoked": "party", "effective": "withdrawn"}


@dataclasses.dataclass(frozen=True)
class World:
    """The state of the world on one day, one row per state (sorted by ISO3)."""

    as_of: dt.date
    table: pd.DataFrame
    bloc_members: np.ndarray  # (states, blocs) bool, blocs in BLOC_CODES order
    bloc_leads: np.ndarray  # (states, blocs) bool
    sanctions: float
    hostility: dict[str, float]  # patron code -> hostility to the court in [0, 1]
    africa_bias: float
    campaign: dict[str, float]  # bloc code -> level of its campaign against the court in [0, 1]

    @property
    def parties(self) -> int:
        return int(self.table["status"].isin(IN_STATUTE).sum())


def entry_into_force(deposit: dt.date) -> dt.date:
    """Rome Statute Art. 126: the first day of the month after the 60th day following deposit."""
    day = deposit + dt.timedelta(days=60)
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return max(following, dt.date(2002, 7, 1))


def one_year_after(date: dt.date) -> dt.date:
    """Art. 127: a withdrawal takes effect one year after the notification is received."""
    return date.replace(year=date.year + 1) if (date.month, date.day) != (2, 29) else dt.date(date.year + 1, 3, 1)


@functools.cache
def validate_data() -> None:
    """Check the source tables' internal rules; raise ValueError naming the first violation."""
    states = datasets.states()
    if states["iso3"].duplicated().any():
        raise ValueError(f"states.csv: duplicate ISO3 {states['iso3'][states['iso3'].duplicated()].tolist()}")
    known = set(states["iso3"])
    for name, frame in [("icc_status", datasets.icc_status()), ("blocs", datasets.blocs()),
                        ("coups", datasets.coups()), ("juntas", datasets.juntas()),
                        ("patronage", datasets.patronage()), ("exposure", datasets.exposure()),
                        ("population", datasets.population()), ("idealpoints", datasets.idealpoints()),
                        ("unrecognised", datasets.unrecognised())]:
        unknown = set(frame["iso3"]) - known
        if unknown:
            raise ValueError(f"{name}.csv: ISO3 codes not in states.csv: {sorted(unknown)}")
    for iso3, events in datasets.icc_status().groupby("iso3"):
        dates = {e: d.date() for e, d in zip(events["event"], events["date"])}
        if "entry_into_force" in dates and "deposit" not in dates:
            raise ValueError(f"icc_status.csv: {iso3} is a party without a deposit")
        if "deposit" in dates and "entry_into_force" in dates and iso3 != "MNE":
            if dates["entry_into_force"] != entry_into_force(dates["deposit"]):
                raise ValueError(f"icc_status.csv: {iso3} entry into force breaks Art. 126")
        if "effective" in dates and dates["effective"] != one_year_after(dates["notified"]):
            raise ValueError(f"icc_status.csv: {iso3} effective date breaks Art. 127")


def build_world(as_of: dt.date, params: Params | None = None) -> World:
    """The world on `as_of`, with coup base rates computed under `params`."""
    if not dt.date(2002, 7, 1) <= as_of <= datasets.DATA_END:
        raise UserError(f"as-of date {as_of} is outside the data (2002-07-01 to {datasets.DATA_END})")
    validate_data()
    params = params or Params()
    day = pd.Timestamp(as_of)
    table = datasets.states().set_index("iso3")[["name", "un_group"]].copy()
    table = table.join(_status(day))
    table["population_thousands"] = _population(as_of.year)
    table = table.join(_ideal_points(as_of.year))
    parties = table["status"].isin(IN_STATUTE)
    mean = table.loc[parties, "ideal_point"].mean()
    table["ideal_point"] = table["ideal_point"].fillna(mean)  # no votes (Palestine, Cook Islands): neutral
    table["divergence"] = (table["ideal_point"] - mean).abs()
    table = table.join(_patrons(day))
    table["junta"] = _active(datasets.juntas(), day).reindex(table.index, fill_value=False)
    table = table.join(_coups(day, params))
    table["exposure"] = _exposure(day).reindex(table.index, fill_value=0.0)
    table["cooperation"] = _exposure(day, "cooperation").reindex(table.index, fill_value=0.0)
    table["barred"] = _active(datasets.unrecognised(), day).reindex(table.index, fill_value=False)
    members, leads = _blocs(day, table.index)
    table["blocs"] = [",".join(b for b, m in zip(BLOC_CODES, row) if m) for row in members]
    events = datasets.court_events()
    past = events[events["date"] <= day]
    return World(
        as_of=as_of,
        table=table.reset_index(),
        bloc_members=members,
        bloc_leads=leads,
        sanctions=_latest(past[past["kind"] == "sanctions"], 0.0),
        hostility={p: _latest(past[(past["kind"] == "hostility") & (past["target"] == p)], 0.0)
                   for p in PATRON_CODES},
        africa_bias=africa_bias(day),
        campaign={b: _latest(past[(past["kind"] == "campaign") & (past["target"] == b)], 0.0) for b in BLOC_CODES},
    )


def _status(day: pd.Timestamp) -> pd.DataFrame:
    events = datasets.icc_status()
    events = events[events["date"] <= day].sort_values(["iso3", "date"], kind="stable")
    rows: dict[str, dict[str, object]] = {}
    for iso3, event, date in zip(events["iso3"], events["event"], events["date"]):  # state by state, in date order
        row = rows.setdefault(iso3, {"status": "non_party"})
        row[event] = date
        if not (event == "announced" and row["status"] == "notified"):  # South Africa 2016 notified first
            row["status"] = _TRANSITIONS[event]
    for row in rows.values():
        if row["status"] == "notified":
            row["effective"] = pd.Timestamp(one_year_after(row["notified"].date()))
    columns = ["status", "deposit", "entry_into_force", "announced", "notified", "effective"]
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    frame = frame.reindex(datasets.states()["iso3"])
    frame["status"] = frame["status"].fillna("non_party")
    return frame


def _population(year: int) -> pd.Series:
    pop = datasets.population()
    year = min(year, pop["year"].max())
    return pop[pop["year"] == year].set_index("iso3")["population_thousands"]


def _ideal_points(year: int) -> pd.DataFrame:
    """Each state's latest ideal point from a year before `year` (estimates are published afterwards)."""
    points = datasets.idealpoints()
    known = points[points["year"] < year]
    if known.empty:
        known = points[points["year"] == points["year"].min()]
    latest = known.sort_values("year").groupby("iso3").last()
    return latest.rename(columns={"year": "ideal_point_year"})[["ideal_point", "ideal_point_year"]]


def _active(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    live = frame[(frame["start"] <= day) & (frame["end"].isna() | (frame["end"] > day))]
    return pd.Series(True, index=pd.Index(live["iso3"].unique(), name="iso3"))


def _patrons(day: pd.Timestamp) -> pd.DataFrame:
    rows = datasets.patronage()
    live = rows[(rows["start"] <= day) & (rows["end"].isna() | (rows["end"] > day))]
    latest = live.sort_values("start").groupby("iso3").last()
    frame = latest[["patron", "strength"]].rename(columns={"strength": "patron_strength"})
    frame = frame.reindex(datasets.states()["iso3"])
    return frame.fillna({"patron": "NONE", "patron_strength": 0.0})


def _coups(day: pd.Timestamp, params: Params) -> pd.DataFrame:
    """Last attempt, last success and the base annual attempt rate over the history window.

    The observed rate includes the extra attempts of the coup trap, which the model adds on its own,
    so the base rate divides it by the average trap multiplier the state lived under in the window.
    """
    coups = datasets.coups()
    past = coups[coups["date"] <= day]
    years = params.coup_history_years
    begin = day - pd.DateOffset(years=years)
    window = past[past["date"] > begin]
    codes = datasets.states()["iso3"]
    counts = window.groupby("iso3").size().reindex(codes, fill_value=0)
    months = pd.period_range(begin, day, freq="M").start_time  # the window's months, by their first day
    trapped = _trapped_shares(past, months, params)
    multiplier = 1.0 + (params.coup_trap - 1.0) * trapped.reindex(codes, fill_value=0.0)
    global_rate = counts.sum() / (len(codes) * years) / multiplier.mean()
    prior = params.coup_prior_years
    return pd.DataFrame({
        "last_coup_attempt": past.groupby("iso3")["date"].max().reindex(codes),
        "last_coup": past[past["outcome"] == "successful"].groupby("iso3")["date"].max().reindex(codes),
        "coup_attempts_window": counts,
        "coup_rate": (counts / multiplier + prior * global_rate) / (years + prior),
    })


def _trapped_shares(past: pd.DataFrame, months: pd.DatetimeIndex, params: Params) -> pd.Series:
    """Per state with an attempt: the share of the window's months (given by their first day) spent
    within the trap period after one of its attempts."""
    dates = past["date"]
    ends = (dates + pd.DateOffset(months=params.coup_trap_months)).to_numpy()
    firsts = months.to_numpy()[None, :]
    inside = (firsts > dates.to_numpy()[:, None]) & (firsts <= ends[:, None])  # (attempt, month)
    covered = pd.DataFrame(inside).groupby(past["iso3"].to_numpy()).any()
    return covered.mean(axis=1)


def _exposure(day: pd.Timestamp, kind: str = "exposure") -> pd.Series:
    """Each state's level of exposure to the court on `day` (the largest of its live episodes), or with
    kind="cooperation" of its government's cooperation with the court (exposure.csv, kind cooperation)."""
    rows = datasets.exposure()
    rows = rows[(rows["kind"] == "cooperation") == (kind == "cooperation")]
    live = rows[(rows["start"] <= day) & (rows["end"].isna() | (rows["end"] > day))]
    return live.groupby("iso3")["level"].max()


def _blocs(day: pd.Timestamp, codes: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    rows = datasets.blocs()
    live = rows[(rows["joined"] <= day) & (rows["left"].isna() | (rows["left"] > day))]
    members = np.zeros((len(codes), len(BLOC_CODES)), dtype=bool)
    leads = np.zeros_like(members)
    position = {code: i for i, code in enumerate(codes)}
    for iso3, bloc, role in zip(live["iso3"], live["bloc"], live["role"]):
        members[position[iso3], BLOC_CODES.index(bloc)] = True
        leads[position[iso3], BLOC_CODES.index(bloc)] = role == "lead"
    return members, leads


def _latest(rows: pd.DataFrame, default: float) -> float:
    return float(rows.sort_values("date")["value"].iloc[-1]) if len(rows) else default


def africa_bias(day: pd.Timestamp) -> float:
    """Share of the court's investigations opened by `day` that concern African states."""
    rows = datasets.exposure()
    opened = rows[(rows["kind"] == "investigation") & (rows["start"] <= day)]
    if opened.empty:
        return 0.0
    groups = datasets.states().set_index("iso3")["un_group"]
    return float((groups.reindex(opened["iso3"]) == "AG").mean())


def observed_parties(months: list[int]) -> np.ndarray:
    """The number of States Parties on the first day of each month, from the status record."""
    events = datasets.icc_status()
    starts = events[events["event"] == "entry_into_force"].set_index("iso3")["date"]
    ends = events[events["event"] == "effective"].set_index("iso3")["date"]
    ends = ends.reindex(starts.index)
    days = pd.DatetimeIndex([pd.Timestamp(month // 12, month % 12 + 1, 1) for month in months]).to_numpy()[:, None]
    open_ended = ends.isna().to_numpy()[None, :] | (ends.to_numpy()[None, :] > days)
    return ((starts.to_numpy()[None, :] <= days) & open_ended).sum(axis=1)  # (month, state) compared at once
