"""``segment-agent ingest orders|customers|texts FILE``: load a shop's files into the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.commands.present import present, stage_progress, yield_cpu_to_readers

app = typer.Typer(
    help="Load orders, customers or customer texts (CSV, TSV, gzipped CSV or Parquet) into the workspace.",
    no_args_is_help=True,
)

FileArg = Annotated[Path | None, typer.Argument(help="CSV/TSV (optionally .gz) or Parquet file.", show_default=False)]
UrlOpt = Annotated[str | None, typer.Option("--url", help="SQLAlchemy database URL to read from instead of a file, "
                                            "e.g. postgresql+psycopg://user@host/db.", show_default=False)]
QueryOpt = Annotated[str | None, typer.Option("--query", help='SQL query giving the rows, e.g. "SELECT * FROM orders".',
                                              show_default=False)]
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


def _run(ctx: typer.Context, table: str, file: Path | None, preset: str | None, mapping: list[str] | None,
         append: bool, replace: bool, date_format: str | None, as_json: bool, url: str | None = None,
         query: str | None = None) -> None:
    from tools.errors import UserError

    if (file is None) == (url is None):  # a usage error (exit 2), like any missing argument
        _usage("Pass either a FILE or --url with --query, not both or neither.")
    if url is not None and not (query or "").strip():
        _usage("--url needs --query, e.g. --query \"SELECT * FROM orders\".")
    if append and replace:
        raise UserError("Pass either --append or --replace, not both.")
    mode = "append" if append else "replace" if replace else "auto"
    args = {"table": table, "file": str(file or ""), "preset": preset, "map": mapping or [], "mode": mode,
            "date_format": date_format, "url": url, "query": query}
    yield_cpu_to_readers(ctx)
    with stage_progress(f"Reading {file.name}" if file else "Reading the query") as progress:
        present(ctx, "ingest", args, as_json=as_json, create=True, progress=progress, max_rows=100)


def _usage(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command("orders")
def orders(ctx: typer.Context, file: FileArg = None, preset: PresetOpt = None, mapping: MapOpt = None,
           append: AppendOpt = False, replace: ReplaceOpt = False, date_format: DateFormatOpt = None,
           as_json: JsonOpt = False, url: UrlOpt = None, query: QueryOpt = None) -> None:
    """Load order lines: customer_id, order_date, amount (or quantity × unit_price) plus optional fields.

    Rows without a customer id are skipped and counted; negative amounts and cancelled invoices are returns.
    """
    _run(ctx, "orders", file, preset, mapping, append, replace, date_format, as_json, url, query)


@app.command("customers")
def customers(ctx: typer.Context, file: FileArg = None, mapping: MapOpt = None, append: AppendOpt = False,
              replace: ReplaceOpt = False, date_format: DateFormatOpt = None, as_json: JsonOpt = False,
              url: UrlOpt = None, query: QueryOpt = None) -> None:
    """Load customers: customer_id plus optional name, email, phone, country, city, signup_date."""
    _run(ctx, "customers", file, None, mapping, append, replace, date_format, as_json, url, query)


@app.command("texts")
def texts(ctx: typer.Context, file: FileArg = None, mapping: MapOpt = None, append: AppendOpt = False,
          replace: ReplaceOpt = False, date_format: DateFormatOpt = None, as_json: JsonOpt = False,
          url: UrlOpt = None, query: QueryOpt = None) -> None:
    """Load customer-written texts (reviews, tickets, chats): customer_id, text, optional date and source."""
    _run(ctx, "texts", file, None, mapping, append, replace, date_format, as_json, url, query)
