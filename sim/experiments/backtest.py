"""Out-of-sample backtest: calibrate on the record before a cutoff, start the model at the cutoff with
the world as known then, and score its per-state probabilities of announcing withdrawal against what
happened next and against two naive baselines (the historical base rate for all parties, and a base
rate by UN regional group).
"""

import concurrent.futures as cf
import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from sim.core.errors import UserError
from sim.core.months import first_day, format_month, month_of
from sim.data import datasets
from sim.data.posterior import Posterior
from sim.experiments import calibration
from sim.model.ensemble import Results, run_ensemble, world_for
from sim.model.scenario import Scenario

SHOCKS = ("known", "none")
BUDGET = calibration.Budget(150, 2000)  # a quarter of the shipped calibration's: a backtest refits at every cutoff
# fed with --shocks known; not the ideal points, which the model moves itself after the cutoff
KNOWN_SHOCKS = ("coups", "juntas", "patrons", "court", "exposure")


@dataclasses.dataclass(frozen=True)
class Backtest:
    """Per-state forecasts and outcomes, and the scores of the model and the baselines."""

    states: pd.DataFrame
    scores: pd.DataFrame
    calibration: calibration.Calibration  # fitted on the record before the cutoff


def announcements(start: dt.date, end: dt.date) -> pd.Series:
    """ISO3 -> first date a state announced or notified withdrawal in (start, end], from the record."""
    events = datasets.icc_status()
    steps = events[events["event"].isin(["announced", "notified"])]
    steps = steps[(steps["date"] > pd.Timestamp(start)) & (steps["date"] <= pd.Timestamp(end))]
    return steps.groupby("iso3")["date"].min()


def base_rates(cutoff: dt.date, groups: pd.Series) -> tuple[float, pd.Series]:
    """Announcements per party-year before the cutoff, overall and by UN group (Jeffreys: +0.5, +1)."""
    first = dt.date(2002, 7, 1)
    months = [m for m in range(month_of(first), month_of(cutoff))]
    events = datasets.icc_status()
    starts = events[events["event"] == "entry_into_force"].set_index("iso3")["date"]
    ends = events[events["event"] == "effective"].set_index("iso3")["date"].reindex(starts.index)
    years = pd.Series(0.0, index=starts.index)
    for month in months:
        day = pd.Timestamp(month // 12, month % 12 + 1, 1)
        years += ((starts <= day) & (ends.isna() | (ends > day))) / 12.0
    counts = announcements(first, cutoff - dt.timedelta(days=1)).index.value_counts().reindex(years.index, fill_value=0)
    by_group = pd.DataFrame({"years": years, "events": counts, "group": groups.reindex(years.index)})
    grouped = by_group.groupby("group")[["years", "events"]].sum()
    overall = (by_group["events"].sum() + 0.5) / (by_group["years"].sum() + 1.0)
    return float(overall), (grouped["events"] + 0.5) / (grouped["years"] + 1.0)


def _brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def _log_score(p: np.ndarray, y: np.ndarray, floor: float) -> float:
    p = np.clip(p, floor, 1 - floor)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def scenario_at(template: Scenario, cutoff: dt.date, horizon_months: int, shocks: str) -> Scenario:
    """The template's parameters, started at the cutoff month, with the record's shocks replayed or not."""
    if not dt.date(2003, 7, 1) <= cutoff <= datasets.DATA_END:
        raise UserError(f"--cutoff {cutoff}: must fall on or after 2003-07-01 (a year of record to calibrate on) "
                        f"and on or before {datasets.DATA_END}")
    start = month_of(cutoff)
    if start + horizon_months > month_of(datasets.DATA_END):
        raise UserError(f"--horizon-months {horizon_months}: from {format_month(start)} it goes past the data's "
                        f"end ({datasets.DATA_END}), where no outcome can be scored")
    replay = KNOWN_SHOCKS if shocks == "known" else ()
    window = dataclasses.replace(template.with_window(start, start + horizon_months), name=f"backtest-{cutoff}",
                                 events=(), replay=replay)
    return window.with_params({"coup_multiplier": 0.0, "junta_exit_rate": 0.0, "patron_switch": 0.0}
                              if replay else {}, where="backtest")


def run(template: Scenario, cutoff: dt.date, horizon_months: int, runs: int, seed: int, shocks: str,
        budget: calibration.Budget, executor: cf.Executor, point: bool = False, in_flight: int = 8) -> Backtest:
    """Calibrate on the record before the cutoff month, forecast from the cutoff with each run's parameters
    drawn from that calibration's posterior (or, with `point`, all at its medians) and score the forecast
    against the record."""
    scenario_at(template, cutoff, horizon_months, shocks)  # checks the window before calibrating
    first = calibration.FIRST_START
    fitted = calibration.fit(template, first, month_of(cutoff) - 1, budget, seed, executor, in_flight)
    values = dict(zip(fitted.fitted["parameter"], fitted.fitted["value"]))
    # the medians become the scenario's defaults (not pinned), so that posterior draws replace them
    chosen = scenario_at(dataclasses.replace(template, params=template.params.replace(values, "calibration")),
                         cutoff, horizon_months, shocks)
    table = world_for(chosen).table.set_index("iso3")
    parties = table[table["status"] == "party"]
    sample = None if point else Posterior(fitted.posterior.drop(columns="draw"), f"backtest calibration to {cutoff}", "")
    results: Results = run_ensemble(chosen, runs, seed, posterior=sample)
    announced = results.events[results.events["event"] == "announced"].groupby("iso3")["run"].nunique()
    # the model simulates the months after the start month; score what happened in those months
    observed = announcements(first_day(chosen.start + 1) - dt.timedelta(days=1),
                             first_day(chosen.end + 1) - dt.timedelta(days=1))
    overall, by_group = base_rates(cutoff, table["un_group"])
    years = horizon_months / 12.0
    states = pd.DataFrame({
        "iso3": parties.index,
        "name": parties["name"].to_numpy(),
        "un_group": parties["un_group"].to_numpy(),
        "p_model": parties.index.map(announced).fillna(0).to_numpy() / runs,
        "p_base_rate": 1 - (1 - overall) ** years,
        "p_regional_rate": 1 - (1 - parties["un_group"].map(by_group).to_numpy()) ** years,
        "announced": parties.index.isin(observed.index).astype(int),
    })
    states["model_rank"] = states["p_model"].rank(ascending=False, method="min").astype(int)
    y = states["announced"].to_numpy()
    floor = 0.5 / runs
    scores = pd.DataFrame([
        {"forecast": name, "brier": _brier(states[column].to_numpy(), y),
         "log_score": _log_score(states[column].to_numpy(), y, floor),
         "predicted_count": float(states[column].sum()), "observed_count": int(y.sum())}
        for name, column in (("model", "p_model"), ("historical base rate", "p_base_rate"),
                             ("regional base rate", "p_regional_rate"))])
    scores.insert(0, "window", f"{format_month(chosen.start + 1)} to {format_month(chosen.end)}")
    return Backtest(states.sort_values(["p_model", "iso3"], ascending=[False, True], ignore_index=True), scores,
                    fitted)
