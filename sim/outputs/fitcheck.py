"""Posterior predictive checks of a calibration: the record against runs whose parameters are drawn
from the posterior (Gelman, Meng & Stern 1996, Stat. Sin. 6(4)), statistic by statistic and year by
year, over the calibration's window and with the same replayed history; and the pattern checks a
calibrated model must pass (Grimm et al. 2005, pattern-oriented modelling): rarity before 2016,
clustering, and a plausible share of revocations."""

import dataclasses

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as Canvas

from sim.core.months import first_day, format_month, parse_month
from sim.data import record
from sim.data.posterior import Posterior
from sim.data.world import observed_parties
from sim.experiments.calibration import Calibration, per_run, stages
from sim.model.ensemble import Results, run_ensemble
from sim.model.scenario import Scenario
from sim.outputs.figures import GREY, PALETTE, Figure

CALM_UNTIL = parse_month("2015-12")  # the record has no withdrawal before 2016
REVOKED_PLAUSIBLE = (0.1, 0.6)  # around the record: 3 of 10 announcements 2002-2026 (2 of 5 notifications by 2025)


@dataclasses.dataclass(frozen=True)
class FitCheck:
    """The diagnostic tables: predictive statistics, patterns, and the series behind the figure."""

    statistics: pd.DataFrame  # one row per statistic: the record and its posterior predictive distribution
    patterns: pd.DataFrame
    series: pd.DataFrame  # one row per month: observed parties and announcements, predictive bands


def sample_of(calibration: Calibration) -> Posterior:
    """A calibration's posterior sample as the runs draw from it."""
    return Posterior(calibration.posterior.drop(columns="draw"), "calibration", "")


def check(calibration: Calibration, template: Scenario, runs: int, seed: int) -> FitCheck:
    """Run the coup and withdrawal stages under the posterior and set the record against them."""
    first, last = calibration.window
    results, tables = {}, {}
    for stage in stages(template, first - 1, last):
        results[stage.name] = run_ensemble(stage.scenario, runs, seed, posterior=sample_of(calibration))
        tables[stage.name] = per_run(results[stage.name], stage.scenario)
    simulated = _statistics(results["withdrawals"].events, tables, first, last)
    observed_table = record.record_table(first, last)
    observed = _statistics(record.record_events(first, last).assign(month=lambda f: f["month"].map(format_month)),
                           {"withdrawals": observed_table, "coups": observed_table}, first, last).iloc[0]
    rows = []
    for name in simulated.columns:
        values = simulated[name].dropna().to_numpy(dtype=float)
        q05, median, q95 = np.quantile(values, [0.05, 0.5, 0.95]) if len(values) else (np.nan,) * 3
        rows.append({"statistic": name, "observed": observed[name], "runs": len(values), "mean": values.mean(),
                     "q05": q05, "median": median, "q95": q95,
                     "p_at_most": float((values <= observed[name]).mean()),
                     "p_at_least": float((values >= observed[name]).mean())})
    return FitCheck(pd.DataFrame(rows),
                    _patterns(results["withdrawals"].events, tables["withdrawals"], runs, first, last),
                    _series(results["withdrawals"], first, last))


def _statistics(events: pd.DataFrame, tables: dict[str, pd.DataFrame], first: int, last: int) -> pd.DataFrame:
    """Per run: announcements in each calendar year of the window, distinct announcers, notifications,
    the revoked share of announcements (none where a run has none), effective exits, parties at the end,
    coups and coup attempts."""
    table, coups = tables["withdrawals"], tables["coups"]
    runs = len(table)
    announced = events[events["event"] == "announced"]
    years = range(first // 12, last // 12 + 1)
    by_year = announced.assign(year=announced["month"].str[:4].astype(int)).groupby(["run", "year"]).size()
    frame = pd.DataFrame({f"announcements_{y}": by_year.xs(y, level="year").reindex(range(runs), fill_value=0)
                          .to_numpy() if y in by_year.index.get_level_values("year") else np.zeros(runs, dtype=int)
                          for y in years})
    frame["announcers"] = announced.groupby("run")["iso3"].nunique().reindex(range(runs), fill_value=0).to_numpy()
    frame["notifications"] = table["notifications"].to_numpy()
    frame["revoked_share"] = (table["revocations"] / table["announcements"].where(lambda s: s > 0)).to_numpy()
    frame["exits"] = table["exits"].to_numpy()
    frame["parties_end"] = table["parties_end"].to_numpy()
    frame["coups"] = coups["coups"].to_numpy()
    frame["attempts"] = coups["attempts"].to_numpy()
    return frame


def _months(events: pd.DataFrame) -> pd.DataFrame:
    return events.assign(month=events["month"].map(parse_month))


def _patterns(events: pd.DataFrame, table: pd.DataFrame, runs: int, first: int, last: int) -> pd.DataFrame:
    events = _months(events)
    rows = []
    if first <= CALM_UNTIL:
        calm = events[events["month"] <= CALM_UNTIL]
        for event, label in (("notified", "withdrawal notifications"), ("announced", "announcements")):
            quiet = 1.0 - calm.loc[calm["event"] == event, "run"].nunique() / runs
            rows.append({"check": f"share of runs with no {label} before 2016", "value": quiet,
                         "criterion": "above 0.5 (record: none)", "passed": quiet > 0.5})
    index = table["dispersion_index"].dropna()
    median = float(index.median()) if len(index) else float("nan")
    observed = record.record_table(first, last).iloc[0]
    rows.append({"check": "index of dispersion of yearly announcements (median over runs with any)",
                 "value": median, "criterion": f"above 1 (record: {observed['dispersion_index']:.1f})",
                 "passed": median > 1})
    share = float(table["revocations"].sum() / max(table["announcements"].sum(), 1))
    low, high = REVOKED_PLAUSIBLE
    recorded = f"{observed['revocations']:.0f} of {observed['announcements']:.0f}"
    rows.append({"check": "revoked share of announcements", "value": share,
                 "criterion": f"{low} to {high} (record: {recorded})", "passed": low <= share <= high})
    return pd.DataFrame(rows)


def _series(results: Results, first: int, last: int) -> pd.DataFrame:
    """Parties per month (record, predictive median and 90 % band) and announcements per month (record,
    predictive mean). A run's measures for a month are taken after it, so they are set against the
    record on the next month's first day (the start month's measures are the initial state)."""
    parties = results.timeseries.assign(month=results.timeseries["month"].map(parse_month))
    parties = parties[parties["month"].between(first - 1, last)]
    bands = parties.groupby("month")["parties"].quantile([0.05, 0.5, 0.95]).unstack()
    months = list(range(first - 1, last + 1))
    events = _months(results.events)
    runs = results.runs["run"].nunique()
    announced = events[events["event"] == "announced"].groupby("month").size().reindex(months, fill_value=0) / runs
    observed = record.record_events(first, last)
    observed = observed[observed["event"] == "announced"].groupby("month").size().reindex(months, fill_value=0)
    return pd.DataFrame({"month": [format_month(m) for m in months],
                         "parties_observed": observed_parties([months[0]] + [m + 1 for m in months[1:]]),
                         "parties_q05": bands[0.05].reindex(months).to_numpy(),
                         "parties_median": bands[0.5].reindex(months).to_numpy(),
                         "parties_q95": bands[0.95].reindex(months).to_numpy(),
                         "announcements_observed": observed.to_numpy(),
                         "announcements_simulated": announced.to_numpy()})


def yearly(fit: FitCheck) -> pd.DataFrame:
    """The announcements-per-year rows of the predictive table, with their year."""
    rows = fit.statistics[fit.statistics["statistic"].str.fullmatch(r"announcements_\d{4}")]
    return rows.assign(year=rows["statistic"].str[-4:].astype(int))


def figure(fit: FitCheck) -> Figure:
    """States Parties and announcements per year: the record against the posterior predictive runs."""
    years = yearly(fit).set_index("year")

    def draw(canvas: Canvas, data: pd.DataFrame) -> None:
        top, bottom = canvas.subplots(2, 1)
        dates = [first_day(parse_month(m)) for m in data["month"]]
        top.fill_between(dates, data["parties_q05"], data["parties_q95"], color=PALETTE[0], alpha=0.25, lw=0,
                         label="posterior predictive, 90 % of runs")
        top.plot(dates, data["parties_median"], color=PALETTE[0], lw=1, label="posterior predictive, median")
        top.plot(dates, data["parties_observed"], color=GREY, lw=1, ls="--", label="record")
        top.set_ylabel("States Parties")
        top.legend(fontsize=6, loc="lower right")
        bottom.bar(years.index, years["observed"], width=0.7, color=GREY, alpha=0.6, label="record")
        bottom.errorbar(years.index, years["median"], yerr=[years["median"] - years["q05"],
                                                            years["q95"] - years["median"]],
                        fmt="o", ms=2, lw=0.8, color=PALETTE[1], label="posterior predictive, median and 90 %")
        bottom.plot(years.index, years["mean"], color=PALETTE[1], lw=0.6, ls=":", label="posterior predictive, mean")
        bottom.set_ylabel("Announcements a year")
        bottom.legend(fontsize=6, loc="upper left")

    return Figure("fit", "Posterior predictive check: the record against runs drawn from the posterior",
                  "Top: States Parties on the first day of each month, the record (dashed) and the median and 90 % "
                  "band of hindcast runs whose parameters are drawn from the posterior, with the record's coups, "
                  "juntas, patrons, court events, exposure and ideal points replayed. Bottom: withdrawal "
                  "announcements per year, recorded (bars) and the runs' median with its 90 % interval (points) "
                  "and mean (dotted).", fit.series, draw, aspect=0.9)
