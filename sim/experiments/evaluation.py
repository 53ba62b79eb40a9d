"""Scores of a backtest's origins: per origin and pooled, each baseline's difference from the model with
a block-bootstrap interval, and the tables of the reliability diagram and the PIT histogram.

Targets: whether each party announces within the horizon (Brier and log score; a joint episode is one
unit), and the counts of announcement episodes and of effective exit episodes per origin (CRPS and log
score). A difference is the model's score minus the baseline's: below zero, the model is better.
"""

import numpy as np
import pandas as pd

from sim.experiments import scoring
from sim.experiments.backtest import TARGETS

PARTY_TARGET = "party announces"
PARTY_FORECASTS = {"model": "p_model", "historical base rate": "p_historical", "regional base rate": "p_regional"}
COUNT_FORECASTS = ("model", "historical base rate", "regional base rate", "negative binomial")


def party_scores(units: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Per unit and forecast: Brier and log score (columns origin, unit, score, then one per forecast)."""
    y = units["announced"].to_numpy()
    frames = []
    for score in ("brier", "log"):
        values = {name: scoring.binary(units[column].to_numpy(), y, 0.5 / runs)[score]
                  for name, column in PARTY_FORECASTS.items()}
        frames.append(pd.DataFrame({"origin": units["origin"], "unit": units["unit"], "score": score, **values}))
    return pd.concat(frames, ignore_index=True)


def count_scores(summary: pd.DataFrame, counts: pd.DataFrame, runs: int) -> pd.DataFrame:
    """Per origin, target and score (crps, log): the score of each count forecast."""
    rows = []
    for _, origin in summary.iterrows():
        simulated = counts[counts["origin"] == origin["origin"]]
        for target in TARGETS.values():
            column = target.replace(" ", "_")
            observed = float(origin[f"{column}_observed"])
            scored = {"model": scoring.ensemble_counts(observed, simulated[column].to_numpy(), 0.5 / runs),
                      "historical base rate": scoring.poisson_counts(observed, origin[f"{column}_historical_mean"]),
                      "regional base rate": scoring.poisson_counts(observed, origin[f"{column}_regional_mean"]),
                      "negative binomial": scoring.negbinom_counts(observed, *_nb(origin, column))}
            for score in ("crps", "log"):
                rows.append({"origin": origin["origin"], "unit": target, "target": target, "score": score,
                             **{name: values[score] for name, values in scored.items()}})
    return pd.DataFrame(rows)


def _nb(origin: pd.Series, column: str) -> tuple[float, float, float]:
    return origin[f"{column}_nb_n"], origin[f"{column}_nb_prob"], origin[f"{column}_nb_mean"]


def scores(units: pd.DataFrame, summary: pd.DataFrame, counts: pd.DataFrame, runs: int, block: int,
           seed: int) -> pd.DataFrame:
    """scores.csv: for each origin and pooled over them, each target, score and forecast: the mean score,
    the difference model minus forecast and (pooled) its bootstrap interval."""
    windows = summary.set_index("origin")["window"]
    per_party = party_scores(units, runs).assign(target=PARTY_TARGET)
    tables = [(PARTY_TARGET, per_party, list(PARTY_FORECASTS))]
    per_count = count_scores(summary, counts, runs)
    tables += [(target, per_count[per_count["target"] == target], list(COUNT_FORECASTS)) for target in TARGETS.values()]
    rows = []
    for target, table, forecasts in tables:
        for score, values in table.groupby("score", sort=False):
            for origin, group in values.groupby("origin", sort=True):
                rows += _rows(origin, windows[origin], target, score, group, forecasts, None, seed)
            rows += _rows("pooled", f"{len(windows)} origins", target, score, values, forecasts, block, seed)
    return pd.DataFrame(rows)


def _rows(origin: str, window: str, target: str, score: str, values: pd.DataFrame, forecasts: list[str],
          block: int | None, seed: int) -> list[dict]:
    rows = []
    for name in forecasts:
        row = {"origin": origin, "window": window, "target": target, "score": score, "forecast": name,
               "units": len(values), "value": float(values[name].mean()),
               "model_minus_forecast": np.nan, "difference_low": np.nan, "difference_high": np.nan}
        if name != "model":
            estimate, low, high = (scoring.pooled_difference(values, "model", name, block, seed) if block
                                   else (float((values["model"] - values[name]).mean()), np.nan, np.nan))
            row |= {"model_minus_forecast": estimate, "difference_low": low, "difference_high": high}
        rows.append(row)
    return rows


def reliability(units: pd.DataFrame) -> pd.DataFrame:
    """The reliability diagram's table: the model's pooled per-unit probabilities, binned."""
    return scoring.reliability(units["p_model"].to_numpy(), units["announced"].to_numpy())


def pit(summary: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The PIT histogram's table: per target and count forecast, the mean non-randomised PIT over the
    origins in each bin, as a density (1 everywhere for a calibrated forecast)."""
    rows = []
    for target in TARGETS.values():
        column = target.replace(" ", "_")
        for name in ("model", "negative binomial"):
            heights = []
            for _, origin in summary.iterrows():
                observed = int(origin[f"{column}_observed"])
                members = counts.loc[counts["origin"] == origin["origin"], column].to_numpy()
                below, at = (scoring.ensemble_cdf(observed, members) if name == "model"
                             else scoring.negbinom_cdf(observed, *_nb(origin, column)))
                heights.append(scoring.pit_interval(below, at))
            density = np.mean(heights, axis=0) * scoring.PIT_BINS
            edges = np.linspace(0, 1, scoring.PIT_BINS + 1)
            rows += [{"target": target, "forecast": name, "bin_low": edges[b], "bin_high": edges[b + 1],
                      "density": float(density[b]), "origins": len(summary)} for b in range(scoring.PIT_BINS)]
    return pd.DataFrame(rows)
