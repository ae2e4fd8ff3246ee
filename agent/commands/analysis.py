"""``breakdown`` and ``themes``: customers grouped and ranked, and what an audience writes about."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from agent.commands.campaign import (
    Category,
    Country,
    Lifecycle,
    MaxDays,
    MaxOrders,
    MaxSpend,
    MinDays,
    MinOrders,
    MinSpend,
    Segment,
    Value,
)
from agent.commands.present import FormatOpt, JsonOpt, OutputFormat, option_error, present, split_values

# Choices are checked by the tools' own argument models (one definition); importing those here would slow
# `segment-agent --help`, so the options take text and a wrong value gets the model's sentence.
BY_HELP = "country, segment, lifecycle, value_tier or category."
SORT_HELP = ("customers (default), share_of_group, revenue, aov, revenue_per_customer, lapsing_share, "
             "high_value_share, or group (by name).")
FOCUS_HELP = "all (default), complaints or praise."


def _filters(lifecycle: list[str] | None, value: list[str] | None, **options: Any) -> dict[str, Any]:
    found = {"lifecycle": split_values(lifecycle), "value_tier": split_values(value), **options}
    return {key: item for key, item in found.items() if item is not None and item is not False and item != []}


def _validated(model: Any, values: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from tools.errors import UserError

    try:
        return model(**values)
    except ValidationError as exc:
        raise UserError(option_error(exc, {"value_tier": "--value", "sort_by": "--sort", "by": "--by"})) from None


def breakdown(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", "-b", help=BY_HELP, show_default=False)],
    segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None, country: Country = None,
    category: Category = None, min_days_since_order: MinDays = None, max_days_since_order: MaxDays = None,
    min_orders: MinOrders = None, max_orders: MaxOrders = None, min_spend: MinSpend = None,
    max_spend: MaxSpend = None,
    sort: Annotated[str | None, typer.Option("--sort", help=SORT_HELP, show_default=False)] = None,
    ascending: Annotated[bool, typer.Option("--ascending", help="Lowest first.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, max=1000, show_default=False,
                                              help="Groups to show (default 25).")] = None,
    min_customers: Annotated[int | None, typer.Option("--min-customers", min=1, show_default=False,
                                                      help="Leave out groups with fewer customers.")] = None,
    output: FormatOpt = OutputFormat.table,
    as_json: JsonOpt = False,
) -> None:
    """Group customers (or an audience) by country, segment, lifecycle, value tier or category, and rank the groups.

    Per group: customers, revenue, AOV, revenue per customer, lapsing and high-value shares, lifecycle mix.

    e.g. --by country --lifecycle lapsing, or --by segment --sort aov.
    """
    from tools.behaviour.breakdown import BreakdownArgs

    args = _validated(BreakdownArgs, _filters(
        lifecycle, value, by=by.strip().lower().replace("-", "_"), segment=segment, country=country, category=category,
        min_days_since_order=min_days_since_order, max_days_since_order=max_days_since_order, min_orders=min_orders,
        max_orders=max_orders, min_spend=min_spend, max_spend=max_spend, sort_by=sort, ascending=ascending,
        limit=limit, min_customers=min_customers))
    present(ctx, "breakdown", args, as_json=as_json, output=output, max_rows=args.limit)


def themes(
    ctx: typer.Context,
    segment: Segment = None, lifecycle: Lifecycle = None, value: Value = None, country: Country = None,
    category: Category = None, min_days_since_order: MinDays = None, max_days_since_order: MaxDays = None,
    min_orders: MinOrders = None, max_orders: MaxOrders = None, min_spend: MinSpend = None,
    max_spend: MaxSpend = None,
    focus: Annotated[str | None, typer.Option("--focus", help=FOCUS_HELP, show_default=False)] = None,
    days: Annotated[int | None, typer.Option("--days", "-d", min=1, max=3660, show_default=False,
                                             help="Only texts from the last N days.")] = None,
    terms: Annotated[int | None, typer.Option("--terms", min=1, max=25, show_default=False,
                                              help="Terms to show (default 8).")] = None,
    quotes: Annotated[int | None, typer.Option("--quotes", min=0, max=10, show_default=False,
                                               help="Redacted quotes to show (default 3).")] = None,
    versus: Annotated[str | None, typer.Option("--versus", show_default=False,
                                               help="others (default): against other customers' texts; earlier: "
                                                    "the last --days against the audience's texts before them "
                                                    "(new and rising themes).")] = None,
    end: Annotated[str | None, typer.Option("--end", show_default=False, metavar="YYYY-MM-DD",
                                            help="Read texts up to this day (default: the newest text).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """What an audience writes about: distinctive terms of its reviews, tickets and chats, and redacted quotes.

    e.g. --lifecycle lapsed --focus complaints, or --segment 3. Quotes have personal data removed.
    """
    from tools.segments.themes import ThemesArgs

    args = _validated(ThemesArgs, _filters(
        lifecycle, value, segment=segment, country=country, category=category,
        min_days_since_order=min_days_since_order, max_days_since_order=max_days_since_order, min_orders=min_orders,
        max_orders=max_orders, min_spend=min_spend, max_spend=max_spend, focus=focus, days=days, terms=terms,
        quotes=quotes, versus=versus, end=end))
    present(ctx, "themes", args, as_json=as_json, max_rows=max(args.terms, args.quotes))
