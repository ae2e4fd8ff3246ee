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

    if append and replace:
        raise UserError("Pass either --append or --replace, not both.")
    mode = "append" if append else "replace" if replace else "auto"
    args = {"table": table, "file": str(file), "preset": preset, "map": mapping or [], "mode": mode,
            "date_format": date_format}
    yield_cpu_to_readers(ctx)
    with stage_progress(f"Reading {file.name}") as progress:
        present(ctx, "ingest", args, as_json=as_json, create=True, progress=progress, max_rows=100)


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
