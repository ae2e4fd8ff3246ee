"""``segment-agent status``: what the workspace holds and where it came from."""

from __future__ import annotations

import typer

from agent.commands.present import JsonOpt, present


def status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the workspace's tables, row counts and the files they were loaded from."""
    present(ctx, "workspace_status", {}, as_json=as_json, max_rows=200)
