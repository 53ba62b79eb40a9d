"""Proper scores of backtest forecasts, their differences with block-bootstrap intervals, and the
tables behind the reliability diagram and the PIT histogram.

Scores follow scoringrules' orientation: lower is better for all of them (Brier score; log score as
the negative log probability of what happened; CRPS). A forecast's score over several origins is the
mean over all its scoring units (parties) or over the origins (counts).
"""

import numpy as np
import pandas as pd
import scoringrules as sr
from arch.bootstrap import MovingBlockBootstrap
from scipy.stats import beta, nbinom, poisson

LEVEL = 0.90  # interval of the score differences
REPLICATES = 2000  # bootstrap resamples
EDGES = (0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)  # reliability bins: most parties are near 0
PIT_BINS = 5  # PIT histogram bins: few origins, so few bins


def binary(p: np.ndarray, y: np.ndarray, floor: float) -> dict[str, np.ndarray]:
    """Brier and log score of each probability `p` of an event against its outcome `y` (0 or 1); the
    probabilities are kept within [floor, 1 - floor] for the log score (an ensemble's 0 of R runs
    means less than one in R, not impossible)."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return {"brier": np.asarray(sr.brier_score(y, p)),
            "log": np.asarray(sr.log_score(y, np.clip(p, floor, 1 - floor)))}


def ensemble_counts(observed: float, members: np.ndarray, floor: float) -> dict[str, float]:
    """CRPS and log score of an observed count against an ensemble of simulated counts: the log score
    is that of the ensemble's share of runs with exactly the observed count (at least `floor`)."""
    share = max(float(np.mean(members == observed)), floor)
    return {"crps": float(sr.crps_ensemble(float(observed), members.astype(float))),
            "log": float(sr.log_score(1.0, share))}


def poisson_counts(observed: float, mean: float) -> dict[str, float]:
    return {"crps": float(sr.crps_poisson(float(observed), mean)), "log": float(sr.logs_poisson(float(observed), mean))}


def negbinom_counts(observed: float, n: float, prob: float, limit_mean: float) -> dict[str, float]:
    """A negative binomial's scores; its Poisson limit's where n is infinite (see baselines)."""
    if np.isinf(n):
        return poisson_counts(observed, limit_mean)
    # scoringrules 0.10's logs_negbinom takes its pmf from scipy.special.comb(n + y - 1, y), which is 0
    # for a real size n below 1 (a score of infinity); scipy's log-pmf is exact there
    return {"crps": float(sr.crps_negbinom(float(observed), n, prob)), "log": float(-nbinom.logpmf(observed, n, prob))}


def pooled_difference(values: pd.DataFrame, model: str, other: str, block: int, seed: int) -> tuple[float, float, float]:
    """Mean score of `model` minus that of `other` over all rows of `values` (columns origin, unit, one
    per forecast), and its `LEVEL` interval from a moving-block bootstrap over the origins in order (a
    block spans the origins whose windows overlap)."""
    origins = np.sort(values["origin"].unique())
    position = pd.Series(range(len(origins)), index=origins)
    rows = values["origin"].map(position).to_numpy()
    difference = (values[model] - values[other]).to_numpy()
    sums = np.bincount(rows, weights=difference, minlength=len(origins))
    sizes = np.bincount(rows, minlength=len(origins)).astype(float)
    estimate = float(sums.sum() / sizes.sum())
    if len(origins) < 2:
        return estimate, float("nan"), float("nan")
    bootstrap = MovingBlockBootstrap(min(block, len(origins)), np.arange(len(origins)),
                                     seed=np.random.default_rng(seed))
    draws = bootstrap.apply(lambda chosen: np.array([sums[chosen].sum() / sizes[chosen].sum()]), REPLICATES)
    low, high = np.quantile(draws[:, 0], [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return estimate, float(low), float(high)


def reliability(p: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """Pooled probabilities in the bins of EDGES: count, mean forecast, observed share and its Jeffreys
    LEVEL interval (Brown, Cai & DasGupta 2001, Stat. Sci. 16(2))."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=int)
    edges = np.asarray(EDGES)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, len(edges) - 2)
    rows = []
    for b in range(len(edges) - 1):
        inside = which == b
        n, k = int(inside.sum()), int(y[inside].sum())
        low, high = (beta.ppf([(1 - LEVEL) / 2, (1 + LEVEL) / 2], k + 0.5, n - k + 0.5) if n else (np.nan, np.nan))
        rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "parties": n, "announced": k,
                     "mean_forecast": float(p[inside].mean()) if n else np.nan,
                     "observed_share": k / n if n else np.nan,
                     "share_low": 0.0 if n and k == 0 else float(low), "share_high": 1.0 if n and k == n else float(high)})
    return pd.DataFrame(rows)


def pit_interval(cdf_below: float, cdf_at: float) -> np.ndarray:
    """The non-randomised PIT of a count (Czado, Gneiting & Held 2009, Biometrics 65(4)): the mean of
    F(u | y) over each of PIT_BINS equal bins of u, where F(u | y) rises linearly from F(y - 1) to F(y)."""
    edges = np.linspace(0, 1, PIT_BINS + 1)
    width = max(cdf_at - cdf_below, 1e-12)
    cumulative = np.clip((edges - cdf_below) / width, 0, 1)
    return np.diff(cumulative)


def ensemble_cdf(observed: int, members: np.ndarray) -> tuple[float, float]:
    """(F(y - 1), F(y)) of an ensemble of counts."""
    return float(np.mean(members < observed)), float(np.mean(members <= observed))


def negbinom_cdf(observed: int, n: float, prob: float, limit_mean: float) -> tuple[float, float]:
    """(F(y - 1), F(y)) of a negative binomial (its Poisson limit where n is infinite)."""
    if np.isinf(n):
        return float(poisson.cdf(observed - 1, limit_mean)), float(poisson.cdf(observed, limit_mean))
    return float(nbinom.cdf(observed - 1, n, prob)), float(nbinom.cdf(observed, n, prob))
