"""Fit diagnostics of a calibration: the record against runs at the fitted values, statistic by
statistic and over time, and the pattern checks a calibrated model must pass (Grimm et al. 2005,
pattern-oriented modelling): rarity before 2016, clustering, and a plausible share of revocations."""

import dataclasses

import pandas as pd
from matplotlib.figure import Figure as Canvas

from sim.core.months import first_day, format_month, parse_month
from sim.data import record
from sim.data.world import observed_parties
from sim.experiments.calibration import Calibration, simulate, stages
from sim.model.scenario import Scenario
from sim.outputs.figures import GREY, PALETTE, Figure

CALM_UNTIL = parse_month("2015-12")  # the record has no withdrawal before 2016
REVOKED_PLAUSIBLE = (0.1, 0.6)  # around the record: 3 of 10 announcements 2002-2026 (2 of 5 notifications by 2025)


@dataclasses.dataclass(frozen=True)
class FitCheck:
    """The diagnostic tables: statistics, patterns, and the series behind the figure."""

    statistics: pd.DataFrame
    patterns: pd.DataFrame
    series: pd.DataFrame  # one row per month: observed parties and announcements, simulated bands


def check(calibration: Calibration, template: Scenario, runs: int, seed: int) -> FitCheck:
    """Run the coup and withdrawal stages at the fitted values and compare them with the record."""
    first, last = calibration.window
    values = dict(zip(calibration.fitted["parameter"], calibration.fitted["value"]))
    tables, results = {}, {}
    for stage in stages(template, first - 1, last):
        fitted = {name: values[name] for name in stage.priors}
        results[stage.name], tables[stage.name] = simulate(stage.scenario, fitted, runs, seed)
    coups, withdrawals = tables["coups"], tables["withdrawals"]
    years = (last - first + 1) / 12.0
    per_run = {name: withdrawals[name] for name, _, _ in record.eras(first, last)}
    per_run |= {name: withdrawals[name] for name in record.WITHDRAWAL_STATISTICS if name != "revoked_share"}
    per_run |= {"revoked_share": withdrawals["revocations"] / withdrawals["announcements"].where(lambda s: s > 0),
                "coups_per_year": coups["coups"] / years, "attempts_per_year": coups["attempts"] / years}
    simulated = record.statistics(withdrawals, first, last) | {
        name: record.statistics(coups, first, last)[name] for name in record.COUP_STATISTICS}
    rows = []
    for name, values_by_run in per_run.items():
        draws = calibration.draws.dropna(subset=[name])
        accepted = draws[draws["accepted"]]
        rows.append({"statistic": name, "observed": calibration.observed[name],
                     "prior_q05": draws[name].quantile(0.05), "prior_q95": draws[name].quantile(0.95),
                     "accepted_q05": accepted[name].quantile(0.05), "accepted_q95": accepted[name].quantile(0.95),
                     "fitted_mean": simulated[name], "fitted_q05": values_by_run.quantile(0.05),
                     "fitted_q95": values_by_run.quantile(0.95)})
    return FitCheck(pd.DataFrame(rows), _patterns(results["withdrawals"].events, withdrawals, runs, first, last),
                    _series(results["withdrawals"], first, last))


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


def _series(results, first: int, last: int) -> pd.DataFrame:  # noqa: ANN001 - ensemble Results
    """Parties per month (record, simulated median and 90 % band) and announcements per month. A run's
    measures for a month are taken after it, so they are set against the record on the next month's
    first day (the start month's measures are the initial state, on its first day)."""
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


def figure(fit: FitCheck) -> Figure:
    """States Parties and announcements per year: the record against runs at the fitted values."""
    def draw(canvas: Canvas, data: pd.DataFrame) -> None:
        top, bottom = canvas.subplots(2, 1, sharex=True)
        dates = [first_day(parse_month(m)) for m in data["month"]]
        top.fill_between(dates, data["parties_q05"], data["parties_q95"], color=PALETTE[0], alpha=0.25, lw=0,
                         label="fitted, 90 % of runs")
        top.plot(dates, data["parties_median"], color=PALETTE[0], lw=1, label="fitted, median")
        top.plot(dates, data["parties_observed"], color=GREY, lw=1, ls="--", label="record")
        top.set_ylabel("States Parties")
        top.legend(fontsize=6, loc="lower right")
        yearly = data.assign(year=data["month"].str[:4].astype(int)).groupby("year")[
            ["announcements_observed", "announcements_simulated"]].sum()
        mid_year = [first_day(parse_month(f"{y}-07")) for y in yearly.index]
        bottom.bar(mid_year, yearly["announcements_observed"], width=200, color=GREY, alpha=0.6, label="record")
        bottom.plot(mid_year, yearly["announcements_simulated"], color=PALETTE[1], marker="o", ms=2, lw=1,
                    label="fitted, mean of runs")
        bottom.set_ylabel("Announcements a year")
        bottom.legend(fontsize=6, loc="upper left")

    return Figure("fit", "Calibration fit: the record against runs at the fitted values",
                  "Top: States Parties on the first day of each month, the record (dashed) and the median and 90 % "
                  "band of hindcast runs at the fitted parameters, with the record's coups, juntas, patrons, court "
                  "events and exposure replayed. Bottom: withdrawal announcements per year, recorded (bars) and the "
                  "mean of the runs (line).", fit.series, draw, aspect=0.9)
