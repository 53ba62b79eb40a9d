"""The calibration targets: summary statistics of withdrawals, accessions and coups over a window of
months, computed the same way from the historical record and from simulated runs.

Only record rows dated inside the window are read, so a calibration on the record before a cutoff
cannot see anything that happened after it.
"""

import datetime as dt

import numpy as np
import pandas as pd

from sim.core.months import format_month, month_of
from sim.data import datasets
from sim.data.world import observed_parties

# Periods of the record (first and last month), whose announcement counts are fitted separately: the
# calm first years, the 2016-18 African episode, and the junta and Israel-related exits since 2020.
ERAS = ((month_of(dt.date(2002, 7, 1)), month_of(dt.date(2015, 12, 1))),
        (month_of(dt.date(2016, 1, 1)), month_of(dt.date(2019, 12, 1))),
        (month_of(dt.date(2020, 1, 1)), month_of(datasets.DATA_END)))
# Accessions after the founding ratification wave: the trickle the accession rule describes.
MATURE_FROM = month_of(dt.date(2012, 1, 1))
WITHDRAWAL_STATISTICS = ("announcements_max_year", "notifications", "revoked_share", "exits", "accessions_mature",
                         "parties_end")
COUP_STATISTICS = ("coups_per_year", "attempts_per_year")
RECORD_EVENTS = {"announced": "announced", "notified": "notified", "revoked": "revoked", "effective": "withdrawn",
                 "entry_into_force": "entered_into_force"}


def eras(first: int, last: int) -> list[tuple[str, int, int]]:
    """(statistic, first month, last month) of the announcement counts of the eras inside first..last."""
    inside = [(max(a, first), min(b, last)) for a, b in ERAS if a <= last and b >= first]
    return [(f"announcements_{format_month(a)}_{format_month(b)}", a, b) for a, b in inside]


def record_events(first: int, last: int) -> pd.DataFrame:
    """The record as model events (run 0), months first..last: the first announcement of each
    withdrawal (or its notification, if earlier), notifications, revocations, effective exits,
    entries into force, successful coups and failed attempts."""
    status = datasets.icc_status()
    status = status[status["event"].isin(list(RECORD_EVENTS))].assign(month=lambda f: f["date"].map(month_of))
    status = status[status["month"].between(first, last)]
    steps = status[status["event"].isin(["announced", "notified"])]
    announced = steps.sort_values("date").groupby("iso3", as_index=False).first().assign(event="announced")
    others = status[status["event"] != "announced"].assign(event=lambda f: f["event"].map(RECORD_EVENTS))
    coups = datasets.coups().assign(month=lambda f: f["date"].map(month_of))
    coups = coups[coups["month"].between(first, last)].assign(
        event=lambda f: np.where(f["outcome"] == "successful", "coup", "coup_attempt"))
    rows = pd.concat([frame[["month", "iso3", "event"]] for frame in (announced, others, coups)], ignore_index=True)
    return rows.assign(run=0)[["run", "month", "iso3", "event"]]


def record_table(first: int, last: int) -> pd.DataFrame:
    """The record over months first..last (the months a run started at `first - 1` simulates) as one run."""
    return per_run(record_events(first, last), 1, np.array([observed_parties([last + 1])[0]]), first, last)


def per_run(events: pd.DataFrame, runs: int, parties_end: np.ndarray, first: int, last: int) -> pd.DataFrame:
    """Counts per run over months first..last. `events` has columns run (0..runs-1), month (ordinal) and
    event; `parties_end` is each run's number of parties after the last month."""
    inside = events[events["month"].between(first, last)]
    run = inside["run"].to_numpy()

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(run[mask], minlength=runs)

    event, month = inside["event"].to_numpy(), inside["month"].to_numpy()
    announced = event == "announced"
    table = {name: count(announced & (month >= a) & (month <= b)) for name, a, b in eras(first, last)}
    years = np.zeros((runs, last // 12 - first // 12 + 1), dtype=np.int64)
    np.add.at(years, (run[announced], month[announced] // 12 - first // 12), 1)
    table |= {
        "announcements": count(announced),
        "announcements_max_year": years.max(axis=1),
        "notifications": count(event == "notified"),
        "revocations": count(event == "revoked"),
        "exits": count(event == "withdrawn"),
        "accessions_mature": count((event == "entered_into_force") & (month >= MATURE_FROM)),
        "parties_end": np.asarray(parties_end, dtype=float),
        "coups": count(event == "coup"),
        "attempts": count((event == "coup") | (event == "coup_attempt")),
    }
    frame = pd.DataFrame(table)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = years.mean(axis=1)
        frame["dispersion_index"] = np.where(mean > 0, years.var(axis=1) / np.where(mean > 0, mean, 1), np.nan)
    return frame


def statistics(table: pd.DataFrame, first: int, last: int) -> dict[str, float]:
    """The targets from a per-run table: means over runs, the revoked share of all announcements, and
    coups and attempts per year."""
    years = (last - first + 1) / 12.0
    announced = table["announcements"].sum()
    result = {name: float(table[name].mean()) for name, _, _ in eras(first, last)}
    result |= {name: float(table[name].mean()) for name in WITHDRAWAL_STATISTICS if name != "revoked_share"}
    result["revoked_share"] = float(table["revocations"].sum() / announced) if announced else 0.0
    result |= {"coups_per_year": float(table["coups"].mean() / years),
               "attempts_per_year": float(table["attempts"].mean() / years)}
    return result
