"""Summaries of customer results: audiences, one customer, KPIs, changes."""

from __future__ import annotations

from agent.narration.inert import md
from agent.narration.registry import describes
from agent.wording import counted, money, pct, share_text
from tools.behaviour.breakdown import Breakdown
from tools.behaviour.changes import ChangeReport
from tools.behaviour.customers import CustomerList
from tools.behaviour.explain import CustomerExplanation
from tools.behaviour.kpis import KPIS, KpiSummary

SORT_WORDS = {
    "predicted_value_12m": "predicted 12-month value", "recency_days": "days since their last order",
    "frequency": "number of orders", "monetary": "net revenue", "p_alive": "P(alive)",
    "expected_orders_90d": "expected orders in the next 90 days", "days_overdue": "days overdue",
    "buy_again_score": "chance of buying again in the next 90 days (P(buy 90d))", "customer_id": "customer id",
}


@describes(CustomerList)
def audience(result: CustomerList) -> str:
    facts = result.facts()
    count = facts["count"]
    text = f"**{counted(count, facts['audience'])}** as of {facts['as_of']}"
    if count == 0:
        return text + ". Try widening the filters (fewer stages or tiers, a longer time window)."
    text += (f": {money(facts['net_revenue'])} net revenue, {share_text(facts['share_of_revenue'])} of the shop's "
             f"total, a median of {facts['median_days_since_order']:g} days since their last order.")
    sort_by = result.filters.get("sort_by")
    if sort_by and sort_by != "predicted_value_12m":
        text += f" Sorted by {SORT_WORDS.get(sort_by, sort_by)}, highest first."
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
    text = (f"Customer **{md(result.customer_id)}** is **{result.lifecycle}** and **{result.value_tier} value** "
            f"as of {result.as_of}. Why {result.lifecycle}: {result.lifecycle_reason}. "
            f"Why {result.value_tier} value: {result.value_reason}.")
    chance = result.numbers.get("buy_again_score")
    if chance is not None:
        text += f" Chance of buying again in the next 90 days: {pct(chance)}."
    if result.segment:
        text += f" Segment {result.segment['id']}: {md(result.segment['name'])}."
    return text


@describes(KpiSummary)
def kpis(result: KpiSummary) -> str:
    cur, before, change = result.current, result.previous, result.change_pct
    text = (f"In {result.period_label}: {cur['orders']:,} orders from {cur['buying_customers']:,} active customers, "
            f"{money(cur['net_revenue'])} net revenue, average order {money(cur['aov'])}, "
            f"{cur['new_customers']:,} new and {cur['returning_customers']:,} returning customers; repeat purchase "
            f"rate {pct(cur['repeat_rate'])}.")
    moves = [f"{KPIS[key][1]} {change[key]:+g}%" for key in ("net_revenue", "orders", "buying_customers", "aov")
             if change.get(key) is not None]
    if moves:
        text += f" Against {result.previous_label}: " + ", ".join(moves)
        if before.get("repeat_rate") is not None:
            text += f"; repeat rate {pct(before['repeat_rate'])} then"
        text += "."
    else:
        text += f" {result.previous_label.capitalize()} has no orders to compare with."
    base = result.base
    if base.get("customers"):
        text += (f" Of all {base['customers']:,} customers who had ordered by {result.period_end}, "
                 f"{pct(base['repeat_rate'])} ordered more than once.")
    return text


BREAKDOWN_METRICS = {
    "customers": ("most customers", lambda g: f"{g['customers']:,} ({pct(g['share'])})"),
    "share_of_group": ("the highest share of each group's customers",
                       lambda g: f"{pct(g['share_of_group'])} ({g['customers']:,})"),
    "revenue": ("the most net revenue", lambda g: f"{money(g['revenue'])} ({pct(g['revenue_share'])})"),
    "aov": ("the highest average order value", lambda g: f"{money(g['aov'])} ({g['customers']:,} customers)"),
    "revenue_per_customer": ("the highest revenue per customer",
                             lambda g: f"{money(g['revenue_per_customer'])} ({g['customers']:,} customers)"),
    "lapsing_share": ("the highest share lapsing", lambda g: f"{pct(g['lapsing_share'])} of {g['customers']:,}"),
    "high_value_share": ("the highest share of high-value customers",
                         lambda g: f"{pct(g['high_value_share'])} of {g['customers']:,}"),
    "group": ("", lambda g: f"{g['customers']:,} ({pct(g['share'])})"),
}
LOWEST = {"the highest": "the lowest", "the most": "the least", "most customers": "fewest customers"}
MIX_ORDER = ("new", "active", "lapsing", "lapsed")
LISTED = 4


@describes(Breakdown)
def breakdown(result: Breakdown) -> str:
    axis = result.by.replace("_", " ")
    head = f"**{counted(result.customers, result.description).capitalize()} by {axis}** as of {result.as_of}"
    if not result.groups:
        return head + ": no group has enough customers. Try widening the filters."
    lead, value = BREAKDOWN_METRICS[result.sort_by]
    if result.ascending:
        for high, low in LOWEST.items():
            lead = lead.replace(high, low)
    shown = [g for g in result.groups[:LISTED] if g.get(result.sort_by) is not None or result.sort_by == "group"]
    listed = ", ".join(f"{g['group']} {value(g)}" for g in shown[1:])
    text = f"{head}: " + (f"{lead} — " if lead else "") + f"{shown[0]['group']} {value(shown[0])}" if shown else head
    text += (f", then {listed}" if listed else "") + (
        f", and {result.total_groups - len(shown):,} more" if result.total_groups > len(shown) else "") + "."
    top = result.groups[0]
    if result.by != "lifecycle" and not result.filters.get("lifecycle"):
        mix = ", ".join(f"{stage} {pct(top[f'{stage}_share'])}" for stage in MIX_ORDER if top.get(f"{stage}_share"))
        text += f" Lifecycle mix in {top['group']}: {mix}." if mix else ""
    if result.overlapping:
        text += " A customer who bought from several categories counts in each; revenue and AOV count only that " \
                "category's order lines."
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
