"""The dates a brief or figure reports on, following the scenario's window: the last December the
window reaches (or its last month) and, where the window reaches back that far, the December five
years before. For the default window (to 2035-12) these are the ends of 2030 and 2035."""

from sim.core.months import format_month, parse_month

YEARS_BETWEEN = 5


def reporting_months(start: str, end: str) -> tuple[str, ...]:
    """Months (YYYY-MM), earliest first, at which the key numbers are read."""
    first, last = parse_month(start), parse_month(end)
    december = last - (last % 12 - 11) % 12  # the last December at or before the end
    final = december if december > first else last
    earlier = final - 12 * YEARS_BETWEEN
    return tuple(format_month(m) for m in ((earlier, final) if earlier > first else (final,)))
