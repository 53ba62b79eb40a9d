from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd

from sim.months import parse_month
from sim.plots import membership_fan


def test_fan_chart_is_a_300_dpi_png(tmp_path: Path) -> None:
    summary = pd.DataFrame({"month": ["2026-11", "2026-12", "2027-01"], "measure": "parties",
                            "q05": [125, 120, 118], "q25": [125, 121, 120], "median": [125, 122, 121],
                            "q75": [125, 123, 122], "q95": [125, 124, 124]})
    path = tmp_path / "membership.png"
    membership_fan(summary, parse_month("2026-11"), "test", path)
    image = mpimg.imread(path)
    assert image.shape[1] == 3.5 * 300 and image.shape[0] == 2.6 * 300  # a journal column at 300 dpi
