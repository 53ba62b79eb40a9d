"""The calibration targets, from the record and from runs, computed the same way."""

import numpy as np
import pandas as pd
import pytest

from sim.core.months import parse_month
from sim.data import record


def test_the_record_2002_to_2026() -> None:
    first, last = parse_month("2002-08"), parse_month("2026-11")
    table = record.record_table(first, last).iloc[0]
    assert table["announcements_2002-08_2015-12"] == 0
    assert table["announcements_2016-01_2019-12"] == 4  # Burundi, South Africa, The Gambia, Philippines
    assert table["announcements_2020-01_2026-11"] == 6  # Hungary, Mali, Burkina Faso, Niger, Venezuela, Chad
    assert (table["notifications"], table["revocations"], table["exits"]) == (10, 3, 2)
    assert table["announcements_max_year"] == 5  # 2025
    assert table["parties_end"] == 125
    # yearly announcements 2002-2026: 3 (2016), 1 (2018), 5 (2025), 1 (2026) over 25 years
    counts = np.zeros(25)
    counts[[14, 16, 23, 24]] = [3, 1, 5, 1]
    assert table["dispersion_index"] == pytest.approx(counts.var() / counts.mean())
    stats = record.statistics(record.record_table(first, last), first, last)
    assert stats["revoked_share"] == pytest.approx(0.3)
    assert stats["coups_per_year"] == pytest.approx(table["coups"] / (292 / 12))


def test_a_window_sees_only_its_months() -> None:
    table = record.record_table(parse_month("2016-01"), parse_month("2016-12")).iloc[0]
    assert table["announcements"] == 3 and table["notifications"] == 3 and table["exits"] == 0
    # South Africa notified (19 Oct) before it announced (21 Oct): one announcement, in October
    events = record.record_events(parse_month("2016-10"), parse_month("2016-10"))
    assert (events["event"] == "announced").sum() == 3
    assert record.record_table(parse_month("2017-01"), parse_month("2017-12")).iloc[0]["exits"] == 1  # Burundi
    assert [name for name, _, _ in record.eras(parse_month("2014-01"), parse_month("2017-06"))] == [
        "announcements_2014-01_2015-12", "announcements_2016-01_2017-06"]


def test_per_run_counts_and_ensemble_statistics() -> None:
    events = pd.DataFrame({
        "run": [0, 0, 0, 0, 1, 1],
        "month": [parse_month(m) for m in ("2016-02", "2016-05", "2016-06", "2017-01", "2019-03", "2030-01")],
        "event": ["announced", "announced", "revoked", "withdrawn", "announced", "announced"],
    })
    first, last = parse_month("2016-01"), parse_month("2019-12")
    table = record.per_run(events, 3, np.array([120, 121, 122]), first, last)
    assert table["announcements"].tolist() == [2, 1, 0]  # the 2030 event is outside the window
    assert table["announcements_max_year"].tolist() == [2, 1, 0]
    assert table["revocations"].tolist() == [1, 0, 0] and table["exits"].tolist() == [1, 0, 0]
    assert table.loc[0, "dispersion_index"] == pytest.approx(np.var([2, 0, 0, 0]) / 0.5)
    assert np.isnan(table.loc[2, "dispersion_index"])
    stats = record.statistics(table, first, last)
    assert stats["revoked_share"] == pytest.approx(1 / 3)  # pooled: 1 revocation in 3 announcements
    assert stats["announcements_2016-01_2019-12"] == pytest.approx(1.0)
    assert stats["parties_end"] == pytest.approx(121.0)
