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



def test_each_month_gets_numpys_quantiles_of_its_runs_in_any_row_order() -> None:
    rng = np.random.default_rng(4)
    months = ["2030-01", "2030-02", "2030-03"]
    frame = pd.DataFrame({"run": np.repeat(np.arange(41), 3), "month": months * 41,
                          **{m: rng.normal(size=123) for m in MEASURES}})  # run by run, months in order
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    expected = [np.quantile(frame.loc[frame["month"] == month, "legitimacy"], levels) for month in months]
    for rows in (frame, frame.sample(frac=1.0, random_state=2)):  # the ensemble's order, and shuffled
        summary = summarise(rows)
        got = summary[summary["measure"] == "legitimacy"][["q05", "q25", "median", "q75", "q95"]].to_numpy()
        assert summary["month"].unique().tolist() == months
        assert (got == np.array(expected)).all()  # exactly: the same order statistics

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
