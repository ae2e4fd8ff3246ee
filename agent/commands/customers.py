"""``features``, ``customers`` and ``explain``: who is new, active, lapsing or lapsed, and why."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from agent.commands.present import (
    FormatOpt,
    JsonOpt,
    OutputFormat,
    option_error,
    present,
    split_values,
    stage_progress,
    yield_cpu_to_readers,
)

LIFECYCLE_HELP = "new, active, lapsing, lapsed (repeatable or comma-separated)."
VALUE_HELP = "Value tier: high, mid, low (repeatable or comma-separated)."
SORT_HELP = ("predicted_value_12m (default), buy_again (the chance of buying in the next 90 days), recency_days, "
             "frequency, monetary, p_alive, expected_orders_90d, days_overdue, customer_id.")


def features(
    ctx: typer.Context,
    as_of: Annotated[datetime | None, typer.Option("--as-of", help="Compute as of this date (default: last order).",
                                                   formats=["%Y-%m-%d"], show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute RFM, P(alive), expected orders, predicted value, lifecycle stage and value tier per customer.

    Ingesting orders or customers refreshes them too; run this after changing the rules in segment-agent.toml.
    """
    args = {"as_of": as_of.date().isoformat()} if as_of else {}
    yield_cpu_to_readers(ctx)
    with stage_progress("features") as progress:
        present(ctx, "refresh_features", args, as_json=as_json, progress=progress)


def customers(
    ctx: typer.Context,
    lifecycle: Annotated[list[str] | None, typer.Option("--lifecycle", "-l", help=LIFECYCLE_HELP)] = None,
    value: Annotated[list[str] | None, typer.Option("--value", "-v", help=VALUE_HELP)] = None,
    segment: Annotated[str | None, typer.Option("--segment", "-s", help="Segment id or slug.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Bought from this category.")] = None,
    product: Annotated[str | None, typer.Option("--product", "-p", help="Bought this product, e.g. "
                                                "\"Travel System Pram\".")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Customer country, e.g. Germany.")] = None,
    min_days_since_order: Annotated[int | None, typer.Option(min=0, help="Last order at least N days ago.")] = None,
    max_days_since_order: Annotated[int | None, typer.Option(min=0, help="Last order at most N days ago.")] = None,
    min_orders: Annotated[int | None, typer.Option(min=0, help="At least N orders.")] = None,
    max_orders: Annotated[int | None, typer.Option(min=0, help="At most N orders.")] = None,
    min_spend: Annotated[float | None, typer.Option(help="Net revenue at least this much.")] = None,
    max_spend: Annotated[float | None, typer.Option(help="Net revenue at most this much.")] = None,
    sort: Annotated[str | None, typer.Option("--sort", help=SORT_HELP)] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Rows to return (default 1,000; the "
                                              "terminal shows the first 20 unless you set it).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Return every matching customer.")] = False,
    output: FormatOpt = OutputFormat.table,
    as_json: JsonOpt = False,
) -> None:
    """List customers by lifecycle, value tier, segment and behaviour, e.g. --lifecycle lapsing --value high."""
    from pydantic import ValidationError

    from tools.behaviour.customers import CustomerQuery
    from tools.errors import UserError

    values = {"lifecycle": split_values(lifecycle), "value_tier": split_values(value), "segment": segment,
              "category": category, "product": product, "country": country,
              "min_days_since_order": min_days_since_order,
              "max_days_since_order": max_days_since_order, "min_orders": min_orders, "max_orders": max_orders,
              "min_spend": min_spend, "max_spend": max_spend, "sort_by": sort,
              "limit": 1_000_000 if show_all else limit}
    try:
        query = CustomerQuery(**{key: item for key, item in values.items() if item is not None})
    except ValidationError as exc:
        raise UserError(option_error(exc, {"value_tier": "--value", "sort_by": "--sort"})) from None
    rows = query.limit if (limit or show_all) else 20
    present(ctx, "find_customers", query, as_json=as_json, output=output, max_rows=rows)


def explain(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="Customer id as in your data.")],
    as_json: JsonOpt = False,
) -> None:
    """Explain a customer's lifecycle stage and value tier: the numbers and thresholds behind them."""
    present(ctx, "explain_customer", {"customer_id": customer_id}, as_json=as_json, max_rows=100)
