"""Naive forecasts from the record before a cutoff, to score the model against.

Per party: the historical rate of episodes per party-year for every party, and the same rate by UN
regional group (Jeffreys: +0.5 events, +1 year, so a zero record gives no zero probability); a joint
episode of k states adds 1/k to each member, so it counts once. For counts of episodes in the horizon:
a Poisson count with the sum of those probabilities as its mean, and a negative binomial fitted to the
yearly episode counts before the cutoff.
"""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from sim.core.months import first_day, month_of
from sim.data import datasets
from sim.experiments import episodes

RECORD_FROM = dt.date(2002, 7, 1)  # the Rome Statute's entry into force


@dataclasses.dataclass(frozen=True)
class NegativeBinomial:
    """Count of episodes over the horizon: scipy's nbinom(n, prob), mean n (1 - prob) / prob; its Poisson
    limit (n infinite, prob 1) with mean `limit_mean` where the record shows no overdispersion."""

    n: float
    prob: float
    limit_mean: float

    @property
    def mean(self) -> float:
        return self.limit_mean if np.isinf(self.n) else self.n * (1 - self.prob) / self.prob


def party_years(cutoff: dt.date) -> pd.Series:
    """ISO3 -> years as a State Party from 2002-07 to the month before the cutoff."""
    events = datasets.icc_status()
    starts = events[events["event"] == "entry_into_force"].set_index("iso3")["date"]
    ends = events[(events["event"] == "effective") & (events["date"] < pd.Timestamp(cutoff))]
    ends = ends.set_index("iso3")["date"].reindex(starts.index)
    starts = starts[starts < pd.Timestamp(cutoff)]
    ends = ends.reindex(starts.index)
    years = pd.Series(0.0, index=starts.index)
    for month in range(month_of(RECORD_FROM), month_of(cutoff)):
        day = pd.Timestamp(first_day(month))
        years += ((starts <= day) & (ends.isna() | (ends > day))) / 12.0
    return years


def episode_shares(event: str, start: dt.date, end: dt.date) -> pd.Series:
    """ISO3 -> its share of the episodes of `event` dated in [start, end] (1/k for each of k members)."""
    found = episodes.recorded(event, start, end)
    size = found.groupby("episode")["iso3"].transform("size")
    return (1.0 / size).groupby(found["iso3"]).sum()


def rates(event: str, cutoff: dt.date, groups: pd.Series) -> tuple[float, pd.Series]:
    """Episodes per party-year before the cutoff, overall and by UN group (`groups`: ISO3 -> group)."""
    years = party_years(cutoff)
    shares = episode_shares(event, RECORD_FROM, cutoff - dt.timedelta(days=1)).reindex(years.index, fill_value=0.0)
    table = pd.DataFrame({"years": years, "events": shares, "group": groups.reindex(years.index)})
    grouped = table.groupby("group")[["years", "events"]].sum()
    overall = (table["events"].sum() + 0.5) / (table["years"].sum() + 1.0)
    return float(overall), (grouped["events"] + 0.5) / (grouped["years"] + 1.0)


def within(rate: float | np.ndarray, horizon_months: int) -> float | np.ndarray:
    """Probability of at least one event in the horizon at a constant yearly rate (per-month chance)."""
    return 1 - (1 - rate) ** (horizon_months / 12.0)


def yearly_counts(event: str, cutoff: dt.date) -> np.ndarray:
    """Episodes in each whole 12-month block before the cutoff, counted back from it, oldest first."""
    found = episodes.recorded(event, RECORD_FROM, cutoff - dt.timedelta(days=1))
    firsts = found.groupby("episode")["month"].min()
    last = month_of(cutoff)
    blocks = (last - month_of(RECORD_FROM)) // 12
    ages = (last - 1 - firsts.to_numpy()) // 12
    return np.bincount(ages[ages < blocks], minlength=blocks)[:blocks][::-1]


def negative_binomial(event: str, cutoff: dt.date, horizon_months: int) -> NegativeBinomial:
    """A negative binomial for the episodes in the horizon, by moments from the yearly counts before the
    cutoff: mean m = (events + 0.5) / (years + 1) a year; size m^2 / (v - m) from the sample variance v
    where v > m, else the Poisson limit; the horizon's count is the sum of h yearly ones, NB(h x size, prob)."""
    counts = yearly_counts(event, cutoff)
    mean = (counts.sum() + 0.5) / (len(counts) + 1.0)
    years = horizon_months / 12.0
    variance = float(counts.var(ddof=1)) if len(counts) > 1 else 0.0
    if variance <= mean:
        return NegativeBinomial(n=float("inf"), prob=1.0, limit_mean=float(mean * years))
    size = mean ** 2 / (variance - mean)
    return NegativeBinomial(n=float(size * years), prob=float(size / (size + mean)), limit_mean=float(mean * years))
