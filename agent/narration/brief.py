"""Summaries of the brief's results: movers, segment drift, the KPI trend, recommended actions.

Like every describer, these only word numbers the tools computed (a brief's Markdown is checked against its
JSON: every number it shows must be in a step's data).
"""

from __future__ import annotations

from agent.narration.registry import describes
from agent.wording import money, pct, plural
from tools.behaviour.changes import LifecycleMovers
from tools.behaviour.trend import KpiTrend
from tools.campaigns.actions import ActionPlan
from tools.segments.drift import SegmentDrift


@describes(LifecycleMovers)
def movers(result: LifecycleMovers) -> str:
    if result.baseline == "none":
        stages = ", ".join(f"{stage} {count:,}" for stage, count in result.counts_now.items())
        return f"{result.note} Customers per stage on {result.as_of}: {stages}."
    since = (f"the brief of {result.baseline_date}" if result.baseline == "brief"
             else f"{result.baseline_date} (stages recomputed from the orders)")
    if not result.moves:
        text = f"No customer changed lifecycle stage between {since} and {result.as_of}."
    else:
        top = "; ".join(f"{m['customers']:,} {m['from']} → {m['to']}" for m in result.moves[:4])
        text = (f"Since {since}, **{plural(result.movers_total, 'customer')}** changed lifecycle stage: {top}.")
    if result.new_lapsing_vips_total:
        first = ", ".join(str(v["customer_id"]) for v in result.new_lapsing_vips[:5])
        more = "" if result.new_lapsing_vips_total <= 5 else " and others"
        text += (f" **{plural(result.new_lapsing_vips_total, 'high-value customer')}** newly started lapsing "
                 f"({first}{more}).")
    else:
        text += " No high-value customer newly started lapsing."
    if result.new_customers:
        text += f" {plural(result.new_customers, 'customer')} bought for the first time."
    return text


@describes(SegmentDrift)
def drift(result: SegmentDrift) -> str:
    if not result.segments:
        return result.note
    largest = max(result.segments, key=lambda s: s["customers_now"])
    text = (f"{plural(len(result.segments), 'segment')} over {result.customers_now:,} customers; the largest is "
            f"{largest['id']} · {largest['name']} ({pct(largest['share_now'])}).")
    if result.baseline_date is None:
        return f"{text} {result.note}".strip()
    moved = max(result.segments, key=lambda s: abs(s["share_change_points"]))
    text += (f" Against the brief of {result.baseline_date}, the population-stability index is **{result.psi:.4f}** "
             f"({result.stability})")
    if moved["share_change_points"] == 0:
        return text + "; no segment's share changed."
    return text + (f"; the biggest share change is segment {moved['id']} · {moved['name']}, "
                   f"{moved['share_change_points']:+g} points ({pct(moved['share_then'])} → "
                   f"{pct(moved['share_now'])}).")


@describes(KpiTrend)
def trend(result: KpiTrend) -> str:
    latest, before = result.points[-1], result.points[-2]
    peak = max(result.points, key=lambda p: p["net_revenue"])
    return (f"Net revenue per {result.period_days}-day period, {len(result.points)} periods to {result.end}: "
            f"latest {money(latest['net_revenue'])} from {latest['orders']:,} orders (the period before: "
            f"{money(before['net_revenue'])}); the highest was {money(peak['net_revenue'])} in the period to "
            f"{peak['end']}.")


@describes(ActionPlan)
def actions(result: ActionPlan) -> str:
    if not result.actions:
        return "No audience is large enough for a campaign right now."
    measure = "predicted 12-month value" if result.ranked_by == "predicted_value_12m" else "net revenue to date"
    top = "The top action" if len(result.actions) == 1 else f"The top {len(result.actions)} actions"
    lines = [f"{top}: audiences at risk first, then by the audience's {measure}:"]
    for action in result.actions:
        reason = (f"{action['customers']:,} customers ({pct(action['share_of_customers'])} of all), "
                  f"{money(action['net_revenue'])} net revenue to date")
        if action["predicted_value_12m"] is not None:
            reason += f", {money(action['predicted_value_12m'])} predicted over the next 12 months"
        if action["median_days_since_order"] is not None:
            reason += f", a median of {action['median_days_since_order']:g} days since their last order"
        lines.append(f"{action['rank']}. **{action['title']}** ({action['goal']} {action['channel']}): {reason}.")
    return "\n".join(lines)
