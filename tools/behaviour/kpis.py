"""Headline shop KPIs for a recent period against the period before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from tools.errors import UserError
from tools.jsonable import to_plain
from tools.store.workspace import Workspace

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


@dataclass
class KpiSummary:
    """This period vs the previous one, plus the current lifecycle counts."""

    period_days: int
    period_end: str
    current: dict[str, Any]
    previous: dict[str, Any]
    change_pct: dict[str, float | None]
    lifecycle_counts: dict[str, int] = field(default_factory=dict)


def kpi_summary(workspace_root: Path, period_days: int = 30) -> KpiSummary:
    """Orders, buying customers, net revenue, AOV and new customers in the last ``period_days``."""
    from tools.behaviour.feature_store import ensure_features

    if period_days < 1 or period_days > 3660:
        raise UserError(f"The KPI period must be between 1 and 3660 days, not {period_days}.")
    ensure_features(workspace_root)
    with Workspace(workspace_root).connect(read_only=True) as con:
        end = con.execute("SELECT max(order_date) FROM orders").fetchone()[0]
        if end is None:
            raise UserError("The workspace has no orders yet: run  segment-agent ingest orders FILE  first.")
        current = _period(con, end - timedelta(days=period_days), end)
        previous = _period(con, end - timedelta(days=2 * period_days), end - timedelta(days=period_days))
        stages = dict(con.execute("SELECT lifecycle, count(*) FROM customer_features GROUP BY 1").fetchall())
    change = {key: (round((current[key] - previous[key]) / previous[key] * 100, 1)
                    if previous.get(key) and current.get(key) is not None else None) for key in current}
    return KpiSummary(period_days, str(end)[:10], current, previous, change, {k: int(v) for k, v in stages.items()})


def _period(con: Any, start: Any, end: Any) -> dict[str, Any]:
    row = con.execute(PERIOD_SQL, {"start": start, "end": end}).fetchone()
    keys = ("orders", "buying_customers", "net_revenue", "aov", "new_customers")
    return {key: to_plain(value, 2) or 0 for key, value in zip(keys, row, strict=True)}
