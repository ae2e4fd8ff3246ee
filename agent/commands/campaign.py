"""``campaign``, ``recommend`` and ``export``: what to send a segment or audience, and who to send it to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from agent.commands.present import JsonOpt, option_error, present, split_values
from agent.console import err, out
from tools.concepts import Channel, Goal, Length

if TYPE_CHECKING:
    from tools.behaviour.customers import AudienceFilter
    from tools.campaigns.drafting import CampaignResult

Segment = Annotated[str | None, typer.Option("--segment", "-s", help="Segment id or slug.", show_default=False)]
Lifecycle = Annotated[list[str] | None, typer.Option("--lifecycle", "-l", show_default=False,
                      help="new, active, lapsing, lapsed (repeatable or comma-separated).")]
Value = Annotated[list[str] | None, typer.Option("--value", "-v", show_default=False,
                  help="Value tier: high, mid, low (repeatable or comma-separated).")]
Country = Annotated[str | None, typer.Option("--country", help="Customer country, e.g. Germany.", show_default=False)]
Category = Annotated[str | None, typer.Option("--category", help="Bought from this category.", show_default=False)]
Product = Annotated[str | None, typer.Option("--product", "-p", help="Bought this product.", show_default=False)]
MinDays = Annotated[int | None, typer.Option(min=0, help="Last order at least N days ago.", show_default=False)]
MaxDays = Annotated[int | None, typer.Option(min=0, help="Last order at most N days ago.", show_default=False)]
MinOrders = Annotated[int | None, typer.Option(min=0, help="At least N orders.", show_default=False)]
MaxOrders = Annotated[int | None, typer.Option(min=0, help="At most N orders.", show_default=False)]
MinSpend = Annotated[float | None, typer.Option(help="Net revenue at least this much.", show_default=False)]
MaxSpend = Annotated[float | None, typer.Option(help="Net revenue at most this much.", show_default=False)]
Force = Annotated[bool, typer.Option("--force", help="Overwrite the --out file if it exists.")]


def campaign(
    ctx: typer.Context, segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None,
    country: Country = None, category: Category = None, product: Product = None, min_days_since_order: MinDays = None,
    max_days_since_order: MaxDays = None, min_orders: MinOrders = None, max_orders: MaxOrders = None,
    min_spend: MinSpend = None, max_spend: MaxSpend = None,
    channel: Annotated[Channel, typer.Option("--channel", "-c", help="Where it is sent.")] = Channel.EMAIL,
    goal: Annotated[Goal, typer.Option("--goal", "-g", help="What it is for.")] = Goal.WINBACK,
    offer: Annotated[str | None, typer.Option("--offer", help='Offer every draft quotes word for word, e.g. "15% off", '
                                              '"£5 off orders over £40" or "free delivery".',
                                              show_default=False)] = None,
    tone: Annotated[str | None, typer.Option("--tone", help="warm, playful or premium (or friendly, luxury…; "
                                             "default: the brand voice).", show_default=False)] = None,
    length: Annotated[Length, typer.Option("--length", help="How long the drafts are.")] = Length.STANDARD,
    variants: Annotated[int, typer.Option("--variants", "-n", min=1, max=5, help="Number of distinct drafts.")] = 3,
    template_only: Annotated[bool, typer.Option("--template", help="Use the built-in copywriter even when a "
                                                                   "model is configured.")] = False,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the drafts to FILE.md or FILE.json.",
                                                  show_default=False)] = None,
    force: Force = False, as_json: JsonOpt = False,
) -> None:
    """Draft campaign copy for a segment or audience, e.g. --lifecycle lapsing --value high --channel email.

    Drafts name the products and categories the audience buys, carry the offer verbatim, show their
    character counts, lead with service for complaint-heavy audiences and say when the audience reads
    another language (a configured model then writes in it; the built-in writer writes English)."""
    from pydantic import ValidationError

    from tools.campaigns.drafting import CampaignRequest
    from tools.errors import UserError

    if out_file is not None and out_file.exists() and not force:
        raise UserError(f"{out_file} already exists; pass --force to overwrite it, or choose another --out file.")
    audience = _audience(lifecycle, value, country, category, min_days_since_order, max_days_since_order,
                         min_orders, max_orders, min_spend, max_spend, product)
    try:
        request = CampaignRequest(segment=segment, audience=audience, channel=channel, goal=goal, offer=offer,
                                  tone=tone, length=length, variants=variants)
    except ValidationError as exc:
        raise UserError(option_error(exc)) from None
    with err().status(f"Drafting {variants} {channel.value} variant(s) …"):
        answer = present(ctx, "draft_campaign", request, as_json=as_json, use_llm=not template_only)
    if out_file is not None:
        _write_drafts(out_file, answer.steps[0].result, force)
        if not as_json:
            out().print(f"Wrote the drafts to {out_file}", markup=False)


def recommend(
    ctx: typer.Context, segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None,
    country: Country = None, category: Category = None, min_days_since_order: MinDays = None,
    max_days_since_order: MaxDays = None, min_orders: MinOrders = None, max_orders: MaxOrders = None,
    min_spend: MinSpend = None, max_spend: MaxSpend = None,
    product: Annotated[str | None, typer.Option("--product", "-p", show_default=False,
                                                help="Customers who bought this product: what to cross-sell to "
                                                     "them (never the product itself).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="Items per list.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """What to promote to a segment, an audience or a product's buyers: what they buy more than others (lift
    above 1), each customer's next products (never one they own) and what is bought with their staples."""
    audience = _audience(lifecycle, value, country, category, min_days_since_order, max_days_since_order,
                         min_orders, max_orders, min_spend, max_spend)
    args: dict[str, Any] = {"segment": segment, "audience": audience, "limit": limit, "product": product}
    present(ctx, "recommend_products", args, as_json=as_json, max_rows=100)


def export(
    ctx: typer.Context,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="File to write, e.g. audience.csv (default: "
                                                  "the workspace's reports/ folder).", show_default=False)] = None,
    segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None,
    country: Country = None, category: Category = None, product: Product = None,
    min_days_since_order: MinDays = None,
    max_days_since_order: MaxDays = None, min_orders: MinOrders = None, max_orders: MaxOrders = None,
    min_spend: MinSpend = None, max_spend: MaxSpend = None,
    output: Annotated[str, typer.Option("--format", "-f", help="csv or json (a .json --out file means json).")]
    = "csv",
    force: Force = False, as_json: JsonOpt = False,
) -> None:
    """Export an audience (email, phone, names, segment, lifecycle, value) as CSV or JSON for your ESP."""
    from tools.campaigns.audience_export import Destination
    from tools.errors import UserError

    if output not in ("csv", "json"):
        raise UserError(f"--format {output!r} is not valid: choose csv or json.")
    audience = _audience(lifecycle, value, country, category, min_days_since_order, max_days_since_order,
                         min_orders, max_orders, min_spend, max_spend, product)
    destination = Destination(out_file, force) if out_file is not None else None
    present(ctx, "export_audience", {"segment": segment, "audience": audience, "format": output}, as_json=as_json,
            destination=destination)


def _audience(lifecycle: list[str] | None, value: list[str] | None, country: str | None, category: str | None,
              min_days: int | None, max_days: int | None, min_orders: int | None, max_orders: int | None,
              min_spend: float | None, max_spend: float | None, product: str | None = None
              ) -> AudienceFilter | None:
    """Audience filters from the options, or None when none was given (a --segment alone then decides)."""
    from pydantic import ValidationError

    from tools.behaviour.customers import AudienceFilter
    from tools.errors import UserError

    values = {"lifecycle": split_values(lifecycle), "value_tier": split_values(value), "country": country,
              "category": category, "min_days_since_order": min_days, "max_days_since_order": max_days,
              "min_orders": min_orders, "max_orders": max_orders, "min_spend": min_spend, "max_spend": max_spend,
              "product": product}
    given = {key: item for key, item in values.items() if item not in (None, [])}
    if not given:
        return None
    try:
        return AudienceFilter(**given)
    except ValidationError as exc:
        raise UserError(option_error(exc, {"value_tier": "--value"})) from None


def _write_drafts(path: Path, result: CampaignResult, force: bool) -> None:
    from tools.campaigns.audience_export import write_atomically

    text = json.dumps(result.data(), ensure_ascii=False, indent=2) + "\n" if path.suffix.lower() == ".json" \
        else _markdown(result)
    write_atomically(path, text, force)


def _markdown(result: CampaignResult) -> str:
    offer = f", offer {result.offer}" if result.offer else ""
    parts = [f"# {result.channel.capitalize()} drafts: {result.goal} for {result.audience}",
             f"{result.customers:,} customers{offer}; written by the {result.writer} writer.", ""]
    for number, draft in enumerate(result.drafts, start=1):
        parts.append(f"## Variant {number}" + (f": {draft.angle}" if draft.angle else ""))
        parts += [f"**{name.capitalize()}:** {text}" for name, text in draft.text_fields().items() if name != "body"]
        parts += ["", draft.body, "", f"*{draft.characters}*" if draft.characters else "", "Facts used:",
                  *(f"- {fact}" for fact in draft.facts_used), ""]
    if result.warnings:
        parts += ["## Warnings", *(f"- {warning}" for warning in result.warnings), ""]
    parts += ["## Evidence", *(f"- {fact}" for fact in result.evidence), ""]
    return "\n".join(parts)
