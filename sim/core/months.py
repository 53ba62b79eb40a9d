"""Calendar months as integer ordinals (year * 12 + month - 1), the model's unit of time."""

import datetime as dt
import re

from sim.core.errors import UserError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(date: dt.date) -> int:
    """The month ordinal containing a date."""
    return date.year * 12 + date.month - 1


def parse_month(text: str, what: str = "month") -> int:
    """Parse 'YYYY-MM' into a month ordinal, rejecting anything else with a clear message."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UserError(f"{what}: expected YYYY-MM, got {text!r}")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def parse_date(text: str, what: str = "date") -> dt.date:
    """Parse 'YYYY-MM-DD' with a clear message on failure."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{what}: expected YYYY-MM-DD, got {text!r}") from None


def format_month(month: int) -> str:
    """Month ordinal back to 'YYYY-MM'."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def first_day(month: int) -> dt.date:
    """The first calendar day of a month ordinal."""
    return dt.date(month // 12, month % 12 + 1, 1)
