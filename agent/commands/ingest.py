"""``segment-agent ingest orders|customers|texts FILE``: load a shop's files into the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent.console import err, out, print_json, warn

if TYPE_CHECKING:
    from tools.ingest.load import IngestReport

app = typer.Typer(
    help="Load orders, customers or customer texts (CSV, TSV, gzipped CSV or Parquet) into the workspace.",
    no_args_is_help=True,
)

FileArg = Annotated[Path, typer.Argument(help="CSV/TSV (optionally .gz) or Parquet file.", show_default=False)]
PresetOpt = Annotated[
    str | None,
    typer.Option("--preset", help="Known layout: online-retail (UCI Online Retail) or cdnow.", show_default=False),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        "-m",
        help='Map a canonical field to your column, e.g. --map customer_id="Customer ID" (repeatable).',
        show_default=False,
    ),
]
AppendOpt = Annotated[bool, typer.Option("--append", help="Add this file to the data already loaded.")]
ReplaceOpt = Annotated[bool, typer.Option("--replace", help="Replace the data already loaded with this file.")]
DateFormatOpt = Annotated[
    str | None,
    typer.Option("--date-format", help="strftime format of the dates, e.g. %d/%m/%Y (detected if omitted).",
                 show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the ingest report as JSON.")]


def _run(ctx: typer.Context, table: str, file: Path, preset: str | None, mapping: list[str] | None,
         append: bool, replace: bool, date_format: str | None, as_json: bool) -> None:
    from tools.errors import UserError
    from tools.ingest.load import ingest_file

    if append and replace:
        raise UserError("Pass either --append or --replace, not both.")
    mode = "append" if append else "replace" if replace else "auto"
    with err().status(f"Reading {file.name} …"):
        report = ingest_file(ctx.obj.workspace, table, file, preset=preset, map_pairs=mapping or [],
                             mode=mode, date_format=date_format)
    if as_json:
        print_json(report)
    else:
        _render(report, ctx.obj.workspace)


@app.command("orders")
def orders(ctx: typer.Context, file: FileArg, preset: PresetOpt = None, mapping: MapOpt = None,
           append: AppendOpt = False, replace: ReplaceOpt = False, date_format: DateFormatOpt = None,
           as_json: JsonOpt = False) -> None:
    """Load order lines: customer_id, order_date, amount (or quantity × unit_price) plus optional fields.

    Rows without a customer id are skipped and counted; negative amounts and cancelled invoices are returns.
    """
    _run(ctx, "orders", file, preset, mapping, append, replace, date_format, as_json)


@app.command("customers")
def customers(ctx: typer.Context, file: FileArg, mapping: MapOpt = None, append: AppendOpt = False,
              replace: ReplaceOpt = False, date_format: DateFormatOpt = None, as_json: JsonOpt = False) -> None:
    """Load customers: customer_id plus optional name, email, phone, country, city, signup_date."""
    _run(ctx, "customers", file, None, mapping, append, replace, date_format, as_json)


@app.command("texts")
def texts(ctx: typer.Context, file: FileArg, mapping: MapOpt = None, append: AppendOpt = False,
          replace: ReplaceOpt = False, date_format: DateFormatOpt = None, as_json: JsonOpt = False) -> None:
    """Load customer-written texts (reviews, tickets, chats): customer_id, text, optional date and source."""
    _run(ctx, "texts", file, None, mapping, append, replace, date_format, as_json)


def _render(report: IngestReport, workspace: Path) -> None:
    from rich.table import Table

    console = out()
    if report.status == "unchanged":
        console.print(f"{report.file} is already in the workspace ({report.rows_kept:,} rows kept, "
                      f"{report.rows_skipped:,} skipped, {report.customers:,} customers): nothing changed.")
        return
    verb = {"loaded": "Loaded", "appended": "Appended", "replaced": "Replaced with"}[report.status]
    noun = {"orders": "order lines", "customers": "customer rows", "texts": "texts"}[report.table]
    console.print(f"{verb} [bold]{report.rows_kept:,}[/bold] {noun} for "
                  f"[bold]{report.customers:,}[/bold] customers from {report.file} in {report.seconds:.1f}s")
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("rows read", f"{report.rows_read:,}")
    table.add_row("rows kept", f"{report.rows_kept:,}")
    for reason, count in report.skipped.items():
        table.add_row(f"skipped: {reason}", f"{count:,}")
    if report.table == "orders":
        table.add_row("returns (kept, netted)", f"{report.returns:,}")
        table.add_row("net amount", f"{report.net_amount:,.2f}")
    if report.duplicates:
        table.add_row("duplicate rows", f"{report.duplicates:,}")
    if report.first_date:
        table.add_row("dates", f"{report.first_date} → {report.last_date}")
    table.add_row("columns used", ", ".join(f"{k}←{v}" for k, v in report.mapping.items()))
    table.add_row("workspace", str(workspace))
    console.print(table)
    for message in report.warnings:
        warn(message)
