"""Headline shop KPIs for a period against the period before it, or against the same period last year.

Any period works: the last N days, a calendar week/month/quarter/year so far ("this month"), or the last full
one ("last month"), ending on the last order date or an explicit end day (see :mod:`tools.behaviour.kpi_periods`).
Orders are counted as everywhere else: an order is all lines of one order id (or a customer's lines on one day),
an order of only returns is not an order, and returns net off revenue on the day they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, model_validator

from tools.behaviour.feature_store import require_features
from tools.behaviour.kpi_periods import Comparison, DateRange, KpiWindow, compared_range, current_range
from tools.concepts import Period
from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import Column, Kind, Table, ToolResult

if TYPE_CHECKING:
    from tools.runtime.shop import Shop

__all__ = ["Comparison", "KpiArgs", "KpiSummary", "KpiWindow", "kpi_summary"]

PERIOD_SQL = """
WITH purchases AS (
    SELECT customer_id, coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d')) AS oid,
           CAST(min(order_date) AS DATE) AS day, sum(amount) AS amount, bool_and(is_return) AS only_returns
    FROM orders GROUP BY 1, 2),
bought AS (SELECT customer_id, min(day) AS first_day,
                  count(*) FILTER (WHERE day <= $end) AS orders_to_end
           FROM purchases WHERE NOT only_returns GROUP BY 1),
period AS (SELECT * FROM purchases WHERE day BETWEEN $start AND $end),
buyers AS (SELECT DISTINCT customer_id FROM period WHERE NOT only_returns)
SELECT count(*) FILTER (WHERE NOT only_returns) AS orders,
       (SELECT count(*) FROM buyers) AS buying_customers,
       coalesce(sum(amount), 0) AS net_revenue,
       sum(amount) FILTER (WHERE NOT only_returns) / nullif(count(*) FILTER (WHERE NOT only_returns), 0) AS aov,
       (SELECT count(*) FROM bought WHERE first_day BETWEEN $start AND $end) AS new_customers,
       (SELECT count(*) FROM buyers JOIN bought USING (customer_id) WHERE first_day < $start) AS returning_customers,
       (SELECT count(*) FROM buyers JOIN bought USING (customer_id) WHERE orders_to_end >= 2)
           / nullif((SELECT count(*) FROM buyers), 0) AS repeat_rate
FROM period
"""
BASE_SQL = """
WITH purchases AS (
    SELECT customer_id, coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d')) AS oid
    FROM orders WHERE CAST(order_date AS DATE) <= $end GROUP BY 1, 2 HAVING NOT bool_and(is_return)),
per_customer AS (SELECT customer_id, count(*) AS orders FROM purchases GROUP BY 1)
SELECT count(*), count(*) FILTER (WHERE orders >= 2) / nullif(count(*), 0) FROM per_customer
"""
# KPI key -> (how its value reads, the label a person sees)
KPIS: dict[str, tuple[Kind, str]] = {
    "orders": (Kind.COUNT, "orders"),
    "buying_customers": (Kind.COUNT, "active customers (bought)"),
    "net_revenue": (Kind.MONEY, "net revenue"),
    "aov": (Kind.MONEY, "average order value"),
    "new_customers": (Kind.COUNT, "new customers"),
    "returning_customers": (Kind.COUNT, "returning customers"),
    "repeat_rate": (Kind.SHARE, "repeat purchase rate"),
}
MAX_DAYS = 3660
RATES = ("aov", "repeat_rate")


class KpiArgs(BaseModel):
    """Arguments of ``kpi_summary``: which period, how it sits on the calendar, and what it is compared with."""

    period: Period | int = Field(Period.MONTH, description="week, month, quarter, year, or a number of days.")
    window: KpiWindow = Field(KpiWindow.ROLLING, description="rolling: the last N days (a named period counts as "
                              "7/30/91/365 days); to_date: the calendar week/month/quarter/year so far ('this "
                              "month'); last_full: the last complete one ('last month').")
    comparison: Comparison = Field(Comparison.PREVIOUS_PERIOD, description="previous_period (the period just "
                                   "before) or same_period_last_year.")
    end: date | None = Field(None, description="Last day of the period (YYYY-MM-DD); default: the last order date.")

    @model_validator(mode="after")
    def _calendar_needs_a_named_period(self) -> KpiArgs:
        if self.window is not KpiWindow.ROLLING and not isinstance(self.period, Period):
            raise ValueError(f"a {self.window.value} window needs a named period (week, month, quarter or year), "
                             f"not {self.period} days")
        if isinstance(self.period, int) and not 1 <= self.period <= MAX_DAYS:
            raise ValueError(f"the KPI period must be between 1 and {MAX_DAYS} days, not {self.period}")
        return self

    @property
    def days(self) -> int:
        return self.period.days if isinstance(self.period, Period) else int(self.period)


@dataclass
class KpiSummary(ToolResult):
    """This period vs the one it is compared with, the customer base up to the period end, and the current
    lifecycle counts. ``change_pct`` is the relative change in percent of counts and money (None when the
    earlier value is 0); rates (the repeat purchase rate) change in percentage points, in ``change_points``."""

    period_days: int
    period_start: str
    period_end: str
    period_label: str
    previous_start: str
    previous_end: str
    previous_label: str
    window: str
    comparison: str
    current: dict[str, Any]
    previous: dict[str, Any]
    change_pct: dict[str, float | None]
    base: dict[str, Any] = field(default_factory=dict)
    lifecycle_counts: dict[str, int] = field(default_factory=dict)
    lifecycle_as_of: str = ""
    warnings: list[str] = field(default_factory=list)
    change_points: dict[str, float | None] = field(default_factory=dict)

    def facts(self) -> dict[str, Any]:
        return {"period": self.period_label, "period_start": self.period_start, "period_end": self.period_end,
                "compared_with": self.previous_label, "current": self.current, "previous": self.previous,
                "change_pct": self.change_pct, "change_points": self.change_points, "base": self.base,
                "lifecycle_counts": self.lifecycle_counts}

    def tables(self) -> list[Table]:
        rows = [[KPIS[key][1], self.current[key], self.previous[key],
                 self.change_points.get(key) if KPIS[key][0] is Kind.SHARE else self.change_pct[key]] for key in KPIS]
        return [Table(f"KPIs, {self.period_label} vs {self.previous_label}",
                      [Column("kpi"), Column("current", Kind.NUMBER), Column("previous", Kind.NUMBER),
                       Column("change_pct", Kind.CHANGE, "change")], rows,
                      row_kinds=[kind for kind, _ in KPIS.values()])]

    def row_count(self) -> int:
        return len(KPIS)


def kpi_summary(shop: Shop, args: KpiArgs) -> KpiSummary:
    """Orders, active (buying) customers, net revenue, AOV, new and returning customers and the repeat purchase
    rate in the period, against the previous period or the same period last year."""
    warnings = require_features(shop)
    with shop.reading() as con:
        first, last = con.execute("SELECT CAST(min(order_date) AS DATE), CAST(max(order_date) AS DATE) "
                                  "FROM orders").fetchone()
        if last is None:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        end = args.end or last
        if end < first:
            raise UserError(f"The end date {end.isoformat()} is before the first order ({first.isoformat()}); "
                            f"pick a date between {first.isoformat()} and {last.isoformat()}.")
        current = current_range(args.period, args.window, end)
        previous = compared_range(current, args.period, args.window, args.comparison)
        now, before = _period(con, current), _period(con, previous)
        customers, repeat = con.execute(BASE_SQL, {"end": current.end}).fetchone()
        stages = dict(con.execute("SELECT lifecycle, count(*) FROM customer_features GROUP BY 1").fetchall())
        features_as_of = con.execute("SELECT CAST(max(as_of) AS DATE) FROM customer_features").fetchone()[0]
    warnings += _coverage_warnings(current, previous, first, last)
    change = {key: (round((now[key] - before[key]) / before[key] * 100, 1)
                    if before.get(key) and now.get(key) is not None and kind is not Kind.SHARE else None)
              for key, (kind, _) in KPIS.items()}
    points = {key: (round((now[key] - before[key]) * 100, 1)
                    if now.get(key) is not None and before.get(key) is not None else None)
              for key, (kind, _) in KPIS.items() if kind is Kind.SHARE}
    return KpiSummary(
        current.days, current.start.isoformat(), current.end.isoformat(), current.label, previous.start.isoformat(),
        previous.end.isoformat(), previous.label, args.window.value, args.comparison.value, now, before, change,
        {"customers": int(customers or 0), "repeat_rate": to_plain(repeat, 4)},
        {k: int(v) for k, v in stages.items()}, str(features_as_of or ""), warnings, points)


def _period(con: Any, period: DateRange) -> dict[str, Any]:
    row = con.execute(PERIOD_SQL, {"start": period.start, "end": period.end}).fetchone()
    values = {}
    for (key, (kind, _)), value in zip(KPIS.items(), row, strict=True):
        plain = to_plain(value, 4 if kind is Kind.SHARE else 2)
        values[key] = plain if key in RATES else (plain or 0)  # no orders: no AOV or rate, rather than 0
    return values


def _coverage_warnings(current: DateRange, previous: DateRange, first: date, last: date) -> list[str]:
    """Say when a period runs past the data, so a partial period is never read as a drop."""
    warnings = []
    if current.end > last:
        warnings.append(f"The data ends on {last.isoformat()}, so {current.label} is only partly covered.")
    if previous.end < first:
        warnings.append(f"The data starts on {first.isoformat()}, so there is nothing to compare with in "
                        f"{previous.label}.")
    elif previous.start < first:
        warnings.append(f"The data starts on {first.isoformat()}, so {previous.label} is only partly covered and "
                        "the changes overstate growth.")
    return warnings
