"""Scores of backtest origins: proper scores, pooled differences with intervals, reliability and PIT."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import nbinom, poisson

from sim.experiments import evaluation, scoring

RUNS = 100


def _origins(p_model: list[np.ndarray], outcomes: list[np.ndarray]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Units, summary and counts of synthetic origins: the model's count ensemble is Poisson draws around
    the expected number of announcers."""
    rng = np.random.default_rng(3)
    units, summary, counts = [], [], []
    for k, (p, y) in enumerate(zip(p_model, outcomes)):
        origin = f"20{10 + k}-01-01"
        units.append(pd.DataFrame({"origin": origin, "unit": [f"S{i:02d}" for i in range(len(p))], "p_model": p,
                                   "p_historical": np.full(len(p), 0.02), "p_regional": np.linspace(0.01, 0.05, len(p)),
                                   "announced": y}))
        row = {"origin": origin, "window": f"window {k}"}
        for column in ("announcement_episodes", "effective_exit_episodes"):
            row |= {f"{column}_observed": int(y.sum()), f"{column}_historical_mean": 0.02 * len(p),
                    f"{column}_regional_mean": 0.03 * len(p), f"{column}_nb_n": 0.5, f"{column}_nb_prob": 0.4,
                    f"{column}_nb_mean": 0.75}
        summary.append(row)
        counts.append(pd.DataFrame({"origin": origin, "run": range(RUNS),
                                    "announcement_episodes": rng.poisson(p.sum(), RUNS),
                                    "effective_exit_episodes": rng.poisson(p.sum() / 2, RUNS)}))
    return pd.concat(units, ignore_index=True), pd.DataFrame(summary), pd.concat(counts, ignore_index=True)


def _synthetic(origins: int = 6, parties: int = 40) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(1)
    p = [rng.uniform(0, 0.2, parties) for _ in range(origins)]
    return _origins(p, [(rng.uniform(size=parties) < q).astype(int) for q in p])


def test_scores_are_the_proper_scores_of_the_forecasts() -> None:
    units, summary, counts = _synthetic()
    table = evaluation.scores(units, summary, counts, RUNS, 2, 0).set_index(["origin", "target", "score", "forecast"]).sort_index()
    first = units[units["origin"] == "2010-01-01"]
    p, y = first["p_model"].to_numpy(), first["announced"].to_numpy()
    assert table.loc[("2010-01-01", "party announces", "brier", "model"), "value"] == pytest.approx(np.mean((p - y) ** 2))
    clipped = np.clip(p, 0.5 / RUNS, 1 - 0.5 / RUNS)
    log = -np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    assert table.loc[("2010-01-01", "party announces", "log", "model"), "value"] == pytest.approx(log)
    observed = summary["announcement_episodes_observed"].iloc[0]
    assert table.loc[("2010-01-01", "announcement episodes", "log", "negative binomial"), "value"] == pytest.approx(
        -nbinom.logpmf(observed, 0.5, 0.4))
    assert table.loc[("2010-01-01", "announcement episodes", "log", "historical base rate"), "value"] == pytest.approx(
        -poisson.logpmf(observed, 0.8))
    members = counts.loc[counts["origin"] == "2010-01-01", "announcement_episodes"].to_numpy()
    grid = np.arange(0, 60)
    crps = np.sum((np.array([np.mean(members <= k) for k in grid]) - (grid >= observed)) ** 2)
    assert table.loc[("2010-01-01", "announcement episodes", "crps", "model"), "value"] == pytest.approx(crps)
    pooled = table.loc[("pooled", "party announces", "brier")]
    assert pooled.loc["model", "units"] == len(units)
    assert pooled.loc["model", "value"] == pytest.approx(np.mean((units["p_model"] - units["announced"]) ** 2))


def test_a_forecast_equal_to_a_baseline_scores_exactly_as_the_baseline() -> None:
    units, summary, counts = _synthetic()
    units["p_model"] = units["p_historical"]
    table = evaluation.scores(units, summary, counts, RUNS, 2, 0)
    pooled = table[(table["origin"] == "pooled") & (table["target"] == "party announces")].set_index(["score", "forecast"])
    for score in ("brier", "log"):
        assert pooled.loc[(score, "model"), "value"] == pooled.loc[(score, "historical base rate"), "value"]
        row = pooled.loc[(score, "historical base rate")]
        assert (row["model_minus_forecast"], row["difference_low"], row["difference_high"]) == (0.0, 0.0, 0.0)
        assert pooled.loc[(score, "regional base rate"), "model_minus_forecast"] != 0.0


def test_a_perfect_forecast_scores_best() -> None:
    units, summary, counts = _synthetic()
    units["p_model"] = units["announced"].astype(float)
    for column in ("announcement_episodes", "effective_exit_episodes"):
        observed = summary.set_index("origin")[f"{column}_observed"]
        counts[column] = counts["origin"].map(observed)
    table = evaluation.scores(units, summary, counts, RUNS, 2, 0)
    pooled = table[table["origin"] == "pooled"]
    for (target, score), rows in pooled.groupby(["target", "score"]):
        best = rows.set_index("forecast")["value"]
        assert best.idxmin() == "model", (target, score)
        assert (rows.loc[rows["forecast"] != "model", "difference_high"] < 0).all(), (target, score)
    assert pooled.set_index(["target", "score", "forecast"]).loc[("party announces", "brier", "model"), "value"] == 0.0


def test_the_bootstrap_resamples_whole_origins() -> None:
    """One origin where the model is far worse and the rest level: the interval spans what resampling
    origins gives, not what resampling parties would."""
    values = pd.DataFrame({"origin": np.repeat(["a", "b", "c", "d"], 50), "unit": range(200),
                           "model": np.r_[np.ones(50), np.zeros(150)], "other": np.zeros(200)})
    estimate, low, high = scoring.pooled_difference(values, "model", "other", 1, 0)
    assert estimate == pytest.approx(0.25)
    assert low == 0.0 and high >= 0.5  # resampled sets of origins: from none of "a" to two or more of it
    again = scoring.pooled_difference(values, "model", "other", 1, 0)
    assert again == (estimate, low, high)


def test_reliability_bins_count_every_party() -> None:
    p = np.array([0.0, 0.001, 0.03, 0.04, 0.3, 0.9])
    y = np.array([0, 0, 1, 0, 0, 1])
    table = scoring.reliability(p, y)
    assert table["parties"].sum() == 6 and table["announced"].sum() == 2
    row = table[(table["bin_low"] == 0.02)].iloc[0]
    assert (row["parties"], row["announced"], row["observed_share"]) == (2, 1, 0.5)
    assert row["share_low"] < 0.5 < row["share_high"]


def test_pit_of_a_calibrated_count_forecast_is_flat_on_average() -> None:
    rng = np.random.default_rng(0)
    heights = [scoring.pit_interval(*scoring.negbinom_cdf(int(y), 2.0, 0.4, 3.0)) for y in rng.negative_binomial(2.0, 0.4, 4000)]
    assert np.allclose(np.mean(heights, axis=0) * scoring.PIT_BINS, 1.0, atol=0.06)
    units, summary, counts = _synthetic()
    table = evaluation.pit(summary, counts)
    assert table.groupby(["target", "forecast"])["density"].sum().mul(1 / scoring.PIT_BINS).round(12).eq(1).all()
