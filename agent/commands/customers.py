"""``features``, ``customers`` and ``explain``: who is new, active, lapsing or lapsed, and why."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from agent.console import err, out, print_json, warn
from agent.tables import fit_columns, rich_table, write_csv


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def features(
    ctx: typer.Context,
    as_of: Annotated[datetime | None, typer.Option("--as-of", help="Compute as of this date (default: last order).",
                                                   formats=["%Y-%m-%d"], show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Compute RFM, P(alive), expected orders, predicted value, lifecycle stage and value tier per customer."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from tools.behaviour.feature_store import refresh_features

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err(), transient=True) as progress:
        task = progress.add_task("features", total=None)
        run = refresh_features(ctx.obj.workspace, as_of,
                               progress=lambda step: progress.update(task, description=step))
    if as_json:
        print_json(run)
        return
    console = out()
    console.print(f"Features for [bold]{run.customers:,}[/bold] customers as of {run.as_of} ({run.seconds:.1f}s)")
    stages = "  ".join(f"{stage} {run.lifecycle_counts.get(stage, 0):,}"
                       for stage in ("new", "active", "lapsing", "lapsed"))
    tiers = "  ".join(f"{tier} {run.value_counts.get(tier, 0):,}" for tier in ("high", "mid", "low"))
    console.print(f"  lifecycle: {stages}\n  value:     {tiers}")
    bgnbd = run.model.get("bgnbd", {})
    if bgnbd.get("usable"):
        console.print(f"  BG/NBD (weeks, purchase days): r={bgnbd['r']}, α={bgnbd['alpha']}, a={bgnbd['a']}, "
                      f"b={bgnbd['b']}")
    for message in run.warnings:
        warn(message)


def customers(
    ctx: typer.Context,
    lifecycle: Annotated[list[str] | None, typer.Option("--lifecycle", "-l",
                         help="new, active, lapsing, lapsed (repeatable or comma-separated).")] = None,
    value: Annotated[list[str] | None, typer.Option("--value", "-v",
                     help="Value tier: high, mid, low (repeatable or comma-separated).")] = None,
    segment: Annotated[str | None, typer.Option("--segment", "-s", help="Segment id or slug.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Bought from this category.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Customer country, e.g. Germany.")] = None,
    min_days_since_order: Annotated[int | None, typer.Option(min=0, help="Last order at least N days ago.")] = None,
    max_days_since_order: Annotated[int | None, typer.Option(min=0, help="Last order at most N days ago.")] = None,
    min_orders: Annotated[int | None, typer.Option(min=0, help="At least N orders.")] = None,
    max_orders: Annotated[int | None, typer.Option(min=0, help="At most N orders.")] = None,
    min_spend: Annotated[float | None, typer.Option(help="Net revenue at least this much.")] = None,
    max_spend: Annotated[float | None, typer.Option(help="Net revenue at most this much.")] = None,
    sort: Annotated[str | None, typer.Option("--sort", help="recency_days, frequency, monetary, p_alive, "
                    "expected_orders_90d, predicted_value_12m, days_overdue (default: predicted value).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows to show.")] = 20,
    show_all: Annotated[bool, typer.Option("--all", help="Show every matching customer.")] = False,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table, csv or json.")] = OutputFormat.table,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
) -> None:
    """List customers by lifecycle, value tier, segment and behaviour, e.g. --lifecycle lapsing --value high."""
    from pydantic import ValidationError

    from tools.behaviour.customers import AudienceFilter, find_customers
    from tools.errors import UserError

    try:
        filters = AudienceFilter(
            lifecycle=_split(lifecycle), value_tier=_split(value), segment=segment, category=category,
            country=country, min_days_since_order=min_days_since_order, max_days_since_order=max_days_since_order,
            min_orders=min_orders, max_orders=max_orders, min_spend=min_spend, max_spend=max_spend, sort_by=sort,
            limit=None if show_all else limit)
    except ValidationError as exc:
        raise UserError(_validation_message(exc)) from None
    result = find_customers(ctx.obj.workspace, filters)
    if as_json or output is OutputFormat.json:
        print_json({"description": result.description, "as_of": result.as_of, "total": result.total,
                    "columns": result.columns, "rows": result.rows})
    elif output is OutputFormat.csv:
        write_csv(result.columns, result.rows)
    else:
        shown = len(result.rows)
        title = f"{result.total:,} {result.description} (as of {result.as_of})"
        console = out()
        console.print(rich_table(*fit_columns(result.columns, result.rows, console.width), title=title))
        if shown < result.total:
            err().print(f"Showing {shown} of {result.total:,}; use --all or --limit N for more, "
                        "--format csv to export.")


def explain(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="Customer id as in your data.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Explain a customer's lifecycle stage and value tier: the numbers and thresholds behind them."""
    from tools.behaviour.explain import explain_customer

    result = explain_customer(ctx.obj.workspace, customer_id)
    if as_json:
        print_json(result)
        return
    console = out()
    console.print(f"[bold]Customer {result.customer_id}[/bold] as of {result.as_of}: "
                  f"[bold]{result.lifecycle}[/bold], [bold]{result.value_tier}[/bold] value")
    console.print(f"  Why {result.lifecycle}: {result.lifecycle_reason}.")
    console.print(f"  Why {result.value_tier} value: {result.value_reason}.")
    if result.segment:
        console.print(f"  Segment {result.segment['id']}: {result.segment['name']}")
    console.print(rich_table(["measure", "value"], [[k, v] for k, v in result.numbers.items()]))


def _split(values: list[str] | None) -> list[str]:
    return [part.strip().lower() for value in values or [] for part in value.split(",") if part.strip()]


def _validation_message(exc: object) -> str:
    first = exc.errors()[0]  # type: ignore[attr-defined]
    field = ".".join(str(part) for part in first["loc"] if not isinstance(part, int))
    value = first.get("input")
    option = {"value_tier": "--value", "sort_by": "--sort"}.get(field, f"--{field.replace('_', '-')}")
    return f"{option} {value!r} is not valid: {first['msg'].lower()}."
