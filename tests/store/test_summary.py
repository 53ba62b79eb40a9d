import pandas as pd

from sim.model.dynamics import MEASURES
from sim.store.summary import summarise


def test_quantiles_per_month_and_measure() -> None:
    frame = pd.DataFrame({"run": range(5), "month": "2030-01", **{m: [1.0, 2.0, 3.0, 4.0, 5.0] for m in MEASURES}})
    summary = summarise(frame)
    assert len(summary) == len(MEASURES)
    row = summary[summary["measure"] == "parties"].iloc[0]
    assert (row["q05"], row["q25"], row["median"], row["q75"], row["q95"]) == (1.2, 2.0, 3.0, 4.0, 4.8)
