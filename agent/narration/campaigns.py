"""Summaries of campaign results: drafts, recommendations, exports."""

from __future__ import annotations

from agent.narration.inert import md
from agent.narration.registry import describes
from tools.campaigns.audience_export import ExportResult
from tools.campaigns.drafting import CampaignResult
from tools.campaigns.recommendations import Recommendations


@describes(CampaignResult)
def drafts(result: CampaignResult) -> str:
    count = len(result.drafts)
    offer = f", offer “{result.offer}”" if result.offer else ""
    length = "" if result.length == "standard" else f", {result.length}"
    text = (f"{count} {result.channel} draft{'s' if count != 1 else ''} for a "
            f"{result.goal.replace('_', '-')} campaign to **{result.audience}** ({result.customers:,} customers"
            f"{offer}{length}), written by the {result.writer} writer from: {'; '.join(result.evidence[:4])}.")
    if result.channel != "email" and result.drafts:
        text += " Lengths: " + "; ".join(f"draft {n} {d.characters}" for n, d in enumerate(result.drafts, 1)
                                         if d.characters) + "."
    return text


@describes(Recommendations)
def recommendations(result: Recommendations) -> str:
    top = ", ".join(f"{md(r.name)} ({r.lift:.1f}×)" for r in result.products[:5]) or "no product with enough support"
    text = f"**{result.audience[:1].upper()}{result.audience[1:]}** ({result.customers:,}) buy more than others: {top}."
    if result.categories:
        text += " Categories they over-index on: " + ", ".join(f"{md(r.name)} ({r.lift:.1f}×)"
                                                               for r in result.categories[:3]) + "."
    if result.next_products:
        text += " Next products (none of them own yet): " + ", ".join(
            f"{md(n.name)} ({n.share:.0%} of them)" for n in result.next_products[:3]) + "."
    if result.also_bought:
        rule = result.also_bought[0]
        text += (f" Customers who bought the {md(rule.anchor)} also bought the {md(rule.item)} ({rule.confidence:.0%}, "
                 f"{rule.lift:.1f}× the base rate).")
    elif result.bought_together:
        pair = result.bought_together[0]
        text += f" Cross-sell: {md(pair.anchor)} → {md(pair.item)}."
    if result.excluded:
        text += f" Left out (most of them bought these recently): {', '.join(map(md, result.excluded[:5]))}."
    return text


@describes(ExportResult)
def export(result: ExportResult) -> str:
    return f"Exported **{result.rows:,} {result.audience}** to `{result.path}` ({result.format.upper()})."
