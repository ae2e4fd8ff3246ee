"""Tools for acting on an audience: draft_campaign, recommend_products, export_audience."""

from __future__ import annotations

import shlex

from agent.toolbox.spec import ToolSpec
from agent.wording import audience_options
from tools.behaviour.customers import AudienceFilter
from tools.campaigns.audience_export import ExportRequest, ExportResult, export_audience
from tools.campaigns.drafting import CampaignRequest, draft_campaign
from tools.campaigns.recommendations import RecommendRequest, recommend_products
from tools.concepts import Length


def _target_options(segment: str | None, audience: AudienceFilter | None) -> list[str]:
    options = ["--segment", str(segment)] if segment else []
    return options + (audience_options(audience) if audience else [])


def _campaign_command(request: CampaignRequest, _result: object) -> list[str]:
    command = ["segment-agent", "campaign", *_target_options(request.segment, request.audience),
               "--channel", request.channel.value, "--goal", request.goal.value, "--variants", str(request.variants)]
    if request.offer:
        command += ["--offer", request.offer]
    if request.tone:
        command += ["--tone", request.tone.value]
    if request.length is not Length.STANDARD:
        command += ["--length", request.length.value]
    return [shlex.join(command)]


def _recommend_command(request: RecommendRequest, _result: object) -> list[str]:
    limit = [] if request.limit == RecommendRequest.model_fields["limit"].default else ["--limit", str(request.limit)]
    product = ["--product", request.product] if request.product else []
    return [shlex.join(["segment-agent", "recommend", *_target_options(request.segment, request.audience), *product,
                        *limit])]


def _export_command(request: ExportRequest, result: ExportResult) -> list[str]:
    return [shlex.join(["segment-agent", "export", *_target_options(request.segment, request.audience),
                        "--out", result.path, "--force"])]


SPECS = [
    ToolSpec("draft_campaign", "Draft campaign copy (email, sms or push) for a segment or an audience and a goal "
             "(winback, welcome, upsell, cross_sell, loyalty), with an optional offer within the brand's limits "
             "(quoted verbatim, conditions included), a tone and a length (short, standard, long; 'shorter' "
             "shortens). Drafts name the audience's products, are validated and shown to the user.",
             CampaignRequest, draft_campaign, _campaign_command),
    ToolSpec("recommend_products", "Products and categories to promote to a segment, an audience or the buyers of "
             "one product (product=...): what they buy more than all customers (lift above 1), each customer's "
             "co-purchase next products (never one they own), and customers-who-bought-also-bought rules.",
             RecommendRequest, recommend_products, _recommend_command),
    ToolSpec("export_audience", "Export a segment or audience (with contact columns for an email tool) to a CSV or "
             "JSON file in the workspace's reports folder; returns only the row count and path.", ExportRequest,
             export_audience, _export_command),
]
