"""Brief periods in words — ``last_full_week``, ``last_28_days``, ``month_to_date`` — as dates, and the periods
they are compared with.

A brief period is a KPI period (:mod:`tools.behaviour.kpi_periods`: a length and a calendar window) resolved
against the brief's date, so the dates in a brief's header and the ones its ``kpi_summary`` sections report
on are computed by the same code and cannot disagree. Weeks are ISO weeks (Monday to Sunday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tools.behaviour.kpi_periods import Comparison, DateRange, KpiWindow, compared_range, current_range, unit_end
from tools.concepts import Period
from tools.errors import UserError

NAMED_PERIODS: dict[str, tuple[Period, KpiWindow]] = {
    "last_full_week": (Period.WEEK, KpiWindow.LAST_FULL), "last_full_month": (Period.MONTH, KpiWindow.LAST_FULL),
    "last_full_quarter": (Period.QUARTER, KpiWindow.LAST_FULL), "week_to_date": (Period.WEEK, KpiWindow.TO_DATE),
    "month_to_date": (Period.MONTH, KpiWindow.TO_DATE),
}
PERIOD_NAMES = (*NAMED_PERIODS, "last_N_days")
_LAST_DAYS = re.compile(r"last_(\d{1,3})_days")
MAX_DAYS = 366

__all__ = ["BriefPeriod", "Comparison", "PERIOD_NAMES", "TEMPLATE_NAMES", "check_period_name", "resolve_period",
           "template_values"]


@dataclass(frozen=True)
class BriefPeriod:
    """The days a brief reports on (inclusive), as a KPI period: its length, window and resolved dates."""

    name: str
    period: Period | int
    window: KpiWindow
    current: DateRange

    @property
    def start(self) -> date:
        return self.current.start

    @property
    def end(self) -> date:
        return self.current.end

    @property
    def days(self) -> int:
        return self.current.days

    @property
    def to_date(self) -> bool:
        """Whether the period is still running (a to-date window before the unit's last day)."""
        return self.window is KpiWindow.TO_DATE and self.end != unit_end(Period(self.period), self.start)

    def compared(self, comparison: Comparison) -> DateRange:
        """The period this one is compared with."""
        return compared_range(self.current, self.period, self.window, comparison)


def resolve_period(name: str, as_of: date) -> BriefPeriod:
    """``name`` as dates relative to ``as_of``; a UserError lists the known names otherwise."""
    if name in NAMED_PERIODS:
        period, window = NAMED_PERIODS[name]
        return BriefPeriod(name, period, window, current_range(period, window, as_of))
    days = _LAST_DAYS.fullmatch(name)
    if days and 1 <= int(days.group(1)) <= MAX_DAYS:
        count = int(days.group(1))
        return BriefPeriod(name, count, KpiWindow.ROLLING, current_range(count, KpiWindow.ROLLING, as_of))
    raise UserError(f"Unknown period '{name}'; use one of {', '.join(PERIOD_NAMES)} (N from 1 to {MAX_DAYS}).")


def check_period_name(name: str) -> None:
    """Raise the UserError of :func:`resolve_period` for a name it would not accept."""
    resolve_period(name, date(2000, 1, 1))


def template_values(brief: str, as_of: date, period: BriefPeriod,
                    comparison: Comparison = Comparison.PREVIOUS_PERIOD) -> dict[str, Any]:
    """The ``{placeholders}`` a section's args may use, with their values for this brief."""
    previous = period.compared(Comparison.PREVIOUS_PERIOD)
    last_year = period.compared(Comparison.SAME_PERIOD_LAST_YEAR)
    kpi_period = period.period.value if isinstance(period.period, Period) else period.period
    return {"brief": brief, "as_of": as_of.isoformat(), "period": period.name,
            "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
            "period_days": period.days, "kpi_period": kpi_period, "kpi_window": period.window.value,
            "comparison": comparison.value, "previous_start": previous.start.isoformat(),
            "previous_end": previous.end.isoformat(), "last_year_start": last_year.start.isoformat(),
            "last_year_end": last_year.end.isoformat()}


TEMPLATE_NAMES = tuple(template_values("brief", date(2000, 1, 3), resolve_period("last_full_week", date(2000, 1, 3))))
