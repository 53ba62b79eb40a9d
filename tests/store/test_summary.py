import numpy as np
import pandas as pd
import pytest

from sim.model.dynamics import MEASURES
from sim.store.summary import describe_split, summarise, variance_split


def test_quantiles_per_month_and_measure() -> None:
    frame = pd.DataFrame({"run": range(5), "month": "2030-01", **{m: [1.0, 2.0, 3.0, 4.0, 5.0] for m in MEASURES}})
    summary = summarise(frame)
    assert len(summary) == len(MEASURES)
    row = summary[summary["measure"] == "parties"].iloc[0]
    assert (row["q05"], row["q25"], row["median"], row["q75"], row["q95"]) == (1.2, 2.0, 3.0, 4.0, 4.8)


def _runs(parties: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"run": range(len(parties)), "draw": [i // 2 for i in range(len(parties))],
                         "parties_end": parties, "further_exits": [0.0] * len(parties)})


def test_variance_split_by_the_law_of_total_variance() -> None:
    split = variance_split(_runs([100, 102, 110, 108, 120, 120, 90, 94])).set_index("outcome")
    parties = split.loc["parties_end"]
    values = np.array([100, 102, 110, 108, 120, 120, 90, 94], dtype=float)
    within = np.mean([2.0, 2.0, 0.0, 8.0])  # (a - b)^2 / 2 per pair
    assert parties["total_variance"] == pytest.approx(values.var(ddof=1))
    assert parties["run_variance"] == pytest.approx(within)
    assert parties["parameter_variance"] == pytest.approx(values.var(ddof=1) - within)
    assert parties["draws"] == 4 and parties["runs"] == 8
    assert np.isnan(split.loc["further_exits", "parameter_share"])  # no spread at all


def test_pairs_that_differ_only_by_noise_leave_the_parameters_nothing() -> None:
    split = variance_split(_runs([100, 110, 110, 100, 100, 110, 110, 100])).set_index("outcome")
    assert split.loc["parties_end", "parameter_variance"] == 0.0
    assert split.loc["parties_end", "run_variance"] == pytest.approx(split.loc["parties_end", "total_variance"])
    assert "parameters 0.0 (0 %)" in describe_split(split.iloc[:1])
