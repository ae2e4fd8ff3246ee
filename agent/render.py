"""Render an :class:`agent.answer.Answer` for the terminal: summary, tables, drafts, steps, reproduce."""

from __future__ import annotations

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from agent.answer import Answer
from agent.tables import fit_columns, rich_table

TERMINAL_ROWS = 20


def render_answer(answer: Answer, console: Console, show_steps: bool = True) -> None:
    """Print the answer as a marketer reads it; full tables are available with --json or /export."""
    console.print(Markdown(answer.answer))
    for table in answer.tables:
        rows = table.rows[:TERMINAL_ROWS]
        console.print(rich_table(*fit_columns(table.columns, rows, console.width), title=table.title))
        if len(table.rows) > len(rows):
            console.print(f"[dim]… {len(table.rows) - len(rows):,} more rows (use --json, or /export in chat)[/dim]")
    for index, draft in enumerate(answer.drafts, 1):
        console.print(Panel(_draft_text(draft), title=f"Draft {index} · {draft.get('channel', '')}",
                            title_align="left"))
    for warning in answer.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if show_steps and answer.steps:
        steps = " → ".join(f"{step.tool}({_args(step.args)})" for step in answer.steps)
        console.print(f"[dim]steps ({answer.planner}): {steps}[/dim]")
        for command in answer.reproduce:
            console.print(f"[dim]reproduce: {command}[/dim]")


def _args(args: dict) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in args.items())


def _draft_text(draft: dict) -> str:
    order = ("subject", "preheader", "title", "body", "message", "text")
    parts = [f"[bold]{key}:[/bold] {draft[key]}" if key in ("subject", "preheader", "title") else str(draft[key])
             for key in order if draft.get(key)]
    if draft.get("facts_used"):
        parts.append("[dim]facts used: " + "; ".join(map(str, draft["facts_used"])) + "[/dim]")
    return "\n".join(parts)
