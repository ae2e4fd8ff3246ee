"""KPI periods as dates: "the last 30 days", "this month so far", "last full week", and what each is compared with.

A period is resolved against an end day (an explicit date, or the last order date: historical shops must
work, so never silently today). Three windows:

- ``rolling``: the N days ending on the end day ("the last 7 days", "the last 30 days");
- ``to_date``: the calendar week/month/quarter/year containing the end day, up to it ("this month");
- ``last_full``: the last complete calendar week/month/quarter/year on or before the end day ("last month").

Weeks are ISO weeks (Monday to Sunday). The previous period is the same length just before (for calendar
windows: the previous unit, to the same day of it when the current one is to date). "The same period last
year" keeps weekdays aligned for day and week periods (52 weeks earlier) and is the same calendar month,
quarter or year a year earlier otherwise — the same rules the weekly brief uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tools.concepts import Period

YEAR_OF_WEEKS = timedelta(weeks=52)


class KpiWindow(StrEnum):
    """How a KPI period sits on the calendar."""

    ROLLING = "rolling"
    TO_DATE = "to_date"
    LAST_FULL = "last_full"


class Comparison(StrEnum):
    """What a KPI period is compared with."""

    PREVIOUS_PERIOD = "previous_period"
    SAME_PERIOD_LAST_YEAR = "same_period_last_year"


@dataclass(frozen=True)
class DateRange:
    """Days from ``start`` to ``end``, both included, and the name a person uses for them."""

    start: date
    end: date
    name: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """'September 2026 (2026-09-01 to 2026-09-30)'."""
        return f"{self.name} ({self.start.isoformat()} to {self.end.isoformat()})"

    def shifted_back(self, delta: timedelta, name: str) -> DateRange:
        return DateRange(self.start - delta, self.end - delta, name)


def current_range(period: Period | int, window: KpiWindow, end: date) -> DateRange:
    """The period being reported on."""
    if window is KpiWindow.ROLLING:
        days = period.days if isinstance(period, Period) else int(period)
        return DateRange(end - timedelta(days=days - 1), end, f"the last {days} days")
    unit = Period(period)
    start = unit_start(unit, end)
    if window is KpiWindow.TO_DATE:
        to_date = "" if end == unit_end(unit, start) else " to date"
        return DateRange(start, end, f"{unit_name(unit, start)}{to_date}")
    if end != unit_end(unit, start):
        start = unit_start(unit, start - timedelta(days=1))
    return DateRange(start, unit_end(unit, start), unit_name(unit, start))


def compared_range(current: DateRange, period: Period | int, window: KpiWindow, comparison: Comparison
                   ) -> DateRange:
    """The period ``current`` is compared with."""
    last_year = comparison is Comparison.SAME_PERIOD_LAST_YEAR
    if window is KpiWindow.ROLLING:
        if last_year:
            return current.shifted_back(YEAR_OF_WEEKS, "the same days 52 weeks earlier")
        return current.shifted_back(timedelta(days=current.days), f"the {current.days} days before")
    unit = Period(period)
    if unit is Period.WEEK:
        if last_year:
            return current.shifted_back(YEAR_OF_WEEKS, "the same week 52 weeks earlier")
        return current.shifted_back(timedelta(days=7), "the week before")
    # a whole month (quarter, year) is compared with a whole one, a part with the same part
    whole_current = current.end == unit_end(unit, current.start)
    start = _year_earlier(current.start) if last_year else unit_start(unit, current.start - timedelta(days=1))
    same_span = start + (current.end - current.start)
    end = unit_end(unit, start) if whole_current else min(same_span, unit_end(unit, start))
    days = (end - start).days + 1
    whole = end == unit_end(unit, start)
    return DateRange(start, end, unit_name(unit, start) + ("" if whole else f", first {days} days"))


def unit_start(unit: Period, day: date) -> date:
    """The first day of the calendar ``unit`` containing ``day``."""
    if unit is Period.WEEK:
        return day - timedelta(days=day.isoweekday() - 1)
    if unit is Period.MONTH:
        return day.replace(day=1)
    if unit is Period.QUARTER:
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def unit_end(unit: Period, day: date) -> date:
    """The last day of the calendar ``unit`` containing ``day``."""
    start = unit_start(unit, day)
    if unit is Period.WEEK:
        return start + timedelta(days=6)
    months = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[unit]
    month_index = start.month - 1 + months
    following = date(start.year + month_index // 12, month_index % 12 + 1, 1)
    return following - timedelta(days=1)


def unit_name(unit: Period, start: date) -> str:
    """'the week of 2026-09-21', 'September 2026', 'Q3 2026', '2026'."""
    if unit is Period.WEEK:
        return f"the week of {start.isoformat()}"
    if unit is Period.MONTH:
        return start.strftime("%B %Y")
    if unit is Period.QUARTER:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return str(start.year)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
