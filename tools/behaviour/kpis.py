"""Headline shop KPIs for a recent period against the period before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.behaviour.feature_store import require_features
from tools.concepts import Period
from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import Column, Kind, Table, ToolResult

if TYPE_CHECKING:
    from tools.runtime.shop import Shop

PERIOD_SQL = """
WITH purchases AS (
    SELECT customer_id, coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d')) AS oid,
           min(order_date) AS ordered_at, sum(amount) AS amount, bool_and(is_return) AS only_returns
    FROM orders GROUP BY 1, 2),
firsts AS (SELECT customer_id, min(ordered_at) AS first_at FROM purchases WHERE NOT only_returns GROUP BY 1)
SELECT count(*) FILTER (WHERE NOT only_returns) AS orders,
       count(DISTINCT customer_id) FILTER (WHERE NOT only_returns) AS buying_customers,
       sum(amount) AS net_revenue,
       sum(amount) FILTER (WHERE NOT only_returns) / nullif(count(*) FILTER (WHERE NOT only_returns), 0) AS aov,
       (SELECT count(*) FROM firsts WHERE first_at > $start AND first_at <= $end) AS new_customers
FROM purchases WHERE ordered_at > $start AND ordered_at <= $end
"""
KPI_KINDS = {"orders": Kind.COUNT, "buying_customers": Kind.COUNT, "net_revenue": Kind.MONEY, "aov": Kind.MONEY,
             "new_customers": Kind.COUNT}
MAX_DAYS = 3660


class KpiArgs(BaseModel):
    """Arguments of ``kpi_summary``."""

    period: Period | int = Field(Period.MONTH, description="week, month, quarter, year, or a number of days.")

    @property
    def days(self) -> int:
        return self.period.days if isinstance(self.period, Period) else int(self.period)


@dataclass
class KpiSummary(ToolResult):
    """This period vs the previous one, plus the current lifecycle counts."""

    period_days: int
    period_end: str
    current: dict[str, Any]
    previous: dict[str, Any]
    change_pct: dict[str, float | None]
    lifecycle_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"period_days": self.period_days, "period_end": self.period_end, "current": self.current,
                "previous": self.previous, "change_pct": self.change_pct, "lifecycle_counts": self.lifecycle_counts}

    def tables(self) -> list[Table]:
        days = self.period_days
        return [Table(f"KPIs, last {days} days vs the {days} days before",
                      [Column("kpi"), Column("current", Kind.NUMBER), Column("previous", Kind.NUMBER),
                       Column("change_pct", Kind.CHANGE, "change")],
                      [[key, self.current[key], self.previous[key], self.change_pct[key]] for key in self.current])]


def kpi_summary(shop: Shop, args: KpiArgs) -> KpiSummary:
    """Orders, buying customers, net revenue, AOV and new customers in the period, against the one before."""
    days = args.days
    if days < 1 or days > MAX_DAYS:
        raise UserError(f"The KPI period must be between 1 and {MAX_DAYS} days, not {days}.")
    warnings = require_features(shop)
    with shop.reading() as con:
        end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
        if end is None:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        current = _period(con, end - timedelta(days=days), end)
        previous = _period(con, end - timedelta(days=2 * days), end - timedelta(days=days))
        stages = dict(con.execute("SELECT lifecycle, count(*) FROM customer_features GROUP BY 1").fetchall())
    change = {key: (round((current[key] - previous[key]) / previous[key] * 100, 1)
                    if previous.get(key) and current.get(key) is not None else None) for key in current}
    return KpiSummary(days, str(end)[:10], current, previous, change, {k: int(v) for k, v in stages.items()},
                      warnings)


def _period(con: Any, start: Any, end: Any) -> dict[str, Any]:
    row = con.execute(PERIOD_SQL, {"start": start, "end": end}).fetchone()
    return {key: to_plain(value, 2) or 0 for key, value in zip(KPI_KINDS, row, strict=True)}
