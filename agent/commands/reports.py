"""``kpis`` and ``changes``: headline numbers and what moved since the last refresh."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from agent.console import out, print_json


def kpis(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=3660, help="Length of the period in days.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print the KPIs as JSON.")] = False,
) -> None:
    """Orders, buying customers, net revenue, AOV and new customers: last N days vs the N days before."""
    _run_tool(ctx, "kpi_summary", {"period": days}, as_json)


def changes(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"],
                                                   help="Compare with the last refresh before this date.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """What changed since the previous feature refresh: customers per stage, and who moved between stages."""
    _run_tool(ctx, "whats_changed", {"since": since.date().isoformat()} if since else {}, as_json)


def _run_tool(ctx: typer.Context, name: str, args: dict, as_json: bool) -> None:
    """Run one agent tool directly (no planning) and render it like an answer."""
    from agent.answer import Answer
    from agent.render import render_answer
    from agent.toolbox import run_tool
    from tools.store.workspace import Workspace

    Workspace.open_existing(ctx.obj.workspace)
    step, outcome = run_tool(ctx.obj.workspace, name, args)
    if as_json:
        print_json({"facts": outcome.facts, "tables": [t.__dict__ for t in outcome.tables]})
        return
    answer = Answer(question="", planner="direct")
    answer.add(step, outcome)
    answer.answer = outcome.summary
    render_answer(answer, out(), show_steps=False)
