"""Quantile summaries of an ensemble's time series."""

import numpy as np
import pandas as pd

from sim.model.dynamics import MEASURES

QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per month and measure: the median and the 5/25/75/95 % quantiles over runs (every run has every
    month). One quantile call per measure over a (month, run) array, not one per month."""
    codes, months = pd.factorize(timeseries["month"], sort=True)
    order = np.argsort(codes, kind="stable")  # rows grouped by month
    shape = (len(months), len(codes) // max(len(months), 1))
    levels = list(QUANTILES.values())
    table = np.stack([np.quantile(timeseries[m].to_numpy(dtype=float)[order].reshape(shape), levels, axis=1).T
                      for m in MEASURES], axis=1)  # (month, measure, quantile)
    return pd.DataFrame({"month": np.repeat(np.asarray(months, dtype=object), len(MEASURES)),
                         "measure": np.tile(np.array(MEASURES, dtype=object), len(months)),
                         **{name: table[:, :, q].reshape(-1) for q, name in enumerate(QUANTILES)}})
