"""Quantile summaries of an ensemble's time series."""

import numpy as np
import pandas as pd

from sim.model.dynamics import MEASURES

QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per month and measure: the median and the 5/25/75/95 % quantiles over runs."""
    rows = []
    for month, group in timeseries.groupby("month", sort=True):
        for measure in MEASURES:
            values = group[measure].to_numpy(dtype=float)
            rows.append({"month": month, "measure": measure,
                         **{name: float(np.quantile(values, q)) for name, q in QUANTILES.items()}})
    return pd.DataFrame(rows)
