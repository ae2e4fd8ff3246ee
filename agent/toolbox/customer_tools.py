"""Tools about customers: find_customers, breakdown, explain_customer, kpi_summary, whats_changed."""

from __future__ import annotations

import shlex
from typing import Any

from agent.toolbox.spec import ToolSpec
from agent.wording import audience_options
from tools.behaviour.breakdown import DEFAULT_GROUPS, BreakdownArgs, BreakdownSort, breakdown
from tools.behaviour.changes import ChangesArgs, whats_changed
from tools.behaviour.customers import DEFAULT_LIMIT, CustomerQuery, CustomerSort, find_customers
from tools.behaviour.explain import ExplainArgs, explain_customer
from tools.behaviour.kpis import Comparison, KpiArgs, KpiWindow, kpi_summary
from tools.concepts import Period


def _customers_command(query: CustomerQuery, _result: Any) -> list[str]:
    extra = [] if query.sort_by is CustomerSort.PREDICTED_VALUE else ["--sort", query.sort_by.value]
    extra += [] if query.limit == DEFAULT_LIMIT else ["--limit", str(query.limit)]
    return [shlex.join(["segment-agent", "customers", *audience_options(query), *extra])]


def _kpis_command(args: KpiArgs, _result: Any) -> list[str]:
    period = ["--period", args.period.value] if isinstance(args.period, Period) else ["--days", str(args.period)]
    if args.window is not KpiWindow.ROLLING:
        period += ["--window", args.window.value]
    if args.comparison is not Comparison.PREVIOUS_PERIOD:
        period += ["--vs", args.comparison.value]
    if args.end is not None:
        period += ["--end", args.end.isoformat()]
    return [shlex.join(["segment-agent", "kpis", *period])]


def _breakdown_command(args: BreakdownArgs, _result: Any) -> list[str]:
    options = ["--by", args.by.value, *audience_options(args)]
    options += [] if args.sort_by is BreakdownSort.CUSTOMERS else ["--sort", args.sort_by.value]
    options += ["--ascending"] if args.ascending else []
    options += [] if args.limit == DEFAULT_GROUPS else ["--limit", str(args.limit)]
    options += [] if args.min_customers == 1 else ["--min-customers", str(args.min_customers)]
    return [shlex.join(["segment-agent", "breakdown", *options])]


SPECS = [
    ToolSpec("find_customers",
             "Find customers by lifecycle stage (new/active/lapsing/lapsed), value tier (high/mid/low), segment, "
             "category bought, country, days since last order, number of orders and net spend. Returns the count "
             "and aggregates (revenue, medians, mixes) plus the rules behind the stages; the customer table itself "
             "goes to the user.", CustomerQuery, find_customers, _customers_command),
    ToolSpec("breakdown",
             "Group customers (optionally an audience: lifecycle, value tier, segment, country, category, recency, "
             "orders, spend) by country, segment, lifecycle, value_tier or category, and rank the groups: customers, "
             "shares, net revenue, average order value, revenue per customer, lapsing and high-value shares, "
             "lifecycle mix. For 'which country has the most lapsing customers', 'which segment has the highest "
             "AOV', 'lifecycle mix per country'.", BreakdownArgs, breakdown, _breakdown_command),
    ToolSpec("explain_customer",
             "Explain why one customer has their lifecycle stage and value tier: their numbers (incl. the chance "
             "of buying again in 90 days) and the thresholds.",
             ExplainArgs, explain_customer,
             lambda args, result: [shlex.join(["segment-agent", "explain", result.customer_id])]),
    ToolSpec("kpi_summary",
             "Headline KPIs (orders, active/buying customers, net revenue, average order value, new and returning "
             "customers, repeat purchase rate) for any period — the last N days (rolling), a calendar week/month/"
             "quarter/year so far (to_date) or the last full one (last_full), optionally ending on a given date — "
             "against the previous period or the same period last year; plus customers per lifecycle stage.",
             KpiArgs, kpi_summary, _kpis_command),
    ToolSpec("whats_changed",
             "What changed since the previous refresh (or a date): customers per lifecycle stage then and now, and "
             "how many moved between stages.", ChangesArgs, whats_changed,
             lambda args, _r: ["segment-agent changes" + (f" --since {args.since}" if args.since else "")]),
]
