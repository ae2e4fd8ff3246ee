"""Summaries of campaign results: drafts, recommendations, exports."""

from __future__ import annotations

from agent.narration.registry import describes
from tools.campaigns.audience_export import ExportResult
from tools.campaigns.drafting import CampaignResult
from tools.campaigns.recommendations import Recommendations


@describes(CampaignResult)
def drafts(result: CampaignResult) -> str:
    count = len(result.drafts)
    offer = f", offer “{result.offer}”" if result.offer else ""
    length = "" if result.length == "standard" else f", {result.length}"
    return (f"{count} {result.channel} draft{'s' if count != 1 else ''} for a "
            f"{result.goal.replace('_', '-')} campaign to **{result.audience}** ({result.customers:,} customers"
            f"{offer}{length}), written by the {result.writer} writer from: {'; '.join(result.evidence[:4])}.")


@describes(Recommendations)
def recommendations(result: Recommendations) -> str:
    top = ", ".join(f"{r.name} ({r.lift:.1f}×)" for r in result.products[:5]) or "no product with enough support"
    text = f"For **{result.audience}** ({result.customers:,} customers), promote: {top}."
    if result.categories:
        text += " Categories they over-index on: " + ", ".join(r.name for r in result.categories[:3]) + "."
    if result.bought_together:
        pair = result.bought_together[0]
        text += f" Cross-sell: {pair.anchor} → {pair.item}."
    if result.excluded:
        text += f" Left out (most of them bought these recently): {', '.join(result.excluded[:5])}."
    return text


@describes(ExportResult)
def export(result: ExportResult) -> str:
    return f"Exported **{result.rows:,} {result.audience}** to `{result.path}` ({result.format.upper()})."
