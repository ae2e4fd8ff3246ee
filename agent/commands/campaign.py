"""``campaign``, ``recommend`` and ``export``: what to send a segment or audience, and who to send it to."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.console import err, out, print_json, warn

if TYPE_CHECKING:
    from tools.behaviour.customers import AudienceFilter
    from tools.campaigns.drafting import CampaignResult
    from tools.campaigns.recommendations import Recommendations


class ChannelChoice(StrEnum):
    email = "email"
    sms = "sms"
    push = "push"


class GoalChoice(StrEnum):
    winback = "winback"
    welcome = "welcome"
    upsell = "upsell"
    cross_sell = "cross_sell"
    loyalty = "loyalty"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


Segment = Annotated[str | None, typer.Option("--segment", "-s", help="Segment id or slug.", show_default=False)]
Lifecycle = Annotated[list[str] | None, typer.Option("--lifecycle", "-l", show_default=False,
                      help="new, active, lapsing, lapsed (repeatable or comma-separated).")]
Value = Annotated[list[str] | None, typer.Option("--value", "-v", show_default=False,
                  help="Value tier: high, mid, low (repeatable or comma-separated).")]
Country = Annotated[str | None, typer.Option("--country", help="Customer country, e.g. Germany.", show_default=False)]
Category = Annotated[str | None, typer.Option("--category", help="Bought from this category.", show_default=False)]
MinDays = Annotated[int | None, typer.Option(min=0, help="Last order at least N days ago.", show_default=False)]
MaxDays = Annotated[int | None, typer.Option(min=0, help="Last order at most N days ago.", show_default=False)]
MinOrders = Annotated[int | None, typer.Option(min=0, help="At least N orders.", show_default=False)]
MaxOrders = Annotated[int | None, typer.Option(min=0, help="At most N orders.", show_default=False)]
MinSpend = Annotated[float | None, typer.Option(help="Net revenue at least this much.", show_default=False)]
MaxSpend = Annotated[float | None, typer.Option(help="Net revenue at most this much.", show_default=False)]
Force = Annotated[bool, typer.Option("--force", help="Overwrite the --out file if it exists.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def campaign(
    ctx: typer.Context, segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None,
    country: Country = None, category: Category = None, min_days_since_order: MinDays = None,
    max_days_since_order: MaxDays = None, min_orders: MinOrders = None, max_orders: MaxOrders = None,
    min_spend: MinSpend = None, max_spend: MaxSpend = None,
    channel: Annotated[ChannelChoice, typer.Option("--channel", "-c", help="email, sms or push.")]
    = ChannelChoice.email,
    goal: Annotated[GoalChoice, typer.Option("--goal", "-g", help="winback, welcome, upsell, cross_sell or loyalty.")]
    = GoalChoice.winback,
    offer: Annotated[str | None, typer.Option("--offer", help='Offer to include, e.g. "15% off" or "free delivery".',
                                              show_default=False)] = None,
    tone: Annotated[str | None, typer.Option("--tone", help="warm, playful or premium (default: the brand voice).",
                                             show_default=False)] = None,
    variants: Annotated[int, typer.Option("--variants", "-n", min=1, max=5, help="Number of distinct drafts.")] = 3,
    template_only: Annotated[bool, typer.Option("--template", help="Use the built-in copywriter even when a "
                                                                   "model is configured.")] = False,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Also write the drafts to FILE.md or FILE.json.",
                                                  show_default=False)] = None,
    force: Force = False, as_json: AsJson = False,
) -> None:
    """Draft campaign copy for a segment or audience, e.g. --lifecycle lapsing --value high --channel email."""
    from tools.campaigns.drafting import CampaignRequest, draft_campaign
    from tools.errors import UserError

    if out_file is not None and out_file.exists() and not force:
        raise UserError(f"{out_file} already exists; pass --force to overwrite it, or choose another --out file.")
    audience = _audience(lifecycle, value, country, category, min_days_since_order, max_days_since_order,
                         min_orders, max_orders, min_spend, max_spend)
    request = CampaignRequest(segment=segment, audience=audience, channel=channel.value, goal=goal.value,
                              offer=offer, tone=tone, variants=variants)
    from agent.llm_writer import configured_writer

    writer = None if template_only else configured_writer(ctx.obj.workspace)
    with err().status(f"Drafting {variants} {channel.value} variant(s) …"):
        result = draft_campaign(ctx.obj.workspace, request, writer)
    if out_file is not None:
        _write_drafts(out_file, result, force)
    if as_json:
        print_json(result)
    else:
        _render_campaign(result)
        if out_file is not None:
            out().print(f"Wrote the drafts to {out_file}")
    for message in result.warnings:
        warn(message)


def recommend(
    ctx: typer.Context, segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None,
    country: Country = None, category: Category = None, min_days_since_order: MinDays = None,
    max_days_since_order: MaxDays = None, min_orders: MinOrders = None, max_orders: MaxOrders = None,
    min_spend: MinSpend = None, max_spend: MaxSpend = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="Items per list.")] = 5,
    as_json: AsJson = False,
) -> None:
    """Products and categories to promote to a segment or audience (by lift), and what to cross-sell."""
    from tools.campaigns.recommendations import RecommendRequest, recommend_products

    audience = _audience(lifecycle, value, country, category, min_days_since_order, max_days_since_order,
                         min_orders, max_orders, min_spend, max_spend)
    result = recommend_products(ctx.obj.workspace, RecommendRequest(segment=segment, audience=audience, limit=limit))
    if as_json:
        print_json(result)
    else:
        _render_recommendations(result)
    for message in result.warnings:
        warn(message)


def export(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="File to write, e.g. audience.csv.",
                                           show_default=False)],
    segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None,
    country: Country = None, category: Category = None, min_days_since_order: MinDays = None,
    max_days_since_order: MaxDays = None, min_orders: MinOrders = None, max_orders: MaxOrders = None,
    min_spend: MinSpend = None, max_spend: MaxSpend = None,
    output: Annotated[ExportFormat | None, typer.Option("--format", "-f", help="csv or json (default: from the "
                                                        "file name).", show_default=False)] = None,
    force: Force = False, as_json: AsJson = False,
) -> None:
    """Export an audience (email, phone, names, segment, lifecycle, value) as CSV or JSON for your ESP."""
    from tools.campaigns.audience_export import ExportRequest, export_audience

    audience = _audience(lifecycle, value, country, category, min_days_since_order, max_days_since_order,
                         min_orders, max_orders, min_spend, max_spend)
    request = ExportRequest(segment=segment, audience=audience, out=str(out_file),
                            format=output.value if output else None, force=force)
    result = export_audience(ctx.obj.workspace, request)
    if as_json:
        print_json(result)
    else:
        out().print(f"Exported [bold]{result.rows:,}[/bold] {result.audience} to {result.path} ({result.format}; "
                    f"columns: {', '.join(result.columns)})")
    for message in result.warnings:
        warn(message)


def _audience(lifecycle: list[str] | None, value: list[str] | None, country: str | None, category: str | None,
              min_days: int | None, max_days: int | None, min_orders: int | None, max_orders: int | None,
              min_spend: float | None, max_spend: float | None) -> AudienceFilter | None:
    """Audience filters from the options, or None when none was given (a --segment alone then decides)."""
    from pydantic import ValidationError

    from tools.behaviour.customers import AudienceFilter
    from tools.errors import UserError

    values = {"lifecycle": _split(lifecycle), "value_tier": _split(value), "country": country, "category": category,
              "min_days_since_order": min_days, "max_days_since_order": max_days, "min_orders": min_orders,
              "max_orders": max_orders, "min_spend": min_spend, "max_spend": max_spend}
    given = {key: item for key, item in values.items() if item not in (None, [])}
    if not given:
        return None
    try:
        return AudienceFilter(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0])
        option = {"value_tier": "--value"}.get(field, f"--{field.replace('_', '-')}")
        raise UserError(f"{option} {first.get('input')!r} is not valid: {first['msg'].lower()}.") from None


def _split(values: list[str] | None) -> list[str]:
    return [part.strip().lower() for value in values or [] for part in value.split(",") if part.strip()]


def _render_campaign(result: CampaignResult) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    console = out()
    offer = f" · offer {result.offer}" if result.offer else ""
    console.print(f"[bold]{len(result.drafts)} {result.channel} draft(s)[/bold] for {result.audience} "
                  f"({result.customers:,} customers) · goal {result.goal}{offer} · writer {result.writer}")
    for number, draft in enumerate(result.drafts, start=1):
        lines = [f"[bold]{name.capitalize()}:[/bold] {escape(text)}" for name, text in draft.text_fields().items()
                 if name != "body"]
        text = "\n".join(lines + ["", escape(draft.body)]) if lines else escape(draft.body)
        meta = f"{draft.writer} · {draft.angle}" if draft.angle else draft.writer
        console.print(Panel(text, title=f"Variant {number} ({meta})", title_align="left", expand=False,
                            width=min(console.width, 96)))
        console.print("[dim]Facts used: " + escape("; ".join(draft.facts_used)) + "[/dim]", highlight=False)


def _render_recommendations(result: Recommendations) -> None:
    from agent.tables import rich_table

    console = out()
    console.print(f"[bold]What to promote to {result.audience}[/bold] ({result.customers:,} customers, "
                  f"as of {result.as_of})")
    for title, items in (("Categories by lift", result.categories), ("Products by lift", result.products)):
        if items:
            console.print(rich_table(["name", "lift", "group share", "all customers", "buyers"],
                                     [[i.name, i.lift, f"{i.group_share:.0%}", f"{i.base_share:.0%}", i.buyers]
                                      for i in items], title=title))
    if result.bought_together:
        console.print(rich_table(["customers who buy", "often add", "orders together", "P(add)", "lift"],
                                 [[p.anchor, p.item, p.orders_together, f"{p.confidence:.0%}", p.lift]
                                  for p in result.bought_together], title="Bought together (cross-sell)"))
    if result.excluded:
        console.print(f"[dim]Left out (most of the group bought them recently): {', '.join(result.excluded)}[/dim]")


def _write_drafts(path: Path, result: CampaignResult, force: bool) -> None:
    from tools.campaigns.audience_export import write_atomically

    if path.suffix.lower() == ".json":
        text = json.dumps(asdict(result), ensure_ascii=False, indent=2) + "\n"
    else:
        text = _markdown(result)
    write_atomically(path, text, force)


def _markdown(result: CampaignResult) -> str:
    offer = f", offer {result.offer}" if result.offer else ""
    parts = [f"# {result.channel.capitalize()} drafts: {result.goal} for {result.audience}",
             f"{result.customers:,} customers{offer}; written by the {result.writer} writer.", ""]
    for number, draft in enumerate(result.drafts, start=1):
        parts.append(f"## Variant {number}" + (f": {draft.angle}" if draft.angle else ""))
        parts += [f"**{name.capitalize()}:** {text}" for name, text in draft.text_fields().items() if name != "body"]
        parts += ["", draft.body, "", "Facts used:", *(f"- {fact}" for fact in draft.facts_used), ""]
    if result.warnings:
        parts += ["## Warnings", *(f"- {warning}" for warning in result.warnings), ""]
    parts += ["## Evidence", *(f"- {fact}" for fact in result.evidence), ""]
    return "\n".join(parts)
