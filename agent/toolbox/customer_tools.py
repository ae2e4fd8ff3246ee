"""Tools about customers: find_customers, explain_customer, kpi_summary, whats_changed."""

from __future__ import annotations

import shlex
from typing import Any

from agent.toolbox.spec import ToolSpec
from agent.wording import audience_options
from tools.behaviour.changes import ChangesArgs, whats_changed
from tools.behaviour.customers import DEFAULT_LIMIT, CustomerQuery, CustomerSort, find_customers
from tools.behaviour.explain import ExplainArgs, explain_customer
from tools.behaviour.kpis import KpiArgs, kpi_summary
from tools.concepts import Period


def _customers_command(query: CustomerQuery, _result: Any) -> list[str]:
    extra = [] if query.sort_by is CustomerSort.PREDICTED_VALUE else ["--sort", query.sort_by.value]
    extra += [] if query.limit == DEFAULT_LIMIT else ["--limit", str(query.limit)]
    return [shlex.join(["segment-agent", "customers", *audience_options(query), *extra])]


def _kpis_command(args: KpiArgs, _result: Any) -> list[str]:
    period = ["--period", args.period.value] if isinstance(args.period, Period) else ["--days", str(args.period)]
    return [shlex.join(["segment-agent", "kpis", *period])]


SPECS = [
    ToolSpec("find_customers",
             "Find customers by lifecycle stage (new/active/lapsing/lapsed), value tier (high/mid/low), segment, "
             "category bought, country, days since last order, number of orders and net spend. Returns the count "
             "and aggregates (revenue, medians, mixes) plus the rules behind the stages; the customer table itself "
             "goes to the user.", CustomerQuery, find_customers, _customers_command),
    ToolSpec("explain_customer",
             "Explain why one customer has their lifecycle stage and value tier: their numbers and the thresholds.",
             ExplainArgs, explain_customer,
             lambda args, result: [shlex.join(["segment-agent", "explain", result.customer_id])]),
    ToolSpec("kpi_summary",
             "Headline KPIs (orders, buying customers, net revenue, average order value, new customers) for the "
             "last week/month/quarter/year against the period before, and customers per lifecycle stage.",
             KpiArgs, kpi_summary, _kpis_command),
    ToolSpec("whats_changed",
             "What changed since the previous refresh (or a date): customers per lifecycle stage then and now, and "
             "how many moved between stages.", ChangesArgs, whats_changed,
             lambda args, _r: ["segment-agent changes" + (f" --since {args.since}" if args.since else "")]),
]
