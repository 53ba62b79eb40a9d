"""Paired comparison of scenarios run with common random numbers.

Run i of every scenario uses the same random streams, so the per-run difference from the first
scenario isolates the scenario's effect; its quantiles over runs give the paired interval.
"""

import numpy as np
import pandas as pd

from sim.model.ensemble import Results
from sim.model.scenario import Scenario
from sim.store.exits import group_exits

HORIZONS = ("2030-12", "2035-12")  # "in 2030" and "in 2035": the end of each year
EXIT_THRESHOLDS = (1, 5, 10)


def _at(results: Results, month: str, measure: str) -> pd.Series | None:
    """A measure per run at a month, or None when the scenario's window does not reach it."""
    rows = results.timeseries[results.timeseries["month"] == month]
    return rows.set_index("run")[measure] if len(rows) else None


def _band(values: pd.Series | None, prefix: str) -> dict[str, float]:
    if values is None:
        return {f"{prefix}_median": np.nan, f"{prefix}_q05": np.nan, f"{prefix}_q95": np.nan}
    q05, median, q95 = np.quantile(values.to_numpy(dtype=float), [0.05, 0.5, 0.95])
    return {f"{prefix}_median": median, f"{prefix}_q05": q05, f"{prefix}_q95": q95}


def _mean_interval(values: pd.Series | None, prefix: str) -> dict[str, float]:
    """Mean with its 90 % confidence interval (normal approximation over runs)."""
    if values is None:
        return {prefix: np.nan, f"{prefix}_lo": np.nan, f"{prefix}_hi": np.nan}
    mean = float(values.mean())
    half = 1.645 * float(values.std(ddof=1)) / np.sqrt(len(values)) if len(values) > 1 else np.nan
    return {prefix: mean, f"{prefix}_lo": mean - half, f"{prefix}_hi": mean + half}


def comparison_table(names: list[str], results: list[Results],
                     horizons: tuple[str, ...] = HORIZONS, scenarios: list[Scenario] | None = None) -> pd.DataFrame:
    """One row per scenario: parties at each horizon month (by default the ends of 2030 and 2035),
    chances of further exits (any, and, when the scenarios are given, of an EU member, one other than
    Hungary and a WEOG state, by the scenario's end), the population share and the paired difference in
    parties from the first scenario at the last horizon. Columns are named by the horizons' years."""
    last, year = horizons[-1], horizons[-1][:4]
    first_parties = _at(results[0], last, "parties")
    rows = []
    for i, (name, result) in enumerate(zip(names, results)):
        row: dict[str, object] = {"scenario": name, "runs": len(result.runs)}
        for month in horizons:
            row |= _band(_at(result, month, "parties"), f"parties_{month[:4]}")
        further = _at(result, last, "further_exits")
        for k in EXIT_THRESHOLDS:
            row[f"p_further_exits_ge{k}_by_{year}"] = np.nan if further is None else float((further >= k).mean())
        if scenarios is not None:
            row |= group_exits(result, scenarios[i])
        share = _at(result, last, "population_share")
        row[f"population_share_{year}_median"] = np.nan if share is None else float(share.median())
        parties = _at(result, last, "parties")
        paired = None if parties is None or first_parties is None else parties - first_parties
        row |= _band(paired, f"diff_parties_{year}") | _mean_interval(paired, f"diff_parties_{year}_mean")
        rows.append(row)
    return pd.DataFrame(rows)
