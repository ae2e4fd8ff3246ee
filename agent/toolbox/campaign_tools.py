"""Tools for acting on an audience: draft_campaign, recommend_products, export_audience."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from agent.answer import TableData, ToolOutcome
from agent.toolbox import ToolSpec
from agent.wording import audience_options
from tools.campaigns.audience_export import ExportRequest
from tools.campaigns.drafting import CampaignRequest
from tools.campaigns.recommendations import RecommendRequest


def _target_options(segment: str | None, audience: object) -> list[str]:
    options = ["--segment", str(segment)] if segment else []
    return options + (audience_options(audience, include_limit=False) if audience else [])  # type: ignore[arg-type]


def _draft_campaign(root: Path, request: CampaignRequest) -> ToolOutcome:
    import shlex

    from agent.llm_writer import configured_writer
    from tools.campaigns.drafting import draft_campaign

    result = draft_campaign(root, request, configured_writer(root))
    drafts = [{k: v for k, v in asdict(d).items() if v not in ("", None, [])} for d in result.drafts]
    facts = {"audience": result.audience, "customers": result.customers, "channel": result.channel,
             "goal": result.goal, "offer": result.offer, "variants": len(drafts), "evidence": result.evidence,
             "drafts": [{k: d.get(k) for k in ("subject", "title", "body")} for d in drafts]}
    summary = (f"{len(drafts)} {result.channel} draft{'s' if len(drafts) != 1 else ''} for a "
               f"{result.goal.replace('_', '-')} campaign to **{result.audience}** ({result.customers:,} customers), "
               f"written by the {result.writer} writer from: {'; '.join(result.evidence[:4])}.")
    command = ["segment-agent", "campaign", *_target_options(request.segment, request.audience),
               "--channel", request.channel, "--goal", request.goal, "--variants", str(request.variants)]
    if request.offer:
        command += ["--offer", request.offer]
    return ToolOutcome(facts, summary, drafts=drafts, reproduce=[shlex.join(command)], rows=len(drafts),
                       warnings=list(result.warnings))


def _recommend_products(root: Path, request: RecommendRequest) -> ToolOutcome:
    import shlex

    from tools.campaigns.recommendations import recommend_products

    result = recommend_products(root, request)
    items = [*result.categories, *result.products]
    facts = {"audience": result.audience, "customers": result.customers, "as_of": result.as_of,
             "recommend": [{"name": r.name, "kind": r.kind, "lift": r.lift, "group_share": r.group_share,
                            "base_share": r.base_share} for r in items],
             "bought_together": [asdict(p) for p in result.bought_together]}
    top = ", ".join(f"{r.name} ({r.lift:.1f}×)" for r in result.products[:5]) or "no product with enough support"
    summary = f"For **{result.audience}** ({result.customers:,} customers), promote: {top}."
    if result.categories:
        summary += " Categories they over-index on: " + ", ".join(r.name for r in result.categories[:3]) + "."
    if result.bought_together:
        pair = result.bought_together[0]
        summary += f" Cross-sell: {pair.anchor} → {pair.item}."
    rows = [[r.kind, r.name, r.lift, r.group_share, r.base_share, r.reason] for r in items]
    rows += [["bought together", f"{p.anchor} → {p.item}", p.lift, p.confidence, None, f"{p.orders_together} orders"]
             for p in result.bought_together]
    table = TableData(f"Recommendations for {result.audience}", ["kind", "item", "lift", "group share", "base share",
                                                                 "why"], rows)
    command = shlex.join(["segment-agent", "recommend", *_target_options(request.segment, request.audience)])
    return ToolOutcome(facts, summary, [table], reproduce=[command], rows=len(rows), warnings=list(result.warnings))


def _export_audience(root: Path, request: ExportRequest) -> ToolOutcome:
    import shlex

    from tools.campaigns.audience_export import export_audience

    result = export_audience(root, request)
    facts = {"audience": result.audience, "rows": result.rows, "format": result.format, "columns": result.columns}
    summary = f"Exported **{result.rows:,} {result.audience}** to `{result.path}` ({result.format.upper()})."
    command = shlex.join(["segment-agent", "export", *_target_options(request.segment, request.audience),
                          "--out", result.path])
    return ToolOutcome(facts, summary, reproduce=[command], rows=result.rows, warnings=list(result.warnings))


SPECS = [
    ToolSpec("draft_campaign", "Draft campaign copy (email, sms or push) for a segment or an audience and a goal "
             "(winback, welcome, upsell, cross_sell, loyalty), with an optional offer within the brand's limits. "
             "Drafts are validated and shown to the user.", CampaignRequest, _draft_campaign),
    ToolSpec("recommend_products", "Products and categories to promote to a segment or audience (by lift against "
             "all customers, excluding what most already bought recently) and bought-together items.",
             RecommendRequest, _recommend_products),
    ToolSpec("export_audience", "Export a segment or audience (with contact columns for an email tool) to a CSV or "
             "JSON file on the user's disk; returns only the row count and path.", ExportRequest, _export_audience,
             writes=True),
]
