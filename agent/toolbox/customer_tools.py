"""Tools about customers: find_customers, explain_customer, kpi_summary, whats_changed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from agent.answer import TableData, ToolOutcome
from agent.toolbox import ToolSpec
from agent.wording import audience_command, money, pct, plural
from tools.behaviour.customers import AudienceFilter, find_customers

MAX_TABLE_ROWS = 500


def _find_customers(root: Path, filters: AudienceFilter) -> ToolOutcome:
    from tools.behaviour.audience_stats import rule_thresholds, summarise_audience

    result = find_customers(root, filters)
    stats = summarise_audience(root, result.customer_ids)
    rules = rule_thresholds(root)
    facts = {"audience": result.description, "as_of": result.as_of, "count": result.total, **stats,
             "rules": rules}
    rows = result.rows[:MAX_TABLE_ROWS]
    title = f"{result.total:,} {result.description}" + (f" (first {len(rows)})" if len(rows) < result.total else "")
    return ToolOutcome(
        facts=facts,
        summary=_audience_sentence(facts, filters),
        tables=[TableData(title, result.columns, rows)],
        reproduce=[audience_command("customers", filters)],
        rows=result.total,
    )


def _audience_sentence(facts: dict, filters: AudienceFilter) -> str:
    count = facts["count"]
    text = f"**{plural(count, facts['audience'].removesuffix(' customers').strip() + ' customer')}** " \
           f"as of {facts['as_of']}"
    if count == 0:
        return text + ". Try widening the filters (fewer stages or tiers, a longer time window)."
    text += (f": {money(facts['net_revenue'])} net revenue, {pct(facts['share_of_revenue'])} of the shop's total, "
             f"a median of {facts['median_days_since_order']:g} days since their last order.")
    rules = facts["rules"]
    life = rules["lifecycle_rules"]
    explained = []
    if "lapsing" in filters.lifecycle:
        explained.append(f"*lapsing* = a customer now more than {life['overdue_factor']:g}× their usual gap "
                         f"between orders past their last order (or model P(alive) below {life['p_alive_lapsing']:g})"
                         f", but not yet lapsed (over {life['lapsed_factor']:g}× and {life['min_lapsed_days']} days)")
    if "lapsed" in filters.lifecycle:
        explained.append(f"*lapsed* = over {life['lapsed_factor']:g}× their usual gap and at least "
                         f"{life['min_lapsed_days']} days since the last order (or P(alive) below "
                         f"{life['p_alive_lapsed']:g})")
    if "new" in filters.lifecycle:
        explained.append(f"*new* = first order within the last {life['new_days']} days")
    if "high" in filters.value_tier:
        explained.append(f"*high value* = the top {pct(rules['value_rules']['high_share'])} of customers by net "
                         f"revenue (at least {money(rules['high_value_min_revenue'])} here)")
    if explained:
        text += " Rules: " + "; ".join(explained) + "."
    return text


class ExplainArgs(BaseModel):
    customer_id: str = Field(description="The customer's id exactly as in the shop's data.")


def _explain_customer(root: Path, args: ExplainArgs) -> ToolOutcome:
    from tools.behaviour.explain import explain_customer

    result = explain_customer(root, args.customer_id)
    facts = {"customer_id": result.customer_id, "lifecycle": result.lifecycle, "value_tier": result.value_tier,
             "as_of": result.as_of, **result.numbers, "segment": result.segment}
    summary = (f"Customer **{result.customer_id}** is **{result.lifecycle}** and **{result.value_tier} value** "
               f"as of {result.as_of}. Why {result.lifecycle}: {result.lifecycle_reason}. "
               f"Why {result.value_tier} value: {result.value_reason}.")
    if result.segment:
        summary += f" Segment {result.segment['id']}: {result.segment['name']}."
    table = TableData(f"Customer {result.customer_id}", ["measure", "value"],
                      [[k, v] for k, v in result.numbers.items()])
    return ToolOutcome(facts, summary, [table], reproduce=[f"segment-agent explain {result.customer_id}"], rows=1)


class KpiArgs(BaseModel):
    period: Literal["week", "month", "quarter", "year"] | int = Field(
        "month", description="week, month, quarter, year, or a number of days.")


PERIOD_DAYS = {"week": 7, "month": 30, "quarter": 91, "year": 365}


def _kpi_summary(root: Path, args: KpiArgs) -> ToolOutcome:
    from tools.behaviour.kpis import kpi_summary

    days = PERIOD_DAYS.get(args.period, args.period) if isinstance(args.period, str) else args.period
    result = kpi_summary(root, int(days))
    cur, change = result.current, result.change_pct
    summary = (f"In the {days} days to {result.period_end}: {cur['orders']:,} orders from "
               f"{cur['buying_customers']:,} customers, {money(cur['net_revenue'])} net revenue, "
               f"average order {money(cur['aov'])}, {cur['new_customers']:,} new customers.")
    if change.get("net_revenue") is not None:
        summary += f" Revenue is {change['net_revenue']:+g}% against the {days} days before."
    rows = [[key, result.current[key], result.previous[key], change[key]] for key in result.current]
    table = TableData(f"KPIs, last {days} days vs the {days} days before", ["kpi", "current", "previous", "change %"],
                      rows)
    facts = {"period_days": days, "period_end": result.period_end, "current": cur, "previous": result.previous,
             "change_pct": change, "lifecycle_counts": result.lifecycle_counts}
    return ToolOutcome(facts, summary, [table], reproduce=[f"segment-agent kpis --days {days}"], rows=len(rows))


class ChangesArgs(BaseModel):
    since: date | None = Field(None, description="Compare with the last refresh before this date (YYYY-MM-DD); "
                                                 "default: the previous refresh.")


def _whats_changed(root: Path, args: ChangesArgs) -> ToolOutcome:
    from tools.behaviour.changes import whats_changed

    since = datetime.combine(args.since, datetime.min.time()) if args.since else None
    report = whats_changed(root, since)
    facts = {"current_as_of": report.current_as_of, "previous_as_of": report.previous_as_of,
             "counts_now": report.counts_now, "counts_then": report.counts_then, "moves": report.moves,
             "new_customers": report.new_customers, "high_value_now_lapsing": report.high_value_now_lapsing}
    if report.previous_as_of is None:
        summary = report.note + " Current stages: " + ", ".join(
            f"{stage} {count:,}" for stage, count in report.counts_now.items()) + "."
    else:
        moves = "; ".join(f"{m['customers']:,} {m['from']} → {m['to']}" for m in report.moves[:5]) or "no moves"
        summary = (f"Since the refresh of {report.previous_computed_at} (data as of {report.previous_as_of}): "
                   f"{moves}. {report.new_customers:,} customers are new to the data and "
                   f"{report.high_value_now_lapsing:,} high-value customers started lapsing.")
    stages = sorted(set(report.counts_now) | set(report.counts_then))
    rows = [[s, report.counts_then.get(s, 0), report.counts_now.get(s, 0)] for s in stages]
    return ToolOutcome(facts, summary, [TableData("Customers per lifecycle stage", ["stage", "before", "now"], rows)],
                       reproduce=["segment-agent changes"], rows=len(rows))


SPECS = [
    ToolSpec("find_customers",
             "Find customers by lifecycle stage (new/active/lapsing/lapsed), value tier (high/mid/low), segment, "
             "category bought, country, days since last order, number of orders and net spend. Returns the count "
             "and aggregates (revenue, medians, mixes) plus the rules behind the stages; the customer table itself "
             "goes to the user.", AudienceFilter, _find_customers),
    ToolSpec("explain_customer",
             "Explain why one customer has their lifecycle stage and value tier: their numbers and the thresholds.",
             ExplainArgs, _explain_customer),
    ToolSpec("kpi_summary",
             "Headline KPIs (orders, buying customers, net revenue, average order value, new customers) for the "
             "last week/month/quarter/year against the period before, and customers per lifecycle stage.",
             KpiArgs, _kpi_summary),
    ToolSpec("whats_changed",
             "What changed since the previous refresh (or a date): customers per lifecycle stage then and now, and "
             "how many moved between stages.", ChangesArgs, _whats_changed),
]
