import datetime as dt

import pytest

from sim.core.errors import UserError
from sim.core.months import first_day, format_month, month_of, parse_date, parse_month


def test_round_trip_and_ordering() -> None:
    assert format_month(parse_month("2026-11")) == "2026-11"
    assert parse_month("2027-01") - parse_month("2026-12") == 1
    assert month_of(dt.date(2027, 6, 18)) == parse_month("2027-06")
    assert first_day(parse_month("2002-07")) == dt.date(2002, 7, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "2026/11", "2026-11-01", ""])
def test_bad_months_are_rejected(text: str) -> None:
    with pytest.raises(UserError, match="expected YYYY-MM"):
        parse_month(text)


def test_bad_dates_are_rejected() -> None:
    with pytest.raises(UserError, match="expected YYYY-MM-DD"):
        parse_date("2026-02-30")
