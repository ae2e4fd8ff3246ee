"""``segment-agent status``: what the workspace holds and where it came from."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from agent.console import out, print_json


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Show the workspace's tables, row counts and the files they were loaded from."""
    from rich.table import Table

    from tools.store.inventory import describe_workspace

    summary = describe_workspace(ctx.obj.workspace)
    if as_json:
        payload = asdict(summary)
        payload["tables"] = {name: {"rows": rows, "customers": customers}
                             for name, (rows, customers) in summary.tables.items()}
        print_json(payload)
        return
    console = out()
    console.print(f"Workspace [bold]{summary.path}[/bold]")
    counts = Table("table", "rows", "customers", box=None)
    for name, (rows, customers) in summary.tables.items():
        counts.add_row(name, f"{rows:,}", f"{customers:,}")
    console.print(counts)
    if summary.order_dates:
        console.print(f"Orders from {summary.order_dates[0]} to {summary.order_dates[1]}")
    log = Table("loaded", "table", "file", "kept", "skipped", box=None)
    for entry in summary.sources:
        log.add_row(entry.finished_at, entry.table, entry.file, f"{entry.rows_kept:,}", f"{entry.rows_skipped:,}")
    console.print(log)
