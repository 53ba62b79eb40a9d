"""Quantile summaries of an ensemble's time series."""

from typing import Callable

import numpy as np
import pandas as pd

from sim.model.draws import RUNS_PER_DRAW
from sim.model.dynamics import MEASURES

QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per month and measure: the median and the 5/25/75/95 % quantiles over runs (every run has every
    month). One quantile call per measure over a (month, run) array, not one per month, on rows sorted
    first: the same order statistics, found faster."""
    codes, months = pd.factorize(timeseries["month"], sort=True)
    by_month = _by_month(codes, len(months))
    levels = list(QUANTILES.values())
    table = np.stack([np.quantile(np.sort(by_month(timeseries[m].to_numpy(dtype=float)), axis=1), levels, axis=1).T
                      for m in MEASURES], axis=1)  # (month, measure, quantile)
    return pd.DataFrame({"month": np.repeat(np.asarray(months, dtype=object), len(MEASURES)),
                         "measure": np.tile(np.array(MEASURES, dtype=object), len(months)),
                         **{name: table[:, :, q].reshape(-1) for q, name in enumerate(QUANTILES)}})


def _by_month(codes: np.ndarray, months: int) -> Callable[[np.ndarray], np.ndarray]:
    """A column's values as a (month, run) array, given each row's month code: a transposed copy when
    the rows come run by run, each run's months in order (as the ensemble writes them), else a gather."""
    runs = len(codes) // max(months, 1)
    if np.array_equal(codes, np.tile(np.arange(months), runs)):
        return lambda values: np.ascontiguousarray(values.reshape(runs, months).T)
    order = np.argsort(codes, kind="stable")  # rows grouped by month
    return lambda values: values[order].reshape(months, runs)


VARIANCE_OUTCOMES = {"parties_end": "States Parties at the horizon", "further_exits": "further exits by the horizon"}


def variance_split(runs: pd.DataFrame) -> pd.DataFrame:
    """Split each outcome's variance over runs by the law of total variance over posterior draws:
    Var(Y) = Var(E[Y | draw]) + E[Var(Y | draw)], the parameter and the run-to-run part. Consecutive
    runs share a draw (sim.model.draws), so the run-to-run part is the mean sample variance within complete
    groups, an unbiased estimate; the parameter part is the rest of the sample variance."""
    runs = runs.sort_values("run")
    group = runs["run"] // RUNS_PER_DRAW
    complete = group.map(group.value_counts()) == RUNS_PER_DRAW
    rows = []
    for outcome, label in VARIANCE_OUTCOMES.items():
        values = runs[outcome].to_numpy(dtype=float)
        total = float(np.var(values, ddof=1)) if len(values) > 1 else float("nan")
        groups = values[complete.to_numpy()].reshape(-1, RUNS_PER_DRAW)
        within = float(np.mean(np.var(groups, axis=1, ddof=1))) if len(groups) else float("nan")
        parameter = max(total - within, 0.0)
        rows.append({"outcome": outcome, "label": label, "runs": len(values), "draws": int(runs["draw"].nunique()),
                     "total_variance": total, "parameter_variance": parameter, "run_variance": total - parameter,
                     "parameter_share": parameter / total if total > 0 else float("nan")})
    return pd.DataFrame(rows)


def describe_split(split: pd.DataFrame) -> str:
    """One line per outcome, for the terminal: the variance and its two parts."""
    return "\n".join(
        f"{row.label}: variance {row.total_variance:.1f} = parameters {row.parameter_variance:.1f} "
        f"({100 * row.parameter_share:.0f} %) + run-to-run {row.run_variance:.1f} "
        f"({100 * (1 - row.parameter_share):.0f} %)" for row in split.itertuples())
