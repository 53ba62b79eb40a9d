"""One forecast origin of a backtest: calibrate on the record before the cutoff, forecast the horizon after
it with the posterior (run i draws its parameter set from the posterior sample by (seed, i)), and set the
forecast beside what happened and beside the naive baselines.

Unconditional by default (`none`): after the cutoff the model generates its own coups, juntas and patron
changes. `known` replays the record's exogenous shocks after the cutoff: a forecast given the future,
for conditional analysis only.
"""

import concurrent.futures as cf
import dataclasses
import datetime as dt
from typing import Callable

import numpy as np
import pandas as pd

from sim.core.errors import UserError
from sim.core.months import first_day, format_month, month_of, parse_month
from sim.data import datasets
from sim.experiments import baselines, calibration, episodes
from sim.experiments.execution import InlineExecutor
from sim.model import ensemble
from sim.model.draws import draw_indices
from sim.model.scenario import Scenario

SHOCKS = ("none", "known")
# fed with --shocks known; not the ideal points, which the model moves itself after the cutoff
KNOWN_SHOCKS = ("coups", "juntas", "governments", "patrons", "court", "exposure")
MIN_HORIZON = 12  # months an origin must have before the data's end to be scored
BUDGET = calibration.Budget(150, 2000)  # three quarters of the shipped population, a fifth of its runs, per origin: see the README for the cost
TARGETS = {"announced": "announcement episodes", "withdrawn": "effective exit episodes"}  # model event: target
RECORD_EVENT = {"announced": "announced", "withdrawn": "effective"}


@dataclasses.dataclass(frozen=True)
class Posterior:
    """What a calibration hands the forecast: a sample of parameter sets and its summary table."""

    sample: pd.DataFrame  # one row per parameter set, one column per fitted parameter
    summary: pd.DataFrame  # one row per parameter (format of sim/data/calibration.csv)


# template, last month, budget, seed, executor
Calibrate = Callable[[Scenario, int, calibration.Budget, int, cf.Executor], Posterior]


def abc_smc(template: Scenario, last: int, budget: calibration.Budget, seed: int, executor: cf.Executor) -> Posterior:
    """The project's ABC-SMC (sim.experiments.calibration) on the record from 2002-07 to `last`."""
    fitted = calibration.fit(template, calibration.FIRST_START, last, budget, seed, executor)
    return Posterior(fitted.posterior.drop(columns="draw"), calibration.adopted(fitted, seed))


@dataclasses.dataclass(frozen=True)
class Origin:
    """One origin's forecasts and outcomes."""

    units: pd.DataFrame  # per scoring unit (a party, or the parties of one joint episode)
    counts: pd.DataFrame  # per run: simulated episodes of each target
    summary: pd.DataFrame  # one row: window, observed counts, count baselines
    posterior: pd.DataFrame  # the calibration's summary


def horizon_at(cutoff: dt.date, horizon_months: int) -> int:
    """The months scored from a cutoff: the horizon, cut at the data's end (at least MIN_HORIZON)."""
    if not dt.date(2003, 7, 1) <= cutoff <= datasets.DATA_END:
        raise UserError(f"cutoff {cutoff}: must fall on or after 2003-07-01 (a year of record to calibrate on) "
                        f"and on or before {datasets.DATA_END}")
    left = month_of(datasets.DATA_END) - month_of(cutoff)
    if left < MIN_HORIZON:
        raise UserError(f"cutoff {cutoff}: only {left} months of record follow it before the data's end "
                        f"({datasets.DATA_END}); at least {MIN_HORIZON} are needed to score a forecast")
    return min(horizon_months, left)


def scenario_at(template: Scenario, cutoff: dt.date, horizon_months: int, shocks: str) -> Scenario:
    """The template's parameters, started at the cutoff month, with the record's shocks replayed or not."""
    start = month_of(cutoff)
    months = horizon_at(cutoff, horizon_months)
    replay = KNOWN_SHOCKS if shocks == "known" else ()
    # the replayed shocks replace the model's own coups, junta exits and patron switches (pinned: no draw
    # of the posterior brings them back)
    shocked = template.with_params({"coup_multiplier": 0.0, "junta_exit_rate": 0.0, "patron_switch": 0.0},
                                   where="--shocks known") if replay else template
    return dataclasses.replace(shocked.with_window(start, start + months), name=f"backtest-{cutoff}",
                               events=(), replay=replay)


def forecast(template: Scenario, sample: pd.DataFrame, cutoff: dt.date, horizon_months: int, runs: int,
             seed: int, shocks: str, threads: int | None = None) -> pd.DataFrame:
    """The posterior ensemble's events (run, month as an ordinal, iso3, event) over the horizon, on `threads`
    threads (default: all cores); run i takes the sample's draw of (seed, i), as a forecast does."""
    every = np.arange(runs, dtype=np.int64)
    chosen = draw_indices(seed, every.tolist(), len(sample))
    events = ensemble.run_drawn(scenario_at(template, cutoff, horizon_months, shocks),
                                sample.iloc[chosen].reset_index(drop=True), seed, every, threads=threads).events
    events = events[events["event"].isin(list(TARGETS))]
    events = events.assign(month=events["month"].map(parse_month))
    return events.sort_values(["run", "month", "iso3", "event"], ignore_index=True)


def units(parties: pd.DataFrame, announced: pd.DataFrame, events: pd.DataFrame, runs: int,
          rates: tuple[float, pd.Series], months: int) -> pd.DataFrame:
    """Scoring units: each joint episode of the record is one unit of its members (P = chance that any
    of them announces), every other party is one of its own."""
    members = announced.groupby("episode")["iso3"].agg(lambda s: tuple(sorted(s)))
    grouped = {iso3: group for group in members for iso3 in group}
    overall, by_group = rates
    p_regional = baselines.within(parties["un_group"].map(by_group).fillna(overall), months)
    p_historical = baselines.within(overall, months)
    ran = events[events["event"] == "announced"].groupby("iso3")["run"].agg(set)
    rows = []
    for group in dict.fromkeys(grouped.get(iso3, (iso3,)) for iso3 in parties.index):
        hit = set().union(*(ran.get(iso3, set()) for iso3 in group))
        rows.append({"unit": "+".join(group), "states": len(group),
                     "name": "; ".join(parties.loc[list(group), "name"]),
                     "un_group": "; ".join(dict.fromkeys(parties.loc[list(group), "un_group"])),
                     "p_model": len(hit) / runs,
                     "p_historical": 1 - (1 - p_historical) ** len(group),
                     "p_regional": 1 - float(np.prod(1 - p_regional.loc[list(group)])),
                     "announced": int(group[0] in grouped)})
    table = pd.DataFrame(rows)
    table["model_rank"] = table["p_model"].rank(ascending=False, method="min").astype(int)
    return table.sort_values(["p_model", "unit"], ascending=[False, True], ignore_index=True)


def run(template: Scenario, cutoff: dt.date, horizon_months: int, runs: int, seed: int, shocks: str,
        budget: calibration.Budget, calibrate: Calibrate = abc_smc, executor: cf.Executor | None = None,
        point: bool = False, threads: int | None = None) -> Origin:
    """Calibrate on the record before the cutoff month, forecast from the cutoff with the posterior (or,
    with `point`, every run at its medians), and set the forecasts beside the record and the baselines."""
    base = scenario_at(template, cutoff, horizon_months, shocks)  # checks the window before calibrating
    months = base.end - base.start
    posterior = calibrate(template, month_of(cutoff) - 1, budget, seed, executor or InlineExecutor())
    sample = (pd.DataFrame([dict(zip(posterior.summary["parameter"], posterior.summary["value"]))]) if point
              else posterior.sample)
    events = forecast(template, sample, cutoff, horizon_months, runs, seed, shocks, threads)
    table = ensemble.world_for(base).table.set_index("iso3")
    parties = table[table["status"] == "party"]
    first, last = first_day(base.start + 1), first_day(base.end + 1) - dt.timedelta(days=1)
    window = f"{format_month(base.start + 1)} to {format_month(base.end)}"
    summary = {"origin": str(cutoff), "window": window, "horizon_months": months, "parties": len(parties)}
    counts = pd.DataFrame({"origin": str(cutoff), "run": range(runs)})
    announcers = episodes.recorded("announced", first, last)
    announcers = announcers[announcers["iso3"].isin(parties.index)]
    scored = units(parties, announcers, events, runs, baselines.rates("announced", cutoff, table["un_group"]), months)
    pending = table[table["status"].isin(["party", "announced", "notified"])]  # those that can exit in the window
    for event, target, at_risk in (("announced", TARGETS["announced"], parties),
                                   ("withdrawn", TARGETS["withdrawn"], pending)):
        column = target.replace(" ", "_")
        counts[column] = episodes.count(events[events["event"] == event], runs).to_numpy()
        observed = announcers if event == "announced" else episodes.recorded(RECORD_EVENT[event], first, last)
        summary |= {f"{column}_observed": int(observed["episode"].nunique()),
                    **count_baselines(RECORD_EVENT[event], cutoff, table["un_group"], at_risk, months, column)}
    scored.insert(0, "origin", str(cutoff))
    return Origin(scored, counts, pd.DataFrame([summary]), posterior.summary.assign(origin=str(cutoff)))


def count_baselines(event: str, cutoff: dt.date, groups: pd.Series, at_risk: pd.DataFrame, months: int,
                    column: str) -> dict[str, float]:
    """The count baselines of a target: Poisson means from the two base rates (`groups`: every state's UN
    group) over the states at risk, and the negative binomial of the yearly record."""
    overall, by_group = baselines.rates(event, cutoff, groups)
    p_regional = baselines.within(at_risk["un_group"].map(by_group).fillna(overall), months)
    nb = baselines.negative_binomial(event, cutoff, months)
    return {f"{column}_historical_mean": float(baselines.within(overall, months) * len(at_risk)),
            f"{column}_regional_mean": float(p_regional.sum()),
            f"{column}_nb_n": nb.n, f"{column}_nb_prob": nb.prob, f"{column}_nb_mean": nb.limit_mean}
