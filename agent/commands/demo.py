"""``segment-agent demo``: the main job end to end on the bundled sample shop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent.console import out


def demo(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace a workspace that holds other data.")] = False,
) -> None:
    """Build a workspace from the bundled sample shop and run the main job on it, explaining each step."""
    console = out()
    workspace = ctx.obj.workspace
    console.rule("[bold]segment-agent demo[/bold]")
    _load_sample_shop(workspace, force)
    console.print(
        f"\nDone. The workspace is [bold]{workspace}[/bold]; try  [cyan]segment-agent status[/cyan]."
    )


def _load_sample_shop(workspace: Path, force: bool) -> None:
    from tools.errors import UserError
    from tools.ingest import ingest_file
    from tools.sample_shop import sample_files
    from tools.workspace import Workspace

    files = sample_files()
    if Workspace(workspace).exists() and not force and not _holds_only(workspace, files.values()):
        raise UserError(
            f"The workspace {workspace} holds your own data; run the demo elsewhere with "
            "--workspace ./demo-workspace, or pass --force to replace it."
        )
    console = out()
    console.print(f"[bold]1. Load the sample shop[/bold] ({files['orders'].parent})")
    for table, path in files.items():
        report = ingest_file(workspace, table, path, mode="replace")
        skipped = f", {report.rows_skipped:,} skipped" if report.rows_skipped else ""
        console.print(f"   {table:<9} {report.rows_kept:>7,} rows  {report.customers:>6,} customers{skipped}")


def _holds_only(workspace: Path, files: object) -> bool:
    from tools.inventory import describe_workspace

    sample_paths = {str(Path(path).resolve()) for path in files}  # type: ignore[attr-defined]
    return all(entry.file in sample_paths for entry in describe_workspace(workspace).sources)
