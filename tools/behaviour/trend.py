"""``kpi_trend``: net revenue, orders, buying customers and AOV for consecutive periods — a chart's data.

Periods are counted back from ``end`` (inclusive), each ``period_days`` long, so the last point is the period
a brief reports on and the points before it give that number its context. Orders and returns are counted as
in ``kpi_summary``: an order is all lines of one order id (or a customer's lines on one day), an order of only
returns is not an order, and returns net off revenue in the period they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.errors import UserError
from tools.jsonable import to_plain
from tools.results import Column, Kind, Table, ToolResult

if TYPE_CHECKING:
    from tools.runtime.shop import Shop

TREND_SQL = """
WITH purchases AS (
    SELECT customer_id, coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d')) AS oid,
           min(order_date) AS ordered_at, sum(amount) AS amount, bool_and(is_return) AS only_returns
    FROM orders WHERE order_date < $stop GROUP BY 1, 2),
bucketed AS (
    SELECT *, date_diff('day', CAST(ordered_at AS DATE), CAST($last_day AS DATE)) // $days AS bucket
    FROM purchases)
SELECT bucket, count(*) FILTER (WHERE NOT only_returns), count(DISTINCT customer_id) FILTER (WHERE NOT only_returns),
       sum(amount), sum(amount) FILTER (WHERE NOT only_returns) / nullif(count(*) FILTER (WHERE NOT only_returns), 0)
FROM bucketed WHERE bucket >= 0 AND bucket < $periods GROUP BY 1
"""
METRICS = ("orders", "customers", "net_revenue", "aov")


class TrendArgs(BaseModel):
    """Arguments of ``kpi_trend``."""

    end: date | None = Field(None, description="Last day of the latest period (YYYY-MM-DD); default: the last "
                                               "order date.")
    period_days: int = Field(7, ge=1, le=366, description="Length of each period in days (7 = weekly).")
    periods: int = Field(12, ge=2, le=104, description="How many periods, ending with the latest.")


@dataclass
class KpiTrend(ToolResult):
    """One point per period, oldest first: start, end, orders, customers, net_revenue, aov."""

    end: str
    period_days: int
    points: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {"end": self.end, "period_days": self.period_days, "points": self.points}

    def tables(self) -> list[Table]:
        return [Table(f"KPI trend, {len(self.points)} periods of {self.period_days} days to {self.end}", [
            Column("start", Kind.DATE), Column("end", Kind.DATE), Column("orders", Kind.COUNT),
            Column("customers", Kind.COUNT, "buying customers"), Column("net_revenue", Kind.MONEY, "net revenue"),
            Column("aov", Kind.MONEY, "AOV")], [[p["start"], p["end"], *(p[m] for m in METRICS)] for p in self.points])]

    def row_count(self) -> int:
        return len(self.points)


def kpi_trend(shop: Shop, args: TrendArgs) -> KpiTrend:
    """Net revenue, orders, buying customers and average order value per period (default: the last 12 weeks).

    Use for "how has revenue trended over the last few months?" or a KPI chart.
    """
    with shop.reading() as con:
        last = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
        if last is None:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        end = args.end or last.date()
        rows = con.execute(TREND_SQL, {"stop": end + timedelta(days=1), "last_day": end, "days": args.period_days,
                                       "periods": args.periods}).fetchall()
    by_bucket = {int(row[0]): row[1:] for row in rows}
    points = []
    for bucket in reversed(range(args.periods)):
        period_end = end - timedelta(days=bucket * args.period_days)
        values = by_bucket.get(bucket, (0, 0, 0.0, None))
        points.append({"start": (period_end - timedelta(days=args.period_days - 1)).isoformat(),
                       "end": period_end.isoformat(),
                       **{m: to_plain(v, 2) if v is not None else (None if m == "aov" else 0)
                          for m, v in zip(METRICS, values, strict=True)}})
    warnings = [] if end <= last.date() else [f"The trend runs to {end}, past the last order ({last.date()}): the "
                                              "latest period is partial."]
    return KpiTrend(end.isoformat(), args.period_days, points, warnings)
