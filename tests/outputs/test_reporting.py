"""The months a brief reports on follow the scenario's window."""

import pytest

from sim.outputs.reporting import reporting_months


@pytest.mark.parametrize("start, end, expected", [
    ("2026-11", "2035-12", ("2030-12", "2035-12")),  # the shipped forecasts: the ends of 2030 and 2035
    ("2016-01", "2026-11", ("2020-12", "2025-12")),  # history-2016: the last December it reaches
    ("2026-11", "2029-06", ("2028-12",)),            # too short for a second date
    ("2026-11", "2027-03", ("2026-12",)),
    ("2027-01", "2027-05", ("2027-05",)),            # no December after the start: the last month
    ("2002-07", "2002-12", ("2002-12",)),
])
def test_reporting_months(start: str, end: str, expected: tuple[str, ...]) -> None:
    assert reporting_months(start, end) == expected
