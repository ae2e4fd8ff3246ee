"""Summaries of customer results: audiences, one customer, KPIs, changes."""

from __future__ import annotations

from agent.narration.registry import describes
from agent.wording import money, pct, plural
from tools.behaviour.changes import ChangeReport
from tools.behaviour.customers import CustomerList
from tools.behaviour.explain import CustomerExplanation
from tools.behaviour.kpis import KpiSummary


@describes(CustomerList)
def audience(result: CustomerList) -> str:
    facts = result.facts()
    count = facts["count"]
    noun = facts["audience"].removesuffix(" customers").strip()
    text = f"**{plural(count, (noun + ' customer').strip())}** as of {facts['as_of']}"
    if count == 0:
        return text + ". Try widening the filters (fewer stages or tiers, a longer time window)."
    text += (f": {money(facts['net_revenue'])} net revenue, {pct(facts['share_of_revenue'])} of the shop's total, "
             f"a median of {facts['median_days_since_order']:g} days since their last order.")
    explained = _rules(result)
    return text + (" Rules: " + "; ".join(explained) + "." if explained else "")


def _rules(result: CustomerList) -> list[str]:
    rules, filters = result.rules, result.filters
    life = rules["lifecycle_rules"]
    stages, tiers = filters.get("lifecycle", []), filters.get("value_tier", [])
    explained = []
    if "lapsing" in stages:
        explained.append(f"*lapsing* = a customer now more than {life['overdue_factor']:g}× their usual gap "
                         f"between orders past their last order (or model P(alive) below {life['p_alive_lapsing']:g})"
                         f", but not yet lapsed (over {life['lapsed_factor']:g}× and {life['min_lapsed_days']} days)")
    if "lapsed" in stages:
        explained.append(f"*lapsed* = over {life['lapsed_factor']:g}× their usual gap and at least "
                         f"{life['min_lapsed_days']} days since the last order (or P(alive) below "
                         f"{life['p_alive_lapsed']:g})")
    if "new" in stages:
        explained.append(f"*new* = first order within the last {life['new_days']} days")
    if "high" in tiers:
        explained.append(f"*high value* = the top {pct(rules['value_rules']['high_share'])} of customers by net "
                         f"revenue (at least {money(rules['high_value_min_revenue'])} here)")
    return explained


@describes(CustomerExplanation)
def customer(result: CustomerExplanation) -> str:
    text = (f"Customer **{result.customer_id}** is **{result.lifecycle}** and **{result.value_tier} value** "
            f"as of {result.as_of}. Why {result.lifecycle}: {result.lifecycle_reason}. "
            f"Why {result.value_tier} value: {result.value_reason}.")
    if result.segment:
        text += f" Segment {result.segment['id']}: {result.segment['name']}."
    return text


@describes(KpiSummary)
def kpis(result: KpiSummary) -> str:
    cur, change, days = result.current, result.change_pct, result.period_days
    text = (f"In the {days} days to {result.period_end}: {cur['orders']:,} orders from "
            f"{cur['buying_customers']:,} customers, {money(cur['net_revenue'])} net revenue, "
            f"average order {money(cur['aov'])}, {cur['new_customers']:,} new customers.")
    if change.get("net_revenue") is not None:
        text += f" Revenue is {change['net_revenue']:+g}% against the {days} days before."
    return text


@describes(ChangeReport)
def changes(report: ChangeReport) -> str:
    if report.previous_as_of is None:
        return report.note + " Current stages: " + ", ".join(
            f"{stage} {count:,}" for stage, count in report.counts_now.items()) + "."
    moves = "; ".join(f"{m['customers']:,} {m['from']} → {m['to']}" for m in report.moves[:5]) or "no moves"
    return (f"Since the refresh of {report.previous_computed_at} (data as of {report.previous_as_of}): "
            f"{moves}. {report.new_customers:,} customers are new to the data and "
            f"{report.high_value_now_lapsing:,} high-value customers started lapsing.")
