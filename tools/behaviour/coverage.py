"""``data_coverage``: can a period's numbers be trusted? Partial periods, stale data, thin data.

A brief is read by people who will act on it, so it says when its numbers rest on less than they seem: the
orders stop before the period ends (or start after it began), the newest order is old compared with the day
the brief is for (an ingest that stopped running), or the period holds too few orders for changes to mean
much. Thresholds are arguments, so a shop with few but large orders can lower them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tools.errors import UserError
from tools.results import Column, Table, ToolResult

if TYPE_CHECKING:
    from tools.runtime.shop import Shop

COVERAGE_SQL = """
SELECT count(DISTINCT coalesce(order_id, customer_id || strftime(order_date, '%Y%m%d'))) FILTER (WHERE NOT is_return),
       count(DISTINCT customer_id) FILTER (WHERE NOT is_return)
FROM orders WHERE order_date >= $start AND order_date < $stop
"""


class CoverageArgs(BaseModel):
    """Arguments of ``data_coverage``."""

    start: date = Field(description="First day of the period (YYYY-MM-DD).")
    end: date = Field(description="Last day of the period (YYYY-MM-DD).")
    reference: date | None = Field(None, description="The day the numbers are for (e.g. today); default: end.")
    stale_days: int = Field(7, ge=0, description="Warn when the newest order is older than this many days.")
    thin_orders: int = Field(30, ge=0, description="Warn when the period holds fewer orders than this.")


@dataclass
class DataCoverage(ToolResult):
    """Order dates against the period, counts in it, and which of partial / stale / thin apply (``issues``)."""

    start: str
    end: str
    reference: str
    first_order: str
    last_order: str
    orders_in_period: int
    customers_in_period: int
    days_since_last_order: int
    partial: bool
    stale: bool
    thin: bool
    issues: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in ("start", "end", "reference", "first_order", "last_order",
                                                    "orders_in_period", "customers_in_period",
                                                    "days_since_last_order", "partial", "stale", "thin")}

    def tables(self) -> list[Table]:
        return [Table("Data warnings", [Column("warning")], [[issue] for issue in self.issues])] if self.issues \
            else []

    def row_count(self) -> int:
        return len(self.issues)


def data_coverage(shop: Shop, args: CoverageArgs) -> DataCoverage:
    """Whether a period's numbers rest on complete, fresh and sufficient data: the order dates against the
    period, its order and customer counts, and a plain warning for each problem found."""
    if args.end < args.start:
        raise UserError(f"The period ends ({args.end}) before it starts ({args.start}).")
    reference = args.reference or args.end
    with shop.reading() as con:
        first, last = con.execute("SELECT min(order_date), max(order_date) FROM orders").fetchone()
        if last is None:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        orders, customers = con.execute(COVERAGE_SQL, {"start": args.start,
                                                       "stop": args.end + timedelta(days=1)}).fetchone()
    first_day, last_day = first.date(), last.date()
    age = (reference - last_day).days
    partial = last_day < args.end or first_day > args.start
    stale = age > args.stale_days
    thin = int(orders) < args.thin_orders
    issues = []
    if last_day < args.end:
        issues.append(f"Partial period: the orders end on {last_day}, before the period's last day ({args.end}).")
    if first_day > args.start:
        issues.append(f"Partial period: the orders start on {first_day}, after the period's first day "
                      f"({args.start}).")
    if stale:
        issues.append(f"Stale data: the newest order ({last_day}) is {age:,} days older than {reference}; check that "
                      "the ingest still runs.")
    if thin:
        issues.append(f"Thin data: only {int(orders):,} orders from {int(customers):,} customers in the period "
                      f"(under {args.thin_orders:,}), so changes may be noise.")
    return DataCoverage(args.start.isoformat(), args.end.isoformat(), reference.isoformat(), first_day.isoformat(),
                        last_day.isoformat(), int(orders), int(customers), age, partial, stale, thin, issues)
